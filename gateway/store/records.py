"""Plain typed values the store takes and returns.

The store is independent of the edXML model: the engine maps a parsed package onto these
frozen dataclasses. Text is normalised to NFC on construction so Vietnamese written in
decomposed form (as some producers do) is stored, compared and hashed in one form.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum

from gateway.errors import StoreError

MAX_AGENCY_ID = 64
MAX_DOCUMENT_ID = 255
MAX_CHANNEL = 32
MAX_TRANSPORT_REF = 255


class RecordError(StoreError, ValueError):
    """A value handed to the store is malformed (empty, too long, naive time, ...)."""


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class DeliveryState(StrEnum):
    """Where one (document, recipient, channel) delivery stands; the engine moves it."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"
    CANCELLED = "cancelled"


class AttemptOutcome(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    REJECTED = "rejected"


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _check_text(name: str, value: str, limit: int | None, *, required: bool = True) -> None:
    if required and not value.strip():
        raise RecordError(f"{name} is empty")
    if limit is not None and len(value) > limit:
        raise RecordError(
            f"{name} is {len(value)} characters long, the store keeps at most {limit}"
        )


def _normalise(obj: object) -> None:
    """NFC every str / tuple-of-str field of a frozen dataclass in place."""
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if isinstance(value, str):
            object.__setattr__(obj, f.name, nfc(value))
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            object.__setattr__(obj, f.name, tuple(nfc(v) for v in value))


def check_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise RecordError(f"{name} is a naive datetime; pass an aware one (UTC or +07:00)")


@dataclass(frozen=True)
class DocumentRecord:
    """The metadata of one document package, in or out.

    ``document_id`` is the edXML DocumentId; ``sender`` + ``document_id`` is the business
    identity used to recognise a replayed inbound package. ``related_document_id`` is the
    DocumentId a revoke/update/replace (business_type 1..3) or a reply acts on.
    """

    direction: Direction
    sender: str
    recipients: tuple[str, ...]
    document_id: str
    code_number: str
    code_notation: str
    subject: str
    business_type: int = 0
    promulgation_date: date | None = None
    document_type: str | None = None
    priority: int = 0
    due_date: date | None = None
    related_document_id: str | None = None

    def __post_init__(self) -> None:
        _normalise(self)
        _check_text("sender", self.sender, MAX_AGENCY_ID)
        _check_text("document_id", self.document_id, MAX_DOCUMENT_ID)
        _check_text("code_number", self.code_number, 64, required=False)
        _check_text("code_notation", self.code_notation, 128, required=False)
        if not self.recipients:
            raise RecordError(f"document {self.document_id!r} has no recipient")
        if len(set(self.recipients)) != len(self.recipients):
            raise RecordError(f"document {self.document_id!r} lists a recipient twice")
        for r in self.recipients:
            _check_text("recipient", r, MAX_AGENCY_ID)
        if self.related_document_id is not None:
            _check_text("related_document_id", self.related_document_id, MAX_DOCUMENT_ID)
        if not 0 <= self.business_type <= 99:
            raise RecordError(f"business_type {self.business_type} is outside 0..99")


@dataclass(frozen=True)
class StoredDocument:
    """A document as the store holds it: the record plus where its bytes are."""

    id: str
    record: DocumentRecord
    package_sha256: str
    channel: str | None
    transport_ref: str | None
    created_at: datetime


@dataclass(frozen=True)
class InboundResult:
    """Outcome of recording an inbound package.

    ``created`` False means a replay: acknowledge it again with ``document_id``, never import it
    twice. ``matched_on`` says which key recognised it ("document" = sender + DocumentId,
    "transport" = the channel's own id); ``same_package`` whether the bytes were identical.
    """

    document_id: str
    created: bool
    matched_on: str | None = None
    same_package: bool = True


@dataclass(frozen=True)
class DeliveryInfo:
    id: int
    document_id: str
    recipient: str
    channel: str
    state: DeliveryState
    peer_ref: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DeliveryAttemptInfo:
    id: int
    delivery_id: int
    attempted_at: datetime
    outcome: AttemptOutcome
    error: str | None
    peer_ref: str | None


@dataclass(frozen=True)
class StatusEventRecord:
    """One business status ("01".."16", unknown codes kept) about a document and an agency.

    ``agency`` is the party whose handling the status describes (the recipient of the
    document); ``direction`` IN means they reported it to us, OUT that we reported it.
    """

    document_id: str
    agency: str
    code: str
    direction: Direction
    package_sha256: str | None
    description: str = ""
    reported_at: datetime | None = None

    def __post_init__(self) -> None:
        _normalise(self)
        _check_text("agency", self.agency, MAX_AGENCY_ID)
        code = self.code.strip()
        if not code or len(code) > 8 or not code.isalnum():
            raise RecordError(f"status code {self.code!r} is not a short alphanumeric code")
        object.__setattr__(self, "code", code)
        check_aware("reported_at", self.reported_at)


@dataclass(frozen=True)
class StoredStatusEvent:
    id: int
    event: StatusEventRecord
    received_at: datetime


@dataclass(frozen=True)
class AgencyRecord:
    """One entry of the agency directory: who, where to send, which certificate speaks for it."""

    identifier: str
    name: str
    parent: str | None = None
    channel: str = "axis"
    endpoint: str | None = None
    cert_fingerprint_sha256: str | None = None
    cert_subject: str | None = None
    active: bool = True

    def __post_init__(self) -> None:
        _normalise(self)
        _check_text("identifier", self.identifier, MAX_AGENCY_ID)
        _check_text("name", self.name, 512)
        _check_text("channel", self.channel, MAX_CHANNEL)
        if self.parent is not None:
            _check_text("parent", self.parent, MAX_AGENCY_ID)
            if self.parent == self.identifier:
                raise RecordError(f"agency {self.identifier} cannot be its own parent")
        fp = self.cert_fingerprint_sha256
        if fp is not None:
            fp = fp.replace(":", "").lower()
            if len(fp) != 64 or any(c not in "0123456789abcdef" for c in fp):
                raise RecordError(
                    f"certificate fingerprint of {self.identifier} is not SHA-256 hex"
                )
            object.__setattr__(self, "cert_fingerprint_sha256", fp)
