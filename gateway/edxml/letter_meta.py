"""A letter's metadata (a TOML/JSON table, as an operator writes it) → :class:`EdocPackage`.

Pure: the caller loads the file and the attachment bytes. Every problem is a
:class:`~gateway.errors.ConfigError` naming the key (``to[2].organ_id: missing``), because
this is input an operator fixes by hand. Keys are documented in docs/edxml.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from gateway.edxml.enums import BusinessType, Priority, SteeringType
from gateway.edxml.model_common import Attachment, Organization, ResponseFor, StaffInfo
from gateway.edxml.model_edoc import (
    Business,
    BusinessDocumentInfo,
    Code,
    DocumentType,
    EdocPackage,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    SignerInfo,
)
from gateway.edxml.timefmt import format_date, parse_date
from gateway.errors import ConfigError

__all__ = ["BUSINESS_NAMES", "letter_from_metadata"]

BUSINESS_NAMES = {"new": 0, "revoke": 1, "update": 2, "replace": 3}
_TOP = {
    "from",
    "to",
    "document_id",
    "code",
    "promulgation",
    "document_type",
    "subject",
    "content",
    "signer",
    "due_date",
    "other",
    "response_for",
    "steering_type",
    "to_places",
    "business",
    "attachments",
}


class _Table:
    """A metadata table that remembers where it is, for one-line error messages."""

    def __init__(self, data: object, where: str, allowed: set[str]) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError(f"{where or 'metadata'}: expected a table")
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise ConfigError(f"{where + '.' if where else ''}{unknown[0]}: unknown key")
        self.data, self.where = data, where

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise ConfigError(f"{self.key(name)}: missing")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ConfigError(f"{self.key(name)}: expected text, got {type(value).__name__}")
        return str(value)

    def req(self, name: str) -> str:
        value = self.text(name, required=True)
        assert value is not None
        return value

    def integer(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{self.key(name)}: expected a non-negative integer")
        return value

    def day(self, name: str) -> date | None:
        value = self.data.get(name)
        if value is None or isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise ConfigError(f'{self.key(name)}: expected a date (2026-03-02 or "2026/03/02")')
        try:
            return parse_date(value)
        except ValueError as exc:
            raise ConfigError(f"{self.key(name)}: {exc}") from None

    def flag(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None or isinstance(value, bool):
            return value
        raise ConfigError(f"{self.key(name)}: expected true or false")

    def table(self, name: str, allowed: set[str]) -> _Table | None:
        value = self.data.get(name)
        return None if value is None else _Table(value, self.key(name), allowed)

    def tables(self, name: str, allowed: set[str]) -> list[_Table]:
        value = self.data.get(name, [])
        if not isinstance(value, list):
            raise ConfigError(f"{self.key(name)}: expected a list of tables")
        return [_Table(item, f"{self.key(name)}[{i}]", allowed) for i, item in enumerate(value, 1)]

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{self.key(name)}: expected a list of text")
        return tuple(value)


_ORG = {
    "organ_id",
    "organization_in_charge",
    "organ_name",
    "organ_add",
    "email",
    "telephone",
    "fax",
    "website",
}
_STAFF = {"department", "staff", "mobile", "email"}


def _org(t: _Table) -> Organization:
    return Organization(
        organ_id=t.req("organ_id"),
        organization_in_charge=t.text("organization_in_charge"),
        organ_name=t.text("organ_name"),
        organ_add=t.text("organ_add"),
        email=t.text("email"),
        telephone=t.text("telephone"),
        fax=t.text("fax"),
        website=t.text("website"),
    )


def _staff(t: _Table | None) -> StaffInfo | None:
    if t is None:
        return None
    return StaffInfo(
        department=t.text("department"),
        staff=t.text("staff"),
        mobile=t.text("mobile"),
        email=t.text("email"),
    )


def letter_from_metadata(
    data: Mapping[str, Any], attachments: tuple[Attachment, ...] = ()
) -> EdocPackage:
    """Build the package; ``document_id`` defaults to ``{from},{yyyy/MM/dd},{số}/{ký hiệu}``."""
    top = _Table(data, "", _TOP)
    sender_table = top.table("from", _ORG)
    if sender_table is None:
        raise ConfigError("from: missing (the sending agency)")
    sender = _org(sender_table)
    recipients = tuple(_org(t) for t in top.tables("to", _ORG))
    if not recipients:
        raise ConfigError("to: missing (at least one [[to]] recipient)")
    code_table = top.table("code", {"number", "notation"})
    if code_table is None:
        raise ConfigError("code: missing (số and ký hiệu: [code] number, notation)")
    code = Code(code_number=code_table.req("number"), code_notation=code_table.req("notation"))
    prom = top.table("promulgation", {"place", "date"})
    promulgation = (
        None
        if prom is None
        else PromulgationInfo(place=prom.text("place"), promulgation_date=prom.day("date"))
    )
    document_id = top.text("document_id")
    if document_id is None:
        when = promulgation.promulgation_date if promulgation else None
        if when is None:
            raise ConfigError("document_id: missing, and no promulgation.date to derive it from")
        document_id = (
            f"{sender.organ_id},{format_date(when)},{code.code_number}/{code.code_notation}"
        )
    doc_type = top.table("document_type", {"type", "type_detail", "type_name"})
    signer = top.table("signer", {"competence", "position", "full_name"})
    steering = top.integer("steering_type")
    return EdocPackage(
        from_=sender,
        to=recipients,
        document_id=document_id,
        code=code,
        promulgation_info=promulgation,
        document_type=None
        if doc_type is None
        else DocumentType(
            type=doc_type.text("type"),
            type_detail=doc_type.text("type_detail"),
            type_name=doc_type.text("type_name"),
        ),
        subject=top.req("subject"),
        content=top.text("content"),
        signer_info=None
        if signer is None
        else SignerInfo(
            competence=signer.text("competence"),
            position=signer.text("position"),
            full_name=signer.text("full_name"),
        ),
        due_date=top.day("due_date"),
        other_info=_other(
            top.table(
                "other",
                {
                    "priority",
                    "sphere_of_promulgation",
                    "typer_notation",
                    "promulgation_amount",
                    "page_amount",
                    "direction",
                    "appendixes",
                },
            )
        ),
        response_for=tuple(
            ResponseFor(
                organ_id=t.text("organ_id"),
                code=t.req("code"),
                document_id=t.req("document_id"),
                promulgation_date=t.day("promulgation_date"),
            )
            for t in top.tables(
                "response_for", {"organ_id", "code", "document_id", "promulgation_date"}
            )
        ),
        steering_type=None if steering is None else SteeringType(steering),
        to_places=top.strings("to_places"),
        business=_business(
            top.table(
                "business",
                {
                    "type",
                    "document_id",
                    "reason",
                    "paper",
                    "staff",
                    "document_info",
                    "document_receiver",
                    "receivers",
                    "replacements",
                },
            )
        ),
        attachments=attachments,
    )


def _other(t: _Table | None) -> OtherInfo | None:
    if t is None:
        return None
    return OtherInfo(
        priority=Priority(t.integer("priority") or 0),
        sphere_of_promulgation=t.text("sphere_of_promulgation"),
        typer_notation=t.text("typer_notation"),
        promulgation_amount=t.integer("promulgation_amount"),
        page_amount=t.integer("page_amount"),
        direction=t.text("direction"),
        appendixes=t.strings("appendixes"),
    )


def _business(t: _Table | None) -> Business | None:
    if t is None:
        return None
    raw = t.data.get("type", "new")
    kind = BUSINESS_NAMES.get(raw) if isinstance(raw, str) else raw
    if not isinstance(kind, int) or isinstance(kind, bool) or kind < 0:
        raise ConfigError(
            f"{t.key('type')}: expected one of {', '.join(BUSINESS_NAMES)} or a number"
        )
    receivers = tuple(
        Receiver(organ_id=r.req("organ_id"), receiver_type=_change(r))
        for r in t.tables("receivers", {"organ_id", "change"})
    )
    info = None
    if receivers or t.flag("document_info") is not None or t.flag("document_receiver") is not None:
        info = BusinessDocumentInfo(
            document_info=bool(t.flag("document_info")),
            document_receiver=bool(t.flag("document_receiver")),
            receivers=receivers,
        )
    return Business(
        business_doc_type=BusinessType(kind),
        document_id=t.text("document_id"),
        reason=t.text("reason"),
        paper=t.flag("paper"),
        staff_info=_staff(t.table("staff", _STAFF)),
        business_document_info=info,
        replacement_infos=tuple(
            ReplacementInfo(document_id=r.req("document_id"), organ_ids=r.strings("organ_ids"))
            for r in t.tables("replacements", {"document_id", "organ_ids"})
        ),
    )


def _change(t: _Table) -> int:
    change = t.req("change")
    if change not in {"added", "removed"}:
        raise ConfigError(f'{t.key("change")}: expected "added" or "removed"')
    return 1 if change == "added" else 0
