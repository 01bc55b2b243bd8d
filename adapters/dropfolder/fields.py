"""Reading back-office JSON: every problem collected with its location, all text NFC.

A clerk fixing a refused drop should see every mistake at once, so readers record problems
instead of stopping at the first one; the caller raises once with the full list.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Any

from gateway.errors import BackOfficeDataError

VIETNAM = timezone(timedelta(hours=7), "ICT")  # no daylight saving since 1975


class Problems(BackOfficeDataError):
    """Several located problems in one piece of back-office input."""

    def __init__(self, where: str, reasons: list[str]) -> None:
        super().__init__(f"{where}: " + "; ".join(reasons))
        self.reasons = tuple(reasons)


def nfc_tree(value: Any) -> Any:
    """NFC-normalise every string (keys too) in parsed JSON."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc_tree(v) for v in value]
    if isinstance(value, dict):
        return {nfc_tree(k): nfc_tree(v) for k, v in value.items()}
    return value


def load_json(data: bytes, where: str) -> Any:
    """UTF-8 JSON (a BOM is tolerated, Notepad writes one), NFC-normalised."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Problems(where, [f"not UTF-8 (byte {exc.start})"]) from exc
    try:
        return nfc_tree(json.loads(text))
    except json.JSONDecodeError as exc:
        raise Problems(where, [f"invalid JSON at line {exc.lineno} column {exc.colno}"]) from exc


class Reader:
    """Typed access to one JSON object; problems go to the shared ``problems`` list."""

    def __init__(self, obj: object, where: str, problems: list[str]) -> None:
        self.where = where
        self.problems = problems
        self.obj: dict[str, Any] = {}
        if isinstance(obj, dict):
            self.obj = obj
        else:
            problems.append(f"{where}: must be a JSON object")
        self.read: set[str] = set()

    def _get(self, key: str, required: bool) -> Any:
        self.read.add(key)
        value = self.obj.get(key)
        if value is None and required:
            self.problems.append(f"{self.where}.{key}: required")
        return value

    def fail(self, key: str, why: str) -> None:
        self.problems.append(f"{self.where}.{key}: {why}")

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(key, "must be a string")
            return None
        if required and not value.strip():
            self.fail(key, "must not be empty")
        return value.strip()

    def integer(self, key: str, default: int) -> int:
        value = self._get(key, False)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, "must be an integer")
            return default
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
            return False
        return value

    def day(self, key: str, *, required: bool = False) -> date | None:
        value = self.text(key, required=required)
        if not value:
            return None
        try:
            return date.fromisoformat(value.replace("/", "-"))
        except ValueError:
            self.fail(key, f"{value!r} is not a date (YYYY-MM-DD or YYYY/MM/DD)")
            return None

    def moment(self, key: str, *, required: bool = False) -> datetime | None:
        """ISO 8601; without an offset the time is Vietnam's (UTC+7), as edXML assumes."""
        value = self.text(key, required=required)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(key, f"{value!r} is not an ISO 8601 date-time")
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=VIETNAM)

    def items(self, key: str, *, required: bool = False) -> list[Any]:
        value = self._get(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, "must be a list")
            return []
        if required and not value:
            self.fail(key, "must not be empty")
        return value

    def texts(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        out: list[str] = []
        for i, value in enumerate(self.items(key, required=required)):
            if isinstance(value, str) and value.strip():
                out.append(value.strip())
            else:
                self.fail(f"{key}[{i}]", "must be a non-empty string")
        return tuple(out)

    def child(self, key: str, *, required: bool = False) -> Reader | None:
        value = self._get(key, required)
        if value is None:
            return None
        return Reader(value, f"{self.where}.{key}", self.problems)

    def finish(self) -> None:
        """Unknown keys are refused: a misspelt ``due_dat`` must not vanish silently."""
        for key in sorted(set(self.obj) - self.read):
            self.problems.append(f"{self.where}.{key}: unknown field")
