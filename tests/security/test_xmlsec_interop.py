"""Interop with xmlsec1 (the C reference implementation), both directions."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gateway.security.result import Status
from gateway.security.signer import sign_package
from tests.security.conftest import MINISTRY, make_verifier, require_tool

TEMPLATE_SIGNATURE = """<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:SignedInfo>
          <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
          <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
          <ds:Reference URI="">
            <ds:Transforms>
              <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
              <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
            </ds:Transforms>
            <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
            <ds:DigestValue/>
          </ds:Reference>
        </ds:SignedInfo>
        <ds:SignatureValue/>
        <ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>
      </ds:Signature>
"""


def _xmlsec_verify(pki, path: Path) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    return subprocess.run(
        [
            require_tool("xmlsec1"),
            "--verify",
            "--enabled-key-data",
            "x509",
            "--trusted-pem",
            str(pki.ca_cert),
            "--untrusted-pem",
            str(pki.intermediate_cert),
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("fixture", ["document_bytes", "status_bytes"])
def test_xmlsec1_verifies_what_the_gateway_signs(request, tmp_path, dev_pki, ministry_key, fixture):
    target = tmp_path / "signed.edxml"
    target.write_bytes(sign_package(request.getfixturevalue(fixture), ministry_key))
    done = _xmlsec_verify(dev_pki, target)
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout + done.stderr


def test_xmlsec1_refuses_a_tampered_gateway_signature(
    tmp_path, dev_pki, ministry_key, document_bytes
):
    signed = sign_package(document_bytes, ministry_key).replace(
        "Hà Nội".encode(), "Hải Phòng".encode(), 1
    )
    target = tmp_path / "tampered.edxml"
    target.write_bytes(signed)
    assert _xmlsec_verify(dev_pki, target).returncode != 0


def test_gateway_verifies_what_xmlsec1_signs(tmp_path, dev_pki, document_bytes):
    text = document_bytes.decode("utf-8")
    anchor = "</edXML:TraceHeaderList>\n"
    template = text.replace(anchor, anchor + "      " + TEMPLATE_SIGNATURE, 1)
    source = tmp_path / "template.edxml"
    source.write_text(template, encoding="utf-8")
    out = tmp_path / "xmlsec-signed.edxml"
    done = subprocess.run(
        [
            require_tool("xmlsec1"),
            "--sign",
            "--privkey-pem",
            f"{dev_pki.org_key(MINISTRY)},{dev_pki.org_cert(MINISTRY)},{dev_pki.intermediate_cert}",
            "--output",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = make_verifier(dev_pki).verify(out.read_bytes())
    assert result.status is Status.VALID, result.failures
    assert result.bound_organ_id == MINISTRY
    tampered = out.read_bytes().replace(b"<edXML:Priority>1<", b"<edXML:Priority>0<")
    assert not make_verifier(dev_pki).verify(tampered).ok
