"""Chain, validity, key usage, basic constraints and binding rules, plus openssl cross-checks."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from cryptography.hazmat.primitives import hashes

from gateway.security.binding import BindingPolicy, FingerprintRule, SubjectPatternRule
from gateway.security.devpki import Issued, init_dev_pki, issue, org_name
from gateway.security.keysource_file import PrivateKeySource
from gateway.security.result import Outcome, Status
from gateway.security.signer import sign_package
from gateway.security.trust import RevocationMode, TrustPolicy
from tests.security.conftest import MINISTRY, key_for, make_verifier, require_tool


def _outcome(result, name):  # type: ignore[no-untyped-def]
    return next((c.outcome for c in result.checks if c.name == name), None)


def _sign_with(issued: Issued, chain, data: bytes) -> bytes:  # type: ignore[no-untyped-def]
    return sign_package(data, PrivateKeySource(issued.key, [issued.cert, *chain]))


def test_openssl_agrees_on_the_dev_chain_and_the_revoked_certificate(dev_pki):
    openssl = require_tool("openssl")
    base = [
        openssl,
        "verify",
        "-crl_check",
        "-CAfile",
        str(dev_pki.ca_cert),
        "-untrusted",
        str(dev_pki.intermediate_cert),
        "-CRLfile",
        str(dev_pki.crl_dir / "intermediate.crl.pem"),
    ]
    for organ in ("000.00.00.G12", "000.00.00.G22", "000.00.00.G10"):
        done = subprocess.run(
            [*base, str(dev_pki.org_cert(organ))], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
    revoked = subprocess.run(
        [*base, str(dev_pki.org_cert(f"{MINISTRY}-revoked"))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert revoked.returncode != 0 and "revoked" in revoked.stdout + revoked.stderr


def test_revoked_certificate_fails_through_the_configured_crl(dev_pki, document_bytes):
    result = make_verifier(dev_pki).verify(
        sign_package(document_bytes, key_for(dev_pki, f"{MINISTRY}-revoked"))
    )
    assert _outcome(result, "revocation") is Outcome.FAILED
    assert "revoked on" in " ".join(result.failures)
    soft = make_verifier(dev_pki, mode=RevocationMode.SOFT_FAIL).verify(
        sign_package(document_bytes, key_for(dev_pki, f"{MINISTRY}-revoked"))
    )
    assert _outcome(soft, "revocation") is Outcome.FAILED  # revoked refuses under any policy


def test_foreign_root_is_not_trusted(tmp_path, dev_pki, document_bytes):
    other, _ = init_dev_pki(tmp_path / "khac")
    signed = sign_package(document_bytes, key_for(other, MINISTRY))
    result = make_verifier(dev_pki).verify(signed)
    assert _outcome(result, "signature-value") is Outcome.PASSED
    assert _outcome(result, "chain") is Outcome.FAILED
    assert "trust anchor" in " ".join(result.failures)


def test_expired_certificate_fails_validity(dev_pki, document_bytes):
    inter = dev_pki.intermediate()
    old = issue(
        org_name(MINISTRY, "Bộ Công Thương"),
        inter,
        not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=30),
        days=10,
    )
    result = make_verifier(dev_pki).verify(_sign_with(old, [inter.cert], document_bytes))
    assert _outcome(result, "validity") is Outcome.FAILED
    assert "expired" in " ".join(result.failures)


def test_non_repudiation_only_needs_explicit_tolerance(dev_pki, document_bytes):
    inter = dev_pki.intermediate()
    nr = issue(org_name(MINISTRY, "Bộ Công Thương"), inter, digital_signature=False)
    signed = _sign_with(nr, [inter.cert], document_bytes)
    strict = make_verifier(dev_pki, mode=RevocationMode.OFF).verify(signed)
    assert _outcome(strict, "key-usage") is Outcome.FAILED
    tolerant = make_verifier(
        dev_pki, mode=RevocationMode.OFF, policy=TrustPolicy(tolerate_non_repudiation_only=True)
    ).verify(signed)
    assert tolerant.ok, tolerant.failures
    assert "tolerated" in next(c.detail for c in tolerant.checks if c.name == "key-usage")


def test_non_critical_basic_constraints_need_explicit_tolerance(dev_pki, document_bytes):
    root = dev_pki.load(dev_pki.ca_cert, dev_pki.root / "ca.key")
    loose = issue(
        org_name("CA", "CA cấp dưới lỏng lẻo (DEV)"),
        root,
        ca=True,
        path_length=0,
        basic_constraints_critical=False,
    )
    leaf = issue(org_name(MINISTRY, "Bộ Công Thương"), loose)
    signed = _sign_with(leaf, [loose.cert], document_bytes)
    strict = make_verifier(dev_pki, mode=RevocationMode.OFF).verify(signed)
    assert _outcome(strict, "basic-constraints") is Outcome.FAILED
    tolerant = make_verifier(
        dev_pki,
        mode=RevocationMode.OFF,
        policy=TrustPolicy(tolerate_non_critical_basic_constraints=True),
    ).verify(signed)
    assert tolerant.ok, tolerant.failures


def test_ca_certificate_must_not_sign_packages(dev_pki, document_bytes):
    inter = dev_pki.intermediate()
    result = make_verifier(dev_pki, mode=RevocationMode.OFF).verify(
        _sign_with(inter, [], document_bytes)
    )
    assert not result.ok


def test_binding_by_fingerprint_and_subject_pattern(dev_pki, ministry_key, document_bytes):
    signed = sign_package(document_bytes, ministry_key)
    fp = ministry_key.chain[0].fingerprint(hashes.SHA256()).hex()
    colon = ":".join(fp[i : i + 2] for i in range(0, 64, 2)).upper()
    assert (
        make_verifier(dev_pki, binding=BindingPolicy({MINISTRY: (FingerprintRule.of(colon),)}))
        .verify(signed)
        .ok
    )
    wrong = BindingPolicy({MINISTRY: (FingerprintRule.of("ab" * 32),)})
    assert (
        _outcome(make_verifier(dev_pki, binding=wrong).verify(signed), "sender-binding")
        is Outcome.FAILED
    )
    pattern = BindingPolicy({MINISTRY: (SubjectPatternRule(r"UID=000\.00\.00\.G12,.*"),)})
    assert make_verifier(dev_pki, binding=pattern).verify(signed).ok


def test_no_binding_configured_means_not_bound(dev_pki, ministry_key, document_bytes):
    result = make_verifier(dev_pki, binding=BindingPolicy()).verify(
        sign_package(document_bytes, ministry_key)
    )
    assert result.status is Status.INVALID
    assert "no certificate binding is configured for 000.00.00.G12" in " ".join(result.failures)


def test_fingerprint_rule_refuses_malformed_values():
    with pytest.raises(ValueError, match="SHA-256"):
        FingerprintRule.of("khong-phai-dau-van-tay")


def test_no_revocation_source_fails_closed_and_warns_when_soft(
    dev_pki, ministry_key, document_bytes
):
    signed = sign_package(document_bytes, ministry_key)
    closed = make_verifier(dev_pki, crl_files=False).verify(signed)
    assert _outcome(closed, "revocation") is Outcome.FAILED
    assert "no-source" in " ".join(closed.failures)
    soft = make_verifier(dev_pki, crl_files=False, mode=RevocationMode.SOFT_FAIL).verify(signed)
    assert soft.ok and soft.warnings
