// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ContentsManager, KernelManager, ServerConnection, SessionManager } from '@jupyterlab/services';

import { ModelClient } from '../model/modelClient';
import { JupyterServerProcess } from './jupyterServerProcess';
import { makeNodeServerSettings } from './serverConnection';

/**
 * A command-line usage error (exit code 2).
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

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
 * The exit codes of every command.
 */
export enum ExitCode {
  Ok = 0,
  Failed = 1,
  Usage = 2,
  Unreachable = 3
}

/**
 * The options every command that talks to a model takes (for node's util.parseArgs).
 */
export const MODEL_OPTIONS = {
  'base-url': { type: 'string' },
  'api-key': { type: 'string' },
  model: { type: 'string' }
} as const;

/**
 * The options every command that runs code takes.
 */
export const JUPYTER_OPTIONS = {
  'server-url': { type: 'string' },
  token: { type: 'string' },
  kernel: { type: 'string' },
  python: { type: 'string' }
} as const;

/**
 * Help lines for MODEL_OPTIONS.
 */
export const MODEL_OPTIONS_HELP = `Model:
  --base-url URL       OpenAI-compatible endpoint (env OPENAI_BASE_URL; default https://api.openai.com/v1)
  --api-key KEY        API key (env OPENAI_API_KEY; may be empty for local servers)
  --model NAME         model name (env CODE_INTERPRETER_MODEL)`;

/**
 * Help lines for JUPYTER_OPTIONS.
 */
export const JUPYTER_OPTIONS_HELP = `Jupyter:
  --server-url URL     use this running Jupyter server (default: start a private one on loopback)
  --token TOKEN        its token (env JUPYTER_TOKEN)
  --kernel NAME        kernel to start (default python3)
  --python PATH        the Python with jupyter_server for a private server
                       (env CODE_INTERPRETER_PYTHON; default python3)`;

/**
 * Build the model client from the options and the environment.
 *
 * @param values - parsed MODEL_OPTIONS.
 * @param env - the environment.
 * @returns the client.
 * @throws {UsageError} when no model is named.
 */
export function modelClientFrom(
  values: { 'base-url'?: string; 'api-key'?: string; model?: string },
  env: NodeJS.ProcessEnv = process.env
): ModelClient {
  const model = values.model ?? env.CODE_INTERPRETER_MODEL;
  if (!model) {
    throw new UsageError('No model given: pass --model NAME or set CODE_INTERPRETER_MODEL.');
  }
  const baseURL = values['base-url'] ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  try {
    new URL(baseURL);
  } catch {
    throw new UsageError(`--base-url is not a URL: ${baseURL}`);
  }
  return new ModelClient({ baseURL, apiKey: values['api-key'] ?? env.OPENAI_API_KEY ?? '', model });
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
