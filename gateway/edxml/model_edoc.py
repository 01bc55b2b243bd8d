"""The document package (gói tin văn bản) and its header parts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gateway.edxml.enums import BusinessType, Priority, SteeringType
from gateway.edxml.model_common import (
    Attachment,
    Organization,
    ResponseFor,
    StaffInfo,
    TraceHeader,
    _NfcValue,
)

__all__ = [
    "Business",
    "BusinessDocumentInfo",
    "Code",
    "DocumentType",
    "EdocPackage",
    "OtherInfo",
    "PromulgationInfo",
    "Receiver",
    "ReplacementInfo",
    "SignerInfo",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Code(_NfcValue):
    """Số and ký hiệu: ``7816`` and ``VPCP-TTĐT`` for "7816/VPCP-TTĐT"."""

    code_number: str
    code_notation: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PromulgationInfo(_NfcValue):
    place: str | None = None
    promulgation_date: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentType(_NfcValue):
    """Practice is inconsistent on the codes; ``type_name`` (e.g. "Công văn") is what people read.

    Codes are kept as strings: their official tables are not published.
    """

    type: str | None = None
    type_detail: str | None = None
    type_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SignerInfo(_NfcValue):
    competence: str | None = None  # e.g. "TL. BỘ TRƯỞNG"
    position: str | None = None
    full_name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherInfo(_NfcValue):
    priority: Priority = Priority.NORMAL
    sphere_of_promulgation: str | None = None
    typer_notation: str | None = None
    promulgation_amount: int | None = None
    page_amount: int | None = None
    direction: str | None = None  # meaning unknown (spec "known unknowns"): kept verbatim
    appendixes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Receiver(_NfcValue):
    """A change of recipients in an update: ``receiver_type`` 0 removed, 1 added."""

    organ_id: str
    receiver_type: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BusinessDocumentInfo(_NfcValue):
    """What an update (type 2) changes: the document info, its receivers, or both."""

    document_info: bool = False
    document_receiver: bool = False
    receivers: tuple[Receiver, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplacementInfo(_NfcValue):
    """A replaced document and the agencies that received it (type 3)."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Business(_NfcValue):
    """``TraceHeaderList/Bussiness`` (sic): what the package does (new, revoke, update, replace)."""

    business_doc_type: BusinessType = BusinessType.NEW
    document_id: str | None = None
    reason: str | None = None
    paper: bool | None = None  # a paper copy follows
    staff_info: StaffInfo | None = None
    business_document_info: BusinessDocumentInfo | None = None
    replacement_infos: tuple[ReplacementInfo, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class EdocPackage(_NfcValue):
    """A document with its routing header, trace, business operation and attached files."""

    from_: Organization
    to: tuple[Organization, ...]
    document_id: str
    code: Code
    subject: str
    promulgation_info: PromulgationInfo | None = None
    document_type: DocumentType | None = None
    content: str | None = None
    signer_info: SignerInfo | None = None
    due_date: date | None = None
    other_info: OtherInfo | None = None
    response_for: tuple[ResponseFor, ...] = ()
    steering_type: SteeringType | None = None
    to_places: tuple[str, ...] = ()
    trace_headers: tuple[TraceHeader, ...] = ()
    business: Business | None = None
    attachments: tuple[Attachment, ...] = ()
