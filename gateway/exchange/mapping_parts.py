"""Small translations shared by the document and the status mappings (pure)."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

from gateway import edxml as ex
from gateway.errors import BackOfficeDataError
from gateway.exchange import backoffice as bo

# "{issuer},{yyyy/MM/dd},{số/ký hiệu}" with an optional "#op-hash" suffix of ours.
DOCUMENT_ID_CODE = re.compile(r"[^,]+,\d{4}/\d{2}/\d{2},([^#]+)(?:#.*)?")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def code_text(number: str | None, notation: str | None, document_id: str) -> str:
    """ResponseFor/Code: "số/ký hiệu", never empty (the reader requires a value)."""
    number, notation = (number or "").strip(), (notation or "").strip()
    if number or notation:
        return f"{number}/{notation}"
    match = DOCUMENT_ID_CODE.fullmatch(document_id.strip())
    return match.group(1).strip() if match else "/"


def split_code(code: str) -> tuple[str | None, str | None]:
    """Split "7816/VPCP-TTĐT" at the first "/" into ("7816", "VPCP-TTĐT"); blanks → None."""
    number, _, notation = code.partition("/")
    return number.strip() or None, notation.strip() or None


def staff_out(staff: bo.StaffInfo | None) -> ex.StaffInfo | None:
    if staff is None:
        return None
    return ex.StaffInfo(
        department=staff.department, staff=staff.staff, mobile=staff.mobile, email=staff.email
    )


def staff_in(staff: ex.StaffInfo | None) -> bo.StaffInfo | None:
    if staff is None:
        return None
    return bo.StaffInfo(
        department=staff.department, staff=staff.staff, mobile=staff.mobile, email=staff.email
    )


def ref_of(response: ex.ResponseFor) -> bo.DocumentRef:
    number, notation = split_code(response.code)
    return bo.DocumentRef(
        document_id=response.document_id,
        organ_id=response.organ_id,
        code_number=number,
        code_notation=notation,
        promulgation_date=response.promulgation_date,
    )


def vn_time(moment: datetime, what: str) -> datetime:
    """``moment`` in Vietnam time to the second, as the wire carries it; naive is refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BackOfficeDataError(f"{what} {moment.isoformat()} has no UTC offset")
    return moment.astimezone(ex.VN_TZ).replace(microsecond=0)
