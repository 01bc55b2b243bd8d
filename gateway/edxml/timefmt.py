"""Dates and timestamps as QCVN 102 writes them: ``yyyy/MM/dd`` and ``yyyy/MM/dd HH:mm:ss``.

Timestamps carry no zone on the wire; they are local time of Vietnam. Vietnam has kept UTC+7
since 1975, so a fixed offset is exact for every document this gateway will see, and unlike a
tz database zone it is the same on every machine.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

__all__ = [
    "VN_TZ",
    "format_date",
    "format_timestamp",
    "parse_date",
    "parse_timestamp",
    "to_vietnam_time",
]

VN_TZ = timezone(timedelta(hours=7), "ICT")

# Month and day may come with one digit from lenient producers; the writer always pads.
_DATE = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
_TIMESTAMP = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?")


def parse_date(text: str) -> date:
    """``2015/09/30`` → date; :class:`ValueError` saying why for anything else."""
    match = _DATE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date in the form yyyy/MM/dd")
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real calendar date ({exc})") from None


def parse_timestamp(text: str) -> datetime:
    """``2018/09/28 17:25:11`` (Vietnam time) → aware datetime in UTC+7."""
    match = _TIMESTAMP.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a timestamp in the form yyyy/MM/dd HH:mm:ss")
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=VN_TZ)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date and time ({exc})") from None


def to_vietnam_time(moment: datetime) -> datetime:
    """The same instant in UTC+7; a naive datetime is refused (its zone would be a guess)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"timestamp {moment.isoformat()} has no time zone")
    return moment.astimezone(VN_TZ)


def format_date(value: date) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"


def format_timestamp(moment: datetime) -> str:
    local = to_vietnam_time(moment)
    return f"{format_date(local.date())} {local.hour:02d}:{local.minute:02d}:{local.second:02d}"
