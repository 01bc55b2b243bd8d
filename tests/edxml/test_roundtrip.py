"""Reference packages and generated models survive read → write → read unchanged."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from gateway.edxml import (
    VN_TZ,
    BusinessType,
    EdocPackage,
    StatusCode,
    StatusPackage,
    WriteOptions,
    read_package,
    write_package,
)
from gateway.edxml.attachments import content_type_for
from tests.edxml.samples import letter, status
from tests.edxml.strategies import edoc_packages, status_packages

_OPTIONS = [WriteOptions(), WriteOptions(zip_attachments=True), WriteOptions(pretty=False)]


def _reference_files(directory: Path) -> list[Path]:
    files = sorted(directory.glob("*.edxml"))
    assert files, f"no .edxml files in {directory}"
    return files


def test_every_conformance_package_round_trips(conformance_dir: Path) -> None:
    files = _reference_files(conformance_dir)
    assert len(files) == 14
    kinds = {"edoc": 0, "status": 0}
    for path in files:
        first = read_package(path.read_bytes())
        kinds["status" if isinstance(first.package, StatusPackage) else "edoc"] += 1
        assert first.warnings == ()
        for options in _OPTIONS:
            again = read_package(write_package(first.package, options=options))
            assert again.package == first.package, (path.name, options)
    assert kinds == {"edoc": 4, "status": 10}


def test_conformance_business_operations_are_read(conformance_dir: Path) -> None:
    expected = {
        "edoc_new.edxml": BusinessType.NEW,
        "edoc_revocation.edxml": BusinessType.REVOKE,
        "edoc_update.edxml": BusinessType.UPDATE,
        "edoc_replacement.edxml": BusinessType.REPLACE,
    }
    for name, kind in expected.items():
        package = read_package((conformance_dir / name).read_bytes()).package
        assert isinstance(package, EdocPackage)
        assert package.business is not None and package.business.business_doc_type is kind
    update = read_package((conformance_dir / "edoc_update.edxml").read_bytes()).package
    assert isinstance(update, EdocPackage) and update.business is not None
    info = update.business.business_document_info
    assert info is not None
    assert [(r.organ_id, r.receiver_type) for r in info.receivers] == [
        ("000.00.00.H41", 0),
        ("000.00.00.H14", 1),
    ]
    replacement = read_package((conformance_dir / "edoc_replacement.edxml").read_bytes()).package
    assert isinstance(replacement, EdocPackage) and replacement.business is not None
    assert replacement.business.replacement_infos[0].organ_ids == ("000.00.00.H41", "000.00.00.H14")
    revocation = read_package((conformance_dir / "edoc_revocation.edxml").read_bytes()).package
    assert isinstance(revocation, EdocPackage)
    assert revocation.response_for[0].code == "267/VPCP-TTĐT"


def test_zipped_reference_attachment_is_unpacked(conformance_dir: Path) -> None:
    result = read_package((conformance_dir / "edoc_new.edxml").read_bytes())
    package = result.package
    assert isinstance(package, EdocPackage)
    (attachment,) = package.attachments
    assert attachment.content_id == "209"
    assert attachment.name == "1896_QD-TTg_m_294779.doc"
    assert attachment.content_type == "application/msword"  # was declared application/zip
    assert not attachment.data.startswith(b"PK\x03\x04")
    assert len(attachment.data) == 388347
    assert [ref.content_id for ref in result.manifest] == ["209"]


def test_status_reference_fields(conformance_dir: Path) -> None:
    package = read_package((conformance_dir / "status_rejection_02.edxml").read_bytes()).package
    assert isinstance(package, StatusPackage)
    assert package.status_code is StatusCode.REFUSED
    assert package.timestamp == datetime(2015, 9, 20, 11, 8, 36, tzinfo=VN_TZ)
    assert package.response_for.document_id == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"
    assert package.from_.organ_name == "UBND Tỉnh Nghệ An"


def test_official_library_vectors_round_trip(vectors_dir: Path) -> None:
    for name in ("sample-edoc.edxml", "sample-status-03.edxml"):
        first = read_package((vectors_dir / name).read_bytes())
        for options in _OPTIONS:
            assert (
                read_package(write_package(first.package, options=options)).package == first.package
            )
    edoc = read_package((vectors_dir / "sample-edoc.edxml").read_bytes()).package
    assert isinstance(edoc, EdocPackage)
    assert edoc.attachments[0].data.startswith(b"%PDF")
    assert edoc.attachments[0].content_type == "application/pdf"
    assert "ăâđêôơư ẮẰẲẴẶ" in edoc.subject


def test_written_layout_matches_the_references(vectors_dir: Path) -> None:
    package = read_package((vectors_dir / "sample-edoc.edxml").read_bytes()).package
    text = write_package(package).decode("utf-8")
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
    )
    assert '<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">' in text
    assert text.index("</edXML:edXMLEnvelope>") < text.index("<AttachmentEncoded>")
    assert "<ContentId>cid:att-1</ContentId>" in text
    assert "<edXML:ContentId>cid:att-1</edXML:ContentId>" in text
    assert "<edXML:PromulgationDate>2025/06/16</edXML:PromulgationDate>" in text
    assert "<edXML:Timestamp>2025/06/16 09:30:00</edXML:Timestamp>" in text
    order = [
        "<edXML:From>",
        "<edXML:To>",
        "<edXML:DocumentId>",
        "<edXML:Code>",
        "<edXML:Subject>",
        "<edXML:OtherInfo>",
        "<edXML:SteeringType>",
        "<edXML:ToPlaces>",
    ]
    positions = [text.index(tag) for tag in order]
    assert positions == sorted(positions)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edoc_packages())
def test_generated_documents_round_trip(package: EdocPackage) -> None:
    for options in _OPTIONS:
        data = write_package(package, options=options)
        assert read_package(data).package == _as_received(package, options)


def _as_received(package: EdocPackage, options: WriteOptions) -> EdocPackage:
    """Zipped attachments travel as application/zip: the receiver knows the type by name only."""
    if not options.zip_attachments:
        return package
    return replace(
        package,
        attachments=tuple(
            replace(att, content_type=content_type_for(att.name)) for att in package.attachments
        ),
    )


@settings(max_examples=60, deadline=None)
@given(status_packages)
def test_generated_statuses_round_trip(package: StatusPackage) -> None:
    result = read_package(write_package(package))
    assert result.package == package
    assert result.warnings == ()


def test_unknown_status_code_and_priority_survive() -> None:
    original = status(code=StatusCode("09"))
    again = read_package(write_package(original)).package
    assert isinstance(again, StatusPackage)
    assert again.status_code == "09" and not again.status_code.known
    doc = letter(priority=7)
    back = read_package(write_package(doc)).package
    assert isinstance(back, EdocPackage) and back.other_info is not None
    assert int(back.other_info.priority) == 7 and not back.other_info.priority.known


def test_trace_header_of_the_sender_is_appended() -> None:
    now = datetime(2026, 3, 2, 1, 15, 30, 999, tzinfo=UTC)
    data = write_package(letter(), options=WriteOptions(trace_organ_id="000.00.00.G12"), now=now)
    assert b"<edXML:Timestamp>2026/03/02 08:15:30</edXML:Timestamp>" in data
    package = read_package(data).package
    assert isinstance(package, EdocPackage)
    assert package.trace_headers[-1].organ_id == "000.00.00.G12"


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_output_is_nfc_utf8(form: str) -> None:
    subject = unicodedata.normalize(form, "Về việc đẩy mạnh ứng dụng văn bản điện tử")
    data = write_package(letter(subject=subject))
    text = data.decode("utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "Về việc đẩy mạnh ứng dụng văn bản điện tử" in text
