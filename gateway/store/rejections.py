"""Inbound packages we refused, kept so a re-listed package is recognised, not refused again.

The engine acknowledges a refused package ``fail`` (bad signature, failed validation, unknown
sender, ...) and usually answers status 02. The axis may keep listing it anyway; without a
record the next poll would validate it again and send a second 02. :func:`record_rejection`
stores the refusal once per transport id (UNIQUE channel, transport_ref) — or, for a channel
without transport ids, once per channel and package hash — and :func:`find_rejection` is the
check the poller makes before processing. The raw bytes stay in the blob store for admins.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.errors import StoreError
from gateway.store.blobs import BlobRef, check_sha256
from gateway.store.clock import system_clock
from gateway.store.documents import ensure_blob_row
from gateway.store.models_rejections import Rejection
from gateway.store.records import (
    MAX_AGENCY_ID,
    MAX_CHANNEL,
    MAX_DOCUMENT_ID,
    MAX_TRANSPORT_REF,
    RecordError,
    _check_text,
    _normalise,
    nfc,
)

REJECTION_KINDS = frozenset({"edoc", "status"})
MAX_LIST = 1000


@dataclass(frozen=True)
class RejectionRecord:
    """Why one inbound package was refused, and what we answered.

    ``kind`` is "edoc" (a document package) or "status" (a status package); ``sender`` and
    ``document_id`` (the edXML DocumentId) are whatever could be read before the refusal, None
    if nothing could. ``reasons`` are human-readable, at least one. ``answered_with_status`` is
    the status code sent back (e.g. "02"), None if none was sent.
    """

    channel: str
    transport_ref: str | None
    package_sha256: str
    kind: str
    sender: str | None
    document_id: str | None
    reasons: tuple[str, ...]
    answered_with_status: str | None = None

    def __post_init__(self) -> None:
        _normalise(self)
        _check_text("channel", self.channel, MAX_CHANNEL)
        if self.transport_ref is not None:
            _check_text("transport_ref", self.transport_ref, MAX_TRANSPORT_REF)
        try:
            check_sha256(self.package_sha256)
        except StoreError as exc:
            raise RecordError(f"package_sha256: {exc}") from None
        if self.kind not in REJECTION_KINDS:
            kinds = ", ".join(sorted(REJECTION_KINDS))
            raise RecordError(f"rejection kind {self.kind!r} is not one of {kinds}")
        if self.sender is not None:
            _check_text("sender", self.sender, MAX_AGENCY_ID)
        if self.document_id is not None:
            _check_text("document_id", self.document_id, MAX_DOCUMENT_ID)
        if not isinstance(self.reasons, tuple) or not self.reasons:
            raise RecordError("a rejection needs at least one reason (a tuple of strings)")
        for reason in self.reasons:
            _check_text("reason", reason, None)
        code = self.answered_with_status
        if code is not None and (not code or len(code) > 8 or not code.isalnum()):
            raise RecordError(f"status code {code!r} is not a short alphanumeric code")


@dataclass(frozen=True)
class StoredRejection:
    id: int
    record: RejectionRecord
    created_at: datetime


def _stored(row: Rejection) -> StoredRejection:
    return StoredRejection(
        id=row.id,
        record=RejectionRecord(
            channel=row.channel,
            transport_ref=row.transport_ref,
            package_sha256=row.package_sha256,
            kind=row.kind,
            sender=row.sender,
            document_id=row.edxml_document_id,
            reasons=tuple(json.loads(row.reasons)),
            answered_with_status=row.answered_with_status,
        ),
        created_at=row.created_at,
    )


def _match(session: Session, record: RejectionRecord) -> Rejection | None:
    stmt = select(Rejection).where(Rejection.channel == record.channel)
    if record.transport_ref is not None:
        stmt = stmt.where(Rejection.transport_ref == record.transport_ref)
    else:
        stmt = stmt.where(
            Rejection.transport_ref.is_(None),
            Rejection.package_sha256 == record.package_sha256,
        )
    return session.scalars(stmt.order_by(Rejection.id).limit(1)).first()


def _lock_package_key(session: Session, record: RejectionRecord) -> None:
    """Serialise writers of one (channel, package) on PostgreSQL when there is no transport id.

    No UNIQUE constraint covers a NULL transport_ref, so two processes could both miss the
    lookup; a transaction-level advisory lock on the pair makes the second wait and then find
    the first's row. SQLite write transactions already hold the one write lock.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(
        f"gateway-rejection\n{record.channel}\n{record.package_sha256}".encode()
    ).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def record_rejection(
    session: Session,
    record: RejectionRecord,
    package: BlobRef,
    *,
    now: datetime | None = None,
) -> tuple[StoredRejection, bool]:
    """Store the refusal once; returns (rejection, created). A repeat returns the stored one.

    The blob must already be written (``store.put_package``) and match
    ``record.package_sha256``. A repeat — same (channel, transport_ref), or with no
    transport_ref the same channel and package hash — keeps the first record as it was (its
    reasons and answered status): do not answer the package again.
    """
    if package.sha256 != record.package_sha256:
        raise RecordError("package does not match record.package_sha256")
    moment = now or system_clock()
    ensure_blob_row(session, package, moment)
    if record.transport_ref is None:
        _lock_package_key(session, record)
    existing = _match(session, record)
    if existing is not None:
        return _stored(existing), False
    row = Rejection(
        channel=record.channel,
        transport_ref=record.transport_ref,
        package_sha256=record.package_sha256,
        kind=record.kind,
        sender=record.sender,
        edxml_document_id=record.document_id,
        reasons=json.dumps(list(record.reasons), ensure_ascii=False),
        answered_with_status=record.answered_with_status,
        created_at=moment,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        existing = _match(session, record)
        if existing is None:
            raise
        return _stored(existing), False
    return _stored(row), True


def find_rejection(session: Session, channel: str, transport_ref: str) -> StoredRejection | None:
    """The refusal recorded for this transport id, if any (check before processing a poll)."""
    row = session.scalars(
        select(Rejection).where(
            Rejection.channel == nfc(channel), Rejection.transport_ref == nfc(transport_ref)
        )
    ).first()
    return None if row is None else _stored(row)


def list_rejections(
    session: Session, *, limit: int = 100, before_id: int | None = None
) -> list[StoredRejection]:
    """Refusals newest first; page on with ``before_id`` = the last id of the previous page."""
    if not 0 < limit <= MAX_LIST:
        raise RecordError(f"limit must be 1..{MAX_LIST}")
    stmt = select(Rejection)
    if before_id is not None:
        stmt = stmt.where(Rejection.id < before_id)
    return [_stored(r) for r in session.scalars(stmt.order_by(Rejection.id.desc()).limit(limit))]
