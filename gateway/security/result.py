"""What a verification found, as one frozen value the exchange log and the admin UI can show.

Every check that ran is listed with its outcome and a plain-language detail, so a refusal is
explained ("the certificate was revoked on ...", "the signature sits outside edXMLHeader")
rather than reduced to a boolean.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from lxml import etree

__all__ = [
    "Algorithms",
    "CertificateInfo",
    "Check",
    "Outcome",
    "Status",
    "VerificationResult",
]


class Outcome(enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    WARNING = "warning"  # tolerated by configuration (soft-fail revocation, legacy algorithm)
    SKIPPED = "skipped"  # not run: an earlier failure made it meaningless, or policy says off


class Status(enum.Enum):
    VALID = "valid"
    INVALID = "invalid"
    UNSIGNED = "unsigned"  # no signature at all: the engine's policy decides what that means


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    outcome: Outcome
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "outcome": self.outcome.value, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    subject: str
    issuer: str
    serial: str  # hexadecimal, upper case, as certificate viewers show it
    fingerprint_sha256: str  # hexadecimal, lower case, no separators
    not_before: datetime
    not_after: datetime

    @classmethod
    def of(cls, cert: x509.Certificate) -> CertificateInfo:
        return cls(
            subject=cert.subject.rfc4514_string(),
            issuer=cert.issuer.rfc4514_string(),
            serial=f"{cert.serial_number:X}",
            fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
            not_before=cert.not_valid_before_utc,
            not_after=cert.not_valid_after_utc,
        )

    def to_dict(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "fingerprint_sha256": self.fingerprint_sha256,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Algorithms:
    signature_method: str
    canonicalization: str
    digest: str
    transforms: tuple[str, ...]
    legacy_form: bool  # Signature in the edXML namespace (the reference samples' form)

    def to_dict(self) -> dict[str, Any]:
        return {
            "signature_method": self.signature_method,
            "canonicalization": self.canonicalization,
            "digest": self.digest,
            "transforms": list(self.transforms),
            "legacy_form": self.legacy_form,
        }


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The verdict on one package.

    ``document`` is exactly the bytes that were verified and ``tree`` the parse of those bytes
    that the checks ran on: callers parse *that* tree (or those bytes) afterwards, never another
    copy, so what was verified is what gets imported. ``tree`` is shared, not copied: treat it as
    read-only.
    """

    status: Status
    checks: tuple[Check, ...]
    sender_organ_id: str | None = None
    signer: CertificateInfo | None = None
    chain: tuple[CertificateInfo, ...] = ()
    bound_organ_id: str | None = None
    algorithms: Algorithms | None = None
    document: bytes = field(default=b"", repr=False, compare=False)
    tree: etree._ElementTree | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.status is Status.VALID

    @property
    def failures(self) -> tuple[str, ...]:
        return tuple(f"{c.name}: {c.detail}" for c in self.checks if c.outcome is Outcome.FAILED)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(f"{c.name}: {c.detail}" for c in self.checks if c.outcome is Outcome.WARNING)

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "ok": self.ok,
            "sender_organ_id": self.sender_organ_id,
            "bound_organ_id": self.bound_organ_id,
            "signer": self.signer.to_dict() if self.signer else None,
            "chain": [c.to_dict() for c in self.chain],
            "algorithms": self.algorithms.to_dict() if self.algorithms else None,
            "checks": [c.to_dict() for c in self.checks],
            "failures": list(self.failures),
            "warnings": list(self.warnings),
        }
