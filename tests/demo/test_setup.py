"""The demo's setup pieces on their own: work dir, PKI, simulator, settings, letter, clerk."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from cryptography.x509.oid import NameOID

from adapters.dropfolder import DropFolderAdapter
from gateway.demo.clerk import VIETNAM, Clerk
from gateway.demo.letter import compose_letter, drop_letter
from gateway.demo.parties import MINISTRY, PARTNER, Workspace, prepare_workdir
from gateway.demo.stage import gateway_settings, make_pki, new_secrets, simulator_config
from gateway.errors import AxisError, ConfigError
from gateway.exchange.backoffice import OutgoingDocument, OutgoingStatus
from gateway.security.devpki import ORGANISATIONS, DevPki
from gateway.security.factory import key_source_from_settings, trust_from_settings
from gateway.simulator import SimulatorServer
from gateway.transport.vxp import VxpClient, VxpConfig

TODAY = date(2025, 9, 15)


def nfc(text: str) -> bool:
    return unicodedata.normalize("NFC", text) == text


# -- work directory -----------------------------------------------------------------------


def test_workdir_is_created_and_recreated(tmp_path: Path) -> None:
    ws = prepare_workdir(tmp_path / "demo-run")
    (ws.root / "leftover.txt").write_text("từ lần chạy trước", "utf-8")
    again = prepare_workdir(tmp_path / "demo-run")
    assert again.root == ws.root
    assert not (again.root / "leftover.txt").exists()


def test_workdir_refuses_a_foreign_non_empty_directory(tmp_path: Path) -> None:
    precious = tmp_path / "hồ sơ"
    precious.mkdir()
    (precious / "công văn.pdf").write_bytes(b"%PDF")
    with pytest.raises(ConfigError, match="not made by 'gateway demo'"):
        prepare_workdir(precious)
    assert (precious / "công văn.pdf").exists()
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(ConfigError, match="not a directory"):
        prepare_workdir(a_file)


def test_parties_are_organisations_of_the_dev_pki() -> None:
    assert MINISTRY.organ_id == "000.00.00.G12"
    assert MINISTRY.name == "Bộ Công Thương"
    assert PARTNER.organ_id in ORGANISATIONS
    assert PARTNER.name == ORGANISATIONS[PARTNER.organ_id]
    assert MINISTRY.secret_env != PARTNER.secret_env


# -- PKI, simulator, settings -------------------------------------------------------------


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> tuple[Workspace, DevPki]:
    ws = prepare_workdir(tmp_path_factory.mktemp("stage") / "run")
    return ws, make_pki(ws)


def test_each_gateway_signs_with_its_own_dev_key_and_trusts_the_dev_ca(
    stage: tuple[Workspace, DevPki],
) -> None:
    ws, pki = stage
    environ = new_secrets((MINISTRY, PARTNER))
    for party, peer in ((MINISTRY, PARTNER), (PARTNER, MINISTRY)):
        s = gateway_settings(party, (peer,), pki, ws, "http://127.0.0.1:9")
        assert s.identity.organ_id == party.organ_id
        assert s.identity.data_dir == ws.data_dir(party)
        assert s.adapter.options == {"root": str(ws.dropfolder(party))}
        assert s.axis.system_id == party.organ_id
        assert s.axis.secret_env in environ
        assert s.poll.receive_interval_seconds <= 0.5
        assert s.poll.outbox_interval_seconds <= 0.5
        assert set(s.partners) == {peer.organ_id}
        assert s.trust.revocation == "fail-closed"
        assert all(p.is_file() for p in s.trust.crl_files)
        source = key_source_from_settings(s.signing, environ)
        leaf = source.chain[0]
        uid = leaf.subject.get_attributes_for_oid(NameOID.USER_ID)
        assert uid[0].value == party.organ_id
        trust_from_settings(s)  # CA bundle and CRL files load


def test_work_dirs_of_the_two_gateways_do_not_overlap(stage: tuple[Workspace, DevPki]) -> None:
    ws, _ = stage
    assert ws.data_dir(MINISTRY) != ws.data_dir(PARTNER)
    assert ws.dropfolder(MINISTRY) != ws.dropfolder(PARTNER)


def test_simulator_registers_both_systems_with_their_own_secrets(tmp_path: Path) -> None:
    environ = new_secrets((MINISTRY, PARTNER))
    config = simulator_config((MINISTRY, PARTNER), environ, db=tmp_path / "axis.sqlite3")
    assert {s.id for s in config.systems} == {MINISTRY.organ_id, PARTNER.organ_id}
    assert {a.code: a.system for a in config.agencies} == {
        MINISTRY.organ_id: MINISTRY.organ_id,
        PARTNER.organ_id: PARTNER.organ_id,
    }
    with SimulatorServer(config) as sim:
        assert sim.url.startswith("http://127.0.0.1:")
        own = VxpConfig(sim.url, MINISTRY.organ_id, environ[MINISTRY.secret_env])
        with VxpClient(own) as client:
            names = {a.code: a.name for a in client.get_agencies_list()}
        assert names[PARTNER.organ_id] == "Bộ Tài chính"
        wrong = VxpConfig(sim.url, MINISTRY.organ_id, environ[PARTNER.secret_env])
        with VxpClient(wrong) as client, pytest.raises(AxisError, match="103"):
            client.get_agencies_list()


# -- the letter ---------------------------------------------------------------------------


def test_letter_is_a_valid_outbox_item_with_its_pdf(tmp_path: Path) -> None:
    letter = compose_letter(MINISTRY, PARTNER, TODAY)
    adapter = DropFolderAdapter(tmp_path / "drop")
    folder = drop_letter(tmp_path / "drop" / "outbox", letter)
    assert folder.name == "cv-4521-BCT-TTTN"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["metadata.json", "manifest.json", "Công văn 4521 BCT-TTTN.pdf"]
    )
    items = list(adapter.take_outgoing())
    assert len(items) == 1
    item = items[0]
    assert isinstance(item, OutgoingDocument), item
    assert item.recipients == (PARTNER.organ_id,)
    assert item.info.code_number == "4521"
    assert item.info.code_notation == "BCT-TTTN"
    assert item.info.subject == letter.subject
    assert "Quỹ Bình ổn giá xăng dầu" in item.info.subject
    assert item.info.signer.competence == "TL. BỘ TRƯỞNG"
    assert item.info.promulgation_date == TODAY
    assert "Như trên" in item.info.to_places
    (attachment,) = item.attachments
    assert attachment.content_type == "application/pdf"
    assert attachment.path is not None
    assert attachment.path.read_bytes() == letter.pdf
    assert letter.pdf.startswith(b"%PDF-1.4")
    assert all(nfc(str(v)) for v in letter.metadata.values() if isinstance(v, str))


def test_letter_is_never_seen_half_written(tmp_path: Path) -> None:
    letter = compose_letter(MINISTRY, PARTNER, TODAY)
    outbox = tmp_path / "outbox"
    drop_letter(outbox, letter)
    assert [p.name for p in outbox.iterdir()] == [letter.folder]  # no temp folder left
    with pytest.raises(FileExistsError):
        drop_letter(outbox, letter)
    assert [p.name for p in outbox.iterdir()] == [letter.folder]


# -- the partner's clerk ------------------------------------------------------------------


def _arrived(root: Path, name: str = "cv-4521-abc") -> Path:
    folder = root / "inbox" / name
    folder.mkdir(parents=True)
    (folder / "cong-van.pdf").write_bytes(b"%PDF-1.4 demo")
    meta = {
        "document_id": "000.00.00.G12,2025/09/15,4521/BCT-TTTN",
        "sender": MINISTRY.organ_id,
        "code_number": "4521",
        "code_notation": "BCT-TTTN",
        "subject": "V/v phối hợp cung cấp số liệu",
        "attachments": [{"file": "cong-van.pdf", "original_name": "Công văn 4521 BCT-TTTN.pdf"}],
    }
    (folder / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    return folder


def test_clerk_answers_each_arrival_once_with_a_valid_status_03(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    adapter = DropFolderAdapter(root)
    folder = _arrived(root)
    (root / "inbox" / "not-yet").mkdir()  # no metadata.json: still being written
    clerk = Clerk(root)
    at = datetime(2025, 9, 15, 9, 30, tzinfo=VIETNAM)
    (arrival,) = clerk.poll(at)
    assert arrival.folder == folder
    assert arrival.code == "4521/BCT-TTTN"
    assert arrival.attachment("Công văn 4521 BCT-TTTN.pdf") == folder / "cong-van.pdf"
    assert arrival.attachment("khác.pdf") is None
    assert clerk.poll(at) == []
    (item,) = list(adapter.take_outgoing())
    assert isinstance(item, OutgoingStatus), item
    assert item.code == "03"
    assert item.original.document_id == "000.00.00.G12,2025/09/15,4521/BCT-TTTN"
    assert item.original.organ_id == MINISTRY.organ_id
    assert item.time == at
    assert item.description == "Đã tiếp nhận và vào sổ văn bản đến"


def test_reading_clerk_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    _arrived(root)
    (arrival,) = Clerk(root, answer=False).poll()
    assert arrival.status_file is None
    assert not (root / "outbox-status").exists()
