"""Engines and migrations: SQLite embedded (default) and PostgreSQL (psycopg 3).

SQLite is opened in WAL mode with ``synchronous=FULL`` (a committed exchange record survives
a power cut), foreign keys on and a busy timeout so several processes wait for the one write
lock instead of failing. Python's sqlite3 module issues its own ``BEGIN`` lazily and cannot do
``BEGIN IMMEDIATE``; the driver's transaction handling is therefore switched off and the store
emits ``BEGIN IMMEDIATE`` itself, so a write transaction holds the write lock from its first
statement (no "database is locked" upgrade failure halfway through, and claims and log appends
are serialised). Read-only work uses ``DEFERRED`` transactions (see ``read_only``).

Migrations are Alembic scripts inside the package (``gateway/store/migrations``) applied with
:func:`upgrade`, under a lock so two processes starting together do not both migrate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from gateway.errors import StoreError

SQLITE_FILE = "gateway.sqlite3"
_BEGIN_OPTION = "gateway_sqlite_begin"
_MIGRATION_LOCK_KEY = 0x6761_7465_7761_79  # "gateway", PostgreSQL advisory lock key


def default_url(data_dir: Path) -> str:
    """The embedded database under the data directory."""
    return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def safe_url(url: str) -> str:
    """The URL with any password masked, fit for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def create_store_engine(url: str, *, busy_timeout_ms: int = 30_000) -> Engine:
    """An engine configured for the store; only SQLite and PostgreSQL (psycopg 3) are accepted."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"database URL {safe_url(url)!r} is not valid: {exc}") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise StoreError("an in-memory SQLite database cannot hold durable work; give a file")
        engine = create_engine(parsed, connect_args={"timeout": busy_timeout_ms / 1000})
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "psycopg2") or parsed.drivername == (
            "postgresql"
        ):
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            return create_engine(parsed, pool_pre_ping=True)
        except ImportError as exc:
            raise StoreError(f"PostgreSQL needs psycopg 3 (pip install psycopg): {exc}") from None
    raise StoreError(f"unsupported database {backend!r}: use sqlite or postgresql+psycopg")


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the store emits BEGIN itself
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {'DEFERRED' if mode == 'DEFERRED' else 'IMMEDIATE'}")


def read_only(engine: Engine) -> Engine:
    """The same engine, but SQLite transactions start DEFERRED (readers do not take the lock)."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"})
    return engine


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "gateway.store:migrations")
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise StoreError("the store package ships no migrations")
    return head


def current_revision(engine: Engine) -> str | None:
    with read_only(engine).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (normally head); safe to call from several processes."""
    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except SQLAlchemyError as exc:
        url = engine.url.render_as_string(hide_password=True)
        raise StoreError(f"migrating {url} failed: {exc.__class__.__name__}: {exc}") from exc
