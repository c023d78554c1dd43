# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""What an admin's endpoint accepts from a user: the request fields a chat completion may carry,
with the model forced and the answer's length capped.

Used by the JupyterHub model service (the boundary: it holds the provider's key) and by the
server extension's proxy when the admin locked the settings (``CodeInterpreter.lock_settings``; a
convenience there, since a user's kernel can read its own server's environment and files)."""

from __future__ import annotations

from typing import Any

#: The fields a chat completion request may carry; any other is refused. What the sidebar, the
#: command line and the benchmark harness send, and the sampling knobs of every OpenAI-compatible
#: server. Left out on purpose: ``n`` above 1 (several answers for the price of one request),
#: ``store``, ``user``, ``metadata`` (written into the admin's account), ``service_tier`` (billed
#: differently), ``logit_bias``, ``logprobs``, ``audio``, ``modalities``, ``prediction``,
#: ``reasoning_effort`` and everything an endpoint may add later.
ALLOWED_FIELDS = frozenset(
    {
        "model",
        "messages",
        "stream",
        "stream_options",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "temperature",
        "top_p",
        "seed",
        "stop",
        "presence_penalty",
        "frequency_penalty",
        "response_format",
        "max_tokens",
        "max_completion_tokens",
        "n",
        # llama.cpp's prompt cache switch, which the harness sends to a local model.
        "cache_prompt",
    }
)

#: The two names endpoints use for the answer's length limit.
OUTPUT_TOKEN_FIELDS = ("max_tokens", "max_completion_tokens")


class RequestRefused(ValueError):
    """The request breaks the admin's policy; the message says which field and why, in one line."""


def restrict_chat_request(
    payload: dict[str, Any],
    *,
    model: str,
    max_output_tokens: int,
    output_tokens_field: str = "max_tokens",
    include_usage: bool = False,
) -> dict[str, Any]:
    """The request to send upstream under the admin's policy.

    Args:
        payload: the client's JSON object.
        model: the admin's model, which replaces any the client named ("" keeps the client's).
        max_output_tokens: the longest answer in tokens; a client's smaller limit is kept, a larger
            one or none becomes this (0: no cap).
        output_tokens_field: the name the endpoint reads the limit under (``max_tokens``, or
            ``max_completion_tokens`` for OpenAI's reasoning models); the client's limit, under
            either name, is sent under this one only.
        include_usage: ask a streamed answer for its token counts (the model service counts tokens
            with them).

    Returns:
        A new dict: the allowed fields only, the model forced, the limit set.

    Raises:
        RequestRefused: a field outside ``ALLOWED_FIELDS``, ``n`` other than 1, or a limit that is
            not a positive integer.
    """
    if output_tokens_field not in OUTPUT_TOKEN_FIELDS:
        raise ValueError(f"output_tokens_field must be one of {', '.join(OUTPUT_TOKEN_FIELDS)}")
    refused = sorted(set(payload) - ALLOWED_FIELDS)
    if refused:
        raise RequestRefused(
            f"The administrator's endpoint does not accept the request field(s) {', '.join(refused)}; "
            f"allowed: {', '.join(sorted(ALLOWED_FIELDS))}."
        )
    request = dict(payload)
    n = request.pop("n", 1)
    if n != 1 or isinstance(n, bool):
        raise RequestRefused("n must be 1: ask for each answer in a request of its own.")
    asked: list[int] = []
    for name in OUTPUT_TOKEN_FIELDS:
        if name in request:
            value = request.pop(name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise RequestRefused(f"{name} must be a positive integer.")
            asked.append(value)
    limit = min(asked) if asked else 0
    if max_output_tokens > 0:
        limit = min(limit, max_output_tokens) if limit else max_output_tokens
    if limit:
        request[output_tokens_field] = limit
    if model:
        request["model"] = model
    if include_usage and request.get("stream") is True:
        options = request.get("stream_options")
        request["stream_options"] = {**(options if isinstance(options, dict) else {}), "include_usage": True}
    return request
