"""Exchange-log speed: append and verify 100,000 entries, SQLite and PostgreSQL.

    .venv/bin/python -m bench.store_log [--entries 100000] [--per-tx 100]

Appends run ``--per-tx`` entries per transaction (1 = one commit per entry, the worst case);
verification recomputes every hash (no package blobs, to time the chain itself).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from gateway.store import Store
from tests import pg


def run(url: str | None, entries: int, per_tx: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp, Store.open(url, Path(tmp)) as store:
        t0 = time.perf_counter()
        written = 0
        while written < entries:
            with store.transaction() as s:
                for _ in range(min(per_tx, entries - written)):
                    store.log.append(
                        s,
                        "delivery.state",
                        document_ref="7d1c9a52-3b7e-4f0e-9a51-2f3c0e4b8d11",
                        details={"state": "sent", "recipient": "000.00.00.H26", "thử": written},
                    )
                    written += 1
        t1 = time.perf_counter()
        result = store.verify_log(check_blobs=False)
        t2 = time.perf_counter()
        assert result.ok and result.checked == entries, result.summary()
    return entries / (t1 - t0), entries / (t2 - t1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--per-tx", type=int, default=100)
    args = ap.parse_args()
    admin, why = pg.server_url()
    print(f"{'backend':<10} {'entries':>8} {'per tx':>6} {'append/s':>9} {'verify/s':>9}")
    for name in ("sqlite", "postgres"):
        if name == "postgres" and admin is None:
            print(f"{name:<10} skipped: {why}")
            continue
        url = pg.fresh_database(admin, "gw_bench") if name == "postgres" and admin else None
        try:
            append, verify = run(url, args.entries, args.per_tx)
        finally:
            if url and admin:
                pg.drop_database(admin, url)
        print(f"{name:<10} {args.entries:>8} {args.per_tx:>6} {append:>9.0f} {verify:>9.0f}")


if __name__ == "__main__":
    main()
