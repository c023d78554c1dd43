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
decides with roles who may use the model. Per user, it can limit requests per minute and requests
running at once.

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
from collections import deque
from typing import Any, Callable
from urllib.parse import urlsplit

from jupyterhub.services.auth import HubAuth, HubAuthenticated, UserNotAllowed
from jupyterhub.utils import url_path_join
from tornado import web

from .config import SETTINGS_KEY, CodeInterpreter
from .proxy import CLIENT_SETTINGS_KEY, ModelRelay, Upstream, make_http_client

log = logging.getLogger("code-interpreter-hub-service")

#: Where the service keeps its HubAuth and its UserLimits in the tornado settings.
HUB_AUTH_SETTINGS_KEY = "hub_auth"
LIMITS_SETTINGS_KEY = "code_interpreter_limits"


class UserLimits:
    """Per-user admission: at most ``requests_per_minute`` requests started in any 60 s, and at most
    ``concurrent`` running at once (0 means no limit for either).

    Kept in memory: the service is one process, and a restart forgiving the last minute is harmless.
    """

    def __init__(self, requests_per_minute: int = 0, concurrent: int = 0, clock: Callable[[], float] = time.monotonic):
        self.requests_per_minute = requests_per_minute
        self.concurrent = concurrent
        self._clock = clock
        self._started: dict[str, deque[float]] = {}
        self._running: dict[str, int] = {}

    def acquire(self, user: str) -> float | None:
        """Admit one request of ``user``, or say how long to wait.

        Returns:
            None when admitted (the caller must call ``release`` when the request ends), else the
            seconds after which a retry may be admitted (for ``Retry-After``).
        """
        now = self._clock()
        started = self._started.setdefault(user, deque())
        while started and now - started[0] >= 60.0:
            started.popleft()
        if self.concurrent and self._running.get(user, 0) >= self.concurrent:
            return 1.0
        if self.requests_per_minute and len(started) >= self.requests_per_minute:
            return max(60.0 - (now - started[0]), 0.1)
        started.append(now)
        self._running[user] = self._running.get(user, 0) + 1
        return None

    def release(self, user: str) -> None:
        """One admitted request of ``user`` ended."""
        running = self._running.get(user, 0) - 1
        if running > 0:
            self._running[user] = running
        else:
            self._running.pop(user, None)

    def running(self, user: str) -> int:
        """How many requests of ``user`` are running."""
        return self._running.get(user, 0)


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

    async def _limited_forward(self, method: str, body: bytes | None) -> None:
        ci = self.code_interpreter
        wait = self.limits.acquire(self.caller)
        if wait is not None:
            message = (
                f"Too many model requests from {self.current_user['name']}: the limit is "
                f"{self.limits.requests_per_minute or 'unlimited'} per minute and "
                f"{self.limits.concurrent or 'unlimited'} at once."
            )
            self.send_json_error(429, message, "rate_limit_exceeded", headers={"Retry-After": f"{wait:.0f}"})
            return
        started = time.monotonic()
        try:
            await self._forward(Upstream(ci.remote_base_url, ci.api_key), method, body)
        finally:
            self.limits.release(self.caller)
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
        # The admin's model set is the service's: a name the client sends (a sidebar default, the
        # command line's "local") does not choose another.
        if self.code_interpreter.model:
            payload["model"] = self.code_interpreter.model
        await self._limited_forward("POST", json.dumps(payload).encode())


class ServiceModelsHandler(_ServiceHandler):
    """``GET <prefix>v1/models``."""

    @web.authenticated
    async def get(self) -> None:
        """Forward a model list request."""
        await self._limited_forward("GET", None)


def make_app(settings: CodeInterpreter, hub_auth: HubAuth, limits: UserLimits, prefix: str) -> web.Application:
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
    settings = CodeInterpreter(request_timeout=args.request_timeout)
    if settings.provider != "remote":
        print("hub_service: no endpoint configured: set OPENAI_BASE_URL (and OPENAI_API_KEY).", file=sys.stderr)
        return 2
    limits = UserLimits(args.requests_per_minute, args.concurrent)
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    app = make_app(settings, HubAuth(), limits, prefix)
    log.info(
        "forwarding %sv1/ on %s to %s (model %s; per user: %s requests per minute, %s at once)",
        prefix,
        service_url,
        settings.remote_base_url,
        settings.model or "as asked",
        args.requests_per_minute or "any",
        args.concurrent or "any",
    )
    asyncio.run(_serve(app, parts.hostname, parts.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
