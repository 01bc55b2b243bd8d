"""The simulator's SQLite file: agencies, messages and per-recipient deliveries.

One connection guarded by a lock (the HTTP server is threaded; SQLite serialises writers
anyway), WAL journal, every change in one transaction, so a killed simulator keeps every
package it acknowledged with a ``DocId`` and a restart on the same file lists them again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["AgencyRow", "DeliveryRow", "SimStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS agencies (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    system_id TEXT NOT NULL,
    pid TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    mail TEXT NOT NULL DEFAULT '',
    old_code TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    fax TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    deleted INTEGER NOT NULL DEFAULT 0,
    modified TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    from_system TEXT NOT NULL,
    from_agency TEXT NOT NULL,
    title TEXT NOT NULL,
    notation TEXT NOT NULL,
    payload BLOB NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL UNIQUE,
    message_id TEXT NOT NULL REFERENCES messages(doc_id),
    to_agency TEXT NOT NULL,
    to_system TEXT NOT NULL,
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_receiver ON deliveries(to_system, status);
"""


@dataclass(frozen=True, slots=True)
class AgencyRow:
    seq: int
    code: str
    system_id: str
    pid: str
    name: str
    mail: str
    old_code: str
    version: int
    deleted: bool
    modified: str


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    doc_id: str
    message_id: str
    kind: str
    from_system: str
    from_agency: str
    to_agency: str
    to_system: str
    status: str
    title: str
    notation: str
    created: str
    updated: str


_AGENCY_COLS = "seq, code, system_id, pid, name, mail, old_code, version, deleted, modified"
_DELIVERY_COLS = (
    "d.doc_id, d.message_id, m.kind, m.from_system, m.from_agency, d.to_agency, d.to_system, "
    "d.status, m.title, m.notation, d.created, d.updated"
)


# Queries assembled once from constant column lists (no caller data is ever interpolated).
_SELECT_AGENCIES = "SELECT " + _AGENCY_COLS + " FROM agencies"  # noqa: S608 - constants
_Q_AGENCIES_ACTIVE = _SELECT_AGENCIES + " WHERE deleted = 0 ORDER BY seq"
_Q_AGENCIES_ALL = _SELECT_AGENCIES + " ORDER BY seq"
_Q_AGENCY = _SELECT_AGENCIES + " WHERE code = ?"
_Q_DELIVERIES = (
    "SELECT "  # noqa: S608 - constant column list
    + _DELIVERY_COLS
    + " FROM deliveries d JOIN messages m ON m.doc_id = d.message_id"
)
_Q_RECEIVED = (
    _Q_DELIVERIES + " WHERE d.to_system = ? AND m.kind = ? AND d.status != 'done' ORDER BY d.seq"
)
_Q_DELIVERY = _Q_DELIVERIES + " WHERE d.doc_id = ?"
_Q_SENT = _Q_DELIVERIES + " WHERE m.from_system = ? AND m.kind = ?"
_Q_SENT_ONE = _Q_SENT + " AND m.doc_id = ?"


def _agency(row: tuple[Any, ...]) -> AgencyRow:
    return AgencyRow(
        seq=row[0],
        code=row[1],
        system_id=row[2],
        pid=row[3],
        name=row[4],
        mail=row[5],
        old_code=row[6],
        version=row[7],
        deleted=bool(row[8]),
        modified=row[9],
    )


class SimStore:
    def __init__(self, path: Path | None) -> None:
        target = ":memory:" if path is None else str(path)
        self._db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            if path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- agencies ---------------------------------------------------------------------------

    def seed_agency(self, row: AgencyRow) -> None:
        """Insert a configured agency unless the file already knows it (restarts keep edits)."""
        with self._tx() as db:
            db.execute(
                "INSERT OR IGNORE INTO agencies (code, system_id, pid, name, mail, old_code, "
                "modified) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row.code, row.system_id, row.pid, row.name, row.mail, row.old_code, row.modified),
            )

    def agencies(self, *, include_deleted: bool = False) -> list[AgencyRow]:
        query = _Q_AGENCIES_ALL if include_deleted else _Q_AGENCIES_ACTIVE
        with self._lock:
            rows = self._db.execute(query)
            return [_agency(r) for r in rows]

    def agency(self, code: str) -> AgencyRow | None:
        with self._lock:
            row = self._db.execute(_Q_AGENCY, (code,)).fetchone()
        return None if row is None else _agency(row)

    def register_agency(
        self,
        *,
        code: str,
        system_id: str,
        pid: str,
        name: str,
        mail: str,
        mobile: str,
        fax: str,
        now: str,
    ) -> bool:
        """Insert, or revive a deleted agency; False when an active one has this code."""
        with self._tx() as db:
            row = db.execute("SELECT deleted FROM agencies WHERE code = ?", (code,)).fetchone()
            if row is not None and not row[0]:
                return False
            if row is None:
                db.execute(
                    "INSERT INTO agencies (code, system_id, pid, name, mail, mobile, fax, "
                    "modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (code, system_id, pid, name, mail, mobile, fax, now),
                )
            else:
                db.execute(
                    "UPDATE agencies SET system_id = ?, pid = ?, name = ?, mail = ?, mobile = ?, "
                    "fax = ?, deleted = 0, version = version + 1, modified = ? WHERE code = ?",
                    (system_id, pid, name, mail, mobile, fax, now, code),
                )
            return True

    def delete_agency(self, code: str, now: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE agencies SET deleted = 1, version = version + 1, modified = ? "
                "WHERE code = ?",
                (now, code),
            )

    # -- messages ---------------------------------------------------------------------------

    def add_message(
        self,
        *,
        doc_id: str,
        kind: str,
        from_system: str,
        from_agency: str,
        title: str,
        notation: str,
        payload: bytes,
        now: str,
        deliveries: Sequence[tuple[str, str, str]],
    ) -> None:
        """One message and its deliveries ``(delivery doc_id, to_agency, to_system)``."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO messages (doc_id, kind, from_system, from_agency, title, notation, "
                "payload, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, kind, from_system, from_agency, title, notation, payload, now),
            )
            db.executemany(
                "INSERT INTO deliveries (doc_id, message_id, to_agency, to_system, status, "
                "created, updated) VALUES (?, ?, ?, ?, 'initial', ?, ?)",
                [(d, doc_id, agency, system, now, now) for d, agency, system in deliveries],
            )

    def received(self, system_id: str, kind: str) -> list[DeliveryRow]:
        """Deliveries for ``system_id`` not yet acknowledged ``done``, oldest first."""
        with self._lock:
            rows = self._db.execute(_Q_RECEIVED, (system_id, kind))
            return [DeliveryRow(*r) for r in rows]

    def delivery(self, doc_id: str) -> DeliveryRow | None:
        with self._lock:
            row = self._db.execute(_Q_DELIVERY, (doc_id,)).fetchone()
        return None if row is None else DeliveryRow(*row)

    def payload(self, delivery_id: str) -> bytes | None:
        with self._lock:
            row = self._db.execute(
                "SELECT m.payload FROM deliveries d JOIN messages m ON m.doc_id = d.message_id "
                "WHERE d.doc_id = ?",
                (delivery_id,),
            ).fetchone()
        return None if row is None else bytes(row[0])

    def set_status(self, delivery_id: str, status: str, now: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE deliveries SET status = ?, updated = ? WHERE doc_id = ?",
                (status, now, delivery_id),
            )

    def sent(self, system_id: str, kind: str, message_id: str | None) -> list[DeliveryRow]:
        args: tuple[str, ...]
        if message_id is None:
            query, args = _Q_SENT, (system_id, kind)
        else:
            query, args = _Q_SENT_ONE, (system_id, kind, message_id)
        with self._lock:
            return [DeliveryRow(*r) for r in self._db.execute(query + " ORDER BY d.seq", args)]
