"""Read-only views of the work queue: single jobs, listings, attempt history, counts."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from gateway.errors import QueueError
from gateway.store.models_queue import Job, JobAttempt
from gateway.store.queue_types import AttemptResult, JobAttemptInfo, JobInfo, JobState


def get_job(read: sessionmaker[Session], job_id: int) -> JobInfo:
    with read.begin() as s:
        job = s.get(Job, job_id)
        if job is None:
            raise QueueError(f"no job {job_id}")
        return _info(job)


def list_jobs(
    read: sessionmaker[Session],
    *,
    state: JobState | None = None,
    kind: str | None = None,
    limit: int = 100,
    after_id: int = 0,
) -> list[JobInfo]:
    stmt = select(Job).where(Job.id > after_id).order_by(Job.id).limit(limit)
    if state is not None:
        stmt = stmt.where(Job.state == state.value)
    if kind is not None:
        stmt = stmt.where(Job.kind == kind)
    with read.begin() as s:
        return [_info(j) for j in s.scalars(stmt)]


def job_attempts(read: sessionmaker[Session], job_id: int) -> list[JobAttemptInfo]:
    stmt = select(JobAttempt).where(JobAttempt.job_id == job_id).order_by(JobAttempt.id)
    with read.begin() as s:
        return [
            JobAttemptInfo(
                job_id=a.job_id,
                attempt=a.attempt,
                worker_id=a.worker_id,
                claimed_at=a.claimed_at,
                lease_expires_at=a.lease_expires_at,
                finished_at=a.finished_at,
                outcome=AttemptResult(a.outcome),
                error=a.error,
            )
            for a in s.scalars(stmt)
        ]


def job_counts(read: sessionmaker[Session]) -> dict[tuple[str, JobState], int]:
    stmt = select(Job.kind, Job.state, func.count()).group_by(Job.kind, Job.state)
    with read.begin() as s:
        return {(k, JobState(st)): int(n) for k, st, n in s.execute(stmt)}


def _info(job: Job) -> JobInfo:
    return JobInfo(
        id=job.id,
        kind=job.kind,
        state=JobState(job.state),
        payload=dict(job.payload),
        dedupe_key=job.dedupe_key,
        attempts=job.attempts,
        not_before=job.not_before,
        lease_owner=job.lease_owner,
        lease_expires_at=job.lease_expires_at,
        last_error=job.last_error,
        resent=job.resent,
        created_at=job.created_at,
        updated_at=job.updated_at,
        finished_at=job.finished_at,
    )
