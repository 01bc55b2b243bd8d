"""A tiny, dependency-free PDF 1.4 writer for the demo's attachment.

The standard 14 fonts (Helvetica here) carry no glyphs for most Vietnamese letters (ế, ộ, ữ),
and embedding a font would need font files we do not ship. So the page text is transliterated
to ASCII with a note saying so, and the real Vietnamese title goes into the document
information dictionary as UTF-16BE, which every viewer shows under "Properties".
The output is deterministic (no timestamps), so it can be compared and hashed in tests.
"""

from __future__ import annotations

import hashlib
import textwrap
import unicodedata
from collections.abc import Sequence

PAGE_WIDTH, PAGE_HEIGHT = 595, 842  # A4 in points
MARGIN = 56
FONT_SIZE, TITLE_SIZE, LEADING = 11, 14, 15
WRAP = 86  # characters of Helvetica 11 pt that fit between the margins
LINES_PER_PAGE = (PAGE_HEIGHT - 2 * MARGIN) // LEADING - 2
NOTE = (
    "Ghi chu: ban in nay da bo dau tieng Viet; tieu de day du nam trong thuoc tinh tai lieu. "
    "(Diacritics removed; the full Vietnamese title is in the document properties.)"
)
_SPECIAL = {"đ": "d", "Đ": "D", "–": "-", "—": "-", "“": '"', "”": '"', "‘": "'", "’": "'"}


def transliterate(text: str) -> str:
    """Vietnamese to plain ASCII: ``Bộ Công Thương`` -> ``Bo Cong Thuong``; others -> ``?``."""
    out = []
    for raw in unicodedata.normalize("NFD", text.replace("\t", " ")):
        if unicodedata.category(raw) == "Mn":
            continue
        ch = _SPECIAL.get(raw, raw)
        out.append(ch if " " <= ch <= "~" else "?")
    return "".join(out)


def _literal(text: str) -> bytes:
    """A PDF literal string of ASCII text, with the three special characters escaped."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("ascii") + b")"


def _utf16(text: str) -> bytes:
    """A PDF text string in UTF-16BE with BOM, as a hex string (no escaping needed)."""
    data = unicodedata.normalize("NFC", text).encode("utf-16-be")
    return b"<FEFF" + data.hex().upper().encode("ascii") + b">"


def _wrap(lines: Sequence[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        ascii_line = transliterate(line)
        out.extend(textwrap.wrap(ascii_line, WRAP) or [""])
    return out


def _page_stream(title: str | None, lines: list[str]) -> bytes:
    ops = [b"BT", f"{MARGIN} {PAGE_HEIGHT - MARGIN} Td".encode()]
    if title is not None:
        ops += [
            f"/F1 {TITLE_SIZE} Tf".encode(),
            _literal(title) + b" Tj",
            f"0 -{2 * LEADING} Td".encode(),
        ]
    ops += [f"/F1 {FONT_SIZE} Tf {LEADING} TL".encode()]
    for line in lines:
        ops.append(_literal(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def render_pdf(
    title: str,
    lines: Sequence[str],
    *,
    author: str | None = None,
    subject: str | None = None,
) -> bytes:
    """A valid PDF 1.4: catalog, page tree, one font, text pages, info, exact xref."""
    body = _wrap([*lines, "", NOTE])
    pages = [body[i : i + LINES_PER_PAGE] for i in range(0, len(body), LINES_PER_PAGE)] or [[]]
    first_content = 5
    page_ids = [first_content + 2 * i + 1 for i in range(len(pages))]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids ["
        + b" ".join(f"{p} 0 R".encode() for p in page_ids)
        + f"] /Count {len(pages)} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    info = [b"/Title " + _utf16(title), b"/Producer (moit-edxml-gateway demo)"]
    if author:
        info.append(b"/Author " + _utf16(author))
    if subject:
        info.append(b"/Subject " + _utf16(subject))
    objects[4] = b"<< " + b" ".join(info) + b" >>"
    for i, lines_of_page in enumerate(pages):
        stream = _page_stream(transliterate(title) if i == 0 else None, lines_of_page)
        content_id, page_id = first_content + 2 * i, page_ids[i]
        objects[content_id] = (
            f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"endstream"
        )
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
        ).encode()
    return _assemble(objects)


def _assemble(objects: dict[int, bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # binary marker line, per the spec
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    size = max(objects) + 1
    out += f"xref\n0 {size}\n".encode() + b"0000000000 65535 f \n"
    for number in range(1, size):
        out += f"{offsets[number]:010d} 00000 n \n".encode()
    file_id = hashlib.sha256(bytes(out)).hexdigest()[:32].upper().encode()
    out += (
        f"trailer\n<< /Size {size} /Root 1 0 R /Info 4 0 R ".encode()
        + b"/ID [<"
        + file_id
        + b"> <"
        + file_id
        + b">] >>\n"
        + f"startxref\n{xref_at}\n%%EOF\n".encode()
    )
    return bytes(out)
