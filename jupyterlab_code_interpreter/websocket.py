# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""A kernel websocket without Nagle's algorithm.

With Nagle on, the server holds a small kernel message (``execute_input`` right
after ``status: busy``) until the client's delayed ACK comes, about 40 ms later;
a ``pass`` round trip measured 44 ms through the websocket and 4.3 ms with
``TCP_NODELAY`` set. jupyter_server lets the connection class be configured
(``ServerApp.kernel_websocket_connection_class``), so this subclass is all it takes.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

from .config import SETTINGS_KEY, CodeInterpreter


class NoDelayKernelWebsocketConnection(ZMQChannelsWebsocketConnection):
    """The default ZMQ kernel websocket connection, with TCP_NODELAY set on open.

    Switched off by ``c.CodeInterpreter.tcp_nodelay = False``.
    """

    def connect(self) -> asyncio.Future[None] | None:  # type: ignore[override]
        """Connect to the kernel's channels, after turning Nagle off on the websocket."""
        if self._nodelay_wanted():
            # Called from the handler's open(), when the websocket stream exists.
            self.websocket_handler.set_nodelay(True)
        return super().connect()

    def _nodelay_wanted(self) -> bool:
        settings: dict[str, Any] = self.websocket_handler.settings
        code_interpreter = settings.get(SETTINGS_KEY)
        if isinstance(code_interpreter, CodeInterpreter):
            return code_interpreter.tcp_nodelay
        # The class was configured without the extension being loaded (a private
        # server started with PYTHONPATH): read the same config section directly.
        return CodeInterpreter(config=self.config).tcp_nodelay
