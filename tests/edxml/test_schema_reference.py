"""Every reference package and golden vector validates with no error, and our own vectors too.

The schemas were reconstructed from these packages; if one stops validating, the schema (or a
check) has become stricter than what real producers send.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway import safexml
from gateway.edxml.validation import validate_package
from tests.edxml.validation_helpers import OWN_EDOC, OWN_STATUS, errors

REFERENCE_EDOCS = [
    "edoc_new.edxml",
    "edoc_replacement.edxml",
    "edoc_revocation.edxml",
    "edoc_update.edxml",
]
REFERENCE_STATUSES = [
    "status.edxml",
    "status_acceptance_03.edxml",
    "status_assignment_04.edxml",
    "status_cancellation_13.edxml",
    "status_change-acceptance_15.edxml",
    "status_change-rejection_16.edxml",
    "status_finish_06.edxml",
    "status_inbox_01.edxml",
    "status_processing_05.edxml",
    "status_rejection_02.edxml",
]

pytestmark = pytest.mark.shared


def test_the_reference_set_is_the_one_we_test(conformance_dir: Path) -> None:
    present = sorted(p.name for p in conformance_dir.glob("*.edxml"))
    assert present == sorted(REFERENCE_EDOCS + REFERENCE_STATUSES)


@pytest.mark.parametrize("name", REFERENCE_EDOCS)
def test_reference_documents_validate(conformance_dir: Path, name: str) -> None:
    report = validate_package((conformance_dir / name).read_bytes(), source=name)
    assert errors(report) == []
    assert report.ok
    assert report.kind == "edoc"


@pytest.mark.parametrize("name", REFERENCE_STATUSES)
def test_reference_statuses_validate_clean(conformance_dir: Path, name: str) -> None:
    report = validate_package((conformance_dir / name).read_bytes(), source=name)
    assert report.problems == ()
    assert report.ok
    assert report.kind == "status"


@pytest.mark.parametrize(
    ("name", "kind"), [("sample-edoc.edxml", "edoc"), ("sample-status-03.edxml", "status")]
)
def test_golden_vectors_validate_clean(vectors_dir: Path, name: str, kind: str) -> None:
    report = validate_package((vectors_dir / name).read_bytes(), source=name)
    assert report.problems == ()
    assert report.kind == kind


def test_reference_quirks_are_warnings_not_errors(conformance_dir: Path) -> None:
    """edoc_new carries the three-part id 28.22.H17 and a DocumentId dated 2014/02/30."""
    report = validate_package((conformance_dir / "edoc_new.edxml").read_bytes())
    assert report.ok
    codes = {p.code: p for p in report.warnings}
    assert set(codes) == {"organ-id-shape", "document-id-date"}
    assert "28.22.H17" in codes["organ-id-shape"].reason
    assert codes["organ-id-shape"].line == 18
    assert codes["organ-id-shape"].path.endswith("/MessageHeader/To/OrganId")
    assert "2014/02/30" in codes["document-id-date"].reason


@pytest.mark.parametrize(("path", "kind"), [(OWN_EDOC, "edoc"), (OWN_STATUS, "status")])
def test_own_vectors_validate_clean(path: Path, kind: str) -> None:
    report = validate_package(path.read_bytes(), source=path.name)
    assert report.problems == ()
    assert report.kind == kind


def test_tree_input_gives_the_same_report_as_bytes() -> None:
    data = OWN_EDOC.read_bytes()
    assert validate_package(safexml.parse(data)) == validate_package(data)
