"""Lifecycle throughput: apply() per event and derive() per recipient history.

    .venv/bin/python -m bench.lifecycle [--recipients 2000]

Each recipient history is the ordinary path (queued, sent, 01, 03, 04, 05, 06) plus an update
request answered with 15 and one duplicate, applied in shuffled order.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta

from gateway.exchange.lifecycle import (
    Event,
    OperationEvent,
    RecipientState,
    RequestKind,
    StatusEvent,
    TransportEvent,
    TransportKind,
    apply,
    derive,
)


def history(t0: datetime) -> list[Event]:
    m = lambda n: t0 + timedelta(minutes=n)  # noqa: E731
    events: list[Event] = [
        TransportEvent(TransportKind.QUEUED, m(0)),
        TransportEvent(TransportKind.SENT, m(1)),
        *(
            StatusEvent(c, m(i * 10), "Đã xử lý bước " + c)
            for i, c in enumerate(["01", "03", "04", "05", "06"], 1)
        ),
        OperationEvent(RequestKind.UPDATE, m(70), "upd"),
        StatusEvent("15", m(75), "Đồng ý cập nhật"),
    ]
    return [*events, events[3]]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipients", type=int, default=2000)
    args = ap.parse_args()
    rnd = random.Random(7)
    t0 = datetime(2024, 6, 12, tzinfo=UTC)
    histories = []
    for _ in range(args.recipients):
        h = history(t0)
        rnd.shuffle(h)
        histories.append(h)
    n_events = sum(len(h) for h in histories)
    start = time.perf_counter()
    for h in histories:
        state = RecipientState()
        for e in h:
            state = apply(state, e).new_state
    applied = time.perf_counter() - start
    start = time.perf_counter()
    for h in histories:
        derive(h)
    derived = time.perf_counter() - start
    rows = [
        ("apply (shuffled events)", n_events, applied),
        ("derive (whole history)", len(histories), derived),
    ]
    print(f"{'operation':<28}{'count':>10}{'per second':>14}{'µs each':>10}")
    for name, count, secs in rows:
        print(f"{name:<28}{count:>10}{count / secs:>14.0f}{secs / count * 1e6:>10.1f}")


if __name__ == "__main__":
    main()
