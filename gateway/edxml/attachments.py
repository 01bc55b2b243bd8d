"""Attachment bytes on the wire: base64, optional single-entry ZIP, content ids and types.

Reference producers zip each file before base64 and declare ``application/zip``; others send
the raw file. Unpacking is bounded (size, total, ratio) and streamed, so a zip bomb is refused
after at most ``limit`` bytes of output instead of exhausting memory.
"""

from __future__ import annotations

import binascii
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

__all__ = [
    "ZIP_SIGNATURE",
    "UnzipLimits",
    "b64_chunks",
    "content_type_for",
    "decode_base64",
    "maybe_unzip",
    "plain_cid",
    "wire_cid",
    "zip_single",
]

ZIP_SIGNATURE = b"PK\x03\x04"
_CHUNK = 3 * 256 * 1024  # a multiple of 3: chunks encode without padding in between
_WHITESPACE = re.compile(r"\s+")

# Common office types first; the stdlib's built-in table (never the host's) for the rest.
_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".edxml": "application/xml",
    ".zip": "application/zip",
    ".rar": "application/vnd.rar",
    ".7z": "application/x-7z-compressed",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".p7s": "application/pkcs7-signature",
}


def plain_cid(value: str) -> str:
    """``cid:209`` and ``209`` name the same attachment; the model keeps the bare token."""
    token = value.strip()
    return token[4:].strip() if token[:4].lower() == "cid:" else token


def wire_cid(token: str) -> str:
    return f"cid:{token}"


def content_type_for(name: str) -> str:
    """The MIME type of a file by its name; ``application/octet-stream`` when unknown."""
    return _TYPES.get(
        PurePosixPath(name.replace("\\", "/")).suffix.lower(), "application/octet-stream"
    )


def decode_base64(text: str) -> bytes:
    """Strict base64 (line breaks allowed); :class:`ValueError` with the reason otherwise."""
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except binascii.Error as first:
        if not _WHITESPACE.search(text):
            raise ValueError(str(first)) from None
    # Producers that wrap lines (MIME style): one copy without the whitespace, then strict.
    compact = _WHITESPACE.sub("", text)
    try:
        return binascii.a2b_base64(compact, strict_mode=True)
    except binascii.Error as exc:
        raise ValueError(str(exc)) from None


def b64_chunks(data: bytes) -> Iterator[bytes]:
    """Base64 of ``data`` in pieces, so a 50 MB file is never encoded in one extra copy."""
    view = memoryview(data)
    for start in range(0, len(view), _CHUNK):
        yield binascii.b2a_base64(view[start : start + _CHUNK], newline=False)


def zip_single(name: str, data: bytes, *, when: datetime | None = None) -> bytes:
    """A ZIP with one deflated entry, as the reference producers send attachments."""
    stamp = (when or datetime(1980, 1, 1)).timetuple()[:6]
    info = zipfile.ZipInfo(PurePosixPath(name.replace("\\", "/")).name or "attachment", stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class UnzipLimits:
    max_size: int  # bytes one entry may inflate to
    max_ratio: float  # inflated / compressed, checked once the output passes ratio_floor
    ratio_floor: int = 1024 * 1024


def maybe_unzip(
    name: str, data: bytes, limits: UnzipLimits, *, declared_zip: bool = False
) -> bytes | None:
    """The single entry's bytes if ``data`` is a producer's wrapper ZIP, else None.

    A wrapper is a ZIP (signature ``PK\\x03\\x04``) with exactly one file entry, attached under a
    name that is not itself ``.zip``; Office files (also ZIPs) have many entries and stay as
    they are. Raises :class:`ValueError` (with the reason) for an over-limit ZIP, and for a
    broken one when the producer declared ``application/zip`` (otherwise the bytes merely
    happen to start like a ZIP and are kept as they are).
    """
    if not data.startswith(ZIP_SIGNATURE) or name.lower().endswith(".zip"):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        if not declared_zip:
            return None
        raise ValueError(f"starts like a ZIP but cannot be opened ({exc})") from None
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) != 1:
            return None
        return _inflate(archive, entries[0], limits)


def _inflate(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: UnzipLimits) -> bytes:
    if entry.file_size > limits.max_size:
        raise ValueError(
            f"ZIP entry {entry.filename!r} declares {entry.file_size} bytes, "
            f"over the limit of {limits.max_size}"
        )
    out = io.BytesIO()
    compressed = max(entry.compress_size, 1)
    try:
        with archive.open(entry) as stream:
            while chunk := stream.read(1024 * 1024):
                out.write(chunk)
                produced = out.tell()
                if produced > limits.max_size:
                    raise ValueError(
                        f"ZIP entry {entry.filename!r} inflates past the limit of "
                        f"{limits.max_size} bytes (zip bomb?)"
                    )
                if produced > limits.ratio_floor and produced / compressed > limits.max_ratio:
                    raise ValueError(
                        f"ZIP entry {entry.filename!r} inflates more than {limits.max_ratio:g}:1 "
                        f"({compressed} compressed bytes, zip bomb?)"
                    )
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError) as exc:
        raise ValueError(f"ZIP entry {entry.filename!r} cannot be read ({exc})") from None
    except NotImplementedError as exc:
        raise ValueError(
            f"ZIP entry {entry.filename!r} uses an unsupported method ({exc})"
        ) from None
    return out.getvalue()
