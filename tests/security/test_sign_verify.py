"""Signing places one XML-DSig in edXMLHeader; the verifier accepts it and catches any change."""

from __future__ import annotations

import pytest
from lxml import etree

from gateway import safexml
from gateway.errors import SignatureError
from gateway.security.algorithms import DSIG_NS, EDXML_NS, DigestAlgorithm, SignatureMethod
from gateway.security.result import Outcome, Status
from gateway.security.signer import SignOptions, sign_package
from tests.security.conftest import make_verifier

E = f"{{{EDXML_NS}}}"
DS = f"{{{DSIG_NS}}}"


def _check(result, name: str) -> Outcome:  # type: ignore[no-untyped-def]
    return next(c.outcome for c in result.checks if c.name == name)


def test_document_signature_sits_right_after_trace_header_list(
    dev_pki, ministry_key, document_bytes
):
    signed = sign_package(document_bytes, ministry_key)
    header = safexml.parse(signed).getroot().find(f"{E}edXMLEnvelope/{E}edXMLHeader")
    names = [etree.QName(c).localname for c in header if isinstance(c.tag, str)]
    assert names == ["MessageHeader", "TraceHeaderList", "Signature"]
    assert header[2].tag == DS + "Signature"


def test_status_signature_sits_right_after_message_header(dev_pki, ministry_key, status_bytes):
    signed = sign_package(status_bytes, ministry_key)
    header = safexml.parse(signed).getroot().find(f"{E}edXMLEnvelope/{E}edXMLHeader")
    assert [etree.QName(c).localname for c in header] == ["MessageHeader", "Signature"]


def test_signed_output_is_utf8_and_keeps_vietnamese_text(ministry_key, document_bytes):
    signed = sign_package(document_bytes, ministry_key)
    assert signed.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Trần Thị Thu Hường".encode() in signed
    assert signed.count(b"<ds:Signature ") == 1
    assert signed.count(b"</ds:Signature>") == 1


def test_signature_carries_leaf_and_intermediate_but_not_root(ministry_key, document_bytes):
    tree = safexml.parse(sign_package(document_bytes, ministry_key))
    certs = tree.getroot().findall(f".//{DS}X509Certificate")
    assert len(certs) == 2


@pytest.mark.parametrize("fixture", ["document_bytes", "status_bytes"])
def test_fresh_signature_verifies_with_every_check_passed(request, dev_pki, ministry_key, fixture):
    signed = sign_package(request.getfixturevalue(fixture), ministry_key)
    result = make_verifier(dev_pki).verify(signed)
    assert result.status is Status.VALID, result.failures
    assert result.ok and not result.warnings
    assert result.bound_organ_id == "000.00.00.G12"
    assert result.signer is not None and "000.00.00.G12" in result.signer.subject
    assert result.algorithms is not None
    assert result.algorithms.signature_method == SignatureMethod.RSA_SHA256.value
    assert result.algorithms.digest == DigestAlgorithm.SHA256.value
    assert result.document == signed
    assert result.tree is not None and result.tree.getroot().tag == E + "edXML"
    names = {c.name for c in result.checks}
    assert {
        "placement",
        "reference-digest",
        "signature-value",
        "chain",
        "revocation",
        "key-usage",
        "basic-constraints",
        "sender-binding",
        "validity",
    } <= names


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("V/v báo cáo tình hình", "V/v báo cáo tinh hình"),  # one diacritic in the subject
        ("<edXML:Priority>1<", "<edXML:Priority>3<"),
        ("2025/03/14 09:15:00", "2025/03/14 09:15:01"),
        ("QsOhbyBjw6Fv", "QsOhbyBjw6FV"),  # one byte of the attachment content
        ("mau-bao-cao.txt</AttachmentName>", "mau-bao-cao.exe</AttachmentName>"),
    ],
)
def test_any_change_after_signing_breaks_the_digest(
    dev_pki, ministry_key, document_bytes, old, new
):
    signed = sign_package(document_bytes, ministry_key).decode("utf-8")
    assert old in signed
    result = make_verifier(dev_pki).verify(signed.replace(old, new, 1).encode("utf-8"))
    assert result.status is Status.INVALID
    assert _check(result, "reference-digest") is Outcome.FAILED
    assert any("changed after signing" in f for f in result.failures)


def test_changed_signature_value_is_refused(dev_pki, ministry_key, document_bytes):
    tree = safexml.parse(sign_package(document_bytes, ministry_key))
    value = tree.getroot().find(f".//{DS}SignatureValue")
    text = value.text or ""
    value.text = ("B" if text[0] == "A" else "A") + text[1:]
    result = make_verifier(dev_pki).verify(etree.tostring(tree, encoding="UTF-8"))
    assert _check(result, "signature-value") is Outcome.FAILED
    assert not result.ok


def test_changed_signed_info_is_refused_even_with_matching_digest(
    dev_pki, ministry_key, document_bytes
):
    tree = safexml.parse(sign_package(document_bytes, ministry_key))
    reference = tree.getroot().find(f".//{DS}Reference")
    reference.set("Id", "them-vao")
    result = make_verifier(dev_pki).verify(etree.tostring(tree, encoding="UTF-8"))
    assert _check(result, "reference-digest") is Outcome.PASSED
    assert _check(result, "signature-value") is Outcome.FAILED


def test_unsigned_package_is_reported_unsigned_not_invalid(dev_pki, document_bytes):
    result = make_verifier(dev_pki).verify(document_bytes)
    assert result.status is Status.UNSIGNED
    assert result.sender_organ_id == "000.00.00.G12"
    assert not result.failures


def test_signing_twice_is_refused_unless_replacing(dev_pki, ministry_key, document_bytes):
    signed = sign_package(document_bytes, ministry_key)
    with pytest.raises(SignatureError, match="already signed"):
        sign_package(signed, ministry_key)
    again = sign_package(signed, ministry_key, SignOptions(replace_existing=True))
    assert again.count(b"<ds:Signature ") == 1
    assert make_verifier(dev_pki).verify(again).ok


def test_sha1_signing_is_refused():
    with pytest.raises(SignatureError, match="SHA-1"):
        SignOptions(method=SignatureMethod.RSA_SHA1)


def test_not_an_edxml_package_gives_a_clear_result(dev_pki, ministry_key):
    result = make_verifier(dev_pki).verify(b"<thu>khong phai goi tin</thu>")
    assert result.status is Status.INVALID
    assert "not an edXML package" in result.failures[0]
    garbage = make_verifier(dev_pki).verify(b"<edXML><unclosed>")
    assert garbage.status is Status.INVALID and garbage.checks[0].name == "parse"
