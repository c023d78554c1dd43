# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The server-side settings of the code interpreter: which model endpoint, which key, and the
embedded local model used when no endpoint is configured."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from traitlets import Bool, CaselessStrEnum, Float, Int, TraitError, Unicode, default, validate
from traitlets.config import Configurable

from .local_model.catalog import default_model

#: Where the server extension keeps its `CodeInterpreter` in the tornado settings.
SETTINGS_KEY = "code_interpreter"

#: The resource every handler of the extension names to jupyter_server's authorizer, with the action
#: it needs: ``read`` (see the settings, the local model's state, the endpoint's model list and
#: context window), ``write`` (change the settings) or ``execute`` (ask the model, start the local
#: model). A deployment that grants a user less than full access to a server (JupyterHub's custom
#: scopes mapped by an Authorizer) then decides who may spend the model or move the endpoint.
AUTH_RESOURCE = "code_interpreter"

#: The endpoint a key with no endpoint of its own is meant for.
OPENAI_BASE_URL = "https://api.openai.com/v1"


class CodeInterpreter(Configurable):
    """Where the model proxy sends requests, with which key and model.

    Every value can come from Jupyter config (``c.CodeInterpreter.<name>``); the
    endpoint, key and model fall back to the environment variables the OpenAI
    tools use, so a Binder or a container can be set up without a config file.
    """

    base_url = Unicode(
        config=True,
        help="Base URL of the OpenAI-compatible endpoint, up to and including /v1. Default: $OPENAI_BASE_URL. "
        "Empty: https://api.openai.com/v1 when a key is set, else the embedded local model.",
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

    api_key_from_hub = Bool(
        False,
        config=True,
        help="Send this server's own JupyterHub API token ($JUPYTERHUB_API_TOKEN) upstream as the key, "
        "instead of api_key: for the model service a JupyterHub runs (python -m "
        "jupyterlab_code_interpreter.hub_service), which checks the token and adds the provider's key, "
        "so that key never enters the user's server.",
    )

    lock_settings = Bool(
        False,
        config=True,
        help="The admin's settings are final: POST code-interpreter/config is refused (403), so a user "
        "cannot move the endpoint, the key or the model, and chat requests are sent with the admin's "
        "model, only the allowed fields (request_policy.ALLOWED_FIELDS) and at most max_output_tokens. "
        "Give it on the single-user server's command line (JupyterHub's Spawner.args), which wins over "
        "the user's own config files. A convenience, not a boundary: the user's kernel can read what "
        "the server holds; the boundary is the Hub's model service (docs/security.md).",
    )

    max_output_tokens = Int(
        4096,
        config=True,
        help="With lock_settings: the longest answer in tokens a chat request may ask for (a larger "
        "limit, or none, becomes this); 0: no cap.",
    )

    output_tokens_field = CaselessStrEnum(
        ["max_tokens", "max_completion_tokens"],
        default_value="max_tokens",
        config=True,
        help="With lock_settings: the request field the endpoint reads the answer's length limit from "
        "(max_completion_tokens for OpenAI's reasoning models).",
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

    local_model = CaselessStrEnum(
        ["1.5b", "0.5b"],
        config=True,
        help="The embedded model served when no endpoint is configured: Qwen2.5-Coder-1.5B-Instruct "
        "(1.5b, the 'local' extra) or Qwen2.5-Coder-0.5B-Instruct (0.5b, the 'local-small' extra; "
        "for small machines such as Binder). Default: the one installed; 1.5b when both are.",
    )

    local_model_path = Unicode(
        config=True,
        help="A GGUF file to serve as the local model instead of local_model; used as it is.",
    )

    local_context_size = Int(
        8192,
        config=True,
        help="The local model's context window in tokens; the KV cache grows with it "
        "(about 28 MiB per 1k tokens for the 1.5b model).",
    )

    local_threads = Int(
        0,
        config=True,
        help="CPU threads of the local model; 0: one per core, at most 4.",
    )

    @default("local_model")
    def _default_local_model(self) -> str:
        key, self._local_model_reason = default_model()
        return key

    @property
    def local_model_reason(self) -> str:
        """Why the local model is the one it is, for the log."""
        if self.local_model_path:
            return "CodeInterpreter.local_model_path names a GGUF file"
        self.local_model  # noqa: B018 (the default, and its reason, are computed on first access)
        return getattr(self, "_local_model_reason", "") or "CodeInterpreter.local_model names it"

    @default("base_url")
    def _default_base_url(self) -> str:
        return os.environ.get("OPENAI_BASE_URL", "")

    @validate("base_url")
    def _validate_base_url(self, proposal: dict[str, object]) -> str:
        return str(proposal["value"]).strip()

    @property
    def provider(self) -> str:
        """``remote`` when an endpoint or a key is configured, else ``local`` (the embedded model)."""
        return "remote" if self.base_url or self.api_key else "local"

    @property
    def remote_base_url(self) -> str:
        """The remote endpoint requests go to: the configured one, else OpenAI's (for a key alone)."""
        return self.base_url or OPENAI_BASE_URL

    @default("api_key")
    def _default_api_key(self) -> str:
        if self.api_key_from_hub:
            return os.environ.get("JUPYTERHUB_API_TOKEN", "")
        return os.environ.get("OPENAI_API_KEY", "")

    @validate("api_key")
    def _validate_api_key(self, proposal: dict[str, object]) -> str:
        # A key read from a file often ends in a newline, which would make an illegal header
        # whose error message quotes the key.
        key = str(proposal["value"]).strip()
        # One inside the key is refused: it would make an illegal header too, and the message
        # would quote the key in an escaped form that the scrub of error messages does not find.
        if any(ord(char) < 0x20 or ord(char) == 0x7F for char in key):
            raise TraitError("The API key contains a line break or another control character.")
        return key

    @default("model")
    def _default_model(self) -> str:
        return os.environ.get("CODE_INTERPRETER_MODEL", "")

    def public_view(self) -> dict[str, object]:
        """The settings a client may see: everything but the key itself.

        Returns:
            ``{model, base_url, has_api_key, tcp_nodelay, provider, locked}``; base_url is empty when
            the local model is in use, and without credentials (``redact_url``); locked is
            lock_settings (the client shows the settings as final).
        """
        return {
            "provider": self.provider,
            "model": self.model,
            "base_url": redact_url(self.remote_base_url) if self.provider == "remote" else "",
            "has_api_key": bool(self.api_key),
            "tcp_nodelay": self.tcp_nodelay,
            "locked": self.lock_settings,
        }


def redact_url(url: str) -> str:
    """The URL without the credentials it may embed: a user name and password become ``***``, and so
    does every query value (some endpoints take their key as ``?api-key=...``).

    Args:
        url: any URL.

    Returns:
        The URL fit to show to someone who may read the settings but not hold the key.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    query = "&".join(item.split("=", 1)[0] + "=***" if "=" in item else item for item in parts.query.split("&"))
    return urlunsplit((parts.scheme, netloc, parts.path, query if parts.query else "", parts.fragment))


def url_secrets(url: str) -> list[str]:
    """The credentials a URL embeds (user name, password, query values), to scrub from messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    found = [parts.username or "", parts.password or ""]
    found += [item.split("=", 1)[1] for item in parts.query.split("&") if "=" in item]
    # Short values ("1", "v1") are not worth hiding and would garble every message they occur in.
    return [value for value in found if len(value) >= 4]
