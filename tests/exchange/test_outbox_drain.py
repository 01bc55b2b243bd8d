"""The outbox drain: done once stored, failed with reasons, given back when the trouble is ours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from gateway.errors import StoreError
from gateway.exchange.backoffice import (
    Attachment,
    DocumentInfo,
    OutgoingDocument,
    OutgoingItem,
    Signer,
)
from gateway.exchange.outbound import Accepted, Outbound, OutboundRefusal
from gateway.exchange.outbox import OutboxDrain
from tests.exchange.doubles import MemoryBackOffice

ITEM = OutgoingDocument(
    item_id="cv-4521",
    idempotency_key="cv-4521-key",
    info=DocumentInfo(
        subject="V/v báo cáo tình hình thị trường xăng dầu",
        code_number="4521",
        code_notation="BCT-TTTN",
        promulgation_date=date(2026, 12, 2),
        promulgation_place="Hà Nội",
        document_type_name="Công văn",
        signer=Signer("Nguyễn Sinh Nhật Tân", "Thứ trưởng", "KT. BỘ TRƯỞNG"),
    ),
    recipients=("000.00.00.G10",),
    attachments=(Attachment("cv.pdf", "application/pdf", data=b"%PDF-1.4"),),
)


class ReleasingBackOffice(MemoryBackOffice):
    """The back-office double with the optional ``release`` capability."""

    def __init__(self) -> None:
        super().__init__()
        self.released: list[str] = []

    def release(self, item: OutgoingItem) -> None:
        self.released.append(item.item_id)


class FakeOutbound:
    def __init__(self, outcome: Callable[[], Accepted]) -> None:
        self.outcome = outcome

    def submit_document(self, item: OutgoingDocument, read: object) -> Accepted:
        return self.outcome()


def _drain(office: MemoryBackOffice, outcome: Callable[[], Accepted]) -> dict[str, int]:
    office.outgoing.append(ITEM)
    outbound: Outbound = FakeOutbound(outcome)  # type: ignore[assignment]
    return OutboxDrain(office, outbound).drain()


def test_stored_item_is_marked_done() -> None:
    office = ReleasingBackOffice()
    assert _drain(office, lambda: Accepted("doc-1", True)) == {"accepted": 1}
    assert office.done == ["cv-4521"] and not office.released


def test_refused_item_is_failed_with_reasons() -> None:
    def refuse() -> Accepted:
        raise OutboundRefusal("bad", ("recipient '000.00.00.X': không hợp lệ",))

    office = ReleasingBackOffice()
    assert _drain(office, refuse) == {"refused": 1}
    assert office.failed == [("cv-4521", ("recipient '000.00.00.X': không hợp lệ",))]


def test_our_own_trouble_gives_the_item_back_when_the_adapter_can() -> None:
    def database_down() -> Accepted:
        raise StoreError("cannot open database: connection refused")

    releasing = ReleasingBackOffice()
    assert _drain(releasing, database_down) == {"deferred": 1}
    assert releasing.released == ["cv-4521"] and not releasing.done and not releasing.failed
    keeping = MemoryBackOffice()
    assert _drain(keeping, database_down) == {"deferred": 1}
    assert not keeping.done and not keeping.failed
