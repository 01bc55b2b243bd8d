"""The simulator's refusals: one code, HTTP status and Vietnamese description each.

The real axis's error-code table is not published; these codes are the simulator's own and
are documented in ``docs/simulator.md``. Every refusal is answered in the axis's JSON shape
(``status`` FAIL, ``ErrorCode``, ``ErrorDesc``), so the SDK and our client read it the same
way they read a real refusal.
"""

from __future__ import annotations

import enum

__all__ = ["Refusal", "Refused"]


class Refusal(enum.Enum):
    """(ErrorCode, HTTP status, description)."""

    MISSING_HEADERS = ("101", 401, "Thiếu tiêu đề ký (sign-header, hash-header, systemid)")
    UNKNOWN_SYSTEM = ("102", 401, "Hệ thống chưa được đăng ký trên trục")
    BAD_SIGNATURE = ("103", 401, "Chữ ký (hash-header) không hợp lệ")
    SIGN_HEADER_MISMATCH = ("104", 401, "sign-header không khớp với các tiêu đề đã gửi")
    BAD_TIMESTAMP = ("105", 401, "timestamp sai định dạng ddMMyyyy'T'HHmmss+SSSS")
    STALE_TIMESTAMP = ("106", 401, "timestamp quá cũ hoặc ở tương lai")
    FROM_MISMATCH = ("107", 403, "Tham số from khác với hệ thống đã đăng ký")
    HASH_FILE_MISMATCH = ("108", 400, "hash-file không khớp với gói tin")
    TOO_LARGE = ("109", 413, "Yêu cầu vượt quá kích thước cho phép")
    UNKNOWN_AGENCY = ("201", 400, "Mã định danh đơn vị không tồn tại trên trục")
    BAD_PACKAGE = ("202", 400, "Gói tin không đọc được")
    UNKNOWN_DOCUMENT = ("203", 404, "Không tìm thấy văn bản")
    BAD_PARAMETER = ("204", 400, "Tham số không hợp lệ")
    AGENCY_NOT_OWNED = ("205", 403, "Đơn vị không thuộc hệ thống gửi yêu cầu")
    AGENCY_EXISTS = ("206", 409, "Mã định danh đơn vị đã tồn tại")
    UNKNOWN_OPERATION = ("404", 404, "Không có dịch vụ này")
    WRONG_METHOD = ("405", 405, "Phương thức HTTP không được hỗ trợ cho dịch vụ này")
    LENGTH_REQUIRED = ("411", 411, "Thiếu Content-Length")
    INJECTED_ERROR = ("500", 503, "Trục tạm thời không phục vụ được (lỗi giả lập)")

    @property
    def code(self) -> str:
        return self.value[0]

    @property
    def http_status(self) -> int:
        return self.value[1]

    @property
    def description(self) -> str:
        return self.value[2]


class Refused(Exception):
    """Raised inside the simulator; the server turns it into the FAIL answer."""

    def __init__(self, refusal: Refusal, detail: str = "") -> None:
        super().__init__(f"{refusal.code} {refusal.description}: {detail}")
        self.refusal = refusal
        self.detail = detail

    def answer(self) -> dict[str, str]:
        desc = self.refusal.description + (f": {self.detail}" if self.detail else "")
        return {"status": "FAIL", "ErrorCode": self.refusal.code, "ErrorDesc": desc}
