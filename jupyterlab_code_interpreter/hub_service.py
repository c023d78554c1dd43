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
from collections import deque
from typing import Any, Callable
from urllib.parse import urlsplit

import httpx
from jupyterhub.services.auth import HubAuth, HubAuthenticated, UserNotAllowed
from jupyterhub.utils import url_path_join
from tornado import web

from .config import SETTINGS_KEY, CodeInterpreter, redact_url
from .proxy import CLIENT_SETTINGS_KEY, ModelRelay, Upstream, make_http_client
from .request_policy import RequestRefused, restrict_chat_request

log = logging.getLogger("code-interpreter-hub-service")

#: Where the service keeps its HubAuth and its UserLimits in the tornado settings.
HUB_AUTH_SETTINGS_KEY = "hub_auth"
LIMITS_SETTINGS_KEY = "code_interpreter_limits"
POOLS_SETTINGS_KEY = "code_interpreter_user_pools"

_MINUTE = 60.0
_DAY = 86400.0


class UserLimits:
    """Per-user admission: at most ``requests_per_minute`` requests started in any 60 s, and at most
    ``concurrent`` running at once (0 means no limit for either).

    Kept in memory: the service is one process, and a restart forgiving the last minute (or day) is
    harmless.

    Tokens: a request is admitted when the tokens its user spent in the last minute and the last day,
    plus what it may spend (its estimate: the prompt's size and its answer's cap), stay within
    ``tokens_per_minute`` and ``tokens_per_day``; when it ends, its estimate is replaced by what the
    endpoint reported (``usage``), or kept when the endpoint reported nothing.
    """

    def __init__(
        self,
        requests_per_minute: int = 0,
        concurrent: int = 0,
        clock: Callable[[], float] = time.monotonic,
        tokens_per_minute: int = 0,
        tokens_per_day: int = 0,
    ):
        self.requests_per_minute = requests_per_minute
        self.concurrent = concurrent
        self.tokens_per_minute = tokens_per_minute
        self.tokens_per_day = tokens_per_day
        self._clock = clock
        self._started: dict[str, deque[float]] = {}
        self._running: dict[str, int] = {}
        # Per user, [time, tokens] of each admitted request of the last day, oldest first.
        self._spent: dict[str, deque[list[float]]] = {}

    def acquire(self, user: str, tokens: int = 0) -> float | None:
        """Admit one request of ``user`` that may spend ``tokens``, or say how long to wait.

        Returns:
            None when admitted (the caller must call ``release`` when the request ends), else the
            seconds after which a retry may be admitted (for ``Retry-After``).
        """
        now = self._clock()
        started = self._started.setdefault(user, deque())
        while started and now - started[0] >= _MINUTE:
            started.popleft()
        if self.concurrent and self._running.get(user, 0) >= self.concurrent:
            return 1.0
        if self.requests_per_minute and len(started) >= self.requests_per_minute:
            return max(_MINUTE - (now - started[0]), 0.1)
        spent = self._spent.setdefault(user, deque())
        while spent and now - spent[0][0] >= _DAY:
            spent.popleft()
        for budget, window in ((self.tokens_per_minute, _MINUTE), (self.tokens_per_day, _DAY)):
            if budget:
                wait = self._wait_for_tokens(spent, now, window, budget, tokens)
                if wait is not None:
                    return wait
        started.append(now)
        self._running[user] = self._running.get(user, 0) + 1
        if self.tokens_per_minute or self.tokens_per_day:
            spent.append([now, float(tokens)])
        return None

    @staticmethod
    def _wait_for_tokens(
        spent: deque[list[float]], now: float, window: float, budget: int, tokens: int
    ) -> float | None:
        """None when ``tokens`` more fit the budget of the window, else the seconds until enough
        of the window's spending has left it."""
        recent = [entry for entry in spent if now - entry[0] < window]
        used = sum(entry[1] for entry in recent)
        if used + tokens <= budget:
            return None
        for at, amount in recent:
            used -= amount
            if used + tokens <= budget:
                return max(window - (now - at), 1.0)
        # Even an empty window cannot hold it (the caller refuses a request larger than a budget).
        return window

    def fits(self, tokens: int) -> bool:
        """Whether a request that may spend ``tokens`` fits the budgets at all."""
        return all(not budget or tokens <= budget for budget in (self.tokens_per_minute, self.tokens_per_day))

    def last_entry(self, user: str) -> list[float] | None:
        """The spending record ``[time, tokens]`` of the request ``user`` was admitted with last (None
        without token budgets); set its tokens to what the request spent once it is known."""
        entries = self._spent.get(user)
        return entries[-1] if entries else None

    def tokens_spent(self, user: str, window: float = _MINUTE) -> float:
        """Tokens ``user`` spent (or reserved) in the last ``window`` seconds."""
        now = self._clock()
        return sum(amount for at, amount in self._spent.get(user, ()) if now - at < window)

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


def estimate_tokens(payload: dict[str, Any], body_bytes: int) -> int:
    """What a request may spend at most, before it is sent: its body's size in tokens (about four
    bytes a token; JSON's quoting makes this generous) plus its answer's cap."""
    cap = payload.get("max_tokens") or payload.get("max_completion_tokens") or 0
    return body_bytes // 4 + int(cap)


class UsageReader:
    """Finds the ``usage`` an answer reports, streamed (SSE, the last chunk's) or whole (JSON).

    ``total`` is ``prompt_tokens + completion_tokens`` (or ``total_tokens``) of the last usage seen,
    or None. Events are read as they complete; an event larger than 1 MiB is skipped.
    """

    _LIMIT = 1 << 20

    def __init__(self) -> None:
        self.total: int | None = None
        self._buffer = bytearray()
        self._whole = bytearray()
        self._overflow = False

    def feed(self, chunk: bytes) -> None:
        """Take the next piece of the answer."""
        if len(self._whole) < self._LIMIT:
            self._whole += chunk[: self._LIMIT - len(self._whole)]
        self._buffer += chunk
        while True:
            end = self._buffer.find(b"\n\n")
            if end < 0:
                if len(self._buffer) > self._LIMIT:
                    self._buffer.clear()
                    self._overflow = True
                return
            event = bytes(self._buffer[:end])
            del self._buffer[: end + 2]
            if self._overflow:
                self._overflow = False
                continue
            for line in event.split(b"\n"):
                if line.startswith(b"data:") and b'"usage"' in line:
                    self._read(line[5:])

    def finish(self) -> None:
        """The answer ended: a non-streamed answer is one JSON object."""
        if self.total is None and self._whole[:1] in (b"{", b" ", b"\n"):
            self._read(bytes(self._whole))

    def _read(self, data: bytes) -> None:
        try:
            usage = json.loads(data).get("usage")
        except (ValueError, AttributeError, RecursionError):
            return
        if not isinstance(usage, dict):
            return
        total = usage.get("total_tokens")
        if not isinstance(total, int):
            parts = [usage.get("prompt_tokens"), usage.get("completion_tokens")]
            total = sum(part for part in parts if isinstance(part, int))
        self.total = total


class UserPools:
    """An httpx client per caller, each with at most ``connections_per_user`` connections (0: the
    shared client's 64), so one caller's hung streams never hold the connections another needs."""

    def __init__(self, connections_per_user: int = 8) -> None:
        self.connections_per_user = connections_per_user
        self._clients: dict[str, httpx.AsyncClient] = {}

    def client(self, caller: str) -> httpx.AsyncClient:
        """The caller's client, made on first use."""
        found = self._clients.get(caller)
        if found is None:
            found = make_http_client(self.connections_per_user or 64)
            self._clients[caller] = found
        return found

    async def aclose(self) -> None:
        """Close every client."""
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()


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
