// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ContentsManager, KernelManager, ServerConnection, SessionManager } from '@jupyterlab/services';

import { JupyterServerProcess } from './jupyterServerProcess';
import { makeNodeServerSettings } from './serverConnection';

/**
 * The Jupyter server or the model endpoint cannot be reached (exit code 3).
 */
export class UnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreachableError';
  }
}

/**
 * A connection to a Jupyter server: a running one, or a private one started for this command.
 */
export class JupyterConnection {
  private constructor(
    readonly settings: ServerConnection.ISettings,
    private _server: JupyterServerProcess | undefined
  ) {
    // Only the services a headless run needs: no terminals, settings or event stream polling.
    this.kernels = new KernelManager({ serverSettings: settings });
    this.sessions = new SessionManager({ serverSettings: settings, kernelManager: this.kernels });
    this.contents = new ContentsManager({ serverSettings: settings });
  }

  /**
   * The server's kernels.
   */
  readonly kernels: KernelManager;

  /**
   * The server's sessions.
   */
  readonly sessions: SessionManager;

  /**
   * The server's files.
   */
  readonly contents: ContentsManager;

  /**
   * The server's URL.
   */
  get url(): string {
    return this.settings.baseUrl;
  }

  /**
   * Connect to the server the options name, or start a private one.
   *
   * @param values - parsed JUPYTER_OPTIONS, and the folder a private server serves (default a
   *   temporary one).
   * @param env - the environment.
   * @returns the connection, its services ready.
   * @throws {UnreachableError} when the server cannot be reached or started.
   */
  static async open(
    values: { 'server-url'?: string; token?: string; python?: string; rootDir?: string },
    env: NodeJS.ProcessEnv = process.env
  ): Promise<JupyterConnection> {
    let server: JupyterServerProcess | undefined;
    let url = values['server-url'];
    let token = values.token ?? env.JUPYTER_TOKEN ?? '';
    if (!url) {
      try {
        server = await JupyterServerProcess.start({
          python: values.python ?? env.CODE_INTERPRETER_PYTHON,
          rootDir: values.rootDir
        });
      } catch (error) {
        throw new UnreachableError(`Could not start a Jupyter server: ${(error as Error).message}`);
      }
      url = server.url;
      token = server.token;
    }
    const settings = makeNodeServerSettings(url, token);
    try {
      const response = await ServerConnection.makeRequest(`${settings.baseUrl}api/status`, {}, settings);
      if (!response.ok) {
        throw new Error(`${response.status} ${response.statusText}`);
      }
    } catch (error) {
      await server?.stop();
      throw new UnreachableError(`Cannot reach the Jupyter server at ${url}: ${(error as Error).message}`);
    }
    const connection = new JupyterConnection(settings, server);
    await Promise.all([connection.kernels.ready, connection.sessions.ready]);
    return connection;
  }

  /**
   * Dispose of the services and stop the private server, if any. Safe to call more than once.
   */
  async close(): Promise<void> {
    this.sessions.dispose();
    this.kernels.dispose();
    this.contents.dispose();
    await this._server?.stop();
    this._server = undefined;
  }
}
