"""The one hardened XML parser: every byte that comes from outside the gateway goes through here.

Refuses, each with its own ``reason`` tag on :class:`~gateway.errors.XmlSecurityError`:

* ``empty`` - no bytes at all;
* ``too-large`` - more than ``limits.max_bytes``;
* ``junk-before-declaration`` - anything but a BOM or whitespace before the first ``<``;
* ``encoding`` - a declared encoding other than UTF-8 (QCVN 102 exchanges are UTF-8);
* ``dtd`` - any document type declaration (this is what stops billion laughs and XXE);
* ``entity`` - an entity reference that survived parsing;
* ``too-deep`` - element nesting deeper than ``limits.max_depth``;
* ``truncated`` - the document ends before its root element is closed;
* ``not-well-formed`` - any other syntax error (with the line libxml2 reports).

Network access, DTD loading and entity expansion are off in the underlying libxml2 parser as
well, so the checks above are a second fence, not the only one. ``huge_tree`` is on because
edXML carries attachments as single base64 text nodes that exceed libxml2's 10 MB default; the
size and depth limits here replace the ones it turns off.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass

from lxml import etree

from gateway.errors import XmlSecurityError

__all__ = ["DEFAULT_LIMITS", "ParserLimits", "parse", "parse_file"]

_MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ParserLimits:
    """Bounds for one parse. Loosen explicitly; the defaults suit edXML packages."""

    max_bytes: int = 256 * _MiB
    max_depth: int = 64


DEFAULT_LIMITS = ParserLimits()

_BOMS = (b"\xef\xbb\xbf",)
_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_UTF8_NAMES = {b"utf-8", b"utf8"}


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_blank_text=False,
        collect_ids=False,
    )


def _check_prolog(data: bytes, source: str) -> None:
    start = 0
    for bom in _BOMS:
        if data.startswith(bom):
            start = len(bom)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[start : start + 4]:
        raise XmlSecurityError(f"{source}: UTF-16/32 is not accepted; use UTF-8", reason="encoding")
    head = data[start:].lstrip(b" \t\r\n")
    if not head:
        raise XmlSecurityError(f"{source}: no XML content (only whitespace)", reason="empty")
    if not head.startswith(b"<"):
        snippet = head[:20].decode("utf-8", "replace")
        raise XmlSecurityError(
            f"{source}: content before the XML declaration ({snippet!r}); "
            "a package must start with '<?xml' or its root element",
            reason="junk-before-declaration",
            line=1,
        )
    match = _DECL_ENCODING.match(head)
    if match and match.group(1).lower() not in _UTF8_NAMES:
        name = match.group(1).decode("ascii", "replace")
        raise XmlSecurityError(
            f"{source}: declared encoding {name!r} is not accepted; edXML is exchanged in UTF-8",
            reason="encoding",
            line=1,
        )
    # The DOCTYPE must come before the root; refusing any occurrence in the prolog is enough,
    # and lxml's docinfo is checked again after parsing.
    root_at = _first_element_offset(head)
    if _DOCTYPE.search(head, 0, root_at if root_at >= 0 else len(head)):
        raise XmlSecurityError(
            f"{source}: document type declarations (DTD) are refused", reason="dtd"
        )


def _first_element_offset(head: bytes) -> int:
    """Offset of the root element's '<' (skipping declaration, PIs, comments, DOCTYPE)."""
    pos = 0
    length = len(head)
    while pos < length:
        lt = head.find(b"<", pos)
        if lt < 0 or lt + 1 >= length:
            return -1
        nxt = head[lt + 1 : lt + 2]
        if nxt == b"?":
            end = head.find(b"?>", lt)
            pos = length if end < 0 else end + 2
        elif head.startswith(b"<!--", lt):
            end = head.find(b"-->", lt)
            pos = length if end < 0 else end + 3
        elif nxt == b"!":
            return -1 if not head.startswith(b"<!DOCTYPE", lt) else lt + 1
        else:
            return lt
    return -1


def parse(
    data: bytes, *, limits: ParserLimits = DEFAULT_LIMITS, source: str = "input"
) -> etree._ElementTree:
    """Parse untrusted bytes into an lxml tree, or raise :class:`XmlSecurityError`."""
    if not data:
        raise XmlSecurityError(f"{source}: empty input (0 bytes)", reason="empty")
    if len(data) > limits.max_bytes:
        raise XmlSecurityError(
            f"{source}: {len(data)} bytes exceeds the limit of {limits.max_bytes} bytes",
            reason="too-large",
        )
    _check_prolog(data, source)
    depth = 0
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,
        remove_blank_text=False,
    )
    root: etree._Element | None = None
    try:
        for event, element in events:
            if event == "start":
                depth += 1
                if depth > limits.max_depth:
                    raise XmlSecurityError(
                        f"{source}: elements nested deeper than {limits.max_depth} levels "
                        f"(line {element.sourceline})",
                        reason="too-deep",
                        line=element.sourceline,
                    )
                if root is None:
                    root = element
            else:
                depth -= 1
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, source) from None
    if root is None:
        raise XmlSecurityError(f"{source}: no root element", reason="empty")
    tree = root.getroottree()
    if getattr(tree.docinfo, "doctype", ""):
        raise XmlSecurityError(
            f"{source}: document type declarations (DTD) are refused", reason="dtd"
        )
    for node in root.iter(etree.Entity):
        line = node.sourceline if isinstance(node.sourceline, int) else None
        raise XmlSecurityError(
            f"{source}: entity reference {node.text!r} at line {line} is refused",
            reason="entity",
            line=line,
        )
    return tree


def parse_file(path: str, *, limits: ParserLimits = DEFAULT_LIMITS) -> etree._ElementTree:
    """Read a file (refusing it before reading when it is too large) and parse it."""
    size = os.path.getsize(path)
    if size > limits.max_bytes:
        raise XmlSecurityError(
            f"{path}: {size} bytes exceeds the limit of {limits.max_bytes} bytes",
            reason="too-large",
        )
    with open(path, "rb") as handle:
        return parse(handle.read(), limits=limits, source=path)


def _syntax_error(exc: etree.XMLSyntaxError, source: str) -> XmlSecurityError:
    message = str(exc.msg or exc)
    line = exc.lineno
    lowered = message.lower()
    if "entity" in lowered:
        reason = "entity"
    elif (
        "premature end" in lowered
        or "end of data" in lowered
        or "not closed" in lowered
        or ("eof" in lowered)
    ):
        reason = "truncated"
    elif "document is empty" in lowered or "start tag expected" in lowered:
        reason = "not-well-formed"
    else:
        reason = "not-well-formed"
    where = f" at line {line}" if line else ""
    label = "the document is truncated" if reason == "truncated" else "not well-formed XML"
    return XmlSecurityError(f"{source}: {label}{where}: {message}", reason=reason, line=line)
