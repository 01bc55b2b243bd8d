"""The one durable work queue: deliveries, imports, status sends, directory syncs, ...

Life of a job: ``ready`` (due at ``not_before``) → ``claim`` leases it to one worker
(``running``, new ``lease_token``) → ``complete`` (``done``) or ``fail`` (back to ``ready`` with
backoff, or ``dead`` after the schedule's last attempt) → ``resend`` brings a dead job back.

Claiming: PostgreSQL locks the candidate rows with ``FOR UPDATE SKIP LOCKED``, so workers in
several processes take disjoint jobs without waiting on each other; SQLite has one writer at a
time and every store write transaction begins ``IMMEDIATE``, so a claim reads and updates under
the database write lock. A ``running`` job whose lease expired (its worker died or hung) is
claimable again; the old attempt is recorded as ``lease-expired``, and a worker that comes back
late with the old token is refused (:class:`gateway.errors.QueueError`), so a job is never
completed twice. A lease that is about to run out can be extended (:meth:`WorkQueue.extend_lease`).

``enqueue`` joins the caller's transaction so work is queued atomically with the state change
that causes it; ``complete`` and ``fail`` may join one too (effect and completion commit together).
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import CursorResult, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from gateway.errors import QueueError
from gateway.store import queue_view
from gateway.store.backoff import RetryPolicy
from gateway.store.clock import Clock, system_clock
from gateway.store.models_queue import Job, JobAttempt
from gateway.store.queue_types import (
    AttemptResult,
    ClaimedJob,
    Enqueued,
    FailOutcome,
    JobAttemptInfo,
    JobInfo,
    JobState,
    check_kind,
)
from gateway.store.records import check_aware

MAX_ERROR = 4000
T = TypeVar("T")


def _check_payload(payload: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise QueueError(f"job payload must be a dict, got {type(payload).__name__}")
    try:
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise QueueError(f"job payload is not plain JSON: {exc}") from None
    result: dict[str, Any] = json.loads(text)
    return result


def _clip(error: str) -> str:
    return error if len(error) <= MAX_ERROR else error[: MAX_ERROR - 1] + "…"


class WorkQueue:
    """Enqueue, claim, complete, fail and resend jobs of any kind."""

    def __init__(
        self,
        write: sessionmaker[Session],
        read: sessionmaker[Session],
        *,
        policy: RetryPolicy | None = None,
        clock: Clock = system_clock,
        rng: random.Random | None = None,
    ) -> None:
        self._write = write
        self._read = read
        self.policy = policy or RetryPolicy()
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography

    # -- producing -------------------------------------------------------------------------

    def enqueue(
        self,
        session: Session,
        kind: str,
        payload: dict[str, Any],
        *,
        dedupe_key: str | None = None,
        not_before: datetime | None = None,
    ) -> Enqueued:
        """Queue a job inside ``session``'s transaction (it is visible once the caller commits).

        With ``dedupe_key``, a second job of the same kind and key is not created: the existing
        job's id comes back with ``created=False`` (keys stay taken after the job is done).
        """
        check_kind(kind)
        body = _check_payload(payload)
        check_aware("not_before", not_before)
        if dedupe_key is not None and not 0 < len(dedupe_key) <= 255:
            raise QueueError("dedupe_key must be 1..255 characters")
        now = self._clock()
        values: dict[str, Any] = {
            "kind": kind,
            "payload": body,
            "dedupe_key": dedupe_key,
            "state": JobState.READY.value,
            "attempts": 0,
            "not_before": not_before or now,
            "resent": 0,
            "created_at": now,
            "updated_at": now,
        }
        if dedupe_key is None:
            job = Job(**values)
            session.add(job)
            session.flush()
            return Enqueued(job.id, True)
        dialect = session.get_bind().dialect.name
        ins = postgresql.insert(Job) if dialect == "postgresql" else sqlite.insert(Job)
        stmt = (
            ins.values(**values)
            .on_conflict_do_nothing(index_elements=["kind", "dedupe_key"])
            .returning(Job.id)
        )
        new_id = session.execute(stmt).scalar_one_or_none()
        if new_id is not None:
            return Enqueued(int(new_id), True)
        existing = session.scalars(
            select(Job.id).where(Job.kind == kind, Job.dedupe_key == dedupe_key)
        ).one()
        return Enqueued(int(existing), False)

    def enqueue_many(
        self,
        session: Session,
        kind: str,
        payloads: Iterable[dict[str, Any]],
        *,
        not_before: datetime | None = None,
    ) -> list[int]:
        """Queue many jobs of one kind (no dedupe keys) in one statement; returns their ids."""
        check_kind(kind)
        check_aware("not_before", not_before)
        now = self._clock()
        rows = [
            {
                "kind": kind,
                "payload": _check_payload(p),
                "dedupe_key": None,
                "state": JobState.READY.value,
                "attempts": 0,
                "not_before": not_before or now,
                "resent": 0,
                "created_at": now,
                "updated_at": now,
            }
            for p in payloads
        ]
        if not rows:
            return []
        ids = session.scalars(insert(Job).returning(Job.id, sort_by_parameter_order=True), rows)
        return [int(i) for i in ids]

    # -- consuming -------------------------------------------------------------------------

    def claim(
        self,
        kinds: str | Sequence[str],
        worker_id: str,
        *,
        batch: int = 1,
        lease_seconds: float = 300.0,
    ) -> list[ClaimedJob]:
        """Lease up to ``batch`` due jobs of ``kinds`` to ``worker_id`` (own transaction)."""
        kind_list = [kinds] if isinstance(kinds, str) else list(kinds)
        for k in kind_list:
            check_kind(k)
        if not worker_id or len(worker_id) > 128:
            raise QueueError("worker_id must be 1..128 characters")
        if batch < 1 or lease_seconds <= 0:
            raise QueueError("batch must be >= 1 and lease_seconds > 0")
        with self._write.begin() as s:
            now = self._clock()
            expires = now + timedelta(seconds=lease_seconds)
            chosen = self._take_expired(s, kind_list, batch, now)
            if len(chosen) < batch:
                chosen += s.scalars(
                    select(Job)
                    .where(
                        Job.state == JobState.READY.value,
                        Job.kind.in_(kind_list),
                        Job.not_before <= now,
                    )
                    .order_by(Job.not_before, Job.id)
                    .limit(batch - len(chosen))
                    .with_for_update(skip_locked=True)
                ).all()
            claimed: list[ClaimedJob] = []
            for job in chosen:
                token = str(uuid.uuid4())
                job.state = JobState.RUNNING.value
                job.attempts += 1
                job.lease_owner = worker_id
                job.lease_token = token
                job.lease_expires_at = expires
                job.updated_at = now
                s.add(
                    JobAttempt(
                        job_id=job.id,
                        attempt=job.attempts,
                        worker_id=worker_id,
                        lease_token=token,
                        claimed_at=now,
                        lease_expires_at=expires,
                        outcome=AttemptResult.RUNNING.value,
                    )
                )
                claimed.append(
                    ClaimedJob(
                        id=job.id,
                        kind=job.kind,
                        payload=dict(job.payload),
                        attempt=job.attempts,
                        worker_id=worker_id,
                        lease_token=token,
                        lease_expires_at=expires,
                        dedupe_key=job.dedupe_key,
                    )
                )
            return claimed

    def _take_expired(self, s: Session, kinds: list[str], batch: int, now: datetime) -> list[Job]:
        """Running jobs whose lease ran out: close their attempt; dead-letter the exhausted."""
        expired = s.scalars(
            select(Job)
            .where(
                Job.state == JobState.RUNNING.value,
                Job.kind.in_(kinds),
                Job.lease_expires_at <= now,
            )
            .order_by(Job.lease_expires_at, Job.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        ).all()
        usable: list[Job] = []
        for job in expired:
            note = f"lease of worker {job.lease_owner} expired at {job.lease_expires_at}"
            s.execute(
                update(JobAttempt)
                .where(JobAttempt.lease_token == job.lease_token)
                .values(finished_at=now, outcome=AttemptResult.LEASE_EXPIRED.value, error=note)
            )
            if self.policy.for_kind(job.kind).exhausted(job.attempts):
                job.state = JobState.DEAD.value
                job.last_error = f"{note} during the last allowed attempt"
                job.finished_at = now
                job.updated_at = now
                job.lease_owner = job.lease_token = None
                job.lease_expires_at = None
            else:
                usable.append(job)
        return usable

    def _run(self, session: Session | None, fn: Callable[[Session], T]) -> T:
        if session is not None:
            return fn(session)
        with self._write.begin() as s:
            return fn(s)

    def _finish(
        self, s: Session, job: ClaimedJob, worker_id: str, values: dict[str, Any], verb: str
    ) -> None:
        stmt = (
            update(Job)
            .where(
                Job.id == job.id,
                Job.state == JobState.RUNNING.value,
                Job.lease_token == job.lease_token,
                Job.lease_owner == worker_id,
            )
            .values(**values)
        )
        result: CursorResult[Any] = s.connection().execute(stmt)
        if result.rowcount != 1:
            current = s.get(Job, job.id, populate_existing=True)
            if current is None:
                raise QueueError(f"cannot {verb} job {job.id}: no such job")
            raise QueueError(
                f"cannot {verb} job {job.id} for worker {worker_id}: lease lost "
                f"(job is {current.state}, leased to {current.lease_owner or 'nobody'})"
            )

    def complete(self, job: ClaimedJob, worker_id: str, *, session: Session | None = None) -> None:
        """Mark the job done; refused with QueueError if this worker no longer holds the lease."""

        def run(s: Session) -> None:
            now = self._clock()
            self._finish(
                s,
                job,
                worker_id,
                {
                    "state": JobState.DONE.value,
                    "finished_at": now,
                    "updated_at": now,
                    "lease_owner": None,
                    "lease_token": None,
                    "lease_expires_at": None,
                },
                "complete",
            )
            s.execute(
                update(JobAttempt)
                .where(JobAttempt.lease_token == job.lease_token)
                .values(finished_at=now, outcome=AttemptResult.DONE.value)
            )

        self._run(session, run)

    def fail(
        self,
        job: ClaimedJob,
        worker_id: str,
        error: str,
        *,
        retryable: bool = True,
        session: Session | None = None,
    ) -> FailOutcome:
        """Record a failed attempt: retry after the kind's backoff, or dead-letter the job."""

        def run(s: Session) -> FailOutcome:
            now = self._clock()
            schedule = self.policy.for_kind(job.kind)
            dead = not retryable or schedule.exhausted(job.attempt)
            retry_at = None if dead else now + schedule.delay(job.attempt, self._rng)
            values: dict[str, Any] = {
                "state": (JobState.DEAD if dead else JobState.READY).value,
                "last_error": _clip(error),
                "updated_at": now,
                "lease_owner": None,
                "lease_token": None,
                "lease_expires_at": None,
            }
            if dead:
                values["finished_at"] = now
            else:
                values["not_before"] = retry_at
            self._finish(s, job, worker_id, values, "fail")
            outcome = AttemptResult.DEAD if dead else AttemptResult.RETRY
            s.execute(
                update(JobAttempt)
                .where(JobAttempt.lease_token == job.lease_token)
                .values(finished_at=now, outcome=outcome.value, error=_clip(error))
            )
            return FailOutcome(dead=dead, retry_at=retry_at, attempts=job.attempt)

        return self._run(session, run)

    def extend_lease(self, job: ClaimedJob, worker_id: str, lease_seconds: float) -> ClaimedJob:
        """Push the lease out by ``lease_seconds`` from now (a heartbeat for long work)."""
        with self._write.begin() as s:
            expires = self._clock() + timedelta(seconds=lease_seconds)
            self._finish(s, job, worker_id, {"lease_expires_at": expires}, "extend the lease of")
            s.execute(
                update(JobAttempt)
                .where(JobAttempt.lease_token == job.lease_token)
                .values(lease_expires_at=expires)
            )
        return ClaimedJob(**{**job.__dict__, "lease_expires_at": expires})

    def resend(self, job_id: int, *, session: Session | None = None) -> None:
        """Bring a dead-lettered job back: attempts reset, due now, history kept."""

        def run(s: Session) -> None:
            job = s.get(Job, job_id, with_for_update=True)
            if job is None:
                raise QueueError(f"no job {job_id}")
            if job.state != JobState.DEAD.value:
                raise QueueError(f"job {job_id} is {job.state}, only dead jobs can be resent")
            now = self._clock()
            job.state = JobState.READY.value
            job.attempts = 0
            job.resent += 1
            job.not_before = now
            job.updated_at = now
            job.finished_at = None

        self._run(session, run)

    # -- looking (read-only, see gateway.store.queue_view) ---------------------------------

    def get(self, job_id: int) -> JobInfo:
        return queue_view.get_job(self._read, job_id)

    def list_jobs(
        self,
        *,
        state: JobState | None = None,
        kind: str | None = None,
        limit: int = 100,
        after_id: int = 0,
    ) -> list[JobInfo]:
        """Jobs in id order (page with ``after_id``), optionally one state and/or kind."""
        return queue_view.list_jobs(
            self._read, state=state, kind=kind, limit=limit, after_id=after_id
        )

    def attempts(self, job_id: int) -> list[JobAttemptInfo]:
        return queue_view.job_attempts(self._read, job_id)

    def counts(self) -> dict[tuple[str, JobState], int]:
        """Number of jobs per (kind, state)."""
        return queue_view.job_counts(self._read)
