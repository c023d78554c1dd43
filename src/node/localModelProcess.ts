// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { defaultPython, pythonPackageRoot } from './projectPython';

/**
 * The embedded local model, served by llama.cpp on loopback in a child process
 * (`python -m jupyterlab_code_interpreter.local_model serve`, see docs/local-model.md), for
 * commands that run with no endpoint configured and no Jupyter server of the user's.
 *
 * The child speaks JSON lines on its stdout (progress, then ready or error) and exits when its
 * stdin closes, so it dies with this process even when this process is killed.
 */
export class LocalModelProcess {
  private constructor(
    readonly endpoint: LocalModelProcess.IEndpoint,
    private _child: ChildProcess
  ) {}

  /**
   * Start the model server and wait until it answers.
   *
   * @param options - which model, the Python, progress and stop.
   * @returns the running server.
   * @throws {LocalModelError} when the weights are missing or corrupt, the server wheel is not
   *   installed, the server fails to start, or the start is stopped.
   */
  static async start(options: LocalModelProcess.IOptions = {}): Promise<LocalModelProcess> {
    const python = options.python ?? defaultPython();
    const args = ['-m', 'jupyterlab_code_interpreter.local_model', 'serve'];
    if (options.gguf) {
      args.push('--gguf', options.gguf);
    } else if (options.model) {
      args.push('--model', options.model);
    }
    if (options.contextSize) {
      args.push('--context-size', String(options.contextSize));
    }
    if (options.threads) {
      args.push('--threads', String(options.threads));
    }
    const root = pythonPackageRoot();
    const env = { ...process.env };
    if (root) {
      // This package's own copy of the launcher, whether or not it is pip-installed there.
      env.PYTHONPATH = [root, env.PYTHONPATH].filter(Boolean).join(':');
    }
    const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    const killOnExit = () => child.kill('SIGTERM');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));

    const lines = createInterface({ input: child.stdout! });
    try {
      const endpoint = await new Promise<LocalModelProcess.IEndpoint>((resolve, reject) => {
        const fail = (message: string) => reject(new LocalModelError(message));
        const onAbort = () => fail('The local model was stopped while it was starting.');
        options.signal?.addEventListener('abort', onAbort, { once: true });
        child.once('error', error => fail(`Could not start ${python}: ${error.message}`));
        child.once('exit', code => {
          const reason = stderr.trim().split('\n').at(-1) || `it exited with code ${code}`;
          fail(`The local model server stopped before it was ready: ${reason}`);
        });
        lines.on('line', line => {
          const event = Private.parseEvent(line);
          if (!event) {
            return;
          }
          if (event.event === 'progress') {
            options.onProgress?.(event);
          } else if (event.event === 'error') {
            fail(event.message);
          } else if (event.event === 'ready') {
            options.signal?.removeEventListener('abort', onAbort);
            resolve({
              baseURL: event.base_url,
              apiKey: event.api_key,
              model: event.model,
              contextSize: event.context_size,
              gguf: event.gguf,
              log: event.log
            });
          }
        });
      });
      child.removeAllListeners('exit');
      child.once('exit', () => process.removeListener('exit', killOnExit));
      return new LocalModelProcess(endpoint, child);
    } catch (error) {
      child.stdin?.end();
      child.kill('SIGTERM');
      throw error;
    }
  }

  /**
   * Stop the model server. Safe to call more than once.
   *
   * @returns once the process has exited.
   */
  async stop(): Promise<void> {
    const child = this._child;
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
    child.stdin?.end();
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * The local model cannot be used; the message says why in one line (a missing extra, weights
 * whose sha256 does not match, a server that failed to load).
 */
export class LocalModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalModelError';
  }
}

/**
 * The namespace for `LocalModelProcess` statics.
 */
export namespace LocalModelProcess {
  /**
   * How to start the local model.
   */
  export interface IOptions {
    /**
     * The catalog's model: `1.5b` (default) or `0.5b`.
     */
    model?: string;

    /**
     * A GGUF file to serve instead of the catalog's model.
     */
    gguf?: string;

    /**
     * The context size in tokens (default: the launcher's).
     */
    contextSize?: number;

    /**
     * CPU threads (default: the launcher's).
     */
    threads?: number;

    /**
     * The Python with the `local` extra (default: `CODE_INTERPRETER_PYTHON`, the project's venv,
     * or python3).
     */
    python?: string;

    /**
     * Called as the weights are assembled, verified and loaded.
     */
    onProgress?: (progress: IProgress) => void;

    /**
     * Stops the start.
     */
    signal?: AbortSignal;
  }

  /**
   * How far the start has got.
   */
  export interface IProgress {
    stage: 'assembling' | 'verifying' | 'loading';
    done: number;
    total: number;
  }

  /**
   * Where the running model answers.
   */
  export interface IEndpoint {
    /**
     * The OpenAI-compatible base URL, on loopback.
     */
    baseURL: string;

    /**
     * The server's own key: other local users cannot use it.
     */
    apiKey: string;

    /**
     * The served model's name.
     */
    model: string;

    /**
     * The context window in tokens.
     */
    contextSize: number;

    /**
     * The GGUF file served.
     */
    gguf: string;

    /**
     * The server's log file.
     */
    log: string;
  }
}

namespace Private {
  /**
   * A line the launcher writes.
   */
  export type LauncherEvent =
    | ({ event: 'progress' } & LocalModelProcess.IProgress)
    | { event: 'error'; message: string }
    | {
        event: 'ready';
        base_url: string;
        api_key: string;
        model: string;
        context_size: number;
        gguf: string;
        log: string;
      };

  /**
   * Parse one line of the launcher's output; other lines (a library printing) are ignored.
   *
   * @param line - the line.
   * @returns the event, or `undefined`.
   */
  export function parseEvent(line: string): LauncherEvent | undefined {
    try {
      const value: unknown = JSON.parse(line);
      if (value && typeof value === 'object' && 'event' in value) {
        return value as LauncherEvent;
      }
    } catch {
      // Not one of ours.
    }
    return undefined;
  }
}
