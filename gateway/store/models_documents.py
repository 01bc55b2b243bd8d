"""Tables for documents, their deliveries, delivery attempts and business status events.

The raw package is never in a row: ``package_sha256`` points into the content-addressed blob
store, and the ``blobs`` table lists what the store has written (the file is durable before the
row that names it commits). Two UNIQUE constraints make the inbox idempotent: the business
identity (direction, sender, DocumentId) and the transport's own id (channel, transport_ref).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.base import Base, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Blob(Base):
    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint("direction", "sender", "edxml_document_id"),
        UniqueConstraint("channel", "transport_ref"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))
    sender: Mapped[str] = mapped_column(String(64))
    edxml_document_id: Mapped[str] = mapped_column(String(255))
    code_number: Mapped[str] = mapped_column(String(64))
    code_notation: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(Text)
    business_type: Mapped[int] = mapped_column(Integer)
    promulgation_date: Mapped[date | None] = mapped_column(Date)
    document_type: Mapped[str | None] = mapped_column(String(255))
    priority: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date | None] = mapped_column(Date)
    related_document_id: Mapped[str | None] = mapped_column(String(255))
    package_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    channel: Mapped[str | None] = mapped_column(String(32))
    transport_ref: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class DocumentRecipient(Base):
    __tablename__ = "document_recipients"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(64), index=True)


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("document_id", "recipient", "channel"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), index=True)
    peer_ref: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveryAttempt(Base):
    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    peer_ref: Mapped[str | None] = mapped_column(String(255))


class StatusEvent(Base):
    __tablename__ = "status_events"
    __table_args__ = (
        UniqueConstraint("document_id", "agency", "code", "package_sha256"),
        Index("ix_status_events_document_agency", "document_id", "agency"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    agency: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text)
    reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    package_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
