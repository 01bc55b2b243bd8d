"""Code lists of QCVN 102:2016 that keep unknown values as data.

Partners send codes this gateway has never seen (a status ``09``, a priority ``7``). Refusing
them would lose a document, so each enum creates a *pseudo-member* for an unknown value: it
compares, hashes and serialises like any member, round-trips unchanged, and reports
``known is False`` so the semantic checks can warn about it.
"""

from __future__ import annotations

import re
from enum import IntEnum, StrEnum
from typing import Any

__all__ = ["BusinessType", "LegacyEncoding", "Priority", "StatusCode", "SteeringType"]

_STATUS_SHAPE = re.compile(r"[0-9]{1,4}")
_CACHE_LIMIT = 9999


class _OpenIntEnum(IntEnum):
    """IntEnum that accepts any non-negative integer, creating ``UNKNOWN_<n>`` pseudo-members."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return None
        pseudo = int.__new__(cls, value)
        pseudo._name_ = f"UNKNOWN_{value}"
        pseudo._value_ = value
        if value > _CACHE_LIMIT:  # do not let hostile input grow the class without bound
            return pseudo
        # Cache so that identity holds: Priority(7) is Priority(7).
        return cls._value2member_map_.setdefault(value, pseudo)

    @property
    def known(self) -> bool:
        """False for a value the regulation does not define."""
        return not self._name_.startswith("UNKNOWN_")


class BusinessType(_OpenIntEnum):
    """``BussinessDocType``: what a document package does to the exchange."""

    NEW = 0
    REVOKE = 1
    UPDATE = 2
    REPLACE = 3


class Priority(_OpenIntEnum):
    """``OtherInfo/Priority`` (độ khẩn)."""

    NORMAL = 0
    URGENT = 1  # khẩn
    VERY_URGENT = 2  # thượng khẩn
    FLASH = 3  # hỏa tốc
    FLASH_WITH_DEADLINE = 4  # hỏa tốc hẹn giờ


class SteeringType(_OpenIntEnum):
    """``SteeringType``: is the document a directive (văn bản chỉ đạo)?"""

    NOT_DIRECTIVE = 1
    DIRECTIVE = 2
    DIRECTIVE_REPORT = 3


class StatusCode(StrEnum):
    """``StatusCode`` of a status package: two digits with a leading zero.

    ``StatusCode("1")`` is read as ``"01"`` (some producers drop the zero); any other string
    of up to four digits becomes an ``UNKNOWN_<code>`` pseudo-member. Anything that is not
    digits raises :class:`ValueError`.
    """

    ARRIVED = "01"  # đã đến
    REFUSED = "02"  # từ chối tiếp nhận
    ACCEPTED = "03"  # đã tiếp nhận, vào sổ
    ASSIGNED = "04"  # phân công
    PROCESSING = "05"  # đang xử lý
    FINISHED = "06"  # hoàn thành
    TAKE_BACK_REQUEST = "13"  # yêu cầu lấy lại
    CHANGE_AGREED = "15"  # đồng ý cập nhật / lấy lại
    CHANGE_REFUSED = "16"  # từ chối cập nhật / lấy lại

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str) or not _STATUS_SHAPE.fullmatch(value):
            return None
        code = value.zfill(2)
        if code in cls._value2member_map_:
            return cls._value2member_map_[code]
        pseudo = str.__new__(cls, code)
        pseudo._name_ = f"UNKNOWN_{code}"
        pseudo._value_ = code
        return cls._value2member_map_.setdefault(code, pseudo)

    @property
    def known(self) -> bool:
        """False for a code the regulation does not define."""
        return not self._name_.startswith("UNKNOWN_")


class LegacyEncoding(StrEnum):
    """Pre-Unicode Vietnamese encodings whose mojibake the reader recognises."""

    TCVN3 = "tcvn3"  # TCVN 5712:1993 "ABC" fonts (.VnTime)
    VNI = "vni"  # VNI Windows fonts (VNI-Times)
