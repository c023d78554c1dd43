# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""Requests to the test server whose error responses are answers to look at, not failures."""

from __future__ import annotations

from typing import Any

from tornado.httpclient import HTTPClientError


async def fetch_answering_errors(jp_fetch: Any, *path: str, **kwargs: Any) -> Any:
    """jp_fetch that answers an error response instead of raising it."""
    try:
        return await jp_fetch(*path, **kwargs)
    except HTTPClientError as error:
        assert error.response is not None
        return error.response
