"""Live progress of the demo letter: six steps, one plain-text line each time one is reached.

What is watched is what a person could look at: the ministry's outbox folder, the ministry's
store through :mod:`gateway.exchange.progress` (the same read model the admin UI will use) and
the partner's inbox folder. Lines are plain text with no cursor tricks, so the output reads the
same in a terminal, a pipe or a CI log. Steps are reported in order: when one look shows a
later step, the earlier ones it implies are printed first, with the same time.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from pathlib import Path

from gateway.demo.clerk import Arrival
from gateway.exchange.lifecycle import Phase
from gateway.exchange.progress import DocumentProgress, RecipientProgress
from gateway.store import DeliveryState

__all__ = ["INDENT", "LABELS", "Look", "Step", "Tracker", "failed_items", "status_files"]

INDENT = " " * 11
"""Continuation lines line up under the step text."""


class Step(enum.IntEnum):
    TAKEN = 1
    STORED = 2
    SENT = 3
    ARRIVED = 4
    STATUS_01 = 5
    STATUS_03 = 6


LABELS: dict[Step, str] = {
    Step.TAKEN: "letter taken from the ministry's outbox",
    Step.STORED: "signed and stored by the ministry's gateway",
    Step.SENT: "sent to the axis",
    Step.ARRIVED: "arrived in the partner's inbox",
    Step.STATUS_01: "status 01 (received) back at the ministry",
    Step.STATUS_03: "status 03 (accepted) back at the ministry",
}


@dataclass(frozen=True, slots=True)
class Look:
    """One look at everything: taken (the outbox folder is gone), the ministry's view of the
    letter, its arrival at the partner, and refused items in either drop folder."""

    taken: bool
    progress: DocumentProgress | None
    arrival: Arrival | None
    failures: tuple[str, ...] = ()


def failed_items(dropfolder: Path, who: str) -> tuple[str, ...]:
    """Reasons of every item a gateway refused (``failed/*.error.json``), one line each."""
    found: list[str] = []
    for report in sorted((dropfolder / "failed").glob("*.error.json")):
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
            reasons = "; ".join(str(r) for r in data.get("reasons", ())) or "no reason given"
            found.append(f"{who} refused {data.get('item', report.name)}: {reasons}")
        except (OSError, ValueError):
            found.append(f"{who} refused an item: see {report}")
    return tuple(found)


def status_files(dropfolder: Path, code: str) -> list[Path]:
    """``inbox-status/*.json`` files reporting ``code`` (what a back office was told)."""
    found = []
    for path in sorted((dropfolder / "inbox-status").glob("*.json")):
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("code") == code:
                found.append(path)
        except (OSError, ValueError):
            continue  # being written or unreadable: looked at again next time
    return found


def _reached(look: Look, recipient: RecipientProgress | None) -> set[Step]:
    steps: set[Step] = set()
    if look.taken:
        steps.add(Step.TAKEN)
    if look.progress is not None:
        steps.add(Step.STORED)
    if recipient is not None:
        if recipient.delivery_state is DeliveryState.SENT or recipient.state.phase >= Phase.SENT:
            steps.add(Step.SENT)
        if "01" in recipient.codes:
            steps.add(Step.STATUS_01)
        if "03" in recipient.codes:
            steps.add(Step.STATUS_03)
    if look.arrival is not None:
        steps.add(Step.ARRIVED)
    return steps


@dataclass
class Tracker:
    """Turns successive looks into lines; ``reached`` keeps the elapsed time of each step."""

    partner: str
    reached: dict[Step, float] = field(default_factory=dict)
    problem: str | None = None

    @property
    def done(self) -> bool:
        return len(self.reached) == len(Step)

    @property
    def waiting_for(self) -> Step | None:
        return next((s for s in Step if s not in self.reached), None)

    def update(self, look: Look, elapsed: float) -> list[str]:
        recipient = look.progress.recipient(self.partner) if look.progress else None
        new = _reached(look, recipient)
        if new:
            new |= {s for s in Step if s <= max(new)}  # a later step implies the earlier ones
        lines = []
        for step in sorted(new - set(self.reached)):
            self.reached[step] = elapsed
            lines.append(_line(elapsed, step, _detail(step, look, recipient)))
        self.problem = _problem(look, recipient)
        return lines


def _line(elapsed: float, step: Step, detail: str) -> str:
    text = f"[{elapsed:6.1f} s] {step.value}/{len(Step)} {LABELS[step]}"
    return f"{text}: {detail}" if detail else text


def _detail(step: Step, look: Look, recipient: RecipientProgress | None) -> str:
    progress = look.progress
    if step is Step.STORED and progress is not None:
        return f"DocumentId {progress.document_id} (store id {progress.id})"
    if step is Step.SENT and recipient is not None:
        return f"{recipient.agency} via {recipient.channel}, standing '{recipient.label}'"
    if step is Step.ARRIVED and look.arrival is not None:
        return f"{look.arrival.folder.name} — {look.arrival.metadata.get('subject', '')}"
    if step in (Step.STATUS_01, Step.STATUS_03) and recipient is not None:
        code = "01" if step is Step.STATUS_01 else "03"
        said = next((s.description for s in recipient.state.statuses if s.code == code), "")
        quoted = f' "{said}"' if said else ""
        return f"{recipient.agency}{quoted}, standing '{recipient.label}'"
    return ""


def _problem(look: Look, recipient: RecipientProgress | None) -> str | None:
    """Something that will not get better by waiting: a refused item, a dead delivery, a 02."""
    if look.failures:
        return look.failures[0]
    if recipient is None:
        return None
    if recipient.delivery_state in (DeliveryState.DEAD, DeliveryState.CANCELLED):
        return f"delivery to {recipient.agency} is {recipient.delivery_state.value}"
    if recipient.state.phase is Phase.REFUSED:
        return f"{recipient.agency} refused the letter: {recipient.refusal_reason or '(no reason)'}"
    return None
