"""The table of inbound packages we refused (bad signature, failed validation, unknown sender).

A refused package is acknowledged ``fail`` to the transport, but the axis may keep listing it;
the row lets the next poll recognise it by the transport's own id (UNIQUE channel,
transport_ref) instead of validating it again and answering a second status 02. The raw bytes
stay in the blob store (``package_sha256``) so an admin can inspect what was refused.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.base import Base, UTCDateTime
from gateway.store.models_documents import BigId


class Rejection(Base):
    __tablename__ = "rejections"
    __table_args__ = (UniqueConstraint("channel", "transport_ref"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(32))
    transport_ref: Mapped[str | None] = mapped_column(String(255))
    package_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str | None] = mapped_column(String(64))
    edxml_document_id: Mapped[str | None] = mapped_column(String(255))
    reasons: Mapped[str] = mapped_column(Text)  # JSON list of strings
    answered_with_status: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
