"""Documents per second through the whole exchange path, and the time to status 01.

Bộ Công Thương (A) sends N letters, each with a ~1 MB PDF, to Bộ Tài chính (B): A's drop
folder → A's gateway (validate, sign, store) → axis simulator → B's gateway (verify signature
and chain against the dev CRLs, store, import) → B's drop folder inbox; B answers status 01,
which travels back to A's inbox-status. Both gateways and the simulator run **in this
process**, the gateways with :meth:`Gateway.start` (their APScheduler threads, the demo's
0.2–0.3 s poll intervals), so all three share one interpreter and its GIL: the figures are a
floor for two gateways on separate machines.

By default the letters are dropped as one burst, as fast as the disk takes them (fsync per
file); ``--interval`` paces them instead. A document's latency runs from the moment its folder
is in A's outbox to the moment its status 01 file appears in A's inbox-status, so after a burst
it includes the queueing; paced, it is the latency of an idle pair of gateways.

With ``--processes`` each gateway runs as its own ``gateway run --config FILE`` process instead
(its own interpreter, as deployed; the simulator stays in this process).

Run: ``.venv/bin/python -m bench.exchange_e2e [--documents 100] [--size 1048576]
[--interval 0] [--processes]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Protocol

from gateway.app import Gateway
from gateway.config import Settings, settings_to_toml
from gateway.demo.letter import Letter, drop_letter
from gateway.demo.parties import MINISTRY, PARTNER, prepare_workdir
from gateway.demo.pdf import render_pdf
from gateway.demo.stage import (
    POLL,
    gateway_settings,
    make_pki,
    new_secrets,
    simulator_config,
)
from gateway.simulator import SimulatorServer


def padded_pdf(title: str, size: int) -> bytes:
    """A real one-page PDF grown to ``size`` bytes by comment lines of random hex after
    ``%%EOF`` (readers ignore them); random, so no two attachments compress or dedupe alike."""
    pdf = render_pdf(title, [title, "Tài liệu đo hiệu năng trao đổi văn bản điện tử."])
    missing = max(0, size - len(pdf))
    lines = []
    while missing > 0:
        width = min(missing, 79)
        lines.append(b"%" + secrets.token_hex(40).encode()[: width - 2] + b"\n")
        missing -= width
    return pdf + b"".join(lines)


def letter(number: int, today: date, size: int) -> Letter:
    code = str(number)
    subject = f"V/v đo hiệu năng liên thông văn bản điện tử, lần {code}"
    pdf_name = f"Tài liệu {code}.pdf"
    metadata = {
        "version": 1,
        "subject": subject,
        "code_number": code,
        "code_notation": "BCT-CNTT",
        "promulgation_date": today.isoformat(),
        "promulgation_place": "Hà Nội",
        "document_type_name": "Công văn",
        "signer": {"full_name": "Lê Minh Đức", "position": "Cục trưởng"},
        "recipients": [PARTNER.organ_id],
        "attachments": [{"file": pdf_name, "content_type": "application/pdf"}],
    }
    return Letter(f"cv-{code}", metadata, pdf_name, padded_pdf(subject, size))


class Watcher(threading.Thread):
    """Notes when each document appears in B's inbox and its status 01 in A's inbox-status."""

    def __init__(self, inbox: Path, statuses: Path) -> None:
        super().__init__(daemon=True)
        self.inbox, self.statuses = inbox, statuses
        self.received: dict[str, float] = {}
        self.answered: dict[str, float] = {}
        self.done = threading.Event()

    def _scan(self, folder: Path, seen: dict[str, float], names: set[str], status: bool) -> None:
        if not folder.is_dir():
            return
        now = time.perf_counter()
        for name in os.listdir(folder):
            if name.startswith(".") or name in names:
                continue
            path = folder / name if status else folder / name / "metadata.json"
            data = json.loads(path.read_text("utf-8"))
            if status and data["code"] != "01":
                continue
            names.add(name)
            seen[data["document"]["document_id"] if status else data["document_id"]] = now

    def run(self) -> None:
        inbox_names: set[str] = set()
        status_names: set[str] = set()
        while not self.done.is_set():
            self._scan(self.inbox, self.received, inbox_names, status=False)
            self._scan(self.statuses, self.answered, status_names, status=True)
            time.sleep(0.02)


class Runner(Protocol):
    def start(self) -> None: ...

    def close(self) -> None: ...


class GatewayProcess:
    """One gateway as ``python -m gateway run --config FILE``: its own interpreter, as deployed."""

    def __init__(self, settings: Settings, config: Path, environ: dict[str, str]) -> None:
        config.write_text(settings_to_toml(settings), "utf-8")
        self.args = [sys.executable, "-m", "gateway", "run", "--config", str(config)]
        self.log = config.with_suffix(".log")
        self.env = {**os.environ, **environ}
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                self.args, stdout=log, stderr=subprocess.STDOUT, env=self.env
            )
        deadline = time.monotonic() + 60
        while b"gateway.app: gateway " not in self.log.read_bytes():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gateway did not start: {self.log.read_text('utf-8')[-2000:]}")
            time.sleep(0.05)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=60)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", "-n", type=int, default=100)
    parser.add_argument("--size", type=int, default=1024 * 1024, help="PDF bytes per document")
    parser.add_argument(
        "--interval", type=float, default=0.0, help="seconds between drops (0: one burst)"
    )
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument(
        "--processes",
        action="store_true",
        help="run each gateway as its own `gateway run --config` process (as deployed)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    today = date.today()
    letters = [letter(5000 + i, today, args.size) for i in range(args.documents)]
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        ws = prepare_workdir(Path(tmp) / "ws")
        pki = make_pki(ws)
        env = new_secrets([MINISTRY, PARTNER])
        with SimulatorServer(simulator_config([MINISTRY, PARTNER], env, db=ws.axis_db)) as sim:
            a_settings = gateway_settings(MINISTRY, [PARTNER], pki, ws, sim.url)
            b_settings = gateway_settings(PARTNER, [MINISTRY], pki, ws, sim.url)
            if args.processes:
                a: Runner = GatewayProcess(a_settings, ws.root / "a.toml", env)
                b: Runner = GatewayProcess(b_settings, ws.root / "b.toml", env)
            else:
                a = Gateway.from_settings(a_settings, environ=env)
                b = Gateway.from_settings(b_settings, environ=env)
            outbox = ws.dropfolder(MINISTRY) / "outbox"
            outbox.mkdir(parents=True, exist_ok=True)
            watcher = Watcher(
                ws.dropfolder(PARTNER) / "inbox", ws.dropfolder(MINISTRY) / "inbox-status"
            )
            dropped: dict[str, float] = {}
            try:
                b.start()
                a.start()
                watcher.start()
                first = time.perf_counter()
                for i, one in enumerate(letters):
                    if args.interval and i:
                        time.sleep(args.interval)
                    drop_letter(outbox, one)
                    dropped[f"{MINISTRY.organ_id},{today:%Y/%m/%d},{one.code}"] = (
                        time.perf_counter()
                    )
                drop_seconds = time.perf_counter() - first
                deadline = time.monotonic() + args.timeout
                while len(watcher.answered) < len(dropped) and time.monotonic() < deadline:
                    time.sleep(0.05)
            finally:
                watcher.done.set()
                a.close()
                b.close()
    report(args, dropped, watcher, first, drop_seconds)


def report(
    args: argparse.Namespace,
    dropped: dict[str, float],
    watcher: Watcher,
    first: float,
    drop_seconds: float,
) -> None:
    n = len(dropped)
    if len(watcher.answered) < n or len(watcher.received) < n:
        print(f"timed out: {len(watcher.received)} received, {len(watcher.answered)} answered")
        sys.exit(1)
    to_inbox = max(watcher.received.values()) - first
    to_status = max(watcher.answered.values()) - first
    latency = [watcher.answered[d] - t for d, t in dropped.items()]
    inbox_latency = [watcher.received[d] - t for d, t in dropped.items()]
    rows = [
        ("machine", f"{os.cpu_count()} CPU, Python {platform.python_version()}"),
        (
            "gateways",
            "2 processes, gateway run" if args.processes else "2, in-process, Gateway.start()",
        ),
        (
            "poll (receive/outbox/worker s)",
            f"{POLL.receive_interval_seconds}"
            f"/{POLL.outbox_interval_seconds}/{POLL.worker_interval_seconds}",
        ),
        ("documents", f"{n}"),
        ("PDF bytes / document", f"{args.size}"),
        ("drops (s)", f"{drop_seconds:.2f}" + (" burst" if not args.interval else "")),
        ("A outbox -> B inbox, docs/s", f"{n / to_inbox:.2f}"),
        ("A outbox -> status 01, docs/s", f"{n / to_status:.2f}"),
        ("drop -> B inbox median (s)", f"{statistics.median(inbox_latency):.2f}"),
        ("drop -> status 01 median (s)", f"{statistics.median(latency):.2f}"),
        ("drop -> status 01 p99 (s)", f"{percentile(latency, 0.99):.2f}"),
    ]
    width = max(len(k) for k, _ in rows) + 2
    for key, value in rows:
        print(f"{key:<{width}}{value:>24}")


if __name__ == "__main__":
    main()
