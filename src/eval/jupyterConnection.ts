// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { KernelManager } from '@jupyterlab/services';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { JupyterServerProcess } from '../cli/jupyterServerProcess';
import { makeNodeServerSettings } from '../cli/serverConnection';
import { packageRoot } from './dataset';

/**
 * The Jupyter server could not be reached or started (exit code 3 on the command line).
 */
export class JupyterUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JupyterUnreachableError';
  }
}

/**
 * A Jupyter server the harness runs its kernels on: a running one (`--server-url`) or a
 * private one started for the run and stopped with it.
 */
export class EvalJupyter {
  private constructor(
    readonly manager: KernelManager,
    private _server: JupyterServerProcess | undefined
  ) {}

  /**
   * Connect to a running server, or start a private one.
   *
   * @param options - the server to use, or how to start one.
   * @returns the connection, its kernel manager ready.
   * @throws {JupyterUnreachableError} when the server does not answer or cannot start.
   */
  static async connect(options: EvalJupyter.IOptions = {}): Promise<EvalJupyter> {
    let server: JupyterServerProcess | undefined;
    let url = options.serverUrl;
    let token = options.token ?? '';
    if (!url) {
      try {
        server = await JupyterServerProcess.start(Private.privateServerOptions(options.python));
      } catch (error) {
        throw new JupyterUnreachableError(
          `Could not start a Jupyter server: ${error instanceof Error ? error.message : String(error)}`
        );
      }
      url = server.url;
      token = server.token;
    } else if (!(await Private.answers(url, token))) {
      throw new JupyterUnreachableError(
        `The Jupyter server at ${url} does not answer (check --server-url and --token).`
      );
    }
    const manager = new KernelManager({ serverSettings: makeNodeServerSettings(url, token) });
    try {
      await manager.ready;
    } catch (error) {
      manager.dispose();
      await server?.stop();
      throw new JupyterUnreachableError(`The Jupyter server at ${url} refused the kernel API: ${String(error)}`);
    }
    return new EvalJupyter(manager, server);
  }

  /**
   * Release the kernel manager and stop the private server, if one was started.
   * Safe to call more than once.
   *
   * @returns when the server has exited.
   */
  async close(): Promise<void> {
    this.manager.dispose();
    const server = this._server;
    this._server = undefined;
    await server?.stop();
  }
}

/**
 * The namespace for `EvalJupyter` statics.
 */
export namespace EvalJupyter {
  /**
   * Where the kernels run.
   */
  export interface IOptions {
    /**
     * A running server's URL; a private one is started when omitted.
     */
    serverUrl?: string;

    /**
     * The running server's token.
     */
    token?: string;

    /**
     * The Python of a private server; default `$CODE_INTERPRETER_PYTHON`, the package's
     * `.venv`, or `python3`.
     */
    python?: string;
  }
}

namespace Private {
  /**
   * How to start the private server (JupyterServerProcess adds the no-delay kernel websocket).
   */
  export function privateServerOptions(python: string | undefined): JupyterServerProcess.IOptions {
    const root = packageRoot();
    const venvPython = root ? join(root, '.venv', 'bin', 'python') : undefined;
    return {
      python:
        python ??
        process.env.CODE_INTERPRETER_PYTHON ??
        (venvPython && existsSync(venvPython) ? venvPython : 'python3')
    };
  }

  /**
   * Whether a server answers an authenticated status request.
   */
  export async function answers(url: string, token: string): Promise<boolean> {
    const base = url.endsWith('/') ? url : `${url}/`;
    try {
      const response = await fetch(`${base}api/status`, {
        headers: token ? { Authorization: `token ${token}` } : {},
        signal: AbortSignal.timeout(5000)
      });
      return response.ok;
    } catch {
      return false;
    }
  }
}
