"""Sign an edXML package: one enveloped XML-DSig over the whole document.

Why not signxml's ``XMLSigner``: it appends an enveloped signature as the last child of the
root (or fills a placeholder it then re-serialises), while QCVN 102 packages carry the
signature inside ``edXMLHeader`` right after ``TraceHeaderList`` (after ``MessageHeader`` for
status packages). The signature is small and fully specified, so it is built here with lxml and
signed through a :class:`~gateway.security.keys.KeySource`; interoperability is pinned by tests
that verify the output with ``xmlsec1`` and verify ``xmlsec1``'s output with the gateway.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from lxml import etree

from gateway import safexml
from gateway.errors import SecurityError, SignatureError
from gateway.security.algorithms import (
    DSIG_NS,
    EDXML_NS,
    ENVELOPED_SIGNATURE,
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureMethod,
)
from gateway.security.dsig import (
    canonicalize_element,
    digest_document,
    locate_parts,
)
from gateway.security.keys import KeySource

__all__ = ["SignOptions", "find_signatures", "sign_package", "sign_tree"]

_DS = f"{{{DSIG_NS}}}"


@dataclass(frozen=True, slots=True)
class SignOptions:
    """What the gateway signs with. The defaults are the project's profile; SHA-1 is refused."""

    method: SignatureMethod = SignatureMethod.RSA_SHA256
    digest: DigestAlgorithm = DigestAlgorithm.SHA256
    c14n: CanonicalizationMethod = CanonicalizationMethod.EXC_C14N
    include_chain: bool = True  # the intermediates travel in X509Data; roots are left out
    replace_existing: bool = False

    def __post_init__(self) -> None:
        if self.method.is_legacy or self.digest.is_legacy:
            raise SignatureError("the gateway does not produce SHA-1 signatures")
        if self.c14n.with_comments:
            raise SignatureError("sign with a c14n variant that drops comments")


def find_signatures(root: etree._Element) -> list[etree._Element]:
    """Every XML-DSig ``Signature`` element anywhere in the document."""
    return list(root.iter(_DS + "Signature"))


def _sub(parent: etree._Element, local: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, _DS + local, attrs)


def _indent_before(element: etree._Element) -> str | None:
    previous = element.getprevious()
    if previous is not None:
        return previous.tail
    parent = element.getparent()
    return parent.text if parent is not None else None


def _skeleton(options: SignOptions) -> tuple[etree._Element, etree._Element, etree._Element]:
    signature = etree.Element(_DS + "Signature", nsmap={"ds": DSIG_NS})
    signed_info = _sub(signature, "SignedInfo")
    _sub(signed_info, "CanonicalizationMethod", Algorithm=options.c14n.value)
    _sub(signed_info, "SignatureMethod", Algorithm=options.method.value)
    reference = _sub(signed_info, "Reference", URI="")
    transforms = _sub(reference, "Transforms")
    _sub(transforms, "Transform", Algorithm=ENVELOPED_SIGNATURE)
    _sub(transforms, "Transform", Algorithm=options.c14n.value)
    _sub(reference, "DigestMethod", Algorithm=options.digest.value)
    digest_value = _sub(reference, "DigestValue")
    return signature, signed_info, digest_value


def sign_tree(
    tree: etree._ElementTree, key: KeySource, options: SignOptions = SignOptions()
) -> etree._Element:
    """Insert a signature into ``tree`` (in place) and return the Signature element."""
    parts = locate_parts(tree)
    existing = find_signatures(parts.root)
    legacy = parts.header.findall(f"{{{EDXML_NS}}}Signature")
    if existing or legacy:
        if not options.replace_existing:
            raise SignatureError(
                "the package is already signed; pass replace_existing=True to re-sign it"
            )
        for old in existing + legacy:
            parent = old.getparent()
            if parent is not None:
                parent.remove(old)
    chain = key.chain
    if not chain:
        raise SignatureError("the key source has no certificate")
    signature, signed_info, digest_value = _skeleton(options)
    signature_value = _sub(signature, "SignatureValue")
    x509_data = _sub(_sub(signature, "KeyInfo"), "X509Data")
    certs = chain if options.include_chain else chain[:1]
    for cert in certs:
        if options.include_chain and cert is not chain[0] and cert.subject == cert.issuer:
            continue  # a root travels nowhere: the receiver has its own trust anchors
        der = cert.public_bytes(serialization.Encoding.DER)
        _sub(x509_data, "X509Certificate").text = base64.b64encode(der).decode("ascii")

    anchor = parts.anchor
    follow = anchor.tail
    anchor.addnext(signature)
    anchor.tail = _indent_before(anchor)
    signature.tail = follow
    digest = digest_document(tree, signature, options.c14n, options.digest)
    digest_value.text = base64.b64encode(digest).decode("ascii")
    try:
        value = key.sign(canonicalize_element(signed_info, options.c14n), options.method)
    except SecurityError:
        raise
    except (ValueError, TypeError) as exc:
        raise SignatureError(f"signing failed: {type(exc).__name__}: {exc}") from exc
    signature_value.text = base64.b64encode(value).decode("ascii")
    return signature


def sign_package(
    data: bytes,
    key: KeySource,
    options: SignOptions = SignOptions(),
    *,
    limits: safexml.ParserLimits = safexml.DEFAULT_LIMITS,
    source: str = "package",
) -> bytes:
    """Parse ``data`` with the hardened parser, sign it, return UTF-8 bytes."""
    tree = safexml.parse(data, limits=limits, source=source)
    sign_tree(tree, key, options)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
