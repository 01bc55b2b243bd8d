"""Fixtures of the exchange tests: one dev PKI per session, one fresh exchange per e2e test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.security.devpki import DevPki
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
