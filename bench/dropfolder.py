"""Drop-folder throughput: outbox take+done, inbox document and status deliveries.

    .venv/bin/python -m bench.dropfolder [--items 300] [--size 200000]

Runs on a temporary directory of the local disk; every write is fsynced, so figures depend
mostly on the disk's fsync latency.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from adapters.dropfolder import DropFolderAdapter
from gateway.exchange.backoffice import Attachment
from tests.adapters.dropfolder_kit import drop_document, received, status_change


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=300)
    ap.add_argument("--size", type=int, default=200_000, help="attachment bytes")
    args = ap.parse_args()
    payload = b"%PDF-1.4\n" + b"x" * args.size
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        adapter = DropFolderAdapter(root)
        for i in range(args.items):
            drop_document(root, f"cv-{i:05d}", files={"Công văn 4521.pdf": payload})
        start = time.perf_counter()
        taken = 0
        for item in adapter.take_outgoing():
            adapter.mark_done(item)
            taken += 1
        rows.append(("outbox take + done", taken, time.perf_counter() - start))
        att = (Attachment("Báo cáo.pdf", "application/pdf", data=payload),)
        start = time.perf_counter()
        for i in range(args.items):
            adapter.deliver_document(received(f"pkg-{i}", attachments=att))
        rows.append(("inbox deliver_document", args.items, time.perf_counter() - start))
        start = time.perf_counter()
        for i in range(args.items):
            adapter.deliver_document(received(f"pkg-{i}", attachments=att))
        rows.append(("inbox repeat (idempotent)", args.items, time.perf_counter() - start))
        start = time.perf_counter()
        for i in range(args.items):
            adapter.deliver_status(status_change(f"st-{i}"))
        rows.append(("inbox deliver_status", args.items, time.perf_counter() - start))
    print(f"attachment size {args.size} bytes")
    print(f"{'operation':<28}{'count':>8}{'per second':>12}{'ms each':>10}")
    for name, count, secs in rows:
        print(f"{name:<28}{count:>8}{count / secs:>12.0f}{secs / count * 1000:>10.2f}")


if __name__ == "__main__":
    main()
