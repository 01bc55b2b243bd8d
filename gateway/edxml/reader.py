"""``read_package``: bytes from outside → a checked model, with the original bytes kept.

Parsing goes only through :func:`gateway.safexml.parse`. The reader is tolerant where the
producers in the field disagree (element order, ``cid:`` prefixes, zipped or raw attachments,
``Bussiness`` placement, legacy ``Signature``) and strict where a document could be lost or
misread (missing required elements, impossible dates, broken base64, oversize or bomb ZIPs).

Memory: attachment text is taken out of the tree one attachment at a time and dropped from
the tree before it is decoded, so the peak stays near one copy of the package plus the
decoded files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from lxml import etree

from gateway import safexml
from gateway.edxml.attachments import (
    UnzipLimits,
    content_type_for,
    decode_base64,
    maybe_unzip,
    plain_cid,
)
from gateway.edxml.model_common import Attachment, ManifestReference
from gateway.edxml.model_edoc import EdocPackage
from gateway.edxml.model_status import StatusPackage
from gateway.edxml.names import NS
from gateway.edxml.reader_edoc import read_edoc_header
from gateway.edxml.reader_status import read_status
from gateway.edxml.reader_tree import Walker, source_line
from gateway.edxml.text import TextWarning, WarningKind

__all__ = ["ReadLimits", "ReadResult", "read_package", "read_tree"]

_MiB = 1024 * 1024
_ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed", "application/x-zip"})
Element = etree._Element


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Bounds for one package. Loosen explicitly; the defaults fit ministry documents."""

    max_attachment_size: int = 100 * _MiB  # one decoded (and unzipped) file
    max_total_size: int = 300 * _MiB  # all files of the package together
    max_zip_ratio: float = 100.0  # inflated / compressed size of a zipped attachment
    max_attachments: int = 200
    parser: safexml.ParserLimits = field(default_factory=lambda: safexml.DEFAULT_LIMITS)


@dataclass(frozen=True, slots=True)
class ReadResult:
    """The model, the exact bytes it came from, and what the reader noticed on the way.

    ``manifest`` is the ``edXMLManifest`` as received (for the semantic checks); the writer
    derives its own from the attachments.
    """

    package: EdocPackage | StatusPackage
    raw: bytes
    warnings: tuple[TextWarning, ...] = ()
    manifest: tuple[ManifestReference, ...] = ()


def read_package(data: bytes, *, limits: ReadLimits = ReadLimits()) -> ReadResult:
    """Parse an edXML package (document or status); raise ``EdxmlParseError`` saying where."""
    tree = safexml.parse(data, limits=limits.parser, source="edXML package")
    return read_tree(tree, data, limits=limits)


def read_tree(
    tree: etree._ElementTree, data: bytes, *, limits: ReadLimits = ReadLimits()
) -> ReadResult:
    """The model of a tree already parsed by :mod:`gateway.safexml` from ``data``.

    For callers that checked that very tree first (validation, signature): what was verified
    is what is read, and the bytes are parsed once. The tree is consumed — each attachment's
    base64 text is released as it is decoded — so read it last.
    """
    root = tree.getroot()
    w = Walker()
    if root.tag != f"{{{NS}}}edXML":
        raise w.error(
            f"/{etree.QName(root).localname}",
            root,
            f"unknown root element {root.tag}; an edXML package has root edXML in namespace {NS}",
        )
    envelope = w.child(root, "/edXML", "edXMLEnvelope", required=True)
    assert envelope is not None
    env_path = "/edXML/edXMLEnvelope"
    header = w.child(envelope, env_path, "edXMLHeader", required=True)
    assert header is not None
    head_path = f"{env_path}/edXMLHeader"
    message = w.child(header, head_path, "MessageHeader", required=True)
    assert message is not None
    msg_path = f"{head_path}/MessageHeader"
    if w.children(message, "StatusCode"):
        status = read_status(w, message, msg_path)
        return ReadResult(package=status, raw=data, warnings=tuple(w.warnings))
    trace = w.child(header, head_path, "TraceHeaderList")
    edoc = read_edoc_header(w, message, trace, msg_path, f"{head_path}/TraceHeaderList")
    manifest = _manifest(w, envelope, env_path)
    attachments = _attachments(w, root, manifest, limits)
    del tree, root, envelope, header, message, trace
    _cross_check(w, manifest, attachments)
    return ReadResult(
        package=replace(edoc, attachments=attachments),
        raw=data,
        warnings=tuple(w.warnings),
        manifest=manifest,
    )


def _manifest(w: Walker, envelope: Element, env_path: str) -> tuple[ManifestReference, ...]:
    body = w.child(envelope, env_path, "edXMLBody")
    if body is None:
        return ()
    holder = w.child(body, f"{env_path}/edXMLBody", "edXMLManifest")
    if holder is None:
        return ()
    path = f"{env_path}/edXMLBody/edXMLManifest"
    items = w.children(holder, "Reference")
    refs = []
    for index, item in enumerate(items, 1):
        here = f"{path}/Reference[{index}]" if len(items) > 1 else f"{path}/Reference"
        refs.append(
            ManifestReference(
                content_id=plain_cid(w.req_text(item, here, "ContentId")),
                content_type=w.text(item, here, "ContentType"),
                description=w.text(item, here, "Description"),
                attachment_name=w.text(item, here, "AttachmentName"),
            )
        )
    return tuple(refs)


def _attachments(
    w: Walker, root: Element, manifest: tuple[ManifestReference, ...], limits: ReadLimits
) -> tuple[Attachment, ...]:
    holders = w.children(root, "AttachmentEncoded")
    items = [item for holder in holders for item in w.children(holder, "Attachment")]
    if len(items) > limits.max_attachments:
        raise w.error(
            "/edXML/AttachmentEncoded",
            holders[0],
            f"{len(items)} attachments, over the limit of {limits.max_attachments}",
        )
    by_cid = {ref.content_id: ref for ref in manifest}
    seen: set[str] = set()
    total = 0
    result = []
    for index, item in enumerate(items, 1):
        path = (
            f"/edXML/AttachmentEncoded/Attachment[{index}]"
            if len(items) > 1
            else "/edXML/AttachmentEncoded/Attachment"
        )
        attachment = _attachment(
            w, item, path, by_cid=by_cid, limits=limits, budget=limits.max_total_size - total
        )
        if attachment.content_id in seen:
            raise w.error(
                f"{path}/ContentId", item, f"duplicate attachment id cid:{attachment.content_id}"
            )
        seen.add(attachment.content_id)
        total += len(attachment.data)
        result.append(attachment)
    return tuple(result)


def _attachment(
    w: Walker,
    item: Element,
    path: str,
    *,
    by_cid: dict[str, ManifestReference],
    limits: ReadLimits,
    budget: int,
) -> Attachment:
    cid = plain_cid(w.req_text(item, path, "ContentId"))
    ref = by_cid.get(cid)
    name = w.text(item, path, "AttachmentName") or (ref.attachment_name if ref else None) or cid
    declared = w.text(item, path, "ContentType") or (ref.content_type if ref else None)
    description = w.text(item, path, "Description") or (ref.description if ref else None)
    label = f"attachment cid:{cid} ({name})"
    encoded = w.child(item, path, "ContentTransferEncoded")
    here = f"{path}/ContentTransferEncoded"
    if encoded is None or (not (encoded.text or "").strip() and len(encoded) == 0):
        raise w.error(here, encoded if encoded is not None else item, f"{label} has no content")
    if len(encoded):
        raise w.error(here, encoded, f"{label}: ContentTransferEncoded must hold base64 text only")
    text = encoded.text or ""
    line = source_line(encoded)
    encoded.text = None  # free the tree's copy before decoding ours
    cap = min(limits.max_attachment_size, budget)
    # Refuse before paying for decoding; 5 % slack covers line breaks in wrapped base64.
    if len(text) // 4 * 3 > cap + 3 + len(text) // 20:
        estimate = len(text) // 4 * 3
        raise w.error(
            here, None, f"{label} is about {estimate} bytes, over the limit of {cap}", line=line
        )
    try:
        data = decode_base64(text)
    except ValueError as exc:
        raise w.error(here, None, f"invalid base64 in {label}: {exc}", line=line) from None
    del text
    if len(data) > cap:
        raise w.error(
            here, None, f"{label} is {len(data)} bytes, over the limit of {cap}", line=line
        )
    try:
        inner = maybe_unzip(
            name,
            data,
            UnzipLimits(max_size=cap, max_ratio=limits.max_zip_ratio),
            declared_zip=(declared or "").lower() in _ZIP_TYPES,
        )
    except ValueError as exc:
        raise w.error(here, None, f"{label}: {exc}", line=line) from None
    if inner is not None:
        data = inner
        if declared is None or declared.lower() in _ZIP_TYPES:
            declared = content_type_for(name)
    return Attachment(
        content_id=cid,
        name=name,
        description=description,
        content_type=declared or content_type_for(name),
        data=data,
    )


def _cross_check(
    w: Walker, manifest: tuple[ManifestReference, ...], attachments: tuple[Attachment, ...]
) -> None:
    """Manifest and attachments should name the same files; a mismatch is kept and reported."""
    listed = {ref.content_id for ref in manifest}
    present = {att.content_id for att in attachments}
    base = "/edXML/edXMLEnvelope/edXMLBody/edXMLManifest"
    for cid in sorted(listed - present):
        w.warnings.append(
            TextWarning(
                base, WarningKind.MANIFEST, f"manifest lists cid:{cid} but no attachment carries it"
            )
        )
    for cid in sorted(present - listed):
        if manifest:
            w.warnings.append(
                TextWarning(
                    base,
                    WarningKind.MANIFEST,
                    f"attachment cid:{cid} is not listed in the manifest",
                )
            )
