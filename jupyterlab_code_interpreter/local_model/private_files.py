# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The extension's own folders and files in the user's cache, opened so that no other user can put
something of theirs in their place.

Everything lives under ``$XDG_CACHE_HOME/jupyterlab-code-interpreter/`` (else ``~/.cache/...``). The
folders there are opened without following a symbolic link (``O_NOFOLLOW``) and must belong to the
current user and be writable by no one else; files are then opened relative to the folder's
descriptor (``dir_fd``), again without following links, and checked the same way through their own
descriptor. A path that is swapped after a check is therefore never used: the check and the use
are on the same open file.

What this cannot stop: a process of the same user. It can write these files as the user does, and
it could as well edit the installed package; nothing a package does protects it from its own user.

POSIX only (Linux, macOS): it needs ``O_NOFOLLOW`` and ``dir_fd``.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

#: The extension's folder in the user's cache folder.
APP_FOLDER = "jupyterlab-code-interpreter"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
# A folder that is a symbolic link fails with ELOOP (Linux, macOS) or ENOTDIR (with O_DIRECTORY on
# some systems); a file that is one fails with ELOOP (EMLINK on FreeBSD).
_LINK_ERRORS = (errno.ELOOP, errno.ENOTDIR, errno.EMLINK)


class UnsafeFileError(RuntimeError):
    """A cache folder or file is not safe to use; the message is one line: what, why, how to fix it."""


def user_cache_root() -> Path:
    """``$XDG_CACHE_HOME`` (else ``~/.cache``) + ``jupyterlab-code-interpreter``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP_FOLDER


def _supported() -> None:
    if not _NOFOLLOW or os.open not in os.supports_dir_fd:
        raise UnsafeFileError(
            "The local model needs a POSIX system (Linux, macOS) to open its cache files safely "
            "(O_NOFOLLOW and dir_fd are missing here)."
        )


def _mode(info: os.stat_result) -> str:
    return oct(stat.S_IMODE(info.st_mode))


def _check_private(fd: int, path: Path, kind: str) -> os.stat_result:
    """Refuse an open folder or file that is not the current user's alone to write.

    Args:
        fd: the open descriptor (so the object checked is the one used, whatever its path is now).
        path: its path, for the message.
        kind: ``"folder"`` or ``"file"``, what it must be.

    Raises:
        UnsafeFileError: it is of the wrong kind, belongs to another user, or group or others may
            write it.
    """
    info = os.fstat(fd)
    wanted = stat.S_ISDIR if kind == "folder" else stat.S_ISREG
    if not wanted(info.st_mode):
        raise UnsafeFileError(f"Refusing to use {path}: it is not a regular {kind}; remove it.")
    uid = os.getuid()
    if info.st_uid != uid:
        raise UnsafeFileError(
            f"Refusing to use {path}: it belongs to uid {info.st_uid}, not to you (uid {uid}), so its owner "
            f"could change what the local model loads; remove it, or set XDG_CACHE_HOME to a folder of yours."
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UnsafeFileError(
            f"Refusing to use {path}: group or others can write it (mode {_mode(info)}); chmod go-w {path}"
        )
    return info


def _check_base(root: Path) -> None:
    """Check the folders that lead to ours, as they resolve (the user's cache folder may be a link).

    They are not ours to make private (``~/.cache`` may be group-writable under a user-private
    group), but someone else who owns one, or may rename entries in it, could swap our folder for
    theirs. So each must belong to the user or to root, and a folder others can write must be
    sticky (as ``/tmp`` is: then only an entry's owner can rename or remove it).
    """
    uid = os.getuid()
    resolved = Path(os.path.realpath(root))
    for folder in (resolved, *resolved.parents):
        info = os.stat(folder)
        if info.st_uid not in (uid, 0):
            raise UnsafeFileError(
                f"Refusing to use the cache folder {root}: {folder} on its way belongs to uid {info.st_uid}, "
                f"not to you (uid {uid}) or root; set XDG_CACHE_HOME to a folder of yours."
            )
        if info.st_mode & stat.S_IWOTH and not info.st_mode & stat.S_ISVTX:
            raise UnsafeFileError(
                f"Refusing to use the cache folder {root}: anyone can rename entries of {folder} on its way "
                f"(mode {_mode(info)}, not sticky); set XDG_CACHE_HOME to a folder of yours."
            )


def _open_child_folder(parent_fd: int, parent: Path, name: str) -> int:
    """Open (creating it private if missing) the folder ``name`` of an open, checked folder."""
    path = parent / name
    try:
        os.mkdir(name, 0o700, dir_fd=parent_fd)
    except FileExistsError:
        pass
    try:
        fd = os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=parent_fd)
    except OSError as error:
        if error.errno in _LINK_ERRORS:
            raise UnsafeFileError(
                f"Refusing to use {path}: it is a symbolic link or not a folder, and another user could "
                f"point it elsewhere; replace it with a folder of yours (rm {path})."
            ) from None
        raise
    try:
        _check_private(fd, path, "folder")
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_folder(*names: str) -> tuple[int, Path]:
    """Open the folder ``names`` under :func:`user_cache_root`, creating what is missing (mode 0700).

    The cache root is created if need be and checked, then each name is opened relative to the
    folder above it, with ``O_NOFOLLOW``, and checked (the user's, not group/world-writable).

    Args:
        names: the path below the root, for example ``("models",)``; none for the root itself.

    Returns:
        ``(descriptor, path)``; the caller closes the descriptor.

    Raises:
        UnsafeFileError: a folder on the way is a link, another user's, or writable by others.
    """
    _supported()
    root = user_cache_root()
    base = root.parent
    # The user's cache folder itself (~/.cache): made if missing, private as XDG asks.
    base.mkdir(mode=0o700, parents=True, exist_ok=True)
    _check_base(base)
    fd = os.open(base, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    path = base
    try:
        for name in (APP_FOLDER, *names):
            child = _open_child_folder(fd, path, name)
            os.close(fd)
            fd, path = child, path / name
    except BaseException:
        os.close(fd)
        raise
    return fd, path


def open_file(folder_fd: int, folder: Path, name: str, flags: int, mode: int = 0o600) -> int:
    """Open ``name`` in an open, checked folder, without following a link, and check the file.

    Args:
        folder_fd, folder: the folder's descriptor (from :func:`open_folder`) and path.
        name: the file's name in it.
        flags: ``os.O_*`` flags (``O_NOFOLLOW`` and ``O_CLOEXEC`` are added).
        mode: the permissions of a file this creates.

    Returns:
        The descriptor; the caller closes it.

    Raises:
        FileNotFoundError: the file is missing (and ``O_CREAT`` was not given).
        FileExistsError: ``O_CREAT | O_EXCL`` was given and a file (not a link) has the name.
        UnsafeFileError: it is a link, not a regular file, another user's or writable by others.
    """
    path = folder / name
    try:
        fd = os.open(name, flags | _NOFOLLOW | _CLOEXEC, mode, dir_fd=folder_fd)
    except OSError as error:
        # With O_EXCL a link at the name fails as "exists" before O_NOFOLLOW is looked at.
        linked = error.errno in _LINK_ERRORS or (
            isinstance(error, FileExistsError)
            and stat.S_ISLNK(os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mode)
        )
        if linked:
            raise UnsafeFileError(
                f"Refusing to open {path}: it is a symbolic link, and another user could point it elsewhere; "
                f"remove it (rm {path})."
            ) from None
        raise
    try:
        _check_private(fd, path, "file")
    except BaseException:
        os.close(fd)
        raise
    return fd
