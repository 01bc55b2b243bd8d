"""Test values with Vietnamese text written for these tests."""

from __future__ import annotations

import unicodedata
from datetime import date

from gateway.store import Direction, DocumentRecord

SUBJECT = "V/v tăng cường kiểm tra chất lượng xăng dầu trên địa bàn tỉnh Quảng Ngãi"
MOIT = "000.00.00.G06"
VPCP = "000.00.00.G22"
HANOI = "000.00.00.H26"


def document(
    direction: Direction = Direction.IN,
    *,
    number: int = 1234,
    sender: str = VPCP,
    recipients: tuple[str, ...] = (MOIT,),
    subject: str = SUBJECT,
) -> DocumentRecord:
    return DocumentRecord(
        direction=direction,
        sender=sender,
        recipients=recipients,
        document_id=f"{sender},2025/03/14,{number}/VPCP-KTTH",
        code_number=str(number),
        code_notation="VPCP-KTTH",
        subject=subject,
        business_type=0,
        promulgation_date=date(2025, 3, 14),
        document_type="Công văn",
        priority=1,
    )


def package(number: int = 1234, extra: str = "") -> bytes:
    """Bytes standing in for a raw package (the store never parses them)."""
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?><edXML><n>{number}</n>'
        f"<s>{SUBJECT}</s><x>{extra}</x></edXML>"
    )
    return text.encode("utf-8")


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)
