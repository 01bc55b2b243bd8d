"""A simulator on a free loopback port with three systems, and clients for each."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from gateway.simulator import AgencyConfig, SimulatorConfig, SimulatorServer, SystemConfig
from gateway.transport.vxp import VxpClient, VxpConfig

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "vxp"
G12, G22, SAAS = "000.00.00.G12", "000.00.00.G22", "vxp.saas.02"
SECRETS = {G12: "bí-mật-bộ-công-thương-1", G22: "bí-mật-vpcp-2", SAAS: "saas-secret-3"}
ADMIN_TOKEN = "quan-tri-token-thu-nghiem"


def make_config(db: Path | None) -> SimulatorConfig:
    return SimulatorConfig(
        systems=(
            SystemConfig(G12, SECRETS[G12], "Bộ Công Thương"),
            SystemConfig(G22, SECRETS[G22], "Văn phòng Chính phủ"),
            SystemConfig(SAAS, SECRETS[SAAS], "Nền tảng dùng chung"),
        ),
        agencies=(
            AgencyConfig(G12, G12, "Bộ Công Thương", "vanthu@moit.example"),
            AgencyConfig(G22, G22, "Văn phòng Chính phủ", "vpcp@example.gov.vn"),
            AgencyConfig("000.00.00.H41", SAAS, "Ủy ban nhân dân tỉnh Nghệ An", pid=G22),
        ),
        port=0,
        db=db,
        admin_token=ADMIN_TOKEN,
    )


@pytest.fixture
def sim_config(tmp_path: Path) -> SimulatorConfig:
    return make_config(tmp_path / "axis-sim.sqlite3")


@pytest.fixture
def sim(sim_config: SimulatorConfig) -> Iterator[SimulatorServer]:
    server = SimulatorServer(sim_config)
    server.start()
    try:
        yield server
    finally:
        server.stop()


ClientFactory = Callable[..., VxpClient]


@pytest.fixture
def client_for(sim: SimulatorServer) -> Iterator[ClientFactory]:
    made: list[VxpClient] = []

    def factory(system: str, **changes: object) -> VxpClient:
        config = VxpConfig(endpoint=sim.url, system_id=system, secret=SECRETS[system], timeout=5.0)
        client = VxpClient(replace(config, **changes))  # type: ignore[arg-type]
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()


def package(name: str) -> bytes:
    return (VECTORS / name).read_bytes()
