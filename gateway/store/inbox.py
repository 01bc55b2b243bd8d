"""Inbound recording with replay detection.

A package that arrives twice (the axis re-delivers after a lost acknowledgement, a partner
retries) must be acknowledged again but imported once. Two UNIQUE constraints recognise it:
(direction, sender, DocumentId) — the business identity — and (channel, transport_ref) — the
transport's own id for the package (the axis DocId). A concurrent duplicate loses the insert
race inside a savepoint and is then found like any other replay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.store.blobs import BlobRef
from gateway.store.clock import system_clock
from gateway.store.documents import insert_document
from gateway.store.models_documents import Document
from gateway.store.records import (
    MAX_CHANNEL,
    MAX_TRANSPORT_REF,
    Direction,
    DocumentRecord,
    InboundResult,
    RecordError,
)


def _match(
    session: Session, record: DocumentRecord, channel: str, transport_ref: str | None
) -> tuple[Document, str] | None:
    doc = session.scalars(
        select(Document).where(
            Document.direction == Direction.IN.value,
            Document.sender == record.sender,
            Document.edxml_document_id == record.document_id,
        )
    ).first()
    if doc is not None:
        return doc, "document"
    if transport_ref is not None:
        doc = session.scalars(
            select(Document).where(
                Document.channel == channel, Document.transport_ref == transport_ref
            )
        ).first()
        if doc is not None:
            return doc, "transport"
    return None


def _replay(found: tuple[Document, str], package: BlobRef) -> InboundResult:
    doc, key = found
    return InboundResult(
        document_id=doc.id,
        created=False,
        matched_on=key,
        same_package=doc.package_sha256 == package.sha256,
    )


def record_inbound(
    session: Session,
    record: DocumentRecord,
    package: BlobRef,
    *,
    channel: str,
    transport_ref: str | None = None,
    now: datetime | None = None,
) -> InboundResult:
    """Record a received document once; a replay returns the existing id with created=False.

    The blob must already be written. Commit the document, its log entry and its import job in
    the caller's transaction, and only then acknowledge the transport.
    """
    if record.direction is not Direction.IN:
        raise RecordError("record_inbound needs a document with direction IN")
    if not channel or len(channel) > MAX_CHANNEL:
        raise RecordError(f"channel must be 1..{MAX_CHANNEL} characters")
    if transport_ref is not None and not 0 < len(transport_ref) <= MAX_TRANSPORT_REF:
        raise RecordError(f"transport_ref must be 1..{MAX_TRANSPORT_REF} characters")
    found = _match(session, record, channel, transport_ref)
    if found is not None:
        return _replay(found, package)
    try:
        with session.begin_nested():
            doc_id = insert_document(
                session,
                record,
                package,
                channel=channel,
                transport_ref=transport_ref,
                now=now or system_clock(),
            )
    except IntegrityError:
        found = _match(session, record, channel, transport_ref)
        if found is None:
            raise
        return _replay(found, package)
    return InboundResult(document_id=doc_id, created=True)
