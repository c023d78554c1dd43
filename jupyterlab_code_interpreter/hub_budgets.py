# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""What the JupyterHub model service (hub_service.py) counts per user: requests started and running,
and tokens spent, against the admin's limits; what a request may spend before it is sent, and what
the endpoint says it spent (its ``usage``) once it has answered."""

from __future__ import annotations

import json
import time
from collections import deque
from typing import Any, Callable

_MINUTE = 60.0
_DAY = 86400.0


class UserLimits:
    """Per-user admission: at most ``requests_per_minute`` requests started in any 60 s, and at most
    ``concurrent`` running at once (0 means no limit for either).

    Kept in memory: the service is one process, and a restart forgiving the last minute (or day) is
    harmless.

    Tokens: a request is admitted when the tokens its user spent in the last minute and the last day,
    plus what it may spend (its estimate: the prompt's size and its answer's cap), stay within
    ``tokens_per_minute`` and ``tokens_per_day``; when it ends, its estimate is replaced by what the
    endpoint reported (``usage``), or kept when the endpoint reported nothing.
    """

    def __init__(
        self,
        requests_per_minute: int = 0,
        concurrent: int = 0,
        clock: Callable[[], float] = time.monotonic,
        tokens_per_minute: int = 0,
        tokens_per_day: int = 0,
    ):
        self.requests_per_minute = requests_per_minute
        self.concurrent = concurrent
        self.tokens_per_minute = tokens_per_minute
        self.tokens_per_day = tokens_per_day
        self._clock = clock
        self._started: dict[str, deque[float]] = {}
        self._running: dict[str, int] = {}
        # Per user, [time, tokens] of each admitted request of the last day, oldest first.
        self._spent: dict[str, deque[list[float]]] = {}

    def acquire(self, user: str, tokens: int = 0) -> float | None:
        """Admit one request of ``user`` that may spend ``tokens``, or say how long to wait.

        Returns:
            None when admitted (the caller must call ``release`` when the request ends), else the
            seconds after which a retry may be admitted (for ``Retry-After``).
        """
        now = self._clock()
        started = self._started.setdefault(user, deque())
        while started and now - started[0] >= _MINUTE:
            started.popleft()
        if self.concurrent and self._running.get(user, 0) >= self.concurrent:
            return 1.0
        if self.requests_per_minute and len(started) >= self.requests_per_minute:
            return max(_MINUTE - (now - started[0]), 0.1)
        spent = self._spent.setdefault(user, deque())
        while spent and now - spent[0][0] >= _DAY:
            spent.popleft()
        for budget, window in ((self.tokens_per_minute, _MINUTE), (self.tokens_per_day, _DAY)):
            if budget:
                wait = self._wait_for_tokens(spent, now, window, budget, tokens)
                if wait is not None:
                    return wait
        started.append(now)
        self._running[user] = self._running.get(user, 0) + 1
        if self.tokens_per_minute or self.tokens_per_day:
            spent.append([now, float(tokens)])
        return None

    @staticmethod
    def _wait_for_tokens(
        spent: deque[list[float]], now: float, window: float, budget: int, tokens: int
    ) -> float | None:
        """None when ``tokens`` more fit the budget of the window, else the seconds until enough
        of the window's spending has left it."""
        recent = [entry for entry in spent if now - entry[0] < window]
        used = sum(entry[1] for entry in recent)
        if used + tokens <= budget:
            return None
        for at, amount in recent:
            used -= amount
            if used + tokens <= budget:
                return max(window - (now - at), 1.0)
        # Even an empty window cannot hold it (the caller refuses a request larger than a budget).
        return window

    def fits(self, tokens: int) -> bool:
        """Whether a request that may spend ``tokens`` fits the budgets at all."""
        return all(not budget or tokens <= budget for budget in (self.tokens_per_minute, self.tokens_per_day))

    def last_entry(self, user: str) -> list[float] | None:
        """The spending record ``[time, tokens]`` of the request ``user`` was admitted with last (None
        without token budgets); set its tokens to what the request spent once it is known."""
        entries = self._spent.get(user)
        return entries[-1] if entries else None

    def tokens_spent(self, user: str, window: float = _MINUTE) -> float:
        """Tokens ``user`` spent (or reserved) in the last ``window`` seconds."""
        now = self._clock()
        return sum(amount for at, amount in self._spent.get(user, ()) if now - at < window)

    def release(self, user: str) -> None:
        """One admitted request of ``user`` ended."""
        running = self._running.get(user, 0) - 1
        if running > 0:
            self._running[user] = running
        else:
            self._running.pop(user, None)

    def running(self, user: str) -> int:
        """How many requests of ``user`` are running."""
        return self._running.get(user, 0)


def estimate_tokens(payload: dict[str, Any], body_bytes: int) -> int:
    """What a request may spend at most, before it is sent: its body's size in tokens (about four
    bytes a token; JSON's quoting makes this generous) plus its answer's cap."""
    cap = payload.get("max_tokens") or payload.get("max_completion_tokens") or 0
    return body_bytes // 4 + int(cap)


class UsageReader:
    """Finds the ``usage`` an answer reports, streamed (SSE, the last chunk's) or whole (JSON).

    ``total`` is ``prompt_tokens + completion_tokens`` (or ``total_tokens``) of the last usage seen,
    or None. Events are read as they complete; an event larger than 1 MiB is skipped.
    """

    _LIMIT = 1 << 20

    def __init__(self) -> None:
        self.total: int | None = None
        self._buffer = bytearray()
        self._whole = bytearray()
        self._overflow = False

    def feed(self, chunk: bytes) -> None:
        """Take the next piece of the answer."""
        if len(self._whole) < self._LIMIT:
            self._whole += chunk[: self._LIMIT - len(self._whole)]
        self._buffer += chunk
        while True:
            end = self._buffer.find(b"\n\n")
            if end < 0:
                if len(self._buffer) > self._LIMIT:
                    self._buffer.clear()
                    self._overflow = True
                return
            event = bytes(self._buffer[:end])
            del self._buffer[: end + 2]
            if self._overflow:
                self._overflow = False
                continue
            for line in event.split(b"\n"):
                if line.startswith(b"data:") and b'"usage"' in line:
                    self._read(line[5:])

    def finish(self) -> None:
        """The answer ended: a non-streamed answer is one JSON object."""
        if self.total is None and self._whole[:1] in (b"{", b" ", b"\n"):
            self._read(bytes(self._whole))

    def _read(self, data: bytes) -> None:
        try:
            usage = json.loads(data).get("usage")
        except (ValueError, AttributeError, RecursionError):
            return
        if not isinstance(usage, dict):
            return
        total = usage.get("total_tokens")
        if not isinstance(total, int):
            parts = [usage.get("prompt_tokens"), usage.get("completion_tokens")]
            total = sum(part for part in parts if isinstance(part, int))
        self.total = total
