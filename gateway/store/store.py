"""The store facade: one object that opens the database and hands out its services.

``Store.open(url, data_dir)`` creates the data directory, connects, runs the packaged Alembic
migrations to head and returns a store whose parts are:

* ``store.transaction()``: a write session (one transaction, committed on success);
* ``store.reading()``: a read-only session (SQLite readers do not take the write lock);
* ``store.blobs``: the content-addressed package store under ``data_dir/blobs``;
* ``store.queue``: the work queue; ``store.log``: the exchange log;
* ``verify_log``, ``export_evidence``, ``archive_log`` for the integrity tooling.

Documents, deliveries, status events and the directory are module functions that take a
session (:mod:`gateway.store.documents`, ``inbox``, ``deliveries``, ``statuses``, ``directory``),
so the engine composes them into its own transactions.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from gateway.errors import StoreError
from gateway.store import archive, db, evidence
from gateway.store.backoff import RetryPolicy
from gateway.store.blobs import BlobRef, BlobStore
from gateway.store.clock import Clock, system_clock
from gateway.store.log import ExchangeLog, LogVerification
from gateway.store.queue import WorkQueue


class Store:
    def __init__(
        self,
        engine: Engine,
        data_dir: Path,
        *,
        clock: Clock = system_clock,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.engine = engine
        self.data_dir = data_dir
        self.clock = clock
        self.blobs = BlobStore(data_dir / "blobs")
        self.archive_dir = data_dir / "archive"
        self.write_sessions = sessionmaker(engine, expire_on_commit=False)
        self.read_sessions = sessionmaker(db.read_only(engine), expire_on_commit=False)
        self.queue = WorkQueue(
            self.write_sessions, self.read_sessions, policy=policy, clock=clock, rng=rng
        )
        self.log = ExchangeLog(self.read_sessions, self.blobs, clock=clock)

    @classmethod
    def open(
        cls,
        url: str | None,
        data_dir: Path | str,
        *,
        migrate: bool = True,
        clock: Clock = system_clock,
        policy: RetryPolicy | None = None,
        rng: random.Random | None = None,
        busy_timeout_ms: int = 30_000,
    ) -> Store:
        """Open (and by default migrate) the store; ``url`` None = SQLite under ``data_dir``."""
        data = Path(data_dir)
        try:
            data.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create data directory {data}: {exc.strerror}") from None
        engine = db.create_store_engine(
            url or db.default_url(data), busy_timeout_ms=busy_timeout_ms
        )
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            if migrate:
                db.upgrade(engine)
            else:
                current, head = db.current_revision(engine), db.head_revision()
                if current != head:
                    raise StoreError(
                        f"database schema is at {current or 'nothing'}, this gateway needs {head}:"
                        " run `gateway db upgrade`"
                    )
        except SQLAlchemyError as exc:
            engine.dispose()
            reason = str(exc.orig if hasattr(exc, "orig") and exc.orig else exc).splitlines()[0]
            raise StoreError(
                f"cannot open database {db.safe_url(str(engine.url))}: {reason}"
            ) from None
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, data, clock=clock, policy=policy, rng=rng)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction: commits when the block ends, rolls back on an exception."""
        with self.write_sessions.begin() as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.read_sessions.begin() as session:
            yield session

    def put_package(self, source: bytes | BinaryIO | Iterable[bytes]) -> BlobRef:
        """Write raw package bytes durably (before any row names them); returns the reference."""
        if isinstance(source, bytes | bytearray | memoryview):
            return self.blobs.put_bytes(bytes(source))
        return self.blobs.put_stream(source)

    def verify_log(self, *, check_blobs: bool = True, archives: bool = False) -> LogVerification:
        """Verify the live chain (from the newest checkpoint); with ``archives`` the files too."""
        if archives:
            result = archive.verify_archives(self.read_sessions, self.archive_dir)
            if not result.ok:
                return result
        return self.log.verify(check_blobs=check_blobs)

    def export_evidence(self, document_id: str, out_path: Path | str) -> evidence.EvidenceSummary:
        """Write the evidence ZIP of one document (see :mod:`gateway.store.evidence`)."""
        return evidence.export_evidence(
            self.read_sessions,
            self.blobs,
            document_id,
            Path(out_path),
            verification=self.verify_log(),
            archived=lambda: archive.iter_archived(self.read_sessions, self.archive_dir),
            now=self.clock(),
        )

    def archive_log(self, policy: archive.RetentionPolicy) -> archive.ArchiveResult | None:
        """Archive one batch of old log entries (see :mod:`gateway.store.archive`)."""
        return archive.archive_log(self.write_sessions, self.archive_dir, policy, now=self.clock())


def describe(store: Store) -> dict[str, Any]:
    """What a store is connected to (for `gateway db upgrade` and diagnostics)."""
    return {
        "database": db.safe_url(store.engine.url.render_as_string(hide_password=False)),
        "data_dir": str(store.data_dir),
        "revision": db.current_revision(store.engine),
    }
