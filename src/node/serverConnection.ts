// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';

/**
 * Connection settings for @jupyterlab/services in Node: the server's URL and token, `ws` for the
 * kernel websocket and Node's own fetch.
 *
 * The websocket also carries the token in an `Authorization` header: a JupyterHub single-user
 * server takes a token from the URL only from browsers (`Sec-Fetch-Mode: websocket`) unless its
 * admin allows tokens in URLs, so a URL token alone is refused there (403, reconnecting forever).
 *
 * @param url - the server's base URL, such as `http://127.0.0.1:8888/`.
 * @param token - the server's token.
 * @returns settings for the service managers.
 */
export function makeNodeServerSettings(url: string, token: string): ServerConnection.ISettings {
  const baseUrl = url.endsWith('/') ? url : `${url}/`;
  const headers = token ? { Authorization: `token ${token}` } : {};
  class TokenWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  }
  return ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    WebSocket: TokenWebSocket as unknown as typeof globalThis.WebSocket,
    fetch: globalThis.fetch.bind(globalThis),
    Request: globalThis.Request,
    Headers: globalThis.Headers
  });
}
