"""Helpers of the SIGKILL test: settings as TOML files, gateway subprocesses, many letters,
and what the drop folders and stores hold afterwards.

The gateways run as real ``python -m gateway run --config FILE`` processes so that SIGKILL hits
a whole interpreter (open SQLite transactions, half-written temp files, claimed items, leased
jobs), exactly as a crash in production would. Settings come from
:func:`gateway.demo.stage.gateway_settings` and are written out as TOML, so the files go
through the same loader an operator's file does; the secrets travel in the child's environment
under the names the settings give (``axis.secret_env``), never in the file.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import IO, Any

from gateway.config import Settings, settings_to_toml
from gateway.demo.letter import Letter
from gateway.demo.parties import Party
from gateway.demo.pdf import render_pdf
from gateway.store import Direction, JobState, Store, deliveries_for, list_documents

__all__ = [
    "GatewayProcess",
    "delivery_states",
    "inbox_document_ids",
    "job_counts",
    "numbered_letter",
    "settings_toml",
    "status_keys",
    "wait_until",
    "with_fast_recovery",
]

# -- settings as TOML --------------------------------------------------------------------------


settings_toml = settings_to_toml  # the name the tests use


def with_fast_recovery(settings: Settings, *, lease_seconds: float) -> Settings:
    """Short leases for jobs and drop-folder claims: work a killed process held comes back
    within seconds instead of the production two minutes / one hour."""
    options = {**settings.adapter.options, "lease_seconds": str(lease_seconds)}
    return replace(
        settings,
        poll=replace(settings.poll, lease_seconds=lease_seconds),
        adapter=replace(settings.adapter, options=options),
    )


# -- gateway processes -------------------------------------------------------------------------


class GatewayProcess:
    """One ``gateway run`` child: started, SIGKILLed and restarted at will; output to a log."""

    def __init__(self, name: str, config: Path, environ: Mapping[str, str], log: Path) -> None:
        self.name = name
        self.config = config
        self.environ = dict(environ)
        self.log = log
        self.starts = 0
        self.exits: list[int] = []  # exit codes of runs that ended on their own before a kill
        self._offset = 0
        self._terminated = False
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_handle: IO[bytes] | None = None

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> None:
        if self._proc is not None:
            raise RuntimeError(f"{self.name} is running already")
        self.starts += 1
        self._log_handle = open(self.log, "ab")  # noqa: SIM115 - closed in _reap
        self._log_handle.write(f"---- start {self.starts} at {time.time():.3f} ----\n".encode())
        self._log_handle.flush()
        self._offset = self._log_handle.tell()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "gateway", "run", "--config", str(self.config)],
            stdout=self._log_handle,
            stderr=subprocess.STDOUT,
            env={**os.environ, **self.environ, "PYTHONUNBUFFERED": "1"},
        )

    def wait_started(self, timeout: float) -> bool:
        """Wait for this run's "gateway … started" line: imports and migrations take seconds,
        and a kill before it would only ever hit start-up."""

        def started() -> bool:
            with open(self.log, "rb") as handle:
                handle.seek(self._offset)
                return b"gateway.app: gateway " in handle.read() and self.alive

        return wait_until(lambda: started() or not self.alive, timeout, 0.05) and self.alive

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or rolled back by the process."""
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        else:
            self.exits.append(proc.returncode)  # it had ended by itself: worth a failure
        self._reap(proc, timeout=10)

    def terminate(self) -> None:
        """SIGTERM without waiting (see :meth:`stop`): several gateways stop in parallel."""
        if self._proc is not None and not self._terminated:
            self._terminated = True  # once: a second SIGTERM mid-shutdown is not a clean stop
            self._proc.send_signal(signal.SIGTERM)

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM and wait for the clean shutdown; the exit code (None if not running)."""
        proc = self._proc
        if proc is None:
            return None
        self.terminate()
        try:
            return self._reap(proc, timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def _reap(self, proc: subprocess.Popen[bytes], timeout: float) -> int:
        code = proc.wait(timeout=timeout)
        self._proc = None
        self._terminated = False
        if self._log_handle is not None:
            self._log_handle.close()
            self._log_handle = None
        return code

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text("utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# -- letters -----------------------------------------------------------------------------------

_TOPICS = (
    "báo cáo tình hình thực hiện kế hoạch xuất khẩu gạo",
    "góp ý dự thảo Nghị định về kinh doanh xăng dầu",
    "phối hợp kiểm tra an toàn điện mùa nắng nóng",
    "cung cấp số liệu thương mại biên giới quý III",
    "đề nghị cử cán bộ tham dự Hội nghị xúc tiến thương mại",
    "tổng hợp kiến nghị của doanh nghiệp về thủ tục hải quan",
)


def numbered_letter(
    number: int, sender: Party, recipient: Party, today: date, *, padding: bytes = b""
) -> Letter:
    """Letter no. ``number`` (distinct số, so a distinct DocumentId); ``padding`` is appended
    to the PDF after ``%%EOF`` as a comment block, to make attachments of a chosen size."""
    code = str(number)
    subject = f"V/v {_TOPICS[number % len(_TOPICS)]} (văn bản số {code})"
    pdf_name = f"Công văn {code} BCT-VP.pdf"
    pdf = render_pdf(
        f"Công văn số {code}/BCT-VP",
        [sender.name.upper(), f"Số: {code}/BCT-VP", subject, f"Kính gửi: {recipient.name}"],
        author=sender.name,
        subject=subject,
    )
    metadata: dict[str, Any] = {
        "version": 1,
        "subject": subject,
        "code_number": code,
        "code_notation": "BCT-VP",
        "promulgation_date": today.isoformat(),
        "promulgation_place": "Hà Nội",
        "document_type_name": "Công văn",
        "signer": {"full_name": "Trần Quốc Khánh", "position": "Chánh Văn phòng"},
        "recipients": [recipient.organ_id],
        "attachments": [
            {"file": pdf_name, "content_type": "application/pdf", "description": "Bản chính"}
        ],
    }
    return Letter(f"cv-{code}", metadata, pdf_name, pdf + padding)


# -- what arrived ------------------------------------------------------------------------------


def _json_files(folder: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            found.append(json.loads(path.read_text("utf-8")))
    return found


def inbox_document_ids(dropfolder: Path) -> Counter[str]:
    """How many inbox folders carry each DocumentId (one folder per delivery)."""
    ids: Counter[str] = Counter()
    inbox = dropfolder / "inbox"
    if inbox.is_dir():
        for folder in inbox.iterdir():
            meta = folder / "metadata.json"
            if not folder.name.startswith(".") and meta.is_file():
                ids[json.loads(meta.read_text("utf-8"))["document_id"]] += 1
    return ids


def status_keys(dropfolder: Path) -> Counter[tuple[str, str, str]]:
    """How many inbox-status files carry each (DocumentId, recipient, code)."""
    return Counter(
        (s["document"]["document_id"], s["recipient"], s["code"])
        for s in _json_files(dropfolder / "inbox-status")
    )


def delivery_states(store: Store) -> Counter[str]:
    """Outbound deliveries by state."""
    with store.reading() as s:
        docs = list_documents(s, Direction.OUT, limit=100_000)
        return Counter(d.state.value for doc in docs for d in deliveries_for(s, doc.id))


def job_counts(store: Store) -> dict[str, int]:
    """Jobs by state, all kinds together."""
    totals: Counter[str] = Counter()
    for (_, state), n in store.queue.counts().items():
        totals[JobState(state).value] += n
    return dict(totals)
