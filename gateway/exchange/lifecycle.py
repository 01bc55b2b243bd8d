"""The life of one document at one recipient, as a pure, order-independent state machine.

Status packages travel over a best-effort axis: they arrive late, twice, or out of order (a
05 before its 03). So the state is the *set of facts* seen so far and every visible property
(phase, pending request, refusal) is a function of that set. Adding a fact is a set union,
which makes :func:`apply` idempotent and commutative: replaying the same events in any order
gives the same state, and a duplicate is recognised as such. Progress is rank-based, so a
late 03 never moves a document back from 05. Interpretation choices: docs/lifecycle.md.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from gateway.errors import ExchangeError


class Phase(enum.IntEnum):
    """Progress at the recipient; the value is the rank. REFUSED (02) outranks everything."""

    QUEUED = 0
    SENT = 1
    ARRIVED = 2  # 01
    ACCEPTED = 3  # 03
    ASSIGNED = 4  # 04
    PROCESSING = 5  # 05
    FINISHED = 6  # 06
    REFUSED = 7  # 02: terminal


PHASE_OF_CODE: dict[str, Phase] = {
    "01": Phase.ARRIVED,
    "02": Phase.REFUSED,
    "03": Phase.ACCEPTED,
    "04": Phase.ASSIGNED,
    "05": Phase.PROCESSING,
    "06": Phase.FINISHED,
}
TAKE_BACK, AGREE, DISAGREE = "13", "15", "16"
KNOWN_CODES = frozenset(PHASE_OF_CODE) | {TAKE_BACK, AGREE, DISAGREE}


class TransportKind(enum.Enum):
    QUEUED = "queued"
    SENT = "sent"


class RequestKind(enum.Enum):
    """What the sender asked of the recipient after the document itself."""

    TAKE_BACK = "take-back"  # status 13
    REVOKE = "revoke"  # business operation 1
    UPDATE = "update"  # business operation 2
    REPLACE = "replace"  # business operation 3


class Outcome(enum.IntEnum):
    """A request's answer; ranked so a late 16 never undoes an agreement (15)."""

    PENDING = 0
    REFUSED = 1  # 16
    AGREED = 2  # 15


class Disposition(enum.Enum):
    """Where the document stands with respect to take-back/revoke/update/replace."""

    ACTIVE = "active"
    TAKE_BACK_REQUESTED = "take-back requested"
    TAKEN_BACK = "taken back"
    REVOKE_REQUESTED = "revoke requested"
    REVOKED = "revoked"
    UPDATE_REQUESTED = "update requested"
    UPDATED = "updated"
    REPLACE_REQUESTED = "replace requested"
    REPLACED = "replaced"


_REQUESTED = {
    RequestKind.TAKE_BACK: Disposition.TAKE_BACK_REQUESTED,
    RequestKind.REVOKE: Disposition.REVOKE_REQUESTED,
    RequestKind.UPDATE: Disposition.UPDATE_REQUESTED,
    RequestKind.REPLACE: Disposition.REPLACE_REQUESTED,
}
_AGREED = {
    RequestKind.REVOKE: Disposition.REVOKED,
    RequestKind.TAKE_BACK: Disposition.TAKEN_BACK,
    RequestKind.REPLACE: Disposition.REPLACED,
    RequestKind.UPDATE: Disposition.UPDATED,
}  # in this order of precedence: a revoked document stays revoked


def _aware(at: datetime, what: str) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ExchangeError(f"{what} at {at.isoformat()}: the time has no UTC offset")


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A status package from (or to) the recipient. Any code is accepted and kept."""

    code: str
    at: datetime
    description: str = ""

    def __post_init__(self) -> None:
        code = self.code.strip()
        if code.isdigit() and len(code) == 1:
            code = "0" + code  # "3" from a sloppy producer is 03
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "description", unicodedata.normalize("NFC", self.description))
        _aware(self.at, f"status {code!r}")

    @property
    def known(self) -> bool:
        return self.code in KNOWN_CODES


@dataclass(frozen=True, slots=True)
class TransportEvent:
    kind: TransportKind
    at: datetime

    def __post_init__(self) -> None:
        _aware(self.at, f"transport event {self.kind.value}")


@dataclass(frozen=True, slots=True)
class OperationEvent:
    """A revoke/update/replace package about this document was sent to the recipient."""

    kind: RequestKind
    at: datetime
    document_id: str = ""

    def __post_init__(self) -> None:
        if self.kind is RequestKind.TAKE_BACK:
            raise ExchangeError("take-back is status 13, not a business operation")
        _aware(self.at, f"operation {self.kind.value}")


Event = StatusEvent | TransportEvent | OperationEvent


def event_order(event: Event) -> tuple[datetime, int, str, str]:
    """A total order on events: time first, then a fixed tie-break (for reports and replay)."""
    if isinstance(event, TransportEvent):
        return (event.at, 0, event.kind.value, "")
    if isinstance(event, OperationEvent):
        return (event.at, 1, event.kind.value, event.document_id)
    return (event.at, 2, event.code, event.description)


@dataclass(frozen=True, slots=True)
class RequestStatus:
    kind: RequestKind
    at: datetime
    outcome: Outcome = Outcome.PENDING
    answered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RecipientState:
    """The facts known about one (document, recipient) pair; everything else is derived."""

    events: frozenset[Event] = field(default_factory=frozenset)

    @property
    def statuses(self) -> tuple[StatusEvent, ...]:
        found = [e for e in self.events if isinstance(e, StatusEvent)]
        return tuple(sorted(found, key=event_order))

    @property
    def phase(self) -> Phase:
        ranks = [Phase.QUEUED]
        for e in self.events:
            if isinstance(e, TransportEvent):
                ranks.append(Phase.SENT if e.kind is TransportKind.SENT else Phase.QUEUED)
            elif isinstance(e, StatusEvent) and e.code in PHASE_OF_CODE:
                ranks.append(PHASE_OF_CODE[e.code])
        return max(ranks)

    @property
    def refusal(self) -> StatusEvent | None:
        """The earliest 02 (its description is the reason)."""
        return next((s for s in self.statuses if s.code == "02"), None)

    @property
    def conflicting(self) -> bool:
        """Both a refusal and progress past it (03..06): kept, shown, and left to a person."""
        codes = {s.code for s in self.statuses}
        return "02" in codes and bool(codes & {"03", "04", "05", "06"})

    @property
    def unknown(self) -> tuple[StatusEvent, ...]:
        return tuple(s for s in self.statuses if not s.known)

    @property
    def requests(self) -> tuple[RequestStatus, ...]:
        """Requests in time order, each with the strongest answer given in its window.

        An answer (15/16) belongs to the latest request at or before it; one older than every
        request (clocks differ between systems) belongs to the first.
        """
        found: list[tuple[datetime, int, RequestKind]] = []
        kinds = list(RequestKind)
        for e in self.events:
            if isinstance(e, OperationEvent):
                found.append((e.at, kinds.index(e.kind), e.kind))
            elif isinstance(e, StatusEvent) and e.code == TAKE_BACK:
                found.append((e.at, 0, RequestKind.TAKE_BACK))
        reqs = [RequestStatus(kind, at) for at, _, kind in sorted(set(found))]
        if not reqs:
            return ()
        for answer in self.statuses:
            if answer.code not in (AGREE, DISAGREE):
                continue
            i = max([0] + [n for n, r in enumerate(reqs) if r.at <= answer.at])
            outcome = Outcome.AGREED if answer.code == AGREE else Outcome.REFUSED
            r = reqs[i]
            if (outcome, _neg(answer.at)) > (r.outcome, _neg(r.answered_at)):
                reqs[i] = RequestStatus(r.kind, r.at, outcome, answer.at)
        return tuple(reqs)

    @property
    def disposition(self) -> Disposition:
        live = [r for r in self.requests if r.outcome is not Outcome.REFUSED]
        agreed = {r.kind for r in live if r.outcome is Outcome.AGREED}
        for kind in (RequestKind.REVOKE, RequestKind.TAKE_BACK, RequestKind.REPLACE):
            if kind in agreed:
                return _AGREED[kind]
        if not live:
            return Disposition.ACTIVE
        last = live[-1]
        return _AGREED[last.kind] if last.outcome is Outcome.AGREED else _REQUESTED[last.kind]

    def view(self) -> tuple[Phase, Disposition, tuple[RequestStatus, ...], bool, int]:
        """The visible standing; two states with equal views look the same to a clerk."""
        return (self.phase, self.disposition, self.requests, self.conflicting, len(self.unknown))

    @property
    def label(self) -> str:
        text = self.phase.name.lower()
        if self.disposition is not Disposition.ACTIVE:
            text += f"; {self.disposition.value}"
        return text + ("; conflicting statuses" if self.conflicting else "")


def _neg(moment: datetime | None) -> float:
    """Among equal outcomes the earliest answer is kept, so the choice is order-free."""
    return -moment.timestamp() if moment else float("-inf")


class Effect(enum.Enum):
    DUPLICATE = "duplicate"  # the very same fact was already known: nothing to do
    RECORDED = "recorded"  # a new fact that does not change the standing (late, repeated)
    ADVANCED = "advanced"  # the standing moved forward


@dataclass(frozen=True, slots=True)
class Transition:
    new_state: RecipientState
    changed: bool  # something new to persist
    note: str
    effect: Effect


def describe(event: Event) -> str:
    if isinstance(event, StatusEvent):
        kind = "" if event.known else " (unknown code, kept as data)"
        return f"status {event.code}{kind}"
    if isinstance(event, TransportEvent):
        return event.kind.value
    return f"{event.kind.value} operation"


def apply(state: RecipientState, event: Event) -> Transition:
    """Add one fact. Never raises for odd input: unknown codes and late events are data."""
    what = describe(event)
    if event in state.events:
        return Transition(state, False, f"{what}: duplicate, no change", Effect.DUPLICATE)
    new = RecipientState(state.events | {event})
    if new.view() == state.view():
        note = f"{what}: recorded; standing stays {state.label}"
        if isinstance(event, StatusEvent) and event.code in PHASE_OF_CODE:
            note += " (late or repeated)"
        return Transition(new, True, note, Effect.RECORDED)
    parts = []
    if new.phase != state.phase:
        parts.append(f"phase {state.phase.name.lower()} -> {new.phase.name.lower()}")
    if new.disposition != state.disposition:
        parts.append(f"{state.disposition.value} -> {new.disposition.value}")
    elif new.requests != state.requests:
        parts.append("request answered; standing stays " + new.disposition.value)
    if new.conflicting and not state.conflicting:
        parts.append("conflict: refused (02) and progressed (03..06); refused is terminal")
    if len(new.unknown) != len(state.unknown):
        parts.append("unknown code kept as data")
    return Transition(new, True, f"{what}: " + "; ".join(parts), Effect.ADVANCED)


def derive(events: Iterable[Event], initial: RecipientState | None = None) -> RecipientState:
    """The state after ``events``, whatever order they arrived in."""
    state = initial or RecipientState()
    for event in sorted(events, key=event_order):
        state = apply(state, event).new_state
    return state
