"""Business status events ("01".."16", unknown codes kept) and the current-state query.

Every status package received or sent is one event per (document, agency) with the SHA-256 of
the package that carried it; a replayed package (same document, agency, code and package hash)
is recognised by a UNIQUE constraint and not stored twice. The current state of a document for
an agency is its latest event, ordered by the time the agency reported it (falling back to when
we received it), then arrival order. Which transitions are legal is the engine's business.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.store.blobs import BlobRef
from gateway.store.clock import system_clock
from gateway.store.documents import ensure_blob_row
from gateway.store.models_documents import StatusEvent
from gateway.store.records import Direction, RecordError, StatusEventRecord, StoredStatusEvent


def _stored(e: StatusEvent) -> StoredStatusEvent:
    return StoredStatusEvent(
        id=e.id,
        event=StatusEventRecord(
            document_id=e.document_id,
            agency=e.agency,
            code=e.code,
            direction=Direction(e.direction),
            package_sha256=e.package_sha256,
            description=e.description,
            reported_at=e.reported_at,
        ),
        received_at=e.received_at,
    )


def _find(session: Session, ev: StatusEventRecord) -> StatusEvent | None:
    return session.scalars(
        select(StatusEvent).where(
            StatusEvent.document_id == ev.document_id,
            StatusEvent.agency == ev.agency,
            StatusEvent.code == ev.code,
            StatusEvent.package_sha256 == ev.package_sha256,
        )
    ).first()


def record_status(
    session: Session,
    event: StatusEventRecord,
    *,
    package: BlobRef | None = None,
    now: datetime | None = None,
) -> tuple[StoredStatusEvent, bool]:
    """Store one status event; returns (event, created). A replay returns the stored one.

    Pass ``package`` (the written blob of the status package) so its row exists; its hash must
    equal ``event.package_sha256``.
    """
    moment = now or system_clock()
    if package is not None:
        if package.sha256 != event.package_sha256:
            raise RecordError("package does not match event.package_sha256")
        ensure_blob_row(session, package, moment)
    if event.package_sha256 is not None:
        existing = _find(session, event)
        if existing is not None:
            return _stored(existing), False
    row = StatusEvent(
        document_id=event.document_id,
        agency=event.agency,
        code=event.code,
        direction=event.direction.value,
        description=event.description,
        reported_at=event.reported_at,
        received_at=moment,
        package_sha256=event.package_sha256,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        existing = _find(session, event)
        if existing is None:
            raise
        return _stored(existing), False
    return _stored(row), True


def status_history(
    session: Session, document_id: str, agency: str | None = None
) -> list[StoredStatusEvent]:
    """Every event about the document (for one agency if given), oldest first."""
    stmt = select(StatusEvent).where(StatusEvent.document_id == document_id)
    if agency is not None:
        stmt = stmt.where(StatusEvent.agency == agency)
    stmt = stmt.order_by(
        func.coalesce(StatusEvent.reported_at, StatusEvent.received_at),
        StatusEvent.received_at,
        StatusEvent.id,
    )
    return [_stored(e) for e in session.scalars(stmt)]


def latest_status_query(document_id: str | None = None) -> Select[Any]:
    """SELECT of the latest event per (document, agency): the current business state.

    Usable as a subquery (e.g. "documents whose current status for some agency is 02").
    """
    rank = (
        func.row_number()
        .over(
            partition_by=(StatusEvent.document_id, StatusEvent.agency),
            order_by=(
                func.coalesce(StatusEvent.reported_at, StatusEvent.received_at).desc(),
                StatusEvent.received_at.desc(),
                StatusEvent.id.desc(),
            ),
        )
        .label("rank")
    )
    inner = select(StatusEvent.id, rank)
    if document_id is not None:
        inner = inner.where(StatusEvent.document_id == document_id)
    ranked = inner.subquery()
    return select(StatusEvent).join(ranked, ranked.c.id == StatusEvent.id).where(ranked.c.rank == 1)


def current_statuses(session: Session, document_id: str) -> dict[str, StoredStatusEvent]:
    """The current status of the document per agency (agency identifier → latest event)."""
    rows = session.scalars(latest_status_query(document_id)).all()
    return {e.agency: _stored(e) for e in rows}
