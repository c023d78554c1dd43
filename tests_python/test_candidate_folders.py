# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The thorough effort's copies of a notebook's folder, made and removed through the real server:
what is copied and what is left out, where the copies go, and the requests refused."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from server_responses import fetch_answering_errors

from jupyterlab_code_interpreter import candidate_folders_handler
from jupyterlab_code_interpreter.candidate_folders_handler import CANDIDATES_FOLDER

FOLDERS = ("code-interpreter", "candidate-folders")


async def _make(jp_fetch: Any, folder: str, count: int) -> Any:
    return await fetch_answering_errors(
        jp_fetch, *FOLDERS, method="POST", body=json.dumps({"folder": folder, "count": count})
    )


@pytest.fixture
def project(jp_root_dir: Path) -> Path:
    """A notebook's folder with data, a subfolder, and entries the copies leave out."""
    folder = jp_root_dir / "project"
    (folder / "data").mkdir(parents=True)
    (folder / "sales.csv").write_text("v\n1\n2\n")
    (folder / "data" / "more.csv").write_text("w\n3\n")
    (folder / "analysis.ipynb").write_text("{}")
    for skipped in (".git", "node_modules", "__pycache__"):
        (folder / skipped).mkdir()
        (folder / skipped / "x").write_text("not data")
    (folder / ".env").write_text("SECRET=1")
    (folder / "outside-link").symlink_to(jp_root_dir)
    return folder


async def test_each_candidate_gets_a_copy_of_the_folder_without_hidden_entries_or_caches(
    jp_fetch: Any, jp_root_dir: Path, project: Path
) -> None:
    response = await _make(jp_fetch, "project", 2)
    assert response.code == 201
    answer = json.loads(response.body)
    assert len(answer["folders"]) == 2
    for index, folder in enumerate(answer["folders"], start=1):
        assert folder == f"{CANDIDATES_FOLDER}/{answer['id']}/candidate-{index}"
        copy = jp_root_dir / folder
        names = sorted(str(path.relative_to(copy)) for path in copy.rglob("*"))
        assert names == ["analysis.ipynb", "data", "data/more.csv", "outside-link", "sales.csv"]
        assert (copy / "sales.csv").read_text() == "v\n1\n2\n"
        # A link is copied as the link it is, not followed into what it points at.
        assert (copy / "outside-link").is_symlink()
    # A copy is not the person's folder: a file written there stays there.
    (jp_root_dir / answer["folders"][0] / "written.txt").write_text("x")
    assert not (project / "written.txt").exists()
    assert not (jp_root_dir / answer["folders"][1] / "written.txt").exists()


async def test_a_kernel_session_in_a_copy_works_in_that_copy(
    jp_fetch: Any, jp_serverapp: Any, jp_root_dir: Path, project: Path
) -> None:
    answer = json.loads((await _make(jp_fetch, "project", 1)).body)
    path = f"{answer['folders'][0]}/analysis.ipynb"
    session = json.loads(
        (
            await jp_fetch(
                "api",
                "sessions",
                method="POST",
                body=json.dumps(
                    {"path": path, "type": "notebook", "name": "analysis.ipynb", "kernel": {"name": "python3"}}
                ),
            )
        ).body
    )
    try:
        client = jp_serverapp.kernel_manager.get_kernel(session["kernel"]["id"]).client()
        client.start_channels()
        printed: list[str] = []
        try:
            await client.wait_for_ready(timeout=60)
            await client.execute_interactive(
                "import os; print(os.getcwd())",
                output_hook=lambda message: printed.append(message["content"].get("text", "")),
                timeout=60,
            )
        finally:
            client.stop_channels()
        assert Path("".join(printed).strip()) == (jp_root_dir / answer["folders"][0]).resolve()
    finally:
        await jp_fetch("api", "sessions", session["id"], method="DELETE")


async def test_delete_removes_the_set_once(jp_fetch: Any, jp_root_dir: Path, project: Path) -> None:
    answer = json.loads((await _make(jp_fetch, "project", 2)).body)
    response = await fetch_answering_errors(jp_fetch, *FOLDERS, answer["id"], method="DELETE")
    assert response.code == 204
    assert not (jp_root_dir / CANDIDATES_FOLDER / answer["id"]).exists()
    assert project.joinpath("sales.csv").exists()
    again = await fetch_answering_errors(jp_fetch, *FOLDERS, answer["id"], method="DELETE")
    assert again.code == 404


@pytest.mark.parametrize(
    ("folder", "status"),
    [
        ("../outside", 400),
        ("/etc", 400),
        ("project/../..", 400),
        (".git", 400),
        ("missing", 404),
        ("project/sales.csv", 404),
    ],
)
async def test_a_folder_outside_the_root_hidden_or_missing_is_refused(
    jp_fetch: Any, project: Path, folder: str, status: int
) -> None:
    response = await _make(jp_fetch, folder, 1)
    assert response.code == status


@pytest.mark.parametrize(
    "body",
    [
        '{"folder": "project"}',
        '{"folder": "project", "count": 0}',
        '{"folder": "project", "count": 21}',
        '{"folder": 3, "count": 1}',
        "[]",
        "not json",
    ],
)
async def test_a_malformed_request_is_refused(jp_fetch: Any, project: Path, body: str) -> None:
    response = await fetch_answering_errors(jp_fetch, *FOLDERS, method="POST", body=body)
    assert response.code == 400


async def test_a_folder_too_large_to_copy_is_refused_with_its_size(
    jp_fetch: Any, jp_root_dir: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(candidate_folders_handler, "MAX_FOLDER_BYTES", 5)
    response = await _make(jp_fetch, "project", 3)
    assert response.code == 413
    assert not (jp_root_dir / CANDIDATES_FOLDER).exists()


async def test_copies_left_a_day_ago_are_removed_by_the_next_request(
    jp_fetch: Any, jp_root_dir: Path, project: Path
) -> None:
    stale = jp_root_dir / CANDIDATES_FOLDER / ("0" * 16)
    (stale / "candidate-1").mkdir(parents=True)
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    recent = json.loads((await _make(jp_fetch, "project", 1)).body)
    assert not stale.exists()
    assert (jp_root_dir / CANDIDATES_FOLDER / recent["id"]).is_dir()
