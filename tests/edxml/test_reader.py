"""Reader tolerance (variants seen in the field) and its located errors."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest

from gateway.edxml import (
    Attachment,
    EdocPackage,
    ReadLimits,
    StatusPackage,
    WriteOptions,
    read_package,
    write_package,
)
from gateway.edxml.text import WarningKind
from gateway.errors import EdxmlParseError
from tests.edxml.samples import letter, status

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PDF = b"%PDF-1.4 t\xe1\xbb\x87p th\xe1\xbb\xad nghi\xe1\xbb\x87m\n" * 20


def _doc_bytes(**kwargs: object) -> bytes:
    att = Attachment(
        content_id="1", name="Công văn 512.pdf", data=PDF, content_type="application/pdf"
    )
    return write_package(letter(attachments=(att,)), **kwargs)  # type: ignore[arg-type]


def test_prefixes_and_order_do_not_matter() -> None:
    original = read_package(write_package(status())).package
    swapped = f"""<?xml version="1.0" encoding="UTF-8"?>
<x:edXML xmlns:x="{NS}"><x:edXMLEnvelope><x:edXMLHeader><x:MessageHeader>
<x:Timestamp>2026/03/03 09:00:00</x:Timestamp><x:StatusCode>03</x:StatusCode>
<x:Description>Văn thư đã tiếp nhận, vào sổ văn bản đến</x:Description>
<x:ResponseFor><x:PromulgationDate>2026/03/02</x:PromulgationDate>
<x:DocumentId>000.00.00.G12,2026/03/02,512/BCT-XNK</x:DocumentId><x:Code>512/BCT-XNK</x:Code>
<x:OrganId>000.00.00.G12</x:OrganId></x:ResponseFor>
<x:From><x:OrganName>Bộ Tài chính</x:OrganName><x:OrganId>000.00.00.G13</x:OrganId></x:From>
</x:MessageHeader></x:edXMLHeader></x:edXMLEnvelope></x:edXML>"""
    assert read_package(swapped.encode()).package == original


def test_cid_prefix_missing_on_one_side_and_business_first() -> None:
    data = _doc_bytes(options=WriteOptions(trace_organ_id="000.00.00.G12"))
    text = data.decode().replace("<ContentId>cid:1</ContentId>", "<ContentId>1</ContentId>")
    result = read_package(text.encode())
    assert isinstance(result.package, EdocPackage)
    assert result.package.attachments[0].content_id == "1"
    assert result.warnings == ()


def test_raw_zip_file_named_zip_is_not_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bao-cao.txt", "Báo cáo tổng hợp")
    att = Attachment(
        content_id="z", name="hồ sơ.zip", data=buffer.getvalue(), content_type="application/zip"
    )
    back = read_package(write_package(letter(attachments=(att,)))).package
    assert isinstance(back, EdocPackage) and back.attachments == (att,)


def test_bad_date_is_located() -> None:
    text = (
        write_package(status())
        .decode()
        .replace("2026/03/02</edXML:PromulgationDate>", "2015/02/30</edXML:PromulgationDate>")
    )
    with pytest.raises(EdxmlParseError) as caught:
        read_package(text.encode())
    assert (
        caught.value.path
        == "/edXML/edXMLEnvelope/edXMLHeader/MessageHeader/ResponseFor/PromulgationDate"
    )
    assert "2015/02/30" in str(caught.value) and caught.value.line


def test_missing_required_element_is_named() -> None:
    text = write_package(letter()).decode()
    start = text.index("<edXML:OrganId>000.00.00.G12")
    text = text[:start] + text[text.index("\n", start) :]
    with pytest.raises(EdxmlParseError) as caught:
        read_package(text.encode())
    assert caught.value.path == "/edXML/edXMLEnvelope/edXMLHeader/MessageHeader/From/OrganId"
    assert "missing required element OrganId" in str(caught.value)


def test_invalid_base64_names_the_attachment() -> None:
    text = _doc_bytes().decode()
    start = text.index('QCVN_102_2016">', text.index("<edXML:ContentTransferEncoded")) + len(
        'QCVN_102_2016">'
    )
    text = text[:start] + "!!!" + text[start:]
    with pytest.raises(EdxmlParseError, match=r"invalid base64 in attachment cid:1"):
        read_package(text.encode())


def test_wrong_root_is_refused() -> None:
    with pytest.raises(EdxmlParseError, match="unknown root element"):
        read_package(b'<edXML xmlns="urn:other"><a/></edXML>')


def test_zip_bomb_is_refused_without_inflating_it() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("x.doc", b"\0" * (64 * 1024 * 1024))
    att = Attachment(
        content_id="b", name="x.doc", data=b"placeholder", content_type="application/zip"
    )
    text = write_package(letter(attachments=(att,))).decode()
    text = text.replace(
        base64.b64encode(b"placeholder").decode(), base64.b64encode(bomb.getvalue()).decode()
    )
    with pytest.raises(EdxmlParseError, match=r"cid:b.*(limit|zip bomb)"):
        read_package(text.encode(), limits=ReadLimits(max_attachment_size=8 * 1024 * 1024))


def test_wrapped_base64_lines_are_accepted() -> None:
    text = _doc_bytes().decode()
    encoded = base64.b64encode(PDF).decode()
    wrapped = "\r\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    result = read_package(text.replace(encoded, wrapped).encode())
    assert isinstance(result.package, EdocPackage) and result.package.attachments[0].data == PDF


def test_raw_bytes_are_kept_and_status_kind_detected() -> None:
    data = write_package(status())
    result = read_package(data)
    assert result.raw is data and isinstance(result.package, StatusPackage)


def test_manifest_mismatch_is_a_warning() -> None:
    text = (
        _doc_bytes()
        .decode()
        .replace(
            "<edXML:ContentId>cid:1</edXML:ContentId>", "<edXML:ContentId>cid:9</edXML:ContentId>"
        )
    )
    result = read_package(text.encode())
    assert {w.kind for w in result.warnings} == {WarningKind.MANIFEST}
