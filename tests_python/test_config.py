# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""``code-interpreter/config``: what it shows, what it changes, and that it never shows the key."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_code_interpreter.config import CodeInterpreter

KEY = "sk-test-config-0123456789"


@pytest.mark.parametrize(
    "jp_server_config",
    [{"CodeInterpreter": {"api_key": KEY, "model": "configured-model", "base_url": "http://127.0.0.1:9/v1"}}],
    indirect=True,
)
async def test_get_shows_settings_but_not_the_key(jp_fetch: Any) -> None:
    response = await jp_fetch("code-interpreter", "config")
    assert KEY not in response.body.decode()
    view = json.loads(response.body)
    assert view.pop("local_model")["state"] in ("idle", "unavailable")
    assert view == {
        "provider": "remote",
        "model": "configured-model",
        "base_url": "http://127.0.0.1:9/v1",
        "has_api_key": True,
        "tcp_nodelay": True,
        "locked": False,
    }


async def test_defaults_without_config_or_environment_are_the_local_model(jp_fetch: Any) -> None:
    response = await jp_fetch("code-interpreter", "config")
    view = json.loads(response.body)
    local_model = view.pop("local_model")
    assert view == {
        "provider": "local",
        "model": "",
        "base_url": "",
        "has_api_key": False,
        "tcp_nodelay": True,
        "locked": False,
    }
    # Asking does not start it: a server that never uses the model loads nothing.
    assert local_model["state"] in ("idle", "unavailable")
    assert (local_model["model"], local_model["context_size"]) == ("qwen2.5-coder-1.5b-instruct", 8192)


@pytest.mark.parametrize("jp_server_config", [{"CodeInterpreter": {"api_key": KEY}}], indirect=True)
async def test_a_key_without_an_endpoint_means_openai(jp_fetch: Any) -> None:
    view = json.loads((await jp_fetch("code-interpreter", "config")).body)
    assert (view["provider"], view["base_url"], view["has_api_key"]) == ("remote", "https://api.openai.com/v1", True)


async def test_an_empty_base_url_switches_back_to_the_local_model(jp_fetch: Any, code_interpreter: Any) -> None:
    body = {"api_key": KEY, "base_url": "http://127.0.0.1:8000/v1"}
    remote = await jp_fetch("code-interpreter", "config", method="POST", body=json.dumps(body))
    assert json.loads(remote.body)["provider"] == "remote"
    local = await jp_fetch("code-interpreter", "config", method="POST", body=json.dumps({"base_url": ""}))
    view = json.loads(local.body)
    assert (view["provider"], view["base_url"], view["has_api_key"]) == ("local", "", False)
    assert code_interpreter.api_key == ""


def test_environment_fallbacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:11434/v1")
    monkeypatch.setenv("CODE_INTERPRETER_MODEL", "qwen2.5-coder")
    settings = CodeInterpreter()
    assert (settings.api_key, settings.base_url, settings.model) == (KEY, "http://localhost:11434/v1", "qwen2.5-coder")


async def test_post_sets_values_and_answers_without_the_key(jp_fetch: Any, code_interpreter: Any) -> None:
    body = {"api_key": KEY, "model": "gpt-x", "base_url": "http://127.0.0.1:8000/v1"}
    response = await jp_fetch("code-interpreter", "config", method="POST", body=json.dumps(body))
    assert KEY not in response.body.decode()
    view = json.loads(response.body)
    del view["local_model"]
    assert view == {
        "provider": "remote",
        "model": "gpt-x",
        "base_url": "http://127.0.0.1:8000/v1",
        "has_api_key": True,
        "tcp_nodelay": True,
        "locked": False,
    }
    assert code_interpreter.api_key == KEY
    again = await jp_fetch("code-interpreter", "config")
    assert json.loads(again.body)["has_api_key"] is True
    assert KEY not in again.body.decode()


async def test_post_with_only_some_settings_keeps_the_others(jp_fetch: Any, code_interpreter: Any) -> None:
    await jp_fetch("code-interpreter", "config", method="POST", body=json.dumps({"api_key": KEY, "model": "a"}))
    await jp_fetch("code-interpreter", "config", method="POST", body=json.dumps({"model": "b"}))
    assert (code_interpreter.api_key, code_interpreter.model) == (KEY, "b")


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        json.dumps(["model"]),
        json.dumps({"model": 3}),
        json.dumps({"api_key": KEY, "temperature": "0"}),
        json.dumps({"api_key": KEY, "base_url": "file:///etc/passwd"}),
        json.dumps({"api_key": KEY, "base_url": "localhost:8000"}),
    ],
)
async def test_bad_post_is_refused_and_changes_nothing(jp_fetch: Any, code_interpreter: Any, body: str) -> None:
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch("code-interpreter", "config", method="POST", body=body)
    assert raised.value.code == 400
    assert raised.value.response is not None
    assert KEY not in raised.value.response.body.decode()
    assert code_interpreter.api_key == ""
    assert code_interpreter.base_url == ""


def test_a_key_read_with_a_trailing_newline_is_trimmed() -> None:
    assert CodeInterpreter(api_key=f"{KEY}\n").api_key == KEY


async def test_moving_to_another_endpoint_without_a_key_forgets_the_old_key(
    jp_fetch: Any, code_interpreter: Any
) -> None:
    await jp_fetch("code-interpreter", "config", method="POST", body=json.dumps({"api_key": KEY}))
    response = await jp_fetch(
        "code-interpreter", "config", method="POST", body=json.dumps({"base_url": "http://127.0.0.1:8001/v1"})
    )
    assert json.loads(response.body)["has_api_key"] is False
    assert code_interpreter.api_key == ""


@pytest.fixture
def key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """OPENAI_API_KEY set before the server starts (requested before the server's fixtures)."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)


async def test_the_key_leaves_the_environment_kernels_inherit(
    key_in_environment: None, jp_serverapp: Any, code_interpreter: Any
) -> None:
    import os

    assert code_interpreter.api_key == KEY
    assert "OPENAI_API_KEY" not in os.environ


@pytest.mark.parametrize(
    "jp_server_config",
    [{"CodeInterpreter": {"lock_settings": True, "base_url": "http://127.0.0.1:9/v1", "model": "admins-model"}}],
    indirect=True,
)
async def test_locked_settings_refuse_every_change(jp_fetch: Any, code_interpreter: Any) -> None:
    view = json.loads((await jp_fetch("code-interpreter", "config")).body)
    assert (view["locked"], view["base_url"], view["model"]) == (True, "http://127.0.0.1:9/v1", "admins-model")
    for update in ({"base_url": "http://127.0.0.1:8001/v1"}, {"api_key": KEY}, {"model": "mine"}, {"base_url": ""}):
        with pytest.raises(HTTPClientError) as refused:
            await jp_fetch("code-interpreter", "config", method="POST", body=json.dumps(update))
        assert refused.value.code == 403
    assert (code_interpreter.base_url, code_interpreter.api_key, code_interpreter.model) == (
        "http://127.0.0.1:9/v1",
        "",
        "admins-model",
    )


def test_the_hub_token_is_the_key_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-token-of-this-server")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    assert CodeInterpreter(api_key_from_hub=True).api_key == "hub-token-of-this-server"
    assert CodeInterpreter().api_key == KEY
