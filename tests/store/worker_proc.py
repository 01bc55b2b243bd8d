"""Child-process programs for the crash and concurrency tests (run with ``python -m``).

    python -m tests.store.worker_proc append URL DATA_DIR N TAG
    python -m tests.store.worker_proc chaos URL DATA_DIR N WORKER SEED
    python -m tests.store.worker_proc finish URL DATA_DIR N WORKER
    python -m tests.store.worker_proc drain URL DATA_DIR WORKER
    python -m tests.store.worker_proc concurrent URL DATA_DIR WORKER

URL "sqlite" means the SQLite file under DATA_DIR. ``chaos`` interleaves enqueueing jobs
0..N-1 (dedupe keys make a restart's re-enqueue harmless) with claiming, doing the "work" (a row
in ``test_effects``, committed together with the completion) and occasionally failing; the
parent kills it with SIGKILL at random moments (it never stops by itself). ``finish`` and
``drain`` work until no job is left unfinished.
``test_effects`` rows and ``test_running`` marks let the parent count every job's effects and
catch two workers running the same job at the same time.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from gateway.store import RetryPolicy, RetrySchedule, Store

FAST = RetryPolicy(
    schedules={},
    default=RetrySchedule(base_seconds=0.05, factor=2, max_delay_seconds=0.2, max_attempts=1000),
)
LEASE = 1.0


def _open(url: str, data_dir: str) -> Store:
    return Store.open(None if url == "sqlite" else url, Path(data_dir), migrate=False, policy=FAST)


def create_test_tables(store: Store) -> None:
    big = (
        "INTEGER PRIMARY KEY AUTOINCREMENT"
        if store.engine.dialect.name == "sqlite"
        else ("BIGSERIAL PRIMARY KEY")
    )
    with store.transaction() as s:
        s.execute(text(f"CREATE TABLE test_effects (id {big}, job_id BIGINT, worker TEXT)"))
        s.execute(text("CREATE TABLE test_running (job_id BIGINT PRIMARY KEY, worker TEXT)"))
        s.execute(text(f"CREATE TABLE test_violations (id {big}, job_id BIGINT, worker TEXT)"))


def _work(
    store: Store,
    worker: str,
    rng: random.Random,
    hold: float,
    fail_rate: float,
    batch: int = 3,
    lease: float = LEASE,
) -> int:
    """Claim a batch and process it; returns how many jobs were claimed."""
    jobs = store.queue.claim("deliver", worker, batch=batch, lease_seconds=lease)
    for job in jobs:
        with store.transaction() as s:
            try:
                with s.begin_nested():
                    s.execute(
                        text("INSERT INTO test_running (job_id, worker) VALUES (:j, :w)"),
                        {"j": job.id, "w": worker},
                    )
            except IntegrityError:
                s.execute(
                    text("INSERT INTO test_violations (job_id, worker) VALUES (:j, :w)"),
                    {"j": job.id, "w": worker},
                )
        time.sleep(hold)
        if rng.random() < fail_rate:
            with store.transaction() as s:
                s.execute(text("DELETE FROM test_running WHERE job_id = :j"), {"j": job.id})
                store.queue.fail(job, worker, "lỗi giả lập", session=s)
            continue
        with store.transaction() as s:
            s.execute(
                text("INSERT INTO test_effects (job_id, worker) VALUES (:j, :w)"),
                {"j": job.id, "w": worker},
            )
            s.execute(text("DELETE FROM test_running WHERE job_id = :j"), {"j": job.id})
            store.queue.complete(job, worker, session=s)
    return len(jobs)


def clear_stale_running(store: Store) -> None:
    """Marks left by killed children: their jobs' leases expire and run again elsewhere."""
    with store.transaction() as s:
        s.execute(text("DELETE FROM test_running"))


def chaos(url: str, data_dir: str, n: int, worker: str, seed: int) -> None:
    rng = random.Random(seed)
    store = _open(url, data_dir)
    for i in range(n):
        with store.transaction() as s:
            store.queue.enqueue(s, "deliver", {"n": i}, dedupe_key=f"n-{i}")
        _work(store, worker, rng, hold=0.01, fail_rate=0.1)
    while True:  # never exits by itself: the parent kills it
        if not _work(store, worker, rng, hold=0.01, fail_rate=0.1):
            time.sleep(0.05)


def drain_store(
    store: Store,
    worker: str,
    rng: random.Random,
    *,
    batch: int = 3,
    lease: float = LEASE,
    fail_rate: float = 0.05,
) -> None:
    deadline = time.monotonic() + 100
    while time.monotonic() < deadline:
        if _work(store, worker, rng, 0.0, fail_rate, batch, lease):
            continue
        with store.reading() as s:
            left = s.execute(text("SELECT count(*) FROM jobs WHERE state <> 'done'")).scalar_one()
        if left == 0:
            return
        time.sleep(0.05)
    raise SystemExit("drain did not finish within 100 s")


def append(url: str, data_dir: str, n: int, tag: str) -> None:
    store = _open(url, data_dir)
    for i in range(n):
        with store.transaction() as s:
            store.log.append(s, "test.append", details={"tag": tag, "i": i, "ghi_chú": "nhật ký"})


def main(argv: list[str]) -> None:
    mode, url, data_dir, *rest = argv
    if mode == "append":
        append(url, data_dir, int(rest[0]), rest[1])
    elif mode == "chaos":
        chaos(url, data_dir, int(rest[0]), rest[1], int(rest[2]))
    elif mode == "finish":  # the restart after the last kill: re-enqueue (deduped), drain, exit
        store = _open(url, data_dir)
        with store.transaction() as s:
            for i in range(int(rest[0])):
                store.queue.enqueue(s, "deliver", {"n": i}, dedupe_key=f"n-{i}")
        drain_store(store, rest[1], random.Random(0))
    elif mode == "drain":
        store = _open(url, data_dir)
        drain_store(store, rest[0], random.Random(0))
    elif mode == "concurrent":
        store = _open(url, data_dir)
        drain_store(store, rest[0], random.Random(0), batch=10, lease=120, fail_rate=0.0)
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv[1:])
