"""Hostile and broken packages: the reader and the validator refuse each one specifically.

Every case goes through both entry points. ``read_package`` raises (an ``XmlSecurityError``
with the parser's reason tag, or an ``EdxmlParseError`` saying where); ``validate_package``
never raises and returns a report whose error code names the same cause. Nothing crashes.
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from lxml import etree

from gateway.edxml import EdocPackage, ReadLimits, read_package
from gateway.edxml.attachments import UnzipLimits
from gateway.edxml.checks import DEFAULT_UNZIP_LIMITS
from gateway.edxml.validation import validate_package
from gateway.errors import EdxmlParseError, GatewayError, XmlSecurityError
from gateway.safexml import ParserLimits
from tests.edxml.validation_helpers import OWN_EDOC, N, find, load, set_text, to_bytes

PACKAGE = OWN_EDOC.read_bytes()
SMALL = ParserLimits(max_bytes=2048, max_depth=32)


def _with_tree(change: Callable[[etree._ElementTree], None]) -> bytes:
    tree = load(OWN_EDOC)
    change(tree)
    return to_bytes(tree)


def _after_declaration(insert: str) -> bytes:
    declaration, _, rest = PACKAGE.partition(b"\n")
    return declaration + b"\n" + insert.encode() + b"\n" + rest


def _deep(tree: etree._ElementTree) -> None:
    holder = find(tree, "Appendixes")
    node = holder
    for _ in range(40):
        node = etree.SubElement(node, f"{N}Appendix")
    node.text = "Phụ lục lồng nhau"


def _zip_bomb() -> str:
    """A single-entry ZIP of 8 MiB of zeros (about 8 KB): 1000:1, past the 100:1 limit."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Công văn 4521-BCT-XNK.txt", b"\0" * (8 * 1024 * 1024))
    assert len(buffer.getvalue()) < 64 * 1024
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _broken_zip() -> str:
    return base64.b64encode(b"PK\x03\x04" + b"\x00" * 60).decode("ascii")


def _billion_laughs() -> bytes:
    entities = "".join(f"<!ENTITY c{i} '{('&c' + str(i - 1) + ';') * 10}'>" for i in range(1, 10))
    doctype = f"<!DOCTYPE edXML [<!ENTITY c0 'ha'>{entities}]>"
    return _after_declaration(doctype).replace(b"V/v \xc4\x91\xc3\xb4n", b"&c9; \xc4\x91\xc3\xb4n")


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    read_error: type[GatewayError]
    read_says: str  # the reason tag (XmlSecurityError) or a fragment of the message
    code: str  # the validation report's error code
    limits: ParserLimits | None = None


CASES = [
    Case("not-xml", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", XmlSecurityError, "junk-before-declaration",
         "xml-junk-before-declaration"),
    Case("empty", b"", XmlSecurityError, "empty", "xml-empty"),
    Case("only-whitespace", b"\r\n  \n", XmlSecurityError, "empty", "xml-empty"),
    Case("truncated", PACKAGE[: len(PACKAGE) * 2 // 3], XmlSecurityError, "truncated",
         "xml-truncated"),
    Case("junk-before-declaration",
         b"--ranh-gioi\r\nContent-Type: text/xml\r\n\r\n" + PACKAGE, XmlSecurityError,
         "junk-before-declaration", "xml-junk-before-declaration"),
    Case("dtd", _after_declaration("<!DOCTYPE edXML [<!ELEMENT edXML ANY>]>"), XmlSecurityError,
         "dtd", "xml-dtd"),
    Case("xxe", _after_declaration(
        "<!DOCTYPE edXML [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>"
    ).replace(b"<edXML:Subject>", b"<edXML:Subject>&xxe;"), XmlSecurityError, "dtd", "xml-dtd"),
    Case("billion-laughs", _billion_laughs(), XmlSecurityError, "dtd", "xml-dtd"),
    Case("undeclared-entity",
         PACKAGE.replace(b"<edXML:Subject>", b"<edXML:Subject>&trichyeu;"),
         XmlSecurityError, "entity", "xml-entity"),
    Case("non-utf8-declared",
         PACKAGE.decode("utf-8").replace('encoding="UTF-8"', 'encoding="windows-1258"')
         .encode("cp1258", "replace"), XmlSecurityError, "encoding", "xml-encoding"),
    Case("non-utf8-bytes", PACKAGE.decode("utf-8").encode("cp1258", "replace"),
         XmlSecurityError, "encoding", "xml-encoding"),
    Case("utf16", PACKAGE.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
         .encode("utf-16"), XmlSecurityError, "encoding", "xml-encoding"),
    Case("oversized", PACKAGE, XmlSecurityError, "too-large", "xml-too-large", SMALL),
    Case("deeply-nested", _with_tree(_deep), XmlSecurityError, "too-deep", "xml-too-deep",
         ParserLimits(max_depth=32)),
    Case("wrong-namespace",
         PACKAGE.replace(b"http://www.mic.gov.vn/TBT/QCVN_102_2016", b"urn:khong-phai-edxml"),
         EdxmlParseError, "urn:khong-phai-edxml", "wrong-namespace"),
    Case("invalid-base64",
         _with_tree(lambda t: set_text(t, "ContentTransferEncoded", "Q8O0bmcgdsSDbg==!!")),
         EdxmlParseError, "base64", "attachment-base64"),
    Case("zip-bomb", _with_tree(lambda t: set_text(t, "ContentTransferEncoded", _zip_bomb())),
         EdxmlParseError, "zip bomb", "attachment-zip"),
    Case("broken-declared-zip", _with_tree(
        lambda t: (set_text(t, "ContentTransferEncoded", _broken_zip()),
                   set_text(t, "Attachment/ContentType", "application/zip"))),
         EdxmlParseError, "ZIP", "attachment-zip"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_read_package_refuses_specifically(case: Case) -> None:
    limits = ReadLimits(parser=case.limits) if case.limits else ReadLimits()
    with pytest.raises(case.read_error) as caught:
        read_package(case.data, limits=limits)
    error = caught.value
    if isinstance(error, XmlSecurityError):
        assert error.reason == case.read_says, str(error)
    else:
        assert case.read_says in str(error)
    assert str(error)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_package_reports_specifically(case: Case) -> None:
    limits = case.limits or ParserLimits()
    report = validate_package(case.data, limits=limits, source="goi-tin.edxml")
    assert not report.ok
    assert case.code in [p.code for p in report.errors], report.problems
    problem = next(p for p in report.errors if p.code == case.code)
    assert problem.reason
    assert not problem.reason.startswith("goi-tin.edxml"), "the reason does not repeat the file"


def test_parser_refusals_are_a_single_problem() -> None:
    report = validate_package(_after_declaration("<!DOCTYPE edXML>"))
    assert report.kind is None
    assert len(report.problems) == 1
    assert report.problems[0].path == "/"


def test_located_attachment_problems() -> None:
    bomb = validate_package(
        _with_tree(lambda t: set_text(t, "ContentTransferEncoded", _zip_bomb()))
    )
    problem = next(p for p in bomb.errors if p.code == "attachment-zip")
    assert problem.path == "/edXML/AttachmentEncoded/Attachment[1]/ContentTransferEncoded"
    assert problem.line is not None
    assert "zip bomb" in problem.reason


def test_zip_bomb_limit_is_configurable() -> None:
    data = _with_tree(lambda t: set_text(t, "ContentTransferEncoded", _zip_bomb()))
    tight = validate_package(data, unzip_limits=UnzipLimits(max_size=1024, max_ratio=10_000))
    assert "limit of 1024" in next(p for p in tight.errors if p.code == "attachment-zip").reason


def test_validator_and_reader_share_the_zip_limits() -> None:
    defaults = ReadLimits()
    assert DEFAULT_UNZIP_LIMITS.max_size == defaults.max_attachment_size
    assert DEFAULT_UNZIP_LIMITS.max_ratio == defaults.max_zip_ratio


def test_bytes_that_merely_start_like_a_zip_pass_both() -> None:
    """Declared text/plain, starting with PK\\x03\\x04 but no ZIP: kept raw by both."""
    data = _with_tree(lambda t: set_text(t, "ContentTransferEncoded", _broken_zip()))
    assert validate_package(data).problems == ()
    package = read_package(data).package
    assert isinstance(package, EdocPackage)
    assert package.attachments[0].data.startswith(b"PK\x03\x04")


def test_a_good_zipped_attachment_passes_both() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("cong-van.txt", "Nội dung công văn".encode())
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    data = _with_tree(lambda t: set_text(t, "ContentTransferEncoded", encoded))
    assert validate_package(data).problems == ()
    package = read_package(data).package
    assert isinstance(package, EdocPackage)
    assert any(a.data == "Nội dung công văn".encode() for a in package.attachments)
