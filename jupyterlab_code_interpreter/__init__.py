# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""jupyterlab-code-interpreter: the JupyterLab extension's server side.

A model proxy that keeps the API key on the server, and kernel websockets
without Nagle's delay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

try:
    from ._version import __version__
except ImportError:
    # Running from a source tree that was never built (e.g. on PYTHONPATH for the
    # CLI's private server): the version file is written by the build.
    __version__ = "dev"

if TYPE_CHECKING:
    from jupyter_server.extension.application import ExtensionApp


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-code-interpreter"}]


def _jupyter_server_extension_points() -> list[dict[str, str | type[ExtensionApp]]]:
    # An ExtensionApp, so that jupyter_server calls its stop hook when the server shuts down.
    from .extension import CodeInterpreterExtension

    return [{"module": "jupyterlab_code_interpreter", "app": CodeInterpreterExtension}]
