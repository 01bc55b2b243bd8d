"""The demo PDF is a valid file: exact xref, readable text, the Vietnamese title intact."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.demo.pdf import LINES_PER_PAGE, render_pdf, transliterate

TITLE = "Công văn số 4521/BCT-ĐTĐL về việc bảo đảm cung ứng điện mùa khô năm 2024"
LINES = [
    "BỘ CÔNG THƯƠNG",
    "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.",
    "Thực hiện chỉ đạo của Thủ tướng Chính phủ, Bộ Công Thương đề nghị các địa phương "
    "chỉ đạo Sở Công Thương phối hợp với đơn vị điện lực rà soát phụ tải (giờ cao điểm) "
    "và báo cáo trước ngày 30/6/2024.",
    "Nơi nhận: Như trên; Lưu: VT, ĐTĐL.",
]


def xref_table(pdf: bytes) -> tuple[int, list[int]]:
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))  # type: ignore[union-attr]
    assert pdf[start:].startswith(b"xref\n")
    head = re.match(rb"xref\n0 (\d+)\n", pdf[start:])
    assert head is not None
    size = int(head.group(1))
    entries = pdf[start + head.end() : start + head.end() + 20 * size]
    rows = [entries[i : i + 20] for i in range(0, len(entries), 20)]
    assert rows[0] == b"0000000000 65535 f \n"
    offsets = []
    for row in rows[1:]:
        assert re.fullmatch(rb"\d{10} 00000 n \n", row), row
        offsets.append(int(row[:10]))
    return size, offsets


def test_header_xref_and_trailer_are_exact() -> None:
    pdf = render_pdf(TITLE, LINES, author="Bộ Công Thương")
    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF\n")
    size, offsets = xref_table(pdf)
    assert len(offsets) == size - 1
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(f"{number} 0 obj\n".encode()), number
    assert f"/Size {size} ".encode() in pdf


def test_stream_lengths_match() -> None:
    pdf = render_pdf(TITLE, LINES)
    for m in re.finditer(rb"<< /Length (\d+) >>\nstream\n", pdf):
        length = int(m.group(1))
        assert pdf[m.end() + length : m.end() + length + 9] == b"endstream"


def test_title_is_utf16_with_bom_and_round_trips() -> None:
    pdf = render_pdf(TITLE, LINES)
    m = re.search(rb"/Title <([0-9A-F]+)>", pdf)
    assert m is not None
    raw = bytes.fromhex(m.group(1).decode())
    assert raw[:2] == b"\xfe\xff"
    assert raw[2:].decode("utf-16-be") == TITLE


def test_page_text_is_ascii_and_special_characters_are_escaped() -> None:
    pdf = render_pdf("Tiêu đề (thử)", ["Giá trị \\ (ngoặc) đơn"])
    assert b"(Tieu de \\(thu\\)) Tj" in pdf
    assert b"(Gia tri \\\\ \\(ngoac\\) don) Tj T*" in pdf


def test_transliteration() -> None:
    assert transliterate("Bộ Công Thương – Đà Nẵng") == "Bo Cong Thuong - Da Nang"
    assert transliterate("漢字\x07") == "???"


def test_long_text_flows_onto_more_pages_with_a_valid_xref() -> None:
    pdf = render_pdf(TITLE, [f"Dòng thứ {i}: nội dung kiểm tra" for i in range(LINES_PER_PAGE * 2)])
    assert b"/Count 3" in pdf
    size, offsets = xref_table(pdf)
    assert len(offsets) == size - 1 == 4 + 2 * 3


def test_output_is_deterministic() -> None:
    assert render_pdf(TITLE, LINES) == render_pdf(TITLE, LINES)


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed"
)
def test_poppler_reads_text_and_title(tmp_path: Path) -> None:
    path = tmp_path / "cong-van.pdf"
    path.write_bytes(render_pdf(TITLE, LINES, author="Bộ Công Thương"))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    ).stdout.decode()
    assert "Bo Cong Thuong de nghi cac dia phuong" in text
    assert "Noi nhan: Nhu tren; Luu: VT, DTDL." in text
    info = subprocess.run(["pdfinfo", "-enc", "UTF-8", str(path)], capture_output=True, check=True)
    fields = dict(re.findall(r"^(\w[\w ]*):\s+(.*)$", info.stdout.decode(), re.MULTILINE))
    assert fields["Title"] == TITLE
    assert fields["Author"] == "Bộ Công Thương"
    assert fields["Pages"] == "1"
    assert b"Syntax Error" not in info.stderr
