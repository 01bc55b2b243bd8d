"""Helpers for the validation tests: load a package, mutate it with lxml, re-serialise it.

Mutations are serialised back to bytes and validated from bytes, so problems carry real line
numbers, exactly as for a package that arrives from outside.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import etree

from gateway import safexml
from gateway.edxml.validation import ValidationReport, validate_package
from gateway.schema import Problem

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
N = f"{{{NS}}}"
OWN_VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "edxml"
OWN_EDOC = OWN_VECTORS / "validate-edoc-bct.edxml"
OWN_STATUS = OWN_VECTORS / "validate-status-03.edxml"


def load(path: Path) -> etree._ElementTree:
    return safexml.parse(path.read_bytes(), source=str(path))


def q(path: str) -> str:
    """``MessageHeader/From`` -> a namespaced ElementPath relative to the root."""
    return "/".join(f"{N}{step}" if step not in (".", "..") else step for step in path.split("/"))


def find(tree: etree._ElementTree, path: str) -> etree._Element:
    """The element at ``path`` (local names, searched anywhere below the root)."""
    element = tree.getroot().find(".//" + q(path))
    assert element is not None, f"{path} not found"
    return element


def remove(tree: etree._ElementTree, path: str) -> None:
    element = find(tree, path)
    parent = element.getparent()
    assert parent is not None
    parent.remove(element)


def set_text(tree: etree._ElementTree, path: str, text: str) -> None:
    find(tree, path).text = text


def to_bytes(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def mutated(path: Path, *changes: Callable[[etree._ElementTree], None]) -> ValidationReport:
    tree = load(path)
    for change in changes:
        change(tree)
    return validate_package(to_bytes(tree), source=path.name)


def only(report: ValidationReport, code: str) -> Problem:
    """The single problem with ``code`` (fails listing all problems otherwise)."""
    found = [p for p in report.problems if p.code == code]
    assert len(found) == 1, f"expected one {code}, got {report.problems}"
    return found[0]


def errors(report: ValidationReport) -> list[Problem]:
    return [p for p in report.problems if p.severity == "error"]
