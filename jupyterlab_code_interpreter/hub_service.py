# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The model service for JupyterHub: a process the Hub runs, holding the provider's key, that
forwards each user's OpenAI-compatible model calls to the admin's endpoint.

Why a service: a key given to the users' servers (in the Spawner's environment, say) is readable by
every user's kernel, since ``/proc/<pid>/environ`` keeps the environment a process started with,
whatever the server removes later. Here the key stays in this process; the users' servers point
their proxy at it (``CodeInterpreter.base_url``) and authenticate with their own Hub API token
(``CodeInterpreter.api_key_from_hub``). The token is checked by jupyterhub's own ``HubAuth``, which
asks the Hub and admits a token carrying ``access:services!service=<this service>``, so the admin
decides with roles who may use the model. Every request is sent with the admin's model, only the
allowed fields (request_policy.ALLOWED_FIELDS; ``n`` at most 1) and an answer of at most
``--max-output-tokens``. Per user, it limits tokens per minute and per day, requests per minute and
requests running at once, and each user's requests go through a connection pool of their own, so one
user's hung streams cannot hold the connections another user's requests need.

Run by the Hub (see docs/deployments.md)::

    c.JupyterHub.services = [{
        "name": "code-interpreter-model",
        "url": "http://127.0.0.1:10101",
        "command": [sys.executable, "-m", "jupyterlab_code_interpreter.hub_service",
                    "--requests-per-minute", "30", "--concurrent", "2"],
        "environment": {"OPENAI_BASE_URL": "...", "OPENAI_API_KEY": "...", "CODE_INTERPRETER_MODEL": "..."},
    }]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
from jupyterhub.services.auth import HubAuth, HubAuthenticated, UserNotAllowed
from jupyterhub.utils import url_path_join
from tornado import web

from .config import SETTINGS_KEY, CodeInterpreter, redact_url
from .hub_budgets import UsageReader, UserLimits, estimate_tokens
from .hub_pools import UserPools
from .model_relay import CLIENT_SETTINGS_KEY, ModelRelay, Upstream, make_http_client
from .request_policy import RequestRefused, restrict_chat_request

log = logging.getLogger("code-interpreter-hub-service")

#: Where the service keeps its HubAuth and its UserLimits in the tornado settings.
HUB_AUTH_SETTINGS_KEY = "hub_auth"
LIMITS_SETTINGS_KEY = "code_interpreter_limits"
POOLS_SETTINGS_KEY = "code_interpreter_user_pools"


class _ServiceHandler(HubAuthenticated, ModelRelay):
    """A model request from a Hub user (or service), authenticated by the Hub."""

    @property
    def hub_auth(self) -> HubAuth:  # type: ignore[override]
        """The service's HubAuth (one per process, so its token cache is shared)."""
        return self.settings[HUB_AUTH_SETTINGS_KEY]

    @property
    def limits(self) -> UserLimits:
        """The per-user limits."""
        return self.settings[LIMITS_SETTINGS_KEY]

    async def prepare(self) -> None:
        """Identify the caller before the method runs: HubAuth's lookup, awaited here rather than
        made synchronously inside ``get_current_user``, so that other users' streams relayed by this
        process do not wait while the Hub answers. Refused callers get an OpenAI-shaped error."""
        user: dict[str, Any] | None = None
        model = await self.hub_auth.get_user(self, sync=False)
        if model:
            try:
                user = self.check_hub_user(model)
            except UserNotAllowed:
                self._hub_auth_user_cache = None
                message = f"{model.get('kind', 'user')} {model['name']} may not use this model service."
                self.send_json_error(403, message, "permission_denied")
                return
        # What HubAuthenticated.get_current_user answers from now on.
        self._hub_auth_user_cache = user
        if user is None:
            self.send_json_error(401, "A JupyterHub API token is required.", "invalid_api_key")

    @property
    def caller(self) -> str:
        """``kind:name`` of the authenticated caller, the key of its limits."""
        user = self.current_user
        return f"{user.get('kind', 'user')}:{user['name']}"

    def http_client(self) -> httpx.AsyncClient:
        """The caller's own connection pool: one user's hung streams hold only their own connections."""
        return self.settings[POOLS_SETTINGS_KEY].client(self.caller)

    def observe_answer(self, chunk: bytes) -> None:
        """Read the token counts (``usage``) from the answer as it is relayed."""
        self._usage_reader.feed(chunk)

    async def _limited_forward(self, method: str, body: bytes | None, tokens: int = 0) -> None:
        ci = self.code_interpreter
        self._usage_reader = UsageReader()
        limits = self.limits
        if not limits.fits(tokens):
            message = (
                f"This request may use up to {tokens} tokens, more than the per-user budget "
                f"({limits.tokens_per_minute or 'unlimited'} per minute, {limits.tokens_per_day or 'unlimited'} "
                "per day): send a shorter conversation or ask for a shorter answer."
            )
            self.send_json_error(400, message, "tokens_exceed_budget")
            return
        pools: UserPools = self.settings[POOLS_SETTINGS_KEY]
        share = pools.connections_per_user
        if share and limits.running(self.caller) >= share:
            wait: float | None = 1.0
        else:
            wait = limits.acquire(self.caller, tokens)
        if wait is not None:
            at_once = min(x for x in (limits.concurrent, share, 1 << 30) if x)
            message = (
                f"Too many model requests from {self.current_user['name']}: the limits are "
                f"{limits.requests_per_minute or 'unlimited'} requests per minute, "
                f"{at_once if at_once < 1 << 30 else 'unlimited'} at once, "
                f"{limits.tokens_per_minute or 'unlimited'} tokens per minute and "
                f"{limits.tokens_per_day or 'unlimited'} per day."
            )
            self.send_json_error(429, message, "rate_limit_exceeded", headers={"Retry-After": f"{wait:.0f}"})
            return
        entry = limits.last_entry(self.caller)
        started = time.monotonic()
        try:
            await self._forward(Upstream(ci.remote_base_url, ci.api_key), method, body)
        finally:
            self.limits.release(self.caller)
            self._usage_reader.finish()
            used = self._usage_reader.total
            if self._upstream_status is None or self._upstream_status >= 400:
                # Refused or never reached: the endpoint generated nothing.
                used = 0
            if entry is not None and used is not None:
                # What the endpoint counted replaces the estimate (kept when it said nothing).
                entry[1] = float(used)
            log.info(
                "%s %s for %s: %s in %.2f s",
                method,
                self._upstream_path,
                self.caller,
                self.get_status(),
                time.monotonic() - started,
            )


class ServiceChatCompletionsHandler(_ServiceHandler):
    """``POST <prefix>v1/chat/completions``."""

    @web.authenticated
    async def post(self) -> None:
        """Forward a chat completion request with the admin's model and key."""
        payload = self.json_object_body()
        if payload is None:
            return
        ci = self.code_interpreter
        # The admin's model set is the service's: a name the client sends (a sidebar default, the
        # command line's "local") does not choose another. Only the allowed fields pass, n is 1 and
        # the answer is capped, so that a request's cost is bounded by what the budgets count.
        try:
            payload = restrict_chat_request(
                payload,
                model=ci.model,
                max_output_tokens=ci.max_output_tokens,
                output_tokens_field=ci.output_tokens_field,
                include_usage=True,
            )
        except RequestRefused as error:
            self.send_json_error(400, str(error), "invalid_request_error")
            return
        body = json.dumps(payload).encode()
        await self._limited_forward("POST", body, estimate_tokens(payload, len(body)))


class ServiceModelsHandler(_ServiceHandler):
    """``GET <prefix>v1/models``."""

    @web.authenticated
    async def get(self) -> None:
        """Forward a model list request."""
        await self._limited_forward("GET", None)


def make_app(
    settings: CodeInterpreter,
    hub_auth: HubAuth,
    limits: UserLimits,
    prefix: str,
    pools: UserPools | None = None,
) -> web.Application:
    """The service's tornado application, its endpoints under ``prefix`` (the Hub's
    ``JUPYTERHUB_SERVICE_PREFIX``, such as ``/services/code-interpreter-model/``)."""
    return web.Application(
        [
            (
                url_path_join(prefix, "v1", "chat", "completions"),
                ServiceChatCompletionsHandler,
                {"upstream_path": "chat/completions"},
            ),
            (url_path_join(prefix, "v1", "models"), ServiceModelsHandler, {"upstream_path": "models"}),
        ],
        **{
            SETTINGS_KEY: settings,
            CLIENT_SETTINGS_KEY: make_http_client(),
            HUB_AUTH_SETTINGS_KEY: hub_auth,
            LIMITS_SETTINGS_KEY: limits,
            POOLS_SETTINGS_KEY: pools or UserPools(),
        },
    )


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m jupyterlab_code_interpreter.hub_service",
        description="Forward JupyterHub users' model calls to the admin's OpenAI-compatible endpoint. "
        "The endpoint, key and model come from OPENAI_BASE_URL, OPENAI_API_KEY and CODE_INTERPRETER_MODEL; "
        "where to listen from JUPYTERHUB_SERVICE_URL and JUPYTERHUB_SERVICE_PREFIX (the Hub sets them).",
    )
    parser.add_argument("--requests-per-minute", type=int, default=0, help="per user; 0: no limit (default)")
    parser.add_argument("--concurrent", type=int, default=0, help="requests running at once per user; 0: no limit")
    parser.add_argument(
        "--tokens-per-minute", type=int, default=0, help="prompt and answer tokens per user per minute; 0: no limit"
    )
    parser.add_argument("--tokens-per-day", type=int, default=0, help="tokens per user per day; 0: no limit")
    parser.add_argument(
        "--max-output-tokens",
        type=int,
        default=4096,
        help="the longest answer a request may ask for; a larger limit, or none, becomes this (default 4096)",
    )
    parser.add_argument(
        "--output-tokens-field",
        choices=("max_tokens", "max_completion_tokens"),
        default="max_tokens",
        help="the field the endpoint reads that limit from (max_completion_tokens for OpenAI's reasoning models)",
    )
    parser.add_argument(
        "--connections-per-user",
        type=int,
        default=8,
        help="upstream connections (so requests running at once) per user, from a pool of the user's own (default 8)",
    )
    parser.add_argument("--request-timeout", type=float, default=600.0, help="seconds one request may take")
    return parser.parse_args(argv)


async def _serve(app: web.Application, host: str, port: int) -> None:
    server = app.listen(port, address=host)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    server.stop()
    await app.settings[CLIENT_SETTINGS_KEY].aclose()
    await app.settings[POOLS_SETTINGS_KEY].aclose()


def main(argv: list[str] | None = None) -> int:
    """Run the service until SIGTERM (the Hub stops its services so)."""
    logging.basicConfig(level=logging.INFO, format="[%(levelname)1.1s %(asctime)s %(name)s] %(message)s")
    args = _parse(argv)
    service_url = os.environ.get("JUPYTERHUB_SERVICE_URL", "")
    parts = urlsplit(service_url)
    if not parts.hostname or not parts.port:
        print(
            "hub_service: JUPYTERHUB_SERVICE_URL must name a host and port (give the service a url).", file=sys.stderr
        )
        return 2
    settings = CodeInterpreter(
        request_timeout=args.request_timeout,
        max_output_tokens=args.max_output_tokens,
        output_tokens_field=args.output_tokens_field,
    )
    if settings.provider != "remote":
        print("hub_service: no endpoint configured: set OPENAI_BASE_URL (and OPENAI_API_KEY).", file=sys.stderr)
        return 2
    limits = UserLimits(
        args.requests_per_minute,
        args.concurrent,
        tokens_per_minute=args.tokens_per_minute,
        tokens_per_day=args.tokens_per_day,
    )
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    app = make_app(settings, HubAuth(), limits, prefix, UserPools(args.connections_per_user))
    log.info(
        "forwarding %sv1/ on %s to %s (model %s; per user: %s requests per minute, %s at once, "
        "%s tokens per minute, %s per day, %s connections; answers of at most %s tokens)",
        prefix,
        service_url,
        redact_url(settings.remote_base_url),
        settings.model or "as asked",
        args.requests_per_minute or "any",
        args.concurrent or "any",
        args.tokens_per_minute or "any",
        args.tokens_per_day or "any",
        args.connections_per_user or "64",
        args.max_output_tokens or "any",
    )
    asyncio.run(_serve(app, parts.hostname, parts.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
