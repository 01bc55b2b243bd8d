"""Work-queue throughput: enqueue → claim → complete, jobs per second, SQLite and PostgreSQL.

    .venv/bin/python -m bench.store_queue [--jobs 2000] [--batch 1,20]

PostgreSQL comes from GATEWAY_TEST_PG_URL, else a throwaway cluster (tests/pg.py; note that
one runs with fsync off), else the row is skipped. SQLite runs with the store's own settings
(WAL, synchronous=FULL) on the local disk.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from gateway.store import Store
from tests import pg


def run(url: str | None, jobs: int, batch: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp, Store.open(url, Path(tmp)) as store:
        t0 = time.perf_counter()
        for i in range(jobs):
            with store.transaction() as s:
                store.queue.enqueue(s, "deliver", {"delivery": i})
        t1 = time.perf_counter()
        done = 0
        while done < jobs:
            claimed = store.queue.claim("deliver", "bench", batch=batch, lease_seconds=60)
            for job in claimed:
                store.queue.complete(job, "bench")
            done += len(claimed)
        t2 = time.perf_counter()
    return jobs / (t1 - t0), jobs / (t2 - t1), jobs / (t2 - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2000)
    ap.add_argument("--batch", default="1,20")
    args = ap.parse_args()
    admin, why = pg.server_url()
    print(
        f"{'backend':<10} {'batch':>5} {'enqueue/s':>10} {'claim+complete/s':>17}"
        f" {'end-to-end/s':>13}"
    )
    for batch in (int(b) for b in args.batch.split(",")):
        for name in ("sqlite", "postgres"):
            if name == "postgres" and admin is None:
                print(f"{name:<10} skipped: {why}")
                continue
            url = pg.fresh_database(admin, "gw_bench") if name == "postgres" and admin else None
            try:
                enq, work, total = run(url, args.jobs, batch)
            finally:
                if url and admin:
                    pg.drop_database(admin, url)
            print(f"{name:<10} {batch:>5} {enq:>10.0f} {work:>17.0f} {total:>13.0f}")


if __name__ == "__main__":
    main()
