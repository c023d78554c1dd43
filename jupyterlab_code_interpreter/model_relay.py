# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The relay of one model request to an OpenAI-compatible endpoint, shared by the server
extension's proxy (proxy.py) and the JupyterHub model service (hub_service.py): the upstream
request built from scratch with the key added, the answer passed on chunk by chunk as it arrives
(SSE included) with the browser's pace as back-pressure, error bodies scrubbed of the key, and the
upstream request ended when the browser goes away or time runs out.

Upstream requests go through httpx (asyncio), not tornado's AsyncHTTPClient: a tornado fetch
cannot be cancelled, so when the browser went away the upstream request stayed open until its
next chunk arrived, which for a long prompt is a minute of a model working for nobody. An httpx
request runs in a task of its own here, and cancelling that task closes its connection (llama.cpp
and other servers stop generating when their client connection closes)."""

from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass
from typing import Any

import httpx
from tornado import web
from tornado.iostream import StreamClosedError

from .config import SETTINGS_KEY, CodeInterpreter, redact_url, url_secrets

#: Where the extension keeps the HTTP client used for upstream requests.
CLIENT_SETTINGS_KEY = "code_interpreter_http_client"

# Upstream response headers worth passing on. Lengths and transfer encodings are
# left out because tornado re-frames the body (httpx has undone the upstream's chunking);
# cookies and hop-by-hop headers are the upstream's business, not the browser's.
_PASSED_HEADERS = frozenset(
    {
        "content-type",
        "content-encoding",
        "cache-control",
        "retry-after",
        "x-request-id",
        "openai-processing-ms",
        "openai-version",
    }
)
_PASSED_PREFIXES = ("x-ratelimit-",)

# Error bodies are held back until complete so that the key can be scrubbed from
# them; past this size the rest is not read (error bodies are small).
_ERROR_BODY_LIMIT = 1 << 20


def make_http_client(max_connections: int = 64) -> httpx.AsyncClient:
    """The client for upstream requests (the proxy's and the props endpoint's).

    Args:
        max_connections: connections open at once (the Hub's model service gives each user a
            client of their own with fewer).

    Returns:
        An httpx client that never follows redirects (one would carry the key to wherever
        ``Location`` points), ignores proxy variables and ``.netrc`` (an ``Authorization`` from a
        file must not be sent to the model endpoint) and trusts the system's certificate store;
        a streamed answer holds a connection for its whole length, so up to ``max_connections``
        are open at once.
    """
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        verify=ssl.create_default_context(),
        limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=min(8, max_connections)),
    )


class _BrowserGone(Exception):
    """The browser closed its connection: the upstream request is to end, with no answer to send."""


@dataclass(frozen=True)
class Upstream:
    """The endpoint requests go to now.

    Attributes:
        base_url: up to and including ``/v1``.
        api_key: sent as ``Authorization: Bearer``; may be empty.
        local_model: the served name when this is the embedded local model, else None.
    """

    base_url: str
    api_key: str
    local_model: str | None = None


class ModelRelay(web.RequestHandler):
    """Forwards one request to ``<base_url>/<upstream_path>`` and relays the answer.

    The relay itself, shared by the server extension's proxy and the JupyterHub model service
    (hub_service.py), which differ only in who may ask and where the settings come from: both keep
    a `CodeInterpreter` under ``SETTINGS_KEY`` and an httpx client under ``CLIENT_SETTINGS_KEY`` in
    their tornado settings.
    """

    def initialize(self, upstream_path: str) -> None:
        """Set the path under the endpoint's base URL this handler forwards to."""
        self._upstream_path = upstream_path
        self._upstream_status: int | None = None
        self._upstream_reason: str | None = None
        self._upstream_headers = httpx.Headers()
        self._committed = False
        self._error_body: bytearray | None = None
        self._client_gone = False
        self._upstream: Upstream | None = None
        # The upstream exchange, cancelled (which closes its connection) when the browser goes
        # away or the request runs out of time.
        self._exchange: asyncio.Future[None] | None = None
        self._timed_out = False

    @property
    def code_interpreter(self) -> CodeInterpreter:
        """The extension's settings."""
        return self.settings[SETTINGS_KEY]

    def finish_as(self, content_type: str, chunk: bytes | str | None = None) -> None:
        """Finish the response with this Content-Type (jupyter_server's API handlers set their own)."""
        self.set_header("Content-Type", content_type)
        self.finish(chunk)

    async def _forward(self, upstream: Upstream, method: str, body: bytes | None) -> None:
        self._upstream = upstream
        if self._client_gone:
            # The browser left while the local model was starting: nobody to ask for.
            return
        ci = self.code_interpreter
        url = upstream.base_url.rstrip("/") + "/" + self._upstream_path
        # The browser's own Authorization header carries the Jupyter token: it must
        # not travel upstream, so the upstream request is built from scratch (and sent
        # without the client's default headers: no Accept-Encoding, so that error bodies
        # arrive readable for scrubbing and answers are relayed as they are).
        headers = {"Accept": self.request.headers.get("Accept", "application/json")}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if upstream.api_key:
            headers["Authorization"] = f"Bearer {upstream.api_key}"
        # request_timeout bounds the whole exchange (below); httpx's own limits are for
        # connecting and for waiting for a free connection. Zero means no limit, as it did
        # with tornado's client.
        connect_timeout = ci.connect_timeout or None
        timeout = httpx.Timeout(None, connect=connect_timeout, pool=connect_timeout)
        try:
            request = httpx.Request(
                method, url, headers=headers, content=body, extensions={"timeout": timeout.as_dict()}
            )
        except Exception as error:
            self._upstream_failed(error, url)
            return
        self._exchange = asyncio.ensure_future(self._relay_exchange(request))
        deadline = None
        if ci.request_timeout:
            deadline = asyncio.get_running_loop().call_later(ci.request_timeout, self._on_deadline)
        try:
            await asyncio.wait([self._exchange])
        finally:
            if deadline is not None:
                deadline.cancel()
            # A no-op once the exchange is done; ends it if this handler itself was cancelled.
            self._exchange.cancel()
        if self._exchange.cancelled():
            if self._timed_out and not self._client_gone:
                reason = f"no complete answer within {ci.request_timeout:g} s"
                self._upstream_failed(TimeoutError(reason), url)
            return
        error = self._exchange.exception()
        if error is not None:
            self._upstream_failed(error, url)
            return
        self._finish_relay()

    def _on_deadline(self) -> None:
        self._timed_out = True
        if self._exchange is not None:
            self._exchange.cancel()

    def on_connection_close(self) -> None:
        """End the upstream request at once when the browser goes away, even while it sends nothing."""
        self._client_gone = True
        if self._exchange is not None:
            self._exchange.cancel()
        super().on_connection_close()

    def http_client(self) -> httpx.AsyncClient:
        """The client the upstream request goes through (the Hub's model service gives each user a
        pool of their own)."""
        return self.settings[CLIENT_SETTINGS_KEY]

    def observe_answer(self, chunk: bytes) -> None:
        """Called with each piece of a successful answer as it is relayed (the Hub's model service
        reads the token counts from it)."""

    async def _relay_exchange(self, request: httpx.Request) -> None:
        """Send the request and pass the answer on as it comes; cancelling this closes the connection."""
        response = await self.http_client().send(request, stream=True)
        try:
            self._upstream_status = response.status_code
            self._upstream_reason = response.reason_phrase or None
            self._upstream_headers = response.headers
            if response.status_code >= 400:
                self._error_body = bytearray()
                async for chunk in response.aiter_raw():
                    room = _ERROR_BODY_LIMIT - len(self._error_body)
                    self._error_body += chunk[: max(room, 0)]
                    if room <= len(chunk):
                        # The rest is not read: an endless error body must not hold the request.
                        break
                return
            # Send the headers now: a streaming client learns at once that the
            # request was accepted, before the first token.
            self._commit_headers()
            await self._flush_to_browser()
            # Raw bytes: relayed with the upstream's Content-Encoding.
            async for chunk in response.aiter_raw():
                self.observe_answer(chunk)
                self.write(chunk)
                # Waiting for the browser before reading on from the upstream is the back-pressure.
                await self._flush_to_browser()
        finally:
            await response.aclose()

    async def _flush_to_browser(self) -> None:
        if self._client_gone:
            raise _BrowserGone()
        try:
            await self.flush()
        except StreamClosedError:
            self._client_gone = True
            raise _BrowserGone() from None

    def _commit_headers(self) -> None:
        assert self._upstream_status is not None
        self._committed = True
        self.set_status(self._upstream_status, self._upstream_reason)
        self.clear_header("Content-Type")
        for name, value in self._upstream_headers.multi_items():
            lowered = name.lower()
            if lowered in _PASSED_HEADERS or lowered.startswith(_PASSED_PREFIXES):
                self.add_header(name, value)
        self.set_header("X-Accel-Buffering", "no")

    def _finish_relay(self) -> None:
        content_type = self._upstream_headers.get("Content-Type", "application/json")
        if not self._committed:
            self._commit_headers()
            if self._error_body is not None:
                self.write(self._scrub(bytes(self._error_body)))
        self.finish_as(content_type)

    def _upstream_failed(self, error: Exception, url: str) -> None:
        if self._client_gone:
            # The browser went away; the exception was how the upstream request ended.
            return
        timed_out = isinstance(error, (httpx.TimeoutException, TimeoutError))
        reason = str(error) or type(error).__name__
        # Credentials in the URL (user:password@, ?api-key=) are not for the caller's eyes.
        url = redact_url(url)
        if self._committed:
            # Headers (and maybe tokens) are out: the status cannot change any more.
            # An SSE error event is what OpenAI clients understand mid-stream.
            if "text/event-stream" in self._upstream_headers.get("Content-Type", ""):
                message = f"The model endpoint stopped answering: {reason}"
                event = {"error": {"message": message, "type": "upstream_error"}}
                self.write(b"data: " + json.dumps(event).encode() + b"\n\n")
            self.finish_as(self._upstream_headers.get("Content-Type", "application/json"))
            return
        if timed_out:
            message = f"The model endpoint at {url} did not answer in time ({reason})."
            self.send_json_error(504, message, "upstream_timeout")
        else:
            message = f"Could not reach the model endpoint at {url}: {reason}"
            self.send_json_error(502, message, "upstream_unreachable")

    def _scrub(self, body: bytes) -> bytes:
        """Remove the key from an upstream error body: some servers echo what they were sent."""
        for key in self._secrets():
            body = body.replace(key.encode(), b"***")
        return body

    def _secrets(self) -> list[str]:
        keys = [self.code_interpreter.api_key, *url_secrets(self.code_interpreter.remote_base_url)]
        if self._upstream is not None:
            keys += [self._upstream.api_key, *url_secrets(self._upstream.base_url)]
        # Longest first, so that a key containing another secret is replaced whole.
        return sorted({key for key in keys if key}, key=len, reverse=True)

    def json_object_body(self) -> dict[str, Any] | None:
        """The request body as a JSON object, or ``None`` after answering 400 in OpenAI's error shape."""
        try:
            payload = json.loads(self.request.body or b"null")
        except ValueError:
            self.send_json_error(400, "The request body is not valid JSON.", "invalid_request_error")
            return None
        except RecursionError:
            self.send_json_error(400, "The request body is nested too deeply.", "invalid_request_error")
            return None
        if not isinstance(payload, dict):
            self.send_json_error(400, "The request body must be a JSON object.", "invalid_request_error")
            return None
        return payload

    def send_json_error(self, status: int, message: str, kind: str, headers: dict[str, str] | None = None) -> None:
        """Answer with an error in the shape OpenAI clients read (``error.message``).

        Args:
            status: the HTTP status.
            message: what went wrong, for a person; never contains the key.
            kind: a short machine-readable error type.
            headers: more headers, such as ``Retry-After``.
        """
        self.clear()
        self.set_status(status)
        for name, value in (headers or {}).items():
            self.set_header(name, value)
        for key in self._secrets():
            message = message.replace(key, "***")
        body = {"error": {"message": message, "type": kind}, "message": message}
        self.finish_as("application/json", json.dumps(body))
