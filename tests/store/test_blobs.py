"""The content-addressed blob store: durable writes, streaming, verified reads."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.errors import BlobIntegrityError, StoreError
from gateway.store import BlobStore

DATA = "Quyết định phê duyệt kế hoạch chuyển đổi số năm 2025".encode()


def test_blob_is_named_by_its_hash_in_fan_out_directories(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    ref = blobs.put_bytes(DATA)
    sha = hashlib.sha256(DATA).hexdigest()
    assert ref.sha256 == sha and ref.size == len(DATA)
    assert blobs.path_for(sha) == tmp_path / sha[:2] / sha[2:4] / sha
    assert blobs.read_bytes(sha) == DATA
    assert list((tmp_path / "tmp").iterdir()) == []


def test_writing_the_same_bytes_twice_keeps_one_file(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    assert blobs.put_bytes(DATA) == blobs.put_bytes(DATA)
    assert len(list(tmp_path.rglob("*"))) == 4  # tmp, ab, ab/cd, the blob


def test_a_corrupt_copy_is_replaced_by_a_good_write(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    ref = blobs.put_bytes(DATA)
    path = blobs.path_for(ref.sha256)
    path.chmod(0o640)
    path.write_bytes(b"junk")
    assert not blobs.matches(ref.sha256)
    blobs.put_bytes(DATA)
    assert blobs.read_bytes(ref.sha256) == DATA


def test_streams_and_chunk_iterables_are_accepted(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    a = blobs.put_stream(io.BytesIO(DATA))
    b = blobs.put_stream(iter([DATA[:10], DATA[10:]]))
    assert a == b
    out = io.BytesIO()
    assert blobs.copy_to(a.sha256, out) == len(DATA) and out.getvalue() == DATA


def test_a_50_mb_package_is_never_held_in_memory(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    chunk = os.urandom(1 << 20)

    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield chunk

    tracemalloc.start()
    ref = blobs.put_stream(chunks())
    for _ in blobs.iter_chunks(ref.sha256):
        pass
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert ref.size == 50 << 20
    assert peak < 8 << 20, f"peak {peak} bytes"


def test_tampered_or_missing_blob_raises(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    ref = blobs.put_bytes(DATA)
    path = blobs.path_for(ref.sha256)
    path.chmod(0o640)
    path.write_bytes(DATA.replace(b"2025", b"2026"))
    with pytest.raises(BlobIntegrityError, match="corrupt"):
        blobs.read_bytes(ref.sha256)
    with pytest.raises(BlobIntegrityError, match="corrupt"):
        list(blobs.iter_chunks(ref.sha256))
    path.unlink()
    with pytest.raises(BlobIntegrityError, match="missing"):
        blobs.read_bytes(ref.sha256)
    with pytest.raises(StoreError, match="not a SHA-256"):
        blobs.read_bytes("../../etc/passwd")


def test_an_aborted_write_leaves_nothing(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    with pytest.raises(RuntimeError), blobs.writer() as w:
        w.write(DATA)
        raise RuntimeError("nguồn bị ngắt")
    assert list((tmp_path / "tmp").iterdir()) == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_stale_temporary_files_are_cleaned(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    stale = tmp_path / "tmp" / "blob-crashed"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    assert blobs.cleanup_tmp(older_than_seconds=60) == 1 and not stale.exists()
