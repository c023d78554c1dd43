# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""``code-interpreter/local-model``: the embedded local model's state, and a way to warm it up."""

from __future__ import annotations

import json

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from .config import AUTH_RESOURCE
from .local_model.manager import LocalModelManager
from .proxy import LOCAL_MODEL_SETTINGS_KEY


class LocalModelHandler(APIHandler):
    """GET answers the state; POST starts the model server (or retries a failed start) and answers the state.

    The state is ``{state, reason, progress: {stage, done, total} | null, model, context_size}``
    with state one of ``idle``, ``loading``, ``ready``, ``failed``, ``unavailable``.
    """

    auth_resource = AUTH_RESOURCE

    @property
    def manager(self) -> LocalModelManager:
        """The Jupyter server's local model manager."""
        return self.settings[LOCAL_MODEL_SETTINGS_KEY]

    @web.authenticated
    @authorized("read")
    def get(self) -> None:
        """Answer the state."""
        self.finish(json.dumps(self.manager.status()))

    @web.authenticated
    @authorized("execute")
    def post(self) -> None:
        """Start loading in the background (the sidebar warms the model up this way) and answer the state."""
        self.manager.start()
        self.finish(json.dumps(self.manager.status()))
