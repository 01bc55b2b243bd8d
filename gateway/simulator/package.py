"""The few facts the simulator reads from a package to route it, as an axis would.

Deliberately independent of the gateway's edXML reader: the simulator stands in for an external
system, so it reads only what routing needs, by namespace + local name, through the hardened
parser. Documents: ``From/OrganId``, every ``To/OrganId``, ``Subject`` and ``Code`` (for the
sent list). Statuses: ``From/OrganId`` and the original sender, ``ResponseFor/OrganId`` or,
when absent, the issuer prefix of ``ResponseFor/DocumentId`` (``{OrganId},{date},{number}``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from gateway import safexml
from gateway.errors import XmlSecurityError

__all__ = ["NS", "PackageError", "PackageFacts", "read_package"]

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


class PackageError(ValueError):
    """The bytes are not a package the simulator can route; the message says why."""


@dataclass(frozen=True, slots=True)
class PackageFacts:
    kind: Literal["edoc", "status"]
    from_organ: str
    to_organs: tuple[str, ...]
    original_sender: str
    title: str
    notation: str


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _text(parent: etree._Element | None, *path: str) -> str:
    node = parent
    for name in path:
        if node is None:
            return ""
        node = node.find(_q(name))
    if node is None or node.text is None:
        return ""
    return unicodedata.normalize("NFC", node.text.strip())


def read_package(data: bytes, kind: str, *, max_bytes: int) -> PackageFacts:
    """Read routing facts; ``kind`` is the ``messagetype`` the sender declared."""
    try:
        tree = safexml.parse(
            data, limits=safexml.ParserLimits(max_bytes=max_bytes), source="package"
        )
    except XmlSecurityError as exc:
        raise PackageError(str(exc)) from None
    root = tree.getroot()
    if root.tag != _q("edXML"):
        raise PackageError(f"root element is {root.tag}, expected edXML in namespace {NS}")
    header = root.find(f"{_q('edXMLEnvelope')}/{_q('edXMLHeader')}/{_q('MessageHeader')}")
    if header is None:
        raise PackageError("no edXMLEnvelope/edXMLHeader/MessageHeader")
    is_status = header.find(_q("StatusCode")) is not None
    if kind == "status" and not is_status:
        raise PackageError("messagetype is status but the package has no StatusCode")
    if kind == "edoc" and is_status:
        raise PackageError("messagetype is edoc but the package is a status (has StatusCode)")
    from_organ = _text(header, "From", "OrganId")
    if not from_organ:
        raise PackageError("MessageHeader/From/OrganId is missing or empty")
    if is_status:
        original = _text(header, "ResponseFor", "OrganId")
        if not original:
            document_id = _text(header, "ResponseFor", "DocumentId")
            original = document_id.split(",", 1)[0].strip() if "," in document_id else ""
        if not original:
            raise PackageError(
                "status without an original sender: neither ResponseFor/OrganId nor an "
                "issuer prefix in ResponseFor/DocumentId"
            )
        code = _text(header, "StatusCode")
        return PackageFacts(
            kind="status",
            from_organ=from_organ,
            to_organs=(original,),
            original_sender=original,
            title=f"{code} {_text(header, 'Description')}".strip(),
            notation=_text(header, "ResponseFor", "Code"),
        )
    recipients: list[str] = []
    for to in header.findall(_q("To")):
        organ = _text(to, "OrganId")
        if not organ:
            raise PackageError("a MessageHeader/To has no OrganId")
        if organ not in recipients:
            recipients.append(organ)
    if not recipients:
        raise PackageError("document without any MessageHeader/To/OrganId")
    number = _text(header, "Code", "CodeNumber")
    notation = _text(header, "Code", "CodeNotation")
    return PackageFacts(
        kind="edoc",
        from_organ=from_organ,
        to_organs=tuple(recipients),
        original_sender="",
        title=_text(header, "Subject"),
        notation=f"{number}/{notation}" if number and notation else number or notation,
    )
