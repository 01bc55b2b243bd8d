"""From an HTTP answer to either a JSON object or the right error of the tree.

The mapping, once for every operation:

* connection failures and timeouts -> :class:`RetryableTransportError` (raised in the client);
* HTTP 5xx -> :class:`AxisError` with ``retryable=True`` (the axis's code kept when readable);
* HTTP 4xx -> :class:`AxisError`, not retryable (signature refused, bad request, unknown id);
* 2xx with ``status`` other than ``OK`` or ``ErrorCode`` other than ``"0"`` -> :class:`AxisError`
  keeping the axis's own ``ErrorCode`` and ``ErrorDesc``, not retryable;
* 2xx whose body is not a JSON object with the three common fields -> :class:`AxisError`
  ``retryable=True`` (a proxy page or a cut answer; the SDK would report an empty success).
"""

from __future__ import annotations

import json
from typing import Any

from gateway.errors import AxisError

__all__ = ["check_answer", "parse_json_answer"]

_COMMON = ("status", "ErrorCode", "ErrorDesc")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def parse_json_answer(operation: str, http_status: int, body: bytes) -> dict[str, Any] | None:
    """The answer as a JSON object, or None when it is not one."""
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return doc if isinstance(doc, dict) else None


def check_answer(operation: str, http_status: int, body: bytes) -> dict[str, Any]:
    """Return the answer object of a successful call, or raise the mapped error."""
    doc = parse_json_answer(operation, http_status, body)
    code = _text(doc.get("ErrorCode")) if doc else None
    desc = _text(doc.get("ErrorDesc")) if doc else None
    if http_status >= 500:
        raise AxisError(
            f"axis {operation}: HTTP {http_status}"
            + (f", ErrorCode {code}: {desc}" if code else ""),
            code=code,
            description=desc,
            http_status=http_status,
            retryable=True,
        )
    if http_status >= 400 or http_status < 200:
        detail = f"ErrorCode {code}: {desc}" if code else _short(body.decode("utf-8", "replace"))
        raise AxisError(
            f"axis {operation} refused: HTTP {http_status}, {detail}",
            code=code,
            description=desc,
            http_status=http_status,
            retryable=False,
        )
    if doc is None:
        raise AxisError(
            f"axis {operation}: answer is not a JSON object "
            f"({len(body)} bytes: {_short(body[:200].decode('utf-8', 'replace'))!r})",
            http_status=http_status,
            retryable=True,
        )
    missing = [name for name in _COMMON if name not in doc]
    if missing:
        raise AxisError(
            f"axis {operation}: answer lacks {', '.join(missing)}",
            code=code,
            description=desc,
            http_status=http_status,
            retryable=True,
        )
    status = _text(doc.get("status"))
    if code != "0" or (status or "").upper() != "OK":
        raise AxisError(
            f"axis {operation} refused: status {status}, ErrorCode {code}: {desc}",
            code=code,
            description=desc,
            http_status=http_status,
            retryable=False,
        )
    return doc


def _text(value: object) -> str | None:
    if value is None:
        return None
    return str(value)
