"""Value types shared by both package kinds (documents and statuses).

Every model class is a frozen, slotted dataclass. Text given to a constructor is stored in NFC
(see :class:`_NfcValue`), so two models of the same Vietnamese text compare equal whatever
normalisation form their source used.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, fields
from datetime import date, datetime

__all__ = [
    "Attachment",
    "ManifestReference",
    "Organization",
    "ResponseFor",
    "StaffInfo",
    "TraceHeader",
]


def _nfc(value: str) -> str:
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


class _NfcValue:
    """Mixin: after construction, rewrite every ``str`` / ``tuple[str, ...]`` field in NFC."""

    __slots__ = ()

    def __post_init__(self) -> None:
        for spec in fields(self):  # type: ignore[arg-type]
            value = getattr(self, spec.name)
            if isinstance(value, str):
                normal = _nfc(value)
            elif isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
                normal = tuple(_nfc(v) for v in value)  # type: ignore[assignment]
            else:
                continue
            if normal is not value:
                object.__setattr__(self, spec.name, normal)


@dataclass(frozen=True, slots=True, kw_only=True)
class Organization(_NfcValue):
    """An agency as ``From`` / ``To`` carry it; only ``organ_id`` is relied on in practice."""

    organ_id: str
    organization_in_charge: str | None = None
    organ_name: str | None = None
    organ_add: str | None = None
    email: str | None = None
    telephone: str | None = None
    fax: str | None = None
    website: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffInfo(_NfcValue):
    """The clerk (văn thư) who acted: in a status package or a business operation."""

    department: str | None = None
    staff: str | None = None
    mobile: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponseFor(_NfcValue):
    """The document a package answers or acts on. ``code`` is "số/ký hiệu" in one string."""

    code: str
    document_id: str
    organ_id: str | None = None
    promulgation_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceHeader(_NfcValue):
    """One system that handled the package; ``timestamp`` is aware (UTC+7 when read)."""

    organ_id: str
    timestamp: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Attachment(_NfcValue):
    """A file of a document package, decoded (and unzipped when the producer zipped it).

    ``content_id`` is the token without ``cid:``; ``content_type`` is the file's own type.
    """

    content_id: str
    name: str
    data: bytes
    content_type: str = "application/octet-stream"
    description: str | None = None

    def __repr__(self) -> str:  # never dump megabytes into logs
        return (
            f"Attachment(content_id={self.content_id!r}, name={self.name!r}, "
            f"content_type={self.content_type!r}, size={len(self.data)})"
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestReference(_NfcValue):
    """An ``edXMLManifest/Reference`` as found on the wire (the writer derives its own)."""

    content_id: str
    content_type: str | None = None
    description: str | None = None
    attachment_name: str | None = None
