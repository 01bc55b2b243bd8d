"""Checking a request's signature the way the SDK computes it, from the received headers only.

Written independently of the client's signer (no HashMap emulation needed on this side), so a
bug in one does not hide the same bug in the other:

1. the three signing headers and ``XroadVnpt-systemid`` are present, the system is registered;
2. ``XroadVnpt-hash-header`` = HMAC-SHA256(secret, ``XroadVnpt-sign-header`` as UTF-8);
3. ``sign-header`` is a JSON object whose keys are exactly ``XroadVnpt-<k>`` for each ``k`` of
   ``sign-header-key`` in that order, each value equal to the header actually received;
4. ``systemid`` and ``timestamp`` are among the signed keys, the timestamp is well formed and
   within the configured window of the simulator's clock.

Only signed values are handed to the operations, so an unsigned header can never steer one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from gateway.simulator.refusals import Refusal, Refused

__all__ = ["VerifiedRequest", "parse_sdk_timestamp", "sdk_hash_file", "verify_request"]

PREFIX = "xroadvnpt-"
_VN = timezone(timedelta(hours=7))
_TIMESTAMP = re.compile(r"^(\d{2})(\d{2})(\d{4})T(\d{2})(\d{2})(\d{2})\+(\d{4})$")


@dataclass(frozen=True, slots=True)
class VerifiedRequest:
    system_id: str
    params: Mapping[str, str]  # signed logical headers, e.g. {"docId": ..., "messagetype": ...}
    timestamp: datetime


def parse_sdk_timestamp(text: str) -> datetime:
    """``ddMMyyyy'T'HHmmss+SSSS`` (Vietnam time) -> aware datetime, or ValueError."""
    match = _TIMESTAMP.match(text)
    if not match:
        raise ValueError(f"{text!r} is not ddMMyyyy'T'HHmmss+SSSS")
    day, month, year, hour, minute, second, millis = (int(g) for g in match.groups())
    if millis > 999:
        raise ValueError(f"{text!r}: milliseconds {millis} > 999")
    return datetime(year, month, day, hour, minute, second, millis * 1000, tzinfo=_VN)


def sdk_hash_file(data: bytes) -> str:
    return "".join(f"{b:x}" for b in hashlib.sha256(data).digest())


def _single(headers: Sequence[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in headers if k.lower() == name.lower()]
    if len(values) > 1:
        raise Refused(Refusal.SIGN_HEADER_MISMATCH, f"header {name} sent {len(values)} times")
    return values[0] if values else None


class _Pairs(list[tuple[str, object]]):
    """A JSON object kept as its ordered (key, value) pairs."""


def verify_request(
    headers: Sequence[tuple[str, str]],
    secrets: Mapping[str, str],
    *,
    now: datetime,
    window_seconds: float,
) -> VerifiedRequest:
    """Return the signed parameters of an authentic request, or raise :class:`Refused`."""
    key_list = _single(headers, "XroadVnpt-sign-header-key")
    sign_header = _single(headers, "XroadVnpt-sign-header")
    hash_header = _single(headers, "XroadVnpt-hash-header")
    system_id = _single(headers, "XroadVnpt-systemid")
    missing = [
        name
        for name, value in (
            ("sign-header-key", key_list),
            ("sign-header", sign_header),
            ("hash-header", hash_header),
            ("systemid", system_id),
        )
        if not value
    ]
    if missing or key_list is None or sign_header is None or hash_header is None:
        raise Refused(Refusal.MISSING_HEADERS, "missing " + ", ".join(missing))
    assert system_id is not None
    secret = secrets.get(system_id)
    if secret is None:
        raise Refused(Refusal.UNKNOWN_SYSTEM, system_id)
    expected = hmac.new(
        secret.encode("utf-8"), sign_header.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, hash_header.strip().lower()):
        raise Refused(Refusal.BAD_SIGNATURE, "HMAC-SHA256 of sign-header does not match")
    try:
        signed = json.loads(sign_header, object_pairs_hook=_Pairs)
    except json.JSONDecodeError:
        raise Refused(Refusal.SIGN_HEADER_MISMATCH, "sign-header is not JSON") from None
    if not isinstance(signed, _Pairs):
        raise Refused(Refusal.SIGN_HEADER_MISMATCH, "sign-header is not a JSON object")
    keys = key_list.split(";")
    if [k for k, _ in signed] != ["XroadVnpt-" + k for k in keys]:
        raise Refused(Refusal.SIGN_HEADER_MISMATCH, "sign-header keys differ from sign-header-key")
    if len(set(keys)) != len(keys):
        raise Refused(Refusal.SIGN_HEADER_MISMATCH, "a key is signed twice")
    params: dict[str, str] = {}
    for (name, value), key in zip(signed, keys, strict=True):
        if not isinstance(value, str):
            raise Refused(Refusal.SIGN_HEADER_MISMATCH, f"{name} is not a string")
        if _single(headers, name) != value:
            raise Refused(
                Refusal.SIGN_HEADER_MISMATCH, f"header {name} differs from its signed value"
            )
        params[key] = value
    if params.get("systemid") != system_id:
        raise Refused(Refusal.SIGN_HEADER_MISMATCH, "systemid is not signed")
    stamp = params.get("timestamp")
    if stamp is None:
        raise Refused(Refusal.BAD_TIMESTAMP, "timestamp is not signed")
    try:
        moment = parse_sdk_timestamp(stamp)
    except ValueError as exc:
        raise Refused(Refusal.BAD_TIMESTAMP, str(exc)) from None
    if window_seconds > 0 and abs((now - moment).total_seconds()) > window_seconds:
        raise Refused(
            Refusal.STALE_TIMESTAMP,
            f"{stamp} is more than {window_seconds:g} s away from the axis clock",
        )
    return VerifiedRequest(system_id=system_id, params=params, timestamp=moment)
