"""``gateway demo``: one official letter from Bộ Công Thương to Bộ Tài chính and back, live.

In a fresh work directory: a dev PKI, the axis simulator on a free loopback port, two gateways
(one per ministry, each with its own SQLite store, drop folder, signing key and axis account),
a letter dropped into the ministry's outbox, and the partner's clerk answering 03 once it
arrives. The run ends when the 03 is back at the ministry (exit 0) or when the timeout passes
(exit 1, naming the step that did not happen). Gateways and simulator are stopped in every
case, Ctrl-C included. The gateways' own log goes to ``gateway.log`` in the work directory.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Protocol, TextIO

from gateway.config import Settings
from gateway.demo.clerk import VIETNAM, Arrival, Clerk
from gateway.demo.letter import Letter, compose_letter, drop_letter
from gateway.demo.parties import MINISTRY, PARTNER, Workspace, prepare_workdir
from gateway.demo.stage import gateway_settings, make_pki, new_secrets, simulator_config
from gateway.demo.summary import failure_text, success_text
from gateway.demo.watch import (
    INDENT,
    LABELS,
    Look,
    Step,
    Tracker,
    failed_items,
    status_files,
)
from gateway.exchange.progress import DocumentProgress, outbound_progress
from gateway.simulator import SimulatorServer
from gateway.store import Store

__all__ = ["EXIT_INTERRUPTED", "DemoGateway", "GatewayFactory", "run_demo"]

EXIT_INTERRUPTED = 130
TOLD_GRACE_SECONDS = 3.0


class DemoGateway(Protocol):
    """What the demo needs of a gateway (:class:`gateway.app.Gateway` has it)."""

    @property
    def store(self) -> Store: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


GatewayFactory = Callable[[Settings, Mapping[str, str]], DemoGateway]


def app_gateway(settings: Settings, environ: Mapping[str, str]) -> DemoGateway:
    # late: `gateway --help` and every other command need not load the whole engine
    from gateway.app import Gateway  # noqa: PLC0415

    return Gateway.from_settings(settings, environ=environ)


def _find(store: Store, letter: Letter) -> DocumentProgress | None:
    with store.reading() as session:
        found = outbound_progress(session, limit=20)
    return next((p for p in found if p.code == letter.code), None)


def _look(ws: Workspace, store: Store, letter: Letter, arrival: Arrival | None) -> Look:
    failures = failed_items(ws.dropfolder(MINISTRY), MINISTRY.name) + failed_items(
        ws.dropfolder(PARTNER), PARTNER.name
    )
    taken = not (ws.dropfolder(MINISTRY) / "outbox" / letter.folder).exists()
    return Look(taken, _find(store, letter), arrival, failures)


def _attach_log(path: Path) -> Callable[[], None]:
    """Send the gateway's log records to ``path`` for the run; returns the undo."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    wanted = {"gateway": logging.INFO, "adapters": logging.INFO, "apscheduler": logging.WARNING}
    loggers = [logging.getLogger(n) for n in wanted]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        if lg.level == logging.NOTSET:
            lg.setLevel(wanted[lg.name])  # apscheduler's INFO is a line per job run

    def undo() -> None:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)
        handler.close()

    return undo


def _check_pdf(arrival: Arrival, letter: Letter) -> str | None:
    """None when the received PDF is byte-identical to the one sent, else the problem."""
    path = arrival.attachment(letter.pdf_name)
    if path is None or not path.is_file():
        return f"the PDF {letter.pdf_name!r} is missing from {arrival.folder}"
    if hashlib.sha256(path.read_bytes()).hexdigest() != letter.pdf_sha256:
        return f"the PDF received in {path} differs from the one sent"
    return None


def run_demo(
    directory: Path,
    *,
    timeout: float = 90.0,
    out: TextIO,
    factory: GatewayFactory = app_gateway,
    interval: float = 0.1,
) -> int:
    """Run the whole demo in ``directory`` (recreated); print progress to ``out``."""

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    ws = prepare_workdir(directory)
    undo_log = _attach_log(ws.root / "gateway.log")
    sim: SimulatorServer | None = None
    gateways: list[DemoGateway] = []
    tracker = Tracker(PARTNER.organ_id)
    try:
        say(
            f"gateway demo: {MINISTRY.name} ({MINISTRY.organ_id}) -> "
            f"{PARTNER.name} ({PARTNER.organ_id}), work dir {ws.root}"
        )
        pki = make_pki(ws)
        environ = new_secrets((MINISTRY, PARTNER))
        sim = SimulatorServer(simulator_config((MINISTRY, PARTNER), environ, db=ws.axis_db))
        url = sim.start()
        say(f"dev PKI in {ws.pki}; axis simulator on {url}")
        for party, peer in ((MINISTRY, PARTNER), (PARTNER, MINISTRY)):
            settings = gateway_settings(party, (peer,), pki, ws, url)
            gateways.append(factory(settings, environ))
        for gw in gateways:
            gw.start()
        say("gateways started: " + ", ".join(p.name for p in (MINISTRY, PARTNER)))
        letter = compose_letter(MINISTRY, PARTNER, datetime.now(VIETNAM).date())
        dropped = drop_letter(ws.dropfolder(MINISTRY) / "outbox", letter)
        say(
            f'letter {letter.code} "{letter.subject}" with {letter.pdf_name!r} '
            f"({len(letter.pdf)} bytes) dropped in {dropped}"
        )
        return _follow(
            ws, gateways[0].store, letter, tracker, timeout=timeout, interval=interval, say=say
        )
    except KeyboardInterrupt:
        waiting = tracker.waiting_for
        where = f" while waiting for: {LABELS[waiting]}" if waiting else ""
        say(f"interrupted{where}; stopping")
        return EXIT_INTERRUPTED
    finally:
        _shutdown(gateways, sim, say)
        undo_log()


def _follow(
    ws: Workspace,
    store: Store,
    letter: Letter,
    tracker: Tracker,
    *,
    timeout: float,
    interval: float,
    say: Callable[[str], None],
) -> int:
    """Poll until all six steps are reached, a problem shows up, or ``timeout`` passes."""
    clerk = Clerk(ws.dropfolder(PARTNER))
    arrival: Arrival | None = None
    pdf_problem: str | None = None
    announced = False
    started = time.monotonic()
    while True:
        elapsed = time.monotonic() - started
        for new in clerk.poll():
            if arrival is None and new.code == letter.code:
                arrival, pdf_problem = new, _check_pdf(new, letter)
        look = _look(ws, store, letter, arrival)
        for line in tracker.update(look, elapsed):
            say(line)
        if arrival is not None and not announced and Step.ARRIVED in tracker.reached:
            announced = True
            if pdf_problem is None:
                say(
                    f"{INDENT}PDF byte-identical (sha256 {letter.pdf_sha256[:16]}…); "
                    f"the partner's clerk answered 03 in {arrival.status_file}"
                )
        problem = tracker.problem or pdf_problem
        if tracker.done and problem is None:
            told = _told(ws, "03", deadline=time.monotonic() + TOLD_GRACE_SECONDS)
            if told is not None:
                say(f"{INDENT}the ministry's back office was told of the 03 in {told}")
            say(success_text(ws, tracker, letter, look))
            return 0
        if problem is not None or elapsed > timeout:
            say(failure_text(ws, tracker, problem, timeout, look))
            return 1
        time.sleep(interval)


def _told(ws: Workspace, code: str, *, deadline: float) -> Path | None:
    """The ministry's ``inbox-status/`` file for ``code``, waiting a moment for it: the store
    has the status before the back office is notified, and stopping first would leave it out."""
    while True:
        found = status_files(ws.dropfolder(MINISTRY), code)
        if found or time.monotonic() >= deadline:
            return found[0] if found else None
        time.sleep(0.1)


def _shutdown(
    gateways: list[DemoGateway], sim: SimulatorServer | None, say: Callable[[str], None]
) -> None:
    """Stop everything that was started, each step on its own: one failure stops no other."""
    for action in ("stop", "close"):
        for gw in reversed(gateways):
            try:
                getattr(gw, action)()
            except Exception as exc:
                say(f"warning: gateway {action} failed: {exc}")
    if sim is not None:
        try:
            sim.stop()
        except Exception as exc:
            say(f"warning: axis simulator stop failed: {exc}")
