"""Received documents and status changes as the JSON the back office reads from inbox/.

Every field is written, empty ones as ``null``, so a back office can rely on the key set.
Dates are ISO 8601; times carry their offset.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from gateway.exchange.backoffice import (
    Business,
    DocumentInfo,
    DocumentRef,
    ReceivedDocument,
    StaffInfo,
    StatusChange,
)

FORMAT_VERSION = 1


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def ref_json(ref: DocumentRef) -> dict[str, Any]:
    return {
        "document_id": ref.document_id,
        "organ_id": ref.organ_id,
        "code_number": ref.code_number,
        "code_notation": ref.code_notation,
        "promulgation_date": _day(ref.promulgation_date),
    }


def staff_json(staff: StaffInfo | None) -> dict[str, Any] | None:
    if staff is None:
        return None
    return {
        "department": staff.department,
        "staff": staff.staff,
        "mobile": staff.mobile,
        "email": staff.email,
    }


def info_json(info: DocumentInfo) -> dict[str, Any]:
    return {
        "document_id": info.document_id,
        "subject": info.subject,
        "code_number": info.code_number,
        "code_notation": info.code_notation,
        "promulgation_date": _day(info.promulgation_date),
        "promulgation_place": info.promulgation_place,
        "document_type": info.document_type,
        "document_type_name": info.document_type_name,
        "content": info.content,
        "signer": {
            "full_name": info.signer.full_name,
            "position": info.signer.position,
            "competence": info.signer.competence,
        },
        "priority": info.priority,
        "due_date": _day(info.due_date),
        "steering_type": info.steering_type,
        "to_places": list(info.to_places),
    }


def business_json(business: Business) -> dict[str, Any]:
    return {
        "type": int(business.type),
        "type_name": business.type.name.lower(),
        "reason": business.reason,
        "paper": business.paper,
        "target": ref_json(business.target) if business.target else None,
        "document_info_changed": business.document_info_changed,
        "receiver_changes": [
            {"organ_id": c.organ_id, "action": "add" if c.added else "remove"}
            for c in business.receiver_changes
        ],
        "replacements": [
            {"document_id": r.document_id, "organ_ids": list(r.organ_ids)}
            for r in business.replacements
        ],
        "staff": staff_json(business.staff),
    }


def document_json(doc: ReceivedDocument, files: list[dict[str, Any]]) -> dict[str, Any]:
    """``files`` describes the written attachments (name on disk, original name, hash...)."""
    return {
        "version": FORMAT_VERSION,
        "gateway_id": doc.gateway_id,
        "received_at": doc.received_at.isoformat(),
        "sender": doc.sender,
        "sender_name": doc.sender_name,
        "recipients": list(doc.recipients),
        **info_json(doc.info),
        "business": business_json(doc.business),
        "concerns": [ref_json(r) for r in doc.concerns],
        "attachments": files,
    }


def status_json(status: StatusChange) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "gateway_id": status.gateway_id,
        "document": ref_json(status.document),
        "recipient": status.recipient,
        "code": status.code,
        "known_code": status.known,
        "description": status.description,
        "time": status.time.isoformat(),
        "staff": staff_json(status.staff),
    }
