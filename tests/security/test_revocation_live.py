"""Revocation against real services on loopback: openssl's OCSP responder and CRLs over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.security.devpki import issue, org_name
from gateway.security.keysource_file import PrivateKeySource
from gateway.security.result import Outcome
from gateway.security.revocation import RevocationChecker, RevocationConfig, RevocationOutcome
from gateway.security.signer import sign_package
from gateway.security.trust import RevocationMode
from tests.security.conftest import MINISTRY, free_port, key_for, make_verifier


@pytest.fixture
def services(ocsp_service, crl_service):  # type: ignore[no-untyped-def]
    ocsp_service.up = crl_service.up = True
    yield ocsp_service, crl_service
    ocsp_service.up = crl_service.up = True


def _checker() -> RevocationChecker:
    return RevocationChecker(RevocationConfig(allow_fetching=True, timeout_seconds=5))


def _leaf(pki, organ: str):  # type: ignore[no-untyped-def]
    key = key_for(pki, organ)
    return key.chain[0], key.chain[1]


def test_ocsp_says_good_for_a_listed_certificate(dev_pki, services):
    cert, issuer = _leaf(dev_pki, MINISTRY)
    status = _checker().check(cert, issuer)
    assert status.outcome is RevocationOutcome.GOOD
    assert "OCSP" in status.detail
    assert services[0].hits


def test_ocsp_says_revoked(dev_pki, services):
    cert, issuer = _leaf(dev_pki, f"{MINISTRY}-revoked")
    status = _checker().check(cert, issuer)
    assert status.outcome is RevocationOutcome.REVOKED
    assert status.revoked_at is not None and status.revoked_at < dt.datetime.now(dt.UTC)


def test_ocsp_unknown_for_a_certificate_not_in_the_index(dev_pki, services):
    inter = dev_pki.intermediate()
    stranger = issue(org_name(MINISTRY, "Bộ Công Thương"), inter, ocsp_url=dev_pki.ocsp_url)
    status = _checker().check(stranger.cert, inter.cert)
    assert status.outcome is RevocationOutcome.UNKNOWN
    assert "does not know" in status.detail


def test_ocsp_down_falls_back_to_the_crl_distribution_point(dev_pki, services):
    ocsp, crl = services
    ocsp.up = False
    before = len(crl.hits)
    cert, issuer = _leaf(dev_pki, f"{MINISTRY}-revoked")
    status = _checker().check(cert, issuer)
    assert status.outcome is RevocationOutcome.REVOKED
    assert "CRL http://127.0.0.1" in status.detail
    assert len(crl.hits) > before


def test_everything_down_is_unreachable(dev_pki, services):
    ocsp, crl = services
    ocsp.up = crl.up = False
    cert, issuer = _leaf(dev_pki, MINISTRY)
    status = _checker().check(cert, issuer)
    assert status.outcome is RevocationOutcome.UNREACHABLE
    assert "unreachable" in status.detail


def test_closed_port_is_unreachable(dev_pki):
    inter = dev_pki.intermediate()
    port = free_port()
    lonely = issue(
        org_name(MINISTRY, "Bộ Công Thương"), inter, ocsp_url=f"http://127.0.0.1:{port}/"
    )
    status = _checker().check(lonely.cert, inter.cert)
    assert status.outcome is RevocationOutcome.UNREACHABLE


def test_ocsp_answers_are_cached_until_fresh_no_more(dev_pki, services):
    ocsp, _ = services
    checker = _checker()
    cert, issuer = _leaf(dev_pki, "000.00.00.G10")
    assert checker.check(cert, issuer).outcome is RevocationOutcome.GOOD
    hits = len(ocsp.hits)
    ocsp.up = False
    assert checker.check(cert, issuer).outcome is RevocationOutcome.GOOD
    assert len(ocsp.hits) == hits  # answered from the cache
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)  # past the responder's nextUpdate
    expired = checker.check(cert, issuer, later)
    assert "OCSP" not in expired.detail  # the cached answer expired; the CRL answered instead
    assert expired.source.startswith("CRL http://127.0.0.1")


def test_crls_are_cached_until_next_update(dev_pki, services):
    ocsp, crl = services
    ocsp.up = False
    checker = _checker()
    cert, issuer = _leaf(dev_pki, "000.00.00.G22")
    assert checker.check(cert, issuer).outcome is RevocationOutcome.GOOD
    hits = len(crl.hits)
    assert checker.check(cert, issuer).outcome is RevocationOutcome.GOOD
    assert len(crl.hits) == hits


def test_policy_is_per_partner(dev_pki, services, document_bytes):
    """Unreachable revocation data: refused for a fail-closed partner, warned for a soft one."""
    ocsp, crl = services
    ocsp.up = crl.up = False
    inter = dev_pki.intermediate()
    g22 = issue(org_name("000.00.00.G22", "Văn phòng Chính phủ"), inter, ocsp_url=dev_pki.ocsp_url)
    text = document_bytes.decode("utf-8").replace(
        "<edXML:OrganId>000.00.00.G12</edXML:OrganId>",
        "<edXML:OrganId>000.00.00.G22</edXML:OrganId>",
        1,
    )
    signed = sign_package(text.encode("utf-8"), PrivateKeySource(g22.key, [g22.cert, inter.cert]))
    soft_for_g22 = make_verifier(
        dev_pki,
        fetch=True,
        crl_files=False,
        per_partner={"000.00.00.G22": RevocationMode.SOFT_FAIL},
    ).verify(signed)
    assert soft_for_g22.ok, soft_for_g22.failures
    assert any("unreachable" in w and "soft-fail" in w for w in soft_for_g22.warnings)
    closed = make_verifier(dev_pki, fetch=True, crl_files=False).verify(signed)
    revocation = next(c for c in closed.checks if c.name == "revocation")
    assert revocation.outcome is Outcome.FAILED and revocation.detail.startswith("unreachable")


def test_full_verification_with_live_ocsp(dev_pki, services, document_bytes):
    signed = sign_package(document_bytes, key_for(dev_pki, MINISTRY))
    result = make_verifier(dev_pki, fetch=True, crl_files=False).verify(signed)
    assert result.ok, result.failures
    details = [c.detail for c in result.checks if c.name.startswith("revocation")]
    assert details[0].startswith("good: good according to OCSP")
    assert "CRL http://127.0.0.1" in details[1]  # the intermediate, through the root's CRL
