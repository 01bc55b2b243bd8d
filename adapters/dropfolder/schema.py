"""metadata.json of the outbox and status files of outbox-status, read into engine values.

The format is documented in docs/dropfolder.md; this module is its one reader. It is pure:
the folder's files are given as a name -> path mapping checked by the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from adapters.dropfolder.fields import Problems, Reader
from adapters.dropfolder.names import check_plain_name
from gateway.errors import BackOfficeDataError
from gateway.exchange.backoffice import (
    KNOWN_STATUS_CODES,
    Attachment,
    Business,
    BusinessType,
    DocumentInfo,
    DocumentRef,
    OutgoingDocument,
    OutgoingStatus,
    ReceiverChange,
    Replacement,
    Signer,
    StaffInfo,
)

FORMAT_VERSION = 1
T = TypeVar("T")
OUTGOING_STATUS_CODES = KNOWN_STATUS_CODES - {"01"}  # 01 is the gateway's own receipt


def _version(r: Reader) -> None:
    if r.integer("version", FORMAT_VERSION) != FORMAT_VERSION:
        r.fail("version", f"only version {FORMAT_VERSION} is understood")


def _guard(problems: list[str], build: Callable[[], T]) -> T | None:
    """Run a dataclass constructor, turning its refusal into one more problem."""
    try:
        return build()
    except BackOfficeDataError as exc:
        problems.append(str(exc))
        return None


def read_ref(r: Reader) -> DocumentRef | None:
    ref = DocumentRef(
        document_id=r.text("document_id", required=True) or "?",
        organ_id=r.text("organ_id"),
        code_number=r.text("code_number"),
        code_notation=r.text("code_notation"),
        promulgation_date=r.day("promulgation_date"),
    )
    r.finish()
    return ref


def read_staff(r: Reader | None) -> StaffInfo | None:
    if r is None:
        return None
    staff = StaffInfo(r.text("department"), r.text("staff"), r.text("mobile"), r.text("email"))
    r.finish()
    return staff


def _business(r: Reader | None, problems: list[str]) -> Business | None:
    if r is None:
        return Business()
    raw_type = r.integer("type", 0)
    if raw_type not in set(BusinessType):
        r.fail("type", f"{raw_type} is not 0 (new), 1 (revoke), 2 (update) or 3 (replace)")
        raw_type = 0
    target_r = r.child("target")
    changes: list[ReceiverChange] = []
    for i, item in enumerate(r.items("receiver_changes")):
        c = Reader(item, f"{r.where}.receiver_changes[{i}]", problems)
        organ, action = c.text("organ_id", required=True), c.text("action", required=True)
        if action not in (None, "add", "remove"):
            c.fail("action", f"{action!r} is neither 'add' nor 'remove'")
        changes.append(ReceiverChange(organ or "?", action == "add"))
        c.finish()
    replacements: list[Replacement] = []
    for i, item in enumerate(r.items("replacements")):
        c = Reader(item, f"{r.where}.replacements[{i}]", problems)
        doc_id = c.text("document_id", required=True) or "?"
        replacements.append(Replacement(doc_id, c.texts("organ_ids", required=True)))
        c.finish()
    reason, paper = r.text("reason"), r.flag("paper")
    target = read_ref(target_r) if target_r else None
    info_changed = r.flag("document_info_changed")
    staff = read_staff(r.child("staff"))
    r.finish()
    return _guard(
        problems,
        lambda: Business(
            BusinessType(raw_type),
            reason,
            paper,
            target,
            info_changed,
            tuple(changes),
            tuple(replacements),
            staff,
        ),
    )


def read_document(
    obj: object, *, item_id: str, key: str, files: Mapping[str, Path], where: str
) -> OutgoingDocument:
    """metadata.json -> OutgoingDocument; ``files`` maps NFC names to the folder's files."""
    problems: list[str] = []
    r = Reader(obj, where, problems)
    _version(r)
    s = r.child("signer", required=True)
    signer = Signer(
        full_name=(s.text("full_name", required=True) if s else None) or "?",
        position=s.text("position") if s else None,
        competence=s.text("competence") if s else None,
    )
    if s:
        s.finish()
    subject = r.text("subject", required=True) or ""
    code_number = r.text("code_number", required=True) or ""
    code_notation = r.text("code_notation") or ""
    promulgated = r.day("promulgation_date", required=True)
    place = r.text("promulgation_place", required=True) or ""
    type_name = r.text("document_type_name", required=True) or ""
    document_id, type_code = r.text("document_id"), r.text("document_type")
    content, priority, due = r.text("content"), r.integer("priority", 0), r.day("due_date")
    steering, to_places = r.integer("steering_type", 0) or None, r.texts("to_places")
    recipients = r.texts("recipients", required=True)
    attachments: list[Attachment] = []
    for i, item in enumerate(r.items("attachments")):
        a = Reader(item, f"{where}.attachments[{i}]", problems)
        name = a.text("file", required=True)
        path = None
        if name is not None:
            try:
                name = check_plain_name(name, f"{a.where}.file")
                path = files.get(name)
                if path is None:
                    a.fail("file", f"{name!r} is not in the folder")
            except BackOfficeDataError as exc:
                problems.append(str(exc))
        content_type = a.text("content_type") or "application/octet-stream"
        description = a.text("description")
        a.finish()
        if name and path is not None:
            attachments.append(Attachment(name, content_type, path=path, description=description))
    business = _business(r.child("business"), problems)
    sender = r.text("sender")
    r.finish()
    if promulgated is None:
        raise Problems(where, problems)
    info = _guard(
        problems,
        lambda: DocumentInfo(
            subject,
            code_number,
            code_notation,
            promulgated,
            place,
            type_name,
            signer,
            document_id,
            type_code,
            content,
            priority,
            due,
            steering,
            to_places,
        ),
    )
    doc = None
    if info is not None and business is not None and not problems:
        doc = _guard(
            problems,
            lambda: OutgoingDocument(
                item_id, key, info, recipients, tuple(attachments), business, sender
            ),
        )
    if problems or doc is None:
        raise Problems(where, problems)
    return doc


def read_status(obj: object, *, item_id: str, key: str, where: str) -> OutgoingStatus:
    """An outbox-status file -> OutgoingStatus (codes 02..06, 13, 15, 16)."""
    problems: list[str] = []
    r = Reader(obj, where, problems)
    _version(r)
    orig_r = r.child("original", required=True)
    original = read_ref(orig_r) if orig_r else None
    code = r.text("code", required=True)
    if code is not None and code not in OUTGOING_STATUS_CODES:
        r.fail("code", f"{code!r} is not one of {', '.join(sorted(OUTGOING_STATUS_CODES))}")
    description = r.text("description") or ""
    moment = r.moment("time", required=True)
    staff = read_staff(r.child("staff"))
    r.finish()
    if problems or original is None or code is None or moment is None:
        raise Problems(where, problems or ["incomplete"])
    status = _guard(
        problems,
        lambda: OutgoingStatus(item_id, key, original, code, description, moment, staff),
    )
    if problems or status is None:
        raise Problems(where, problems)
    return status
