"""Durable, atomic file-system steps: the only way a drop folder is ever written.

Readers on the other side (a back office, a second gateway) must never see half a file or
half a folder, and a power cut must not leave a renamed folder whose files are still in the
page cache. Hence: write in a temporary place on the same file system, fsync the files and
their directory, then one ``rename``; fsync the parent afterwards.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any, BinaryIO

_CHUNK = 1 << 20


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _create(path: Path) -> BinaryIO:
    """A new file, never an existing one and never through a symlink."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o640)
    return os.fdopen(fd, "wb")


def write_new(path: Path, data: bytes) -> str:
    """Create ``path`` with ``data``, fsynced; returns the sha256 hex digest."""
    with _create(path) as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return hashlib.sha256(data).hexdigest()


def copy_new(source: Path, path: Path) -> tuple[int, str]:
    """Copy ``source`` to a new ``path``, fsynced; returns (size, sha256)."""
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as src, _create(path) as out:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


def json_bytes(value: Any) -> bytes:
    """Readable UTF-8 JSON: Vietnamese stays letters, not ``\\u`` escapes."""
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def hash_file(path: Path) -> tuple[int, str]:
    """(size, sha256) of a regular file, refusing to follow a symlink."""
    digest, size = hashlib.sha256(), 0
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as src:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def read_small(path: Path, limit: int) -> bytes:
    """A metadata file, refusing symlinks and anything larger than ``limit`` bytes."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as src:
        data = src.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path.name} is larger than {limit} bytes")
    return data


def temp_path(tmp_dir: Path, label: str) -> Path:
    return tmp_dir / f"{label}-{uuid.uuid4().hex}"


def publish_file(tmp: Path, final: Path) -> bool:
    """Move a finished temp file to ``final`` unless it exists; False if it already did."""
    try:
        os.link(tmp, final)  # link() never replaces: the atomic no-overwrite publish
    except FileExistsError:
        tmp.unlink()
        return False
    tmp.unlink()
    fsync_dir(final.parent)
    return True


def publish_dir(tmp: Path, final: Path) -> bool:
    """Rename a finished temp folder to ``final``; False (temp removed) if ``final`` exists."""
    if os.path.lexists(final):
        shutil.rmtree(tmp)
        return False
    try:
        os.rename(tmp, final)
    except OSError as exc:
        if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
            shutil.rmtree(tmp)
            return False
        raise
    fsync_dir(final.parent)
    return True


def move_unique(source: Path, dest_dir: Path, name: str) -> Path:
    """Rename ``source`` into ``dest_dir`` as ``name``, or ``name~2`` ... if that is taken."""
    n = 1
    while True:
        target = dest_dir / (name if n == 1 else f"{name}~{n}")
        if not os.path.lexists(target):
            try:
                if source.is_dir() and not source.is_symlink():
                    os.rename(source, target)
                else:
                    os.link(source, target, follow_symlinks=False)
                    source.unlink()
            except FileExistsError:
                pass
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
            else:
                fsync_dir(dest_dir)
                return target
        n += 1
