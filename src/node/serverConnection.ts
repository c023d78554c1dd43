// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';

/**
 * Connection settings for @jupyterlab/services in Node: the server's URL and token, `ws` for the
 * kernel websocket and Node's own fetch.
 *
 * @param url - the server's base URL, such as `http://127.0.0.1:8888/`.
 * @param token - the server's token.
 * @returns settings for the service managers.
 */
export function makeNodeServerSettings(url: string, token: string): ServerConnection.ISettings {
  const baseUrl = url.endsWith('/') ? url : `${url}/`;
  return ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch: globalThis.fetch.bind(globalThis),
    Request: globalThis.Request,
    Headers: globalThis.Headers
  });
}
