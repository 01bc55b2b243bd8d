"""The agency directory table: identifier, place in the hierarchy, channel and certificate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.store.base import Base, UTCDateTime


class Agency(Base):
    __tablename__ = "agencies"

    identifier: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(512))
    parent: Mapped[str | None] = mapped_column(
        ForeignKey("agencies.identifier", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(32))
    endpoint: Mapped[str | None] = mapped_column(String(1024))
    cert_fingerprint_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    cert_subject: Mapped[str | None] = mapped_column(String(1024))
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
