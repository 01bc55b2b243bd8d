"""Structurally wrong packages: each mutation gives its problem code, a line and a path."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from lxml import etree

from gateway.edxml.validation import validate_package
from gateway.errors import EdxmlValidationError
from tests.edxml.validation_helpers import (
    OWN_EDOC,
    OWN_STATUS,
    N,
    errors,
    find,
    load,
    mutated,
    only,
    remove,
    set_text,
    to_bytes,
)

HEADER = "/edXML/edXMLEnvelope/edXMLHeader/MessageHeader"


def test_missing_from() -> None:
    report = mutated(OWN_EDOC, lambda t: remove(t, "MessageHeader/From"))
    assert not report.ok
    problem = only(report, "schema-missing")
    assert problem.severity == "error"
    assert problem.path == HEADER
    assert problem.line == 5
    assert "From" in problem.reason


def test_missing_document_id() -> None:
    report = mutated(OWN_EDOC, lambda t: remove(t, "MessageHeader/DocumentId"))
    problem = only(report, "schema-missing")
    assert problem.reason == "required element DocumentId is missing from MessageHeader"
    assert problem.line == 5


def test_missing_every_to() -> None:
    def drop_to(tree: etree._ElementTree) -> None:
        header = find(tree, "MessageHeader")
        for element in header.findall(f"{N}To"):
            header.remove(element)

    report = mutated(OWN_EDOC, drop_to)
    assert "required element To is missing" in only(report, "schema-missing").reason


def test_status_code_must_have_two_digits() -> None:
    report = mutated(OWN_STATUS, lambda t: set_text(t, "StatusCode", "3"))
    assert not report.ok
    problem = only(report, "schema-value")
    assert problem.path == f"{HEADER}/StatusCode"
    assert problem.line == 21
    assert "'3'" in problem.reason
    assert "two digits" in problem.reason


def test_attachment_without_content() -> None:
    report = mutated(OWN_EDOC, lambda t: remove(t, "Attachment/ContentTransferEncoded"))
    problem = only(report, "schema-missing")
    assert problem.path == "/edXML/AttachmentEncoded/Attachment[1]"
    assert "ContentTransferEncoded" in problem.reason
    assert problem.line is not None


def test_unknown_element_in_message_header() -> None:
    def add(tree: etree._ElementTree) -> None:
        header = find(tree, "MessageHeader")
        header.insert(3, etree.Element(f"{N}GhiChu"))
        header[3].text = "Phần tử không có trong quy chuẩn"

    report = mutated(OWN_EDOC, add)
    problem = only(report, "schema-unexpected")
    assert problem.path == f"{HEADER}/GhiChu"
    assert problem.reason == "element GhiChu is not allowed in MessageHeader"
    assert problem.line is not None and problem.line > 5


def test_element_in_a_foreign_namespace_is_named_with_it() -> None:
    def add(tree: etree._ElementTree) -> None:
        find(tree, "MessageHeader").append(etree.Element("{urn:khac}Subject"))

    report = mutated(OWN_EDOC, add)
    problem = only(report, "schema-unexpected")
    assert "namespace urn:khac" in problem.reason


def test_repeated_single_element() -> None:
    def twice(tree: etree._ElementTree) -> None:
        header = find(tree, "MessageHeader")
        header.append(etree.fromstring(f'<Subject xmlns="{N[1:-1]}">Trích yếu thứ hai</Subject>'))

    report = mutated(OWN_EDOC, twice)
    problem = only(report, "schema-too-many")
    assert problem.path == f"{HEADER}/Subject[2]"
    assert "at most once" in problem.reason


def test_manifest_and_attachments_must_match() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "Attachment/ContentId", "cid:khac"))
    missing = only(report, "manifest-missing-attachment")
    extra = only(report, "attachment-not-in-manifest")
    assert "cong-van-4521" in missing.reason
    assert missing.path.endswith("edXMLManifest/Reference[1]")
    assert "khac" in extra.reason
    assert extra.path == "/edXML/AttachmentEncoded/Attachment[1]"
    assert missing.line is not None and extra.line is not None


def test_content_id_matches_with_or_without_cid_prefix() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "Attachment/ContentId", "cong-van-4521"))
    assert report.problems == ()


def test_duplicate_content_ids() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "Reference/ContentId", "cid:phu-luc-01"))
    assert only(report, "manifest-duplicate-id").severity == "error"
    assert only(report, "attachment-not-in-manifest").severity == "error"


def test_attachment_name_mismatch_is_a_warning() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "Attachment/AttachmentName", "khac.txt"))
    assert report.ok
    assert only(report, "attachment-name-mismatch").severity == "warning"


def test_names_that_differ_only_in_normalisation_match() -> None:
    def decompose(tree: etree._ElementTree) -> None:
        element = find(tree, "Attachment/AttachmentName")
        element.text = unicodedata.normalize("NFD", element.text or "")

    report = mutated(OWN_EDOC, decompose)
    assert report.codes() == ["text-not-nfc"]


def test_invalid_base64() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "ContentTransferEncoded", "SGVsbG8*IQ=="))
    problem = only(report, "attachment-base64")
    assert "'*' at position 8" in problem.reason
    assert problem.path.endswith("Attachment[1]/ContentTransferEncoded")


def test_base64_with_bad_length() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "ContentTransferEncoded", "SGVsbG8"))
    assert "not a multiple of 4" in only(report, "attachment-base64").reason


def test_empty_attachment_is_a_warning() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "ContentTransferEncoded", ""))
    assert report.ok
    assert only(report, "attachment-empty").severity == "warning"


@pytest.mark.parametrize(
    ("text", "code", "severity"),
    [
        ("2015/02/30", "date-invalid", "error"),
        ("2024/13/01", "date-invalid", "error"),
        ("20/09/2024", "date-format", "error"),
        ("", "date-format", "error"),
        ("2024-09-20", "date-lenient", "warning"),
    ],
)
def test_promulgation_date(text: str, code: str, severity: str) -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "PromulgationInfo/PromulgationDate", text))
    problem = only(report, code)
    assert problem.severity == severity
    assert problem.path == f"{HEADER}/PromulgationInfo/PromulgationDate"
    assert problem.line is not None


def test_empty_due_date_is_only_a_warning() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "DueDate", ""))
    assert report.ok
    assert only(report, "date-empty").severity == "warning"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2024/09/20", "timestamp-format"),
        ("2024/09/20 25:00:00", "timestamp-invalid"),
        ("2024/02/30 10:00:00", "timestamp-invalid"),
    ],
)
def test_status_timestamp(text: str, code: str) -> None:
    report = mutated(OWN_STATUS, lambda t: set_text(t, "Timestamp", text))
    assert only(report, code).severity == "error"


def test_unknown_status_code_is_a_warning() -> None:
    report = mutated(OWN_STATUS, lambda t: set_text(t, "StatusCode", "09"))
    assert report.ok
    problem = only(report, "status-code-unknown")
    assert problem.severity == "warning"
    assert "'09'" in problem.reason


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("0" * 36, "organ-id-too-long"),
        ("000.00.00 G12", "organ-id-characters"),
        ("", "organ-id-empty"),
    ],
)
def test_organ_id_errors(value: str, code: str) -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "From/OrganId", value))
    problem = only(report, code)
    assert problem.severity == "error"
    assert problem.path == f"{HEADER}/From/OrganId"


def test_organ_id_shape_is_a_warning() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "From/OrganId", "0101234567-001"))
    assert report.ok
    assert only(report, "organ-id-shape").severity == "warning"


def test_revoke_without_response_for() -> None:
    def revoke(tree: etree._ElementTree) -> None:
        set_text(tree, "BussinessDocType", "1")
        remove(tree, "MessageHeader/ResponseFor")

    report = mutated(OWN_EDOC, revoke)
    problem = only(report, "revoke-without-responsefor")
    assert problem.path.endswith("/TraceHeaderList/Bussiness")
    assert problem.line is not None


def test_revoke_with_response_for_is_fine() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "BussinessDocType", "1"))
    assert report.problems == ()


def test_unknown_business_type_is_a_warning() -> None:
    report = mutated(OWN_EDOC, lambda t: set_text(t, "BussinessDocType", "7"))
    assert report.ok
    assert only(report, "business-type-unknown").severity == "warning"


def test_several_problems_are_all_reported_in_line_order() -> None:
    report = mutated(
        OWN_EDOC,
        lambda t: remove(t, "MessageHeader/From"),
        lambda t: remove(t, "MessageHeader/DocumentId"),
        lambda t: set_text(t, "PromulgationInfo/PromulgationDate", "2015/02/30"),
        lambda t: set_text(t, "Priority", "khẩn"),
        lambda t: set_text(t, "Attachment/ContentId", "cid:khac"),
        lambda t: remove(t, "Attachment/ContentTransferEncoded"),
        lambda t: set_text(t, "TraceHeader/Timestamp", "hôm nay"),
    )
    codes = report.codes()
    for code in (
        "schema-missing",
        "schema-value",
        "date-invalid",
        "manifest-missing-attachment",
        "attachment-not-in-manifest",
        "timestamp-format",
    ):
        assert code in codes, (code, report.problems)
    assert codes.count("schema-missing") == 3  # From, DocumentId, ContentTransferEncoded
    assert all(p.line is not None for p in report.problems)
    schema_lines = [p.line or 0 for p in report.problems if p.code.startswith("schema")]
    assert schema_lines == sorted(schema_lines)


def test_children_in_any_order_are_accepted() -> None:
    def shuffle(tree: etree._ElementTree) -> None:
        for path in ("MessageHeader", "From", "TraceHeaderList", "Code", "OtherInfo"):
            element = find(tree, path)
            element[:] = list(reversed(element))

    report = mutated(OWN_EDOC, shuffle)
    assert report.problems == ()


DSIG = "http://www.w3.org/2000/09/xmldsig#"


def _signature(namespace: str) -> etree._Element:
    return etree.fromstring(
        f'<Signature xmlns="{namespace}"><SignedInfo/><SignatureValue>AAAA</SignatureValue>'
        "</Signature>"
    )


@pytest.mark.parametrize("namespace", [DSIG, N[1:-1]])
def test_signature_after_trace_header_list(namespace: str) -> None:
    report = mutated(OWN_EDOC, lambda t: find(t, "edXMLHeader").append(_signature(namespace)))
    assert report.problems == ()


def test_signature_before_trace_header_list_is_out_of_order() -> None:
    report = mutated(OWN_EDOC, lambda t: find(t, "edXMLHeader").insert(1, _signature(DSIG)))
    assert not report.ok
    assert only(report, "schema-order").path.endswith("edXMLHeader/TraceHeaderList")


def test_two_signatures_are_refused() -> None:
    def twice(tree: etree._ElementTree) -> None:
        find(tree, "edXMLHeader").append(_signature(DSIG))
        find(tree, "edXMLHeader").append(_signature(DSIG))

    report = mutated(OWN_EDOC, twice)
    assert not report.ok


def test_text_where_only_elements_belong() -> None:
    report = mutated(OWN_EDOC, lambda t: setattr(find(t, "From"), "text", "rác"))
    assert "'rác'" in only(report, "schema-text").reason


def test_unknown_attribute() -> None:
    report = mutated(OWN_EDOC, lambda t: find(t, "MessageHeader").set("phienban", "2"))
    assert "'phienban'" in only(report, "schema-attribute").reason


def test_package_in_another_namespace_is_refused_as_such() -> None:
    data = OWN_EDOC.read_bytes().replace(
        b"http://www.mic.gov.vn/TBT/QCVN_102_2016", b"http://example.org/not-edxml"
    )
    report = validate_package(data)
    assert report.kind is None
    assert report.codes() == ["wrong-namespace"]
    assert "http://example.org/not-edxml" in report.problems[0].reason


def test_other_root_element() -> None:
    report = validate_package("<goiTin><tieuDe>Không phải edXML</tieuDe></goiTin>".encode())
    assert report.codes() == ["wrong-root"]


def test_kind_unknown_without_message_header() -> None:
    def strip(tree: etree._ElementTree) -> None:
        remove(tree, "MessageHeader")

    report = mutated(OWN_STATUS, strip)
    assert report.kind is None
    assert "required element MessageHeader is missing from edXMLHeader" in [
        p.reason for p in report.problems
    ]


def test_raise_for_errors_carries_every_problem() -> None:
    report = mutated(
        OWN_EDOC,
        lambda t: remove(t, "MessageHeader/From"),
        lambda t: remove(t, "MessageHeader/DocumentId"),
    )
    with pytest.raises(EdxmlValidationError) as caught:
        report.raise_for_errors("goi-tin.edxml")
    assert "goi-tin.edxml" in str(caught.value)
    assert "and 1 more error" in str(caught.value)
    assert len(caught.value.problems) == 2
    validate_package(OWN_EDOC.read_bytes()).raise_for_errors()


# -- mutations of the reference packages ------------------------------------------------------


@pytest.mark.shared
def test_reference_revocation_without_response_for(conformance_dir: Path) -> None:
    report = mutated(
        conformance_dir / "edoc_revocation.edxml", lambda t: remove(t, "MessageHeader/ResponseFor")
    )
    assert [p.code for p in errors(report)] == ["revoke-without-responsefor"]


@pytest.mark.shared
def test_reference_update_without_its_parts(conformance_dir: Path) -> None:
    report = mutated(
        conformance_dir / "edoc_update.edxml",
        lambda t: remove(t, "Bussiness/DocumentId"),
        lambda t: remove(t, "Bussiness/BussinessDocumentInfo"),
    )
    assert sorted(p.code for p in errors(report)) == [
        "update-without-documentid",
        "update-without-documentinfo",
    ]


@pytest.mark.shared
def test_reference_replacement_without_list(conformance_dir: Path) -> None:
    report = mutated(
        conformance_dir / "edoc_replacement.edxml",
        lambda t: remove(t, "Bussiness/ReplacementInfoList"),
    )
    assert [p.code for p in errors(report)] == ["replace-without-replacementinfo"]


@pytest.mark.shared
def test_reference_status_with_one_digit_code(conformance_dir: Path) -> None:
    report = mutated(conformance_dir / "status.edxml", lambda t: set_text(t, "StatusCode", "3"))
    problem = only(report, "schema-value")
    assert problem.line == 28
    assert problem.path == f"{HEADER}/StatusCode"


@pytest.mark.shared
def test_reference_document_without_from_and_document_id(conformance_dir: Path) -> None:
    tree = load(conformance_dir / "edoc_new.edxml")
    remove(tree, "MessageHeader/From")
    remove(tree, "MessageHeader/DocumentId")
    report = validate_package(to_bytes(tree))
    missing = sorted(p.reason for p in report.problems if p.code == "schema-missing")
    assert missing == [
        "required element DocumentId is missing from MessageHeader",
        "required element From is missing from MessageHeader",
    ]
