# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The model proxy, against the project's scripted OpenAI-compatible server run as a process."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from conftest import unassigned_loopback_port
from jupyter_server.utils import url_path_join
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

KEY = "sk-test-proxy-0123456789abcdef"
CHAT = ("code-interpreter", "v1", "chat", "completions")
MESSAGES = [{"role": "user", "content": "say hello"}]


def _events(body: bytes) -> list[str]:
    """The `data:` payloads of an SSE body, in order."""
    return [block[len("data: ") :] for block in body.decode().split("\n\n") if block.startswith("data: ")]


def _deltas(events: list[str]) -> str:
    text = ""
    for event in events:
        if event == "[DONE]":
            continue
        for choice in json.loads(event)["choices"]:
            text += choice["delta"].get("content") or ""
    return text


def _no_secret(body: bytes, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in body.decode(errors="replace")


async def test_streamed_answer_is_passed_on_whole(jp_fetch: Any, code_interpreter: Any, scripted_model: Any) -> None:
    model = scripted_model([{"kind": "text", "content": "Hello from the scripted model.", "chunkSize": 5}], api_key=KEY)
    code_interpreter.base_url = model.base_url
    code_interpreter.api_key = KEY
    chunks: list[bytes] = []
    response = await jp_fetch(
        *CHAT,
        method="POST",
        body=json.dumps({"model": "m", "messages": MESSAGES, "stream": True}),
        streaming_callback=chunks.append,
    )
    assert response.code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    events = _events(b"".join(chunks))
    assert events[-1] == "[DONE]"
    assert _deltas(events) == "Hello from the scripted model."
    _no_secret(b"".join(chunks), KEY)


async def test_first_event_arrives_before_the_upstream_finishes(
    jp_serverapp: Any,
    http_server_client: Any,
    jp_http_port: int,
    jp_base_url: str,
    code_interpreter: Any,
    scripted_model: Any,
    open_raw_chat_request: Any,
) -> None:
    # The scripted server sends the role event at once, then pauses a minute before
    # each content chunk. A proxy that buffered would deliver nothing until the
    # upstream finished, and the read below would time out instead. A raw socket is
    # used so the test can hang up after the first event, as a browser's Stop does.
    model = scripted_model([{"kind": "text", "content": "abcdefgh" * 2, "chunkSize": 8, "delayMs": 60000}])
    code_interpreter.base_url = model.base_url
    body = json.dumps({"model": "m", "messages": MESSAGES, "stream": True}).encode()
    reader, writer = await open_raw_chat_request(body)
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        first = await asyncio.wait_for(reader.readuntil(b"\n\n"), 30)
    finally:
        writer.close()
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 200 OK"
    assert b"content-type: text/event-stream" in head.lower()
    # The body is chunk-encoded: "<size>\r\n" then the first SSE event.
    event = first.split(b"\r\n", 1)[1]
    (payload,) = _events(event)
    assert json.loads(payload)["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    # The proxy is still fine after the browser hung up mid-stream.
    code_interpreter.base_url = f"http://127.0.0.1:{unassigned_loopback_port()}/v1"
    with pytest.raises(HTTPClientError) as failed:
        await jp_fetch_after_hangup(jp_serverapp, jp_http_port, jp_base_url)
    assert failed.value.code == 502


async def jp_fetch_after_hangup(jp_serverapp: Any, port: int, base_url: str) -> Any:
    client = AsyncHTTPClient(force_instance=True)
    try:
        return await client.fetch(
            f"http://127.0.0.1:{port}{url_path_join(base_url, *CHAT)}",
            method="POST",
            body=json.dumps({"model": "m", "messages": MESSAGES}),
            headers={"Authorization": f"token {jp_serverapp.identity_provider.token}"},
        )
    finally:
        client.close()


async def test_stream_cut_by_the_upstream_ends_with_an_error_event(
    jp_fetch: Any, code_interpreter: Any, scripted_model: Any
) -> None:
    model = scripted_model([{"kind": "cut", "content": "partial answer that is cut", "afterChars": 12}])
    code_interpreter.base_url = model.base_url
    chunks: list[bytes] = []
    response = await jp_fetch(
        *CHAT,
        method="POST",
        body=json.dumps({"model": "m", "messages": MESSAGES, "stream": True}),
        streaming_callback=chunks.append,
    )
    # The status went out with the headers; the failure shows as an SSE error event.
    assert response.code == 200
    events = _events(b"".join(chunks))
    # Node resets the socket, so what was in flight may or may not get through,
    # but nothing beyond the cut, and never a clean end.
    assert "partial answ".startswith(_deltas(events[:-1]))
    assert "error" in json.loads(events[-1])
    assert "[DONE]" not in events


async def test_whole_answer_and_configured_model(jp_fetch: Any, code_interpreter: Any, scripted_model: Any) -> None:
    model = scripted_model(
        [{"kind": "text", "content": "one"}, {"kind": "text", "content": "two"}, {"kind": "text", "content": "three"}]
    )
    code_interpreter.base_url = model.base_url
    code_interpreter.model = "configured-model"
    answers = []
    for body in (
        {"messages": MESSAGES},
        {"model": "", "messages": MESSAGES},
        {"model": "chosen-by-client", "messages": MESSAGES},
    ):
        response = await jp_fetch(*CHAT, method="POST", body=json.dumps(body))
        assert response.headers["Content-Type"].startswith("application/json")
        answers.append(json.loads(response.body))
    assert [a["choices"][0]["message"]["content"] for a in answers] == ["one", "two", "three"]
    assert [r["body"]["model"] for r in model.requests()] == [
        "configured-model",
        "configured-model",
        "chosen-by-client",
    ]


async def test_key_is_added_upstream_and_jupyter_token_is_not_forwarded(
    jp_fetch: Any, jp_serverapp: Any, code_interpreter: Any, scripted_model: Any
) -> None:
    model = scripted_model([{"kind": "text", "content": "ok"}], api_key=KEY)
    code_interpreter.base_url = model.base_url
    code_interpreter.api_key = KEY
    response = await jp_fetch(*CHAT, method="POST", body=json.dumps({"model": "m", "messages": MESSAGES}))
    assert json.loads(response.body)["choices"][0]["message"]["content"] == "ok"
    _no_secret(response.body, KEY)
    (request,) = model.requests()
    assert request["headers"]["authorization"] == f"Bearer {KEY}"
    token = jp_serverapp.identity_provider.token
    assert token not in json.dumps(request["headers"])


async def test_config_post_sets_the_key_the_next_request_carries(
    jp_fetch: Any, code_interpreter: Any, scripted_model: Any
) -> None:
    model = scripted_model([{"kind": "text", "content": "with key"}], api_key=KEY)
    code_interpreter.base_url = model.base_url
    body = json.dumps({"model": "m", "messages": MESSAGES})
    # No key yet: the upstream refuses, and the proxy passes its 401 on.
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch(*CHAT, method="POST", body=body)
    assert refused.value.code == 401
    await jp_fetch("code-interpreter", "config", method="POST", body=json.dumps({"api_key": KEY}))
    response = await jp_fetch(*CHAT, method="POST", body=body)
    assert json.loads(response.body)["choices"][0]["message"]["content"] == "with key"
    first, second = model.requests()
    assert "authorization" not in first["headers"]
    assert second["headers"]["authorization"] == f"Bearer {KEY}"


async def test_models_list_is_forwarded_with_the_key(jp_fetch: Any, code_interpreter: Any, scripted_model: Any) -> None:
    model = scripted_model([], api_key=KEY)
    code_interpreter.base_url = model.base_url
    with pytest.raises(HTTPClientError) as refused:
        await jp_fetch("code-interpreter", "v1", "models")
    assert refused.value.code == 401
    code_interpreter.api_key = KEY
    response = await jp_fetch("code-interpreter", "v1", "models")
    assert [entry["id"] for entry in json.loads(response.body)["data"]] == ["scripted-model"]
    _no_secret(response.body, KEY)


@pytest.mark.parametrize(
    ("reply", "status"),
    [
        ({"kind": "http-error", "status": 429, "headers": {"retry-after": "7"}}, 429),
        ({"kind": "http-error", "status": 400}, 400),
        ({"kind": "http-error", "status": 500}, 500),
        ({"kind": "http-error", "status": 503, "body": {"error": {"message": "overloaded", "type": "x"}}}, 503),
    ],
)
async def test_upstream_errors_are_passed_on(
    jp_fetch: Any, code_interpreter: Any, scripted_model: Any, reply: dict[str, Any], status: int
) -> None:
    model = scripted_model([reply])
    code_interpreter.base_url = model.base_url
    code_interpreter.api_key = KEY
    with pytest.raises(HTTPClientError) as failed:
        await jp_fetch(*CHAT, method="POST", body=json.dumps({"model": "m", "messages": MESSAGES, "stream": True}))
    response = failed.value.response
    assert failed.value.code == status
    assert response is not None
    error = json.loads(response.body)["error"]
    assert error["message"]
    if "body" in reply:
        assert error["message"] == reply["body"]["error"]["message"]
    if status == 429:
        assert response.headers["Retry-After"] == "7"
    _no_secret(response.body, KEY)


async def test_key_echoed_by_the_upstream_is_scrubbed(
    jp_fetch: Any, code_interpreter: Any, scripted_model: Any
) -> None:
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}.", "type": "invalid_request_error"}}
    model = scripted_model([{"kind": "http-error", "status": 401, "body": echo}])
    code_interpreter.base_url = model.base_url
    code_interpreter.api_key = KEY
    with pytest.raises(HTTPClientError) as failed:
        await jp_fetch(*CHAT, method="POST", body=json.dumps({"model": "m", "messages": MESSAGES}))
    assert failed.value.code == 401
    assert failed.value.response is not None
    body = failed.value.response.body
    _no_secret(body, KEY)
    assert json.loads(body)["error"]["message"] == "Incorrect API key provided: ***."


@pytest.mark.parametrize("path", [CHAT, ("code-interpreter", "v1", "models")])
async def test_unreachable_upstream_is_a_clear_502(jp_fetch: Any, code_interpreter: Any, path: tuple[str, ...]) -> None:
    base_url = f"http://127.0.0.1:{unassigned_loopback_port()}/v1"
    code_interpreter.base_url = base_url
    code_interpreter.api_key = KEY
    kwargs: dict[str, Any] = {}
    if path == CHAT:
        kwargs = {"method": "POST", "body": json.dumps({"model": "m", "messages": MESSAGES, "stream": True})}
    with pytest.raises(HTTPClientError) as failed:
        await jp_fetch(*path, **kwargs)
    assert failed.value.code == 502
    assert failed.value.response is not None
    body = json.loads(failed.value.response.body)
    assert body["error"]["type"] == "upstream_unreachable"
    assert body["error"]["message"].startswith(f"Could not reach the model endpoint at {base_url}/")
    _no_secret(failed.value.response.body, KEY)


async def test_upstream_that_never_answers_is_a_504(jp_fetch: Any, code_interpreter: Any, scripted_model: Any) -> None:
    model = scripted_model([{"kind": "hang"}])
    code_interpreter.base_url = model.base_url
    code_interpreter.request_timeout = 1.0
    with pytest.raises(HTTPClientError) as failed:
        await jp_fetch(*CHAT, method="POST", body=json.dumps({"model": "m", "messages": MESSAGES}))
    assert failed.value.code == 504
    assert failed.value.response is not None
    assert json.loads(failed.value.response.body)["error"]["type"] == "upstream_timeout"


@pytest.mark.parametrize("body", ["{not json", "[1, 2]"])
async def test_bad_request_body_is_refused_before_the_upstream(
    jp_fetch: Any, code_interpreter: Any, scripted_model: Any, body: str
) -> None:
    model = scripted_model([{"kind": "text", "content": "unused"}])
    code_interpreter.base_url = model.base_url
    with pytest.raises(HTTPClientError) as failed:
        await jp_fetch(*CHAT, method="POST", body=body)
    assert failed.value.code == 400
    assert model.requests() == []


async def test_redirects_are_not_followed_with_the_key(
    jp_fetch: Any, code_interpreter: Any, scripted_model: Any
) -> None:
    # Following a redirect would send the key to wherever Location points.
    elsewhere = scripted_model([{"kind": "text", "content": "should not be reached"}])
    model = scripted_model(
        [{"kind": "http-error", "status": 307, "headers": {"location": f"{elsewhere.base_url}/chat/completions"}}]
    )
    code_interpreter.base_url = model.base_url + "/"
    code_interpreter.api_key = KEY
    with pytest.raises(HTTPClientError) as failed:
        await jp_fetch(*CHAT, method="POST", body=json.dumps({"model": "m", "messages": MESSAGES}))
    assert failed.value.code == 307
    assert failed.value.response is not None
    assert "Location" not in failed.value.response.headers
    assert len(model.requests()) == 1
    assert elsewhere.requests() == []


# How long the proxy may keep the upstream request open after the browser has gone.
HANG_UP_LIMIT = 1.0


class _Upstream:
    """An OpenAI-style endpoint on loopback, in this test's event loop, that never finishes an answer.

    ``silent`` reads the request and sends nothing (a long prompt being read); ``head`` sends the
    headers of an event stream and then nothing; ``stream`` sends an SSE event every 100 ms for ever.
    It records when the proxy closes the connection.
    """

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.received = asyncio.Event()
        self.closed = asyncio.Event()
        self.closed_at: float | None = None
        self._server: asyncio.AbstractServer | None = None
        self._writers: list[asyncio.StreamWriter] = []
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/v1"

    async def stop(self) -> None:
        """Stop listening and end the connections still open (those of a failed test)."""
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=10)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        self._tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        self.received.set()
        sender = None
        if self.behaviour in ("head", "stream"):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        if self.behaviour == "stream":
            sender = asyncio.ensure_future(self._send_events(writer))
        try:
            # Nothing more is sent by the proxy: the read ends when it closes the connection.
            await reader.read()
        except ConnectionError:
            pass
        self.closed_at = asyncio.get_running_loop().time()
        self.closed.set()
        if sender is not None:
            sender.cancel()
        writer.close()

    async def _send_events(self, writer: asyncio.StreamWriter) -> None:
        event = b'data: {"choices":[{"index":0,"delta":{"content":"x"}}]}\n\n'
        chunk = f"{len(event):x}\r\n".encode() + event + b"\r\n"
        try:
            while True:
                writer.write(chunk)
                await writer.drain()
                await asyncio.sleep(0.1)
        except ConnectionError:
            pass


@pytest.mark.parametrize("behaviour", ["silent", "head", "stream"])
async def test_upstream_request_is_closed_soon_after_the_browser_hangs_up(
    jp_serverapp: Any,
    http_server_client: Any,
    jp_http_port: int,
    jp_base_url: str,
    code_interpreter: Any,
    behaviour: str,
    open_raw_chat_request: Any,
) -> None:
    # An abandoned request must not keep the model working for nobody: llama.cpp stops
    # generating when its client connection closes, and only then.
    upstream = _Upstream(behaviour)
    code_interpreter.base_url = await upstream.start()
    loop = asyncio.get_running_loop()
    body = json.dumps({"model": "m", "messages": MESSAGES, "stream": True}).encode()
    reader, writer = await open_raw_chat_request(body)
    try:
        await asyncio.wait_for(upstream.received.wait(), 30)
        if behaviour != "silent":
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            assert head.split(b"\r\n")[0] == b"HTTP/1.1 200 OK"
        if behaviour == "stream":
            await asyncio.wait_for(reader.readuntil(b"\n\n"), 30)
        assert not upstream.closed.is_set()
        hung_up_at = loop.time()
        writer.close()
        # Bounded well beyond the limit, so that a proxy that waits too long fails with a clear message.
        waiting = asyncio.ensure_future(upstream.closed.wait())
        await asyncio.wait([waiting], timeout=HANG_UP_LIMIT + 4)
        waiting.cancel()
        assert upstream.closed_at is not None, f"the upstream request was open {HANG_UP_LIMIT + 4} s after the hang-up"
        assert upstream.closed_at - hung_up_at < HANG_UP_LIMIT
    finally:
        writer.close()
        await upstream.stop()
