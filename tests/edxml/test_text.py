"""Vietnamese text: NFC, detached tone marks, TCVN3/VNI mojibake detection."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from gateway.edxml import LegacyEncoding, detect_legacy_encoding, nfc, repair_detached_marks
from gateway.edxml.text import WarningKind, clean_field, from_legacy

# Our own sentences, in Unicode, with their TCVN3 (ABC) and VNI mojibake as a Latin-1 reader
# shows them.
TCVN3_CASES = [
    ("Bé C«ng Th\u00ad¬ng", "Bộ Công Thương"),
    ("§Ò nghÞ c¸c ®¬n vÞ b¸o c¸o", "Đề nghị các đơn vị báo cáo"),
    ("C«ng v¨n sè 123", "Công văn số 123"),
]
VNI_CASES = [
    ("Boä Coâng Thöông", "Bộ Công Thương"),
    ("Kính göûi caùc ñôn vò", "Kính gửi các đơn vị"),
    ("Veà vieäc trieån khai vaên baûn ñieän töû", "Về việc triển khai văn bản điện tử"),
]
CLEAN_TEXTS = [
    "Bộ Công Thương đề nghị các đơn vị báo cáo tình hình thực hiện",
    "Tô Hà",  # only Latin-1 accents, still real Vietnamese
    "Ông Tô Hà về quê",
    "Tôi là Hà",
    "Hello world, ASCII only 123/BCT-VP",
    "São Paulo",
    "café crème à Zürich",
    "Côte d’Ivoire",
    "Mañana José Müller Ørsted",
    "«Nghị quyết» số 57 về khoa học công nghệ",
    "",
]


def test_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = unicodedata.normalize("NFD", "Thủ tướng Chính phủ")
    assert decomposed != "Thủ tướng Chính phủ"
    assert nfc(decomposed) == "Thủ tướng Chính phủ"
    assert nfc("ascii") == "ascii"


def test_segmented_sample_is_repaired(shared_dir: Path) -> None:
    text = (shared_dir / "samples" / "moit-edoc-article.segmented.txt").read_text("utf-8")
    repaired = repair_detached_marks(text)
    assert "là bộ ngành đầu tiên áp dụng" in repaired
    assert "xử lý văn bản đi" in repaired
    assert "Văn phòng Chính phủ và" in repaired
    assert " \u0300" not in repaired and " \u0301" not in repaired
    assert "Bộ Công_Thương" in repaired  # word-segmentation underscores untouched
    assert repaired.count("_") == text.count("_")
    assert unicodedata.is_normalized("NFC", repaired)


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("la \u0300", "là"),
        ("bô \u0323", "bộ"),
        ("xư \u0309 ly \u0301", "xử lý"),
        ("nga \u0300 nh đâ \u0300 u tiên", "ngành đầu tiên"),
        ("va \u0300 sẵn sàng", "và sẵn sàng"),
        ("không có dấu rời", "không có dấu rời"),
    ],
)
def test_detached_marks(broken: str, fixed: str) -> None:
    assert repair_detached_marks(broken) == fixed


def test_repair_is_reported_as_a_warning() -> None:
    value, warnings = clean_field("Bộ Công Thương la \u0300 đơn vị", "/x/Subject")
    assert value == "Bộ Công Thương là đơn vị"
    assert [w.kind for w in warnings] == [WarningKind.DETACHED_MARKS]
    assert warnings[0].field_path == "/x/Subject"


@pytest.mark.parametrize(("mojibake", "meant"), TCVN3_CASES)
def test_tcvn3_is_detected(mojibake: str, meant: str) -> None:
    assert detect_legacy_encoding(mojibake) is LegacyEncoding.TCVN3
    assert from_legacy(mojibake, LegacyEncoding.TCVN3) == meant


@pytest.mark.parametrize(("mojibake", "meant"), VNI_CASES)
def test_vni_is_detected(mojibake: str, meant: str) -> None:
    assert detect_legacy_encoding(mojibake) is LegacyEncoding.VNI
    assert from_legacy(mojibake, LegacyEncoding.VNI) == meant


@pytest.mark.parametrize("text", CLEAN_TEXTS)
def test_no_false_positive(text: str) -> None:
    assert detect_legacy_encoding(text) is None
    assert detect_legacy_encoding(unicodedata.normalize("NFD", text)) is None


def test_no_false_positive_on_real_articles(shared_dir: Path) -> None:
    for name in ("moit-egov-article.txt", "moit-edoc-article.segmented.txt"):
        text = (shared_dir / "samples" / name).read_text("utf-8")
        for line in text.splitlines():
            assert detect_legacy_encoding(line) is None, line


def test_legacy_warning_names_the_field() -> None:
    value, warnings = clean_field("Bé C«ng Th\u00ad¬ng", "/edXML/.../From/OrganName")
    assert value == "Bé C«ng Th\u00ad¬ng"  # kept as received
    (warning,) = warnings
    assert warning.kind is WarningKind.LEGACY_ENCODING
    assert warning.field_path == "/edXML/.../From/OrganName"
    assert "TCVN3" in warning.message and "Bộ Công Thương" in warning.message
