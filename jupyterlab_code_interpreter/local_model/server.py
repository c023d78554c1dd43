# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The model server process: llama.cpp's OpenAI-compatible HTTP server (the ``xllamacpp`` wheel,
which runs it inside this Python process) on loopback, for one owner.

The owner (the Jupyter server extension, or the Node.js command line) starts
``python -m jupyterlab_code_interpreter.local_model serve`` with pipes for stdin and stdout and
reads JSON lines from stdout, one event per line::

    {"event": "progress", "stage": "assembling"|"verifying"|"loading", "done": <int>, "total": <int>}
    {"event": "ready", "base_url": "http://127.0.0.1:<port>/v1", "api_key": "<key>", "model": "<name>",
     "context_size": <int>, "gguf": "<path>", "log": "<log path>", "pid": <int>}
    {"event": "error", "message": "<one line>"}          (then exit status 1)

Nothing else is written to stdout: llama.cpp's own log goes to a file. The process ends when its
stdin reaches end of file (the owner holds the pipe, so this happens however the owner dies), when
its parent dies (``PR_SET_PDEATHSIG`` on Linux), or on SIGTERM/SIGINT.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .catalog import ModelSpec
from .private_files import UnsafeFileError, open_file, open_folder
from .weights import WeightsError, open_verified_weights, user_gguf

#: How many of the newest server logs are kept in the log folder.
_KEPT_LOGS = 10
# Progress events at most this often (seconds) within a stage; the first and last always go out.
_PROGRESS_INTERVAL = 0.25
# How long the HTTP server may take to answer once the model is loaded.
_READY_TIMEOUT = 60.0
# llama.cpp's prompt cache keeps finished prompts' KV state in RAM for reuse; its default is 8 GiB.
# One slot already keeps the previous prompt's KV cache, which covers the agent's growing
# conversation, so a small cache is enough.
_CACHE_RAM_MIB = 256


def default_threads() -> int:
    """One thread per core this process may run on, at most 4 (more rarely helps a small model on CPU)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


@dataclass(frozen=True)
class ServeOptions:
    """What to serve and how.

    Attributes:
        spec: the catalog model, used when ``gguf`` is None.
        gguf: a GGUF file of the user's, served as it is.
        context_size: the context window in tokens.
        threads: CPU threads for generation and prompt processing.
    """

    spec: ModelSpec
    gguf: str | None
    context_size: int
    threads: int

    @property
    def served_name(self) -> str:
        """The model name requests use: the catalog's, or the user's file name without ``.gguf``."""
        if self.gguf:
            name = Path(self.gguf).name
            return name[: -len(".gguf")] if name.lower().endswith(".gguf") else name
        return self.spec.served_name


class EventChannel:
    """JSON lines to the owner, on a private copy of the original stdout.

    llama.cpp prints some messages to stdout itself; fd 1 is pointed at the log file later, so
    only this channel reaches the owner's pipe.
    """

    def __init__(self) -> None:
        self._stream: IO[str] = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
        self._lock = threading.Lock()
        self._last_progress: tuple[str, float] = ("", 0.0)

    def send(self, event: dict[str, Any]) -> None:
        """Write one event as one line; a vanished owner ends the process."""
        line = json.dumps(event) + "\n"
        with self._lock:
            try:
                self._stream.write(line)
                self._stream.flush()
            except (BrokenPipeError, OSError):
                os._exit(0)

    def progress(self, stage: str, done: int, total: int) -> None:
        """Send a progress event, throttled within a stage."""
        now = time.monotonic()
        last_stage, last_time = self._last_progress
        if stage == last_stage and 0 < done < total and now - last_time < _PROGRESS_INTERVAL:
            return
        self._last_progress = (stage, now)
        self.send({"event": "progress", "stage": stage, "done": done, "total": total})

    def error(self, message: str) -> None:
        """Send the error event; the message is made one line."""
        self.send({"event": "error", "message": " ".join(message.split())})


def _die_with_parent() -> None:
    """Ask Linux to send SIGTERM when the parent dies, even by SIGKILL (stdin EOF covers the rest)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    parent = os.getppid()
    pr_set_pdeathsig = 1
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:
        # The parent died before the request took effect.
        os._exit(0)


def _log_name() -> str:
    return f"local-model-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"


def _open_log() -> tuple[int, Path]:
    """A new log file for this process (descriptor and path), older ones beyond the newest few removed.

    The log folder and file are opened as ``private_files`` says: the file is created here
    (``O_EXCL``, 0600, no link followed), since its name (time and pid) is easy to guess.

    Raises:
        UnsafeFileError: the folder or the name is a link, another user's, or writable by others.
    """
    folder_fd, folder = open_folder("logs")
    try:
        logs = []
        for name in os.listdir(folder_fd):
            if name.startswith("local-model-") and name.endswith(".log"):
                with contextlib.suppress(FileNotFoundError):
                    logs.append((os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mtime, name))
        for _, old in sorted(logs)[: max(0, len(logs) - _KEPT_LOGS + 1)]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(old, dir_fd=folder_fd)
        name = _log_name()
        try:
            fd = open_file(folder_fd, folder, name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND)
        except FileExistsError:
            raise UnsafeFileError(
                f"Refusing to write the log {folder / name}: something is already there; remove it."
            ) from None
        return fd, folder / name
    finally:
        os.close(folder_fd)


def _redirect_output_to(fd: int) -> None:
    """Point fds 1 and 2 at the open log, so the native server's output never reaches the owner's pipe."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def _wait_until_answering(base_url: str, api_key: str, deadline: float) -> None:
    """Poll ``GET /v1/models`` with the key until it answers 200.

    Raises:
        RuntimeError: when it has not answered by the deadline.
    """
    request = urllib.request.Request(f"{base_url}/models", headers={"Authorization": f"Bearer {api_key}"})
    last_error = "no answer"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            # 503 while the model is still loading.
            last_error = f"HTTP {error.code}"
        except OSError as error:
            last_error = str(error)
        time.sleep(0.1)
    raise RuntimeError(f"the model server at {base_url} did not answer GET /models ({last_error})")


def _server_params(xllamacpp: Any, model_path: str, options: ServeOptions, api_key: str) -> Any:
    """The llama.cpp server settings; every default that matters is set on purpose.

    ``model_path`` is, for a catalog model, the verified descriptor's ``/proc/self/fd/N``
    (llama.cpp takes only a path, and this one cannot lead to another file than the one hashed).
    """
    params = xllamacpp.CommonParams()
    params.model.path = model_path
    params.model_alias = {options.served_name}
    # Loopback only, and a port the OS picks (the default would be a fixed, possibly busy port).
    params.hostnames = ["127.0.0.1"]
    params.port = 0
    # Other users of this machine can reach loopback ports: the key keeps them out.
    params.api_keys = [api_key]
    # 0 would mean the model's full 32k context: several GB of KV cache on CPU.
    params.n_ctx = options.context_size
    # One conversation at a time; with more slots the context would be split between them.
    params.n_parallel = 1
    params.cpuparams.n_threads = options.threads
    params.cpuparams_batch.n_threads = options.threads
    params.cache_ram_mib = _CACHE_RAM_MIB
    # The GGUF's own chat template (Qwen's), not llama.cpp's built-in guess.
    params.use_jinja = True
    # /props tells clients the context size.
    params.endpoint_props = True
    params.ui = False
    return params


def serve(options: ServeOptions) -> int:
    """Run the model server until the owner goes away; see the module docstring for the protocol.

    Returns:
        The exit status: 0 after a clean stop, 1 after an error event.
    """
    events = EventChannel()
    # SystemExit unwinds whatever the main thread is doing (a partial file is removed, the
    # assembly lock released); stdin's end and the parent's death arrive as SIGTERM too.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _exit_on_signal)
    _die_with_parent()
    # The owner holds our stdin: end of file means it is gone, whatever way it went.
    threading.Thread(target=_terminate_at_stdin_eof, name="stdin-eof", daemon=True).start()
    try:
        import xllamacpp
    except ImportError:
        events.error(
            "The local model needs the xllamacpp package, which is not installed: "
            f'pip install "jupyterlab-code-interpreter[{options.spec.extra}]" (python: {sys.executable}).'
        )
        return 1
    # A catalog model stays open from its hash to its load: llama.cpp opens it through the
    # descriptor's path, so a file put in its place meanwhile is never loaded. This process ends
    # with os._exit, so the descriptor is never closed; llama.cpp maps the file anyway.
    try:
        if options.gguf:
            gguf = user_gguf(options.gguf)
            model_path, size = str(gguf), gguf.stat().st_size
        else:
            weights = open_verified_weights(options.spec, events.progress)
            gguf, model_path, size = weights.path, weights.load_path, weights.size
        log_fd, log = _open_log()
    except (WeightsError, UnsafeFileError) as error:
        events.error(str(error))
        return 1
    _redirect_output_to(log_fd)
    api_key = secrets.token_urlsafe(32)
    events.progress("loading", 0, size)
    try:
        server = xllamacpp.Server(_server_params(xllamacpp, model_path, options, api_key))
        base_url = server.listening_address.rstrip("/") + "/v1"
        _wait_until_answering(base_url, api_key, time.monotonic() + _READY_TIMEOUT)
    except Exception as error:  # the native server reports failures as plain exceptions
        events.error(f"The local model server did not start ({gguf}): {error}; see {log}")
        return 1
    events.progress("loading", size, size)
    events.send(
        {
            "event": "ready",
            "base_url": base_url,
            "api_key": api_key,
            "model": options.served_name,
            "context_size": options.context_size,
            "gguf": str(gguf),
            "log": str(log),
            "pid": os.getpid(),
        }
    )
    try:
        threading.Event().wait()
    finally:
        # The native server has no stop call and its threads may be mid-request: leave at once
        # rather than run the interpreter's shutdown around them.
        os._exit(0)


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _terminate_at_stdin_eof() -> None:
    # The raw descriptor, not sys.stdin: a thread blocked in a buffered read holds the buffer's
    # lock, which makes interpreter shutdown abort.
    try:
        while os.read(0, 65536):
            pass
    except (OSError, ValueError):
        pass
    # Signal handlers run in the main thread, which may be copying weights or waiting.
    os.kill(os.getpid(), signal.SIGTERM)
