"""What each axis operation does in the simulator, on an authenticated request.

Routing: a document goes to every agency in its ``To`` (the optional ``to`` header narrows
that list to the agencies it names; when it names none of them, as the stale ``to`` of a
reused SDK object does, it is ignored). A status goes to its original sender, read from the
package, never from ``to``. Each recipient agency gets its own delivery with its own doc id,
queued for the system that owns the agency. ``updateStatus``: ``done`` removes a delivery from
the receiver's list, ``fail`` and ``processing`` keep it listed.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from gateway.simulator.auth import VerifiedRequest, sdk_hash_file
from gateway.simulator.config import SimulatorConfig
from gateway.simulator.package import PackageError, read_package
from gateway.simulator.refusals import Refusal, Refused
from gateway.simulator.store import AgencyRow, DeliveryRow, SimStore

__all__ = ["Answer", "AxisService"]

_VN = timezone(timedelta(hours=7))
_OK = {"status": "OK", "ErrorCode": "0", "ErrorDesc": "Thành công"}
_STATUS_DESC = {
    "initial": "Chưa nhận",
    "processing": "Đang xử lý",
    "done": "Đã nhận",
    "fail": "Nhận lỗi",
}


@dataclass(frozen=True, slots=True)
class Answer:
    """A JSON answer, or raw bytes (downloadEdoc)."""

    doc: dict[str, Any] | None = None
    raw: bytes | None = None


def _ok(**fields: Any) -> Answer:
    return Answer(doc={**_OK, **fields})


def _fmt(moment: datetime) -> str:
    return moment.astimezone(_VN).strftime("%Y/%m/%d %H:%M:%S")


class AxisService:
    def __init__(self, config: SimulatorConfig, store: SimStore, clock: Callable[[], datetime]):
        self._config = config
        self._store = store
        self._clock = clock
        self._handlers: Mapping[str, Callable[[VerifiedRequest, bytes], Answer]] = {
            "sendEdoc": self._send_edoc,
            "getReceivedEdocList": self._received_list,
            "getEdoc": self._get_edoc,
            "downloadEdoc": self._download_edoc,
            "updateStatus": self._update_status,
            "getSentEdocList": self._sent_list,
            "getAgenciesList": self._agencies,
            "getAgenciesListQD20": self._agencies_qd20,
            "getSynchronizeUnit": self._synchronize,
            "registerAgency": self._register_agency,
            "deleteAgency": self._delete_agency,
            "countReceiveEdoc": lambda r, b: self._count(r, "edoc"),
            "countReceiveStatus": lambda r, b: self._count(r, "status"),
        }
        now = _fmt(clock())
        for agency in config.agencies:
            store.seed_agency(
                AgencyRow(
                    0,
                    agency.code,
                    agency.system,
                    agency.pid,
                    agency.name,
                    agency.mail,
                    agency.old_code,
                    1,
                    False,
                    now,
                )
            )

    def operations(self) -> frozenset[str]:
        return frozenset(self._handlers)

    def handle(self, operation: str, request: VerifiedRequest, body: bytes) -> Answer:
        handler = self._handlers.get(operation)
        if handler is None:
            raise Refused(Refusal.UNKNOWN_OPERATION, operation)
        return handler(request, body)

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _param(request: VerifiedRequest, name: str, allowed: tuple[str, ...] = ()) -> str:
        value = request.params.get(name)
        if value is None or not value.strip():
            raise Refused(Refusal.BAD_PARAMETER, f"{name} is missing (or not signed)")
        if allowed and value not in allowed:
            raise Refused(Refusal.BAD_PARAMETER, f"{name}={value!r}, expected {allowed}")
        return value

    def _active_agency(self, code: str) -> AgencyRow:
        row = self._store.agency(code)
        if row is None or row.deleted:
            raise Refused(Refusal.UNKNOWN_AGENCY, code)
        return row

    def _own_delivery(self, request: VerifiedRequest) -> DeliveryRow:
        doc_id = self._param(request, "docId")
        row = self._store.delivery(doc_id)
        if row is None or row.to_system != request.system_id:
            raise Refused(Refusal.UNKNOWN_DOCUMENT, doc_id)
        return row

    # -- sending ----------------------------------------------------------------------------

    def _send_edoc(self, request: VerifiedRequest, body: bytes) -> Answer:
        sender = self._param(request, "from")
        if sender != request.system_id:
            raise Refused(Refusal.FROM_MISMATCH, f"from={sender!r}, systemid={request.system_id}")
        kind = self._param(request, "messagetype", ("edoc", "status"))
        declared = self._param(request, "hash-file")
        # The SDK appends CRLF after the file; the hash covers the file alone.
        if body.endswith(b"\r\n") and sdk_hash_file(body[:-2]) == declared:
            package = body[:-2]
        elif sdk_hash_file(body) == declared:
            package = body
        else:
            raise Refused(Refusal.HASH_FILE_MISMATCH, f"{len(body)} bytes received")
        try:
            facts = read_package(package, kind, max_bytes=self._config.max_request_bytes)
        except PackageError as exc:
            raise Refused(Refusal.BAD_PACKAGE, str(exc)) from None
        from_row = self._active_agency(facts.from_organ)
        if self._config.check_sender_agency and from_row.system_id != request.system_id:
            raise Refused(
                Refusal.AGENCY_NOT_OWNED,
                f"From/OrganId {facts.from_organ} belongs to {from_row.system_id}",
            )
        recipients = list(facts.to_organs)
        if kind == "edoc" and "to" in request.params:
            named = self._to_header(request.params["to"])
            for code in named:
                self._active_agency(code)
            narrowed = [code for code in recipients if code in named]
            recipients = narrowed or recipients
        if kind == "status" and facts.from_organ == facts.original_sender:
            # The issuer's own status about its document (13, take-back request) cannot go
            # back to the issuer: it goes to the recipients the `to` header names.
            named = self._to_header(request.params["to"]) if "to" in request.params else []
            if not named:
                raise Refused(
                    Refusal.BAD_PARAMETER,
                    "a status from the document's own issuer (13) needs `to` naming recipients",
                )
            recipients = named
        targets = [(code, self._active_agency(code).system_id) for code in recipients]
        doc_id = str(uuid.uuid4())
        self._store.add_message(
            doc_id=doc_id,
            kind=kind,
            from_system=request.system_id,
            from_agency=facts.from_organ,
            title=facts.title,
            notation=facts.notation,
            payload=package,
            now=_fmt(self._clock()),
            deliveries=[(str(uuid.uuid4()), code, system) for code, system in targets],
        )
        return _ok(DocId=doc_id)

    @staticmethod
    def _to_header(value: str) -> list[str]:
        try:
            named = json.loads(value)
        except json.JSONDecodeError:
            raise Refused(Refusal.BAD_PARAMETER, "to is not a JSON array") from None
        if not isinstance(named, list) or not all(isinstance(x, str) for x in named):
            raise Refused(Refusal.BAD_PARAMETER, "to is not a JSON array of agency ids")
        return [x.strip() for x in named]

    # -- receiving --------------------------------------------------------------------------

    def _received_list(self, request: VerifiedRequest, body: bytes) -> Answer:
        kind = self._param(request, "messagetype", ("edoc", "status"))
        data = [
            {
                "docId": row.doc_id,
                "serviceType": "eDoc",
                "messageType": row.kind,
                "created_time": row.created,
                "updated_time": row.updated,
                "from": row.from_agency,
                "to": row.to_agency,
                "status": row.status,
                "status_desc": _STATUS_DESC.get(row.status, row.status),
            }
            for row in self._store.received(request.system_id, kind)
        ]
        return _ok(data=data)

    def _payload(self, request: VerifiedRequest) -> bytes:
        row = self._own_delivery(request)
        payload = self._store.payload(row.doc_id)
        if payload is None:  # a delivery always has its message; guard against a bad file
            raise Refused(Refusal.UNKNOWN_DOCUMENT, row.doc_id)
        return payload

    def _get_edoc(self, request: VerifiedRequest, body: bytes) -> Answer:
        return _ok(data=base64.b64encode(self._payload(request)).decode("ascii"))

    def _download_edoc(self, request: VerifiedRequest, body: bytes) -> Answer:
        return Answer(raw=self._payload(request))

    def _update_status(self, request: VerifiedRequest, body: bytes) -> Answer:
        row = self._own_delivery(request)
        status = self._param(request, "status", ("done", "fail", "processing"))
        self._store.set_status(row.doc_id, status, _fmt(self._clock()))
        return _ok()

    def _count(self, request: VerifiedRequest, kind: str) -> Answer:
        return _ok(count=len(self._store.received(request.system_id, kind)))

    def _sent_list(self, request: VerifiedRequest, body: bytes) -> Answer:
        kind = self._param(request, "messagetype", ("edoc", "status"))
        doc_id = request.params.get("docId") or None
        data = [
            {
                "serviceType": "eDoc",
                "messageType": row.kind,
                "title": row.title,
                "notation": row.notation,
                "senderDocId": row.message_id,
                "receiverDocId": row.doc_id,
                "fromCode": row.from_agency,
                "toCode": row.to_agency,
                "sendStatus": "done",
                "sendStatusDesc": "Đã gửi",
                "receiveStatus": row.status,
                "receiveStatusDesc": _STATUS_DESC.get(row.status, row.status),
                "sentTime": row.created,
                "receivedTime": row.updated if row.status == "done" else "",
            }
            for row in self._store.sent(request.system_id, kind, doc_id)
        ]
        return _ok(data=data)

    # -- directory --------------------------------------------------------------------------

    def _parent_id(self, rows: list[AgencyRow], pid: str) -> str:
        for row in rows:
            if row.code == pid:
                return str(row.seq)
        return ""

    def _agencies(self, request: VerifiedRequest, body: bytes) -> Answer:
        rows = self._store.agencies()
        data = [
            {
                "id": str(r.seq),
                "code": r.code,
                "pid": self._parent_id(rows, r.pid),
                "name": r.name,
                "mail": r.mail,
                "oldCode": r.old_code,
            }
            for r in rows
        ]
        return _ok(data=data)

    def _agencies_qd20(self, request: VerifiedRequest, body: bytes) -> Answer:
        rows = self._store.agencies()
        data = [
            {
                "id": str(r.seq),
                "code": r.code,
                "code102": r.code,
                "pid": self._parent_id(rows, r.pid),
                "name": r.name,
                "mail": r.mail,
            }
            for r in rows
        ]
        return _ok(data=data)

    def _synchronize(self, request: VerifiedRequest, body: bytes) -> Answer:
        rows = self._store.agencies(include_deleted=True)
        data = [
            {
                "id": str(r.seq),
                "code": r.code,
                "pid": self._parent_id(rows, r.pid),
                "name": r.name,
                "mail": r.mail,
                "version": r.version,
                "centerCode": r.system_id,
                "deleted": r.deleted,
                "modifyDate": r.modified,
                "isAgency": True,
            }
            for r in rows
        ]
        return _ok(data=data)

    def _register_agency(self, request: VerifiedRequest, body: bytes) -> Answer:
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise Refused(Refusal.BAD_PARAMETER, "body is not UTF-8 JSON") from None
        if not isinstance(doc, dict):
            raise Refused(Refusal.BAD_PARAMETER, "body is not a JSON object")
        fields: dict[str, str] = {}
        for name in ("pcode", "code", "name", "mail", "mobile", "fax"):
            value = doc.get(name, "")
            if not isinstance(value, str):
                raise Refused(Refusal.BAD_PARAMETER, f"{name} is not a string")
            fields[name] = value.strip()
        if not fields["code"] or not fields["name"]:
            raise Refused(Refusal.BAD_PARAMETER, "code and name are required")
        if fields["pcode"]:
            self._active_agency(fields["pcode"])
        existing = self._store.agency(fields["code"])
        if existing is not None and existing.system_id != request.system_id:
            raise Refused(Refusal.AGENCY_NOT_OWNED, fields["code"])
        created = self._store.register_agency(
            code=fields["code"],
            system_id=request.system_id,
            pid=fields["pcode"],
            name=fields["name"],
            mail=fields["mail"],
            mobile=fields["mobile"],
            fax=fields["fax"],
            now=_fmt(self._clock()),
        )
        if not created:
            raise Refused(Refusal.AGENCY_EXISTS, fields["code"])
        return _ok()

    def _delete_agency(self, request: VerifiedRequest, body: bytes) -> Answer:
        code = self._param(request, "AgencyCode")
        row = self._active_agency(code)
        if row.system_id != request.system_id:
            raise Refused(Refusal.AGENCY_NOT_OWNED, code)
        self._store.delete_agency(code, _fmt(self._clock()))
        return _ok()
