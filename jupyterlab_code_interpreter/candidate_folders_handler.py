# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""``code-interpreter/candidate-folders``: copies of a notebook's folder for the thorough effort.

The sidebar's thorough effort runs each candidate turn in a kernel started for it, working in a
copy of the notebook's folder, so that a file a candidate writes never reaches the person's folder
nor another candidate (docs/effort.md). The copies are made here, on the server, at once: the
contents API would copy file by file through the browser. They live in a hidden folder of the
server's root, ``.code-interpreter-candidates/<id>/candidate-<i>/``, where a kernel session can
work but the file browser does not show them, and are removed by DELETE when the turn ends; copies
a closed browser left behind are removed by the next POST once a day old.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path, PurePosixPath
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.gateway.managers import GatewayMappingKernelManager
from tornado import web

from .config import AUTH_RESOURCE

CANDIDATES_FOLDER = ".code-interpreter-candidates"

# Version control, environments and caches are not a task's data (the command line skips the same).
SKIPPED = re.compile(r"^(\..*|node_modules|__pycache__)$")

# Each candidate gets a whole copy: a folder larger than this is refused rather than copied K times.
MAX_FOLDER_BYTES = 200 * 1024 * 1024

MAX_CANDIDATES = 20

STALE_SECONDS = 24 * 3600

_ID = re.compile(r"^[0-9a-f]{16}$")


class CandidateFolderError(Exception):
    """A folder that cannot be copied, with the HTTP status and the reason the person reads."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def make_candidate_folders(root: Path, folder: str, count: int) -> tuple[str, list[str]]:
    """Copy ``folder`` (an API path under ``root``) ``count`` times into a new set of copies.

    Returns the set's id and the API paths of the copies. Hidden entries, ``node_modules`` and
    ``__pycache__`` are left out; symbolic links are copied as links, not followed.

    Raises CandidateFolderError when the folder is not a folder under the root, is hidden, or is
    larger than MAX_FOLDER_BYTES.
    """
    source = _resolve_folder(root, folder)
    size = _folder_size(source)
    if size > MAX_FOLDER_BYTES:
        raise CandidateFolderError(
            413,
            f"The folder holds {size / 2**20:.0f} MB; the thorough effort copies it once per candidate and"
            f" copies at most {MAX_FOLDER_BYTES / 2**20:.0f} MB. Move the notebook into a smaller folder.",
        )
    base = root / CANDIDATES_FOLDER
    _remove_stale(base)
    set_id = secrets.token_hex(8)
    folders = []
    for index in range(1, count + 1):
        target = base / set_id / f"candidate-{index}"
        shutil.copytree(source, target, symlinks=True, ignore=_skipped_entries)
        folders.append(PurePosixPath(CANDIDATES_FOLDER, set_id, target.name).as_posix())
    return set_id, folders


def remove_candidate_folders(root: Path, set_id: str) -> bool:
    """Remove a set of copies; returns whether it was there."""
    if not _ID.match(set_id):
        raise CandidateFolderError(400, "No such set of candidate folders.")
    target = root / CANDIDATES_FOLDER / set_id
    if not target.is_dir():
        return False
    shutil.rmtree(target, ignore_errors=True)
    return True


def _resolve_folder(root: Path, folder: str) -> Path:
    parts = PurePosixPath(folder.strip("/")).parts
    if any(part in ("..", "") for part in parts) or folder.startswith(("/", "\\")):
        raise CandidateFolderError(400, f"{folder!r} is not a folder path under the server's root.")
    if any(part.startswith(".") for part in parts):
        raise CandidateFolderError(400, f"{folder!r} is hidden; the thorough effort copies visible folders only.")
    resolved_root = root.resolve()
    source = (resolved_root / Path(*parts)).resolve() if parts else resolved_root
    if not source.is_relative_to(resolved_root) or not source.is_dir():
        raise CandidateFolderError(404, f"No folder {folder!r} under the server's root.")
    return source


def _skipped_entries(_folder: str, names: list[str]) -> set[str]:
    return {name for name in names if SKIPPED.match(name)}


def _folder_size(source: Path) -> int:
    total = 0
    for folder, subfolders, files in os.walk(source):
        subfolders[:] = [name for name in subfolders if not SKIPPED.match(name)]
        for name in files:
            if SKIPPED.match(name):
                continue
            path = Path(folder, name)
            if not path.is_symlink():
                total += path.stat().st_size
        if total > MAX_FOLDER_BYTES:
            break
    return total


def _remove_stale(base: Path) -> None:
    if not base.is_dir():
        return
    now = time.time()
    for entry in base.iterdir():
        if _ID.match(entry.name) and now - entry.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(entry, ignore_errors=True)


class _CandidateFoldersBase(APIHandler):
    """Where the copies go: the root the kernels' working folders are resolved under."""

    auth_resource = AUTH_RESOURCE

    def _root(self) -> Path:
        if isinstance(self.kernel_manager, GatewayMappingKernelManager):
            raise web.HTTPError(
                501, "The thorough effort needs kernels on this server; this server's kernels run on a gateway."
            )
        return Path(self.kernel_manager.root_dir)


class CandidateFoldersHandler(_CandidateFoldersBase):
    """POST ``{"folder": "<API path>", "count": K}`` makes K copies of the folder and answers
    ``{"id": "<set id>", "folders": ["<API path of copy 1>", ...]}`` (201)."""

    @web.authenticated
    @authorized("execute")
    async def post(self) -> None:
        """Make the copies."""
        root = self._root()
        body = self._body()
        folder = body.get("folder")
        count = body.get("count")
        if not isinstance(folder, str) or not isinstance(count, int) or isinstance(count, bool):
            raise web.HTTPError(400, 'The body must be {"folder": "<path>", "count": <number of candidates>}.')
        if not 1 <= count <= MAX_CANDIDATES:
            raise web.HTTPError(400, f"count must be between 1 and {MAX_CANDIDATES}.")
        try:
            set_id, folders = await asyncio.to_thread(make_candidate_folders, root, folder, count)
        except CandidateFolderError as error:
            raise web.HTTPError(error.status, error.reason) from error
        self.set_status(201)
        self.finish(json.dumps({"id": set_id, "folders": folders}))

    def _body(self) -> dict[str, Any]:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError as error:
            raise web.HTTPError(400, "The body is not JSON.") from error
        if not isinstance(body, dict):
            raise web.HTTPError(400, "The body must be a JSON object.")
        return body


class CandidateFolderHandler(_CandidateFoldersBase):
    """DELETE removes a set of copies (204; 404 when there is none)."""

    @web.authenticated
    @authorized("execute")
    async def delete(self, set_id: str) -> None:
        """Remove the set."""
        try:
            removed = await asyncio.to_thread(remove_candidate_folders, self._root(), set_id)
        except CandidateFolderError as error:
            raise web.HTTPError(error.status, error.reason) from error
        if not removed:
            raise web.HTTPError(404, "No such set of candidate folders.")
        self.set_status(204)
        self.finish()
