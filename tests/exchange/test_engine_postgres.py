"""The exchange on the production store: both gateways on PostgreSQL, run by their schedulers.

The other end-to-end tests drive SQLite gateways with ``tick()``; this one checks that the same
journey holds on PostgreSQL (SKIP LOCKED claims, timestamptz, the log head row) with the
background scheduler's threads working concurrently, as ``gateway run`` does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from gateway.app import Gateway
from gateway.config import DatabaseSettings
from gateway.demo.letter import compose_letter, drop_letter
from gateway.demo.parties import MINISTRY, PARTNER, prepare_workdir
from gateway.demo.stage import gateway_settings, make_pki, new_secrets, simulator_config
from gateway.exchange.progress import outbound_progress
from gateway.simulator import SimulatorServer
from tests import pg

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_urls() -> Iterator[tuple[str, str]]:
    admin, why = pg.server_url()
    if admin is None:
        pytest.skip(why)
    urls = (pg.fresh_database(admin, "gw_engine"), pg.fresh_database(admin, "gw_engine"))
    yield urls
    for url in urls:
        pg.drop_database(admin, url)


def _wait(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_letter_and_status_01_on_postgresql_with_schedulers(
    tmp_path: Path, pg_urls: tuple[str, str]
) -> None:
    ws = prepare_workdir(tmp_path / "run")
    pki = make_pki(ws)
    env = new_secrets([MINISTRY, PARTNER])
    sim = SimulatorServer(simulator_config([MINISTRY, PARTNER], env, db=ws.axis_db))
    url = sim.start()
    gateways: list[Gateway] = []
    try:
        for party, peer, db_url in (
            (MINISTRY, PARTNER, pg_urls[0]),
            (PARTNER, MINISTRY, pg_urls[1]),
        ):
            settings = replace(
                gateway_settings(party, [peer], pki, ws, url),
                database=DatabaseSettings(url=db_url),
            )
            gateways.append(Gateway.from_settings(settings, environ=env))
        ministry = gateways[0]
        letter = compose_letter(MINISTRY, PARTNER, date(2026, 12, 2))
        drop_letter(ws.dropfolder(MINISTRY) / "outbox", letter)
        for g in gateways:
            g.start()

        inbox = ws.dropfolder(PARTNER) / "inbox"

        def arrived() -> bool:
            return inbox.is_dir() and any(inbox.glob("*/metadata.json"))

        def answered() -> bool:
            with ministry.store.reading() as s:
                docs = outbound_progress(s)
            return bool(docs) and "01" in docs[0].recipients[0].has

        assert _wait(arrived, 30), "the letter did not reach the partner's inbox"
        assert _wait(answered, 30), "status 01 did not come back to the ministry"
        folder = next(inbox.glob("*/metadata.json")).parent
        meta = json.loads((folder / "metadata.json").read_text("utf-8"))
        assert meta["subject"] == letter.metadata["subject"]
        assert (folder / letter.pdf_name).read_bytes() == letter.pdf
        for g in gateways:
            assert g.store.engine.dialect.name == "postgresql"
            assert g.store.verify_log().ok
    finally:
        for g in gateways:
            g.close()
        sim.stop()
