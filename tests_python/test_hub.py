# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""A real JupyterHub on loopback (configurable-http-proxy, DummyAuthenticator, SimpleLocalProcessSpawner)
with two users, the extension in their single-user servers and the provider's key in the Hub's model
service (hub_service.py) only. The model is the project's scripted server, which refuses requests
without the key, so an answer proves the service added it.

Every user is the same OS user here (SimpleLocalProcessSpawner), so these tests show isolation over
HTTP and the key's absence from what the users' servers hold, not OS isolation."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from conftest import REPO, start_scripted_model
from hub_deployment import MODEL, SCRIPT, SERVICE, USERS, Hub, running_hub

pytestmark = pytest.mark.hub

KEY = "sk-hub-admins-key-" + secrets.token_hex(8)


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """A Hub with alice's and bob's servers running, and a token for each user."""
    directory = tmp_path_factory.mktemp("hub")
    model = start_scripted_model(directory, "hub", SCRIPT, api_key=KEY)
    try:
        with running_hub(directory, model, KEY) as running:
            yield running
    except RuntimeError as error:
        pytest.fail(str(error))
    finally:
        model.stop()


def _chat(hub: Hub, user: str, owner: str | None = None, stream: bool = True) -> httpx.Response:
    body = {"messages": [{"role": "user", "content": f"hello from {user}"}], "stream": stream}
    path = f"user/{owner or user}/code-interpreter/v1/chat/completions"
    return hub.request("POST", path, hub.tokens[user], json=body)


def _streamed_text(body: str) -> str:
    events = [block[len("data: ") :] for block in body.split("\n\n") if block.startswith("data: ")]
    return "".join(
        choice["delta"].get("content") or ""
        for event in events
        if event != "[DONE]"
        for choice in json.loads(event)["choices"]
    )


def test_each_user_chats_through_their_server_and_the_hubs_model_service(hub: Hub) -> None:
    before = len(hub.model.requests())
    for user in USERS:
        response = _chat(hub, user)
        assert response.status_code == 200, response.text
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.text.rstrip().endswith("data: [DONE]")
        assert "ran for" in _streamed_text(response.text)
    received = hub.model.requests()[before:]
    # The scripted server refuses requests without the admin's key: these arrived with it, and with
    # the admin's model, whatever the client named.
    assert [r.get("rejected") for r in received] == [None, None]
    assert [r["headers"]["authorization"] for r in received] == [f"Bearer {KEY}"] * 2
    assert [r["body"]["model"] for r in received] == [MODEL] * 2
    # The config view says the settings are the admin's, and holds no key.
    view = hub.request("GET", "user/alice/code-interpreter/config", hub.tokens["alice"]).json()
    assert (view["locked"], view["model"], view["has_api_key"]) == (True, MODEL, True)
    assert view["base_url"] == f"{hub.service_url}/services/{SERVICE}/v1"


def test_the_service_needs_a_hub_token_with_access(hub: Hub) -> None:
    url = f"{hub.service_url}/services/{SERVICE}/v1/chat/completions"
    body = {"messages": [{"role": "user", "content": "hello"}]}
    assert httpx.post(url, json=body, timeout=30).status_code == 401
    assert httpx.post(url, json=body, headers={"Authorization": "Bearer nope"}, timeout=30).status_code == 401
    # A token without access:services!service=... (only the right to read its owner's name).
    limited = hub.api("POST", "users/alice/tokens", json={"scopes": ["read:users:name!user=alice"]}).json()["token"]
    refused = httpx.post(url, json=body, headers={"Authorization": f"Bearer {limited}"}, timeout=30)
    assert refused.status_code == 403
    assert KEY not in refused.text


def test_per_user_concurrency_limit(hub: Hub) -> None:
    # --concurrent 2: a third request of one user at once is refused with 429, another user's is not.
    url = f"{hub.service_url}/services/{SERVICE}/v1/chat/completions"
    slow = {"messages": [{"role": "user", "content": "hello"}], "stream": True}

    def send(user: str) -> int:
        headers = {"Authorization": f"Bearer {hub.tokens[user]}"}
        return httpx.post(url, json=slow, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(send, ["alice"] * 6))
    assert 200 in codes
    # Six at once from one user with a limit of two: the scripted answer is quick, so how many
    # overlap varies, but every refusal is a 429 and never another error.
    assert set(codes) <= {200, 429}
    assert send("bob") == 200


def test_no_user_reaches_the_other_users_endpoints(hub: Hub) -> None:
    endpoints = [
        ("GET", "code-interpreter/config", None),
        ("POST", "code-interpreter/config", {"model": "m"}),
        ("POST", "code-interpreter/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}]}),
        ("GET", "code-interpreter/v1/models", None),
        ("GET", "code-interpreter/local-model", None),
        ("GET", "code-interpreter/props", None),
    ]
    before = len(hub.model.requests())
    for user, other in (("alice", "bob"), ("bob", "alice")):
        for method, path, body in endpoints:
            response = hub.request(method, f"user/{other}/{path}", hub.tokens[user], json=body)
            assert response.status_code in (302, 403), (user, other, path, response.status_code)
            assert "provider" not in response.text and "choices" not in response.text
    assert len(hub.model.requests()) == before


def test_the_admin_lock_refuses_a_users_change(hub: Hub) -> None:
    for update in ({"base_url": "http://127.0.0.1:9/v1"}, {"api_key": "mine"}, {"model": "mine"}):
        response = hub.request("POST", "user/alice/code-interpreter/config", hub.tokens["alice"], json=update)
        assert response.status_code == 403
    view = hub.request("GET", "user/alice/code-interpreter/config", hub.tokens["alice"]).json()
    assert (view["base_url"], view["model"]) == (f"{hub.service_url}/services/{SERVICE}/v1", MODEL)


def _turn(hub: Hub, user: str, notebook: str) -> tuple[int, float, str]:
    """One agent turn from the command line against the user's server (its kernel, its proxy)."""
    cli = REPO / "bin" / "code-interpreter.js"
    if not (REPO / "dist" / "cli.js").exists():
        pytest.fail("the command line is not built: npm run build")
    env = {name: value for name, value in os.environ.items() if not name.startswith(("OPENAI_", "CODE_INTERPRETER_"))}
    started = time.monotonic()
    done = subprocess.run(
        [
            "node",
            str(cli),
            "run",
            "--server-url",
            f"{hub.url}user/{user}/",
            "--token",
            hub.tokens[user],
            "--protocol",
            "text",
            "--notebook",
            notebook,
            "--timeout",
            "60",
            "Say who runs this.",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    hub.responses.append(done.stdout.encode() + done.stderr.encode())
    return done.returncode, time.monotonic() - started, done.stdout + done.stderr


def test_two_users_turns_at_the_same_time(hub: Hub) -> None:
    alone = _turn(hub, "alice", "alone.ipynb")
    assert alone[0] == 0, alone[2]
    with ThreadPoolExecutor(2) as pool:
        started = time.monotonic()
        turns = dict(zip(USERS, pool.map(lambda user: _turn(hub, user, "together.ipynb"), USERS)))
        wall = time.monotonic() - started
    for user, (code, _, output) in turns.items():
        assert code == 0, output
        # Each user's notebook is in that user's own home, written by that user's server.
        notebook = json.loads((hub.home / user / "together.ipynb").read_text())
        outputs = [o.get("text", "") for cell in notebook["cells"] for o in cell.get("outputs", [])]
        assert any(f"ran for {user}" in "".join(text) for text in outputs)
    # Each kernel's result went back to the model through that user's own server.
    results = [json.dumps(r["body"]["messages"][-1]) for r in hub.model.requests()]
    assert all(any(f"ran for {user}" in result for result in results) for user in USERS)
    print(
        f"\nHub turns: alice alone {alone[1]:.2f} s; at the same time alice {turns['alice'][1]:.2f} s, "
        f"bob {turns['bob'][1]:.2f} s, both done in {wall:.2f} s"
    )


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def test_the_key_is_in_no_response_no_user_process_and_no_file_a_server_reads(hub: Hub) -> None:
    # Runs last in the module: every response the tests received is checked.
    assert hub.responses
    assert not [body for body in hub.responses if KEY.encode() in body]
    for user in USERS:
        pid = hub.server_pid(user)
        processes = _descendants(pid)  # the server and its kernels
        assert len(processes) >= 2, "the turns left the user's kernel running"
        for process in processes:
            environ = Path(f"/proc/{process}/environ").read_bytes()
            assert KEY.encode() not in environ, (user, process)
            assert b"OPENAI_API_KEY" not in environ
        # What the server reads: its config and data paths as its own environment gives them,
        # its home (its root folder and working directory).
        server_env = dict(
            item.split("=", 1) for item in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in item
        )
        paths = json.loads(
            subprocess.run(
                [sys.executable, "-m", "jupyter", "--paths", "--json"],
                capture_output=True,
                text=True,
                env=server_env,
                check=True,
            ).stdout
        )
        roots = {Path(os.readlink(f"/proc/{pid}/cwd")), *map(Path, paths["config"] + paths["runtime"])}
        checked = 0
        for root in roots:
            for path in root.rglob("*") if root.is_dir() else []:
                if path.is_file() and path.stat().st_size < 10_000_000:
                    checked += 1
                    assert KEY.encode() not in path.read_bytes(), path
        assert checked > 0
