"""Live progress lines: in step order, once each, earlier steps implied by later ones."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from gateway.demo.clerk import Arrival
from gateway.demo.watch import Look, Step, Tracker, failed_items, status_files
from gateway.exchange.lifecycle import (
    StatusEvent,
    TransportEvent,
    TransportKind,
    derive,
)
from gateway.exchange.progress import DocumentProgress, RecipientProgress
from gateway.store import DeliveryState

MOF = "000.00.00.G10"
T0 = datetime(2025, 9, 15, 2, 0, tzinfo=UTC)
SUBJECT = "V/v phối hợp cung cấp số liệu trích lập, sử dụng Quỹ Bình ổn giá xăng dầu"


def progress(state: DeliveryState, *codes: str) -> DocumentProgress:
    said = {"01": "Đã đến", "03": "Đã tiếp nhận và vào sổ văn bản đến", "02": "Gửi nhầm đơn vị"}
    events = [StatusEvent(c, T0, said.get(c, "")) for c in codes]
    sent = [TransportEvent(TransportKind.SENT, T0)] if state is DeliveryState.SENT else []
    lifecycle = derive([*events, *sent])
    recipient = RecipientProgress(
        agency=MOF,
        channel="axis",
        delivery_state=state,
        state=lifecycle,
        label=lifecycle.label,
        codes=codes,
        refusal_reason=lifecycle.refusal.description if lifecycle.refusal else None,
    )
    return DocumentProgress(
        id="6234cb65-93c9-4a35-9304-b71cae5a6112",
        document_id="000.00.00.G12,2025/09/15,4521/BCT-TTTN",
        subject=SUBJECT,
        code="4521/BCT-TTTN",
        created_at=T0,
        recipients=(recipient,),
    )


def arrival(tmp_path: Path) -> Arrival:
    return Arrival(tmp_path / "inbox" / "cv-abc", {"subject": SUBJECT}, None)


def test_each_step_is_reported_once_in_order(tmp_path: Path) -> None:
    t = Tracker(MOF)
    assert t.update(Look(False, None, None), 0.0) == []
    assert t.waiting_for is Step.TAKEN
    (taken,) = t.update(Look(True, None, None), 0.2)
    assert taken == "[   0.2 s] 1/6 letter taken from the ministry's outbox"
    (stored,) = t.update(Look(True, progress(DeliveryState.PENDING), None), 0.5)
    assert "2/6 signed and stored" in stored and "4521/BCT-TTTN" in stored
    assert t.update(Look(True, progress(DeliveryState.PENDING), None), 0.6) == []
    (sent,) = t.update(Look(True, progress(DeliveryState.SENT), None), 0.9)
    assert "3/6 sent to the axis: 000.00.00.G10 via axis, standing 'sent'" in sent
    (arrived,) = t.update(Look(True, progress(DeliveryState.SENT), arrival(tmp_path)), 1.4)
    assert "4/6 arrived in the partner's inbox: cv-abc — " + SUBJECT in arrived
    lines = t.update(Look(True, progress(DeliveryState.SENT, "01", "03"), arrival(tmp_path)), 2.0)
    assert [line.split("] ")[1][:3] for line in lines] == ["5/6", "6/6"]
    assert "\"Đã tiếp nhận và vào sổ văn bản đến\", standing 'accepted'" in lines[1]
    assert t.done and t.waiting_for is None and t.problem is None
    assert t.reached == {
        Step.TAKEN: 0.2,
        Step.STORED: 0.5,
        Step.SENT: 0.9,
        Step.ARRIVED: 1.4,
        Step.STATUS_01: 2.0,
        Step.STATUS_03: 2.0,
    }


def test_a_later_step_brings_the_earlier_ones_with_it(tmp_path: Path) -> None:
    t = Tracker(MOF)
    lines = t.update(Look(False, progress(DeliveryState.SENT, "01"), None), 3.0)
    assert [line.split("] ")[1][:3] for line in lines] == ["1/6", "2/6", "3/6", "4/6", "5/6"]
    assert t.waiting_for is Step.STATUS_03


def test_refusal_and_dead_delivery_are_problems(tmp_path: Path) -> None:
    t = Tracker(MOF)
    t.update(Look(True, progress(DeliveryState.SENT, "01", "02"), None), 1.0)
    assert t.problem == "000.00.00.G10 refused the letter: Gửi nhầm đơn vị"
    t.update(Look(True, progress(DeliveryState.DEAD), None), 1.0)
    assert t.problem == "delivery to 000.00.00.G10 is dead"
    t.update(Look(True, progress(DeliveryState.SENT), None, ("Bộ Công Thương refused x: y",)), 1.0)
    assert t.problem == "Bộ Công Thương refused x: y"


def test_failed_items_and_status_files_are_read_from_the_drop_folder(tmp_path: Path) -> None:
    (tmp_path / "failed").mkdir()
    (tmp_path / "failed" / "cv-1.error.json").write_text(
        json.dumps({"item": "cv-1", "reasons": ["thiếu trích yếu", "sai mã định danh"]}), "utf-8"
    )
    (tmp_path / "failed" / "cv-2.error.json").write_text("{hỏng", "utf-8")
    found = failed_items(tmp_path, "Bộ Công Thương")
    assert found[0] == "Bộ Công Thương refused cv-1: thiếu trích yếu; sai mã định danh"
    assert found[1].startswith("Bộ Công Thương refused an item: see ")
    box = tmp_path / "inbox-status"
    box.mkdir()
    (box / "a.json").write_text(json.dumps({"code": "01"}), "utf-8")
    (box / "b.json").write_text(json.dumps({"code": "03"}), "utf-8")
    (box / "c.json").write_text("", "utf-8")
    assert status_files(tmp_path, "03") == [box / "b.json"]
    assert status_files(tmp_path / "nowhere", "03") == []
