"""Retry schedule arithmetic with an injected RNG."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from gateway.store import RetryPolicy, RetrySchedule


class FixedRandom(random.Random):
    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


def test_nominal_delay_grows_exponentially_and_is_capped() -> None:
    s = RetrySchedule(base_seconds=30, factor=2, max_delay_seconds=300, max_attempts=10, jitter=0)
    assert [s.nominal_delay(n) for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]
    assert s.nominal_delay(10_000) == 300  # no float overflow


@pytest.mark.parametrize(
    ("u", "expected"),
    [(0.0, 96.0), (0.5, 120.0), (0.999999, 143.99995)],
)
def test_jitter_spreads_the_delay_symmetrically(u: float, expected: float) -> None:
    s = RetrySchedule(base_seconds=30, factor=2, max_delay_seconds=3600, jitter=0.2)
    delay = s.delay(3, FixedRandom(u))
    assert delay.total_seconds() == pytest.approx(expected)


def test_jitter_never_exceeds_the_maximum_delay() -> None:
    s = RetrySchedule(base_seconds=10, factor=3, max_delay_seconds=100, jitter=0.5)
    assert s.delay(8, FixedRandom(0.99)) == timedelta(seconds=100)
    assert s.delay(8, FixedRandom(0.0)) == timedelta(seconds=50)


def test_seeded_rng_gives_reproducible_delays() -> None:
    s = RetrySchedule()
    a = [s.delay(n, random.Random(42)) for n in range(1, 6)]
    b = [s.delay(n, random.Random(42)) for n in range(1, 6)]
    assert a == b


def test_exhaustion_after_max_attempts() -> None:
    s = RetrySchedule(max_attempts=3)
    assert [s.exhausted(n) for n in (1, 2, 3, 4)] == [False, False, True, True]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_seconds": 0},
        {"factor": 0.5},
        {"max_delay_seconds": 1, "base_seconds": 2},
        {"max_attempts": 0},
        {"jitter": 1.0},
        {"jitter": -0.1},
    ],
)
def test_invalid_schedules_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetrySchedule(**kwargs)  # type: ignore[arg-type]


def test_policy_falls_back_to_the_default_for_unknown_kinds() -> None:
    special = RetrySchedule(max_attempts=2)
    policy = RetryPolicy(schedules={"deliver": special})
    assert policy.for_kind("deliver") is special
    assert policy.for_kind("nhap-khau") is policy.default
