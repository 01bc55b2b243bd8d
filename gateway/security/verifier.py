"""Verify a signed edXML package: signature, references, placement, trust, revocation, sender.

The verifier parses the bytes once with the hardened parser and runs every check on that one
tree; the result carries both (``document`` and ``tree``) so the caller imports exactly what
was verified. It never raises for a bad package: every problem becomes a failed check with a
plain reason. It raises only for misuse (no trust store configured).
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from lxml import etree

from gateway import safexml
from gateway.errors import EdxmlParseError, XmlSecurityError
from gateway.security.algorithms import DSIG_NS, EDXML_NS
from gateway.security.binding import BindingPolicy
from gateway.security.dsig import EdxmlParts, canonicalize_element, digest_document, locate_parts
from gateway.security.result import (
    Algorithms,
    CertificateInfo,
    Check,
    Outcome,
    Status,
    VerificationResult,
)
from gateway.security.structure import (
    ParsedSignature,
    StructureError,
    parse_signature,
    read_certificates,
)
from gateway.security.trust import TrustEvaluator
from gateway.security.verify_sig import verify_certificate_signature, verify_signature

__all__ = ["Verifier", "VerifyOptions"]


@dataclass(frozen=True)
class VerifyOptions:
    """``allow_legacy`` accepts RSA-SHA1/SHA-1 and the edXML-namespace Signature of the
    reference samples; off by default."""

    allow_legacy: bool = False
    limits: safexml.ParserLimits = safexml.DEFAULT_LIMITS


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Verifier:
    def __init__(
        self,
        trust: TrustEvaluator,
        binding: BindingPolicy,
        options: VerifyOptions = VerifyOptions(),
        clock: Callable[[], dt.datetime] = _utcnow,
    ) -> None:
        self.trust = trust
        self.binding = binding
        self.options = options
        self._clock = clock

    def verify(
        self, data: bytes, *, source: str = "package", at: dt.datetime | None = None
    ) -> VerificationResult:
        try:
            tree = safexml.parse(data, limits=self.options.limits, source=source)
        except XmlSecurityError as exc:
            return VerificationResult(
                Status.INVALID, (Check("parse", Outcome.FAILED, str(exc)),), document=data
            )
        return self.verify_tree(tree, document=data, at=at)

    def verify_tree(
        self,
        tree: etree._ElementTree,
        *,
        document: bytes = b"",
        at: dt.datetime | None = None,
    ) -> VerificationResult:
        at = at or self._clock()
        checks: list[Check] = []

        def done(status: Status, **extra: object) -> VerificationResult:
            return VerificationResult(
                status,
                tuple(checks),
                document=document,
                tree=tree,
                **extra,  # type: ignore[arg-type]
            )

        try:
            parts = locate_parts(tree)
        except EdxmlParseError as exc:
            checks.append(Check("structure", Outcome.FAILED, str(exc)))
            return done(Status.INVALID)
        sender = parts.sender
        signatures = self._signatures(parts)
        if not signatures:
            checks.append(
                Check("signature-present", Outcome.SKIPPED, "the package carries no signature")
            )
            return done(Status.UNSIGNED, sender_organ_id=sender)
        if len(signatures) > 1:
            checks.append(
                Check(
                    "wrapping",
                    Outcome.FAILED,
                    f"{len(signatures)} Signature elements; exactly one is accepted",
                )
            )
            return done(Status.INVALID, sender_organ_id=sender)
        element = signatures[0]
        placement = self._placement(parts, element)
        checks.append(placement)
        try:
            parsed = parse_signature(element)
        except StructureError as exc:
            checks.append(Check(exc.check, Outcome.FAILED, str(exc)))
            return done(Status.INVALID, sender_organ_id=sender)
        checks.append(
            Check("structure", Outcome.PASSED, 'one Reference URI="" with enveloped-signature')
        )
        algorithms = Algorithms(
            parsed.method.value,
            parsed.c14n.value,
            parsed.digest.value,
            parsed.transforms,
            parsed.legacy_form,
        )
        checks.append(self._legacy(parsed))
        checks.append(self._digest(tree, parsed))
        try:
            certs = read_certificates(element)
        except StructureError as exc:
            checks.append(Check(exc.check, Outcome.FAILED, str(exc)))
            checks.append(Check("signature-value", Outcome.SKIPPED, "no usable certificate"))
            return done(Status.INVALID, sender_organ_id=sender, algorithms=algorithms)
        leaf = _leaf(certs)
        if leaf is None:
            checks.append(
                Check(
                    "certificate",
                    Outcome.FAILED,
                    "cannot tell the signing certificate among the X509Certificate elements",
                )
            )
            return done(Status.INVALID, sender_organ_id=sender, algorithms=algorithms)
        checks.append(Check("certificate", Outcome.PASSED, leaf.subject.rfc4514_string()))
        checks.append(self._signature_value(leaf, parsed))
        report = self.trust.evaluate(leaf, [c for c in certs if c is not leaf], sender, at)
        checks.extend(report.checks)
        decision = self.binding.decide(sender, leaf)
        checks.append(
            Check(
                "sender-binding",
                Outcome.PASSED if decision.bound else Outcome.FAILED,
                decision.detail,
            )
        )
        ok = all(c.outcome is not Outcome.FAILED for c in checks)
        return done(
            Status.VALID if ok else Status.INVALID,
            sender_organ_id=sender,
            signer=CertificateInfo.of(leaf),
            chain=tuple(CertificateInfo.of(c) for c in report.path[1:]),
            bound_organ_id=sender if decision.bound else None,
            algorithms=algorithms,
        )

    @staticmethod
    def _signatures(parts: EdxmlParts) -> list[etree._Element]:
        found = list(parts.root.iter(f"{{{DSIG_NS}}}Signature"))
        found.extend(parts.root.iter(f"{{{EDXML_NS}}}Signature"))
        return found

    @staticmethod
    def _placement(parts: EdxmlParts, element: etree._Element) -> Check:
        if element.getparent() is not parts.header:
            parent = element.getparent()
            where = etree.QName(parent).localname if parent is not None else "the document root"
            return Check(
                "placement",
                Outcome.FAILED,
                f"the Signature sits in {where}, not in edXMLEnvelope/edXMLHeader",
            )
        return Check("placement", Outcome.PASSED, "in edXMLHeader")

    def _legacy(self, parsed: ParsedSignature) -> Check:
        legacy = []
        if parsed.legacy_form:
            legacy.append("Signature in the edXML namespace")
        if parsed.method.is_legacy:
            legacy.append("RSA-SHA1")
        if parsed.digest.is_legacy:
            legacy.append("SHA-1 digest")
        if not legacy:
            return Check(
                "algorithms",
                Outcome.PASSED,
                f"{parsed.method.name}, {parsed.digest.name}, {parsed.c14n.name}",
            )
        text = ", ".join(legacy)
        if self.options.allow_legacy:
            return Check(
                "algorithms", Outcome.WARNING, f"legacy form accepted by configuration: {text}"
            )
        return Check(
            "algorithms", Outcome.FAILED, f"legacy form refused ({text}); allow_legacy is off"
        )

    @staticmethod
    def _digest(tree: etree._ElementTree, parsed: ParsedSignature) -> Check:
        actual = digest_document(
            tree, parsed.element, parsed.reference_c14n, parsed.digest, parsed.reference_prefixes
        )
        if hmac.compare_digest(actual, parsed.digest_value):
            return Check(
                "reference-digest", Outcome.PASSED, "the package is unchanged since signing"
            )
        return Check(
            "reference-digest",
            Outcome.FAILED,
            "the package was changed after signing (digest mismatch)",
        )

    @staticmethod
    def _signature_value(leaf: x509.Certificate, parsed: ParsedSignature) -> Check:
        key = leaf.public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            return Check(
                "signature-value", Outcome.FAILED, "only RSA signing certificates are supported"
            )
        signed = canonicalize_element(parsed.signed_info, parsed.c14n, parsed.c14n_prefixes)
        if verify_signature(key, parsed.signature_value, signed, parsed.method.hash_algorithm()):
            return Check("signature-value", Outcome.PASSED, "SignedInfo signature verifies")
        return Check(
            "signature-value",
            Outcome.FAILED,
            "SignatureValue does not verify with the certificate's key",
        )


def _leaf(certs: tuple[x509.Certificate, ...]) -> x509.Certificate | None:
    """The certificate that issued none of the others (the first one when only one)."""
    if len(certs) == 1:
        return certs[0]
    leaves = [
        c
        for c in certs
        if not any(
            o is not c and o.issuer == c.subject and verify_certificate_signature(o, c)
            for o in certs
        )
    ]
    return leaves[0] if len(leaves) == 1 else None
