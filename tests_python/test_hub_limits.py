# Copyright (c) jupyterlab-code-interpreter contributors.
# Distributed under the terms of the Modified BSD License.
"""The Hub model service's per-user limits, on a clock the test moves."""

from __future__ import annotations

from jupyterlab_code_interpreter.hub_budgets import UserLimits


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_requests_per_minute_are_counted_per_user_over_a_sliding_minute() -> None:
    clock = _Clock()
    limits = UserLimits(requests_per_minute=2, clock=clock)
    for _ in range(2):
        assert limits.acquire("user:alice") is None
        limits.release("user:alice")
    clock.now += 20
    assert limits.acquire("user:alice") == 40.0  # the first of the two leaves the window in 40 s
    assert limits.acquire("user:bob") is None  # another user's budget is their own
    clock.now += 40
    assert limits.acquire("user:alice") is None


def test_concurrent_requests_are_limited_until_one_ends() -> None:
    limits = UserLimits(concurrent=2)
    assert limits.acquire("user:alice") is None
    assert limits.acquire("user:alice") is None
    assert limits.acquire("user:alice") == 1.0
    assert limits.acquire("user:bob") is None
    limits.release("user:alice")
    assert limits.running("user:alice") == 1
    assert limits.acquire("user:alice") is None


def test_zero_means_no_limit() -> None:
    limits = UserLimits()
    assert all(limits.acquire("user:alice") is None for _ in range(1000))


def test_tokens_per_minute_and_per_day_admit_what_fits_and_say_when_more_will() -> None:
    clock = _Clock()
    limits = UserLimits(clock=clock, tokens_per_minute=1000, tokens_per_day=1500)
    assert limits.acquire("user:alice", 600) is None
    limits.release("user:alice")
    assert limits.acquire("user:alice", 600) == 60.0  # 1200 > 1000 until the first leaves the minute
    assert limits.acquire("user:bob", 600) is None  # bob's budget is his own
    # The estimate is replaced by what the request spent.
    entry = limits.last_entry("user:alice")
    assert entry is not None
    entry[1] = 100
    assert limits.acquire("user:alice", 600) is None
    limits.release("user:alice")
    clock.now += 61
    # 700 spent today: 900 more would pass the minute's budget but not the day's.
    wait = limits.acquire("user:alice", 900)
    assert wait is not None and 86000 < wait <= 86400
    assert not limits.fits(2000) and limits.fits(1000)
