"""Migrations reproduce the models exactly and run programmatically, idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from gateway.errors import StoreError
from gateway.store import Store
from gateway.store.db import current_revision, head_revision
from gateway.store.models import Base


def test_migrated_schema_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []
    assert current_revision(store.engine) == head_revision()


def test_open_twice_is_idempotent(backend_url: str | None, data_dir: Path) -> None:
    Store.open(backend_url, data_dir).close()
    with Store.open(backend_url, data_dir) as again:
        assert again.log.head()[0] == 0


def test_unmigrated_database_is_refused_without_migrate(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="gateway db upgrade"):
        Store.open(None, tmp_path, migrate=False)


def test_sqlite_pragmas_are_set(tmp_path: Path) -> None:
    with Store.open(None, tmp_path) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("mysql://u:sekret@h/db", "unsupported"),
        ("sqlite://", "in-memory"),
        ("postgresql+psycopg://u:sekret@127.0.0.1:1/db", "cannot open"),
    ],
)
def test_bad_urls_give_one_clear_error_without_the_password(
    tmp_path: Path, url: str, needle: str
) -> None:
    with pytest.raises(StoreError, match=needle) as info:
        Store.open(url, tmp_path)
    assert "sekret" not in str(info.value)
