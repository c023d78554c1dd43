# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""How jupyter_server links and loads the extension."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import httpx
from jupyter_server.gateway.gateway_client import GatewayClient
from jupyter_server.utils import url_path_join

from .config import SETTINGS_KEY, CodeInterpreter
from .config_handler import ConfigHandler
from .local_model.manager import LocalModelManager
from .local_model_handler import LocalModelHandler
from .props_handler import PropsHandler
from .proxy import (
    CLIENT_SETTINGS_KEY,
    LOCAL_MODEL_SETTINGS_KEY,
    ChatCompletionsHandler,
    ModelsHandler,
    make_http_client,
)
from .websocket import NoDelayGatewayWebSocketConnection, NoDelayKernelWebsocketConnection

if TYPE_CHECKING:
    from jupyter_server.serverapp import ServerApp

#: The URL prefix of every endpoint, under the server's base_url.
URL_PREFIX = "code-interpreter"


def link(serverapp: ServerApp) -> None:
    """Choose the kernel websocket connection class, before the web app is made.

    Linking happens before ``init_webapp``, which hands
    ``ServerApp.kernel_websocket_connection_class`` to the handlers, so setting the
    trait here is all it takes. When kernels run on a gateway, the gateway's connection
    class with the same fix is chosen. A class the user configured (including the stock
    one, to switch this off) is left alone.

    Args:
        serverapp: the server being set up.
    """
    settings = CodeInterpreter(parent=serverapp)
    gateway = GatewayClient.instance(parent=serverapp).gateway_enabled
    if not settings.tcp_nodelay and not gateway:
        serverapp.log.info("code-interpreter: TCP_NODELAY on kernel websockets is off (CodeInterpreter.tcp_nodelay).")
        return
    if serverapp.trait_has_value("kernel_websocket_connection_class"):
        chosen = serverapp.kernel_websocket_connection_class
        ours = (NoDelayKernelWebsocketConnection, NoDelayGatewayWebSocketConnection)
        if not (isinstance(chosen, type) and issubclass(chosen, ours)):
            serverapp.log.info(
                "code-interpreter: ServerApp.kernel_websocket_connection_class is configured (%s); kept as it is.",
                chosen,
            )
        return
    # The same singleton ServerApp.init_configurables creates a moment later. With a gateway the
    # class is chosen even when tcp_nodelay is off: its session ids keep JupyterLab's reconnects
    # working (see NoDelayGatewayWebSocketConnection); Nagle is then left on.
    if gateway:
        serverapp.kernel_websocket_connection_class = NoDelayGatewayWebSocketConnection
        return
    serverapp.kernel_websocket_connection_class = NoDelayKernelWebsocketConnection


def load(serverapp: ServerApp) -> None:
    """Register the config endpoint, the model proxy and the local model's endpoints under
    ``<base_url>code-interpreter/``. The local model is not started here but on first use, so a
    server that never needs it loads nothing.

    Args:
        serverapp: the server, with its web app made.
    """
    web_app = serverapp.web_app
    settings = CodeInterpreter(parent=serverapp)
    # Read the key once, then keep it out of the environment that kernels inherit: code the
    # model writes could print it into a notebook.
    settings.api_key  # noqa: B018 (the default is computed on first access)
    os.environ.pop("OPENAI_API_KEY", None)
    web_app.settings[SETTINGS_KEY] = settings
    client = make_http_client()
    web_app.settings[CLIENT_SETTINGS_KEY] = client
    manager = LocalModelManager.from_settings(settings, serverapp.log)
    web_app.settings[LOCAL_MODEL_SETTINGS_KEY] = manager
    _log_model_choice(serverapp, settings, manager)
    _stop_with_server(serverapp, manager, client)
    prefix = url_path_join(web_app.settings["base_url"], URL_PREFIX)
    web_app.add_handlers(
        ".*$",
        [
            (url_path_join(prefix, "config"), ConfigHandler),
            (url_path_join(prefix, "local-model"), LocalModelHandler),
            (url_path_join(prefix, "props"), PropsHandler),
            (
                url_path_join(prefix, "v1", "chat", "completions"),
                ChatCompletionsHandler,
                {"upstream_path": "chat/completions"},
            ),
            (url_path_join(prefix, "v1", "models"), ModelsHandler, {"upstream_path": "models"}),
        ],
    )
    serverapp.log.info(
        "code-interpreter: endpoints at %s/ (kernel websocket class %s)",
        prefix,
        serverapp.kernel_websocket_connection_class.__name__,
    )


def _log_model_choice(serverapp: ServerApp, settings: CodeInterpreter, manager: LocalModelManager) -> None:
    """Say in the log which model requests go to and why: the endpoint, or the local model with the
    reason it is that one (configured, or the only one installed), and whether it can run."""
    local = manager.status()
    if settings.provider == "remote":
        serverapp.log.info(
            "code-interpreter: requests go to the model endpoint %s (configured); the local model, used if the "
            "endpoint is removed, is %s (%s)",
            settings.remote_base_url,
            local["model"],
            settings.local_model_reason,
        )
        return
    serverapp.log.info(
        "code-interpreter: no model endpoint is configured: serving the local model %s (%s), started on first use",
        local["model"],
        settings.local_model_reason,
    )
    if local["state"] == "unavailable":
        serverapp.log.warning("code-interpreter: %s", local["reason"])


def _stop_with_server(serverapp: ServerApp, manager: LocalModelManager, client: httpx.AsyncClient) -> None:
    """Stop the local model server and close the upstream connections when the Jupyter server cleans up.

    jupyter_server calls stop hooks only on ExtensionApp extensions; this extension is a plain
    module, so it joins the server's own extension cleanup step instead. (If the Jupyter process
    dies without cleaning up, the model server still ends: it exits when its stdin closes.)
    """
    cleanup_extensions = serverapp.cleanup_extensions

    async def cleanup_extensions_and_local_model() -> None:
        await manager.stop()
        await client.aclose()
        await cleanup_extensions()

    serverapp.cleanup_extensions = cleanup_extensions_and_local_model  # type: ignore[method-assign]
