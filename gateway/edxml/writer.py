"""``write_package``: a model → the bytes of an edXML package, laid out like the references.

Pure: the only input besides the model is ``now`` (used when ``trace_organ_id`` asks for a
trace entry of the sending system). Attachments are base64-encoded in chunks straight into the
output buffer, so a 50 MB file costs its encoded size once, not several times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.edxml.attachments import b64_chunks, wire_cid, zip_single
from gateway.edxml.model_common import Attachment, TraceHeader
from gateway.edxml.model_edoc import EdocPackage
from gateway.edxml.model_status import StatusPackage
from gateway.edxml.names import NS
from gateway.edxml.timefmt import VN_TZ, to_vietnam_time
from gateway.edxml.writer_edoc import write_edoc_header, write_trace_list
from gateway.edxml.writer_parts import P
from gateway.edxml.writer_status import write_status_header
from gateway.edxml.writer_xml import XmlOut
from gateway.errors import EdxmlBuildError

__all__ = ["WriteOptions", "write_package"]

_ZIP = "application/zip"


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """How to write. ``zip_attachments`` wraps each file in a one-entry ZIP (reference style);
    ``trace_organ_id`` appends a TraceHeader for the sending system stamped with ``now``."""

    zip_attachments: bool = False
    trace_organ_id: str | None = None
    pretty: bool = True


def write_package(
    package: EdocPackage | StatusPackage,
    *,
    options: WriteOptions = WriteOptions(),
    now: datetime | None = None,
) -> bytes:
    """Serialise ``package``; ``EdxmlBuildError`` says what cannot be written, and where."""
    out = XmlOut(pretty=options.pretty)
    out.raw('<?xml version="1.0" encoding="UTF-8"?>')
    out.open("edXML", f' xmlns="{NS}"')
    out.open(P + "edXMLEnvelope", f' xmlns:edXML="{NS}"')
    out.open(P + "edXMLHeader")
    try:
        if isinstance(package, StatusPackage):
            write_status_header(out, package)
            _close(out, 3)
            return out.getvalue()
        _check_edoc(package)
        write_edoc_header(out, package)
        write_trace_list(out, _traces(package, options, now), package.business)
    except ValueError as exc:  # naive timestamps and the like
        raise EdxmlBuildError(f"{out.path}: {exc}") from None
    out.close()
    wire = [_wire_form(att, options) for att in package.attachments]
    _manifest(out, wire)
    out.close()
    _attachments(out, wire)
    out.close()
    return out.getvalue()


def _close(out: XmlOut, count: int) -> None:
    for _ in range(count):
        out.close()


def _check_edoc(doc: EdocPackage) -> None:
    if not doc.to:
        raise EdxmlBuildError("document package has no recipient (To)")
    seen: set[str] = set()
    for att in doc.attachments:
        if not att.content_id or att.content_id.lower().startswith("cid:"):
            raise EdxmlBuildError(
                f"attachment {att.name!r}: content_id must be a bare token (got {att.content_id!r})"
            )
        if not att.data:
            raise EdxmlBuildError(f"attachment {att.name!r} is empty (0 bytes)")
        if att.content_id in seen:
            raise EdxmlBuildError(f"duplicate attachment content_id {att.content_id!r}")
        seen.add(att.content_id)


def _traces(
    doc: EdocPackage, options: WriteOptions, now: datetime | None
) -> tuple[TraceHeader, ...]:
    if options.trace_organ_id is None:
        return doc.trace_headers
    moment = now if now is not None else datetime.now(tz=VN_TZ)
    stamp = to_vietnam_time(moment).replace(microsecond=0)
    return (*doc.trace_headers, TraceHeader(organ_id=options.trace_organ_id, timestamp=stamp))


@dataclass(frozen=True, slots=True)
class _Wire:
    attachment: Attachment
    content_type: str
    payload: bytes


def _wire_form(att: Attachment, options: WriteOptions) -> _Wire:
    if options.zip_attachments:
        return _Wire(att, _ZIP, zip_single(att.name, att.data))
    return _Wire(att, att.content_type, att.data)


def _manifest(out: XmlOut, wire: list[_Wire]) -> None:
    out.open(P + "edXMLBody")
    out.open(P + "edXMLManifest", ' version="1.0"')
    for item in wire:
        out.open(P + "Reference")
        out.leaf(P + "ContentId", wire_cid(item.attachment.content_id))
        out.leaf(P + "ContentType", item.content_type)
        out.leaf(P + "Description", item.attachment.description)
        out.leaf(P + "AttachmentName", item.attachment.name)
        out.close()
    out.close()
    out.close()


def _attachments(out: XmlOut, wire: list[_Wire]) -> None:
    out.open("AttachmentEncoded")
    for item in wire:
        att = item.attachment
        out.open("Attachment")
        out.leaf("ContentId", wire_cid(att.content_id))
        out.leaf("AttachmentName", att.name)
        out.leaf("Description", att.description)
        out.leaf("ContentType", item.content_type)
        out.binary_leaf(
            P + "ContentTransferEncoded", f' xmlns:edXML="{NS}"', b64_chunks(item.payload)
        )
        out.close()
    out.close()
