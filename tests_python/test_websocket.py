# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""Kernel websockets without Nagle: the connection class in effect, and TCP_NODELAY on the
server's end of a real kernel websocket."""

from __future__ import annotations

import json
import socket
import uuid
from typing import Any

import pytest
from jupyter_server.gateway.gateway_client import GatewayClient
from jupyter_server.serverapp import ServerApp
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.websocket import KernelWebsocketHandler
from traitlets.config import Config

from jupyterlab_code_interpreter.extension import link
from jupyterlab_code_interpreter.websocket import NoDelayGatewayWebSocketConnection, NoDelayKernelWebsocketConnection

NODELAY_CLASS = "jupyterlab_code_interpreter.websocket.NoDelayKernelWebsocketConnection"
STOCK_CLASS = "jupyter_server.services.kernels.connection.channels.ZMQChannelsWebsocketConnection"


@pytest.fixture
def opened_handlers(monkeypatch: pytest.MonkeyPatch) -> list[KernelWebsocketHandler]:
    """Every kernel websocket handler the server opens during the test."""
    handlers: list[KernelWebsocketHandler] = []
    original = KernelWebsocketHandler.open

    async def recording_open(self: KernelWebsocketHandler, *args: Any, **kwargs: Any) -> None:
        handlers.append(self)
        await original(self, *args, **kwargs)

    monkeypatch.setattr(KernelWebsocketHandler, "open", recording_open)
    return handlers


async def _server_side_of_a_kernel_websocket(
    jp_fetch: Any, jp_ws_fetch: Any, handlers: list[KernelWebsocketHandler]
) -> tuple[KernelWebsocketHandler, int]:
    """Open a kernel websocket, exchange kernel_info, and return the server's handler and its TCP_NODELAY."""
    response = await jp_fetch("api", "kernels", method="POST", body=json.dumps({"name": "python3"}))
    kernel_id = json.loads(response.body)["id"]
    session = uuid.uuid4().hex
    ws = await jp_ws_fetch("api", "kernels", kernel_id, "channels", params={"session_id": session})
    try:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": "kernel_info_request",
            "session": session,
            "username": "test",
            "date": "2026-01-01T00:00:00Z",
            "version": "5.3",
        }
        await ws.write_message(
            json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell"})
        )
        # A reply proves the connection is fully set up (connect() has run).
        while True:
            raw = await ws.read_message()
            assert raw is not None, "the kernel websocket closed"
            message = json.loads(raw)
            if message["msg_type"] == "kernel_info_reply" and message["parent_header"].get("msg_id") == msg_id:
                break
        (handler,) = handlers
        assert handler.ws_connection is not None
        stream_socket = handler.ws_connection.stream.socket  # type: ignore[attr-defined]
        return handler, stream_socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        ws.close()


async def test_extension_turns_nagle_off(
    jp_serverapp: Any, jp_fetch: Any, jp_ws_fetch: Any, opened_handlers: list[KernelWebsocketHandler]
) -> None:
    assert jp_serverapp.kernel_websocket_connection_class is NoDelayKernelWebsocketConnection
    handler, nodelay = await _server_side_of_a_kernel_websocket(jp_fetch, jp_ws_fetch, opened_handlers)
    assert type(handler.connection) is NoDelayKernelWebsocketConnection
    assert nodelay != 0


@pytest.mark.parametrize("jp_server_config", [{"CodeInterpreter": {"tcp_nodelay": False}}], indirect=True)
async def test_switched_off_keeps_the_stock_class_and_nagle(
    jp_serverapp: Any, jp_fetch: Any, jp_ws_fetch: Any, opened_handlers: list[KernelWebsocketHandler]
) -> None:
    assert jp_serverapp.kernel_websocket_connection_class is ZMQChannelsWebsocketConnection
    handler, nodelay = await _server_side_of_a_kernel_websocket(jp_fetch, jp_ws_fetch, opened_handlers)
    assert type(handler.connection) is ZMQChannelsWebsocketConnection
    # The stock server leaves Nagle on: this is what the extension changes.
    assert nodelay == 0
    config = await jp_fetch("code-interpreter", "config")
    assert json.loads(config.body)["tcp_nodelay"] is False


@pytest.mark.parametrize(
    "jp_server_config", [{"ServerApp": {"kernel_websocket_connection_class": STOCK_CLASS}}], indirect=True
)
async def test_a_configured_class_is_kept(
    jp_serverapp: Any, jp_fetch: Any, jp_ws_fetch: Any, opened_handlers: list[KernelWebsocketHandler]
) -> None:
    assert jp_serverapp.kernel_websocket_connection_class is ZMQChannelsWebsocketConnection
    _, nodelay = await _server_side_of_a_kernel_websocket(jp_fetch, jp_ws_fetch, opened_handlers)
    assert nodelay == 0


# The headless CLI's private server: the class given on the command line, the
# extension itself not enabled (the package is only on PYTHONPATH).
@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {
                "jpserver_extensions": {"jupyterlab_code_interpreter": False},
                "kernel_websocket_connection_class": NODELAY_CLASS,
            }
        }
    ],
    indirect=True,
)
async def test_class_alone_without_the_extension(
    jp_serverapp: Any, jp_fetch: Any, jp_ws_fetch: Any, opened_handlers: list[KernelWebsocketHandler]
) -> None:
    assert "code_interpreter" not in jp_serverapp.web_app.settings
    handler, nodelay = await _server_side_of_a_kernel_websocket(jp_fetch, jp_ws_fetch, opened_handlers)
    assert type(handler.connection) is NoDelayKernelWebsocketConnection
    assert nodelay != 0


@pytest.mark.parametrize(
    "jp_server_config",
    [
        {
            "ServerApp": {
                "jpserver_extensions": {"jupyterlab_code_interpreter": False},
                "kernel_websocket_connection_class": NODELAY_CLASS,
            },
            "CodeInterpreter": {"tcp_nodelay": False},
        }
    ],
    indirect=True,
)
async def test_class_alone_honours_the_switch(
    jp_serverapp: Any, jp_fetch: Any, jp_ws_fetch: Any, opened_handlers: list[KernelWebsocketHandler]
) -> None:
    handler, nodelay = await _server_side_of_a_kernel_websocket(jp_fetch, jp_ws_fetch, opened_handlers)
    assert type(handler.connection) is NoDelayKernelWebsocketConnection
    assert nodelay == 0


def test_gateway_gets_the_gateway_class_without_delay() -> None:
    GatewayClient.clear_instance()
    try:
        app = ServerApp(config=Config({"GatewayClient": {"url": "http://127.0.0.1:9"}}))
        link(app)
        assert app.kernel_websocket_connection_class is NoDelayGatewayWebSocketConnection
    finally:
        GatewayClient.clear_instance()


def test_gateway_gets_the_gateway_class_also_with_nagle_on() -> None:
    # Its own session ids keep JupyterLab's reconnect working on the gateway, delay or not.
    GatewayClient.clear_instance()
    try:
        config = {"GatewayClient": {"url": "http://127.0.0.1:9"}, "CodeInterpreter": {"tcp_nodelay": False}}
        app = ServerApp(config=Config(config))
        link(app)
        assert app.kernel_websocket_connection_class is NoDelayGatewayWebSocketConnection
    finally:
        GatewayClient.clear_instance()
