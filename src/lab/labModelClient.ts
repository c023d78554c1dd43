// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { ModelClient } from '../model/modelClient';

/**
 * The model client JupyterLab uses: requests go to the server extension's proxy
 * (`<base_url>code-interpreter/v1`), which adds the real API key, so no key is in the browser.
 *
 * @param options - the model name and the server connection.
 * @returns the client.
 */
export function createLabModelClient(options: LabModelClient.IOptions): ModelClient {
  const settings = options.serverSettings ?? ServerConnection.makeSettings();
  return new ModelClient({
    baseURL: URLExt.join(settings.baseUrl, 'code-interpreter', 'v1'),
    // The proxy replaces it with the server's key; the SDK only needs something non-empty.
    apiKey: 'set-on-the-server',
    model: options.model,
    maxRetries: options.maxRetries,
    fetch: jupyterFetch(settings)
  });
}

/**
 * A `fetch` that sends requests through `ServerConnection.makeRequest`, which adds the Jupyter
 * token and XSRF headers the server wants.
 *
 * @param settings - the server connection.
 * @returns the fetch function.
 */
export function jupyterFetch(settings: ServerConnection.ISettings): typeof fetch {
  return (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers = new Headers(init.headers);
    // The SDK's `Authorization: Bearer <placeholder>` would hide the Jupyter token (the server
    // reads one Authorization header); makeRequest adds the token, the cookie does the rest.
    headers.delete('Authorization');
    // makeRequest adds a cache-busting query for `no-store`; chat requests are never cached anyway.
    return ServerConnection.makeRequest(url, { ...init, headers, cache: 'default' }, settings);
  };
}

/**
 * The namespace for `createLabModelClient` options.
 */
export namespace LabModelClient {
  /**
   * The options of the lab model client.
   */
  export interface IOptions {
    /**
     * The model name; empty lets the server's configured model answer.
     */
    model: string;

    /**
     * Retries of failed requests. Default: the ModelClient default.
     */
    maxRetries?: number;

    /**
     * The server connection; the default one when omitted.
     */
    serverSettings?: ServerConnection.ISettings;
  }
}
