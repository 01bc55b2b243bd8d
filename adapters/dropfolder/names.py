"""File names that are safe to create, from names that cannot be trusted.

Attachment names come from partner agencies' systems: they may hold path separators, ``..``,
control or bidirectional-override characters, Windows device names (``CON``, ``LPT1``) or clash
with one another. A received document must still be delivered, so such names are *rewritten*,
never trusted and never a reason to drop the file; the original stays in metadata.json.
Vietnamese letters are kept (NFC), because clerks read these names.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from gateway.errors import BackOfficeDataError

MAX_NAME_BYTES = 180  # leaves room for " (NN)" and ".tmp" within the usual 255-byte limit
_FORBIDDEN = frozenset('<>:"/\\|?*')
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
_DOTS = re.compile(r"\.{2,}")
_UNDERSCORES = re.compile(r"_{2,}")


def _clean_char(ch: str) -> str:
    if ch.isspace():  # tabs and line breaks included: a name is one line
        return " "
    if ch in _FORBIDDEN or unicodedata.category(ch) in _BAD_CATEGORIES:
        return "_"
    return ch


def _truncate(name: str, limit: int) -> str:
    """Cut to ``limit`` UTF-8 bytes on a character boundary, keeping a short extension."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    budget = limit - len(suffix.encode("utf-8"))
    cut = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(" .")
    return cut + suffix


def sanitize_name(untrusted: str, fallback: str = "tep-dinh-kem") -> str:
    """A single, harmless path component made from ``untrusted``.

    Separators, controls and characters Windows forbids become ``_``; runs of dots collapse;
    leading/trailing dots and spaces go; device names get a ``_`` prefix. ``fallback`` is used
    when nothing usable is left.
    """
    name = "".join(_clean_char(ch) for ch in unicodedata.normalize("NFC", untrusted))
    name = _UNDERSCORES.sub("_", _DOTS.sub(".", name)).strip(" .")
    if not name.strip("_ ."):
        name = fallback
    if name.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        name = "_" + name
    return _truncate(name, MAX_NAME_BYTES)


def unique_name(name: str, taken: set[str]) -> str:
    """``name`` or ``name (2).ext`` ...: unique ignoring case, as on Windows and macOS shares.

    ``taken`` holds casefolded names and is updated.
    """
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        tail = f" ({n})" + (f".{ext}" if ext else "")
        room = MAX_NAME_BYTES - len(tail.encode("utf-8"))
        candidate = stem.encode("utf-8")[:room].decode("utf-8", errors="ignore") + tail
    taken.add(candidate.casefold())
    return candidate


def key_folder_name(key: str) -> str:
    """A folder name that is the same for the same ``key`` and differs for different keys."""
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    return f"{_truncate(sanitize_name(key, fallback='tai-lieu'), 100)}-{digest}"


def check_plain_name(name: object, where: str) -> str:
    """A file name the back office wrote in metadata.json: one plain component, or an error."""
    if not isinstance(name, str) or not name:
        raise BackOfficeDataError(f"{where}: file name must be a non-empty string")
    text = unicodedata.normalize("NFC", name)
    if text in (".", "..") or "/" in text or "\\" in text:
        raise BackOfficeDataError(f"{where}: {name!r} is not a plain file name in the folder")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise BackOfficeDataError(f"{where}: {name!r} contains control characters")
    return text
