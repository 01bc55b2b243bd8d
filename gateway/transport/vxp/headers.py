"""The wire headers of one VXP request, in the SDK's order (pure).

For each logical key in Java iteration order the SDK emits ``Content-Type`` (only for that key)
and ``XroadVnpt-<key>``, then the three signing headers, its User-Agent and the protocol
version. ``sendEdoc`` goes through ``HttpURLConnection``, which keeps the raw ``Content-Type``
in first position instead; :func:`build_headers` reproduces both forms.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.transport.vxp.signing import CONTENT_TYPE_KEY, SignedMap, hmac_hex, sign_header_json

__all__ = [
    "PREFIX",
    "SDK_USER_AGENT",
    "SDK_VERSION",
    "SignedHeaders",
    "build_headers",
]

PREFIX = "XroadVnpt-"
SDK_USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
SDK_VERSION = "3.0.201608"


@dataclass(frozen=True, slots=True)
class SignedHeaders:
    """Ordered ``(name, value)`` pairs plus the two strings tests and logs care about."""

    headers: tuple[tuple[str, str], ...]
    sign_header: str
    hash_header: str


def build_headers(
    logical: SignedMap, secret: str, *, content_type_first: bool = False
) -> SignedHeaders:
    """Emit the SDK header sequence for ``logical`` signed with ``secret``.

    ``content_type_first`` is the ``HttpURLConnection`` form used by ``sendEdoc``.
    """
    entries = logical.entries
    out: list[tuple[str, str]] = []
    content_type = dict(entries).get(CONTENT_TYPE_KEY)
    if content_type_first and content_type is not None:
        out.append((CONTENT_TYPE_KEY, content_type))
    for key, value in entries:
        if key == CONTENT_TYPE_KEY and not content_type_first:
            out.append((CONTENT_TYPE_KEY, value))
        out.append((PREFIX + key, value))
    sign_header = sign_header_json(entries)
    hash_header = hmac_hex(secret, sign_header)
    out.append((PREFIX + "sign-header-key", ";".join(k for k, _ in entries)))
    out.append((PREFIX + "sign-header", sign_header))
    out.append((PREFIX + "hash-header", hash_header))
    out.append(("User-Agent", SDK_USER_AGENT))
    out.append((PREFIX + "version", SDK_VERSION))
    return SignedHeaders(tuple(out), sign_header, hash_header)
