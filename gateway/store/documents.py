"""Documents in both directions: the rows, the blob link, and outbound recording.

A document row holds the parsed metadata and ``package_sha256``, the name of the raw package in
the blob store. Callers write the blob first (:class:`gateway.store.blobs.BlobStore`) and pass
the returned :class:`BlobRef`; the ``blobs`` row is added here in the caller's transaction.
Inbound recording with replay detection is in :mod:`gateway.store.inbox`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.errors import StoreError
from gateway.store.blobs import BlobRef, check_sha256
from gateway.store.clock import system_clock
from gateway.store.deliveries import add_delivery
from gateway.store.models_documents import Blob, Document, DocumentRecipient
from gateway.store.records import (
    DeliveryInfo,
    Direction,
    DocumentRecord,
    RecordError,
    StoredDocument,
)


class DuplicateDocumentError(StoreError):
    """An outbound document with this sender and DocumentId is already recorded."""

    def __init__(self, message: str, *, existing_id: str) -> None:
        super().__init__(message)
        self.existing_id = existing_id


@dataclass(frozen=True)
class OutboundResult:
    document_id: str
    deliveries: tuple[DeliveryInfo, ...]


def ensure_blob_row(session: Session, ref: BlobRef, now: datetime) -> None:
    """Record that the (already durable) blob exists; a no-op if it is already listed."""
    check_sha256(ref.sha256)
    dialect = session.get_bind().dialect.name
    ins = postgresql.insert(Blob) if dialect == "postgresql" else sqlite.insert(Blob)
    session.execute(
        ins.values(sha256=ref.sha256, size=ref.size, created_at=now).on_conflict_do_nothing(
            index_elements=["sha256"]
        )
    )


def insert_document(
    session: Session,
    record: DocumentRecord,
    package: BlobRef,
    *,
    channel: str | None,
    transport_ref: str | None,
    now: datetime,
) -> str:
    """Insert the document and its recipient list; returns the new internal id (a UUID)."""
    ensure_blob_row(session, package, now)
    doc_id = str(uuid.uuid4())
    session.add(
        Document(
            id=doc_id,
            direction=record.direction.value,
            sender=record.sender,
            edxml_document_id=record.document_id,
            code_number=record.code_number,
            code_notation=record.code_notation,
            subject=record.subject,
            business_type=record.business_type,
            promulgation_date=record.promulgation_date,
            document_type=record.document_type,
            priority=record.priority,
            due_date=record.due_date,
            related_document_id=record.related_document_id,
            package_sha256=package.sha256,
            channel=channel,
            transport_ref=transport_ref,
            created_at=now,
        )
    )
    session.flush()
    session.add_all(
        DocumentRecipient(document_id=doc_id, position=i, recipient=r)
        for i, r in enumerate(record.recipients)
    )
    session.flush()
    return doc_id


def _stored(session: Session, doc: Document) -> StoredDocument:
    recipients = session.scalars(
        select(DocumentRecipient.recipient)
        .where(DocumentRecipient.document_id == doc.id)
        .order_by(DocumentRecipient.position)
    ).all()
    record = DocumentRecord(
        direction=Direction(doc.direction),
        sender=doc.sender,
        recipients=tuple(recipients),
        document_id=doc.edxml_document_id,
        code_number=doc.code_number,
        code_notation=doc.code_notation,
        subject=doc.subject,
        business_type=doc.business_type,
        promulgation_date=doc.promulgation_date,
        document_type=doc.document_type,
        priority=doc.priority,
        due_date=doc.due_date,
        related_document_id=doc.related_document_id,
    )
    return StoredDocument(
        id=doc.id,
        record=record,
        package_sha256=doc.package_sha256,
        channel=doc.channel,
        transport_ref=doc.transport_ref,
        created_at=doc.created_at,
    )


def get_document(session: Session, document_id: str) -> StoredDocument | None:
    doc = session.get(Document, document_id)
    return None if doc is None else _stored(session, doc)


def find_document(
    session: Session, direction: Direction, sender: str, edxml_document_id: str
) -> StoredDocument | None:
    """Look a document up by its business identity (sender + edXML DocumentId)."""
    doc = session.scalars(
        select(Document).where(
            Document.direction == direction.value,
            Document.sender == sender,
            Document.edxml_document_id == edxml_document_id,
        )
    ).first()
    return None if doc is None else _stored(session, doc)


def list_documents(
    session: Session, direction: Direction | None = None, *, limit: int = 50
) -> list[StoredDocument]:
    """The newest documents first (optionally of one direction): for overviews and read models."""
    if limit < 1:
        raise RecordError(f"limit must be at least 1, got {limit}")
    stmt = select(Document)
    if direction is not None:
        stmt = stmt.where(Document.direction == direction.value)
    stmt = stmt.order_by(Document.created_at.desc(), Document.id.desc()).limit(limit)
    return [_stored(session, doc) for doc in session.scalars(stmt).all()]


def documents_acting_on(
    session: Session, direction: Direction, sender: str, edxml_document_id: str
) -> list[StoredDocument]:
    """Documents of ``sender`` that act on ``edxml_document_id`` (revoke, update, replace
    packages naming it as their related document), oldest first."""
    stmt = (
        select(Document)
        .where(
            Document.direction == direction.value,
            Document.sender == sender,
            Document.related_document_id == edxml_document_id,
        )
        .order_by(Document.created_at, Document.id)
    )
    return [_stored(session, doc) for doc in session.scalars(stmt).all()]


def record_outbound(
    session: Session,
    record: DocumentRecord,
    package: BlobRef,
    *,
    channels: Mapping[str, str] | None = None,
    default_channel: str = "axis",
    now: datetime | None = None,
) -> OutboundResult:
    """Record a document we send, and one ``pending`` delivery per recipient.

    ``channels`` maps a recipient to its channel (from the directory); others use
    ``default_channel``. Raises :class:`DuplicateDocumentError` if this sender already sent
    this DocumentId. Queue the delivery jobs in the same transaction.
    """
    if record.direction is not Direction.OUT:
        raise RecordError("record_outbound needs a document with direction OUT")
    moment = now or system_clock()
    existing = find_document(session, Direction.OUT, record.sender, record.document_id)
    if existing is not None:
        raise DuplicateDocumentError(
            f"document {record.document_id!r} from {record.sender} was already recorded "
            f"as {existing.id}",
            existing_id=existing.id,
        )
    try:
        with session.begin_nested():
            doc_id = insert_document(
                session, record, package, channel=None, transport_ref=None, now=moment
            )
    except IntegrityError:
        again = find_document(session, Direction.OUT, record.sender, record.document_id)
        if again is None:
            raise
        raise DuplicateDocumentError(
            f"document {record.document_id!r} from {record.sender} was recorded concurrently "
            f"as {again.id}",
            existing_id=again.id,
        ) from None
    chosen = channels or {}
    deliveries = tuple(
        add_delivery(session, doc_id, r, chosen.get(r, default_channel), now=moment)
        for r in record.recipients
    )
    return OutboundResult(doc_id, deliveries)
