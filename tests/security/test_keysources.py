"""Key sources: PEM, PKCS#12 and a real SoftHSM2 token through python-pkcs11."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from gateway.errors import KeySourceError
from gateway.security.keysource_file import load_pem_key_source, load_pkcs12_key_source
from gateway.security.keysource_pkcs11 import Pkcs11KeySource
from gateway.security.signer import sign_package
from tests.security.conftest import MINISTRY, make_verifier

SOFTHSM_MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
PASSWORD = "mật-khẩu thử nghiệm"
PIN = "246810"


def test_pkcs12_bundle_signs_and_carries_its_chain(dev_pki, document_bytes):
    source = load_pkcs12_key_source(dev_pki.org_p12(MINISTRY), PASSWORD.encode())
    assert len(source.chain) == 2
    assert make_verifier(dev_pki).verify(sign_package(document_bytes, source)).ok


def test_wrong_pkcs12_password_is_a_clear_error_without_the_password(dev_pki):
    with pytest.raises(KeySourceError) as info:
        load_pkcs12_key_source(dev_pki.org_p12(MINISTRY), b"sai-mat-khau")
    assert "wrong password" in str(info.value)
    assert "sai-mat-khau" not in str(info.value)


def test_key_and_certificate_of_different_agencies_are_refused(dev_pki):
    with pytest.raises(KeySourceError, match="does not belong"):
        load_pem_key_source(dev_pki.org_key(MINISTRY), dev_pki.org_cert("000.00.00.G22"))


def test_missing_key_file_is_a_clear_error(tmp_path, dev_pki):
    with pytest.raises(KeySourceError, match="cannot read private key"):
        load_pem_key_source(tmp_path / "khong-co.key", dev_pki.org_cert(MINISTRY))


def test_dev_private_keys_are_owner_only(dev_pki):
    for path in [dev_pki.org_key(MINISTRY), dev_pki.org_p12(MINISTRY), dev_pki.root / "ca.key"]:
        assert path.stat().st_mode & 0o077 == 0, path


@pytest.fixture(scope="module")
def softhsm_token(tmp_path_factory, dev_pki):  # type: ignore[no-untyped-def]
    util = shutil.which("softhsm2-util")
    tool = shutil.which("pkcs11-tool")
    if util is None or not SOFTHSM_MODULE.is_file():
        pytest.skip("softhsm2 is not installed (CI installs it)")
    if tool is None:
        pytest.skip("pkcs11-tool (opensc) is not installed (CI installs it)")
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\n")
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = dict(os.environ)
    run = lambda *args: subprocess.run(list(args), check=True, capture_output=True, env=env)  # noqa: E731
    run(util, "--init-token", "--free", "--label", "MOIT", "--pin", PIN, "--so-pin", "13579")
    key_der = root / "key.der"
    key = serialization.load_pem_private_key(dev_pki.org_key(MINISTRY).read_bytes(), None)
    key_der.write_bytes(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_der = root / "cert.der"
    cert = x509.load_pem_x509_certificate(dev_pki.org_cert(MINISTRY).read_bytes())
    cert_der.write_bytes(cert.public_bytes(serialization.Encoding.DER))
    common = [
        tool,
        "--module",
        str(SOFTHSM_MODULE),
        "--token-label",
        "MOIT",
        "--login",
        "--pin",
        PIN,
    ]
    run(
        *common,
        "--write-object",
        str(key_der),
        "--type",
        "privkey",
        "--label",
        "moit-signing",
        "--id",
        "01",
    )
    run(
        *common,
        "--write-object",
        str(cert_der),
        "--type",
        "cert",
        "--label",
        "moit-signing",
        "--id",
        "01",
    )
    key_der.unlink()
    yield SOFTHSM_MODULE
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old


def test_pkcs11_token_signs_packages_that_verify(softhsm_token, dev_pki, document_bytes):
    with Pkcs11KeySource(
        softhsm_token,
        token_label="MOIT",
        key_label="moit-signing",
        pin=PIN,
        chain_paths=[dev_pki.intermediate_cert],
    ) as source:
        assert "000.00.00.G12" in source.chain[0].subject.rfc4514_string()
        signed = sign_package(document_bytes, source)
    result = make_verifier(dev_pki).verify(signed)
    assert result.ok, result.failures


def test_pkcs11_wrong_pin_is_refused_without_showing_it(softhsm_token):
    with pytest.raises(KeySourceError) as info:
        Pkcs11KeySource(softhsm_token, token_label="MOIT", key_label="moit-signing", pin="000000")
    assert "login refused" in str(info.value)
    assert "000000" not in str(info.value)


def test_pkcs11_unknown_key_label_is_a_clear_error(softhsm_token):
    with pytest.raises(KeySourceError, match="private key 'khong-co' not found"):
        Pkcs11KeySource(softhsm_token, token_label="MOIT", key_label="khong-co", pin=PIN)
