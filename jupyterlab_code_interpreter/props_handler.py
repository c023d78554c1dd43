# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""``code-interpreter/props``: what the client should know about the model endpoint in use
(its context window), learned from the endpoint itself, so the agent can budget its prompts."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from .config import AUTH_RESOURCE, SETTINGS_KEY, CodeInterpreter
from .local_model.manager import LocalModelManager
from .model_relay import CLIENT_SETTINGS_KEY, Upstream
from .proxy import LOCAL_MODEL_SETTINGS_KEY

# The answers asked for here are small and optional: do not keep the client waiting long.
_CONNECT_TIMEOUT = 5.0
_REQUEST_TIMEOUT = 10.0


class PropsHandler(APIHandler):
    """GET answers ``{"context_window": <int or null>}``."""

    auth_resource = AUTH_RESOURCE

    @web.authenticated
    @authorized("read")
    async def get(self) -> None:
        """Ask llama.cpp's ``/props``, else vLLM's ``max_model_len`` in ``/v1/models``, else say null."""
        ci: CodeInterpreter = self.settings[SETTINGS_KEY]
        if ci.provider == "local":
            manager: LocalModelManager = self.settings[LOCAL_MODEL_SETTINGS_KEY]
            context_window: int | None = manager.status()["context_size"]
            endpoint = manager.ready_endpoint()
            if endpoint is not None:
                upstream = Upstream(endpoint.base_url, endpoint.api_key, endpoint.model)
                # The running server's own answer; without it (not started) the configured size
                # is what it will use: asking must not start a 1 GB model.
                context_window = await self._llama_cpp_context(upstream) or context_window
        else:
            upstream = Upstream(ci.remote_base_url, ci.api_key)
            context_window = await self._llama_cpp_context(upstream) or await self._vllm_context(upstream, ci.model)
        self.finish(json.dumps({"context_window": context_window}))

    async def _get_json(self, upstream: Upstream, url: str) -> Any:
        headers = {"Accept": "application/json"}
        if upstream.api_key:
            headers["Authorization"] = f"Bearer {upstream.api_key}"
        client: httpx.AsyncClient = self.settings[CLIENT_SETTINGS_KEY]
        timeout = httpx.Timeout(_REQUEST_TIMEOUT, connect=_CONNECT_TIMEOUT)
        try:
            # The client follows no redirects; _REQUEST_TIMEOUT also bounds the whole exchange.
            response = await asyncio.wait_for(client.get(url, headers=headers, timeout=timeout), _REQUEST_TIMEOUT)
        except Exception as error:
            self.log.debug("code-interpreter: %s did not answer: %s", url, error)
            return None
        if response.status_code != 200:
            return None
        try:
            return json.loads(response.content)
        except ValueError:
            return None

    async def _llama_cpp_context(self, upstream: Upstream) -> int | None:
        # llama.cpp serves /props beside /v1, not under it.
        root = upstream.base_url.rstrip("/")
        root = root[: -len("/v1")] if root.endswith("/v1") else root
        props = await self._get_json(upstream, f"{root}/props")
        settings = props.get("default_generation_settings") if isinstance(props, dict) else None
        n_ctx = settings.get("n_ctx") if isinstance(settings, dict) else None
        return n_ctx if isinstance(n_ctx, int) and n_ctx > 0 else None

    async def _vllm_context(self, upstream: Upstream, model: str) -> int | None:
        listing = await self._get_json(upstream, upstream.base_url.rstrip("/") + "/models")
        entries = listing.get("data") if isinstance(listing, dict) else None
        if not isinstance(entries, list):
            return None
        lengths = {
            entry.get("id"): entry["max_model_len"]
            for entry in entries
            if isinstance(entry, dict) and isinstance(entry.get("max_model_len"), int)
        }
        if not lengths:
            return None
        # The configured model's, else the first listed (vLLM usually serves one model).
        return lengths.get(model, next(iter(lengths.values())))
