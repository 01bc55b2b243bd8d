"""Where our outbound documents stand, recipient by recipient: a read model for people.

The store keeps raw facts (deliveries with their transport state, status events as they
arrived); the lifecycle module knows what they mean. This module joins the two for a reader
(the demo's live progress now, the admin UI later) and never writes. The standing of each
recipient is :func:`gateway.exchange.lifecycle.derive` over

* a ``SENT`` transport event at the delivery's ``updated_at`` when its state is ``sent``, and
* every status event the recipient reported to us (direction IN), at the time it reported
  (falling back to when we received it),

plus what we asked of the recipient afterwards: our own 13 (take-back request, sent to every
recipient), and each revoke / update / replace package of ours that acts on the document, with
the 15 / 16 the recipient answered it with. So the answer is the same whatever order the
statuses arrived in. An agency that reported a
status without having a delivery of ours (a forward, a misrouted status) is listed too, with
no channel and no delivery state: a person should see it rather than have it vanish.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from gateway.exchange.lifecycle import (
    AGREE,
    DISAGREE,
    TAKE_BACK,
    Event,
    OperationEvent,
    RecipientState,
    RequestKind,
    StatusEvent,
    TransportEvent,
    TransportKind,
    derive,
)
from gateway.store import (
    DeliveryInfo,
    DeliveryState,
    Direction,
    StoredDocument,
    StoredStatusEvent,
    deliveries_for,
    documents_acting_on,
    get_document,
    list_documents,
    status_history,
)

__all__ = [
    "DocumentProgress",
    "RecipientProgress",
    "document_progress",
    "outbound_progress",
]


@dataclass(frozen=True, slots=True)
class RecipientProgress:
    """One recipient of one document. ``codes`` are the status codes in arrival order."""

    agency: str
    channel: str | None
    delivery_state: DeliveryState | None
    state: RecipientState
    label: str
    codes: tuple[str, ...]
    refusal_reason: str | None

    @property
    def has(self) -> frozenset[str]:
        """The set of codes received, for "has the 03 come back yet?" questions."""
        return frozenset(self.codes)


@dataclass(frozen=True, slots=True)
class DocumentProgress:
    """One outbound document: ``id`` is the store's id, ``document_id`` the edXML DocumentId."""

    id: str
    document_id: str
    subject: str
    code: str
    created_at: datetime
    recipients: tuple[RecipientProgress, ...]

    def recipient(self, agency: str) -> RecipientProgress | None:
        return next((r for r in self.recipients if r.agency == agency), None)


def _code(doc: StoredDocument) -> str:
    """Số/ký hiệu as printed on the letter: ``4521/BCT-TTTN`` (just the number without one)."""
    number, notation = doc.record.code_number, doc.record.code_notation
    return f"{number}/{notation}" if number and notation else number or notation


def _arrival(event: StoredStatusEvent) -> tuple[datetime, int]:
    return (event.received_at, event.id)


_OPERATION = {1: RequestKind.REVOKE, 2: RequestKind.UPDATE, 3: RequestKind.REPLACE}


def _status(s: StoredStatusEvent) -> StatusEvent:
    return StatusEvent(s.event.code, s.event.reported_at or s.received_at, s.event.description)


def _recipient(
    agency: str,
    delivery: DeliveryInfo | None,
    statuses: Sequence[StoredStatusEvent],
    requests: Sequence[Event] = (),
) -> RecipientProgress:
    reported = [_status(s) for s in sorted(statuses, key=_arrival)]
    events: list[Event] = [*reported, *requests]
    if delivery is not None and delivery.state is DeliveryState.SENT:
        events.append(TransportEvent(TransportKind.SENT, delivery.updated_at))
    state = derive(events)
    refusal = state.refusal
    return RecipientProgress(
        agency=agency,
        channel=delivery.channel if delivery else None,
        delivery_state=delivery.state if delivery else None,
        state=state,
        label=state.label,
        codes=tuple(e.code for e in reported),  # normalised: a sloppy "3" reads "03"
        refusal_reason=refusal.description if refusal is not None else None,
    )


def _requests(session: Session, doc: StoredDocument) -> dict[str, list[Event]]:
    """Per recipient: our 13s, our operations on the document, and their 15/16 answers."""
    found: dict[str, list[Event]] = defaultdict(list)
    mine = doc.record.sender
    for stored in status_history(session, doc.id, mine):
        if stored.event.direction is Direction.OUT and stored.event.code == TAKE_BACK:
            for r in doc.record.recipients:
                found[r].append(_status(stored))
    for op in documents_acting_on(session, Direction.OUT, mine, doc.record.document_id):
        kind = _OPERATION.get(op.record.business_type)
        if kind is None:
            continue
        for r in op.record.recipients:
            found[r].append(OperationEvent(kind, op.created_at, op.record.document_id))
        for answer in status_history(session, op.id):
            e = answer.event
            if e.direction is Direction.IN and e.code in (AGREE, DISAGREE):
                found[e.agency].append(_status(answer))
    return found


def _progress(session: Session, doc: StoredDocument) -> DocumentProgress:
    by_agency: dict[str, list[StoredStatusEvent]] = defaultdict(list)
    for stored in status_history(session, doc.id):
        if stored.event.direction is Direction.IN:
            by_agency[stored.event.agency].append(stored)
    requests = _requests(session, doc)
    deliveries = deliveries_for(session, doc.id)
    rows = [
        _recipient(d.recipient, d, by_agency.get(d.recipient, ()), requests.get(d.recipient, ()))
        for d in deliveries
    ]
    known = {d.recipient for d in deliveries}
    rows.extend(_recipient(a, None, by_agency[a]) for a in _unlisted(by_agency, known))
    return DocumentProgress(
        id=doc.id,
        document_id=doc.record.document_id,
        subject=doc.record.subject,
        code=_code(doc),
        created_at=doc.created_at,
        recipients=tuple(rows),
    )


def _unlisted(by_agency: dict[str, list[StoredStatusEvent]], known: Iterable[str]) -> list[str]:
    """Agencies that reported without a delivery of ours, in order of their first report."""
    seen = set(known)
    rest = [a for a in by_agency if a not in seen]
    return sorted(rest, key=lambda a: min(_arrival(e) for e in by_agency[a]))


def document_progress(session: Session, store_document_id: str) -> DocumentProgress | None:
    """The progress of one outbound document by its store id; None if unknown or inbound."""
    doc = get_document(session, store_document_id)
    if doc is None or doc.record.direction is not Direction.OUT:
        return None
    return _progress(session, doc)


def outbound_progress(session: Session, *, limit: int = 50) -> list[DocumentProgress]:
    """The newest ``limit`` outbound documents, newest first, each with its recipients."""
    return [_progress(session, doc) for doc in list_documents(session, Direction.OUT, limit=limit)]
