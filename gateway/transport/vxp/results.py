"""Typed answers of the axis, read strictly.

The SDK reads every field as optional and swallows malformed answers. We do the opposite:
an answer whose shape is wrong (not an object, ``data`` not a list, a field of the wrong type,
a missing identifier) raises :class:`~gateway.errors.AxisError` naming the operation and the
field, because an empty list read from garbage means documents silently not received.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.errors import AxisError

__all__ = [
    "Agency",
    "AgencyRegistration",
    "ReceivedItem",
    "SendResult",
    "SentItem",
    "SyncUnit",
]


@dataclass(frozen=True, slots=True)
class SendResult:
    """``DocId``: the axis's identifier of the sent message (the sender's doc id)."""

    doc_id: str


@dataclass(frozen=True, slots=True)
class ReceivedItem:
    doc_id: str
    service_type: str
    message_type: str
    created_time: str
    updated_time: str
    sender: str
    receiver: str
    status: str
    status_desc: str


@dataclass(frozen=True, slots=True)
class SentItem:
    sender_doc_id: str
    receiver_doc_id: str
    from_code: str
    to_code: str
    title: str
    notation: str
    service_type: str
    message_type: str
    send_status: str
    send_status_desc: str
    receive_status: str
    receive_status_desc: str
    sent_time: str
    received_time: str


@dataclass(frozen=True, slots=True)
class Agency:
    """One agency of the directory; ``old_code`` comes from getAgenciesList, ``code102``
    from getAgenciesListQD20 (empty when the form does not carry it)."""

    id: str
    code: str
    pid: str
    name: str
    mail: str
    old_code: str = ""
    code102: str = ""


@dataclass(frozen=True, slots=True)
class SyncUnit:
    id: str
    code: str
    pid: str
    name: str
    mail: str
    center_code: str
    version: int | None
    deleted: bool
    is_agency: bool
    modify_date: str


@dataclass(frozen=True, slots=True)
class AgencyRegistration:
    """The body of ``registerAgency``; serialised compactly in the SDK's field order."""

    pcode: str
    code: str
    name: str
    mail: str = ""
    mobile: str = ""
    fax: str = ""
    id: str = ""

    def to_json_bytes(self) -> bytes:
        doc = {
            "id": self.id,
            "pcode": self.pcode,
            "code": self.code,
            "name": self.name,
            "mail": self.mail,
            "mobile": self.mobile,
            "fax": self.fax,
        }
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _malformed(operation: str, what: str) -> AxisError:
    return AxisError(
        f"axis {operation}: malformed answer: {what}", code=None, description=None, retryable=True
    )


def text_field(
    operation: str, item: Mapping[str, Any], name: str, *, required: bool = False
) -> str:
    value = item.get(name)
    if value is None:
        if required:
            raise _malformed(operation, f"item without {name!r}")
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _malformed(operation, f"{name!r} is {type(value).__name__}, expected a string")
    return str(value)


def data_list(operation: str, answer: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    data = answer.get("data")
    if not isinstance(data, list):
        raise _malformed(operation, f"'data' is {type(data).__name__}, expected a list")
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            raise _malformed(operation, f"data[{index}] is {type(item).__name__}, not an object")
    return data


def received_items(answer: Mapping[str, Any]) -> tuple[ReceivedItem, ...]:
    op = "getReceivedEdocList"
    return tuple(
        ReceivedItem(
            doc_id=text_field(op, it, "docId", required=True),
            service_type=text_field(op, it, "serviceType"),
            message_type=text_field(op, it, "messageType"),
            created_time=text_field(op, it, "created_time"),
            updated_time=text_field(op, it, "updated_time"),
            sender=text_field(op, it, "from"),
            receiver=text_field(op, it, "to"),
            status=text_field(op, it, "status"),
            status_desc=text_field(op, it, "status_desc"),
        )
        for it in data_list(op, answer)
    )


def sent_items(answer: Mapping[str, Any]) -> tuple[SentItem, ...]:
    op = "getSentEdocList"
    return tuple(
        SentItem(
            sender_doc_id=text_field(op, it, "senderDocId"),
            receiver_doc_id=text_field(op, it, "receiverDocId"),
            from_code=text_field(op, it, "fromCode"),
            to_code=text_field(op, it, "toCode"),
            title=text_field(op, it, "title"),
            notation=text_field(op, it, "notation"),
            service_type=text_field(op, it, "serviceType"),
            message_type=text_field(op, it, "messageType"),
            send_status=text_field(op, it, "sendStatus"),
            send_status_desc=text_field(op, it, "sendStatusDesc"),
            receive_status=text_field(op, it, "receiveStatus"),
            receive_status_desc=text_field(op, it, "receiveStatusDesc"),
            sent_time=text_field(op, it, "sentTime"),
            received_time=text_field(op, it, "receivedTime"),
        )
        for it in data_list(op, answer)
    )


def agencies(operation: str, answer: Mapping[str, Any]) -> tuple[Agency, ...]:
    return tuple(
        Agency(
            id=text_field(operation, it, "id"),
            code=text_field(operation, it, "code", required=True),
            pid=text_field(operation, it, "pid"),
            name=text_field(operation, it, "name"),
            mail=text_field(operation, it, "mail"),
            old_code=text_field(operation, it, "oldCode"),
            code102=text_field(operation, it, "code102"),
        )
        for it in data_list(operation, answer)
    )


def _bool(operation: str, item: Mapping[str, Any], name: str) -> bool:
    value = item.get(name, False)
    if not isinstance(value, bool):
        raise _malformed(operation, f"{name!r} is {type(value).__name__}, expected a boolean")
    return value


def _int(operation: str, item: Mapping[str, Any], name: str) -> int | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _malformed(operation, f"{name!r} is {type(value).__name__}, expected an integer")
    return value


def sync_units(answer: Mapping[str, Any]) -> tuple[SyncUnit, ...]:
    op = "getSynchronizeUnit"
    return tuple(
        SyncUnit(
            id=text_field(op, it, "id"),
            code=text_field(op, it, "code", required=True),
            pid=text_field(op, it, "pid"),
            name=text_field(op, it, "name"),
            mail=text_field(op, it, "mail"),
            center_code=text_field(op, it, "centerCode"),
            version=_int(op, it, "version"),
            deleted=_bool(op, it, "deleted"),
            is_agency=_bool(op, it, "isAgency"),
            modify_date=text_field(op, it, "modifyDate"),
        )
        for it in data_list(op, answer)
    )


def count(operation: str, answer: Mapping[str, Any]) -> int:
    value = answer.get("count")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _malformed(operation, f"'count' is {value!r}, expected a non-negative integer")
    return value


def send_result(answer: Mapping[str, Any]) -> SendResult:
    doc_id = answer.get("DocId")
    if not isinstance(doc_id, str) or not doc_id.strip():
        raise _malformed("sendEdoc", "no 'DocId' in a successful answer")
    return SendResult(doc_id)
