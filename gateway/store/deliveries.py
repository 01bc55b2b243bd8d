"""Deliveries (one per document, recipient and channel) and every attempt to make them.

The store records; the engine decides. ``record_attempt`` keeps the time, outcome, error and
the peer's reference (the axis DocId) of each try and can move the delivery's state with it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.errors import StoreError
from gateway.store.clock import system_clock
from gateway.store.models_documents import Delivery, DeliveryAttempt
from gateway.store.records import (
    MAX_AGENCY_ID,
    MAX_CHANNEL,
    MAX_TRANSPORT_REF,
    AttemptOutcome,
    DeliveryAttemptInfo,
    DeliveryInfo,
    DeliveryState,
    RecordError,
    nfc,
)


def _info(d: Delivery) -> DeliveryInfo:
    return DeliveryInfo(
        id=d.id,
        document_id=d.document_id,
        recipient=d.recipient,
        channel=d.channel,
        state=DeliveryState(d.state),
        peer_ref=d.peer_ref,
        created_at=d.created_at,
        updated_at=d.updated_at,
    )


def add_delivery(
    session: Session, document_id: str, recipient: str, channel: str, *, now: datetime
) -> DeliveryInfo:
    recipient = nfc(recipient)
    if not recipient or len(recipient) > MAX_AGENCY_ID:
        raise RecordError(f"recipient must be 1..{MAX_AGENCY_ID} characters")
    if not channel or len(channel) > MAX_CHANNEL:
        raise RecordError(f"channel must be 1..{MAX_CHANNEL} characters")
    d = Delivery(
        document_id=document_id,
        recipient=recipient,
        channel=channel,
        state=DeliveryState.PENDING.value,
        created_at=now,
        updated_at=now,
    )
    session.add(d)
    session.flush()
    return _info(d)


def _load(session: Session, delivery_id: int) -> Delivery:
    d = session.get(Delivery, delivery_id)
    if d is None:
        raise StoreError(f"no delivery {delivery_id}")
    return d


def get_delivery(session: Session, delivery_id: int) -> DeliveryInfo:
    return _info(_load(session, delivery_id))


def deliveries_for(session: Session, document_id: str) -> list[DeliveryInfo]:
    stmt = select(Delivery).where(Delivery.document_id == document_id).order_by(Delivery.id)
    return [_info(d) for d in session.scalars(stmt)]


def find_delivery_by_peer_ref(session: Session, channel: str, peer_ref: str) -> DeliveryInfo | None:
    """The delivery the peer knows as ``peer_ref`` (e.g. to match an axis status to it)."""
    d = session.scalars(
        select(Delivery).where(Delivery.channel == channel, Delivery.peer_ref == peer_ref)
    ).first()
    return None if d is None else _info(d)


def set_delivery_state(
    session: Session, delivery_id: int, state: DeliveryState, *, now: datetime | None = None
) -> DeliveryInfo:
    d = _load(session, delivery_id)
    d.state = state.value
    d.updated_at = now or system_clock()
    session.flush()
    return _info(d)


def record_attempt(
    session: Session,
    delivery_id: int,
    outcome: AttemptOutcome,
    *,
    error: str | None = None,
    peer_ref: str | None = None,
    new_state: DeliveryState | None = None,
    now: datetime | None = None,
) -> DeliveryAttemptInfo:
    """Append one attempt; with ``new_state`` move the delivery too, and keep ``peer_ref``."""
    if peer_ref is not None and not 0 < len(peer_ref) <= MAX_TRANSPORT_REF:
        raise RecordError(f"peer_ref must be 1..{MAX_TRANSPORT_REF} characters")
    moment = now or system_clock()
    d = _load(session, delivery_id)
    a = DeliveryAttempt(
        delivery_id=delivery_id,
        attempted_at=moment,
        outcome=outcome.value,
        error=error[:4000] if error else None,
        peer_ref=peer_ref,
    )
    session.add(a)
    if peer_ref is not None:
        d.peer_ref = peer_ref
    if new_state is not None:
        d.state = new_state.value
    d.updated_at = moment
    session.flush()
    return DeliveryAttemptInfo(
        id=a.id,
        delivery_id=delivery_id,
        attempted_at=a.attempted_at,
        outcome=outcome,
        error=a.error,
        peer_ref=peer_ref,
    )


def attempts_for(session: Session, delivery_id: int) -> list[DeliveryAttemptInfo]:
    stmt = (
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id == delivery_id)
        .order_by(DeliveryAttempt.id)
    )
    return [
        DeliveryAttemptInfo(
            id=a.id,
            delivery_id=a.delivery_id,
            attempted_at=a.attempted_at,
            outcome=AttemptOutcome(a.outcome),
            error=a.error,
            peer_ref=a.peer_ref,
        )
        for a in session.scalars(stmt)
    ]
