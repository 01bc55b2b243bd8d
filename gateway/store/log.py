"""The tamper-evident exchange log: every package in or out and every state change.

Entries are chained by hash (see :mod:`gateway.store.chain` for the exact encoding). An append
joins the caller's transaction, so the entry commits together with the change it records, and
locks the one-row chain head first (PostgreSQL ``FOR UPDATE``; SQLite's write lock, which every
store write transaction takes at BEGIN), so concurrent processes append one after the other and
the chain cannot fork. Take the lock late in a transaction: it is held until commit.

:meth:`ExchangeLog.verify` recomputes the chain from the last archive checkpoint (or the
genesis) and reports the first broken link: an edited, deleted or reordered entry, a head that
disagrees with the last entry (entries cut off the end), or a package blob whose bytes no
longer match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session, sessionmaker

from gateway.errors import BlobIntegrityError, LogIntegrityError, StoreError
from gateway.store import chain
from gateway.store.blobs import BlobStore, check_sha256
from gateway.store.clock import Clock, system_clock
from gateway.store.models_log import LogCheckpoint, LogEntry, LogHead

_KIND = re.compile(r"[a-z][a-z0-9._-]{0,63}")
HEAD_ID = 1


@dataclass(frozen=True)
class LogEntryRecord:
    seq: int
    time: datetime
    kind: str
    document_ref: str | None
    package_sha256: str | None
    details: str
    body_hash: str
    prev_hash: str
    hash: str

    @property
    def details_obj(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.details)
        return result

    def as_dict(self) -> dict[str, Any]:
        """The entry as the chain hashes it (time in its canonical text form)."""
        return {
            "seq": self.seq,
            "time": chain.format_time(self.time),
            "kind": self.kind,
            "document_ref": self.document_ref,
            "package_sha256": self.package_sha256,
            "details": self.details,
            "body_hash": self.body_hash,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }

    @classmethod
    def from_row(cls, row: LogEntry) -> LogEntryRecord:
        return cls(
            seq=row.seq,
            time=row.time,
            kind=row.kind,
            document_ref=row.document_ref,
            package_sha256=row.package_sha256,
            details=row.details,
            body_hash=row.body_hash,
            prev_hash=row.prev_hash,
            hash=row.hash,
        )


@dataclass(frozen=True)
class LogVerification:
    """Result of a chain check; when not ``ok``, ``broken_seq`` is the first bad link."""

    ok: bool
    checked: int
    start_seq: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    reason: str | None = None

    def summary(self) -> str:
        if self.ok:
            return (
                f"log intact: {self.checked} entries checked"
                f" (seq {self.start_seq}..{self.head_seq}), head {self.head_hash}"
            )
        return f"log broken at seq {self.broken_seq}: {self.reason}"


class ExchangeLog:
    def __init__(
        self, read: sessionmaker[Session], blobs: BlobStore, *, clock: Clock = system_clock
    ):
        self._read = read
        self._blobs = blobs
        self._clock = clock

    def append(
        self,
        session: Session,
        kind: str,
        *,
        document_ref: str | None = None,
        package_sha256: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> LogEntryRecord:
        """Append one entry inside ``session``'s transaction (visible once the caller commits)."""
        if not _KIND.fullmatch(kind):
            raise StoreError(f"log entry kind {kind!r} is not a lowercase name like 'package.in'")
        if package_sha256 is not None:
            check_sha256(package_sha256)
        if document_ref is not None and not 0 < len(document_ref) <= 36:
            raise StoreError("document_ref must be 1..36 characters")
        try:
            details_text = chain.canonical_details(details or {})
        except (TypeError, ValueError) as exc:
            raise StoreError(f"log details are not plain JSON: {exc}") from None
        head = session.execute(
            select(LogHead).where(LogHead.id == HEAD_ID).with_for_update()
        ).scalar_one_or_none()
        if head is None:
            raise LogIntegrityError("the exchange log has no chain head row (schema not migrated?)")
        seq, prev = head.seq + 1, head.hash
        now = self._clock()
        body = chain.body_hash(
            seq, chain.format_time(now), kind, document_ref, package_sha256, details_text
        )
        digest = chain.link_hash(seq, prev, body)
        row = LogEntry(
            seq=seq,
            time=now,
            kind=kind,
            document_ref=document_ref,
            package_sha256=package_sha256,
            details=details_text,
            body_hash=body,
            prev_hash=prev,
            hash=digest,
        )
        session.add(row)
        moved: CursorResult[Any] = session.connection().execute(
            update(LogHead)
            .where(LogHead.id == HEAD_ID, LogHead.seq == head.seq)
            .values(seq=seq, hash=digest)
        )
        if moved.rowcount != 1:
            raise LogIntegrityError(f"log head moved under append of seq {seq}: concurrent writer")
        session.flush()
        session.expire(head)
        return LogEntryRecord.from_row(row)

    def head(self) -> tuple[int, str]:
        with self._read.begin() as s:
            head = s.get(LogHead, HEAD_ID)
            if head is None:
                raise LogIntegrityError("the exchange log has no chain head row")
            return head.seq, head.hash

    def entries_for(self, document_ref: str) -> list[LogEntryRecord]:
        """The entries about one document still in the database, in seq order."""
        stmt = select(LogEntry).where(LogEntry.document_ref == document_ref).order_by(LogEntry.seq)
        with self._read.begin() as s:
            return [LogEntryRecord.from_row(r) for r in s.scalars(stmt)]

    def iter_entries(
        self, s: Session, after: int, upto: int, batch: int = 5000
    ) -> Iterator[LogEntry]:
        """Entries with after < seq <= upto in seq order, fetched in keyset pages."""
        last = after
        while True:
            rows = s.scalars(
                select(LogEntry)
                .where(LogEntry.seq > last, LogEntry.seq <= upto)
                .order_by(LogEntry.seq)
                .limit(batch)
            ).all()
            if not rows:
                return
            yield from rows
            last = rows[-1].seq
            s.expunge_all()

    def verify(self, *, check_blobs: bool = True) -> LogVerification:
        """Recompute the chain; report the first broken link (never raises for a broken chain)."""
        with self._read.begin() as s:
            head = s.get(LogHead, HEAD_ID)
            if head is None:
                return LogVerification(False, 0, 1, 0, "", 0, "the chain head row is missing")
            head_seq, head_hash = head.seq, head.hash
            cp = s.scalars(
                select(LogCheckpoint).order_by(LogCheckpoint.last_seq.desc()).limit(1)
            ).first()
            start_seq, prev = (cp.last_seq + 1, cp.last_hash) if cp else (1, chain.GENESIS_HASH)
            expected, checked = start_seq, 0
            seen_blobs: set[str] = set()

            def broken(seq: int, why: str) -> LogVerification:
                return LogVerification(False, checked, start_seq, head_seq, head_hash, seq, why)

            for row in self.iter_entries(s, start_seq - 1, head_seq):
                if row.seq != expected:
                    return broken(
                        expected, f"entry missing (the next stored entry is seq {row.seq})"
                    )
                why = chain.entry_problem(LogEntryRecord.from_row(row).as_dict())
                if why is None and row.prev_hash != prev:
                    why = "previous-hash does not match the hash of the entry before it"
                if why is not None:
                    return broken(row.seq, why)
                sha = row.package_sha256
                if check_blobs and sha is not None and sha not in seen_blobs:
                    try:
                        self._blobs.verify(sha)
                    except BlobIntegrityError as exc:
                        return broken(row.seq, f"package blob: {exc}")
                    seen_blobs.add(sha)
                prev, expected, checked = row.hash, row.seq + 1, checked + 1
            if expected != head_seq + 1:
                return broken(
                    expected, f"entry missing: the head says the last entry is seq {head_seq}"
                )
            if prev != head_hash:
                return broken(head_seq, "the head hash does not match the last entry's hash")
            return LogVerification(True, checked, start_seq, head_seq, head_hash)

    def verify_or_raise(self, *, check_blobs: bool = True) -> LogVerification:
        result = self.verify(check_blobs=check_blobs)
        if not result.ok:
            raise LogIntegrityError(result.summary())
        return result
