"""The outbox: only complete drops are taken, bad ones end in failed/ with every reason."""

from __future__ import annotations

import json
import os
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from adapters.dropfolder import DropFolderAdapter
from gateway.errors import AdapterError, BackOfficeDataError
from gateway.exchange.backoffice import BusinessType, OutgoingDocument, OutgoingStatus
from tests.adapters.dropfolder_kit import (
    PDF_BYTES,
    SUBJECT,
    drop_document,
    drop_status,
    metadata,
    status_meta,
    write_manifest,
)


def error_report(root: Path, name: str) -> dict[str, object]:
    report = json.loads((root / "failed" / f"{name}.error.json").read_text(encoding="utf-8"))
    assert isinstance(report, dict)
    return report


def test_complete_document_is_taken_with_every_field(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    drop_document(tmp_path, "cv-4521")
    (item,) = list(adapter.take_outgoing())
    assert isinstance(item, OutgoingDocument)
    assert item.info.subject == SUBJECT
    assert item.info.code_notation == "BCT-ĐTĐL"
    assert item.info.promulgation_date == date(2024, 6, 12)
    assert item.info.due_date == date(2024, 6, 30)
    assert item.info.signer.competence == "KT. BỘ TRƯỞNG"
    assert item.info.priority == 1
    assert item.recipients == ("000.00.00.H26", "000.00.00.H29")
    assert item.business.type is BusinessType.NEW
    (att,) = item.attachments
    assert att.name == "Công văn 4521.pdf" and att.content_type == "application/pdf"
    assert att.path is not None and att.path.read_bytes() == PDF_BYTES
    assert not (tmp_path / "outbox" / "cv-4521").exists()
    assert item.item_id.endswith("@cv-4521")
    assert (tmp_path / "processing" / item.item_id).is_dir()


def test_decomposed_vietnamese_is_normalised_to_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", SUBJECT)
    assert nfd != SUBJECT
    meta = metadata(subject=nfd, promulgation_place=unicodedata.normalize("NFD", "Hà Nội"))
    meta["attachments"][0]["file"] = unicodedata.normalize("NFD", "Công văn 4521.pdf")
    drop_document(tmp_path, "nfd", meta, {unicodedata.normalize("NFD", "Công văn 4521.pdf"): b"x"})
    (item,) = list(DropFolderAdapter(tmp_path).take_outgoing())
    assert isinstance(item, OutgoingDocument)
    assert item.info.subject == SUBJECT
    assert item.info.promulgation_place == "Hà Nội"
    assert item.attachments[0].name == "Công văn 4521.pdf"


def test_folder_without_manifest_waits_in_manifest_mode(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    folder = drop_document(tmp_path, "half-written", manifest=False)
    assert list(adapter.take_outgoing()) == []
    assert folder.is_dir()
    write_manifest(folder)
    assert len(list(adapter.take_outgoing())) == 1


@pytest.mark.parametrize("name", ["cv.tmp", "cv.partial", ".cv"])
def test_temporary_names_are_never_taken(tmp_path: Path, name: str) -> None:
    drop_document(tmp_path, name)
    for completion in ("manifest", "rename"):
        assert list(DropFolderAdapter(tmp_path, completion=completion).take_outgoing()) == []
    assert (tmp_path / "outbox" / name).is_dir()


def test_rename_mode_takes_folders_without_manifest(tmp_path: Path) -> None:
    drop_document(tmp_path, "cv.partial", manifest=False)
    adapter = DropFolderAdapter(tmp_path, completion="rename")
    assert list(adapter.take_outgoing()) == []
    os.rename(tmp_path / "outbox" / "cv.partial", tmp_path / "outbox" / "cv")
    (item,) = list(adapter.take_outgoing())
    assert item.item_id.endswith("@cv")


def test_manifest_mismatches_are_all_reported(tmp_path: Path) -> None:
    folder = drop_document(tmp_path, "tampered", files={"Công văn 4521.pdf": PDF_BYTES})
    (folder / "Công văn 4521.pdf").write_bytes(PDF_BYTES + b"changed")
    (folder / "stray.docx").write_bytes(b"not listed")
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    report = error_report(tmp_path, "tampered")
    reasons = "\n".join(report["reasons"])  # type: ignore[arg-type]
    assert "'Công văn 4521.pdf' has" in reasons and "sha256 differs" in reasons
    assert "'stray.docx' is in the folder but not listed" in reasons
    assert report["stage"] == "validation"
    assert (tmp_path / "failed" / "tampered" / "metadata.json").is_file()


def test_manifest_listing_a_missing_file_fails(tmp_path: Path) -> None:
    folder = drop_document(tmp_path, "missing")
    (folder / "Công văn 4521.pdf").unlink()
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    reasons = error_report(tmp_path, "missing")["reasons"]
    assert any("listed file 'Công văn 4521.pdf' is missing" in r for r in reasons)  # type: ignore[union-attr]


def test_invalid_metadata_lists_every_problem(tmp_path: Path) -> None:
    meta = metadata(priority=7, promulgation_date="12/06/2024", recipents=["x"])
    del meta["subject"]
    del meta["recipients"]
    drop_document(tmp_path, "sai", meta)
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    reasons = "\n".join(error_report(tmp_path, "sai")["reasons"])  # type: ignore[arg-type]
    assert "subject: required" in reasons
    assert "recipients: required" in reasons
    assert "recipents: unknown field" in reasons
    assert "'12/06/2024' is not a date" in reasons


def test_priority_out_of_range_is_refused(tmp_path: Path) -> None:
    drop_document(tmp_path, "p7", metadata(priority=7))
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    assert "priority 7 is outside 0..4" in str(error_report(tmp_path, "p7")["reasons"])


def test_attachment_outside_the_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("bí mật")
    meta = metadata(attachments=[{"file": "../secret.txt"}])
    drop_document(tmp_path, "escape", meta, files={})
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    assert "not a plain file name" in str(error_report(tmp_path, "escape")["reasons"])


def test_symlink_inside_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("bí mật")
    folder = drop_document(tmp_path, "link", metadata(attachments=[{"file": "a.txt"}]), files={})
    (folder / "a.txt").symlink_to(tmp_path / "secret.txt")
    write_manifest(folder)
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    assert "symbolic link" in str(error_report(tmp_path, "link")["reasons"])


def test_unreferenced_file_is_refused_in_rename_mode(tmp_path: Path) -> None:
    drop_document(
        tmp_path, "extra", files={"Công văn 4521.pdf": b"x", "Phụ lục.xlsx": b"y"}, manifest=False
    )
    assert list(DropFolderAdapter(tmp_path, completion="rename").take_outgoing()) == []
    assert "'Phụ lục.xlsx' is not named" in str(error_report(tmp_path, "extra")["reasons"])


def test_stray_file_in_outbox_goes_to_failed(tmp_path: Path) -> None:
    (tmp_path / "outbox").mkdir()
    (tmp_path / "outbox" / "ghi-chu.txt").write_text("nhầm chỗ")
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    assert "is not a folder" in str(error_report(tmp_path, "ghi-chu.txt")["reasons"])


def test_revoke_update_and_replace_are_read(tmp_path: Path) -> None:
    target = {"document_id": "000.00.00.G12,2024/05/02,3000/BCT-VP", "organ_id": "000.00.00.G12"}
    drop_document(
        tmp_path,
        "a-revoke",
        metadata(business={"type": 1, "reason": "Ban hành nhầm", "target": target}),
    )
    changes = [
        {"organ_id": "000.00.00.H29", "action": "remove"},
        {"organ_id": "000.00.00.H31", "action": "add"},
    ]
    drop_document(
        tmp_path,
        "b-update",
        metadata(business={"type": 2, "target": target, "receiver_changes": changes}),
    )
    reps = [{"document_id": target["document_id"], "organ_ids": ["000.00.00.H26"]}]
    drop_document(tmp_path, "c-replace", metadata(business={"type": 3, "replacements": reps}))
    items = sorted(
        DropFolderAdapter(tmp_path).take_outgoing(), key=lambda i: i.item_id.rsplit("@")[-1]
    )
    docs = [i for i in items if isinstance(i, OutgoingDocument)]
    assert [d.business.type for d in docs] == [
        BusinessType.REVOKE,
        BusinessType.UPDATE,
        BusinessType.REPLACE,
    ]
    assert docs[0].business.target is not None
    assert docs[0].business.target.document_id == target["document_id"]
    assert [(c.organ_id, c.added) for c in docs[1].business.receiver_changes] == [
        ("000.00.00.H29", False),
        ("000.00.00.H31", True),
    ]
    assert docs[2].business.replacements[0].organ_ids == ("000.00.00.H26",)


def test_revoke_without_target_is_refused(tmp_path: Path) -> None:
    drop_document(tmp_path, "r", metadata(business={"type": 1}))
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    assert "target document missing" in str(error_report(tmp_path, "r")["reasons"])


def test_mark_done_and_failed_move_the_item(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    drop_document(tmp_path, "ok")
    drop_document(tmp_path, "refused")
    items = {i.item_id.rsplit("@")[-1]: i for i in adapter.take_outgoing()}
    adapter.mark_done(items["ok"])
    adapter.mark_failed(items["refused"], "Không tìm thấy mã định danh 000.00.00.H29")
    assert (tmp_path / "done" / "ok" / "metadata.json").is_file()
    report = error_report(tmp_path, "refused")
    assert report["reasons"] == ["Không tìm thấy mã định danh 000.00.00.H29"]
    assert report["stage"] == "gateway"
    assert list((tmp_path / "processing").iterdir()) == []
    with pytest.raises(AdapterError, match="not claimed here"):
        adapter.mark_done(items["ok"])


def test_same_name_twice_in_done_does_not_overwrite(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    for _ in range(2):
        drop_document(tmp_path, "cv")
        (item,) = list(adapter.take_outgoing())
        adapter.mark_done(item)
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == ["cv", "cv~2"]


def test_idempotency_key_follows_content_not_folder_name(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    drop_document(tmp_path, "a")
    drop_document(tmp_path, "b")
    drop_document(tmp_path, "c", files={"Công văn 4521.pdf": b"%PDF-1.4 fixed"})
    keys = {i.item_id.rsplit("@")[-1]: i.idempotency_key for i in adapter.take_outgoing()}
    assert keys["a"] == keys["b"] != keys["c"]


def test_status_file_is_taken(tmp_path: Path) -> None:
    drop_status(tmp_path, "tt-01.json", status_meta(code="05"))
    (item,) = list(DropFolderAdapter(tmp_path).take_outgoing())
    assert isinstance(item, OutgoingStatus)
    assert item.code == "05"
    assert item.original.organ_id == "000.00.00.H26"
    assert item.time.utcoffset() is not None and item.time.utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
    assert item.staff is not None and item.staff.staff == "Trần Thị Thu Hà"


@pytest.mark.parametrize(
    ("code", "message"), [("07", "is not one of"), ("01", "is not one of"), ("3", "is not one of")]
)
def test_status_with_bad_code_is_refused(tmp_path: Path, code: str, message: str) -> None:
    drop_status(tmp_path, "bad.json", status_meta(code=code))
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    assert message in str(error_report(tmp_path, "bad.json")["reasons"])


def test_status_that_is_not_json_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outbox-status").mkdir()
    (tmp_path / "outbox-status" / "hong.json").write_bytes(b'{"code": "03",')
    (tmp_path / "outbox-status" / "dang-ghi.json.tmp").write_bytes(b"{")
    assert list(DropFolderAdapter(tmp_path).take_outgoing()) == []
    assert "invalid JSON at line 1" in str(error_report(tmp_path, "hong.json")["reasons"])
    assert (tmp_path / "outbox-status" / "dang-ghi.json.tmp").exists()


def test_options_are_checked(tmp_path: Path) -> None:
    assert (
        DropFolderAdapter.from_options({"root": str(tmp_path), "completion": "rename"}).completion
        == "rename"
    )
    with pytest.raises(BackOfficeDataError, match="'root'"):
        DropFolderAdapter.from_options({})
    with pytest.raises(BackOfficeDataError, match="unknown option"):
        DropFolderAdapter.from_options({"root": str(tmp_path), "rooot": "x"})
    with pytest.raises(BackOfficeDataError, match="not manifest/rename"):
        DropFolderAdapter.from_options({"root": str(tmp_path), "completion": "magic"})
    with pytest.raises(BackOfficeDataError, match="must be a number"):
        DropFolderAdapter.from_options({"root": str(tmp_path), "lease_seconds": "một giờ"})
