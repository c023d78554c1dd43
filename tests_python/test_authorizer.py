# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""Every endpoint asks jupyter_server's authorizer, with the ``code_interpreter`` resource and the
action it needs, so a deployment that grants less than full access can withhold the model proxy or
the endpoint settings (JupyterHub maps its custom scopes onto an Authorizer like these)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pytest
from jupyter_server.auth import Authorizer
from jupyter_server.base.handlers import JupyterHandler
from tornado.httpclient import HTTPClientError

from jupyterlab_code_interpreter.config import AUTH_RESOURCE

KEY = "sk-test-authorizer-0123456789"
MESSAGES = [{"role": "user", "content": "say hello"}]

# (method, path, body, the action the endpoint is expected to ask for)
ENDPOINTS = [
    ("GET", ("code-interpreter", "config"), None, "read"),
    ("POST", ("code-interpreter", "config"), {"model": "another"}, "write"),
    ("POST", ("code-interpreter", "v1", "chat", "completions"), {"messages": MESSAGES}, "execute"),
    ("GET", ("code-interpreter", "v1", "models"), None, "read"),
    ("GET", ("code-interpreter", "local-model"), None, "read"),
    ("POST", ("code-interpreter", "local-model"), {}, "execute"),
    ("GET", ("code-interpreter", "props"), None, "read"),
]


class _RecordingAuthorizer(Authorizer):
    """Allows every other resource, and of ``code_interpreter`` only the actions in ``allowed``;
    records what it was asked, so the test sees which action each endpoint declares."""

    allowed: ClassVar[frozenset[str]] = frozenset()
    asked: ClassVar[list[tuple[str, str, str]]] = []

    def is_authorized(self, handler: JupyterHandler, user: Any, action: str, resource: str) -> bool:
        if resource != AUTH_RESOURCE:
            return True
        self.asked.append((handler.request.method or "", handler.request.path, action))
        return action in self.allowed


class ReadOnly(_RecordingAuthorizer):
    """A user who may see the settings but neither ask the model nor change the endpoint."""

    allowed = frozenset({"read"})
    asked: ClassVar[list[tuple[str, str, str]]] = []


class ModelUser(_RecordingAuthorizer):
    """A user who may ask the model but not change the endpoint."""

    allowed = frozenset({"read", "execute"})
    asked: ClassVar[list[tuple[str, str, str]]] = []


async def _call(jp_fetch: Any, method: str, path: tuple[str, ...], body: Any) -> int:
    try:
        response = await jp_fetch(*path, method=method, body=None if body is None else json.dumps(body))
    except HTTPClientError as error:
        return error.code
    return response.code


@pytest.mark.parametrize("jp_server_config", [{"ServerApp": {"authorizer_class": ReadOnly}}], indirect=True)
async def test_read_only_user_is_refused_the_model_and_the_settings(
    jp_fetch: Any, code_interpreter: Any, local_model_manager: Any, scripted_model: Any
) -> None:
    model = scripted_model([{"kind": "text", "content": "never sent"}], api_key=KEY)
    code_interpreter.base_url = model.base_url
    code_interpreter.api_key = KEY
    ReadOnly.asked.clear()
    codes = {}
    for method, path, body, _ in ENDPOINTS:
        codes[(method, "/".join(path))] = await _call(jp_fetch, method, path, body)
    assert codes == {
        ("GET", "code-interpreter/config"): 200,
        ("POST", "code-interpreter/config"): 403,
        ("POST", "code-interpreter/v1/chat/completions"): 403,
        ("GET", "code-interpreter/v1/models"): 200,
        ("GET", "code-interpreter/local-model"): 200,
        ("POST", "code-interpreter/local-model"): 403,
        ("GET", "code-interpreter/props"): 200,
    }
    # Refused means nothing happened: no model request, no settings change, no local model start.
    assert model.requests() == []
    assert (code_interpreter.model, code_interpreter.base_url) == ("", model.base_url)
    assert local_model_manager.status()["state"] in ("idle", "unavailable")
    # Each endpoint asked for the action it declares, on the extension's own resource.
    assert [action for _, _, action in ReadOnly.asked] == [action for *_, action in ENDPOINTS]


@pytest.mark.parametrize("jp_server_config", [{"ServerApp": {"authorizer_class": ModelUser}}], indirect=True)
async def test_model_user_can_chat_but_not_move_the_endpoint(
    jp_fetch: Any, code_interpreter: Any, scripted_model: Any
) -> None:
    model = scripted_model([{"kind": "text", "content": "Hello."}], api_key=KEY)
    code_interpreter.base_url = model.base_url
    code_interpreter.api_key = KEY
    chat = await jp_fetch(
        "code-interpreter", "v1", "chat", "completions", method="POST", body=json.dumps({"messages": MESSAGES})
    )
    assert chat.code == 200
    assert json.loads(chat.body)["choices"][0]["message"]["content"] == "Hello."
    moved = await _call(jp_fetch, "POST", ("code-interpreter", "config"), {"base_url": "http://127.0.0.1:9/v1"})
    assert moved == 403
    assert (code_interpreter.base_url, code_interpreter.api_key) == (model.base_url, KEY)
