"""Trust: does the signing certificate chain to *our* anchors, is it fit to sign, is it revoked?

Path building and PKIX validation (name chaining, signatures, validity of every certificate at
the verification time, CA constraints, path length, weak-algorithm policy) are done by
pyhanko-certvalidator with a :class:`ValidationContext` holding only the configured trust roots
— never the system store. Two rules the gateway states itself because agency certificates in
the field bend them, and bending them must be a visible configuration choice
(:class:`TrustPolicy`): the signer's key usage (digitalSignature, or nonRepudiation alone only
when tolerated) and the criticality of CA basic constraints. Revocation is asked of
:class:`~gateway.security.revocation.RevocationChecker` per certificate of the path, and its
outcome is judged by the sender's :class:`RevocationMode`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import enum
import itertools
import threading
import time
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as pv_errors

from gateway.errors import ConfigError
from gateway.security.keys import load_certificates
from gateway.security.result import Check, Outcome
from gateway.security.revocation import RevocationChecker, RevocationOutcome

T = TypeVar("T")

__all__ = [
    "RevocationMode",
    "RevocationPolicy",
    "TrustEvaluator",
    "TrustPolicy",
    "TrustReport",
    "TrustStore",
]


class RevocationMode(enum.Enum):
    FAIL_CLOSED = "fail-closed"  # anything but a definite "good" refuses the package
    SOFT_FAIL = "soft-fail"  # only a definite "revoked" refuses; the rest is a warning
    OFF = "off"  # not checked (the result says so)


@dataclass(frozen=True)
class RevocationPolicy:
    """The revocation mode per sending agency, with a default for everyone else."""

    default: RevocationMode = RevocationMode.FAIL_CLOSED
    per_partner: Mapping[str, RevocationMode] = field(default_factory=dict)

    def mode_for(self, organ_id: str | None) -> RevocationMode:
        if organ_id is None:
            return self.default
        return self.per_partner.get(organ_id, self.default)


@dataclass(frozen=True)
class TrustPolicy:
    """Every loosening of the certificate rules is a field here, off by default."""

    tolerate_non_repudiation_only: bool = False
    tolerate_non_critical_basic_constraints: bool = False
    revocation: RevocationPolicy = RevocationPolicy()


@dataclass(frozen=True)
class TrustStore:
    """Our trust anchors (roots we accept) and optionally extra intermediates we know."""

    anchors: tuple[x509.Certificate, ...]
    intermediates: tuple[x509.Certificate, ...] = ()

    def __post_init__(self) -> None:
        if not self.anchors:
            raise ConfigError("the trust store has no trust anchors (configure trust.ca_bundle)")

    @classmethod
    def from_files(cls, anchors: Sequence[Path], intermediates: Sequence[Path] = ()) -> TrustStore:
        roots = [c for p in anchors for c in load_certificates(p)]
        extra = [c for p in intermediates for c in load_certificates(p)]
        return cls(tuple(roots), tuple(extra))


@dataclass(frozen=True)
class TrustReport:
    checks: tuple[Check, ...]
    path: tuple[x509.Certificate, ...]  # leaf first, anchor last; empty when no path was found

    @property
    def ok(self) -> bool:
        return all(c.outcome is not Outcome.FAILED for c in self.checks)


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _crypto(cert: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def _run(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from sync code, also when a loop is already running."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(factory())
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(factory())).result()


PathEntry = tuple[tuple[x509.Certificate, ...], Check]


class _PathCache:
    """Validated chains, reused while every certificate of the path is within its validity.

    Path building is the costly part of a verification (about 15 ms, pure Python ASN.1) and
    its answer depends only on the certificates, the anchors (fixed per evaluator) and the
    time: so a passed path is kept for ``ttl`` seconds and only for moments inside the
    intersection of its certificates' validity. Revocation is never cached here (it has its
    own caches bounded by the CRLs' and OCSP answers' freshness).
    """

    def __init__(self, ttl: float = 600.0, size: int = 256) -> None:
        self.ttl = ttl
        self.size = size
        self._lock = threading.Lock()
        self._entries: dict[tuple[bytes, ...], tuple[float, PathEntry]] = {}

    @staticmethod
    def key(leaf: x509.Certificate, others: Sequence[x509.Certificate]) -> tuple[bytes, ...]:
        digest = hashes.SHA256()
        return (leaf.fingerprint(digest), *sorted(c.fingerprint(digest) for c in others))

    def get(self, key: tuple[bytes, ...], at: dt.datetime) -> PathEntry | None:
        with self._lock:
            found = self._entries.get(key)
        if found is None or time.monotonic() - found[0] > self.ttl:
            return None
        path, check = found[1]
        start = max(c.not_valid_before_utc for c in path)
        end = min(c.not_valid_after_utc for c in path)
        return (path, check) if start <= at <= end else None

    def put(self, key: tuple[bytes, ...], path: tuple[x509.Certificate, ...], check: Check) -> None:
        with self._lock:
            if len(self._entries) >= self.size:
                self._entries.pop(next(iter(self._entries)))
            self._entries[key] = (time.monotonic(), (path, check))


class TrustEvaluator:
    def __init__(
        self,
        store: TrustStore,
        policy: TrustPolicy = TrustPolicy(),
        revocation: RevocationChecker | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.revocation = revocation or RevocationChecker()
        self._roots = [_asn1(c) for c in store.anchors]
        self._paths = _PathCache()

    def evaluate(
        self,
        leaf: x509.Certificate,
        others: Sequence[x509.Certificate],
        organ_id: str | None,
        at: dt.datetime,
    ) -> TrustReport:
        checks: list[Check] = [self._validity(leaf, at)]
        path, chain_check = self._path(leaf, others, at)
        checks.append(chain_check)
        checks.append(self._key_usage(leaf))
        checks.append(self._basic_constraints(leaf, path))
        checks.extend(self._revocation(path, organ_id, at))
        return TrustReport(tuple(checks), path)

    def _validity(self, leaf: x509.Certificate, at: dt.datetime) -> Check:
        start, end = leaf.not_valid_before_utc, leaf.not_valid_after_utc
        span = f"valid {start:%Y-%m-%d} to {end:%Y-%m-%d}"
        if at < start:
            return Check("validity", Outcome.FAILED, f"the certificate is not yet valid ({span})")
        if at > end:
            return Check("validity", Outcome.FAILED, f"the certificate has expired ({span})")
        return Check("validity", Outcome.PASSED, span)

    def _path(
        self, leaf: x509.Certificate, others: Sequence[x509.Certificate], at: dt.datetime
    ) -> tuple[tuple[x509.Certificate, ...], Check]:
        key = _PathCache.key(leaf, others)
        cached = self._paths.get(key, at)
        if cached is not None:
            return cached
        path, check = self._build_path(leaf, others, at)
        if check.outcome is Outcome.PASSED:
            self._paths.put(key, path, check)
        return path, check

    def _build_path(
        self, leaf: x509.Certificate, others: Sequence[x509.Certificate], at: dt.datetime
    ) -> tuple[tuple[x509.Certificate, ...], Check]:
        intermediates = [_asn1(c) for c in (*others, *self.store.intermediates)]
        context = ValidationContext(
            trust_roots=self._roots,
            other_certs=intermediates,
            moment=at,
            allow_fetching=False,
            revocation_mode="soft-fail",  # revocation is judged separately, per partner
        )
        validator = CertificateValidator(
            _asn1(leaf), intermediate_certs=intermediates, validation_context=context
        )
        try:
            result = _run(validator.async_validate_path)
        except pv_errors.PathBuildingError:
            return (), Check(
                "chain",
                Outcome.FAILED,
                f"no path from {leaf.issuer.rfc4514_string()} to a configured trust anchor",
            )
        except (pv_errors.ExpiredError, pv_errors.NotYetValidError) as exc:
            return (), Check(
                "chain", Outcome.FAILED, f"a certificate of the chain is out of its validity: {exc}"
            )
        except (pv_errors.PathValidationError, pv_errors.ValidationError) as exc:
            return (), Check("chain", Outcome.FAILED, f"the chain does not validate: {exc}")
        certs = tuple(_crypto(c) for c in result.iter_certs(include_root=True))
        path = tuple(reversed(certs))  # leaf first
        anchor = path[-1].subject.rfc4514_string()
        return path, Check(
            "chain", Outcome.PASSED, f"{len(path)} certificates up to the trust anchor {anchor}"
        )

    def _key_usage(self, leaf: x509.Certificate) -> Check:
        try:
            usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
        except x509.ExtensionNotFound:
            return Check("key-usage", Outcome.FAILED, "the certificate has no keyUsage extension")
        if usage.digital_signature:
            return Check("key-usage", Outcome.PASSED, "digitalSignature")
        if usage.content_commitment:
            if self.policy.tolerate_non_repudiation_only:
                return Check(
                    "key-usage", Outcome.PASSED, "nonRepudiation only (tolerated by configuration)"
                )
            return Check(
                "key-usage",
                Outcome.FAILED,
                "keyUsage is nonRepudiation without digitalSignature "
                "(set trust.tolerate_non_repudiation_only to accept such certificates)",
            )
        return Check(
            "key-usage",
            Outcome.FAILED,
            "keyUsage allows neither digitalSignature nor nonRepudiation",
        )

    def _basic_constraints(
        self, leaf: x509.Certificate, path: tuple[x509.Certificate, ...]
    ) -> Check:
        try:
            leaf_bc = leaf.extensions.get_extension_for_class(x509.BasicConstraints).value
        except x509.ExtensionNotFound:
            leaf_bc = None
        if leaf_bc is not None and leaf_bc.ca:
            return Check(
                "basic-constraints", Outcome.FAILED, "the signing certificate is a CA certificate"
            )
        tolerated: list[str] = []
        for ca in path[1:]:
            try:
                ext = ca.extensions.get_extension_for_class(x509.BasicConstraints)
            except x509.ExtensionNotFound:
                return Check(
                    "basic-constraints",
                    Outcome.FAILED,
                    f"CA {ca.subject.rfc4514_string()} has no basicConstraints",
                )
            if not ext.value.ca:
                return Check(
                    "basic-constraints",
                    Outcome.FAILED,
                    f"{ca.subject.rfc4514_string()} is not a CA",
                )
            if not ext.critical:
                if not self.policy.tolerate_non_critical_basic_constraints:
                    return Check(
                        "basic-constraints",
                        Outcome.FAILED,
                        f"CA {ca.subject.rfc4514_string()} marks basicConstraints non-critical "
                        "(set trust.tolerate_non_critical_basic_constraints to accept it)",
                    )
                tolerated.append(ca.subject.rfc4514_string())
        if tolerated:
            return Check(
                "basic-constraints",
                Outcome.PASSED,
                "non-critical on " + "; ".join(tolerated) + " (tolerated by configuration)",
            )
        return Check(
            "basic-constraints", Outcome.PASSED, "end-entity certificate; CA constraints critical"
        )

    def _revocation(
        self, path: tuple[x509.Certificate, ...], organ_id: str | None, at: dt.datetime
    ) -> list[Check]:
        mode = self.policy.revocation.mode_for(organ_id)
        if mode is RevocationMode.OFF:
            return [
                Check("revocation", Outcome.SKIPPED, "revocation checking is off for this sender")
            ]
        if not path:
            return [Check("revocation", Outcome.SKIPPED, "no validated chain to check")]
        checks = []
        for cert, issuer in itertools.pairwise(path):
            status = self.revocation.check(cert, issuer, at)
            name = (
                "revocation" if cert is path[0] else f"revocation ({cert.subject.rfc4514_string()})"
            )
            detail = f"{status.outcome.value}: {status.detail}"
            if status.outcome is RevocationOutcome.GOOD:
                outcome = Outcome.PASSED
            elif status.outcome is RevocationOutcome.REVOKED or mode is RevocationMode.FAIL_CLOSED:
                outcome = Outcome.FAILED
            else:
                outcome = Outcome.WARNING
                detail += " (soft-fail policy)"
            checks.append(Check(name, outcome, detail))
        return checks
