// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/**
 * The model proxy's settings as the server shows them (the key itself never leaves the server).
 */
export interface IServerConfig {
  /**
   * The model used when a request names none (may be empty).
   */
  model: string;

  /**
   * The upstream endpoint.
   */
  base_url: string;

  /**
   * Whether the server holds an API key.
   */
  has_api_key: boolean;

  /**
   * Whether kernel websockets run without Nagle's delay.
   */
  tcp_nodelay: boolean;

  /**
   * `local` when the embedded model serves (no endpoint and no key configured), else `remote`.
   */
  provider?: 'local' | 'remote';
}

/**
 * The embedded local model's state, as `code-interpreter/local-model` reports it.
 */
export interface ILocalModelState {
  /**
   * `idle` (loads on first use), `loading`, `ready`, `failed` (`reason` says why) or
   * `unavailable` (the `local` extra is not installed; `reason` says how to get it).
   */
  state: 'idle' | 'loading' | 'ready' | 'failed' | 'unavailable';

  /**
   * Why it failed or is unavailable.
   */
  reason: string | null;

  /**
   * How far loading has got.
   */
  progress: { stage: string; done: number; total: number } | null;

  /**
   * The served model's name.
   */
  model: string;

  /**
   * Its context window in tokens.
   */
  context_size: number;
}

/**
 * Whether the model the sidebar will ask can answer, as the sidebar last learned it: the local
 * model's state, or `ready` for an endpoint (its answers tell the rest), or `unavailable` when
 * the server extension did not answer. The sidebar and the status bar show the same one.
 */
export interface IModelReadiness {
  /**
   * The local model's state, `ready` for an endpoint, `unavailable` without the server extension.
   */
  state: ILocalModelState['state'];

  /**
   * Who serves: the embedded model, an endpoint, or `null` when the server extension did not answer.
   */
  provider: 'local' | 'remote' | null;

  /**
   * The model's name, when known.
   */
  model: string;

  /**
   * Why it is failed or unavailable ("" otherwise).
   */
  reason: string;
}

/**
 * Read the local model's state, or start it (`start`), as the sidebar does to warm it up.
 *
 * @param start - start it when it is idle or failed.
 * @param settings - the server connection settings (default: the page's).
 * @returns the state.
 * @throws {ServerConnection.ResponseError} when the server extension answers with an error.
 */
export async function localModelState(
  start = false,
  settings = ServerConnection.makeSettings()
): Promise<ILocalModelState> {
  const url = URLExt.join(settings.baseUrl, 'code-interpreter', 'local-model');
  const response = await ServerConnection.makeRequest(url, { method: start ? 'POST' : 'GET' }, settings);
  if (!response.ok) {
    throw await ServerConnection.ResponseError.create(response);
  }
  return (await response.json()) as ILocalModelState;
}

/**
 * What the browser may change on the server.
 */
export interface IServerConfigUpdate {
  api_key?: string;
  model?: string;
  base_url?: string;
}

/**
 * Read the proxy's settings.
 *
 * @param settings - the server connection (the default one when omitted).
 * @returns the settings.
 * @throws {ServerConnection.ResponseError} when the server extension is missing or refuses.
 */
export async function fetchServerConfig(settings?: ServerConnection.ISettings): Promise<IServerConfig> {
  return Private.request('GET', undefined, settings);
}

/**
 * Change the proxy's settings, e.g. send an API key typed in the sidebar. The key goes to the
 * server and is not kept in the browser.
 *
 * @param update - the settings to change.
 * @param settings - the server connection (the default one when omitted).
 * @returns the settings after the change.
 * @throws {ServerConnection.ResponseError} when the server refuses the change.
 */
export async function updateServerConfig(
  update: IServerConfigUpdate,
  settings?: ServerConnection.ISettings
): Promise<IServerConfig> {
  return Private.request('POST', JSON.stringify(update), settings);
}

namespace Private {
  export async function request(
    method: 'GET' | 'POST',
    body: string | undefined,
    settings = ServerConnection.makeSettings()
  ): Promise<IServerConfig> {
    const url = URLExt.join(settings.baseUrl, 'code-interpreter', 'config');
    const response = await ServerConnection.makeRequest(url, { method, body }, settings);
    if (!response.ok) {
      throw await ServerConnection.ResponseError.create(response);
    }
    return (await response.json()) as IServerConfig;
  }
}
