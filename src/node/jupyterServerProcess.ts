// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freeLoopbackPort } from './loopbackPort';
import { defaultPython, pythonPackageRoot } from './projectPython';

/**
 * A private Jupyter server on loopback, with a random port and token, owned by this process.
 */
export class JupyterServerProcess {
  private constructor(
    readonly url: string,
    readonly token: string,
    readonly rootDir: string,
    private _child: ChildProcess,
    private _ownsRootDir: boolean,
    private _stderr: () => string
  ) {}

  /**
   * Start a server and wait until it answers.
   *
   * @param options - how to start it.
   * @returns the running server.
   * @throws when Python or jupyter_server is missing, or the server does not come up in time.
   */
  static async start(options: JupyterServerProcess.IOptions = {}): Promise<JupyterServerProcess> {
    const python = options.python ?? defaultPython();
    const port = await freeLoopbackPort();
    const token = randomBytes(24).toString('hex');
    const ownsRootDir = !options.rootDir;
    const rootDir = options.rootDir ?? mkdtempSync(join(tmpdir(), 'code-interpreter-'));
    const args = [
      '-c',
      Private.STOP_WITH_PARENT,
      '--no-browser',
      `--ServerApp.ip=127.0.0.1`,
      `--ServerApp.port=${port}`,
      '--ServerApp.port_retries=0',
      `--ServerApp.root_dir=${rootDir}`,
      // Containers and CI run as root; jupyter_server refuses that unless told.
      ...(process.getuid?.() === 0 ? ['--ServerApp.allow_root=True'] : []),
      ...(options.extraArgs ?? [])
    ];
    // The token goes by the environment, not the command line, where `ps` would show it. The
    // model's key is not for the kernels: code the model writes could print it.
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, JUPYTER_TOKEN: token };
    delete env.OPENAI_API_KEY;
    if (options.gateway) {
      // Kernels on a gateway; its token, like the server's, goes by the environment.
      args.push(`--gateway-url=${options.gateway.url}`);
      if (options.gateway.token) {
        env.JUPYTER_GATEWAY_AUTH_TOKEN = options.gateway.token;
      }
    }
    const packageRoot = options.noDelay === false ? undefined : pythonPackageRoot();
    if (options.noDelay === false) {
      // Stock behaviour even where the server extension is pip-installed and would turn it on.
      args.push('--CodeInterpreter.tcp_nodelay=False');
    } else if (packageRoot) {
      // The server extension's kernel websocket without Nagle's delay (40 ms a message), taken
      // from this package's own copy whether or not it is pip-installed in that Python.
      const connectionClass = options.gateway ? Private.NO_DELAY_GATEWAY_CLASS : Private.NO_DELAY_CLASS;
      args.push(`--ServerApp.kernel_websocket_connection_class=${connectionClass}`);
      env.PYTHONPATH = [packageRoot, env.PYTHONPATH].filter(Boolean).join(':');
    }
    const child = spawn(python, args, {
      cwd: rootDir,
      env,
      // stdin is the pipe the server watches: it closes when this process ends in any way.
      stdio: ['pipe', 'ignore', 'pipe'],
      // A process group of its own: Ctrl-C in the terminal reaches this process, which stops the
      // turn and saves, not the server (which would exit at once, its stdin not being a tty).
      detached: true
    });
    const killOnExit = () => child.kill('SIGTERM');
    process.once('exit', killOnExit);
    child.once('exit', () => process.removeListener('exit', killOnExit));
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      // Keep the tail only: a long-lived server logs every request.
      stderr = (stderr + chunk).slice(-20000);
    });
    const exited = new Promise<string>(resolve => {
      child.once('error', error => resolve(`could not start ${python}: ${error.message}`));
      child.once('exit', code => resolve(`the Jupyter server exited with code ${code}`));
    });
    const url = `http://127.0.0.1:${port}/`;
    const server = new JupyterServerProcess(url, token, rootDir, child, ownsRootDir, () => stderr);
    const deadline = Date.now() + (options.startTimeoutMs ?? 60000);
    let failure: string | undefined;
    void exited.then(reason => (failure = reason));
    while (Date.now() < deadline) {
      if (failure) {
        await server.stop();
        throw new Error(`${failure}\n${stderr.trim().split('\n').slice(-15).join('\n')}`);
      }
      if (await Private.answers(url, token)) {
        // The port was free when chosen, not reserved: make sure the server answering is this
        // one, which refuses any other token.
        if (await Private.answers(url, randomBytes(24).toString('hex'))) {
          await server.stop();
          throw new Error(`Another server answers on ${url}, not the Jupyter server started for this command.`);
        }
        return server;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    await server.stop();
    throw new Error(`The Jupyter server did not answer within the time limit.\n${stderr.slice(-2000)}`);
  }

  /**
   * The server's log so far (its last 20,000 characters).
   */
  get log(): string {
    return this._stderr();
  }

  /**
   * Stop the server and its kernels; remove the root folder if this object made it.
   * Safe to call more than once.
   */
  async stop(): Promise<void> {
    const child = this._child;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
      // SIGTERM lets jupyter_server shut its kernels down before it exits.
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(forced);
    }
    if (this._ownsRootDir) {
      rmSync(this.rootDir, { recursive: true, force: true });
      this._ownsRootDir = false;
    }
  }
}

/**
 * The namespace for `JupyterServerProcess` statics.
 */
export namespace JupyterServerProcess {
  /**
   * How to start a server.
   */
  export interface IOptions {
    /**
     * The Python that has jupyter_server; default `$CODE_INTERPRETER_PYTHON`, the package's
     * `.venv` (made by scripts/setup), or `python3`.
     */
    python?: string;

    /**
     * The folder the server serves; default a new temporary folder, removed on stop.
     */
    rootDir?: string;

    /**
     * More command-line arguments for jupyter_server.
     */
    extraArgs?: string[];

    /**
     * More environment variables for the server and its kernels.
     */
    env?: Record<string, string>;

    /**
     * How long to wait for the server to answer, in milliseconds. Default 60000.
     */
    startTimeoutMs?: number;

    /**
     * Whether kernel websockets send each message at once (TCP_NODELAY, the server extension's
     * connection class). Default true; false gives stock jupyter_server (for benchmarks).
     */
    noDelay?: boolean;

    /**
     * A kernel gateway (Jupyter Enterprise Gateway or Kernel Gateway) that runs the server's
     * kernels: `--gateway-url`, with the gateway's token if it has one.
     */
    gateway?: { url: string; token?: string };
  }
}

namespace Private {
  /**
   * Runs jupyter_server (its arguments are this script's), and stops it, kernels included, when
   * its stdin closes: this process holds the other end, so the server stops when this process
   * ends however it ends (SIGTERM, SIGHUP when the terminal closes, SIGKILL), as the local model
   * does. SIGTERM is jupyter_server's own clean shutdown; the server is killed 15 s later if it
   * is still there.
   */
  export const STOP_WITH_PARENT = [
    'import os, signal, sys, threading',
    'def _watch():',
    '    try:',
    '        while sys.stdin.buffer.read(4096):',
    '            pass',
    '    except Exception:',
    '        pass',
    '    os.kill(os.getpid(), signal.SIGTERM)',
    '    timer = threading.Timer(15, lambda: os._exit(1))',
    '    timer.daemon = True',
    '    timer.start()',
    'threading.Thread(target=_watch, daemon=True).start()',
    'import runpy',
    "sys.argv[0] = 'jupyter_server'",
    "runpy.run_module('jupyter_server', run_name='__main__', alter_sys=True)"
  ].join('\n');

  /**
   * The server extension's kernel websocket connection class.
   */
  export const NO_DELAY_CLASS = 'jupyterlab_code_interpreter.websocket.NoDelayKernelWebsocketConnection';

  /**
   * The same for a server whose kernels run on a gateway.
   */
  export const NO_DELAY_GATEWAY_CLASS = 'jupyterlab_code_interpreter.websocket.NoDelayGatewayWebSocketConnection';

  /**
   * Whether the server answers an authenticated status request.
   */
  export async function answers(url: string, token: string): Promise<boolean> {
    try {
      const response = await fetch(`${url}api/status`, {
        headers: { Authorization: `token ${token}` },
        signal: AbortSignal.timeout(2000)
      });
      return response.ok;
    } catch {
      return false;
    }
  }
}
