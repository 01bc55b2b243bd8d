"""The outbound progress read model on a real (SQLite) store, with Vietnamese letters."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from gateway.exchange.lifecycle import Disposition, Phase
from gateway.exchange.progress import document_progress, outbound_progress
from gateway.store import (
    AttemptOutcome,
    DeliveryState,
    Direction,
    DocumentRecord,
    RecordError,
    StatusEventRecord,
    Store,
    deliveries_for,
    list_documents,
    record_attempt,
    record_inbound,
    record_outbound,
    record_status,
)

MOIT = "000.00.00.G12"
MOF = "000.00.00.G10"
VPCP = "000.00.00.G22"
T0 = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
SUBJECT = "V/v báo cáo công tác bình ổn giá mặt hàng xăng dầu quý I năm 2025"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(None, tmp_path / "data")
    yield s
    s.close()


def _record(number: int, *, subject: str = SUBJECT, notation: str = "BCT-TTTN") -> DocumentRecord:
    return DocumentRecord(
        direction=Direction.OUT,
        sender=MOIT,
        recipients=(MOF, VPCP),
        document_id=f"{MOIT},2025/03/14,{number}/{notation}",
        code_number=str(number),
        code_notation=notation,
        subject=subject,
        promulgation_date=date(2025, 3, 14),
        document_type="Công văn",
    )


def _outbound(store: Store, number: int, *, at: datetime = T0, **kw: str) -> str:
    ref = store.put_package(f"<edXML>{number}</edXML>".encode())
    with store.transaction() as s:
        return record_outbound(s, _record(number, **kw), ref, now=at).document_id


def _sent(store: Store, doc: str, agency: str, at: datetime) -> None:
    with store.transaction() as s:
        delivery = next(d for d in deliveries_for(s, doc) if d.recipient == agency)
        record_attempt(
            s,
            delivery.id,
            AttemptOutcome.SENT,
            peer_ref=f"axis-{doc[:8]}-{agency}",
            new_state=DeliveryState.SENT,
            now=at,
        )


def _status(
    store: Store,
    doc: str,
    agency: str,
    code: str,
    *,
    reported: datetime,
    arrived: datetime,
    description: str = "",
    direction: Direction = Direction.IN,
) -> None:
    ref = store.put_package(f"status {doc} {agency} {code} {reported.isoformat()}".encode())
    ev = StatusEventRecord(
        document_id=doc,
        agency=agency,
        code=code,
        direction=direction,
        package_sha256=ref.sha256,
        description=description,
        reported_at=reported,
    )
    with store.transaction() as s:
        record_status(s, ev, package=ref, now=arrived)


def test_fresh_document_is_queued_for_every_recipient(store: Store) -> None:
    doc = _outbound(store, 4521)
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    assert progress.id == doc
    assert progress.document_id == f"{MOIT},2025/03/14,4521/BCT-TTTN"
    assert progress.code == "4521/BCT-TTTN"
    assert progress.subject == SUBJECT
    assert progress.created_at == T0
    assert [r.agency for r in progress.recipients] == [MOF, VPCP]
    for r in progress.recipients:
        assert r.channel == "axis"
        assert r.delivery_state is DeliveryState.PENDING
        assert r.state.phase is Phase.QUEUED
        assert r.label == "queued"
        assert r.codes == ()
        assert r.refusal_reason is None


def test_sent_then_statuses_advance_each_recipient_separately(store: Store) -> None:
    doc = _outbound(store, 4521)
    _sent(store, doc, MOF, T0 + timedelta(seconds=5))
    _status(
        store, doc, MOF, "01", reported=T0 + timedelta(minutes=1), arrived=T0 + timedelta(minutes=2)
    )
    _status(
        store,
        doc,
        MOF,
        "03",
        reported=T0 + timedelta(minutes=9),
        arrived=T0 + timedelta(minutes=10),
        description="Đã tiếp nhận và vào sổ văn bản đến",
    )
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    mof, vpcp = progress.recipients
    assert mof.delivery_state is DeliveryState.SENT
    assert mof.state.phase is Phase.ACCEPTED
    assert mof.label == "accepted"
    assert mof.has == {"01", "03"}
    assert vpcp.state.phase is Phase.QUEUED
    assert progress.recipient(VPCP) is vpcp
    assert progress.recipient("000.00.00.H26") is None


def test_codes_are_in_arrival_order_but_the_phase_never_goes_back(store: Store) -> None:
    doc = _outbound(store, 4522)
    _sent(store, doc, MOF, T0)
    # 05 arrives first although 03 was reported earlier
    _status(
        store, doc, MOF, "05", reported=T0 + timedelta(hours=2), arrived=T0 + timedelta(hours=3)
    )
    _status(
        store, doc, MOF, "03", reported=T0 + timedelta(hours=1), arrived=T0 + timedelta(hours=4)
    )
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    mof = progress.recipients[0]
    assert mof.codes == ("05", "03")
    assert mof.state.phase is Phase.PROCESSING
    assert mof.label == "processing"


def test_refusal_carries_its_reason(store: Store) -> None:
    doc = _outbound(store, 4523)
    reason = unicodedata.normalize(
        "NFD", "Văn bản gửi nhầm đơn vị, đề nghị Bộ Công Thương kiểm tra lại"
    )
    _sent(store, doc, VPCP, T0)
    _status(store, doc, VPCP, "01", reported=T0, arrived=T0 + timedelta(seconds=1))
    _status(
        store,
        doc,
        VPCP,
        "02",
        reported=T0 + timedelta(hours=1),
        arrived=T0 + timedelta(hours=1),
        description=reason,
    )
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    vpcp = progress.recipient(VPCP)
    assert vpcp is not None
    assert vpcp.state.phase is Phase.REFUSED
    assert vpcp.refusal_reason == unicodedata.normalize("NFC", reason)


def test_statuses_we_sent_are_not_the_recipients_progress(store: Store) -> None:
    doc = _outbound(store, 4524)
    _status(store, doc, MOF, "13", reported=T0, arrived=T0, direction=Direction.OUT)
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    assert all(r.codes == () for r in progress.recipients)


def test_status_from_an_agency_we_never_sent_to_is_shown(store: Store) -> None:
    doc = _outbound(store, 4525)
    hanoi = "000.00.00.H26"
    _status(store, doc, hanoi, "01", reported=T0, arrived=T0 + timedelta(minutes=3))
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    extra = progress.recipients[-1]
    assert (extra.agency, extra.channel, extra.delivery_state) == (hanoi, None, None)
    assert extra.state.phase is Phase.ARRIVED
    assert extra.codes == ("01",)


def test_outbound_progress_lists_newest_first_with_a_limit(store: Store) -> None:
    first = _outbound(store, 100, at=T0, subject="V/v góp ý dự thảo Thông tư về thương mại điện tử")
    second = _outbound(store, 101, at=T0 + timedelta(minutes=1))
    third = _outbound(store, 102, at=T0 + timedelta(minutes=2), notation="BCT-ĐTĐL")
    with store.reading() as s:
        all_of_them = outbound_progress(s)
        two = outbound_progress(s, limit=2)
    assert [p.id for p in all_of_them] == [third, second, first]
    assert [p.id for p in two] == [third, second]
    assert all_of_them[0].code == "102/BCT-ĐTĐL"
    assert all_of_them[2].subject == "V/v góp ý dự thảo Thông tư về thương mại điện tử"


def test_inbound_documents_are_not_outbound_progress(store: Store) -> None:
    ref = store.put_package(b"<edXML>inbound</edXML>")
    inbound = DocumentRecord(
        direction=Direction.IN,
        sender=VPCP,
        recipients=(MOIT,),
        document_id=f"{VPCP},2025/03/14,812/VPCP-KTTH",
        code_number="812",
        code_notation="VPCP-KTTH",
        subject="V/v triển khai Nghị quyết của Chính phủ về điều hành giá xăng dầu",
    )
    with store.transaction() as s:
        inbound_id = record_inbound(s, inbound, ref, channel="axis").document_id
    with store.reading() as s:
        assert outbound_progress(s) == []
        assert document_progress(s, inbound_id) is None
        assert document_progress(s, "00000000-0000-0000-0000-000000000000") is None
        assert [d.id for d in list_documents(s)] == [inbound_id]
        assert list_documents(s, Direction.OUT) == []


def test_document_without_notation_shows_the_number_only(store: Store) -> None:
    doc = _outbound(store, 77, notation="")
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    assert progress.code == "77"


def test_list_documents_refuses_a_zero_limit(store: Store) -> None:
    with store.reading() as s, pytest.raises(RecordError):
        list_documents(s, limit=0)


def test_revoke_package_and_its_agreement_show_on_the_revoked_document(store: Store) -> None:
    doc = _outbound(store, 4521)
    _sent(store, doc, MOF, T0 + timedelta(minutes=1))
    original = f"{MOIT},2025/03/14,4521/BCT-TTTN"
    revoke = replace(
        _record(4530, subject="V/v thu hồi Công văn số 4521/BCT-TTTN"),
        recipients=(MOF,),
        business_type=1,
        related_document_id=original,
    )
    ref = store.put_package(b"<edXML>thu hoi</edXML>")
    with store.transaction() as s:
        revoke_id = record_outbound(s, revoke, ref, now=T0 + timedelta(hours=1)).document_id
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    mof = progress.recipient(MOF)
    assert mof is not None and mof.state.disposition is Disposition.REVOKE_REQUESTED
    vpcp = progress.recipient(VPCP)
    assert vpcp is not None and vpcp.state.disposition is Disposition.ACTIVE
    at = T0 + timedelta(hours=2)
    _status(store, revoke_id, MOF, "15", reported=at, arrived=at, description="Đồng ý thu hồi")
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    mof = progress.recipient(MOF)
    assert mof is not None and mof.state.disposition is Disposition.REVOKED


def test_our_take_back_request_reaches_every_recipient_and_their_refusal_counts(
    store: Store,
) -> None:
    doc = _outbound(store, 4521)
    at = T0 + timedelta(hours=1)
    _status(store, doc, MOIT, "13", reported=at, arrived=at, direction=Direction.OUT)
    later = at + timedelta(minutes=30)
    _status(store, doc, VPCP, "16", reported=later, arrived=later, description="Đã ban hành")
    with store.reading() as s:
        progress = document_progress(s, doc)
    assert progress is not None
    states = {r.agency: r.state.disposition for r in progress.recipients}
    assert states == {MOF: Disposition.TAKE_BACK_REQUESTED, VPCP: Disposition.ACTIVE}
