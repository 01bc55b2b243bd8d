"""Directory sync: the merge rules (pure), and the real axis simulator's agency list."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.demo.parties import MINISTRY, PARTNER, prepare_workdir
from gateway.demo.stage import gateway_settings, make_pki, new_secrets
from gateway.exchange.directory import DirectoryEntry, merge, sync_directory
from gateway.simulator import AgencyConfig, SimulatorConfig, SimulatorServer, SystemConfig
from gateway.store import AgencyRecord, Store, get_agency, list_agencies, upsert_agencies
from gateway.transport.vxp import VxpClient, VxpConfig
from gateway.transport.vxp.directory import VxpDirectory

from .sigkill_support import settings_toml

MOIT, MOF, VPCP = "000.00.00.G12", "000.00.00.G10", "000.00.00.G22"
CUC = "000.01.12.G12"  # a department under the ministry


def test_new_agencies_are_added_on_the_axis_channel() -> None:
    records, report = merge(
        [],
        [DirectoryEntry(MOIT, "Bộ Công Thương"), DirectoryEntry(CUC, "Cục Điện lực", MOIT)],
        channel="axis",
    )
    assert report.added == 2 and report.updated == 0 and report.deactivated == 0
    assert {r.identifier: (r.parent, r.channel) for r in records} == {
        MOIT: (None, "axis"),
        CUC: (MOIT, "axis"),
    }


def test_local_routing_and_binding_survive_a_sync() -> None:
    direct = AgencyRecord(
        identifier=MOF,
        name="Bo Tai chinh",
        channel="soap",
        endpoint="https://lienthong.mof.gov.vn/edxml",
        cert_fingerprint_sha256="ab" * 32,
    )
    records, report = merge([direct], [DirectoryEntry(MOF, "Bộ Tài chính")], channel="axis")
    assert report.updated == 1
    [updated] = records
    assert updated.name == "Bộ Tài chính"
    assert (updated.channel, updated.endpoint, updated.cert_fingerprint_sha256) == (
        "soap",
        "https://lienthong.mof.gov.vn/edxml",
        "ab" * 32,
    )


def test_agencies_gone_from_the_axis_are_deactivated_not_deleted_unless_direct() -> None:
    current = [
        AgencyRecord(identifier=VPCP, name="Văn phòng Chính phủ"),
        AgencyRecord(identifier=MOF, name="Bộ Tài chính", channel="soap"),
    ]
    records, report = merge(current, [], channel="axis")
    assert report.deactivated == 1
    assert records == [replace(current[0], active=False)]


def test_unknown_parent_and_unchanged_entries() -> None:
    same = AgencyRecord(identifier=MOIT, name="Bộ Công Thương")
    records, report = merge(
        [same],
        [
            DirectoryEntry(MOIT, "Bộ Công Thương"),
            DirectoryEntry(CUC, "Cục Điện lực", "999.99.99.G99"),
        ],
        channel="axis",
    )
    assert report.updated == 0 and report.added == 1
    assert records[0].parent is None  # a parent nobody knows is dropped, not invented


@pytest.fixture
def simulator(tmp_path: Path) -> SimulatorServer:
    return SimulatorServer(
        SimulatorConfig(
            systems=(SystemConfig(MOIT, "bí-mật-đồng-bộ-danh-bạ"),),
            agencies=(
                AgencyConfig(MOIT, MOIT, "Bộ Công Thương"),
                AgencyConfig(CUC, MOIT, "Cục Điện lực và Năng lượng tái tạo", pid=MOIT),
                AgencyConfig(VPCP, MOIT, "Văn phòng Chính phủ"),
            ),
            port=0,
            db=None,
        )
    )


def test_sync_from_the_simulator_resolves_parents_and_logs(
    tmp_path: Path, simulator: SimulatorServer
) -> None:
    url = simulator.start()
    try:
        with (
            VxpClient(
                VxpConfig(endpoint=url, system_id=MOIT, secret="bí-mật-đồng-bộ-danh-bạ")
            ) as c,
            Store.open(None, tmp_path / "data") as store,
        ):
            with store.transaction() as s:
                upsert_agencies(s, [AgencyRecord(identifier="000.00.00.G99", name="Cơ quan cũ")])
            report = sync_directory(store, VxpDirectory(c))
            assert (report.listed, report.added, report.deactivated) == (3, 3, 1)
            with store.reading() as s:
                cuc = get_agency(s, CUC)
                old = get_agency(s, "000.00.00.G99")
            assert cuc is not None and cuc.parent == MOIT
            assert cuc.name == "Cục Điện lực và Năng lượng tái tạo"
            assert old is not None and not old.active
            again = sync_directory(store, VxpDirectory(c))
            assert (again.added, again.updated, again.deactivated) == (0, 0, 0)
            seq, _ = store.log.head()
            assert seq == 1  # one "directory.sync" entry: nothing changed the second time
    finally:
        simulator.stop()


def test_cli_sync_and_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = prepare_workdir(tmp_path / "ws")
    env = new_secrets([MINISTRY, PARTNER])
    sim = SimulatorServer(
        SimulatorConfig(
            systems=(SystemConfig(MINISTRY.organ_id, env[MINISTRY.secret_env]),),
            agencies=(AgencyConfig(MINISTRY.organ_id, MINISTRY.organ_id, MINISTRY.name),),
            port=0,
            db=None,
        )
    )
    url = sim.start()
    try:
        config = ws.root / "moit.toml"
        config.write_text(
            settings_toml(gateway_settings(MINISTRY, [PARTNER], make_pki(ws), ws, url)), "utf-8"
        )
        monkeypatch.setenv(MINISTRY.secret_env, env[MINISTRY.secret_env])
        assert main(["directory", "sync", "--config", str(config)]) == 0
        assert json.loads(capsys.readouterr().out)["added"] == 1
        assert main(["directory", "list", "--config", str(config)]) == 0
        [row] = json.loads(capsys.readouterr().out)
        assert row["identifier"] == MINISTRY.organ_id and row["name"] == "Bộ Công Thương"
        with Store.open(None, ws.data_dir(MINISTRY)) as store, store.reading() as s:
            assert [a.identifier for a in list_agencies(s)] == [MINISTRY.organ_id]
    finally:
        sim.stop()
