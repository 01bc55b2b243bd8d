"""Fault injection for the simulator: errors, latency, outages and truncated answers.

A fault is decided per request, before authentication, because it stands for the network or
the axis infrastructure failing, not for the axis refusing the caller:

* ``error`` - HTTP 503 with the axis's FAIL JSON (ErrorCode 500);
* ``drop`` - during an outage window the connection is closed without an answer;
* ``truncate`` - the answer announces its full length and stops half-way;
* latency is added to every affected request.

Settings come from ``[faults]`` in the config and can be replaced at run time through the
admin endpoint (``POST /_admin/faults``).
"""

from __future__ import annotations

import enum
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

__all__ = ["FaultInjector", "FaultKind", "FaultSettings", "Outage"]


@dataclass(frozen=True, slots=True)
class Outage:
    start: datetime
    end: datetime

    def covers(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True, slots=True)
class FaultSettings:
    """``operations`` empty = every operation is affected."""

    error_rate: float = 0.0
    latency_ms: int = 0
    truncate_rate: float = 0.0
    outages: tuple[Outage, ...] = ()
    operations: frozenset[str] = field(default_factory=frozenset)
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("error_rate", "truncate_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value}")
        if self.latency_ms < 0:
            raise ValueError(f"latency_ms must be >= 0, got {self.latency_ms}")

    def to_json(self) -> dict[str, Any]:
        return {
            "error_rate": self.error_rate,
            "latency_ms": self.latency_ms,
            "truncate_rate": self.truncate_rate,
            "operations": sorted(self.operations),
            "outages": [
                {"start": o.start.isoformat(), "end": o.end.isoformat()} for o in self.outages
            ],
        }


class FaultKind(enum.Enum):
    NONE = "none"
    ERROR = "error"
    DROP = "drop"
    TRUNCATE = "truncate"


@dataclass(frozen=True, slots=True)
class FaultDecision:
    kind: FaultKind
    latency_seconds: float


_NO_FAULT = FaultDecision(FaultKind.NONE, 0.0)


class FaultInjector:
    """Thread-safe holder of the current settings and the random source."""

    def __init__(self, settings: FaultSettings) -> None:
        self._lock = threading.Lock()
        self._settings = settings
        self._random = random.Random(settings.seed)  # noqa: S311 - fault dice, not crypto

    @property
    def settings(self) -> FaultSettings:
        with self._lock:
            return self._settings

    def replace(self, settings: FaultSettings) -> None:
        with self._lock:
            self._settings = settings
            if settings.seed is not None:
                self._random.seed(settings.seed)

    def update(self, changes: Mapping[str, Any], now: datetime) -> FaultSettings:
        """Apply an admin request: any of error_rate, latency_ms, truncate_rate, operations,
        ``outage_seconds`` (a new window from now), ``clear_outages`` (bool), ``seed``."""
        unknown = set(changes) - {
            "error_rate",
            "latency_ms",
            "truncate_rate",
            "operations",
            "outage_seconds",
            "clear_outages",
            "seed",
        }
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        with self._lock:
            current = self._settings
            outages = () if changes.get("clear_outages") else current.outages
            if "outage_seconds" in changes:
                seconds = float(changes["outage_seconds"])
                if seconds <= 0:
                    raise ValueError("outage_seconds must be positive")
                outages = (*outages, Outage(now, now + timedelta(seconds=seconds)))
            new = replace(
                current,
                error_rate=float(changes.get("error_rate", current.error_rate)),
                latency_ms=int(changes.get("latency_ms", current.latency_ms)),
                truncate_rate=float(changes.get("truncate_rate", current.truncate_rate)),
                operations=frozenset(str(o) for o in changes.get("operations", current.operations)),
                outages=outages,
                seed=None if changes.get("seed") is None else int(changes["seed"]),
            )
            self._settings = new
            if new.seed is not None:
                self._random.seed(new.seed)
            return new

    def decide(self, operation: str, now: datetime) -> FaultDecision:
        with self._lock:
            s = self._settings
            if s.operations and operation not in s.operations:
                return _NO_FAULT
            latency = s.latency_ms / 1000.0
            if any(o.covers(now) for o in s.outages):
                return FaultDecision(FaultKind.DROP, latency)
            if s.error_rate and self._random.random() < s.error_rate:
                return FaultDecision(FaultKind.ERROR, latency)
            if s.truncate_rate and self._random.random() < s.truncate_rate:
                return FaultDecision(FaultKind.TRUNCATE, latency)
            return FaultDecision(FaultKind.NONE, latency)
