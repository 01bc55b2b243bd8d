"""Store fixtures: every store test runs on SQLite and on PostgreSQL.

``backend_url`` is parametrised over ``sqlite`` (a file under the test's tmp dir; URL None
means "SQLite under the data dir") and ``postgres`` (a fresh database per test on the server
from tests/pg.py, dropped afterwards). ``store`` opens a migrated Store on it with a settable
clock and a seeded RNG.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.store import RetryPolicy, RetrySchedule, Store
from tests import pg


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 3, 14, 8, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


TEST_POLICY = RetryPolicy(
    schedules={
        "deliver": RetrySchedule(base_seconds=10, factor=2, max_delay_seconds=100, max_attempts=3),
    },
    default=RetrySchedule(base_seconds=1, factor=2, max_delay_seconds=60, max_attempts=5),
)


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    url, why = pg.server_url()
    if url is None:
        pytest.skip(why)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None
        return
    admin = request.getfixturevalue("pg_admin_url")
    url = pg.fresh_database(admin)
    yield url
    pg.drop_database(admin, url)


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database only (for PostgreSQL-specific tests)."""
    url = pg.fresh_database(pg_admin_url)
    yield url
    pg.drop_database(pg_admin_url, url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(backend_url: str | None, data_dir: Path, clock: FakeClock) -> Iterator[Store]:
    s = Store.open(backend_url, data_dir, clock=clock, policy=TEST_POLICY, rng=random.Random(7))
    yield s
    s.close()
