"""Retry schedules: exponential backoff with jitter, pure and testable.

The delay before retry ``n`` (``n`` = number of attempts made so far, 1 after the first
failure) is ``base * factor**(n-1)``, capped at ``max_delay``, then spread by ``jitter``:
multiplied by a uniform factor in ``[1 - jitter, 1 + jitter)`` and capped again, so
``max_delay`` is a hard ceiling. Jitter keeps many deliveries that failed together (the axis was
down) from all retrying in the same second. After ``max_attempts`` attempts a job goes to the
dead letter instead.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType


@dataclass(frozen=True)
class RetrySchedule:
    base_seconds: float = 30.0
    factor: float = 2.0
    max_delay_seconds: float = 6 * 3600.0
    max_attempts: int = 12
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if self.base_seconds <= 0:
            raise ValueError(f"base_seconds must be > 0, got {self.base_seconds}")
        if self.factor < 1:
            raise ValueError(f"factor must be >= 1, got {self.factor}")
        if self.max_delay_seconds < self.base_seconds:
            raise ValueError("max_delay_seconds must be >= base_seconds")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be >= 1, got {self.max_attempts}")
        if not 0 <= self.jitter < 1:
            raise ValueError(f"jitter must be in [0, 1), got {self.jitter}")

    def nominal_delay(self, attempts: int) -> float:
        """Delay in seconds before the next try after ``attempts`` attempts, without jitter."""
        if attempts < 1:
            raise ValueError(f"attempts must be >= 1, got {attempts}")
        # Cap the exponent first so huge attempt counts cannot overflow a float.
        delay = self.base_seconds
        for _ in range(attempts - 1):
            delay *= self.factor
            if delay >= self.max_delay_seconds:
                return self.max_delay_seconds
        return min(delay, self.max_delay_seconds)

    def delay(self, attempts: int, rng: random.Random) -> timedelta:
        """The jittered delay before the next try (draws one number from ``rng``)."""
        nominal = self.nominal_delay(attempts)
        spread = 1.0 - self.jitter + 2.0 * self.jitter * rng.random()
        return timedelta(seconds=min(nominal * spread, self.max_delay_seconds))

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts


def _default_schedules() -> Mapping[str, RetrySchedule]:
    return MappingProxyType(
        {
            "deliver": RetrySchedule(base_seconds=30, max_delay_seconds=6 * 3600, max_attempts=16),
            "import": RetrySchedule(base_seconds=60, max_delay_seconds=3600, max_attempts=24),
            "status": RetrySchedule(base_seconds=30, max_delay_seconds=6 * 3600, max_attempts=16),
            "directory-sync": RetrySchedule(base_seconds=300, max_delay_seconds=6 * 3600),
        }
    )


@dataclass(frozen=True)
class RetryPolicy:
    """A schedule per job kind, and one for kinds not listed."""

    schedules: Mapping[str, RetrySchedule] = field(default_factory=_default_schedules)
    default: RetrySchedule = field(default_factory=RetrySchedule)

    def for_kind(self, kind: str) -> RetrySchedule:
        return self.schedules.get(kind, self.default)
