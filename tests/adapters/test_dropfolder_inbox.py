"""The inbox: received documents appear whole, once, under names that cannot hurt."""

from __future__ import annotations

import json
import shutil
import threading
import unicodedata
from pathlib import Path

import pytest

from adapters.dropfolder import DropFolderAdapter
from gateway.errors import AdapterError
from gateway.exchange.backoffice import Attachment, DeliveryOutcome, DocumentRef
from tests.adapters.dropfolder_kit import PDF_BYTES, received, revoke_business, status_change


def only_folder(root: Path) -> Path:
    (folder,) = list((root / "inbox").iterdir())
    return folder


def test_document_is_written_with_every_field(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    assert adapter.deliver_document(received()) is DeliveryOutcome.DELIVERED
    folder = only_folder(tmp_path)
    raw = (folder / "metadata.json").read_text(encoding="utf-8")
    assert "Về việc báo cáo tình hình cung ứng xăng dầu quý II" in raw  # letters, not \\u escapes
    meta = json.loads(raw)
    assert meta["gateway_id"] == "pkg-2024-000123"
    assert meta["sender"] == "000.00.00.H26"
    assert meta["sender_name"] == "Ủy ban nhân dân thành phố Hải Phòng"
    assert meta["promulgation_date"] == "2024-06-10"
    assert meta["due_date"] == "2024-06-20"
    assert meta["priority"] == 2
    assert meta["signer"] == {
        "full_name": "Lê Văn Thành",
        "position": "Phó Chủ tịch",
        "competence": "TM. ỦY BAN NHÂN DÂN",
    }
    assert meta["business"]["type"] == 0 and meta["business"]["type_name"] == "new"
    assert meta["received_at"] == "2024-06-10T08:30:00+00:00"
    (att,) = meta["attachments"]
    assert att["file"] == "Báo cáo xăng dầu.pdf" and att["size"] == len(PDF_BYTES)
    assert (folder / att["file"]).read_bytes() == PDF_BYTES
    assert list((tmp_path / ".tmp").iterdir()) == []


def test_revoke_carries_the_document_it_concerns(tmp_path: Path) -> None:
    target = revoke_business().target
    assert target is not None
    doc = received("pkg-revoke", business=revoke_business(), concerns=(target,))
    DropFolderAdapter(tmp_path).deliver_document(doc)
    meta = json.loads((only_folder(tmp_path) / "metadata.json").read_text(encoding="utf-8"))
    assert meta["business"]["type_name"] == "revoke"
    assert meta["business"]["reason"] == "Văn bản ban hành nhầm đối tượng"
    assert meta["business"]["target"]["document_id"] == target.document_id
    assert meta["concerns"][0]["organ_id"] == "000.00.00.H26"


def test_second_delivery_is_recognised_even_after_the_back_office_took_it(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    assert adapter.deliver_document(received()) is DeliveryOutcome.DELIVERED
    assert adapter.deliver_document(received()) is DeliveryOutcome.ALREADY_DELIVERED
    assert len(list((tmp_path / "inbox").iterdir())) == 1
    shutil.rmtree(only_folder(tmp_path))  # the back office imported and removed it
    again = DropFolderAdapter(tmp_path)  # a restarted gateway
    assert again.deliver_document(received()) is DeliveryOutcome.ALREADY_DELIVERED
    assert list((tmp_path / "inbox").iterdir()) == []
    assert again.deliver_document(received("pkg-other")) is DeliveryOutcome.DELIVERED


def test_folder_written_before_a_crash_is_recognised(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    adapter.deliver_document(received())
    shutil.rmtree(tmp_path / ".state" / "delivered")  # crash before the ledger entry
    (tmp_path / ".state" / "delivered").mkdir()
    assert adapter.deliver_document(received()) is DeliveryOutcome.ALREADY_DELIVERED
    assert len(list((tmp_path / "inbox").iterdir())) == 1


def test_concurrent_deliveries_of_one_document_make_one_folder(tmp_path: Path) -> None:
    adapters = [DropFolderAdapter(tmp_path, owner=f"gw{i}") for i in range(4)]
    outcomes: list[DeliveryOutcome] = []
    barrier = threading.Barrier(len(adapters))

    def run(a: DropFolderAdapter) -> None:
        barrier.wait()
        outcomes.append(a.deliver_document(received("pkg-race")))

    threads = [threading.Thread(target=run, args=(a,)) for a in adapters]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(DeliveryOutcome.DELIVERED) == 1
    assert len(list((tmp_path / "inbox").iterdir())) == 1
    assert list((tmp_path / ".tmp").iterdir()) == []


HOSTILE = [
    "../../../etc/passwd",
    "..",
    "/tmp/tuyệt-mật.pdf",
    "C:\\Windows\\system32\\cmd.exe",
    "CON.pdf",
    "lpt1",
    "bao\x00cao.pdf",
    "hóa đơn\u202egpj.exe",
    "Công văn.pdf",
    "CÔNG VĂN.pdf",
    unicodedata.normalize("NFD", "Công văn.pdf"),
    "metadata.json",
    "",
    "   ...   ",
    "tờ trình " + "rất dài " * 60 + ".docx",
]


def test_hostile_attachment_names_stay_inside_and_unique(tmp_path: Path) -> None:
    atts = tuple(Attachment(n, data=f"tệp {i}".encode()) for i, n in enumerate(HOSTILE))
    DropFolderAdapter(tmp_path).deliver_document(received("pkg-hostile", attachments=atts))
    folder = only_folder(tmp_path)
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    written = [a["file"] for a in meta["attachments"]]
    assert [a["original_name"] for a in meta["attachments"]] == HOSTILE
    assert len({w.casefold() for w in written} | {"metadata.json"}) == len(HOSTILE) + 1
    on_disk = {p.name for p in folder.iterdir()}
    assert on_disk == set(written) | {"metadata.json"}
    for i, name in enumerate(written):
        assert (folder / name).read_bytes() == f"tệp {i}".encode()
        assert "/" not in name and "\\" not in name and name not in (".", "..")
        assert name.split(".")[0].upper() not in {"CON", "LPT1"}
        assert len(name.encode()) <= 180
    assert written[8] == "Công văn.pdf" and written[9] == "CÔNG VĂN (2).pdf"
    assert written[10] == "Công văn (3).pdf"
    assert not (tmp_path / "etc").exists() and not Path("/tmp/tuyệt-mật.pdf").exists()


def test_attachment_from_a_path_is_copied(tmp_path: Path) -> None:
    source = tmp_path / "blob"
    source.write_bytes(PDF_BYTES * 1000)
    root = tmp_path / "root"
    att = Attachment("Phụ lục.pdf", "application/pdf", path=source)
    DropFolderAdapter(root).deliver_document(received("pkg-path", attachments=(att,)))
    assert (only_folder(root) / "Phụ lục.pdf").read_bytes() == PDF_BYTES * 1000


def test_failed_delivery_leaves_nothing_behind(tmp_path: Path) -> None:
    att = Attachment("mất.pdf", path=tmp_path / "does-not-exist")
    root = tmp_path / "root"
    adapter = DropFolderAdapter(root)
    with pytest.raises(AdapterError, match="cannot deliver 'pkg-broken'") as info:
        adapter.deliver_document(received("pkg-broken", attachments=(att,)))
    assert info.value.retryable
    assert list((root / "inbox").iterdir()) == []
    assert list((root / ".tmp").iterdir()) == []
    assert adapter.deliver_document(received("pkg-broken")) is DeliveryOutcome.DELIVERED


def test_status_change_is_written_once(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    assert adapter.deliver_status(status_change()) is DeliveryOutcome.DELIVERED
    assert adapter.deliver_status(status_change()) is DeliveryOutcome.ALREADY_DELIVERED
    (path,) = list((tmp_path / "inbox-status").iterdir())
    assert path.suffix == ".json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    assert meta["code"] == "03" and meta["known_code"] is True
    assert meta["description"] == "Đã tiếp nhận, chuyển Sở Công Thương xử lý"
    assert meta["document"] == ref_json()
    path.unlink()  # consumed by the back office
    assert adapter.deliver_status(status_change()) is DeliveryOutcome.ALREADY_DELIVERED
    assert list((tmp_path / "inbox-status").iterdir()) == []


def ref_json() -> dict[str, object]:
    ref = DocumentRef("000.00.00.G12,2024/06/12,4521/BCT-ĐTĐL", "000.00.00.G12")
    return {
        "document_id": ref.document_id,
        "organ_id": ref.organ_id,
        "code_number": None,
        "code_notation": None,
        "promulgation_date": None,
    }


def test_unknown_status_code_is_delivered_as_data(tmp_path: Path) -> None:
    DropFolderAdapter(tmp_path).deliver_status(status_change("st-x", code="09"))
    (path,) = list((tmp_path / "inbox-status").iterdir())
    meta = json.loads(path.read_text(encoding="utf-8"))
    assert meta["code"] == "09" and meta["known_code"] is False
