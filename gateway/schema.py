"""The XSD registry and schema problems located by line and path, in plain words.

Why xmlschema (XSD 1.1) and not lxml's libxml2 validator: producers write children in different
orders, and the edXML containers that need to be order-insensitive also hold repeatable children
(``To``, ``ResponseFor``, ``TraceHeader``), which only XSD 1.1 ``xs:all`` can express; libxml2
implements XSD 1.0 only. Validating an lxml tree with xmlschema still gives each error's element,
so every problem carries the source line and a path. Speed is not an issue: the content models
are small and the big attachment text is an ``xs:string`` (see ``bench/edxml_validate.py``).

xmlschema stops checking a container at its first wrong child, so for every container it
complains about, :func:`validate_tree` re-examines the children against the content model itself
and reports *each* missing, unexpected or repeated element, not just the first.

Schemas ship as package data in the ``schemas`` package and are loaded through
:mod:`importlib.resources`, compiled once per process.
"""

from __future__ import annotations

import functools
import importlib.resources
import pathlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import xmlschema
from lxml import etree

from gateway.errors import ConfigError

__all__ = [
    "EDXML_NS",
    "SCHEMA_FILES",
    "PackageKind",
    "Problem",
    "Severity",
    "detect_kind",
    "element_path",
    "load_schema",
    "local_name",
    "validate_tree",
]

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DSIG_NS = "http://www.w3.org/2000/09/xmldsig#"

PackageKind = Literal["edoc", "status"]
Severity = Literal["error", "warning"]

SCHEMA_FILES: dict[PackageKind, str] = {
    "edoc": "edxml-document.xsd",
    "status": "edxml-status.xsd",
}

_PREFIXES = {EDXML_NS: "", DSIG_NS: "ds:"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a package.

    ``code`` is a short stable tag for programs (``schema-missing``, ``date-invalid``, ...),
    ``reason`` a sentence for people, ``path`` like ``/edXML/edXMLEnvelope/.../To[2]/OrganId``
    (local names; ``[n]`` only where a name repeats), ``line`` the source line when known.
    """

    severity: Severity
    line: int | None
    path: str
    reason: str
    code: str

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "line": self.line,
            "path": self.path,
            "reason": self.reason,
            "code": self.code,
        }


# -- names and paths ---------------------------------------------------------------------------


def local_name(tag: object) -> str:
    """``{edXML ns}Name`` -> ``Name``, XML-DSig -> ``ds:Name``, any other namespace kept whole."""
    text = str(tag)
    if text.startswith("{"):
        namespace, _, name = text[1:].partition("}")
        prefix = _PREFIXES.get(namespace)
        return text if prefix is None else prefix + name
    return text


def _display_name(tag: str) -> str:
    """Like :func:`local_name` but says which foreign namespace an element is in."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        if namespace not in _PREFIXES:
            return f"{name} (namespace {namespace})"
        return _PREFIXES[namespace] + name
    return f"{tag} (no namespace)"


def element_path(element: etree._Element) -> str:
    """Absolute path of ``element`` by local names, indexed only where siblings share a name."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        name = local_name(node.tag)
        parent = node.getparent()
        if parent is not None:
            same = [child for child in parent if child.tag == node.tag]
            if len(same) > 1:
                name = f"{name}[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def _line(element: etree._Element | None) -> int | None:
    if element is None:
        return None
    line = element.sourceline
    return line if isinstance(line, int) else None


# -- registry ----------------------------------------------------------------------------------


@functools.cache
def load_schema(kind: PackageKind) -> Any:
    """The compiled XSD 1.1 schema for ``kind`` (cached for the life of the process)."""
    resource = importlib.resources.files("schemas")
    name = SCHEMA_FILES[kind]
    try:
        if isinstance(resource, pathlib.Path):
            return xmlschema.XMLSchema11(str(resource / name))
        # Installed as a zip: includes resolve relative to the file, so copy them all out.
        with tempfile.TemporaryDirectory(prefix="gateway-xsd-") as tmp:
            for entry in resource.iterdir():
                if entry.name.endswith(".xsd"):
                    with entry.open("rb") as src, open(pathlib.Path(tmp) / entry.name, "wb") as dst:
                        shutil.copyfileobj(src, dst)
            return xmlschema.XMLSchema11(str(pathlib.Path(tmp) / name))
    except (OSError, xmlschema.XMLSchemaException) as exc:
        raise ConfigError(f"cannot load the {kind} schema {name}: {exc}") from exc


def detect_kind(root: etree._Element) -> PackageKind | None:
    """``status`` when the MessageHeader has a StatusCode, ``edoc`` when it looks like a
    document (or the package has a body or attachments), None when there is nothing to go by."""
    header = root.find(f"{{{EDXML_NS}}}edXMLEnvelope/{{{EDXML_NS}}}edXMLHeader")
    message = header.find(f"{{{EDXML_NS}}}MessageHeader") if header is not None else None
    if message is not None:
        names = {child.tag for child in message}
        if f"{{{EDXML_NS}}}StatusCode" in names:
            return "status"
        document_markers = ("To", "DocumentId", "Subject", "Code", "PromulgationInfo")
        if any(f"{{{EDXML_NS}}}{name}" in names for name in document_markers):
            return "edoc"
    if root.find(f"{{{EDXML_NS}}}AttachmentEncoded") is not None:
        return "edoc"
    if root.find(f"{{{EDXML_NS}}}edXMLEnvelope/{{{EDXML_NS}}}edXMLBody") is not None:
        return "edoc"
    if header is not None and header.find(f"{{{EDXML_NS}}}TraceHeaderList") is not None:
        return "edoc"
    if message is not None and message.find(f"{{{EDXML_NS}}}ResponseFor") is not None:
        return "status"
    return None


# -- validation --------------------------------------------------------------------------------


def validate_tree(tree: etree._ElementTree, kind: PackageKind) -> list[Problem]:
    """Every schema problem of ``tree`` against the ``kind`` schema, in document order."""
    schema = load_schema(kind)
    problems: list[Problem] = []
    examined: set[int] = set()
    for error in schema.iter_errors(tree):
        problems.extend(_translate(error, examined))
    problems.sort(key=lambda p: p.line if p.line is not None else 0)
    return _dedupe(problems)


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[int | None, str, str]] = set()
    unique: list[Problem] = []
    for problem in problems:
        key = (problem.line, problem.path, problem.reason)
        if key not in seen:
            seen.add(key)
            unique.append(problem)
    return unique


def _error(element: etree._Element | None, path: str, reason: str, code: str) -> Problem:
    return Problem("error", _line(element), path, reason, code)


def _translate(error: Any, examined: set[int]) -> list[Problem]:
    element = error.elem if isinstance(error.elem, etree._Element) else None
    path = element_path(element) if element is not None else (error.path or "/")
    name = local_name(element.tag) if element is not None else path.rsplit("/", 1)[-1]
    reason = str(error.reason or error.message)
    if isinstance(error, xmlschema.XMLSchemaChildrenValidationError) and element is not None:
        if id(element) in examined:
            return []
        examined.add(id(element))
        found = list(_container_problems(element, error.validator))
        if found:
            return found
        child = error.invalid_child if isinstance(error.invalid_child, etree._Element) else None
        order = ", ".join(_expected_order(error.validator))
        where = f"; {local_name(child.tag)} is out of place" if child is not None else ""
        return [
            _error(
                child if child is not None else element,
                element_path(child) if child is not None else path,
                f"children of {name} are not in the required order ({order}){where}",
                "schema-order",
            )
        ]
    if "character data" in reason and element is not None:
        snippet = " ".join("".join(_stray_text(element)).split())[:40]
        return [
            _error(
                element,
                path,
                f"{name} contains text ({snippet!r}) where only child elements are allowed",
                "schema-text",
            )
        ]
    if "attribute" in reason:
        attribute = re.search(r"'([^']+)' attribute", reason)
        what = f"attribute {attribute.group(1)!r}" if attribute else "an attribute"
        if "not allowed" in reason:
            text = f"{what} is not allowed on {name}"
        else:
            text = f"{name}: {_plain(reason)}"
        return [_error(element, path, text, "schema-attribute")]
    patterns = getattr(error.validator, "regexps", None)
    if patterns:
        value = error.obj if isinstance(error.obj, str) else None
        if value is None and element is not None:
            value = element.text or ""
        expected = " or ".join(_describe_pattern(p) for p in patterns)
        return [_error(element, path, f"{name} is {value!r}; expected {expected}", "schema-value")]
    return [_error(element, path, f"{name}: {_plain(reason)}", "schema")]


def _stray_text(element: etree._Element) -> Iterator[str]:
    if element.text and element.text.strip():
        yield element.text
    for child in element:
        if child.tail and child.tail.strip():
            yield child.tail


_PATTERN_WORDS = {
    "[0-9]{2}": "two digits with a leading zero (such as 03)",
    "[0-9]*": "digits only (or nothing)",
    "[0-9]+": "a whole number (digits only)",
    "[01]": "0 or 1",
    r"\s*\S[\s\S]*": "some text (it must not be empty)",
}


def _describe_pattern(pattern: str) -> str:
    return _PATTERN_WORDS.get(pattern, f"text matching the pattern {pattern}")


def _plain(reason: str) -> str:
    """xmlschema's wording with ``{namespace}Name`` shortened to ``Name``."""
    return re.sub(r"\{[^}]*\}", "", reason).replace("edXML:", "")


# -- content models ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Slot:
    tag: str
    min_occurs: int
    max_occurs: int | None


def _slots(group: Any, factor_min: int = 1, factor_max: int | None = 1) -> Iterator[_Slot]:
    """Flatten a model group into per-element occurrence bounds (choices make members optional)."""
    in_choice = getattr(group, "model", None) == "choice"
    for particle in group:
        p_min = 0 if in_choice else particle.min_occurs * factor_min
        p_max = (
            None
            if particle.max_occurs is None or factor_max is None
            else particle.max_occurs * factor_max
        )
        if getattr(particle, "model", None) is not None:
            yield from _slots(particle, p_min, p_max)
        elif isinstance(getattr(particle, "name", None), str):
            yield _Slot(particle.name, p_min, p_max)
        else:  # a wildcard: anything goes, leave the judgement to xmlschema
            yield _Slot("*", 0, None)


def _expected_order(group: Any) -> list[str]:
    return [local_name(slot.tag) for slot in _slots(group) if slot.tag != "*"]


def _container_problems(element: etree._Element, group: Any) -> Iterator[Problem]:
    """Each missing, unexpected and over-repeated child of ``element`` under ``group``."""
    if getattr(group, "model", None) is None:
        return
    slots = list(_slots(group))
    if any(slot.tag == "*" for slot in slots):
        return
    allowed = {slot.tag: slot for slot in slots}
    name = local_name(element.tag)
    seen: dict[str, int] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue  # comments, processing instructions
        count = seen[child.tag] = seen.get(child.tag, 0) + 1
        slot = allowed.get(child.tag)
        if slot is None:
            yield _error(
                child,
                element_path(child),
                f"element {_display_name(child.tag)} is not allowed in {name}",
                "schema-unexpected",
            )
        elif slot.max_occurs is not None and count == slot.max_occurs + 1:
            total = sum(1 for c in element if c.tag == child.tag)
            limit = "once" if slot.max_occurs == 1 else f"{slot.max_occurs} times"
            yield _error(
                child,
                element_path(child),
                f"{local_name(child.tag)} appears {total} times in {name}; "
                f"it is allowed at most {limit}",
                "schema-too-many",
            )
    for slot in slots:
        have = seen.get(slot.tag, 0)
        if have < slot.min_occurs:
            yield _error(
                element,
                element_path(element),
                f"required element {local_name(slot.tag)} is missing from {name}",
                "schema-missing",
            )
