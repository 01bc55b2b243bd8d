"""Read one Signature element into a plain description, refusing every shape the gateway does
not sign with (the signature-wrapping defences live here).

Accepted: exactly one ``SignedInfo`` with exactly one ``Reference`` whose ``URI`` is the empty
string (the whole document), whose first transform is enveloped-signature, followed by at most
one canonicalisation transform. No ``Object``/``Manifest`` (content the signature would carry
outside the signed document), no XPath/XSLT transforms, no second reference.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from cryptography import x509
from lxml import etree

from gateway.security.algorithms import (
    DSIG_NS,
    ENVELOPED_SIGNATURE,
    LEGACY_EXC_C14N_ALIASES,
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureMethod,
)

__all__ = ["ParsedSignature", "StructureError", "parse_signature", "read_certificates"]

_EXC_NS = "http://www.w3.org/2001/10/xml-exc-c14n#"


class StructureError(Exception):
    """The Signature element has a shape the gateway refuses; ``check`` names the rule."""

    def __init__(self, check: str, message: str) -> None:
        super().__init__(message)
        self.check = check


@dataclass(frozen=True)
class ParsedSignature:
    element: etree._Element
    signed_info: etree._Element
    c14n: CanonicalizationMethod
    c14n_prefixes: tuple[str, ...]
    method: SignatureMethod
    reference_c14n: CanonicalizationMethod
    reference_prefixes: tuple[str, ...]
    transforms: tuple[str, ...]
    digest: DigestAlgorithm
    digest_value: bytes
    signature_value: bytes
    legacy_form: bool


def _children(element: etree._Element) -> list[etree._Element]:
    return [c for c in element if isinstance(c.tag, str)]


def _only(parent: etree._Element, ns: str, local: str, check: str) -> etree._Element:
    found = parent.findall(f"{{{ns}}}{local}")
    if len(found) != 1:
        raise StructureError(
            check,
            f"{local} must appear exactly once in {etree.QName(parent).localname}, "
            f"found {len(found)}",
        )
    return found[0]


def _b64(text: str | None, what: str) -> bytes:
    try:
        return base64.b64decode("".join((text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise StructureError(
            "encoding", f"{what} is not valid base64 (a truncated or placeholder value)"
        ) from None


def _algorithm(element: etree._Element, what: str) -> str:
    value = element.get("Algorithm")
    if not value:
        raise StructureError("algorithms", f"{what} has no Algorithm attribute")
    return value


def _prefixes(element: etree._Element) -> tuple[str, ...]:
    inc = element.find(f"{{{_EXC_NS}}}InclusiveNamespaces")
    if inc is None:
        return ()
    return tuple((inc.get("PrefixList") or "").split())


def _c14n(uri: str, legacy: bool, what: str) -> CanonicalizationMethod:
    if legacy and uri in LEGACY_EXC_C14N_ALIASES:
        return CanonicalizationMethod.EXC_C14N
    try:
        return CanonicalizationMethod(uri)
    except ValueError:
        raise StructureError("algorithms", f"{what} {uri!r} is not supported") from None


def parse_signature(signature: etree._Element) -> ParsedSignature:
    ns = etree.QName(signature).namespace or ""
    legacy = ns != DSIG_NS
    allowed = {"SignedInfo", "SignatureValue", "KeyInfo"}
    for child in _children(signature):
        qname = etree.QName(child)
        if qname.namespace != ns or qname.localname not in allowed:
            raise StructureError(
                "wrapping",
                f"Signature contains {qname.localname!r}: only SignedInfo, SignatureValue and "
                "KeyInfo are accepted (Object/Manifest would carry unsigned content)",
            )
    signed_info = _only(signature, ns, "SignedInfo", "structure")
    c14n_el = _only(signed_info, ns, "CanonicalizationMethod", "structure")
    c14n = _c14n(_algorithm(c14n_el, "CanonicalizationMethod"), legacy, "CanonicalizationMethod")
    method_uri = _algorithm(
        _only(signed_info, ns, "SignatureMethod", "structure"), "SignatureMethod"
    )
    try:
        method = SignatureMethod(method_uri)
    except ValueError:
        raise StructureError(
            "algorithms", f"SignatureMethod {method_uri!r} is not supported"
        ) from None
    references = signed_info.findall(f"{{{ns}}}Reference")
    if len(references) != 1:
        raise StructureError(
            "wrapping", f"SignedInfo must hold exactly one Reference, found {len(references)}"
        )
    reference = references[0]
    if reference.get("URI") != "":
        raise StructureError(
            "wrapping",
            f'the Reference URI is {reference.get("URI")!r}; only URI="" (the whole package) '
            "is accepted",
        )
    transforms_el = reference.find(f"{{{ns}}}Transforms")
    transforms = [] if transforms_el is None else transforms_el.findall(f"{{{ns}}}Transform")
    uris = tuple(_algorithm(t, "Transform") for t in transforms)
    if not uris or uris[0] != ENVELOPED_SIGNATURE:
        raise StructureError(
            "wrapping",
            "the first transform must be enveloped-signature; found "
            + (uris[0] if uris else "none"),
        )
    if len(uris) > 2:
        raise StructureError("wrapping", f"{len(uris)} transforms; at most enveloped + one c14n")
    if len(uris) == 2:
        ref_c14n = _c14n(uris[1], legacy, "Transform")
        ref_prefixes = _prefixes(transforms[1])
    else:
        ref_c14n, ref_prefixes = CanonicalizationMethod.C14N, ()
    digest_uri = _algorithm(_only(reference, ns, "DigestMethod", "structure"), "DigestMethod")
    try:
        digest = DigestAlgorithm(digest_uri)
    except ValueError:
        raise StructureError(
            "algorithms", f"DigestMethod {digest_uri!r} is not supported"
        ) from None
    digest_value = _b64(_only(reference, ns, "DigestValue", "structure").text, "DigestValue")
    signature_value = _b64(
        _only(signature, ns, "SignatureValue", "structure").text, "SignatureValue"
    )
    return ParsedSignature(
        element=signature,
        signed_info=signed_info,
        c14n=c14n,
        c14n_prefixes=_prefixes(c14n_el),
        method=method,
        reference_c14n=ref_c14n,
        reference_prefixes=ref_prefixes,
        transforms=uris,
        digest=digest,
        digest_value=digest_value,
        signature_value=signature_value,
        legacy_form=legacy,
    )


def read_certificates(signature: etree._Element) -> tuple[x509.Certificate, ...]:
    """Certificates from KeyInfo/X509Data, in document order; a damaged one is an error."""
    ns = etree.QName(signature).namespace or ""
    nodes = signature.findall(f"{{{ns}}}KeyInfo/{{{ns}}}X509Data/{{{ns}}}X509Certificate")
    if not nodes:
        raise StructureError("certificate", "KeyInfo carries no X509Certificate")
    certs = []
    for index, node in enumerate(nodes, 1):
        der = _b64(node.text, f"X509Certificate #{index}")
        try:
            certs.append(x509.load_der_x509_certificate(der))
        except ValueError:
            raise StructureError(
                "certificate",
                f"X509Certificate #{index} is not a valid DER certificate ({len(der)} bytes; "
                "a truncated or placeholder value)",
            ) from None
    return tuple(certs)
