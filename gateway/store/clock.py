"""The store's notion of "now": injectable so tests can move time without sleeping."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A zero-argument callable returning an aware UTC datetime."""


def system_clock() -> datetime:
    """Wall-clock time in UTC (hosts sharing one database are expected to run NTP)."""
    return datetime.now(UTC)
