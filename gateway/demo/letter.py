"""The demo's official letter (công văn) and how the back office drops it into the outbox.

The text is written for this project (no real letter is reproduced): Bộ Công Thương asks Bộ
Tài chính for figures on the petroleum price-stabilisation fund. The letter travels as
``metadata.json`` (docs/dropfolder.md) plus its signed copy as a PDF made by
:func:`gateway.demo.pdf.render_pdf`, listed in ``manifest.json``.

The folder is built under a dot-name (which the gateway never reads), ``manifest.json``
included, and renamed into place: the gateway sees all of it or nothing, whichever completion
mode the drop folder uses.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from gateway.demo.parties import Party
from gateway.demo.pdf import render_pdf

__all__ = ["CODE_NOTATION", "CODE_NUMBER", "Letter", "compose_letter", "drop_letter"]

CODE_NUMBER = "4521"
CODE_NOTATION = "BCT-TTTN"
SUBJECT = "V/v phối hợp cung cấp số liệu trích lập, sử dụng Quỹ Bình ổn giá xăng dầu"
SIGNER = {
    "full_name": "Nguyễn Thị Thu Hương",
    "position": "Vụ trưởng Vụ Thị trường trong nước",
    "competence": "TL. BỘ TRƯỞNG",
}
TO_PLACES = ["Như trên", "Bộ trưởng (để b/c)", "Lưu: VT, TTTN"]


@dataclass(frozen=True, slots=True)
class Letter:
    """What the back office drops: the folder name, its metadata and the PDF attachment."""

    folder: str
    metadata: dict[str, Any]
    pdf_name: str
    pdf: bytes

    @property
    def code(self) -> str:
        return f"{self.metadata['code_number']}/{self.metadata['code_notation']}"

    @property
    def subject(self) -> str:
        return str(self.metadata["subject"])

    @property
    def pdf_sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def _body(sender: Party, recipient: Party, today: date, due: date) -> list[str]:
    return [
        sender.name.upper(),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM - Độc lập - Tự do - Hạnh phúc",
        "",
        f"Số: {CODE_NUMBER}/{CODE_NOTATION}",
        f"Hà Nội, ngày {today.day:02d} tháng {today.month:02d} năm {today.year}",
        "",
        SUBJECT,
        "",
        f"Kính gửi: {recipient.name}",
        "",
        "Thực hiện chỉ đạo của Chính phủ về điều hành kinh doanh xăng dầu, để có cơ sở tổng "
        "hợp, đánh giá hiệu quả công tác bình ổn giá, Bộ Công Thương đề nghị Bộ Tài chính "
        "phối hợp cung cấp số liệu về tình hình trích lập, sử dụng và số dư Quỹ Bình ổn giá "
        "xăng dầu tại các thương nhân đầu mối kinh doanh xăng dầu đến hết quý gần nhất.",
        "",
        "Văn bản xin gửi về Bộ Công Thương (Vụ Thị trường trong nước) trước ngày "
        f"{due.day:02d}/{due.month:02d}/{due.year} để tổng hợp, báo cáo Thủ tướng Chính phủ.",
        "",
        "Bộ Công Thương trân trọng cảm ơn sự phối hợp của Quý Bộ./.",
        "",
        "Nơi nhận:",
        *(f"- {place};" for place in TO_PLACES),
        "",
        f"{SIGNER['competence']}",
        f"{SIGNER['position'].upper()}",
        "(đã ký)",
        f"{SIGNER['full_name']}",
    ]


def compose_letter(sender: Party, recipient: Party, today: date) -> Letter:
    """The letter of ``today`` (Vietnam date) from ``sender`` to ``recipient``."""
    due = today + timedelta(days=14)
    pdf_name = f"Công văn {CODE_NUMBER} {CODE_NOTATION}.pdf"
    pdf = render_pdf(
        f"Công văn số {CODE_NUMBER}/{CODE_NOTATION} — {SUBJECT}",
        _body(sender, recipient, today, due),
        author=sender.name,
        subject=SUBJECT,
    )
    metadata: dict[str, Any] = {
        "version": 1,
        "subject": SUBJECT,
        "code_number": CODE_NUMBER,
        "code_notation": CODE_NOTATION,
        "promulgation_date": today.isoformat(),
        "promulgation_place": "Hà Nội",
        "document_type_name": "Công văn",
        "content": (
            "Đề nghị Bộ Tài chính phối hợp cung cấp số liệu trích lập, sử dụng và số dư Quỹ "
            "Bình ổn giá xăng dầu tại các thương nhân đầu mối."
        ),
        "signer": dict(SIGNER),
        "priority": 0,
        "due_date": due.isoformat(),
        "recipients": [recipient.organ_id],
        "to_places": list(TO_PLACES),
        "attachments": [
            {"file": pdf_name, "content_type": "application/pdf", "description": "Bản chính"}
        ],
        "business": {"type": 0},
    }
    return Letter(f"cv-{CODE_NUMBER}-{CODE_NOTATION}", metadata, pdf_name, pdf)


def _write(path: Path, data: bytes) -> None:
    with open(path, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _entry(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def drop_letter(outbox: Path, letter: Letter) -> Path:
    """Write ``letter`` into ``outbox`` as one complete folder; returns its final path."""
    final = outbox / letter.folder
    if final.exists():
        raise FileExistsError(f"{final} is already in the outbox")
    tmp = outbox / f".{letter.folder}.tmp"
    tmp.mkdir(parents=True)
    try:
        meta = json.dumps(letter.metadata, ensure_ascii=False, indent=2).encode("utf-8")
        _write(tmp / "metadata.json", meta)
        _write(tmp / letter.pdf_name, letter.pdf)
        files = [_entry("metadata.json", meta), _entry(letter.pdf_name, letter.pdf)]
        _write(tmp / "manifest.json", json.dumps({"files": files}, ensure_ascii=False).encode())
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    dir_fd = os.open(outbox, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return final
