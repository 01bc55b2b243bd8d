"""Retention: move old exchange-log entries to archive files without breaking the chain.

An archive run takes the oldest entries past the retention age (always leaving the newest
``min_keep`` in the database), checks their chain, writes them to
``<data_dir>/archive/log-<first>-<last>.jsonl`` (one entry per line, exactly as hashed) plus a
``.checkpoint.json`` beside it, makes both durable, then in one transaction records a
``log_checkpoints`` row (last seq and hash, file hash) and deletes the archived rows.
Verification of the database then starts from the newest checkpoint's hash, and
:func:`verify_archives` checks the files themselves and that the checkpoints join up.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from gateway.errors import LogIntegrityError, StoreError
from gateway.store import chain
from gateway.store.log import HEAD_ID, LogEntryRecord, LogVerification
from gateway.store.models_log import LogCheckpoint, LogEntry, LogHead


@dataclass(frozen=True)
class RetentionPolicy:
    """Archive entries older than ``keep_days``, never the newest ``min_keep`` entries."""

    keep_days: int = 365
    min_keep: int = 10_000
    max_per_file: int = 200_000

    def __post_init__(self) -> None:
        if self.keep_days < 0 or self.min_keep < 0 or self.max_per_file < 1:
            raise ValueError("keep_days, min_keep >= 0 and max_per_file >= 1 required")


@dataclass(frozen=True)
class ArchiveResult:
    first_seq: int
    last_seq: int
    last_hash: str
    path: Path


def _write_durably(path: Path, lines: Iterator[bytes]) -> str:
    tmp = path.with_name(path.name + ".tmp")
    digest = hashlib.sha256()
    with tmp.open("wb") as f:
        for line in lines:
            f.write(line)
            digest.update(line)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return digest.hexdigest()


def _entry_line(entry: dict[str, Any]) -> bytes:
    return (json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def archive_log(
    write: sessionmaker[Session], archive_dir: Path, policy: RetentionPolicy, *, now: datetime
) -> ArchiveResult | None:
    """Archive one batch of old entries; None when nothing is old enough."""
    archive_dir.mkdir(parents=True, exist_ok=True)
    with write.begin() as s:
        head = s.execute(
            select(LogHead).where(LogHead.id == HEAD_ID).with_for_update()
        ).scalar_one()
        cp = s.scalars(
            select(LogCheckpoint).order_by(LogCheckpoint.last_seq.desc()).limit(1)
        ).first()
        start, prev = (cp.last_seq + 1, cp.last_hash) if cp else (1, chain.GENESIS_HASH)
        last = min(head.seq - policy.min_keep, start + policy.max_per_file - 1)
        young = s.scalar(
            select(func.min(LogEntry.seq)).where(
                LogEntry.seq >= start, LogEntry.time >= now - timedelta(days=policy.keep_days)
            )
        )
        if young is not None:
            last = min(last, young - 1)
        if last < start:
            return None
        rows = [
            LogEntryRecord.from_row(r)
            for r in s.scalars(
                select(LogEntry)
                .where(LogEntry.seq >= start, LogEntry.seq <= last)
                .order_by(LogEntry.seq)
            )
        ]
        entries = [r.as_dict() for r in rows]
        broken = chain.chain_problem(
            ((e["seq"], e["prev_hash"], e["body_hash"], e["hash"]) for e in entries), start, prev
        )
        for e in entries:
            why = chain.entry_problem(e)
            if why is not None:
                broken = broken or (e["seq"], why)
        if broken is not None or len(entries) != last - start + 1:
            where = broken[0] if broken else start
            raise LogIntegrityError(f"refusing to archive a broken chain (seq {where})")
        name = f"log-{start:012d}-{last:012d}.jsonl"
        file_hash = _write_durably(archive_dir / name, (_entry_line(e) for e in entries))
        checkpoint = {
            "first_seq": start,
            "first_prev_hash": prev,
            "last_seq": last,
            "last_hash": entries[-1]["hash"],
            "entry_count": len(entries),
            "archive_name": name,
            "archive_sha256": file_hash,
            "created_at": chain.format_time(now),
        }
        _write_durably(
            archive_dir / (name + ".checkpoint.json"),
            iter([json.dumps(checkpoint, sort_keys=True, indent=1).encode() + b"\n"]),
        )
        s.add(
            LogCheckpoint(
                first_seq=start,
                first_prev_hash=prev,
                last_seq=last,
                last_hash=entries[-1]["hash"],
                entry_count=len(entries),
                archive_name=name,
                archive_sha256=file_hash,
                created_at=now,
            )
        )
        s.execute(delete(LogEntry).where(LogEntry.seq >= start, LogEntry.seq <= last))
        return ArchiveResult(start, last, entries[-1]["hash"], archive_dir / name)


def iter_archived(read: sessionmaker[Session], archive_dir: Path) -> Iterator[dict[str, Any]]:
    """Every archived entry (as hashed) in seq order, file hashes checked first."""
    with read.begin() as s:
        cps = [
            (c.archive_name, c.archive_sha256)
            for c in s.scalars(select(LogCheckpoint).order_by(LogCheckpoint.last_seq))
        ]
    for name, sha in cps:
        path = archive_dir / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise StoreError(f"archive file {path} is missing") from None
        if hashlib.sha256(data).hexdigest() != sha:
            raise LogIntegrityError(f"archive file {path} no longer matches its checkpoint hash")
        for line in data.decode("utf-8").splitlines():
            yield json.loads(line)


def verify_archives(read: sessionmaker[Session], archive_dir: Path) -> LogVerification:
    """Check every archive file against its checkpoint and the checkpoints against each other."""
    with read.begin() as s:
        cps = list(s.scalars(select(LogCheckpoint).order_by(LogCheckpoint.last_seq)))
        s.expunge_all()
    expected, prev, checked = 1, chain.GENESIS_HASH, 0
    last_hash = chain.GENESIS_HASH

    def broken(seq: int, why: str) -> LogVerification:
        return LogVerification(False, checked, 1, expected - 1, last_hash, seq, why)

    for cp in cps:
        if cp.first_seq != expected or cp.first_prev_hash != prev:
            return broken(
                cp.first_seq, f"checkpoint {cp.archive_name} does not join the one before"
            )
        path = archive_dir / cp.archive_name
        if not path.is_file():
            return broken(cp.first_seq, f"archive file {path} is missing")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != cp.archive_sha256:
            return broken(cp.first_seq, f"archive file {path} no longer matches its checkpoint")
        for line in data.decode("utf-8").splitlines():
            entry = json.loads(line)
            problem = chain.chain_problem(
                [(entry["seq"], entry["prev_hash"], entry["body_hash"], entry["hash"])],
                expected,
                prev,
            )
            why = problem[1] if problem else chain.entry_problem(entry)
            if why is not None:
                return broken(entry["seq"], f"in {cp.archive_name}: {why}")
            expected, prev, checked = entry["seq"] + 1, entry["hash"], checked + 1
        if expected != cp.last_seq + 1 or prev != cp.last_hash:
            return broken(cp.last_seq, f"archive {cp.archive_name} does not end at its checkpoint")
        last_hash = prev
    return LogVerification(True, checked, 1, expected - 1, last_hash)
