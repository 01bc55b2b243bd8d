"""Signature wrapping and relocation are refused, whatever the digest says."""

from __future__ import annotations

import copy

from lxml import etree

from gateway import safexml
from gateway.security.algorithms import DSIG_NS, EDXML_NS
from gateway.security.result import Outcome, Status
from gateway.security.signer import sign_package
from tests.security.conftest import key_for, make_verifier

E = f"{{{EDXML_NS}}}"
DS = f"{{{DSIG_NS}}}"


def _signed_tree(key, data):  # type: ignore[no-untyped-def]
    return safexml.parse(sign_package(data, key))


def _verify(pki, tree):  # type: ignore[no-untyped-def]
    return make_verifier(pki).verify(etree.tostring(tree, encoding="UTF-8"))


def _outcome(result, name):  # type: ignore[no-untyped-def]
    return next((c.outcome for c in result.checks if c.name == name), None)


def test_signature_moved_to_the_body_is_caught(dev_pki, ministry_key, document_bytes):
    tree = _signed_tree(ministry_key, document_bytes)
    sig = tree.getroot().find(f".//{DS}Signature")
    tree.getroot().find(f"{E}edXMLEnvelope/{E}edXMLBody").append(sig)
    result = _verify(dev_pki, tree)
    assert result.status is Status.INVALID
    assert _outcome(result, "placement") is Outcome.FAILED
    assert "edXMLBody" in result.failures[0]


def test_signature_moved_under_the_root_is_caught(dev_pki, ministry_key, document_bytes):
    tree = _signed_tree(ministry_key, document_bytes)
    tree.getroot().append(tree.getroot().find(f".//{DS}Signature"))
    assert _outcome(_verify(dev_pki, tree), "placement") is Outcome.FAILED


def test_wrapping_the_signed_package_in_a_new_root_is_caught(dev_pki, ministry_key, document_bytes):
    tree = _signed_tree(ministry_key, document_bytes)
    wrapper = etree.Element(E + "edXML", nsmap={None: EDXML_NS})
    forged = copy.deepcopy(tree.getroot().find(f"{E}edXMLEnvelope"))
    forged.find(f".//{E}Subject").text = "Nội dung giả mạo"
    wrapper.append(forged)
    hidden = etree.SubElement(wrapper, E + "AttachmentEncoded")
    hidden.append(tree.getroot())
    result = make_verifier(dev_pki).verify(etree.tostring(wrapper, encoding="UTF-8"))
    assert result.status is Status.INVALID


def test_a_second_signature_is_refused(dev_pki, ministry_key, document_bytes):
    tree = _signed_tree(ministry_key, document_bytes)
    sig = tree.getroot().find(f".//{DS}Signature")
    sig.addnext(copy.deepcopy(sig))
    result = _verify(dev_pki, tree)
    assert _outcome(result, "wrapping") is Outcome.FAILED
    assert "2 Signature elements" in result.failures[0]


def test_reference_to_a_fragment_is_refused(dev_pki, ministry_key, document_bytes):
    tree = _signed_tree(ministry_key, document_bytes)
    tree.getroot().find(f".//{DS}Reference").set("URI", "#edXMLHeader")
    result = _verify(dev_pki, tree)
    assert _outcome(result, "wrapping") is Outcome.FAILED
    assert 'only URI=""' in result.failures[0]


def test_second_reference_is_refused(dev_pki, ministry_key, document_bytes):
    tree = _signed_tree(ministry_key, document_bytes)
    ref = tree.getroot().find(f".//{DS}Reference")
    ref.addnext(copy.deepcopy(ref))
    assert _outcome(_verify(dev_pki, tree), "wrapping") is Outcome.FAILED


def test_object_carrying_unsigned_content_is_refused(dev_pki, ministry_key, document_bytes):
    tree = _signed_tree(ministry_key, document_bytes)
    sig = tree.getroot().find(f".//{DS}Signature")
    etree.SubElement(sig, DS + "Object").text = "Nội dung không được ký"
    result = _verify(dev_pki, tree)
    assert _outcome(result, "wrapping") is Outcome.FAILED
    assert "Object" in result.failures[0]


def test_missing_enveloped_transform_is_refused(dev_pki, ministry_key, document_bytes):
    tree = _signed_tree(ministry_key, document_bytes)
    transforms = tree.getroot().find(f".//{DS}Transforms")
    transforms.remove(transforms[0])
    assert _outcome(_verify(dev_pki, tree), "wrapping") is Outcome.FAILED


def test_xpath_transform_is_refused(dev_pki, ministry_key, document_bytes):
    tree = _signed_tree(ministry_key, document_bytes)
    transforms = tree.getroot().find(f".//{DS}Transforms")
    etree.SubElement(
        transforms, DS + "Transform", Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"
    )
    assert _outcome(_verify(dev_pki, tree), "wrapping") is Outcome.FAILED


def test_swapping_in_another_trusted_certificate_breaks_the_signature(
    dev_pki, ministry_key, document_bytes
):
    """A valid G22 certificate pasted into a G12 signature must not verify or bind."""
    other = key_for(dev_pki, "000.00.00.G22")
    signed_by_g22 = _signed_tree(other, document_bytes)
    tree = _signed_tree(ministry_key, document_bytes)
    mine = tree.getroot().find(f".//{DS}X509Data")
    theirs = signed_by_g22.getroot().find(f".//{DS}X509Data")
    mine.getparent().replace(mine, theirs)
    result = _verify(dev_pki, tree)
    assert _outcome(result, "signature-value") is Outcome.FAILED
    assert not result.ok


def test_valid_signature_by_the_wrong_agency_fails_binding(dev_pki, document_bytes):
    """Văn phòng Chính phủ's genuine key signing a package whose From is Bộ Công Thương."""
    result = make_verifier(dev_pki).verify(
        sign_package(document_bytes, key_for(dev_pki, "000.00.00.G22"))
    )
    assert _outcome(result, "signature-value") is Outcome.PASSED
    assert _outcome(result, "chain") is Outcome.PASSED
    assert _outcome(result, "sender-binding") is Outcome.FAILED
    assert result.status is Status.INVALID
    assert "belongs to 000.00.00.G22" in " ".join(result.failures)
