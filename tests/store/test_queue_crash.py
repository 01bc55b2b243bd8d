"""Crash safety: a worker process killed with SIGKILL at random moments loses and doubles nothing.

A child enqueues 0..N-1 (dedupe keys), claims, does the work (a ``test_effects`` row committed
with the completion) and sometimes fails a job; it is killed several times mid-flight and
restarted. A final child drains the queue once the dead children's leases have expired. Every
job must exist once, be done, and have exactly one effect.
"""

from __future__ import annotations

import random
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.store import Store
from tests.store.procs import finish, spawn
from tests.store.worker_proc import FAST, clear_stale_running, create_test_tables

N = 800
KILLS = 6


@pytest.mark.slow
def test_sigkill_during_enqueue_claim_and_complete_loses_and_doubles_nothing(
    backend_url: str | None, data_dir: Path
) -> None:
    store = Store.open(backend_url, data_dir, policy=FAST)
    create_test_tables(store)
    rng = random.Random(2025)
    killed = 0
    for round_no in range(KILLS):
        child = spawn("chaos", backend_url, data_dir, N, f"chaos-{round_no}", round_no)
        time.sleep(rng.uniform(1.0, 2.5))  # the child needs ~0.7 s to start
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed += 1
        child.communicate(timeout=30)
        clear_stale_running(store)
    assert killed == KILLS, "a chaos child stopped by itself (it should only die by SIGKILL)"
    finish(spawn("finish", backend_url, data_dir, N, "final"))
    with store.reading() as s:

        def q(sql: str) -> int:
            return int(s.execute(text(sql)).scalar_one())

        assert q("SELECT count(*) FROM jobs") == N
        assert q("SELECT count(DISTINCT dedupe_key) FROM jobs") == N
        assert q("SELECT count(*) FROM jobs WHERE state <> 'done'") == 0
        assert q("SELECT count(*) FROM test_effects") == N
        assert q("SELECT count(DISTINCT job_id) FROM test_effects") == N
        assert q("SELECT count(*) FROM job_attempts WHERE outcome = 'done'") == N
        assert q("SELECT count(*) FROM job_attempts WHERE outcome = 'running'") == 0
        lease_expired = q("SELECT count(*) FROM job_attempts WHERE outcome = 'lease-expired'")
    assert lease_expired >= 1, "no kill landed while a job was claimed"
    store.close()
