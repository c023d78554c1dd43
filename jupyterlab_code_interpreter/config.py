# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The server-side settings of the code interpreter: which model endpoint, which key."""

from __future__ import annotations

import os

from traitlets import Bool, Float, Unicode, default, validate
from traitlets.config import Configurable

#: Where the server extension keeps its `CodeInterpreter` in the tornado settings.
SETTINGS_KEY = "code_interpreter"


class CodeInterpreter(Configurable):
    """Where the model proxy sends requests, with which key and model.

    Every value can come from Jupyter config (``c.CodeInterpreter.<name>``); the
    endpoint, key and model fall back to the environment variables the OpenAI
    tools use, so a Binder or a container can be set up without a config file.
    """

    base_url = Unicode(
        config=True,
        help="Base URL of the OpenAI-compatible endpoint, up to and including /v1. "
        "Default: $OPENAI_BASE_URL, else https://api.openai.com/v1.",
    )

    api_key = Unicode(
        config=True,
        help="API key sent upstream as 'Authorization: Bearer <key>'. It stays on the server: "
        "no endpoint returns it. Default: $OPENAI_API_KEY.",
    )

    model = Unicode(
        config=True,
        help="Model used when a request names none. Default: $CODE_INTERPRETER_MODEL.",
    )

    tcp_nodelay = Bool(
        True,
        config=True,
        help="Turn Nagle's algorithm off on kernel websockets, so small kernel messages "
        "(execute_input, status) leave at once instead of waiting up to 40 ms for an ACK.",
    )

    request_timeout = Float(
        600.0,
        config=True,
        help="Longest time in seconds a proxied model request may take, streaming included.",
    )

    connect_timeout = Float(
        20.0,
        config=True,
        help="Longest time in seconds to wait for the model endpoint to accept a connection.",
    )

    @default("base_url")
    def _default_base_url(self) -> str:
        return os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1"

    @default("api_key")
    def _default_api_key(self) -> str:
        return os.environ.get("OPENAI_API_KEY", "")

    @validate("api_key")
    def _validate_api_key(self, proposal: dict[str, object]) -> str:
        # A key read from a file often ends in a newline, which would make an illegal header
        # whose error message quotes the key.
        return str(proposal["value"]).strip()

    @default("model")
    def _default_model(self) -> str:
        return os.environ.get("CODE_INTERPRETER_MODEL", "")

    def public_view(self) -> dict[str, object]:
        """The settings a client may see: everything but the key itself.

        Returns:
            ``{model, base_url, has_api_key, tcp_nodelay}``.
        """
        return {
            "model": self.model,
            "base_url": self.base_url,
            "has_api_key": bool(self.api_key),
            "tcp_nodelay": self.tcp_nodelay,
        }
