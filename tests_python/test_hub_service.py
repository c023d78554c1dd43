# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The Hub's model service in this process, its callers identified by a stand-in for HubAuth (the
real one, against a real Hub, is in test_hub.py), in front of the scripted model server: what a
user's request may carry, the per-user token budgets and the per-user share of connections."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import pytest
from conftest import unassigned_loopback_port
from tornado.httpserver import HTTPServer

from jupyterlab_code_interpreter.config import CodeInterpreter
from jupyterlab_code_interpreter.hub_budgets import UserLimits
from jupyterlab_code_interpreter.hub_pools import UserPools
from jupyterlab_code_interpreter.hub_service import make_app

KEY = "sk-service-key-0123456789abcdef"
PREFIX = "/services/code-interpreter-model/"
SCOPE = "access:services!service=code-interpreter-model"
SCRIPT = {
    "byLastUserMessageContains": {"hang": {"kind": "hang"}},
    "default": {"kind": "text", "content": "Hello from the admin's model."},
}


class _HubAuth:
    """What the service asks of HubAuth: who a token belongs to, and whether they hold the scope."""

    access_scopes = {SCOPE}

    async def get_user(self, handler: Any, sync: bool = True) -> dict[str, Any] | None:
        token = handler.request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token in ("alice", "bob"):
            return {"kind": "user", "name": token, "scopes": [SCOPE]}
        return None

    def check_scopes(self, required: set[str], model: dict[str, Any]) -> set[str]:
        return set(required) & set(model["scopes"])


@pytest.fixture
def service(scripted_model: Any, jp_asyncio_loop: Any) -> Any:
    """Start the service for a model; answers (url, model, limits)."""
    servers: list[HTTPServer] = []
    pools: list[UserPools] = []

    async def start(limits: UserLimits | None = None, connections_per_user: int = 8, **settings: Any) -> Any:
        model = scripted_model(SCRIPT, api_key=KEY)
        ci = CodeInterpreter(base_url=model.base_url, api_key=KEY, model="admins-model", **settings)
        pool = UserPools(connections_per_user)
        pools.append(pool)
        app = make_app(ci, _HubAuth(), limits or UserLimits(), PREFIX, pool)  # type: ignore[arg-type]
        port = unassigned_loopback_port()
        servers.append(app.listen(port, address="127.0.0.1"))
        return f"http://127.0.0.1:{port}{PREFIX}v1/chat/completions", model

    yield start
    for server in servers:
        server.stop()
    for pool in pools:
        jp_asyncio_loop.run_until_complete(pool.aclose())


async def _post(url: str, user: str, body: dict[str, Any], timeout: float = 30) -> httpx.Response:
    async with httpx.AsyncClient(timeout=timeout) as client:
        return await client.post(url, json=body, headers={"Authorization": f"Bearer {user}"})


def _hello(**fields: Any) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": "hello"}], **fields}


async def test_the_admins_model_and_only_allowed_fields_reach_the_endpoint(service: Any) -> None:
    url, model = await service(max_output_tokens=512)
    answer = await _post(url, "alice", _hello(model="gpt-4o-expensive", max_completion_tokens=100_000, stream=True))
    assert answer.status_code == 200, answer.text
    sent = model.requests()[-1]["body"]
    # The model is the admin's, the answer's limit the admin's cap (under the endpoint's field), and
    # a streamed answer reports its usage, which the budgets count.
    assert sent["model"] == "admins-model"
    assert sent["max_tokens"] == 512 and "max_completion_tokens" not in sent
    assert sent["stream_options"] == {"include_usage": True}
    # A smaller limit of the client's own is kept; no limit becomes the cap.
    await _post(url, "alice", _hello(max_tokens=50))
    assert model.requests()[-1]["body"]["max_tokens"] == 50
    await _post(url, "alice", _hello())
    assert model.requests()[-1]["body"]["max_tokens"] == 512
    before = len(model.requests())
    for fields in ({"n": 4}, {"store": True}, {"user": "someone"}, {"service_tier": "priority"}, {"max_tokens": -1}):
        refused = await _post(url, "alice", _hello(**fields))
        assert refused.status_code == 400, (fields, refused.text)
        assert refused.json()["error"]["message"]
    assert len(model.requests()) == before


async def test_the_endpoint_field_for_the_limit_is_the_admins_choice(service: Any) -> None:
    url, model = await service(max_output_tokens=300, output_tokens_field="max_completion_tokens")
    await _post(url, "alice", _hello(max_tokens=1000))
    sent = model.requests()[-1]["body"]
    assert sent["max_completion_tokens"] == 300 and "max_tokens" not in sent


async def test_tokens_per_minute_are_counted_from_usage_and_refused_with_retry_after(service: Any) -> None:
    # Each request may spend its prompt's size plus its cap of 100 answer tokens; 300 per minute
    # admits the first ones, and what the endpoint reports replaces the estimate.
    limits = UserLimits(tokens_per_minute=300)
    url, model = await service(limits=limits, max_output_tokens=100)
    codes: list[int] = []
    while 429 not in codes and len(codes) < 60:
        codes.append((await _post(url, "alice", _hello(stream=True))).status_code)
    assert codes[0] == 200 and codes[-1] == 429
    assert set(codes) == {200, 429}
    refused = await _post(url, "alice", _hello(stream=True))
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "tokens per minute" in refused.json()["error"]["message"]
    # The budget is alice's: bob's request passes.
    assert (await _post(url, "bob", _hello())).status_code == 200
    # What was counted is the endpoint's usage, not the estimate (which is over 100 a request, its
    # answer's cap): more requests passed than estimates alone would have let through, and the
    # minute's spending stays within the budget.
    admitted = codes.count(200)
    assert admitted > 3
    assert 0 < limits.tokens_spent("user:alice") <= 300
    # A request that could never fit the budget is told so, not to retry.
    too_big = await _post(url, "bob", _hello(messages=[{"role": "user", "content": "x" * 4000}]))
    assert too_big.status_code == 400
    assert len([r for r in model.requests() if "x" * 100 in json.dumps(r["body"])]) == 0


async def test_one_users_hung_streams_do_not_hold_up_another_users_request(service: Any) -> None:
    # No per-user limit of requests at once is configured: alice opens more streams than the shared
    # pool of 64 connections the service had, and the endpoint never answers them. Bob's request
    # still gets a connection of its own at once.
    url, model = await service(connections_per_user=8)
    hanging = _hello(messages=[{"role": "user", "content": "hang"}], stream=True)

    async def hold(client: httpx.AsyncClient) -> int:
        try:
            response = await client.post(url, json=hanging, headers={"Authorization": "Bearer alice"})
            return response.status_code
        except httpx.HTTPError:
            return -1

    limits = httpx.Limits(max_connections=100)
    async with httpx.AsyncClient(timeout=60, limits=limits) as alice:
        streams = [asyncio.ensure_future(hold(alice)) for _ in range(70)]
        await asyncio.sleep(2)
        started = time.monotonic()
        answer = await _post(url, "bob", _hello(stream=True), timeout=15)
        took = time.monotonic() - started
        assert answer.status_code == 200, answer.text
        assert took < 5, took
        # Alice's own share is 8 at once; the rest were told to retry.
        refused = [stream.result() for stream in streams if stream.done()]
        assert refused and set(refused) == {429}
        assert len(refused) == 70 - 8
        for stream in streams:
            stream.cancel()
        await asyncio.gather(*streams, return_exceptions=True)
