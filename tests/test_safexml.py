"""The hardened parser: each hostile or broken input is refused with its own reason tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway import safexml
from gateway.errors import XmlSecurityError
from gateway.safexml import ParserLimits

GOOD = "<?xml version='1.0' encoding='UTF-8'?>\n<vanBan>Công văn số 12/BCT-VP</vanBan>".encode()


def refused(data: bytes, limits: ParserLimits = safexml.DEFAULT_LIMITS) -> XmlSecurityError:
    with pytest.raises(XmlSecurityError) as caught:
        safexml.parse(data, limits=limits, source="goi-tin.xml")
    error = caught.value
    assert str(error).startswith("goi-tin.xml: "), "the message names the source"
    return error


def test_good_document_parses_and_keeps_vietnamese() -> None:
    tree = safexml.parse(GOOD)
    assert tree.getroot().text == "Công văn số 12/BCT-VP"


def test_utf8_bom_comments_and_processing_instructions_are_fine() -> None:
    data = b"\xef\xbb\xbf" + b"<?xml version='1.0'?><!-- ghi chu --><?pi x?><a>&amp;&#273;</a>"
    assert safexml.parse(data).getroot().text == "&đ"


@pytest.mark.parametrize(
    ("data", "reason", "fragment"),
    [
        (b"", "empty", "0 bytes"),
        (b"   \n\t ", "empty", "only whitespace"),
        (b"<?xml version='1.0'?>\n<!-- khong co goc -->", "empty", "no root element"),
        (b"day khong phai XML", "junk-before-declaration", "content before the XML declaration"),
        (b"HTTP/1.1 200 OK\r\n\r\n<?xml version='1.0'?><a/>", "junk-before-declaration", "HTTP"),
        (b"<a><b>noi dung", "truncated", "truncated"),
        (GOOD[: len(GOOD) // 2], "truncated", "truncated"),
        (b"<a></b>", "not-well-formed", "line 1"),
        (b"<a/><b/>", "not-well-formed", "Extra content"),
        (b"<a x='1' x='2'/>", "not-well-formed", "redefined"),
    ],
)
def test_broken_input(data: bytes, reason: str, fragment: str) -> None:
    error = refused(data)
    assert error.reason == reason
    assert fragment in str(error)


def test_internal_dtd_is_refused() -> None:
    error = refused(b"<?xml version='1.0'?><!DOCTYPE a [<!ELEMENT a (#PCDATA)>]><a>x</a>")
    assert error.reason == "dtd"
    assert "DTD" in str(error)


def test_external_entity_xxe_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("mat khau", encoding="utf-8")
    data = (
        f"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY xxe SYSTEM '{secret.as_uri()}'>]><a>&xxe;</a>"
    ).encode()
    error = refused(data)
    assert error.reason == "dtd"
    assert "mat khau" not in str(error)


def test_external_dtd_is_refused() -> None:
    error = refused(b"<?xml version='1.0'?><!DOCTYPE a SYSTEM 'http://127.0.0.1:9/x.dtd'><a/>")
    assert error.reason == "dtd"


def test_billion_laughs_is_refused() -> None:
    entities = "".join(
        f"<!ENTITY lol{i} '{('&lol' + str(i - 1) + ';') * 10}'>" for i in range(1, 10)
    )
    data = f"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY lol0 'lol'>{entities}]><a>&lol9;</a>"
    assert refused(data.encode()).reason == "dtd"


def test_undeclared_entity_is_refused_and_named() -> None:
    error = refused(b"<a>Ngay &ngay; thang</a>")
    assert error.reason == "entity"
    assert "'ngay'" in str(error)
    assert error.line == 1


def test_doctype_after_comment_is_still_found() -> None:
    assert refused(b"<!-- x --><!DOCTYPE a><a/>").reason == "dtd"


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("<?xml version='1.0' encoding='ISO-8859-1'?><a>é</a>".encode("latin-1"), "ISO-8859-1"),
        (b"<?xml version='1.0' encoding='windows-1258'?><a/>", "windows-1258"),
        ("<a>Công văn</a>".encode("utf-16"), "UTF-16"),
        ("<a>Công văn</a>".encode("utf-16-be"), "UTF-16"),
        ("<a>Công văn</a>".encode("latin-1", "replace"), "not valid UTF-8"),
        (b"<?xml version='1.0' encoding='UTF-8'?><a>\xc3</a>", "not valid UTF-8"),
    ],
)
def test_non_utf8_is_refused(data: bytes, fragment: str) -> None:
    error = refused(data)
    assert error.reason == "encoding"
    assert fragment in str(error)


def test_oversized_input_is_refused_before_parsing() -> None:
    error = refused(GOOD, ParserLimits(max_bytes=32))
    assert error.reason == "too-large"
    assert f"{len(GOOD)} bytes exceeds the limit of 32" in str(error)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "lon.xml"
    path.write_bytes(GOOD)
    with pytest.raises(XmlSecurityError) as caught:
        safexml.parse_file(str(path), limits=ParserLimits(max_bytes=10))
    assert caught.value.reason == "too-large"
    assert safexml.parse_file(str(path)).getroot().tag == "vanBan"


def test_nesting_over_the_limit_is_refused_with_its_line() -> None:
    data = b"<a>\n" + b"<b>\n" * 20 + b"</b>" * 20 + b"</a>"
    error = refused(data, ParserLimits(max_depth=10))
    assert error.reason == "too-deep"
    assert error.line == 11  # <a> on line 1, the 11th level on line 11
    assert "deeper than 10" in str(error)
    assert safexml.parse(data, limits=ParserLimits(max_depth=21)).getroot().tag == "a"


def test_very_deep_nesting_is_refused_by_libxml2_too() -> None:
    data = b"<a>" * 5000 + b"</a>" * 5000
    assert refused(data, ParserLimits(max_depth=100_000)).reason == "too-deep"


def test_big_text_nodes_are_allowed() -> None:
    """Attachments are single base64 text nodes far above libxml2's 10 MB default."""
    data = b"<a>" + b"QUJD" * (3 * 1024 * 1024) + b"</a>"
    assert len(safexml.parse(data).getroot().text or "") == 12 * 1024 * 1024
