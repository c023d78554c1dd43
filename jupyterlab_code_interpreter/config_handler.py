# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""``code-interpreter/config``: read the proxy's settings, or change them at run time."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from tornado import web

from .config import AUTH_RESOURCE, SETTINGS_KEY, CodeInterpreter
from .proxy import LOCAL_MODEL_SETTINGS_KEY

# The settings a client may change at run time (on Binder there is no config file
# to edit before the server starts).
_WRITABLE = ("api_key", "model", "base_url")


class ConfigHandler(APIHandler):
    """GET shows the settings without the key; POST sets any of api_key, model, base_url."""

    auth_resource = AUTH_RESOURCE

    @property
    def code_interpreter(self) -> CodeInterpreter:
        """The extension's settings."""
        return self.settings[SETTINGS_KEY]

    def _view(self) -> str:
        view = self.code_interpreter.public_view()
        view["local_model"] = self.settings[LOCAL_MODEL_SETTINGS_KEY].status()
        return json.dumps(view)

    @web.authenticated
    @authorized("read")
    def get(self) -> None:
        """Answer ``{provider, model, base_url, has_api_key, tcp_nodelay, local_model}``; never a key.

        ``provider`` is ``remote`` (an endpoint or a key is configured) or ``local`` (the embedded
        model); ``local_model`` is the local model's state, as ``code-interpreter/local-model`` gives it.
        """
        self.finish(self._view())

    @web.authenticated
    @authorized("write")
    def post(self) -> None:
        """Change the settings named in the JSON body and answer as GET does.

        A base_url of "" (with no api_key) switches back to the embedded local model.

        Raises:
            HTTPError: 403 when the admin locked the settings (CodeInterpreter.lock_settings); 400 when
                the body is not a JSON object of strings, names an unknown setting, or base_url is not
                an http(s) URL.
        """
        if self.code_interpreter.lock_settings:
            raise web.HTTPError(403, "The model settings are set by the administrator (CodeInterpreter.lock_settings).")
        try:
            update = json.loads(self.request.body or b"null")
        except ValueError as error:
            raise web.HTTPError(400, "The request body is not valid JSON.") from error
        except RecursionError as error:
            raise web.HTTPError(400, "The request body is nested too deeply.") from error
        if not isinstance(update, dict):
            raise web.HTTPError(400, "The request body must be a JSON object.")
        unknown = sorted(set(update) - set(_WRITABLE))
        if unknown:
            raise web.HTTPError(400, f"Unknown settings: {', '.join(unknown)}; allowed: {', '.join(_WRITABLE)}.")
        for name, value in update.items():
            if not isinstance(value, str):
                raise web.HTTPError(400, f"{name} must be a string.")
        if update.get("base_url", "").strip():
            parts = urlsplit(update["base_url"])
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise web.HTTPError(400, "base_url must be an http:// or https:// URL.")
        key = update.get("api_key", "").strip()
        if any(ord(char) < 0x20 or ord(char) == 0x7F for char in key):
            # It would defeat the scrub of error messages (an illegal header's message escapes it).
            raise web.HTTPError(400, "api_key contains a line break or another control character.")
        # The key belongs to its endpoint: moving to another endpoint without a key of its own
        # must not send the old key there.
        moves_endpoint = "base_url" in update and update["base_url"].strip() != self.code_interpreter.base_url
        if moves_endpoint and "api_key" not in update:
            update["api_key"] = ""
        # Validate everything first, then apply, so a bad request changes nothing.
        for name, value in update.items():
            setattr(self.code_interpreter, name, value.strip() if name != "api_key" else value)
        self.log.info(
            "code-interpreter settings changed: %s (model provider: %s)",
            ", ".join(sorted(update)),
            self.code_interpreter.provider,
        )
        self.finish(self._view())
