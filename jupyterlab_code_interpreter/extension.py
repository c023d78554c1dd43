# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""How jupyter_server links, loads and stops the extension."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import httpx
from jupyter_server.extension.application import ExtensionApp
from jupyter_server.gateway.gateway_client import GatewayClient
from jupyter_server.utils import url_path_join

from .candidate_folders_handler import CandidateFolderHandler, CandidateFoldersHandler
from .config import SETTINGS_KEY, CodeInterpreter
from .config_handler import ConfigHandler
from .local_model.manager import LocalModelManager
from .local_model_handler import LocalModelHandler
from .model_relay import CLIENT_SETTINGS_KEY, make_http_client
from .props_handler import PropsHandler
from .proxy import LOCAL_MODEL_SETTINGS_KEY, ChatCompletionsHandler, ModelsHandler
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


class CodeInterpreterExtension(ExtensionApp):
    """The server extension: the config endpoint, the model proxy and the local model's endpoints
    under ``<base_url>code-interpreter/``, and the kernel websocket class (see :func:`link`).

    The local model is not started when the extension loads but on first use, so a server that
    never needs it loads nothing; :meth:`stop_extension` stops it, and closes the upstream
    connections, when the Jupyter server shuts down. (If the Jupyter process dies without
    shutting down, the model server still ends: it exits when its stdin closes.)
    """

    name = "jupyterlab_code_interpreter"

    #: Set when the extension loads, for :meth:`stop_extension`.
    _local_model: LocalModelManager | None = None
    _client: httpx.AsyncClient | None = None

    def _link_jupyter_server_extension(self, serverapp: ServerApp) -> None:
        super()._link_jupyter_server_extension(serverapp)
        link(serverapp)

    def initialize_settings(self) -> None:
        """Read the settings, and make the upstream client and the local model's manager, into the
        web app's settings, where the handlers find them."""
        serverapp = self.serverapp
        assert serverapp is not None
        settings = CodeInterpreter(parent=serverapp)
        # Read the key once, then keep it out of the environment that kernels inherit: code the
        # model writes could print it into a notebook.
        settings.api_key  # noqa: B018 (the default is computed on first access)
        os.environ.pop("OPENAI_API_KEY", None)
        self._client = make_http_client()
        self._local_model = LocalModelManager.from_settings(settings, serverapp.log)
        self.settings.update(
            {
                SETTINGS_KEY: settings,
                CLIENT_SETTINGS_KEY: self._client,
                LOCAL_MODEL_SETTINGS_KEY: self._local_model,
            }
        )
        _log_model_choice(serverapp, settings, self._local_model)

    def initialize_handlers(self) -> None:
        """The endpoints; jupyter_server puts the server's base_url in front of each."""
        self.handlers.extend(
            [
                (f"{URL_PREFIX}/config", ConfigHandler),
                (f"{URL_PREFIX}/candidate-folders", CandidateFoldersHandler),
                (f"{URL_PREFIX}/candidate-folders/([0-9a-f]+)", CandidateFolderHandler),
                (f"{URL_PREFIX}/local-model", LocalModelHandler),
                (f"{URL_PREFIX}/props", PropsHandler),
                (
                    f"{URL_PREFIX}/v1/chat/completions",
                    ChatCompletionsHandler,
                    {"upstream_path": "chat/completions"},
                ),
                (f"{URL_PREFIX}/v1/models", ModelsHandler, {"upstream_path": "models"}),
            ]
        )
        assert self.serverapp is not None
        self.serverapp.log.info(
            "code-interpreter: endpoints at %s/ (kernel websocket class %s)",
            url_path_join(self.serverapp.base_url, URL_PREFIX),
            self.serverapp.kernel_websocket_connection_class.__name__,
        )

    async def stop_extension(self) -> None:
        """Stop the local model server and close the upstream connections (jupyter_server calls
        this when it shuts down). Safe to call more than once."""
        if self._local_model is not None:
            await self._local_model.stop()
        if self._client is not None:
            await self._client.aclose()


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
