"""The one hardened XML parser: every byte that comes from outside the gateway goes through here.

Refuses, each with its own ``reason`` tag on :class:`~gateway.errors.XmlSecurityError`:

* ``empty`` - no bytes, only whitespace, or no root element;
* ``too-large`` - more than ``limits.max_bytes``;
* ``junk-before-declaration`` - anything but a BOM or whitespace before the first ``<``;
* ``encoding`` - a declared encoding other than UTF-8 (QCVN 102 exchanges are UTF-8), UTF-16/32,
  or bytes that are not valid UTF-8;
* ``dtd`` - any document type declaration (this is what stops billion laughs and XXE);
* ``entity`` - any entity reference other than the five XML predefined ones (declared or not);
* ``too-deep`` - element nesting deeper than ``limits.max_depth`` (checked after libxml2, which
  stops at 2048 levels on its own);
* ``truncated`` - the document ends before its root element is closed;
* ``not-well-formed`` - any other syntax error (with the line libxml2 reports).

Network access, DTD loading and entity expansion are off in the underlying libxml2 parser as
well, so the checks above are a second fence, not the only one. ``huge_tree`` is on because
edXML carries attachments as single base64 text nodes that exceed libxml2's 10 MB default; the
size and depth limits here replace the ones it turns off.
"""

from __future__ import annotations

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
_DECL_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_LEADING_SPACE = re.compile(rb"[ \t\r\n]*")
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
    """Refuse by looking at the first bytes only (no copy of the input: it may be 200 MB)."""
    start = 0
    for bom in _BOMS:
        if data.startswith(bom):
            start = len(bom)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[start : start + 4]:
        raise XmlSecurityError(f"{source}: UTF-16/32 is not accepted; use UTF-8", reason="encoding")
    leading = _LEADING_SPACE.match(data, start)
    pos = leading.end() if leading else start
    if pos >= len(data):
        raise XmlSecurityError(f"{source}: no XML content (only whitespace)", reason="empty")
    if data[pos : pos + 1] != b"<":
        snippet = data[pos : pos + 20].decode("utf-8", "replace")
        raise XmlSecurityError(
            f"{source}: content before the XML declaration ({snippet!r}); "
            "a package must start with '<?xml' or its root element",
            reason="junk-before-declaration",
            line=1,
        )
    match = _DECL_ENCODING.match(data, pos)
    if match and match.group(1).lower() not in _UTF8_NAMES:
        name = match.group(1).decode("ascii", "replace")
        raise XmlSecurityError(
            f"{source}: declared encoding {name!r} is not accepted; edXML is exchanged in UTF-8",
            reason="encoding",
            line=1,
        )
    # A DOCTYPE can only stand in the prolog, before the root element; lxml's docinfo is
    # checked again after parsing.
    if _prolog_has_doctype(data, pos):
        raise XmlSecurityError(
            f"{source}: document type declarations (DTD) are refused", reason="dtd"
        )


def _prolog_has_doctype(data: bytes, pos: int) -> bool:
    """Scan declaration, processing instructions and comments up to the root element."""
    length = len(data)
    while pos < length:
        lt = data.find(b"<", pos)
        if lt < 0 or lt + 1 >= length:
            return False
        if data.startswith(b"<?", lt):
            end = data.find(b"?>", lt)
            pos = length if end < 0 else end + 2
        elif data.startswith(b"<!--", lt):
            end = data.find(b"-->", lt)
            pos = length if end < 0 else end + 3
        else:
            return _DOCTYPE.match(data, lt) is not None
    return False


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
    try:
        root = etree.fromstring(data, _new_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, data, source) from None
    tree = root.getroottree()
    if getattr(tree.docinfo, "doctype", ""):
        raise XmlSecurityError(
            f"{source}: document type declarations (DTD) are refused", reason="dtd"
        )
    _check_depth(root, limits.max_depth, source)
    for node in root.iter(etree.Entity):
        line = node.sourceline if isinstance(node.sourceline, int) else None
        raise XmlSecurityError(
            f"{source}: entity reference {node.text!r} at line {line} is refused",
            reason="entity",
            line=line,
        )
    return tree


def _check_depth(root: etree._Element, max_depth: int, source: str) -> None:
    """Refuse nesting deeper than ``max_depth`` (libxml2 itself stops at 2048 with huge_tree).

    Iterative, so a deep document cannot exhaust the Python stack; linear in the element count.
    """
    stack: list[tuple[etree._Element, int]] = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > max_depth:
            line = element.sourceline if isinstance(element.sourceline, int) else None
            raise XmlSecurityError(
                f"{source}: elements nested deeper than {max_depth} levels (line {line})",
                reason="too-deep",
                line=line,
            )
        stack.extend((child, depth + 1) for child in element if isinstance(child.tag, str))


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


_ERR = etree.ErrorTypes
_ENTITY_CODES = {
    _ERR.ERR_UNDECLARED_ENTITY,
    _ERR.WAR_UNDECLARED_ENTITY,
    _ERR.ERR_ENTITYREF_SEMICOL_MISSING,
    _ERR.ERR_ENTITY_LOOP,
    _ERR.ERR_EXT_ENTITY_STANDALONE,
}
_NOT_TRUNCATION = {_ERR.ERR_TAG_NAME_MISMATCH, _ERR.ERR_DOCUMENT_END}
_ENCODING_CODES = {
    _ERR.ERR_INVALID_ENCODING,
    _ERR.ERR_UNKNOWN_ENCODING,
    _ERR.ERR_UNSUPPORTED_ENCODING,
}


def _at_end_of_data(exc: etree.XMLSyntaxError, data: bytes) -> bool:
    """Whether libxml2 stopped at (or past) the last character: the input was cut short."""
    line, column = getattr(exc, "position", None) or (exc.lineno or 0, 0)
    end = len(data.rstrip())
    last_line = data.count(b"\n", 0, end) + 1
    start = data.rfind(b"\n", 0, end) + 1
    chars = len(data[start:end].decode("utf-8", "replace"))
    if not line:
        return False
    return int(line) > last_line or (int(line) == last_line and int(column) > chars)


def _syntax_error(exc: etree.XMLSyntaxError, data: bytes, source: str) -> XmlSecurityError:
    """Map libxml2's error (by its code, wording as a fallback) to one reason tag."""
    message = str(exc.msg or exc)
    line = exc.lineno or None
    lowered = message.lower()
    code: int | None = getattr(exc, "code", None)  # set by libxml2; absent from the stubs
    cut_short = code not in _NOT_TRUNCATION and _at_end_of_data(exc, data)
    if code in _ENTITY_CODES or "entity" in lowered:
        reason, label = "entity", "entity references are refused"
    elif code in _ENCODING_CODES or "encoding" in lowered or "utf-8" in lowered:
        reason, label = "encoding", "the bytes are not valid UTF-8"
    elif code == _ERR.ERR_RESOURCE_LIMIT or "excessive depth" in lowered:
        reason, label = "too-deep", "elements are nested too deeply"
    elif code == _ERR.ERR_DOCUMENT_EMPTY:
        reason, label = "empty", "there is no root element"
    elif code == _ERR.ERR_TAG_NOT_FINISHED or "premature end" in lowered or cut_short:
        reason, label = "truncated", "the document is truncated"
    else:
        reason, label = "not-well-formed", "not well-formed XML"
    where = f" at line {line}" if line else ""
    return XmlSecurityError(f"{source}: {label}{where}: {message}", reason=reason, line=line)
