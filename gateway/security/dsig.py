"""The XML-DSig plumbing, fenced in one place: locating edXML parts, the enveloped-signature
transform and canonicalisation.

Both the signer and the verifier go through these functions, so what is signed and what is
checked are computed the same way. Canonicalisation is lxml's (libxml2's) C implementation,
run over the whole document in one pass: that is the hot path for packages with large base64
attachments, and it is why the gateway does not walk the tree in Python.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree

from gateway.errors import EdxmlParseError
from gateway.security.algorithms import EDXML_NS, CanonicalizationMethod, DigestAlgorithm

__all__ = [
    "EdxmlParts",
    "canonicalize_element",
    "digest_document",
    "locate_parts",
]

_E = f"{{{EDXML_NS}}}"


@dataclass(frozen=True)
class EdxmlParts:
    """The elements of a package the signature cares about, found by namespace + local name."""

    root: etree._Element
    header: etree._Element
    message_header: etree._Element
    anchor: etree._Element  # the signature goes right after this element
    sender: str | None  # From/OrganId


def _one_child(parent: etree._Element, local: str, path: str) -> etree._Element:
    found = parent.findall(_E + local)
    if len(found) != 1:
        what = "missing" if not found else f"present {len(found)} times"
        raise EdxmlParseError(f"{path}/{local} is {what}; exactly one is required", path=path)
    return found[0]


def locate_parts(tree: etree._ElementTree) -> EdxmlParts:
    """Find root, header, MessageHeader, the signature anchor and the sender's OrganId."""
    root = tree.getroot()
    if root.tag != _E + "edXML":
        raise EdxmlParseError(
            f"the root element is {root.tag!r}, not {{{EDXML_NS}}}edXML: not an edXML package",
            path="/",
        )
    envelope = _one_child(root, "edXMLEnvelope", "/edXML")
    header = _one_child(envelope, "edXMLHeader", "/edXML/edXMLEnvelope")
    hpath = "/edXML/edXMLEnvelope/edXMLHeader"
    message_header = _one_child(header, "MessageHeader", hpath)
    traces = header.findall(_E + "TraceHeaderList")
    if len(traces) > 1:
        raise EdxmlParseError(f"{hpath}/TraceHeaderList is present {len(traces)} times", path=hpath)
    anchor = traces[0] if traces else message_header
    organ = message_header.find(f"{_E}From/{_E}OrganId")
    sender = (organ.text or "").strip() if organ is not None else None
    return EdxmlParts(root, header, message_header, anchor, sender or None)


def _detach(element: etree._Element) -> Callable[[], None]:
    """Remove ``element`` but keep its tail text in the document (the enveloped-signature
    transform removes the element node-set, not the parent's text that follows it); return a
    function that puts everything back exactly as it was."""
    parent = element.getparent()
    if parent is None:
        raise ValueError("cannot detach the root element")
    index = parent.index(element)
    tail = element.tail
    previous = element.getprevious()
    if previous is not None:
        saved = previous.tail
        if tail:
            previous.tail = (saved or "") + tail
    else:
        saved = parent.text
        if tail:
            parent.text = (saved or "") + tail
    element.tail = None
    parent.remove(element)

    def restore() -> None:
        if previous is not None:
            previous.tail = saved
        else:
            parent.text = saved
        parent.insert(index, element)
        element.tail = tail

    return restore


def canonical_document(
    tree: etree._ElementTree,
    signature: etree._Element,
    method: CanonicalizationMethod,
    inclusive_prefixes: Sequence[str] = (),
) -> bytes:
    """``URI=""`` + enveloped-signature + ``method``: the canonical octets that are digested.

    Comments are always dropped: a same-document ``URI=""`` reference excludes them before any
    transform runs (XML-DSig 4.4.3.2), whatever the c14n variant says.
    """
    restore = _detach(signature)
    try:
        return etree.tostring(
            tree,
            method="c14n",
            exclusive=method.exclusive,
            with_comments=False,
            inclusive_ns_prefixes=list(inclusive_prefixes) if method.exclusive else None,
        )
    finally:
        restore()


def digest_document(
    tree: etree._ElementTree,
    signature: etree._Element,
    method: CanonicalizationMethod,
    digest: DigestAlgorithm,
    inclusive_prefixes: Sequence[str] = (),
) -> bytes:
    data = canonical_document(tree, signature, method, inclusive_prefixes)
    return hashlib.new(digest.hashlib_name, data).digest()


def canonicalize_element(
    element: etree._Element,
    method: CanonicalizationMethod,
    inclusive_prefixes: Sequence[str] = (),
) -> bytes:
    """Canonical octets of one element in its document context (used for SignedInfo)."""
    return etree.tostring(
        element,
        method="c14n",
        exclusive=method.exclusive,
        with_comments=method.with_comments,
        inclusive_ns_prefixes=list(inclusive_prefixes) if method.exclusive else None,
    )
