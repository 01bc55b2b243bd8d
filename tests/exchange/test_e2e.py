"""End to end over real HTTP on loopback: the axis simulator and two gateways, tick-driven.

Bộ Công Thương (A, G12) sends; Bộ Tài chính (B, G10) receives and answers. Each test starts a
fresh exchange (:mod:`tests.exchange.e2e_harness`) and looks only at what a back office sees
(the drop folders) and at each gateway's store.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gateway.cli import main as cli_main
from gateway.config import Settings, SigningSettings
from gateway.demo.parties import MINISTRY, PARTNER
from gateway.exchange import jobs
from gateway.exchange.lifecycle import Phase
from gateway.security.devpki import DevPki
from gateway.store import (
    DeliveryInfo,
    DeliveryState,
    Direction,
    JobState,
    StoredDocument,
    deliveries_for,
    list_rejections,
)
from tests.exchange.conftest import ExchangeFactory
from tests.exchange.e2e_harness import FAST_RETRY, Exchange, Node, nfd

G12, G10 = MINISTRY.organ_id, PARTNER.organ_id


def _arrived(node: Node, number: str) -> dict[str, Any]:
    found = [d for d in node.inbox() if d["code_number"] == number]
    assert len(found) == 1, f"{len(found)} copies of {number} in {node.party.slug}'s inbox"
    return found[0]


def _codes_in(node: Node, document_id: str) -> list[str]:
    return [s["code"] for s in node.inbox_status() if s["document"]["document_id"] == document_id]


def _in_codes(node: Node, store_id: str) -> list[str]:
    return [e.event.code for e in node.events(store_id) if e.event.direction is Direction.IN]


# -- a new document and its whole life ----------------------------------------------------------


def test_new_document_arrives_intact_and_statuses_come_back(exchange: Exchange) -> None:
    a, b = exchange.a, exchange.b
    letter = exchange.letter("101", subject=nfd("V/v báo cáo tình hình thực hiện Quỹ Bình ổn giá"))
    a.drop(letter)
    exchange.settle()

    arrived = _arrived(b, "101")
    subject = "V/v báo cáo tình hình thực hiện Quỹ Bình ổn giá"
    assert arrived["subject"] == subject  # decomposed in, NFC out
    assert unicodedata.is_normalized("NFC", str(arrived["subject"]))
    assert arrived["sender"] == G12 and arrived["sender_name"] == "Bộ Công Thương"
    assert arrived["promulgation_place"] == "Hà Nội"
    assert arrived["signer"] == letter.metadata["signer"]
    assert arrived["to_places"] == letter.metadata["to_places"]
    assert arrived["content"] == letter.metadata["content"]
    (att,) = arrived["attachments"]
    pdf = Path(str(arrived["_folder"])) / att["file"]
    assert att["original_name"] == letter.pdf_name
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == letter.pdf_sha256
    assert pdf.read_bytes() == letter.pdf

    sent = a.sent("101")
    document_id = sent.record.document_id
    assert arrived["document_id"] == document_id
    assert _codes_in(a, document_id) == ["01"]
    assert _in_codes(a, sent.id) == ["01"]
    assert a.progress(sent.id).recipient(G10).state.phase is Phase.ARRIVED  # type: ignore[union-attr]

    for code, text in (
        ("03", "Đã tiếp nhận và vào sổ văn bản đến"),
        ("05", "Đang xử lý: giao Vụ Ngân sách nhà nước chủ trì"),
        ("06", "Đã hoàn thành, có văn bản trả lời số 812/BTC-NSNN"),
    ):
        b.drop_status(document_id, G12, code, text)
        exchange.settle()

    assert _codes_in(a, document_id) == ["01", "03", "05", "06"]  # each exactly once
    assert _in_codes(a, sent.id) == ["01", "03", "05", "06"]
    told = {s["code"]: s for s in a.inbox_status()}
    assert told["05"]["description"] == "Đang xử lý: giao Vụ Ngân sách nhà nước chủ trì"
    assert told["06"]["recipient"] == G10
    mine = a.progress(sent.id).recipient(G10)
    assert mine is not None
    assert mine.state.phase is Phase.FINISHED
    assert mine.codes == ("01", "03", "05", "06")
    assert mine.delivery_state is DeliveryState.SENT
    assert not a.failed() and not b.failed()
    assert len(b.inbox()) == 1


# -- revoke, update, replace and take-back ------------------------------------------------------


def _send_original(exchange: Exchange, number: str) -> StoredDocument:
    """A new document to B, arrived and answered 01; returns A's stored copy."""
    exchange.a.drop(exchange.letter(number))
    exchange.settle()
    _arrived(exchange.b, number)
    return exchange.a.sent(number)


def _operation_round_trip(
    exchange: Exchange, original: StoredDocument, number: str, business: dict[str, Any]
) -> dict[str, Any]:
    """A sends the operation; B sees it with the document concerned and answers 15."""
    a, b = exchange.a, exchange.b
    a.drop(exchange.letter(number, business=business))
    exchange.settle()

    arrived = _arrived(b, number)
    op = a.sent(number)
    assert arrived["business"]["type"] == business["type"]
    assert [c["document_id"] for c in arrived["concerns"]] == [original.record.document_id]
    assert arrived["document_id"] == op.record.document_id != original.record.document_id

    b.drop_status(str(arrived["document_id"]), G12, "15", "Đồng ý theo đề nghị của Bộ Công Thương")
    exchange.settle()
    assert _codes_in(a, op.record.document_id) == ["01", "15"]
    assert _in_codes(a, op.id) == ["01", "15"]
    assert [s["recipient"] for s in a.statuses_received("15")] == [G10]
    assert not a.failed() and not b.failed()
    return arrived


def test_revoke_reaches_partner_with_target_and_agreement_returns(exchange: Exchange) -> None:
    original = _send_original(exchange, "210")
    business = {
        "type": 1,
        "reason": "Văn bản ban hành sai thẩm quyền, thu hồi để ban hành lại",
        "target": exchange.target_of(original),
    }
    arrived = _operation_round_trip(exchange, original, "211", business)
    assert arrived["business"]["type_name"] == "revoke"
    assert arrived["business"]["target"]["document_id"] == original.record.document_id
    assert arrived["business"]["reason"] == business["reason"]


def test_update_carries_receiver_changes_and_agreement_returns(exchange: Exchange) -> None:
    original = _send_original(exchange, "220")
    business = {
        "type": 2,
        "reason": "Bổ sung Văn phòng Chính phủ vào nơi nhận",
        "target": exchange.target_of(original),
        "document_info_changed": True,
        "receiver_changes": [{"organ_id": "000.00.00.G22", "action": "add"}],
    }
    arrived = _operation_round_trip(exchange, original, "221", business)
    assert arrived["business"]["type_name"] == "update"
    assert arrived["business"]["target"]["document_id"] == original.record.document_id
    assert arrived["business"]["receiver_changes"] == [
        {"organ_id": "000.00.00.G22", "action": "add"}
    ]
    assert arrived["business"]["document_info_changed"] is True


def test_replace_names_the_replaced_document_and_agreement_returns(exchange: Exchange) -> None:
    original = _send_original(exchange, "230")
    business = {
        "type": 3,
        "reason": "Thay thế văn bản số 230 do sai sót số liệu",
        "replacements": [{"document_id": original.record.document_id, "organ_ids": [G10]}],
    }
    arrived = _operation_round_trip(exchange, original, "231", business)
    assert arrived["business"]["type_name"] == "replace"
    assert arrived["business"]["replacements"] == [
        {"document_id": original.record.document_id, "organ_ids": [G10]}
    ]


def test_take_back_request_reaches_partner_and_refusal_returns(exchange: Exchange) -> None:
    a, b = exchange.a, exchange.b
    original = _send_original(exchange, "240")
    document_id = original.record.document_id
    a.drop_status(document_id, G12, "13", "Đề nghị Bộ Tài chính trả lại văn bản để chỉnh sửa")
    exchange.settle()

    (request,) = b.statuses_received("13")
    assert request["document"]["document_id"] == document_id
    assert request["recipient"] == G12  # the agency that reported it
    assert request["description"] == "Đề nghị Bộ Tài chính trả lại văn bản để chỉnh sửa"

    b.drop_status(document_id, G12, "16", "Văn bản đã giao xử lý, không thể trả lại")
    exchange.settle()
    assert _codes_in(a, document_id) == ["01", "16"]
    assert _in_codes(a, original.id) == ["01", "16"]
    assert len(b.statuses_received("13")) == 1
    assert not a.failed() and not b.failed()


# -- refusals -----------------------------------------------------------------------------------


def test_partner_back_office_refuses_with_reason(exchange: Exchange) -> None:
    a, b = exchange.a, exchange.b
    original = _send_original(exchange, "300")
    reason = "Không thuộc thẩm quyền giải quyết của Bộ Tài chính, đề nghị gửi Bộ Xây dựng"
    b.drop_status(original.record.document_id, G12, "02", reason)
    exchange.settle()

    assert _codes_in(a, original.record.document_id) == ["01", "02"]
    mine = a.progress(original.id).recipient(G10)
    assert mine is not None
    assert mine.state.phase is Phase.REFUSED
    assert mine.refusal_reason == reason
    assert mine.label == "refused"


def _unsigned(settings: Settings) -> Settings:
    return dataclasses.replace(settings, signing=SigningSettings(source="none"))


def _signs_as_vpcp(pki: DevPki) -> Callable[[Settings], Settings]:
    """A's gateway signs with Văn phòng Chính phủ's genuine key and certificate."""
    vpcp = "000.00.00.G22"

    def tweak(settings: Settings) -> Settings:
        signing = SigningSettings(
            source="pem",
            key=pki.org_key(vpcp),
            cert=pki.org_cert(vpcp),
            chain=(pki.intermediate_cert,),
        )
        return dataclasses.replace(settings, signing=signing)

    return tweak


def _gateway_refusal(exchange: Exchange, number: str) -> tuple[str, ...]:
    """A's document is refused by B's gateway; returns the rejection's reasons."""
    a, b = exchange.a, exchange.b
    a.drop(exchange.letter(number))
    exchange.settle()

    assert b.inbox() == []
    assert b.received_documents() == []
    with b.gateway.store.reading() as s:
        (rejection,) = list_rejections(s)
    assert rejection.record.kind == "edoc"
    assert rejection.record.sender == G12
    assert rejection.record.answered_with_status == "02"
    # acknowledged `fail`: the axis keeps listing it for B ...
    (listed,) = b.gateway.hub.list_received("edoc")
    assert listed.ref == rejection.record.transport_ref
    # ... and A's back office is told, once, with the reasons
    sent = a.sent(number)
    (refusal,) = a.statuses_received("02")
    assert refusal["document"]["document_id"] == sent.record.document_id
    assert "signature" in refusal["description"]
    mine = a.progress(sent.id).recipient(G10)
    assert mine is not None and mine.state.phase is Phase.REFUSED
    assert mine.refusal_reason is not None and "signature" in mine.refusal_reason

    for _ in range(3):  # later polls see it listed again and leave it alone
        assert b.gateway.poll_axis()[0] == {"already-rejected": 1}
    exchange.settle()
    with b.gateway.store.reading() as s:
        assert len(list_rejections(s)) == 1
    assert len(a.statuses_received("02")) == 1
    assert len(b.gateway.store.queue.list_jobs(kind=jobs.SEND_STATUS)) == 1
    return rejection.record.reasons


def test_gateway_refuses_unsigned_document_and_answers_02(make_exchange: ExchangeFactory) -> None:
    exchange = make_exchange(tweak_a=_unsigned)
    reasons = _gateway_refusal(exchange, "310")
    assert any("unsigned" in r for r in reasons), reasons


def test_gateway_refuses_document_signed_by_wrong_key(
    make_exchange: ExchangeFactory, template_pki: DevPki
) -> None:
    exchange = make_exchange(tweak_a=_signs_as_vpcp(template_pki))
    reasons = _gateway_refusal(exchange, "320")
    assert any(r.startswith("signature:") for r in reasons), reasons


# -- the axis fails -----------------------------------------------------------------------------

N_OUTAGE = 10


def test_axis_outage_mid_sending_everything_arrives_exactly_once(exchange: Exchange) -> None:
    a, b = exchange.a, exchange.b
    numbers = [str(400 + i) for i in range(N_OUTAGE)]
    for number in numbers:
        a.drop(exchange.letter(number))
    assert a.gateway.take_outbox() == {"accepted": N_OUTAGE}
    assert a.gateway.runner.run_due((jobs.DELIVER,), max_jobs=4) == 4  # four on the axis

    # the axis goes dark: connections close without an answer
    exchange.faults(outage_seconds=600)
    for _ in range(4):
        exchange.tick()
    assert a.errors and b.errors  # both gateways' polls failed
    failed_sends = [
        t for t in a.gateway.store.queue.list_jobs(kind=jobs.DELIVER) if t.last_error is not None
    ]
    assert failed_sends, "no delivery failed during the outage"

    # it comes back flaky: errors, and answers cut half-way after the axis did the work
    exchange.faults(clear_outages=True, error_rate=0.3, truncate_rate=0.2, seed=7)
    for _ in range(12):
        exchange.tick()
    exchange.clear_faults()
    exchange.settle(timeout=30)

    arrived = Counter(str(d["code_number"]) for d in b.inbox())
    assert arrived == Counter(numbers)  # every one, once
    assert len(b.received_documents()) == N_OUTAGE
    by_document = Counter(str(s["document"]["code_number"]) for s in a.statuses_received("01"))
    assert by_document == Counter(numbers)
    for number in numbers:
        sent = a.sent(number)
        assert _in_codes(a, sent.id) == ["01"]
        (delivery,) = _deliveries(a, sent.id)
        assert delivery.state is DeliveryState.SENT
    assert not a.failed() and not b.failed()
    dead = a.gateway.store.queue.list_jobs(state=JobState.DEAD)
    dead += b.gateway.store.queue.list_jobs(state=JobState.DEAD)
    assert dead == []


def _deliveries(node: Node, store_id: str) -> list[DeliveryInfo]:
    with node.gateway.store.reading() as s:
        return deliveries_for(s, store_id)


def _one_shot_deliveries(settings: Settings) -> Settings:
    once = dataclasses.replace(FAST_RETRY, max_attempts=1)
    return dataclasses.replace(settings, retry={**settings.retry, jobs.DELIVER: once})


def test_dead_delivery_is_resent_from_the_cli_and_delivered(
    make_exchange: ExchangeFactory,
) -> None:
    exchange = make_exchange(tweak_a=_one_shot_deliveries)
    a, b = exchange.a, exchange.b
    exchange.faults(error_rate=1.0, operations=["sendEdoc"])
    a.drop(exchange.letter("500"))
    a.tick()
    sent = a.sent("500")
    (delivery,) = _deliveries(a, sent.id)
    assert delivery.state is DeliveryState.DEAD
    (job,) = a.gateway.store.queue.list_jobs(kind=jobs.DELIVER)
    assert job.state is JobState.DEAD and job.attempts == 1
    exchange.settle()
    assert b.inbox() == []  # dead stays dead

    exchange.clear_faults()
    data_dir = a.gateway.settings.identity.data_dir
    assert cli_main(["queue", "resend", str(job.id), "--data-dir", str(data_dir)]) == 0
    exchange.settle()

    _arrived(b, "500")
    (delivery,) = _deliveries(a, sent.id)
    assert delivery.state is DeliveryState.SENT
    assert a.gateway.store.queue.get(job.id).state is JobState.DONE
    assert a.gateway.store.queue.get(job.id).resent == 1
    assert _codes_in(a, sent.record.document_id) == ["01"]


def test_delivery_to_agency_unknown_to_axis_goes_dead_at_once(exchange: Exchange) -> None:
    a, b = exchange.a, exchange.b
    vpcp = "000.00.00.G22"  # a valid agency id the simulator has no registration for
    a.drop(exchange.letter("510", recipients=(G10, vpcp)))
    exchange.settle()

    sent = a.sent("510")
    states = {d.recipient: d.state for d in _deliveries(a, sent.id)}
    assert states == {G10: DeliveryState.SENT, vpcp: DeliveryState.DEAD}
    (dead,) = a.gateway.store.queue.list_jobs(state=JobState.DEAD)
    assert dead.kind == jobs.DELIVER and dead.attempts == 1  # refused, not retried
    assert dead.last_error is not None
    _arrived(b, "510")
