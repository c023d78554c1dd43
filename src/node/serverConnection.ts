// Copyright (c) jupyterlab-code-interpreter contributors.
// Distributed under the terms of the Modified BSD License.

import { ServerConnection } from '@jupyterlab/services';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';

/**
 * Connection settings for @jupyterlab/services in Node: the server's URL and token, `ws` for the
 * kernel websocket (accepting a handshake without a subprotocol, as browsers do) and Node's own
 * fetch.
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
  const headers: Record<string, string> = token ? { Authorization: `token ${token}` } : {};
  class TokenWebSocket extends LegacyTolerantWebSocket {
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

/**
 * A `ws` client that, like a browser, accepts a server that answers the handshake with no
 * subprotocol (the legacy JSON kernel protocol), instead of failing the handshake.
 *
 * @jupyterlab/services offers the `v1.kernel.websocket.jupyter.org` subprotocol. A Jupyter server
 * whose kernels run on a gateway (`--gateway-url`) never selects it, because it relays the
 * gateway's messages as they are. `ws` then fails the handshake ("Server sent no subprotocol")
 * after the server has accepted it and begun its own connection to the gateway; services retries at
 * once without subprotocols, and the gateway sees two connections with the same session id at the
 * same time, which Enterprise Gateway 3.3 cannot resolve (see docs/deployments.md). Accepting the
 * first handshake makes one connection, as in JupyterLab.
 */
export class LegacyTolerantWebSocket extends WebSocket {
  /**
   * Open a client websocket.
   *
   * @param address - the websocket URL.
   * @param protocols - the subprotocols offered.
   * @param options - `ws` client options, such as headers.
   */
  constructor(address: string | URL, protocols?: string | string[], options?: WebSocket.ClientOptions) {
    super(address, protocols, options);
    const offered = typeof protocols === 'string' ? [protocols] : (protocols ?? []);
    if (offered.length === 0) {
      return;
    }
    let selectedNone = false;
    // Emitted with the server's 101 response before `ws` checks its subprotocol header.
    this.once('upgrade', (response: IncomingMessage) => {
      if (response.headers['sec-websocket-protocol'] === undefined) {
        selectedNone = true;
        response.headers['sec-websocket-protocol'] = offered[0];
      }
    });
    // `protocol` is an accessor of ws's prototype: report '' when the server selected none.
    const inherited = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'protocol')?.get;
    Object.defineProperty(this, 'protocol', {
      get: () => (selectedNone ? '' : (inherited?.call(this) ?? ''))
    });
  }
}
