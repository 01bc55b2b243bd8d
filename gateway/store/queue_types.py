"""Values the work queue hands out: claimed jobs, job listings, attempts, outcomes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from gateway.errors import QueueError

_KIND = re.compile(r"[a-z][a-z0-9-]{0,39}")


class JobKind(StrEnum):
    """The kinds the gateway itself uses; any lowercase ``[a-z][a-z0-9-]*`` name is allowed."""

    DELIVER = "deliver"
    IMPORT = "import"
    STATUS = "status"
    DIRECTORY_SYNC = "directory-sync"


class JobState(StrEnum):
    READY = "ready"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


class AttemptResult(StrEnum):
    RUNNING = "running"
    DONE = "done"
    RETRY = "retry"
    DEAD = "dead"
    LEASE_EXPIRED = "lease-expired"


def check_kind(kind: str) -> str:
    if not _KIND.fullmatch(kind):
        raise QueueError(f"job kind {kind!r} is not a lowercase name like 'deliver' (max 40)")
    return kind


@dataclass(frozen=True)
class Enqueued:
    """``created`` False: a job with the same (kind, dedupe_key) already existed (``job_id``)."""

    job_id: int
    created: bool


@dataclass(frozen=True)
class ClaimedJob:
    """A job leased to one worker until ``lease_expires_at``; pass it back to complete/fail."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    worker_id: str
    lease_token: str
    lease_expires_at: datetime
    dedupe_key: str | None


@dataclass(frozen=True)
class FailOutcome:
    """``dead`` True: moved to the dead letter; otherwise retried at ``retry_at``."""

    dead: bool
    retry_at: datetime | None
    attempts: int


@dataclass(frozen=True)
class JobInfo:
    id: int
    kind: str
    state: JobState
    payload: dict[str, Any]
    dedupe_key: str | None
    attempts: int
    not_before: datetime
    lease_owner: str | None
    lease_expires_at: datetime | None
    last_error: str | None
    resent: int
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class JobAttemptInfo:
    job_id: int
    attempt: int
    worker_id: str
    claimed_at: datetime
    lease_expires_at: datetime
    finished_at: datetime | None
    outcome: AttemptResult
    error: str | None
