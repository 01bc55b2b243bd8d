"""Fixtures of the exchange tests: one dev PKI per session, one fresh exchange per e2e test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.demo.parties import MINISTRY, PARTNER, Workspace, prepare_workdir
from gateway.demo.stage import new_secrets, simulator_config
from gateway.security.devpki import DevPki
from gateway.simulator import SimulatorServer
from tests.exchange.e2e_harness import Exchange, make_template_pki, start_exchange

ExchangeFactory = Callable[..., Exchange]


@pytest.fixture(scope="session")
def template_pki(tmp_path_factory: pytest.TempPathFactory) -> DevPki:
    """Generating the dev PKI is the slow part of staging: once per session, copied per test."""
    return make_template_pki(tmp_path_factory.mktemp("pki-template"))


@pytest.fixture
def make_exchange(tmp_path: Path, template_pki: DevPki) -> Iterator[ExchangeFactory]:
    """``make_exchange(tweak_a=..., tweak_b=...)`` starts simulator + two gateways; all stop
    at the end of the test, whatever happened."""
    started: list[Exchange] = []

    def make(**options: Any) -> Exchange:
        root = tmp_path / f"exchange-{len(started)}"
        ex = start_exchange(root, template_pki=template_pki, **options)
        started.append(ex)
        return ex

    yield make
    for ex in started:
        ex.close()


@pytest.fixture
def exchange(make_exchange: ExchangeFactory) -> Exchange:
    return make_exchange()


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A demo-style work directory (the layout the process-level tests share)."""
    return prepare_workdir(tmp_path / "ws")


@pytest.fixture
def environ() -> dict[str, str]:
    """Fresh axis secrets for the ministry and the partner."""
    return new_secrets([MINISTRY, PARTNER])


@pytest.fixture
def axis(workspace: Workspace, environ: dict[str, str]) -> Iterator[str]:
    """The axis simulator on a free loopback port, with its own SQLite file."""
    config = simulator_config([MINISTRY, PARTNER], environ, db=workspace.axis_db)
    with SimulatorServer(config) as sim:
        yield sim.url
