"""One call that says everything wrong with a package: :func:`validate_package`.

The report holds every problem at once - the hardened parser's refusal (then nothing else, as
there is no tree), or the XSD problems of the whole document followed by the semantic checks of
:mod:`gateway.edxml.checks` - so a clerk or a partner fixes a package in one round, not one
error per submission. ``validate_package`` never raises for bad input: refusals and problems are
data in the report. :meth:`ValidationReport.raise_for_errors` turns a failed report into
:class:`~gateway.errors.EdxmlValidationError` where an exception is wanted.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from gateway import safexml
from gateway.edxml.attachments import UnzipLimits
from gateway.edxml.checks import DEFAULT_UNZIP_LIMITS, run_checks
from gateway.errors import EdxmlValidationError, XmlSecurityError
from gateway.safexml import DEFAULT_LIMITS, ParserLimits
from gateway.schema import (
    EDXML_NS,
    PackageKind,
    Problem,
    detect_kind,
    local_name,
    validate_tree,
)

__all__ = ["Problem", "ValidationReport", "validate_package"]


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Outcome of validating one package: ``ok`` is True when no problem is an error."""

    ok: bool
    kind: PackageKind | None
    problems: tuple[Problem, ...]

    @classmethod
    def of(cls, kind: PackageKind | None, problems: list[Problem]) -> ValidationReport:
        return cls(
            ok=not any(p.severity == "error" for p in problems),
            kind=kind,
            problems=tuple(problems),
        )

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    def codes(self) -> list[str]:
        return [p.code for p in self.problems]

    def as_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "kind": self.kind,
            "problems": [p.as_dict() for p in self.problems],
        }

    def raise_for_errors(self, source: str = "package") -> None:
        """Raise :class:`EdxmlValidationError` (carrying the problems) unless ``ok``."""
        if self.ok:
            return
        first = self.errors[0]
        where = f" at line {first.line}" if first.line is not None else ""
        more = len(self.errors) - 1
        tail = f" (and {more} more error{'s' if more > 1 else ''})" if more else ""
        raise EdxmlValidationError(
            f"{source} is not a valid edXML package: {first.path}{where}: {first.reason}{tail}",
            self.problems,
        )


def _refusal(exc: XmlSecurityError, source: str) -> ValidationReport:
    message = str(exc)
    prefix = f"{source}: "
    if message.startswith(prefix):
        message = message[len(prefix) :]
    problem = Problem("error", exc.line, "/", message, f"xml-{exc.reason}")
    return ValidationReport.of(None, [problem])


def _root_problem(root: etree._Element) -> Problem | None:
    qname = etree.QName(root)
    if qname.localname == "edXML" and qname.namespace == EDXML_NS:
        return None
    line = root.sourceline if isinstance(root.sourceline, int) else None
    if qname.localname == "edXML":
        where = f"namespace {qname.namespace!r}" if qname.namespace else "no namespace"
        return Problem(
            "error",
            line,
            "/edXML",
            f"the root element edXML is in {where}; an edXML package uses the namespace {EDXML_NS}",
            "wrong-namespace",
        )
    return Problem(
        "error",
        line,
        "/" + local_name(root.tag),
        f"the root element is {local_name(root.tag)}, not edXML (namespace {EDXML_NS}); "
        "this is not an edXML package",
        "wrong-root",
    )


def validate_package(
    data: bytes | etree._ElementTree,
    *,
    limits: ParserLimits = DEFAULT_LIMITS,
    unzip_limits: UnzipLimits = DEFAULT_UNZIP_LIMITS,
    source: str = "input",
) -> ValidationReport:
    """Validate a package given as raw bytes (parsed by :mod:`gateway.safexml`) or as a tree.

    ``kind`` in the report is ``edoc`` or ``status`` as detected from the MessageHeader, None
    when the input is not an edXML package at all. ``limits`` bound the parse, ``unzip_limits``
    the inflation of zipped attachments (the reader's defaults).
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            tree = safexml.parse(bytes(data), limits=limits, source=source)
        except XmlSecurityError as exc:
            return _refusal(exc, source)
    else:
        tree = data
    root = tree.getroot()
    wrong = _root_problem(root)
    if wrong is not None:
        return ValidationReport.of(None, [wrong])
    kind = detect_kind(root)
    # With nothing to tell the kinds apart, the document schema gives the most useful report
    # ("required element MessageHeader is missing ..."), but the kind stays unknown.
    schema_problems = validate_tree(tree, kind or "edoc")
    semantic_problems = run_checks(root, kind, unzip_limits=unzip_limits)
    return ValidationReport.of(kind, schema_problems + semantic_problems)
