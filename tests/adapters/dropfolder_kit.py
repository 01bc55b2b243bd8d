"""Test helpers: drop documents and statuses the way a well-behaved back office would."""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from gateway.exchange.backoffice import (
    Attachment,
    Business,
    BusinessType,
    DocumentInfo,
    DocumentRef,
    ReceivedDocument,
    Signer,
    StaffInfo,
    StatusChange,
)

SUBJECT = "Về việc tăng cường kiểm tra an toàn điện trong mùa nắng nóng năm 2024"
PDF_BYTES = b"%PDF-1.4\n% cong van\n%%EOF\n"


def metadata(**overrides: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "version": 1,
        "subject": SUBJECT,
        "code_number": "4521",
        "code_notation": "BCT-ĐTĐL",
        "promulgation_date": "2024-06-12",
        "promulgation_place": "Hà Nội",
        "document_type_name": "Công văn",
        "signer": {
            "full_name": "Nguyễn Hoàng Long",
            "position": "Thứ trưởng",
            "competence": "KT. BỘ TRƯỞNG",
        },
        "priority": 1,
        "due_date": "2024/06/30",
        "recipients": ["000.00.00.H26", "000.00.00.H29"],
        "to_places": ["Như trên", "Lưu: VT, ĐTĐL"],
        "attachments": [
            {
                "file": "Công văn 4521.pdf",
                "content_type": "application/pdf",
                "description": "Bản chính",
            }
        ],
    }
    meta.update(overrides)
    return meta


def write_manifest(folder: Path) -> None:
    files = []
    for path in sorted(folder.iterdir()):
        data = path.read_bytes()
        files.append(
            {"name": path.name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )
    tmp = folder / "manifest.json.tmp"
    tmp.write_text(json.dumps({"files": files}, ensure_ascii=False), encoding="utf-8")
    os.rename(tmp, folder / "manifest.json")


def drop_document(
    root: Path,
    name: str,
    meta: dict[str, Any] | None = None,
    files: dict[str, bytes] | None = None,
    *,
    manifest: bool = True,
) -> Path:
    folder = root / "outbox" / name
    folder.mkdir(parents=True)
    meta = metadata() if meta is None else meta
    (folder / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    for fname, data in (files if files is not None else {"Công văn 4521.pdf": PDF_BYTES}).items():
        (folder / fname).write_bytes(data)
    if manifest:
        write_manifest(folder)
    return folder


def status_meta(**overrides: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "original": {
            "document_id": "000.00.00.H26,2024/06/10,812/UBND-KT",
            "organ_id": "000.00.00.H26",
        },
        "code": "03",
        "description": "Đã tiếp nhận và vào sổ văn bản đến",
        "time": "2024-06-12T09:15:00",
        "staff": {"department": "Văn phòng Bộ", "staff": "Trần Thị Thu Hà"},
    }
    meta.update(overrides)
    return meta


def drop_status(root: Path, name: str, meta: dict[str, Any] | None = None) -> Path:
    path = root / "outbox-status" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(name + ".tmp")
    tmp.write_text(json.dumps(meta or status_meta(), ensure_ascii=False), encoding="utf-8")
    os.rename(tmp, path)
    return path


def received(gateway_id: str = "pkg-2024-000123", **overrides: Any) -> ReceivedDocument:
    info = DocumentInfo(
        subject=unicodedata.normalize("NFC", "Về việc báo cáo tình hình cung ứng xăng dầu quý II"),
        code_number="812",
        code_notation="UBND-KT",
        promulgation_date=date(2024, 6, 10),
        promulgation_place="Thành phố Hải Phòng",
        document_type_name="Công văn",
        signer=Signer("Lê Văn Thành", "Phó Chủ tịch", "TM. ỦY BAN NHÂN DÂN"),
        document_id="000.00.00.H26,2024/06/10,812/UBND-KT",
        priority=2,
        due_date=date(2024, 6, 20),
    )
    fields: dict[str, Any] = {
        "gateway_id": gateway_id,
        "sender": "000.00.00.H26",
        "info": info,
        "recipients": ("000.00.00.G12",),
        "received_at": datetime(2024, 6, 10, 8, 30, tzinfo=UTC),
        "attachments": (Attachment("Báo cáo xăng dầu.pdf", "application/pdf", data=PDF_BYTES),),
        "business": Business(),
        "sender_name": "Ủy ban nhân dân thành phố Hải Phòng",
    }
    fields.update(overrides)
    return ReceivedDocument(**fields)


def revoke_business() -> Business:
    return Business(
        BusinessType.REVOKE,
        reason="Văn bản ban hành nhầm đối tượng",
        target=DocumentRef("000.00.00.H26,2024/06/01,700/UBND-KT", "000.00.00.H26"),
        staff=StaffInfo(staff="Phạm Minh Tuấn"),
    )


def status_change(gateway_id: str = "st-0001", code: str = "03") -> StatusChange:
    return StatusChange(
        gateway_id=gateway_id,
        document=DocumentRef("000.00.00.G12,2024/06/12,4521/BCT-ĐTĐL", "000.00.00.G12"),
        recipient="000.00.00.H26",
        code=code,
        description="Đã tiếp nhận, chuyển Sở Công Thương xử lý",
        time=datetime(2024, 6, 12, 10, 0, tzinfo=UTC) + timedelta(minutes=1),
        staff=StaffInfo(department="Văn thư", staff="Đỗ Thị Lan"),
    )
