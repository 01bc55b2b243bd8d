"""Four worker processes drain 10,000 jobs on PostgreSQL: each done once, never twice at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.store import Store
from tests.store.procs import finish, spawn
from tests.store.worker_proc import create_test_tables

JOBS = 10_000
WORKERS = 4


@pytest.mark.postgres
@pytest.mark.slow
def test_workers_share_the_queue_without_double_work(pg_url: str, data_dir: Path) -> None:
    store = Store.open(pg_url, data_dir)
    create_test_tables(store)
    with store.transaction() as s:
        store.queue.enqueue_many(s, "deliver", ({"n": i} for i in range(JOBS)))
    procs = [spawn("concurrent", pg_url, data_dir, f"worker-{i}") for i in range(WORKERS)]
    for p in procs:
        finish(p, timeout=170)
    with store.reading() as s:

        def q(sql: str) -> int:
            return int(s.execute(text(sql)).scalar_one())

        assert q("SELECT count(*) FROM jobs WHERE state = 'done'") == JOBS
        assert q("SELECT count(*) FROM test_effects") == JOBS
        assert q("SELECT count(DISTINCT job_id) FROM test_effects") == JOBS
        # a second worker starting a job another worker was still running would be recorded here
        assert q("SELECT count(*) FROM test_violations") == 0
        # every job was claimed exactly once, so no two leases on one job can overlap
        assert q("SELECT count(*) FROM job_attempts") == JOBS
        assert (
            q(
                "SELECT count(*) FROM job_attempts a JOIN job_attempts b ON a.job_id = b.job_id"
                " AND a.id < b.id AND a.claimed_at < b.finished_at AND b.claimed_at < a.finished_at"
            )
            == 0
        )
        workers = q("SELECT count(DISTINCT worker) FROM test_effects")
    assert workers == WORKERS, "every worker should have taken part"
    store.close()
