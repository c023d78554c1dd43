# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""Every endpoint needs Jupyter authentication, and browser (cookie) requests need XSRF."""

from __future__ import annotations

import json
from http.cookies import SimpleCookie
from typing import Any

import pytest
from jupyter_server.utils import url_path_join

ENDPOINTS = [
    ("GET", "code-interpreter/config", None),
    ("POST", "code-interpreter/config", {"model": "m"}),
    ("POST", "code-interpreter/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}]}),
    ("GET", "code-interpreter/v1/models", None),
    ("GET", "code-interpreter/local-model", None),
    ("POST", "code-interpreter/local-model", {}),
    ("GET", "code-interpreter/props", None),
]


async def _fetch(client: Any, base_url: str, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    return await client.fetch(
        url_path_join(base_url, path),
        method=method,
        body=None if body is None else json.dumps(body),
        headers=headers,
        raise_error=False,
        request_timeout=20,
    )


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
async def test_no_token_is_refused(
    jp_serverapp: Any, http_server_client: Any, jp_base_url: str, method: str, path: str, body: Any
) -> None:
    response = await _fetch(http_server_client, jp_base_url, method, path, body, {})
    assert response.code == 403


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
async def test_wrong_token_is_refused(
    jp_serverapp: Any, http_server_client: Any, jp_base_url: str, method: str, path: str, body: Any
) -> None:
    headers = {"Authorization": "Bearer not-the-token"}
    response = await _fetch(http_server_client, jp_base_url, method, path, body, headers)
    assert response.code == 403


async def test_config_post_without_token_changes_nothing(
    jp_serverapp: Any, http_server_client: Any, jp_base_url: str, code_interpreter: Any
) -> None:
    before = code_interpreter.base_url
    response = await _fetch(
        http_server_client, jp_base_url, "POST", "code-interpreter/config", {"base_url": "http://evil.invalid/v1"}, {}
    )
    assert response.code == 403
    assert code_interpreter.base_url == before


async def test_bearer_token_is_accepted(jp_fetch: Any, jp_serverapp: Any) -> None:
    # The openai SDK sends the Jupyter token as `Authorization: Bearer <token>`.
    token = jp_serverapp.identity_provider.token
    response = await jp_fetch("code-interpreter", "config", headers={"Authorization": f"Bearer {token}"})
    assert response.code == 200


async def test_cookie_requests_need_xsrf(
    jp_fetch: Any, http_server_client: Any, jp_base_url: str, code_interpreter: Any, local_model_manager: Any
) -> None:
    # A token-authenticated request hands out the login cookie, as a browser would get it.
    first = await jp_fetch("code-interpreter", "config")
    cookies = SimpleCookie()
    for header in first.headers.get_list("Set-Cookie"):
        cookies.load(header)
    login = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    assert login, "the server set no login cookie"

    # Reading with the cookie alone is allowed (GET), writing without XSRF is not.
    read = await _fetch(http_server_client, jp_base_url, "GET", "code-interpreter/config", None, {"Cookie": login})
    assert read.code == 200
    refused = await _fetch(
        http_server_client, jp_base_url, "POST", "code-interpreter/config", {"model": "from-cookie"}, {"Cookie": login}
    )
    assert refused.code == 403
    assert code_interpreter.model != "from-cookie"
    chat = await _fetch(
        http_server_client,
        jp_base_url,
        "POST",
        "code-interpreter/v1/chat/completions",
        {"messages": []},
        {"Cookie": login},
    )
    assert chat.code == 403
    warm_up = await _fetch(
        http_server_client, jp_base_url, "POST", "code-interpreter/local-model", {}, {"Cookie": login}
    )
    assert warm_up.code == 403
    assert local_model_manager.status()["state"] in ("idle", "unavailable")

    xsrf = "0123456789abcdef0123456789abcdef"
    accepted = await _fetch(
        http_server_client,
        jp_base_url,
        "POST",
        "code-interpreter/config",
        {"model": "from-cookie"},
        {"Cookie": f"{login}; _xsrf={xsrf}", "X-XSRFToken": xsrf},
    )
    assert accepted.code == 200
    assert code_interpreter.model == "from-cookie"
