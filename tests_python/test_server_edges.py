# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The server extension at its edges (issue 18): bodies nested too deeply, endless error bodies,
keys that would defeat the scrub, credentials in the endpoint's URL, a read that would start the
local model, and the admin's lock applied to each request."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from server_responses import fetch_answering_errors
from traitlets import TraitError

from jupyterlab_code_interpreter.config import CodeInterpreter

CHAT = ("code-interpreter", "v1", "chat", "completions")
MESSAGES = [{"role": "user", "content": "say hello"}]


async def test_a_body_nested_too_deeply_is_a_400(jp_fetch: Any, code_interpreter: Any, scripted_model: Any) -> None:
    model = scripted_model([{"kind": "text", "content": "never"}])
    code_interpreter.base_url = model.base_url
    nested = "[" * 100_000 + "]" * 100_000
    for path, body in ((CHAT, nested), (("code-interpreter", "config"), nested)):
        response = await fetch_answering_errors(jp_fetch, *path, method="POST", body=body)
        assert response.code == 400, (path, response.code, response.body[:200])
        assert b"nested too deeply" in response.body
    assert model.requests() == []


async def test_an_endless_error_body_is_cut_not_read_to_the_end(jp_fetch: Any, code_interpreter: Any) -> None:
    # An upstream that answers 400 and then sends its error body for ever.
    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b'{"error": "' + b"x" * 65536
        try:
            while True:
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(endless, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    code_interpreter.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        body = json.dumps({"model": "m", "messages": MESSAGES})
        response = await fetch_answering_errors(jp_fetch, *CHAT, method="POST", body=body, request_timeout=30)
    finally:
        server.close()
    assert response.code == 400
    # The first MiB of it, then the upstream request was closed.
    assert len(response.body) == 1 << 20


async def test_a_key_with_a_line_break_is_refused_when_it_is_set(jp_fetch: Any, code_interpreter: Any) -> None:
    code_interpreter.api_key = "sk-before"
    for key in ("sk-abc\ndef", "sk-abc\r\ndef", "sk-\x00abc"):
        body = json.dumps({"api_key": key})
        response = await fetch_answering_errors(jp_fetch, "code-interpreter", "config", method="POST", body=body)
        assert response.code == 400, key
    assert code_interpreter.api_key == "sk-before"
    with pytest.raises(TraitError):
        CodeInterpreter(api_key="sk-abc\ndef")
    # A newline at the end (a key read from a file) is still trimmed.
    assert CodeInterpreter(api_key="sk-abc\n").api_key == "sk-abc"


async def test_credentials_in_the_base_url_are_not_shown(jp_fetch: Any, code_interpreter: Any) -> None:
    code_interpreter.base_url = "http://someone:pass-in-url-123@127.0.0.1:9/v1?api-key=key-in-query-456"
    view = await jp_fetch("code-interpreter", "config")
    assert b"pass-in-url-123" not in view.body and b"key-in-query-456" not in view.body
    assert json.loads(view.body)["base_url"] == "http://***@127.0.0.1:9/v1?api-key=***"
    failed = await fetch_answering_errors(jp_fetch, *CHAT, method="POST", body=json.dumps({"messages": MESSAGES}))
    assert failed.code == 502
    for secret in (b"pass-in-url-123", b"key-in-query-456", b"someone"):
        assert secret not in failed.body
    assert b"127.0.0.1:9" in failed.body


async def test_listing_models_does_not_start_the_local_model(
    jp_fetch: Any, code_interpreter: Any, local_model_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert code_interpreter.provider == "local"
    started: list[str] = []

    async def endpoint() -> Any:
        started.append("endpoint")
        raise AssertionError("GET v1/models started the local model")

    monkeypatch.setattr(local_model_manager, "endpoint", endpoint)
    monkeypatch.setattr(local_model_manager, "start", lambda: started.append("start"))
    response = await fetch_answering_errors(jp_fetch, "code-interpreter", "v1", "models")
    assert started == []
    assert response.code == 200
    listing = json.loads(response.body)
    assert [entry["id"] for entry in listing["data"]] == [local_model_manager.status()["model"]]


@pytest.mark.parametrize(
    "jp_server_config",
    [{"CodeInterpreter": {"lock_settings": True, "model": "admins-model", "max_output_tokens": 256}}],
    indirect=True,
)
async def test_the_lock_sends_the_admins_model_the_allowed_fields_and_a_capped_answer(
    jp_fetch: Any, code_interpreter: Any, scripted_model: Any
) -> None:
    model = scripted_model([{"kind": "text", "content": "ok"}] * 3)
    code_interpreter.base_url = model.base_url
    body = {"model": "someone-elses-model", "messages": MESSAGES, "max_tokens": 100_000, "stream": True}
    answer = await jp_fetch(*CHAT, method="POST", body=json.dumps(body))
    assert answer.code == 200
    sent = model.requests()[-1]["body"]
    assert (sent["model"], sent["max_tokens"]) == ("admins-model", 256)
    for extra in ({"n": 3}, {"store": True}, {"service_tier": "priority"}, {"user": "x"}):
        refused = await fetch_answering_errors(
            jp_fetch, *CHAT, method="POST", body=json.dumps({"messages": MESSAGES, **extra})
        )
        assert refused.code == 400, extra
    assert len(model.requests()) == 1
