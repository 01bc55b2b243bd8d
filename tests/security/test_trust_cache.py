"""The validated-path cache: reused for the same signer, never outside the path's validity,
and never standing in for revocation."""

from __future__ import annotations

import datetime as dt

import pytest

from gateway.security.devpki import DevPki
from gateway.security.result import Outcome
from gateway.security.signer import sign_package
from gateway.security.trust import TrustEvaluator
from tests.security.conftest import MINISTRY, key_for, make_verifier


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = TrustEvaluator._build_path

    def counting(self, leaf, others, at):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(self, leaf, others, at)

    monkeypatch.setattr(TrustEvaluator, "_build_path", counting)
    return calls


def test_same_signer_reuses_the_validated_path(
    dev_pki: DevPki, document_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _count_builds(monkeypatch)
    verifier = make_verifier(dev_pki)
    signed = sign_package(document_bytes, key_for(dev_pki, MINISTRY))
    first, second = verifier.verify(signed), verifier.verify(signed)
    assert first.ok and second.ok
    assert len(builds) == 1
    assert [c.detail for c in first.checks] == [c.detail for c in second.checks]


def test_a_moment_outside_the_validity_rebuilds_and_fails(
    dev_pki: DevPki, document_bytes: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _count_builds(monkeypatch)
    verifier = make_verifier(dev_pki)
    signed = sign_package(document_bytes, key_for(dev_pki, MINISTRY))
    assert verifier.verify(signed).ok
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * 20)
    result = verifier.verify(signed, at=later)
    assert len(builds) == 2
    assert not result.ok
    assert any(c.name == "chain" and c.outcome is Outcome.FAILED for c in result.checks)


def test_revocation_is_checked_every_time(dev_pki: DevPki, document_bytes: bytes) -> None:
    verifier = make_verifier(dev_pki)
    revoked = sign_package(document_bytes, key_for(dev_pki, f"{MINISTRY}-revoked"))
    for _ in range(2):
        result = verifier.verify(revoked)
        assert any(c.name == "revocation" and c.outcome is Outcome.FAILED for c in result.checks)
