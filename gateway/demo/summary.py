"""The demo's closing words: on success where everything is and how to look at it; on
failure which step did not happen and what was seen last, so the reader knows where to dig."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

from gateway.demo.letter import Letter
from gateway.demo.parties import MINISTRY, PARTNER, Workspace
from gateway.demo.watch import LABELS, Look, Step, Tracker

__all__ = ["failure_text", "success_text"]

_SHORT = {
    Step.TAKEN: "taken",
    Step.STORED: "stored",
    Step.SENT: "sent",
    Step.ARRIVED: "arrived",
    Step.STATUS_01: "01",
    Step.STATUS_03: "03",
}


def _q(path: Path) -> str:
    return shlex.quote(str(path))


def _program() -> str:
    """How to call ``gateway`` from this shell: bare when it is on PATH, else by its path
    (``make run`` uses ``.venv/bin/gateway``, which a fresh shell does not have on PATH)."""
    found = shutil.which("gateway")
    here = Path(sys.executable).with_name("gateway")
    if found is not None and Path(found).resolve() == here.resolve():
        return "gateway"
    return _q(here) if here.exists() else f"{_q(Path(sys.executable))} -m gateway"


def _times(tracker: Tracker) -> str:
    return " · ".join(f"{_SHORT[s]} {t:.1f} s" for s, t in sorted(tracker.reached.items()))


def success_text(ws: Workspace, tracker: Tracker, letter: Letter, look: Look) -> str:
    total = max(tracker.reached.values(), default=0.0)
    ministry_data = ws.data_dir(MINISTRY)
    lines = [
        "",
        f"done in {total:.1f} s: letter {letter.code} went from {MINISTRY.name} to "
        f"{PARTNER.name} and the partner's 03 came back.",
        f"  times   {_times(tracker)}",
        "where the files are:",
        f"  sent       {ws.dropfolder(MINISTRY) / 'done' / letter.folder}",
    ]
    if look.arrival is not None:
        lines.append(f"  received   {look.arrival.folder}")
    lines += [
        f"  statuses   {ws.dropfolder(MINISTRY) / 'inbox-status'} (what the ministry's "
        "back office is told)",
        f"  stores     {ministry_data}, {ws.data_dir(PARTNER)} (SQLite, packages, exchange log)",
        f"  dev PKI    {ws.pki}",
        f"  log        {ws.root / 'gateway.log'}",
        "how to look:",
        f"  {_program()} log verify --data-dir {_q(ministry_data)}",
    ]
    if look.progress is not None:
        lines.append(
            f"  {_program()} log export {look.progress.id} -o letter-evidence.zip "
            f"--data-dir {_q(ministry_data)}"
        )
    return "\n".join(lines)


def failure_text(
    ws: Workspace, tracker: Tracker, problem: str | None, timeout: float, look: Look
) -> str:
    waiting = tracker.waiting_for
    step = f"step {waiting.value}/{len(Step)} '{LABELS[waiting]}'" if waiting else "the check"
    if problem is not None:
        head = f"FAILED at {step}: {problem}"
    else:
        head = f"FAILED: {step} did not happen within {timeout:g} s"
    lines = ["", head]
    if tracker.reached:
        lines.append(f"  reached  {_times(tracker)}")
    recipient = look.progress.recipient(PARTNER.organ_id) if look.progress else None
    if recipient is not None:
        state = recipient.delivery_state.value if recipient.delivery_state else "none"
        lines.append(
            f"  last seen  delivery to {recipient.agency}: {state}, standing "
            f"'{recipient.label}', statuses {', '.join(recipient.codes) or 'none'}"
        )
    lines += [
        f"  look at    {ws.root / 'gateway.log'} (the gateways' log)",
        f"             {ws.dropfolder(MINISTRY)}",
        f"             {ws.dropfolder(PARTNER)} (failed/ holds refused items)",
        f"  queue      gateway queue list --data-dir {_q(ws.data_dir(MINISTRY))}",
    ]
    return "\n".join(lines)
