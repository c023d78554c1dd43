# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""Fixtures: a real jupyter_server with the extension loaded (pytest-jupyter), and the
project's scripted OpenAI-compatible model server (test/support) as a separate process."""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
from IPython.core.interactiveshell import InteractiveShell
from jupyter_server.utils import url_path_join
from traitlets.config import Config

from jupyterlab_code_interpreter.config import SETTINGS_KEY, CodeInterpreter
from jupyterlab_code_interpreter.local_model.manager import LocalModelManager
from jupyterlab_code_interpreter.proxy import LOCAL_MODEL_SETTINGS_KEY

pytest_plugins = ["pytest_jupyter.jupyter_server"]

REPO = Path(__file__).resolve().parent.parent
LAUNCHER = REPO / "test" / "support" / "scripted-model-server.mjs"

# The settings the extension reads from the environment; tests start without them.
_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CODE_INTERPRETER_MODEL")


def unassigned_loopback_port(taken: set[int] | frozenset[int] = frozenset()) -> int:
    """A loopback port free now, for a server started next, and not one of ``taken``.

    Picked below the system's ephemeral range, as ``src/node/loopbackPort.ts`` does and for its
    reason: every server started with port 0 (the scripted model, a kernel) is handed a port of
    that range, so a port chosen there could be taken before its own server binds it.
    """
    ephemeral_low = 49152
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
        if low > 2048:
            ephemeral_low = low
    except (OSError, ValueError, IndexError):
        pass  # not Linux: IANA's dynamic range is what other systems use
    low, high = max(1024, ephemeral_low - 12288), ephemeral_low - 1
    for _ in range(100):
        port = random.randint(low, high)
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free loopback port between {low} and {high}")


@pytest.fixture(autouse=True)
def _no_model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def jp_server_config(request: pytest.FixtureRequest) -> Config:
    """The extension enabled; a test adds more with indirect parametrisation."""
    config = Config({"ServerApp": {"jpserver_extensions": {"jupyterlab_code_interpreter": True}}})
    extra = getattr(request, "param", None)
    if extra:
        config.merge(Config(extra))
    return config


@pytest.fixture
def code_interpreter(jp_serverapp: Any) -> CodeInterpreter:
    """The running extension's settings object."""
    return jp_serverapp.web_app.settings[SETTINGS_KEY]


@pytest.fixture
def local_model_manager(jp_serverapp: Any) -> LocalModelManager:
    """The running extension's local model manager."""
    return jp_serverapp.web_app.settings[LOCAL_MODEL_SETTINGS_KEY]


@dataclass
class ScriptedModel:
    """One scripted model server process."""

    base_url: str
    log_path: Path
    process: subprocess.Popen[str]
    stderr: list[str] = field(default_factory=list)

    def requests(self) -> list[dict[str, Any]]:
        """The chat completion requests it received, in order."""
        if not self.log_path.exists():
            return []
        return [json.loads(line) for line in self.log_path.read_text().splitlines() if line.strip()]

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL); safe to call twice."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_scripted_model(directory: Path, name: str, script: Any, api_key: str | None = None) -> ScriptedModel:
    """Start the scripted model server (test/support/scripted-model-server.mjs) with a script, its
    script and request log kept in ``directory`` under ``name``. The caller stops it."""
    node = shutil.which("node")
    if node is None or not LAUNCHER.exists():
        pytest.fail(f"the scripted model server needs node and {LAUNCHER}")
    script_path = directory / f"script-{name}.json"
    script_path.write_text(json.dumps(script))
    log_path = directory / f"requests-{name}.jsonl"
    args = [node, str(LAUNCHER), "--script", str(script_path), "--log", str(log_path)]
    if api_key is not None:
        args += ["--api-key", api_key]
    env = {name: value for name, value in os.environ.items() if name not in _ENV}
    process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    stderr: list[str] = []
    # Drain stderr so the child never blocks on a full pipe; kept for failure messages.
    threading.Thread(target=lambda: stderr.extend(process.stderr), daemon=True).start()  # type: ignore[arg-type]
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("READY "):
        process.kill()
        process.wait()
        pytest.fail(f"scripted model server did not start: {line!r} {''.join(stderr)}")
    return ScriptedModel(line.split(" ", 1)[1].strip(), log_path, process, stderr)


@pytest.fixture
def scripted_model(tmp_path: Path) -> Iterator[Callable[..., ScriptedModel]]:
    """Start the scripted model server (test/support/scripted-model-server.mjs) with a script."""
    started: list[ScriptedModel] = []

    def start(script: Any, api_key: str | None = None) -> ScriptedModel:
        model = start_scripted_model(tmp_path, str(len(started)), script, api_key)
        started.append(model)
        return model

    yield start
    for model in started:
        model.stop()


@pytest.fixture
def open_raw_chat_request(
    jp_serverapp: Any, http_server_client: Any, jp_http_port: int, jp_base_url: str
) -> Callable[[bytes], Any]:
    """Send a chat completion request to the proxy over a raw socket, so a test can hang up when it likes.

    Returns:
        An async function taking the JSON body and returning the socket's (reader, writer) once the
        request is sent. http_server_client is requested for its side effect: the server accepting
        on jp_http_port.
    """

    async def open_request(body: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        path = url_path_join(jp_base_url, "code-interpreter", "v1", "chat", "completions")
        token = jp_serverapp.identity_provider.token
        reader, writer = await asyncio.open_connection("127.0.0.1", jp_http_port)
        writer.write(
            (
                f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{jp_http_port}\r\n"
                f"Authorization: token {token}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            + body
        )
        await writer.drain()
        return reader, writer

    return open_request


@pytest.fixture
def shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[InteractiveShell]:
    """A real IPython shell, fresh, working in the test's own folder (for the kernel-side modules)."""
    monkeypatch.chdir(tmp_path)
    shell = InteractiveShell.instance()
    shell.reset(new_session=True)
    yield shell
    shell.reset(new_session=True)
