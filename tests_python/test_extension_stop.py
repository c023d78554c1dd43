# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""What the extension starts stops with the Jupyter server: jupyter_server's shutdown calls the
extension's stop hook, which ends the local model process and closes the upstream client."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

import pytest

from jupyterlab_code_interpreter.extension import CodeInterpreterExtension
from jupyterlab_code_interpreter.model_relay import CLIENT_SETTINGS_KEY


def test_the_extension_is_an_extension_app_the_server_knows(jp_serverapp: Any) -> None:
    apps = jp_serverapp.extension_manager.extension_apps["jupyterlab_code_interpreter"]
    assert [type(app) for app in apps] == [CodeInterpreterExtension]


async def test_the_server_shutdown_stops_the_local_model_process_and_closes_the_client(
    jp_serverapp: Any, local_model_manager: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in for the model server that runs until it is stopped and announces that it is up:
    # the real one needs the `local` extra and a model file.
    ready = '{"event": "ready", "base_url": "http://127.0.0.1:1/v1", "api_key": "k", "model": "m"}'
    stand_in = [sys.executable, "-c", f"import sys; print({ready!r}, flush=True); sys.stdin.read()"]
    monkeypatch.setattr(local_model_manager, "_command", lambda: stand_in)
    monkeypatch.setattr(local_model_manager, "_missing_extra", lambda: "")
    local_model_manager.start()
    await asyncio.wait_for(local_model_manager.endpoint(), 30)
    process = local_model_manager._process
    assert process is not None and process.returncode is None
    client = jp_serverapp.web_app.settings[CLIENT_SETTINGS_KEY]
    assert not client.is_closed

    # What ServerApp's shutdown runs for its extensions.
    await jp_serverapp.cleanup_extensions()

    assert process.returncode is not None
    assert local_model_manager.status()["state"] == "idle"
    assert client.is_closed
