# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""A kernel websocket without Nagle's algorithm.

With Nagle on, the server holds a small kernel message (``execute_input`` right
after ``status: busy``) until the client's delayed ACK comes, about 40 ms later;
a ``pass`` round trip measured 44 ms through the websocket and 4.3 ms with
``TCP_NODELAY`` set. jupyter_server lets the connection class be configured
(``ServerApp.kernel_websocket_connection_class``), so this subclass is all it takes.

When the kernels run on a gateway (``--gateway-url``) the server relays each message between two
websockets, the client's and its own to the gateway; ``NoDelayGatewayWebSocketConnection`` sets
``TCP_NODELAY`` on both and acknowledges the gateway's frames at once (``TCP_QUICKACK``), since the
gateway's own Nagle delay cannot be configured: ``pass`` through Enterprise Gateway took 48.6 ms
with the stock class and 10.6 ms with this one (docs/deployments.md).
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from typing import Any

from jupyter_server.gateway.connections import GatewayWebSocketConnection
from jupyter_server.services.kernels.connection.base import BaseKernelWebsocketConnection
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from .config import SETTINGS_KEY, CodeInterpreter


def _nodelay_wanted(connection: BaseKernelWebsocketConnection) -> bool:
    """Whether ``CodeInterpreter.tcp_nodelay`` is on for this connection's server."""
    settings: dict[str, Any] = connection.websocket_handler.settings
    code_interpreter = settings.get(SETTINGS_KEY)
    if isinstance(code_interpreter, CodeInterpreter):
        return code_interpreter.tcp_nodelay
    # The class was configured without the extension being loaded (a private
    # server started with PYTHONPATH): read the same config section directly.
    return CodeInterpreter(config=connection.config).tcp_nodelay


class NoDelayKernelWebsocketConnection(ZMQChannelsWebsocketConnection):
    """The default ZMQ kernel websocket connection, with TCP_NODELAY set on open.

    Switched off by ``c.CodeInterpreter.tcp_nodelay = False``.
    """

    def connect(self) -> asyncio.Future[None] | None:  # type: ignore[override]
        """Connect to the kernel's channels, after turning Nagle off on the websocket."""
        if _nodelay_wanted(self):
            # Called from the handler's open(), when the websocket stream exists.
            self.websocket_handler.set_nodelay(True)
        return super().connect()


class NoDelayGatewayWebSocketConnection(GatewayWebSocketConnection):
    """The gateway's kernel websocket connection without Nagle's delay on either hop.

    On the client's websocket and on this server's websocket to the gateway, TCP_NODELAY is set.
    The gateway's own writes cannot be configured (Enterprise Gateway 3.3 sets no TCP_NODELAY),
    so it would hold ``execute_input`` after ``status: busy`` until this server's delayed ACK,
    about 40 ms; this server acknowledges at once instead (TCP_QUICKACK, Linux), renewed after
    every read and write since the kernel may drop back to delayed ACKs.

    Switched off by ``c.CodeInterpreter.tcp_nodelay = False``.

    Two more changes make a gateway usable from JupyterLab at all. This server never selects the
    kernel websocket subprotocol a client offers (it relays the gateway's JSON as it is), so
    Chromium fails the first handshake and JupyterLab reconnects at once without subprotocols,
    with the same session id; this server has meanwhile opened its websocket to the gateway for
    the first one. Enterprise Gateway 3.3 then holds two connections of one session: it takes the
    first for a stale one, restores its buffered (empty) channels into the second and fails with
    ``KeyError: 'iopub'`` on every reconnect. So each connection to the gateway carries a session
    id of its own (the client's, with a suffix), and a gateway connection that completes after its
    client has gone is closed instead of being left open.
    """

    _gateway_socket: socket.socket | None = None
    _gateway_session: str | None = None

    @property
    def session_id(self) -> str:
        """The session id sent to the gateway: the client's, made unique to this connection."""
        client_session = super().session_id
        if not client_session:
            return client_session
        if self._gateway_session is None:
            self._gateway_session = f"{client_session}-{uuid.uuid4().hex[:12]}"
        return self._gateway_session

    def _connection_done(self, future: asyncio.Future[Any]) -> None:
        super()._connection_done(future)
        # The client went while the gateway was still answering: tornado cannot cancel the
        # connect, so the connection that arrives now is closed here, or the gateway keeps it.
        if self.disconnected and not future.cancelled() and future.exception() is None:
            future.result().close()

    async def connect(self) -> None:
        """Open the websocket to the gateway, Nagle off on both sides of this server."""
        wanted = _nodelay_wanted(self)
        if wanted:
            self.websocket_handler.set_nodelay(True)
        await super().connect()
        if wanted and self.ws_future is not None:
            self.ws_future.add_done_callback(self._gateway_nodelay)

    def handle_outgoing_message(self, incoming_msg: str, *args: Any) -> None:
        """Relay a message from the gateway to the client, then acknowledge the next at once."""
        super().handle_outgoing_message(incoming_msg, *args)
        self._quick_ack()

    def _write_message(self, message: str) -> None:
        super()._write_message(message)
        self._quick_ack()

    def _gateway_nodelay(self, future: asyncio.Future[Any]) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        # tornado's WebSocketClientConnection keeps its detached IOStream on its protocol.
        stream = getattr(getattr(future.result(), "protocol", None), "stream", None)
        if stream is None or stream.closed():
            return
        stream.set_nodelay(True)
        self._gateway_socket = stream.socket
        self._quick_ack()

    def _quick_ack(self) -> None:
        sock = self._gateway_socket
        if sock is None or not hasattr(socket, "TCP_QUICKACK"):
            return
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        except OSError:
            # Closed meanwhile; the base class handles the lost connection.
            self._gateway_socket = None
