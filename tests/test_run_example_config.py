"""`gateway run --once` with the shipped config.example.toml: the configuration a new
installation starts from must wire up (dev PKI paths, CRLs, adapter, axis) and really send."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.demo.letter import compose_letter, drop_letter
from gateway.demo.parties import MINISTRY, Party
from gateway.security.devpki import init_dev_pki
from gateway.simulator import AgencyConfig, SimulatorConfig, SimulatorServer, SystemConfig
from gateway.transport.vxp import VxpClient, VxpConfig

ROOT = Path(__file__).resolve().parent.parent
G22 = Party("000.00.00.G22", "Văn phòng Chính phủ", "vpcp")
SECRETS = {MINISTRY.organ_id: "bí-mật-của-bộ-công-thương", G22.organ_id: "bí-mật-vpcp"}


def test_example_config_sends_a_letter_in_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    shutil.copy(ROOT / "config.example.toml", config)
    init_dev_pki(tmp_path / "certs" / "dev")
    sim = SimulatorServer(
        SimulatorConfig(
            systems=tuple(SystemConfig(o, s) for o, s in SECRETS.items()),
            agencies=(
                AgencyConfig(MINISTRY.organ_id, MINISTRY.organ_id, MINISTRY.name),
                AgencyConfig(G22.organ_id, G22.organ_id, G22.name),
            ),
            port=0,
            db=None,
        )
    )
    url = sim.start()
    try:
        monkeypatch.chdir(tmp_path)  # the adapter's root option is relative to the cwd
        monkeypatch.setenv("GATEWAY_AXIS_SECRET", SECRETS[MINISTRY.organ_id])
        monkeypatch.setenv("GATEWAY__AXIS__ENDPOINT", url)
        letter = compose_letter(MINISTRY, G22, date(2026, 12, 2))
        letter = replace(letter, metadata={**letter.metadata, "recipients": [G22.organ_id]})
        drop_letter(tmp_path / "data" / "dropfolder" / "outbox", letter)

        assert main(["run", "--config", str(config), "--once"]) == 0
        assert '"accepted": 1' in capsys.readouterr().out

        vpcp = VxpClient(
            VxpConfig(endpoint=url, system_id=G22.organ_id, secret=SECRETS[G22.organ_id])
        )
        try:
            waiting = vpcp.get_received_edoc_list("edoc")
            assert len(waiting) == 1
            assert waiting[0].sender == MINISTRY.organ_id
        finally:
            vpcp.close()
        assert (tmp_path / "data" / "gateway.sqlite3").is_file()
        assert list((tmp_path / "data" / "dropfolder" / "done").iterdir())
    finally:
        sim.stop()
