"""End-to-end harness: the axis simulator and two real gateways on loopback, driven by ticks.

pytest-free so a script or a notebook can use it too. It reuses the demo's staging
(:mod:`gateway.demo`): the dev PKI, one simulator system per ministry, each gateway's settings
and the letter dropped into an outbox. What it adds is what tests need and the demo does not:
letters of every business type, statuses of any code written into ``outbox-status/``, readers
for what each back office received, the simulator's fault switch over its admin endpoint, and
:meth:`Exchange.settle`, which ticks both gateways until neither has anything left to do.

Nothing here runs a scheduler: every step is a synchronous :meth:`Gateway.tick`, so a test
decides exactly when the axis fails and when it recovers. Retry schedules are a fraction of a
second, so backoff costs little wall time.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
import shutil
import time
import unicodedata
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gateway.app import Gateway, TickReport
from gateway.config import RetrySettings, Settings
from gateway.demo.clerk import VIETNAM
from gateway.demo.letter import Letter, compose_letter, drop_letter
from gateway.demo.parties import MINISTRY, PARTNER, Party, Workspace, prepare_workdir
from gateway.demo.stage import gateway_settings, make_pki, new_secrets, simulator_config
from gateway.errors import GatewayError
from gateway.exchange.progress import DocumentProgress, document_progress
from gateway.security.devpki import DevPki
from gateway.simulator import SimulatorServer
from gateway.store import (
    Direction,
    JobState,
    StoredDocument,
    StoredStatusEvent,
    list_documents,
    status_history,
)

__all__ = [
    "FAST_RETRY",
    "Exchange",
    "Node",
    "SettingsTweak",
    "make_template_pki",
    "start_exchange",
]

FAST_RETRY = RetrySettings(
    base_seconds=0.02, factor=2.0, max_delay_seconds=0.2, max_attempts=40, jitter=0.1
)
"""Backoff of a few hundredths of a second: a failed send is due again within the next ticks."""

SettingsTweak = Callable[[Settings], Settings]
_QUIET_OUTCOMES = frozenset({"already-rejected"})  # a refused package the axis keeps listing


def make_template_pki(directory: Path) -> DevPki:
    """A dev PKI generated once (per test session), copied into each exchange."""
    return make_pki(Workspace(directory))


def _copy_pki(template: DevPki, ws: Workspace) -> DevPki:
    shutil.copytree(template.root, ws.pki)
    return dataclasses.replace(template, root=ws.pki)


def _write_atomically(path: Path, data: bytes) -> Path:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(tmp, path)
    return path


@dataclass
class Node:
    """One ministry: its gateway and its drop folder (the back office's side of it)."""

    party: Party
    gateway: Gateway
    root: Path
    errors: list[str] = field(default_factory=list)
    _statuses_written: int = 0

    # -- ticking -------------------------------------------------------------------------

    def tick(self) -> bool:
        """One pass; True when it did anything (a failed pass counts: work is left)."""
        try:
            report = self.gateway.tick()
        except GatewayError as exc:  # the axis is down: the scheduler would just go on too
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return True
        return _busy(report)

    def pending_jobs(self) -> int:
        counts = self.gateway.store.queue.counts()
        return sum(n for (_, state), n in counts.items() if state in _OPEN)

    # -- back office -> gateway ----------------------------------------------------------

    def drop(self, letter: Letter) -> Path:
        return drop_letter(self.root / "outbox", letter)

    def drop_status(
        self,
        document_id: str,
        organ_id: str | None,
        code: str,
        description: str,
        *,
        now: datetime | None = None,
    ) -> Path:
        """Write one ``outbox-status/*.json`` (docs/dropfolder.md) the way a clerk would."""
        self._statuses_written += 1
        status: dict[str, Any] = {
            "version": 1,
            "original": {"document_id": document_id},
            "code": code,
            "description": description,
            "time": (now or datetime.now(VIETNAM)).astimezone(VIETNAM).isoformat(),
            "staff": {"department": "Văn phòng Bộ", "staff": "Lê Minh Tuấn"},
        }
        if organ_id is not None:
            status["original"]["organ_id"] = organ_id
        box = self.root / "outbox-status"
        box.mkdir(parents=True, exist_ok=True)
        name = f"st-{self._statuses_written:03d}-{code}.json"
        data = json.dumps(status, ensure_ascii=False, indent=2).encode("utf-8")
        return _write_atomically(box / name, data)

    # -- gateway -> back office ----------------------------------------------------------

    def inbox(self) -> list[dict[str, Any]]:
        """``metadata.json`` of every received folder, with ``_folder`` (its path) added."""
        box = self.root / "inbox"
        found = []
        for folder in sorted(box.iterdir()) if box.is_dir() else ():
            meta = folder / "metadata.json"
            if folder.name.startswith(".") or not meta.is_file():
                continue
            doc = json.loads(meta.read_text(encoding="utf-8"))
            doc["_folder"] = str(folder)
            found.append(doc)
        return found

    def inbox_status(self) -> list[dict[str, Any]]:
        box = self.root / "inbox-status"
        if not box.is_dir():
            return []
        return [
            json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(box.glob("*.json"))
            if not p.name.startswith(".")
        ]

    def statuses_received(self, code: str | None = None) -> list[dict[str, Any]]:
        return [s for s in self.inbox_status() if code is None or s["code"] == code]

    def failed(self) -> list[dict[str, Any]]:
        box = self.root / "failed"
        if not box.is_dir():
            return []
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(box.glob("*.error.json"))]

    # -- the gateway's store -------------------------------------------------------------

    def sent_documents(self) -> list[StoredDocument]:
        with self.gateway.store.reading() as s:
            return list_documents(s, Direction.OUT, limit=1000)

    def received_documents(self) -> list[StoredDocument]:
        with self.gateway.store.reading() as s:
            return list_documents(s, Direction.IN, limit=1000)

    def sent(self, code_number: str) -> StoredDocument:
        """The outbound document whose số is ``code_number`` (exactly one)."""
        found = [d for d in self.sent_documents() if d.record.code_number == code_number]
        if len(found) != 1:
            raise AssertionError(f"{len(found)} sent documents numbered {code_number!r}")
        return found[0]

    def events(self, store_id: str) -> list[StoredStatusEvent]:
        with self.gateway.store.reading() as s:
            return status_history(s, store_id)

    def progress(self, store_id: str) -> DocumentProgress:
        with self.gateway.store.reading() as s:
            found = document_progress(s, store_id)
        if found is None:
            raise AssertionError(f"no outbound document {store_id}")
        return found


_OPEN = (JobState.READY, JobState.RUNNING)


def _busy(report: TickReport) -> bool:
    outcomes = {**report.documents, **report.statuses}
    moved = any(n for k, n in outcomes.items() if k not in _QUIET_OUTCOMES)
    return bool(report.outbox) or report.jobs_run > 0 or moved


@dataclass
class Exchange:
    """The simulator and two gateways: ``a`` (Bộ Công Thương) sends, ``b`` (Bộ Tài chính)."""

    ws: Workspace
    pki: DevPki
    environ: dict[str, str]
    sim: SimulatorServer
    admin_token: str
    a: Node
    b: Node
    today: datetime = field(default_factory=lambda: datetime.now(VIETNAM))
    _base: Letter | None = None

    @property
    def nodes(self) -> tuple[Node, Node]:
        return (self.a, self.b)

    # -- letters ---------------------------------------------------------------------------

    def letter(
        self,
        number: str,
        *,
        business: dict[str, Any] | None = None,
        recipients: tuple[str, ...] = (PARTNER.organ_id,),
        subject: str | None = None,
    ) -> Letter:
        """The demo's letter, renumbered (số ``number``) and with the business operation given.

        One PDF is rendered per exchange and shared: the bytes are what matters, not the text.
        """
        if self._base is None:
            self._base = compose_letter(MINISTRY, PARTNER, self.today.date())
        base = self._base
        meta = json.loads(json.dumps(base.metadata))
        meta["code_number"] = number
        meta["recipients"] = list(recipients)
        meta["business"] = business or {"type": 0}
        if subject is not None:
            meta["subject"] = subject
        return Letter(f"cv-{number}", meta, base.pdf_name, base.pdf)

    def target_of(self, doc: StoredDocument) -> dict[str, Any]:
        """The ``business.target`` naming one of A's sent documents (revoke, update)."""
        r = doc.record
        return {
            "document_id": r.document_id,
            "organ_id": r.sender,
            "code_number": r.code_number,
            "code_notation": r.code_notation,
            "promulgation_date": r.promulgation_date.isoformat() if r.promulgation_date else None,
        }

    # -- running ---------------------------------------------------------------------------

    def tick(self) -> bool:
        busy = False
        for node in self.nodes:
            busy = node.tick() or busy
        return busy

    def settle(self, *, timeout: float = 20.0) -> int:
        """Tick both gateways until a round changes nothing and no job is waiting.

        Jobs backing off are waited for (briefly: :data:`FAST_RETRY`); dead jobs are not.
        Returns the number of rounds; raises AssertionError after ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        rounds = 0
        while True:
            rounds += 1
            busy = self.tick()
            waiting = sum(n.pending_jobs() for n in self.nodes)
            if not busy and not waiting:
                return rounds
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"not settled after {timeout}s ({rounds} rounds, {waiting} jobs waiting); "
                    f"last errors: {[n.errors[-3:] for n in self.nodes]}"
                )
            if not busy:
                time.sleep(0.02)  # only backoff is left: wait for it to fall due

    # -- the axis's faults -----------------------------------------------------------------

    def faults(self, **changes: Any) -> dict[str, Any]:
        """POST ``/_admin/faults`` (docs/simulator.md); returns the simulator's settings."""
        request = urllib.request.Request(
            f"{self.sim.url}/_admin/faults",
            data=json.dumps(changes).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {self.admin_token}",
                "Content-Type": "application/json",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            result: dict[str, Any] = json.loads(answer.read().decode("utf-8"))
        return result

    def clear_faults(self) -> dict[str, Any]:
        return self.faults(error_rate=0.0, truncate_rate=0.0, operations=[], clear_outages=True)

    def close(self) -> None:
        for node in self.nodes:
            node.gateway.close()
        self.sim.stop()


def start_exchange(
    root: Path,
    *,
    template_pki: DevPki | None = None,
    tweak_a: SettingsTweak | None = None,
    tweak_b: SettingsTweak | None = None,
    retry: RetrySettings = FAST_RETRY,
) -> Exchange:
    """Simulator plus both gateways in ``root`` (recreated). ``tweak_*`` adjust settings."""
    ws = prepare_workdir(root)
    pki = _copy_pki(template_pki, ws) if template_pki is not None else make_pki(ws)
    environ = new_secrets((MINISTRY, PARTNER))
    token = secrets.token_urlsafe(18)
    config = dataclasses.replace(
        simulator_config((MINISTRY, PARTNER), environ, db=ws.axis_db), admin_token=token
    )
    sim = SimulatorServer(config)
    url = sim.start()
    nodes: list[Node] = []
    try:
        for party, peer, tweak in ((MINISTRY, PARTNER, tweak_a), (PARTNER, MINISTRY, tweak_b)):
            settings = gateway_settings(party, (peer,), pki, ws, url)
            settings = dataclasses.replace(settings, retry={"default": retry})
            if tweak is not None:
                settings = tweak(settings)
            gw = Gateway.from_settings(settings, environ=environ)
            nodes.append(Node(party, gw, ws.dropfolder(party)))
    except BaseException:
        for node in nodes:
            node.gateway.close()
        sim.stop()
        raise
    return Exchange(ws, pki, environ, sim, token, nodes[0], nodes[1])


@contextmanager
def running_exchange(root: Path, **options: Any) -> Iterator[Exchange]:
    ex = start_exchange(root, **options)
    try:
        yield ex
    finally:
        ex.close()


def nfd(text: str) -> str:
    """Decomposed Vietnamese, as some back offices produce it (the gateway stores NFC)."""
    return unicodedata.normalize("NFD", text)
