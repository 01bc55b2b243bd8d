"""The contract between the engine and a back-office system (iMOIT, a drop folder, ...).

The values here are plain frozen dataclasses, deliberately independent of the edXML model: a
back office speaks in documents, recipients and statuses, not in XML elements, and an adapter
must be writable without knowing QCVN 102. The engine maps these values to and from edXML.

Outgoing work is poll-style: :meth:`BackOfficeAdapter.take_outgoing` hands out claimed items,
and the engine calls :meth:`~BackOfficeAdapter.mark_done` only after the item is durably in its
own store (or :meth:`~BackOfficeAdapter.mark_failed` when it refuses it). A gateway that dies in
between leaves the item claimed, never lost; the adapter re-offers it and ``idempotency_key``
lets the engine recognise it.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Protocol, runtime_checkable

from gateway.errors import BackOfficeDataError

KNOWN_STATUS_CODES: frozenset[str] = frozenset(
    {"01", "02", "03", "04", "05", "06", "13", "15", "16"}
)
"""Status codes of QCVN 102 the gateway understands (see docs/lifecycle.md)."""

_STATUS_CODE = re.compile(r"\d{2}")


def nfc(text: str) -> str:
    """Vietnamese arrives decomposed from some systems: every text field is stored as NFC."""
    return unicodedata.normalize("NFC", text)


class BusinessType(enum.IntEnum):
    """``BussinessDocType``: what a document does to earlier ones."""

    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


class DeliveryOutcome(enum.Enum):
    """What a delivery did; ``ALREADY_DELIVERED`` makes retries after a crash harmless."""

    DELIVERED = "delivered"
    ALREADY_DELIVERED = "already-delivered"


@dataclass(frozen=True, slots=True)
class Signer:
    full_name: str
    position: str | None = None
    competence: str | None = None  # e.g. "TL. BỘ TRƯỞNG"


@dataclass(frozen=True, slots=True)
class StaffInfo:
    department: str | None = None
    staff: str | None = None
    mobile: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """Names an earlier document: the one a status, revoke or update is about."""

    document_id: str
    organ_id: str | None = None  # the issuer of that document
    code_number: str | None = None
    code_notation: str | None = None
    promulgation_date: date | None = None

    def __post_init__(self) -> None:
        if not self.document_id.strip():
            raise BackOfficeDataError("document reference: document_id is empty")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file of a document: exactly one of ``path`` (large files) or ``data`` is set.

    A ``path`` handed out by :meth:`BackOfficeAdapter.take_outgoing` is valid until the item is
    marked done or failed; the engine copies the bytes into its store before that. ``name``
    is untrusted when it comes from a partner (it may even be empty): adapters sanitise it.
    """

    name: str
    content_type: str = "application/octet-stream"
    path: Path | None = None
    data: bytes | None = None
    description: str | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.data is None):
            raise BackOfficeDataError(
                f"attachment {self.name!r}: exactly one of path or data must be given"
            )


@dataclass(frozen=True, slots=True)
class ReceiverChange:
    """Update operation: a receiver added (``added``) or removed from the distribution."""

    organ_id: str
    added: bool


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace operation: ``document_id`` is replaced for the agencies in ``organ_ids``."""

    document_id: str
    organ_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Business:
    """The business operation a document carries, with exactly the fields its type needs.

    ``target`` names the revoked (1) or updated (2) document; ``replacements`` lists what a
    replace (3) supersedes. A new document (0) carries none of them.
    """

    type: BusinessType = BusinessType.NEW
    reason: str | None = None
    paper: bool = False  # a paper copy follows
    target: DocumentRef | None = None
    document_info_changed: bool = False  # update: the document's own fields changed
    receiver_changes: tuple[ReceiverChange, ...] = ()
    replacements: tuple[Replacement, ...] = ()
    staff: StaffInfo | None = None

    def __post_init__(self) -> None:
        kind = self.type
        if kind in (BusinessType.REVOKE, BusinessType.UPDATE) and self.target is None:
            raise BackOfficeDataError(f"business {kind.name.lower()}: target document missing")
        if kind is BusinessType.NEW and (self.target or self.receiver_changes or self.replacements):
            raise BackOfficeDataError("business new: must not name a target or changes")
        if kind is not BusinessType.UPDATE and (
            self.receiver_changes or self.document_info_changed
        ):
            raise BackOfficeDataError(
                f"business {kind.name.lower()}: receiver/document-info changes are for updates"
            )
        if kind is BusinessType.REPLACE and not self.replacements:
            raise BackOfficeDataError("business replace: the replacement list is empty")
        if kind is not BusinessType.REPLACE and self.replacements:
            raise BackOfficeDataError(
                f"business {kind.name.lower()}: a replacement list is only for replace"
            )
        for rep in self.replacements:
            if not rep.organ_ids:
                raise BackOfficeDataError(f"replacement of {rep.document_id!r}: no agencies")


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """The descriptive fields of a document (văn bản), as a back office records them."""

    subject: str  # trích yếu
    code_number: str  # số
    code_notation: str  # ký hiệu
    promulgation_date: date
    promulgation_place: str
    document_type_name: str  # e.g. "Công văn"
    signer: Signer
    document_id: str | None = None  # None: the engine derives it from issuer, date and code
    document_type: str | None = None  # the numeric Type code, where the back office has one
    content: str | None = None  # summary
    priority: int = 0  # 0 normal .. 4 flash with deadline
    due_date: date | None = None
    steering_type: int | None = None
    to_places: tuple[str, ...] = ()  # the printed "Nơi nhận" list, not routing

    def __post_init__(self) -> None:
        if not 0 <= self.priority <= 4:
            raise BackOfficeDataError(f"priority {self.priority} is outside 0..4")

    def empty_fields(self) -> tuple[str, ...]:
        """Required text fields left blank; partners' packages may have some, ours may not."""
        names = ("subject", "code_number", "promulgation_place", "document_type_name")
        blank = tuple(n for n in names if not str(getattr(self, n)).strip())
        return blank + (() if self.signer.full_name.strip() else ("signer.full_name",))


@dataclass(frozen=True, slots=True)
class OutgoingDocument:
    """A document the back office wants sent. ``item_id`` is the adapter's claim handle."""

    item_id: str
    idempotency_key: str  # same drop => same key, so a re-offered item is recognised
    info: DocumentInfo
    recipients: tuple[str, ...]
    attachments: tuple[Attachment, ...] = ()
    business: Business = field(default_factory=Business)
    sender: str | None = None  # None: the gateway's own agency

    def __post_init__(self) -> None:
        if not self.recipients:
            raise BackOfficeDataError(f"outgoing document {self.item_id!r}: no recipients")
        if blank := self.info.empty_fields():
            raise BackOfficeDataError(
                f"outgoing document {self.item_id!r}: empty field(s) {', '.join(blank)}"
            )
        if len(set(self.recipients)) != len(self.recipients):
            raise BackOfficeDataError(f"outgoing document {self.item_id!r}: repeated recipient")


@dataclass(frozen=True, slots=True)
class OutgoingStatus:
    """A status the back office reports about a document it received (02..06, 13, 15, 16)."""

    item_id: str
    idempotency_key: str
    original: DocumentRef  # organ_id None: the engine looks the sender up in its store
    code: str
    description: str
    time: datetime
    staff: StaffInfo | None = None

    def __post_init__(self) -> None:
        _check_code(self.code, f"outgoing status {self.item_id!r}")
        _check_aware(self.time, f"outgoing status {self.item_id!r}")


OutgoingItem = OutgoingDocument | OutgoingStatus


@dataclass(frozen=True, slots=True)
class ReceivedDocument:
    """A document received from a partner, for the back office to register.

    ``gateway_id`` is stable across retries: adapters key idempotency on it. ``concerns`` is
    the document a revoke/update/replace acts on (also in ``business.target`` for 1 and 2).
    """

    gateway_id: str
    sender: str
    info: DocumentInfo
    recipients: tuple[str, ...]
    received_at: datetime
    attachments: tuple[Attachment, ...] = ()
    business: Business = field(default_factory=Business)
    concerns: tuple[DocumentRef, ...] = ()
    sender_name: str | None = None

    def __post_init__(self) -> None:
        if not self.gateway_id.strip():
            raise BackOfficeDataError("received document: gateway_id is empty")
        _check_aware(self.received_at, f"received document {self.gateway_id!r}")


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A recipient agency reported a status on a document we sent."""

    gateway_id: str
    document: DocumentRef
    recipient: str  # the agency that reported (status From)
    code: str  # kept verbatim, also when unknown
    description: str
    time: datetime
    staff: StaffInfo | None = None

    def __post_init__(self) -> None:
        if not self.gateway_id.strip():
            raise BackOfficeDataError("status change: gateway_id is empty")
        _check_aware(self.time, f"status change {self.gateway_id!r}")

    @property
    def known(self) -> bool:
        return self.code in KNOWN_STATUS_CODES


def _check_code(code: str, where: str) -> None:
    if not _STATUS_CODE.fullmatch(code):
        raise BackOfficeDataError(f"{where}: status code {code!r} is not two digits")


def _check_aware(moment: datetime, where: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BackOfficeDataError(f"{where}: time {moment.isoformat()} has no UTC offset")


@runtime_checkable
class BackOfficeAdapter(Protocol):
    """What the engine needs from a back office. Every method may raise ``AdapterError``."""

    def deliver_document(self, document: ReceivedDocument) -> DeliveryOutcome:
        """Hand a received document over; idempotent on ``document.gateway_id``."""
        ...

    def deliver_status(self, status: StatusChange) -> DeliveryOutcome:
        """Hand a status change over; idempotent on ``status.gateway_id``."""
        ...

    def take_outgoing(self) -> Iterable[OutgoingItem]:
        """Claim and return what the back office wants sent (documents and statuses)."""
        ...

    def mark_done(self, item: OutgoingItem) -> None:
        """The engine stored ``item`` durably: the adapter may forget it."""
        ...

    def mark_failed(self, item: OutgoingItem, reasons: Sequence[str]) -> None:
        """The engine refused ``item``: report ``reasons`` back to the back office."""
        ...


@runtime_checkable
class ReleasableAdapter(Protocol):
    """An adapter that can take a claimed item back at once (optional capability).

    Without it, an item the engine had to defer (its own trouble: database, signing token)
    waits for the adapter's claim lease before it is offered again.
    """

    def release(self, item: OutgoingItem) -> None:
        """Return ``item`` to the back office's outbox, untouched."""
        ...
