"""Content-addressed blob store for raw packages.

A blob is named by the SHA-256 of its bytes and lives at ``root/ab/cd/abcd...`` (two fan-out
levels keep directories small). Writing streams through a temporary file in ``root/tmp`` while
hashing, then ``fsync`` the file, ``os.replace`` it to its name and ``fsync`` the directory:
when :meth:`BlobWriter.commit` returns, the bytes survive a crash, so a database row naming the
blob may commit. A 50 MB package is never held in memory by the store (chunks pass through).

Reading verifies the hash; bytes that no longer match their name raise
:class:`gateway.errors.BlobIntegrityError`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO, cast

from gateway.errors import BlobIntegrityError, StoreError

CHUNK = 1 << 20
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class BlobRef:
    sha256: str
    size: int


def check_sha256(value: str) -> str:
    """Return ``value`` if it is a lowercase SHA-256 hex digest, else raise StoreError."""
    if len(value) != 64 or not set(value) <= _HEX:
        raise StoreError(f"{value[:80]!r} is not a SHA-256 hex digest (64 lowercase hex digits)")
    return value


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class BlobWriter:
    """Streams one blob to disk; use as a context manager (commit on success, abort on error)."""

    def __init__(self, store: BlobStore) -> None:
        self._store = store
        fd, name = tempfile.mkstemp(prefix="blob-", dir=store.tmp_dir)
        self._tmp = Path(name)
        self._file = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self._size = 0
        self._ref: BlobRef | None = None

    def write(self, data: bytes) -> None:
        if self._ref is not None or self._file.closed:
            raise StoreError("blob writer already committed or aborted")
        self._file.write(data)
        self._hash.update(data)
        self._size += len(data)

    def commit(self) -> BlobRef:
        """Make the blob durable under its hash name and return its reference."""
        if self._ref is not None:
            return self._ref
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        ref = BlobRef(self._hash.hexdigest(), self._size)
        target = self._store.path_for(ref.sha256)
        if target.exists() and self._store.matches(ref.sha256):
            self._tmp.unlink()
        else:
            self._store.make_parents(target)
            os.chmod(self._tmp, 0o440)
            os.replace(self._tmp, target)
            _fsync_dir(target.parent)
        self._ref = ref
        return ref

    def abort(self) -> None:
        if not self._file.closed:
            self._file.close()
        if self._ref is None:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> BlobWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()

    @property
    def ref(self) -> BlobRef:
        if self._ref is None:
            raise StoreError("blob not committed yet")
        return self._ref


class BlobStore:
    """The on-disk blob store rooted at ``root`` (created if absent)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp_dir = root / "tmp"
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def make_parents(self, target: Path) -> None:
        created: list[Path] = []
        for d in (target.parent.parent, target.parent):
            if not d.is_dir():
                d.mkdir(exist_ok=True)
                created.append(d)
        for d in created:
            _fsync_dir(d.parent)

    def writer(self) -> BlobWriter:
        return BlobWriter(self)

    def put_bytes(self, data: bytes) -> BlobRef:
        with self.writer() as w:
            w.write(data)
        return w.ref

    def put_stream(self, source: BinaryIO | Iterable[bytes]) -> BlobRef:
        """Store a file object (read in 1 MiB chunks) or an iterable of byte chunks."""
        with self.writer() as w:
            if isinstance(source, Iterable) and not hasattr(source, "read"):
                for chunk in source:
                    w.write(chunk)
            else:
                reader = cast(BinaryIO, source)
                while chunk := reader.read(CHUNK):
                    w.write(chunk)
        return w.ref

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def iter_chunks(self, sha256: str) -> Iterator[bytes]:
        """Yield the blob's bytes; raises BlobIntegrityError after the last chunk on mismatch."""
        path = self.path_for(sha256)
        digest = hashlib.sha256()
        try:
            f = path.open("rb")
        except FileNotFoundError:
            raise BlobIntegrityError(f"blob {sha256} is missing from {self.root}") from None
        with f:
            while chunk := f.read(CHUNK):
                digest.update(chunk)
                yield chunk
        if digest.hexdigest() != sha256:
            raise BlobIntegrityError(
                f"blob {sha256} is corrupt: its bytes hash to {digest.hexdigest()}"
            )

    def read_bytes(self, sha256: str) -> bytes:
        """The whole blob, verified (one copy in memory)."""
        path = self.path_for(sha256)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BlobIntegrityError(f"blob {sha256} is missing from {self.root}") from None
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise BlobIntegrityError(f"blob {sha256} is corrupt: its bytes hash to {actual}")
        return data

    def copy_to(self, sha256: str, dst: IO[bytes]) -> int:
        """Stream the blob into ``dst``; raises BlobIntegrityError (after writing) on mismatch."""
        size = 0
        for chunk in self.iter_chunks(sha256):
            dst.write(chunk)
            size += len(chunk)
        return size

    def verify(self, sha256: str) -> None:
        """Raise BlobIntegrityError unless the blob exists and its bytes match its name."""
        for _ in self.iter_chunks(sha256):
            pass

    def matches(self, sha256: str) -> bool:
        try:
            self.verify(sha256)
        except BlobIntegrityError:
            return False
        return True

    def cleanup_tmp(self, older_than_seconds: float = 3600.0) -> int:
        """Remove temporary files left by writers that crashed; returns how many went."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for p in self.tmp_dir.glob("blob-*"):
            try:
                if p.stat().st_mtime < cutoff:
                    p.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
