"""Statuses: back-office values ⇄ status packages (pure), and the default Vietnamese texts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from gateway import edxml as ex
from gateway.errors import BackOfficeDataError
from gateway.exchange import backoffice as bo
from gateway.exchange.mapping_parts import code_text, ref_of, staff_in, staff_out, vn_time
from gateway.store.records import DocumentRecord

__all__ = ["outgoing_status_text", "status_change_from_package", "status_package_for"]

_STATUS_TEXT: Mapping[str, str] = {
    "01": "Đã đến",
    "02": "Từ chối tiếp nhận",
    "03": "Đã tiếp nhận",
    "04": "Đã phân công",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Yêu cầu lấy lại văn bản",
    "15": "Đồng ý yêu cầu",
    "16": "Không đồng ý yêu cầu",
}


def status_package_for(
    record: DocumentRecord,
    *,
    reporter: ex.Organization,
    code: str,
    description: str,
    time: datetime,
    staff: bo.StaffInfo | None,
) -> ex.StatusPackage:
    """A status about a document we received (``record.sender`` issued it).

    Unknown two-digit codes are kept. ``time`` is stored in Vietnam time without microseconds,
    exactly as the wire carries it, so the package equals what a reader makes of its bytes.
    """
    try:
        status = ex.StatusCode(code)
    except ValueError:
        raise BackOfficeDataError(f"status code {code!r} is not digits (e.g. 03)") from None
    return ex.StatusPackage(
        from_=reporter,
        response_for=ex.ResponseFor(
            code=code_text(record.code_number, record.code_notation, record.document_id),
            document_id=record.document_id,
            organ_id=record.sender,
            promulgation_date=record.promulgation_date,
        ),
        status_code=status,
        timestamp=vn_time(time, "status time"),
        staff_info=staff_out(staff),
        description=description.strip() or None,
    )


def status_change_from_package(pkg: ex.StatusPackage, *, gateway_id: str) -> bo.StatusChange:
    """The back-office view of a status a recipient reported; unknown codes kept verbatim."""
    return bo.StatusChange(
        gateway_id=gateway_id,
        document=ref_of(pkg.response_for),
        recipient=pkg.from_.organ_id,
        code=str(pkg.status_code.value),
        description=pkg.description or "",
        time=pkg.timestamp,
        staff=staff_in(pkg.staff_info),
    )


def outgoing_status_text(code: str) -> str:
    """The Vietnamese default description of a status code; the code itself when unknown."""
    return _STATUS_TEXT.get(code, code)
