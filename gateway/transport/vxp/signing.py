"""Request signing exactly as the official VXP Java SDK 2.0.1 does it (pure, no I/O).

The axis checks an HMAC over a JSON copy of the signed headers, and that JSON is written in
the iteration order of a ``java.util.HashMap``. A compatible client therefore has to emulate
four Java behaviours byte for byte; each lives here and nowhere else:

* ``String.hashCode`` and the HashMap bucket order (:class:`JavaHashMap`), including resizes;
* gson 2.2's string escaping (:func:`gson_quote`);
* the ``hash-file`` quirk: SHA-256 hex without zero padding per byte (:func:`sdk_hash_file`);
* the timestamp ``ddMMyyyy'T'HHmmss+SSSS`` in Vietnam time (:func:`sdk_timestamp`).

Two signers build the logical header map: :class:`FreshSigner` (one new map per call, what our
client does) and :class:`SharedModeSigner` (one map for the life of an SDK object: keys of earlier
calls are re-sent and the first timestamp is kept). The second exists to reproduce, and test
against, what long-running SDK integrations send to the axis.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta, timezone

__all__ = [
    "CONTENT_TYPE_KEY",
    "VN_OFFSET",
    "FreshSigner",
    "JavaHashMap",
    "SharedModeSigner",
    "SignedMap",
    "gson_quote",
    "hmac_hex",
    "java_string_hash",
    "sdk_hash_file",
    "sdk_timestamp",
    "sign_header_json",
]

CONTENT_TYPE_KEY = "Content-Type"
# Vietnam has kept UTC+7 without daylight saving since 1975: a fixed offset equals the
# JVM's Asia/Ho_Chi_Minh zone for every date the gateway will see, on every machine.
VN_OFFSET = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

_INITIAL_CAPACITY = 16
_LOAD_FACTOR = 0.75
_TREEIFY_THRESHOLD = 8
_MIN_TREEIFY_CAPACITY = 64


def java_string_hash(text: str) -> int:
    """``String.hashCode()``: 31-polynomial over UTF-16 code units, as a signed 32-bit int."""
    h = 0
    data = text.encode("utf-16-be")
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h - (1 << 32) if h & 0x80000000 else h


def _spread(h: int) -> int:
    """``HashMap.hash``: ``h ^ (h >>> 16)`` on the unsigned 32-bit pattern."""
    u = h & 0xFFFFFFFF
    return u ^ (u >> 16)


class JavaHashMap:
    """Insertion-tracking map that iterates like ``java.util.HashMap<String, String>``.

    Bucket = ``spread(hash) & (capacity - 1)``; keys of one bucket iterate in the order they
    were first put (a re-put keeps the position). Capacity starts at 16 and doubles when the
    size passes 0.75 x capacity, and also when a bucket chain reaches 8 entries while the table
    is smaller than 64 (Java's ``treeifyBin`` resizes instead of building a tree). A resize
    splits each chain preserving order, so the order stays "by bucket, then by first put".
    Tree bins (a chain of 8 at capacity >= 64) are not emulated: that case raises rather
    than guess, and cannot occur with the few dozen keys the SDK ever puts.
    """

    __slots__ = ("_capacity", "_order", "_values")

    def __init__(self) -> None:
        self._capacity = _INITIAL_CAPACITY
        self._order: list[str] = []
        self._values: dict[str, str] = {}

    @property
    def capacity(self) -> int:
        return self._capacity

    def _bucket(self, key: str) -> int:
        return _spread(java_string_hash(key)) & (self._capacity - 1)

    def put(self, key: str, value: str) -> None:
        if key in self._values:
            self._values[key] = value
            return
        bucket = self._bucket(key)
        chain = sum(1 for k in self._order if self._bucket(k) == bucket)
        if chain >= _TREEIFY_THRESHOLD:
            if self._capacity >= _MIN_TREEIFY_CAPACITY:
                raise ValueError(
                    "JavaHashMap: a bucket would become a tree bin; "
                    "this iteration order is not emulated"
                )
            self._capacity *= 2
        self._order.append(key)
        self._values[key] = value
        if len(self._order) > self._capacity * _LOAD_FACTOR:
            self._capacity *= 2

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def get(self, key: str) -> str | None:
        return self._values.get(key)

    def insertion_order(self) -> tuple[str, ...]:
        return tuple(self._order)

    def keys(self) -> tuple[str, ...]:
        """Keys in Java iteration order."""
        indexed = sorted(enumerate(self._order), key=lambda p: (self._bucket(p[1]), p[0]))
        return tuple(k for _, k in indexed)

    def items(self) -> tuple[tuple[str, str], ...]:
        return tuple((k, self._values[k]) for k in self.keys())

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def copy(self) -> JavaHashMap:
        other = JavaHashMap()
        other._capacity = self._capacity
        other._order = list(self._order)
        other._values = dict(self._values)
        return other


_GSON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\b": "\\b", "\n": "\\n", "\r": "\\r"}
_GSON_ESCAPES["\f"] = "\\f"


def gson_quote(text: str) -> str:
    """A JSON string literal as gson 2.2 writes it (``htmlSafe`` off).

    Escapes ``"`` and ``\\``, the five short control escapes, other C0 controls as ``\\u00xx``
    (lowercase hex) and U+2028/U+2029; everything else, non-ASCII included, is written raw.
    """
    out = ['"']
    for ch in text:
        esc = _GSON_ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch < " " or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def sign_header_json(entries: Sequence[tuple[str, str]]) -> str:
    """``JsonObject.toString()`` of ``{"XroadVnpt-<key>": value, ...}`` in the given order."""
    body = ",".join(f"{gson_quote('XroadVnpt-' + k)}:{gson_quote(v)}" for k, v in entries)
    return "{" + body + "}"


def hmac_hex(secret: str, message: str) -> str:
    """Lowercase hex HMAC-SHA256 with the secret's and the message's UTF-8 bytes."""
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def sdk_hash_file(data: bytes) -> str:
    """The SDK's ``hash-file``: SHA-256, each byte as ``Integer.toHexString`` (no zero padding)."""
    return "".join(f"{b:x}" for b in hashlib.sha256(data).digest())


def sdk_timestamp(moment: datetime) -> str:
    """``ddMMyyyy'T'HHmmss+SSSS`` in Vietnam time; ``SSSS`` = milliseconds on 4 digits.

    A naive datetime is refused: the wall clock of the machine is not a time zone.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("sdk_timestamp needs an aware datetime (got a naive one)")
    local = moment.astimezone(VN_OFFSET)
    millis = local.microsecond // 1000
    return local.strftime("%d%m%YT%H%M%S") + f"+{millis:04d}"


class SignedMap:
    """The logical headers of one request, in Java iteration order."""

    __slots__ = ("entries",)

    def __init__(self, entries: tuple[tuple[str, str], ...]) -> None:
        self.entries = entries


def _fill(
    target: JavaHashMap,
    *,
    timestamp: str,
    system_id: str,
    content_type: str,
    params: Sequence[tuple[str, str]],
    hash_file: str | None,
) -> None:
    target.put("timestamp", timestamp)
    target.put("systemid", system_id)
    target.put(CONTENT_TYPE_KEY, content_type)
    for key, value in params:
        target.put(key, value)
    if hash_file is not None:
        target.put("hash-file", hash_file)


class FreshSigner:
    """A new map and a fresh timestamp per request, like a new SDK service object per call."""

    def __init__(self, system_id: str, clock: Callable[[], datetime]) -> None:
        self._system_id = system_id
        self._clock = clock

    def logical_headers(
        self, params: Sequence[tuple[str, str]], *, content_type: str, hash_file: str | None
    ) -> SignedMap:
        target = JavaHashMap()
        _fill(
            target,
            timestamp=sdk_timestamp(self._clock()),
            system_id=self._system_id,
            content_type=content_type,
            params=params,
            hash_file=hash_file,
        )
        return SignedMap(target.items())


class SharedModeSigner:
    """One map for many requests, reproducing the SDK object-reuse defects.

    Every key of an earlier call stays in the map (and is re-sent and signed with its last
    value), and the timestamp is the one taken when the object was built. Not thread-safe,
    like the SDK object it emulates. Used to reproduce and test what such clients send.
    """

    def __init__(self, system_id: str, timestamp: str) -> None:
        self._system_id = system_id
        self._timestamp = timestamp
        self._map = JavaHashMap()

    def logical_headers(
        self, params: Sequence[tuple[str, str]], *, content_type: str, hash_file: str | None
    ) -> SignedMap:
        _fill(
            self._map,
            timestamp=self._timestamp,
            system_id=self._system_id,
            content_type=content_type,
            params=params,
            hash_file=hash_file,
        )
        return SignedMap(self._map.items())
