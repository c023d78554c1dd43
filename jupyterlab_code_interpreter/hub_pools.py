# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The JupyterHub model service's upstream connections: a pool of each user's own."""

from __future__ import annotations

import httpx

from .model_relay import make_http_client


class UserPools:
    """An httpx client per caller, each with at most ``connections_per_user`` connections (0: the
    shared client's 64), so one caller's hung streams never hold the connections another needs."""

    def __init__(self, connections_per_user: int = 8) -> None:
        self.connections_per_user = connections_per_user
        self._clients: dict[str, httpx.AsyncClient] = {}

    def client(self, caller: str) -> httpx.AsyncClient:
        """The caller's client, made on first use."""
        found = self._clients.get(caller)
        if found is None:
            found = make_http_client(self.connections_per_user or 64)
            self._clients[caller] = found
        return found

    async def aclose(self) -> None:
        """Close every client."""
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
