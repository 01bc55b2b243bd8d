"""Admission checks every received package passes before anyone trusts it.

One parse (the hardened one) feeds both the schema/semantic validation and the signature
verification, and the model is read from that same verified tree (parsed once). The signature
policy is per partner: a partner may be allowed to send unsigned packages (the axis accepted
them in 2025), but a signature that is present and wrong is always a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gateway import safexml
from gateway.edxml import EdocPackage, StatusPackage, read_tree
from gateway.edxml.validation import validate_package
from gateway.errors import EdxmlError, XmlSecurityError
from gateway.security.result import Status
from gateway.security.verifier import Verifier


@dataclass(frozen=True, slots=True)
class Admission:
    """The verdict on one received package; ``package`` is set when it could be read."""

    reasons: tuple[str, ...]
    package: EdocPackage | StatusPackage | None = None
    kind: str | None = None
    verification: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons and self.package is not None

    @property
    def sender(self) -> str | None:
        return self.package.from_.organ_id if self.package is not None else None


class Admitter:
    """``verifier`` None: no trust anchors configured, so only unsigned-tolerant partners pass.

    ``require_signature(organ_id)`` is the per-partner policy (the sender as the package
    names it, before the signature proved anything: a wrong claim fails the binding check).
    """

    def __init__(
        self, verifier: Verifier | None, require_signature: Callable[[str | None], bool]
    ) -> None:
        self.verifier = verifier
        self.require_signature = require_signature

    def admit(self, data: bytes, *, expected_kind: str, source: str) -> Admission:
        try:
            tree = safexml.parse(data, source=source)
        except XmlSecurityError as exc:
            return Admission((str(exc),))
        report = validate_package(tree, source=source)
        reasons = [f"{p.path}: {p.reason}" for p in report.errors]
        if report.kind is not None and report.kind != expected_kind:
            reasons.append(f"expected a {expected_kind} package, this is a {report.kind} package")
        verification, sig_reasons = self._verify(tree, data)
        reasons += sig_reasons
        package: EdocPackage | StatusPackage | None = None
        warnings = tuple(f"{p.path}: {p.reason}" for p in report.warnings)
        try:
            read = read_tree(tree, data)  # last: it releases the attachments' text
            package = read.package
            warnings += tuple(str(w) for w in read.warnings)
        except EdxmlError as exc:
            reasons.append(str(exc))
        return Admission(tuple(reasons), package, report.kind, verification, warnings)

    def _verify(self, tree: Any, data: bytes) -> tuple[dict[str, Any], list[str]]:
        sender = _claimed_sender(tree)
        required = self.require_signature(sender)
        if self.verifier is None:
            has_sig = bool(tree.getroot().xpath("//*[local-name()='Signature']"))
            if has_sig and required:
                return {"status": "unverified"}, [
                    "signature: cannot verify, no trust anchors are configured ([trust] ca_bundle)"
                ]
            if not has_sig and required:
                return {"status": "unsigned"}, [f"signature: {sender} must sign its packages"]
            return {"status": "unverified" if has_sig else "unsigned"}, []
        result = self.verifier.verify_tree(tree, document=data)
        summary = result.to_dict()
        if result.status is Status.VALID:
            return summary, []
        if result.status is Status.UNSIGNED:
            if required:
                return summary, [f"signature: the package is unsigned and {sender} must sign"]
            return summary, []
        return summary, [f"signature: {f}" for f in result.failures] or ["signature: invalid"]


def _claimed_sender(tree: Any) -> str | None:
    found = tree.getroot().xpath(
        "//*[local-name()='MessageHeader']/*[local-name()='From']/*[local-name()='OrganId']"
    )
    if found and found[0].text:
        return str(found[0].text).strip()
    return None
