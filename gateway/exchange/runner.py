"""Drain due jobs from the store's queue through their handlers.

A handler completes its job itself, inside the transaction that records what the job did (an
attempt, a log entry), so "done" and "what was done" commit together. When a handler raises,
the runner records the failure: retried after the kind's backoff when the error says it is
retryable (network, database, a back office that is down), dead-lettered at once when it is
not, and dead-lettered after the last attempt either way. The handler then hears the outcome
in the same transaction, to mark its own rows (a delivery becomes ``dead``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from typing import Protocol

from sqlalchemy.orm import Session

from gateway.errors import GatewayError, QueueError, StoreError
from gateway.store import ClaimedJob, FailOutcome, Store

log = logging.getLogger(__name__)


class JobHandler(Protocol):
    def run(self, job: ClaimedJob, worker_id: str) -> None:
        """Do the work, then ``store.queue.complete(job, worker_id, session=s)``."""
        ...

    def failed(self, s: Session, job: ClaimedJob, outcome: FailOutcome, error: str) -> None:
        """The job failed with ``outcome`` (dead or retried): record it on the handler's rows."""
        ...


def is_retryable(exc: BaseException) -> bool:
    """Transport and adapter errors say so themselves; a database hiccup is worth a retry;
    bad data (a package we cannot read, a channel with no transport) is not."""
    if isinstance(exc, StoreError) and not isinstance(exc, QueueError):
        return True
    if isinstance(exc, GatewayError):
        return bool(getattr(exc, "retryable", False))
    return True  # an unexpected bug: retry (and dead-letter after the schedule), never drop


class JobRunner:
    def __init__(
        self,
        store: Store,
        handlers: Mapping[str, JobHandler],
        *,
        worker_id: str,
        batch: int = 20,
        lease_seconds: float = 120.0,
        stopping: threading.Event | None = None,
    ) -> None:
        self.store = store
        self.handlers = dict(handlers)
        self.worker_id = worker_id
        self.batch = batch
        self.lease_seconds = lease_seconds
        self.stopping = stopping or threading.Event()

    def run_due(self, kinds: Sequence[str] | None = None, *, max_jobs: int | None = None) -> int:
        """Claim and run due jobs until none is due (or ``max_jobs``); returns how many ran."""
        chosen = list(kinds or self.handlers)
        done = 0
        while not self.stopping.is_set() and (max_jobs is None or done < max_jobs):
            size = self.batch if max_jobs is None else min(self.batch, max_jobs - done)
            claimed = self.store.queue.claim(
                chosen, self.worker_id, batch=size, lease_seconds=self.lease_seconds
            )
            if not claimed:
                break
            for job in claimed:
                if self.stopping.is_set():
                    break  # the lease expires and another run takes it: nothing is lost
                self.run_one(job)
                done += 1
        return done

    def run_one(self, job: ClaimedJob) -> None:
        handler = self.handlers[job.kind]
        try:
            handler.run(job, self.worker_id)
            return
        except Exception as exc:  # every failure is recorded on the job
            error = f"{type(exc).__name__}: {exc}"
            retryable = is_retryable(exc)
            if not isinstance(exc, GatewayError):
                log.exception("job %s (%s) failed unexpectedly", job.id, job.kind)
            else:
                log.warning("job %s (%s) attempt %d: %s", job.id, job.kind, job.attempt, exc)
        try:
            with self.store.transaction() as s:
                outcome = self.store.queue.fail(
                    job, self.worker_id, error, retryable=retryable, session=s
                )
                handler.failed(s, job, outcome, error)
        except QueueError as exc:  # the lease ran out meanwhile: the queue has it again
            log.warning("job %s: could not record the failure: %s", job.id, exc)
