# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The model proxy: OpenAI-style requests from the browser go to the configured
endpoint with the API key added here, so the key never reaches the browser and
local endpoints need no CORS set-up. With no endpoint configured they go to the
embedded local model, started on the first request. Streamed (SSE) answers are
passed on chunk by chunk as they arrive (the relay itself is model_relay.py's)."""

from __future__ import annotations

import json
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from .config import AUTH_RESOURCE, SETTINGS_KEY, CodeInterpreter
from .local_model.manager import LocalModelManager, LocalModelUnavailable
from .model_relay import ModelRelay, Upstream
from .request_policy import RequestRefused, restrict_chat_request

#: Where the extension keeps its LocalModelManager.
LOCAL_MODEL_SETTINGS_KEY = "code_interpreter_local_model"


async def current_upstream(settings: dict[str, Any]) -> Upstream:
    """The configured endpoint, or the local model's (started and waited for) when none is configured.

    Args:
        settings: the tornado application settings.

    Raises:
        LocalModelUnavailable: the local model is in use and cannot serve.
    """
    ci: CodeInterpreter = settings[SETTINGS_KEY]
    if ci.provider == "remote":
        return Upstream(ci.remote_base_url, ci.api_key)
    manager: LocalModelManager = settings[LOCAL_MODEL_SETTINGS_KEY]
    endpoint = await manager.endpoint()
    return Upstream(endpoint.base_url, endpoint.api_key, endpoint.model)


class _ModelProxyHandler(ModelRelay, APIHandler):
    """The server extension's proxy: Jupyter-authenticated requests to the configured endpoint or the
    embedded local model."""

    auth_resource = AUTH_RESOURCE

    def finish_as(self, content_type: str, chunk: bytes | str | None = None) -> None:
        """Finish through APIHandler.finish, which would otherwise set JSON over any Content-Type."""
        self.finish(chunk, set_content_type=content_type)

    async def _resolve_upstream(self) -> Upstream | None:
        """The endpoint to forward to; None after answering 503 because the local model cannot serve."""
        try:
            return await current_upstream(self.settings)
        except LocalModelUnavailable as error:
            self.send_json_error(503, str(error), "local_model_unavailable")
            return None


class ChatCompletionsHandler(_ModelProxyHandler):
    """``POST code-interpreter/v1/chat/completions``."""

    @web.authenticated
    @authorized("execute")
    async def post(self) -> None:
        """Forward a chat completion request, filling in the configured model if none is named."""
        payload = self.json_object_body()
        if payload is None:
            return
        upstream = await self._resolve_upstream()
        if upstream is None:
            return
        ci = self.code_interpreter
        if upstream.local_model:
            # The local server serves this one model; a name meant for another endpoint
            # (CODE_INTERPRETER_MODEL, a client default) must not make the request fail.
            payload["model"] = upstream.local_model
        elif ci.lock_settings:
            # The admin's model, fields and answer length, whatever the client asks.
            try:
                payload = restrict_chat_request(
                    payload,
                    model=ci.model,
                    max_output_tokens=ci.max_output_tokens,
                    output_tokens_field=ci.output_tokens_field,
                )
            except RequestRefused as error:
                self.send_json_error(400, str(error), "invalid_request_error")
                return
        elif not payload.get("model") and ci.model:
            payload["model"] = ci.model
        await self._forward(upstream, "POST", json.dumps(payload).encode())


class ModelsHandler(_ModelProxyHandler):
    """``GET code-interpreter/v1/models``."""

    @web.authenticated
    @authorized("read")
    async def get(self) -> None:
        """Forward a model list request. With the embedded local model not running, answer its name
        without starting it: reading (``read``) must not load a 1-2 GB model, which POST
        ``local-model`` and chat requests (``execute``) do."""
        ci = self.code_interpreter
        if ci.provider == "local":
            manager: LocalModelManager = self.settings[LOCAL_MODEL_SETTINGS_KEY]
            endpoint = manager.ready_endpoint()
            if endpoint is None:
                model = {"id": manager.status()["model"], "object": "model", "owned_by": "code-interpreter-local"}
                self.finish_as("application/json", json.dumps({"object": "list", "data": [model]}))
                return
            await self._forward(Upstream(endpoint.base_url, endpoint.api_key, endpoint.model), "GET", None)
            return
        upstream = await self._resolve_upstream()
        if upstream is not None:
            await self._forward(upstream, "GET", None)
