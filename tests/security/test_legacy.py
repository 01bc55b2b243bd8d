"""The reference samples' legacy signatures (edXML namespace, RSA-SHA1, placeholder values)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from lxml import etree

from gateway import safexml
from gateway.security.algorithms import (
    EDXML_NS,
    ENVELOPED_SIGNATURE,
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureMethod,
)
from gateway.security.dsig import canonicalize_element, digest_document, locate_parts
from gateway.security.result import Outcome, Status
from tests.security.conftest import make_verifier

DOCUMENT_SAMPLES = ["edoc_new", "edoc_replacement", "edoc_revocation", "edoc_update"]
E = f"{{{EDXML_NS}}}"


@pytest.mark.parametrize("name", DOCUMENT_SAMPLES)
@pytest.mark.parametrize("allow_legacy", [True, False])
def test_placeholder_signatures_are_reported_invalid_not_crashing(
    conformance_dir: Path, dev_pki, name: str, allow_legacy: bool
):
    result = make_verifier(dev_pki, allow_legacy=allow_legacy).verify(
        (conformance_dir / f"{name}.edxml").read_bytes()
    )
    assert result.status is Status.INVALID
    assert result.algorithms is not None and result.algorithms.legacy_form
    algorithms = next(c for c in result.checks if c.name == "algorithms")
    assert algorithms.outcome is (Outcome.WARNING if allow_legacy else Outcome.FAILED)
    failed = {c.name for c in result.checks if c.outcome is Outcome.FAILED}
    assert "reference-digest" in failed
    assert any("placeholder" in f for f in result.failures)


def test_status_samples_are_unsigned(conformance_dir: Path, dev_pki):
    for path in sorted(conformance_dir.glob("status*.edxml")):
        result = make_verifier(dev_pki).verify(path.read_bytes())
        assert result.status is Status.UNSIGNED, path.name


def _legacy_sign(data: bytes, key) -> bytes:  # type: ignore[no-untyped-def]
    """Build the samples' form for real: Signature in the edXML namespace, inclusive c14n of
    SignedInfo, RSA-SHA1, and the samples' non-standard exc-c14n transform URI."""
    tree = safexml.parse(data)
    parts = locate_parts(tree)
    sig = etree.Element(E + "Signature")
    si = etree.SubElement(sig, E + "SignedInfo")
    etree.SubElement(si, E + "CanonicalizationMethod", Algorithm=CanonicalizationMethod.C14N.value)
    etree.SubElement(si, E + "SignatureMethod", Algorithm=SignatureMethod.RSA_SHA1.value)
    ref = etree.SubElement(si, E + "Reference", URI="")
    tr = etree.SubElement(ref, E + "Transforms")
    etree.SubElement(tr, E + "Transform", Algorithm=ENVELOPED_SIGNATURE)
    etree.SubElement(tr, E + "Transform", Algorithm="http://www.w3.org/TR/xml-exc-c14n#")
    etree.SubElement(ref, E + "DigestMethod", Algorithm=DigestAlgorithm.SHA1.value)
    dv = etree.SubElement(ref, E + "DigestValue")
    sv = etree.SubElement(sig, E + "SignatureValue")
    x509_data = etree.SubElement(etree.SubElement(sig, E + "KeyInfo"), E + "X509Data")
    for cert in key.chain:
        der = cert.public_bytes(serialization.Encoding.DER)
        etree.SubElement(x509_data, E + "X509Certificate").text = base64.b64encode(der).decode()
    parts.anchor.addnext(sig)
    digest = digest_document(tree, sig, CanonicalizationMethod.EXC_C14N, DigestAlgorithm.SHA1)
    dv.text = base64.b64encode(digest).decode()
    value = key.sign(
        canonicalize_element(si, CanonicalizationMethod.C14N), SignatureMethod.RSA_SHA1
    )
    sv.text = base64.b64encode(value).decode()
    return etree.tostring(tree, encoding="UTF-8", xml_declaration=True)


def test_genuine_legacy_signature_verifies_only_when_allowed(dev_pki, ministry_key, document_bytes):
    signed = _legacy_sign(document_bytes, ministry_key)
    allowed = make_verifier(dev_pki, allow_legacy=True).verify(signed)
    assert allowed.status is Status.VALID, allowed.failures
    assert allowed.warnings and "RSA-SHA1" in allowed.warnings[0]
    refused = make_verifier(dev_pki).verify(signed)
    assert refused.status is Status.INVALID
    assert [c.name for c in refused.checks if c.outcome is Outcome.FAILED] == ["algorithms"]
