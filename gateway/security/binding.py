"""Sender binding: the signing certificate must belong to the agency named in ``From/OrganId``.

A valid signature proves only that *some* certificate under our trust anchors signed. Without
binding, Bộ Tài chính's certificate could sign a package that claims to come from Văn phòng
Chính phủ. The mapping is explicit configuration: per agency, the certificate fingerprints
(SHA-256) or a subject pattern; and, only when configured as the default, the agency identifier
the CA embedded in the certificate (subject ``UID`` or ``serialNumber``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

__all__ = [
    "BindingDecision",
    "BindingPolicy",
    "BindingRule",
    "EmbeddedIdentifierRule",
    "FingerprintRule",
    "SubjectPatternRule",
    "normalise_fingerprint",
]


def normalise_fingerprint(value: str) -> str:
    """Accept ``AB:CD:...``, ``abcd...`` or ``sha256:abcd...``; return lower-case hex."""
    text = value.strip().lower().removeprefix("sha256:").replace(":", "").replace(" ", "")
    if not re.fullmatch(r"[0-9a-f]{64}", text):
        raise ValueError(f"{value!r} is not a SHA-256 certificate fingerprint (64 hex digits)")
    return text


@dataclass(frozen=True)
class BindingDecision:
    bound: bool
    detail: str


class BindingRule:
    """One way to tie a certificate to an agency."""

    def decide(self, organ_id: str, cert: x509.Certificate) -> BindingDecision:
        raise NotImplementedError


@dataclass(frozen=True)
class FingerprintRule(BindingRule):
    fingerprints: frozenset[str]

    @classmethod
    def of(cls, *values: str) -> FingerprintRule:
        return cls(frozenset(normalise_fingerprint(v) for v in values))

    def decide(self, organ_id: str, cert: x509.Certificate) -> BindingDecision:
        fp = cert.fingerprint(hashes.SHA256()).hex()
        if fp in self.fingerprints:
            return BindingDecision(
                True, f"certificate fingerprint {fp} is registered for {organ_id}"
            )
        return BindingDecision(
            False, f"certificate fingerprint {fp} is not among those registered for {organ_id}"
        )


@dataclass(frozen=True)
class SubjectPatternRule(BindingRule):
    """A regular expression that must match the whole RFC 4514 subject string."""

    pattern: str

    def decide(self, organ_id: str, cert: x509.Certificate) -> BindingDecision:
        subject = cert.subject.rfc4514_string()
        if re.fullmatch(self.pattern, subject):
            return BindingDecision(True, f"subject {subject!r} matches the pattern for {organ_id}")
        return BindingDecision(
            False, f"subject {subject!r} does not match the pattern configured for {organ_id}"
        )


_ATTRIBUTES = {
    "UID": NameOID.USER_ID,
    "serialNumber": NameOID.SERIAL_NUMBER,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
}


@dataclass(frozen=True)
class EmbeddedIdentifierRule(BindingRule):
    """The agency identifier the CA wrote into the subject (``UID`` by default) must equal the
    sender's OrganId. Trusts the CA to have checked it: configure it deliberately."""

    attribute: str = "UID"

    def __post_init__(self) -> None:
        if self.attribute not in _ATTRIBUTES:
            raise ValueError(
                f"attribute must be one of {sorted(_ATTRIBUTES)}, not {self.attribute!r}"
            )

    def decide(self, organ_id: str, cert: x509.Certificate) -> BindingDecision:
        values = [
            str(a.value).strip()
            for a in cert.subject.get_attributes_for_oid(_ATTRIBUTES[self.attribute])
        ]
        if organ_id in values:
            return BindingDecision(True, f"certificate subject {self.attribute}={organ_id}")
        shown = ", ".join(values) if values else "none"
        return BindingDecision(
            False,
            f"the certificate belongs to {shown} ({self.attribute}), not to the sender {organ_id}",
        )


@dataclass(frozen=True)
class BindingPolicy:
    """Rules per agency, plus an optional default rule for agencies without their own."""

    rules: Mapping[str, tuple[BindingRule, ...]] = field(default_factory=dict)
    default: BindingRule | None = None

    def decide(self, organ_id: str | None, cert: x509.Certificate) -> BindingDecision:
        if not organ_id:
            return BindingDecision(False, "the package names no sender (From/OrganId is empty)")
        rules = self.rules.get(organ_id)
        if not rules:
            if self.default is None:
                return BindingDecision(
                    False, f"no certificate binding is configured for {organ_id}"
                )
            rules = (self.default,)
        decisions = [rule.decide(organ_id, cert) for rule in rules]
        for decision in decisions:
            if decision.bound:
                return decision
        return BindingDecision(False, "; ".join(d.detail for d in decisions))
