"""The exchange engine without network or drop folder: in-memory hub and back office doubles.

Each gateway is the real composition (:meth:`Gateway.from_settings`) with an SQLite store in
``tmp_path``, unsigned packages (no key, no trust anchors, signatures not required) and the
doubles below in place of the VXP client and the adapter, so every step is synchronous and
every hand-over can be counted or made to fail.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from gateway.app import Gateway
from gateway.config import (
    IdentitySettings,
    RetrySettings,
    Settings,
    SigningSettings,
    TrustSettings,
)
from gateway.edxml import Organization
from gateway.errors import AdapterError, ExchangeError, RetryableTransportError
from gateway.exchange import jobs
from gateway.exchange.backoffice import (
    Attachment,
    Business,
    BusinessType,
    DocumentInfo,
    DocumentRef,
    OutgoingDocument,
    OutgoingStatus,
    Signer,
)
from gateway.exchange.mapping_status import status_package_for
from gateway.exchange.runner import JobRunner
from gateway.exchange.sealing import Sealer
from gateway.store import (
    ClaimedJob,
    Direction,
    DocumentRecord,
    FailOutcome,
    JobState,
    RetryPolicy,
    RetrySchedule,
    Store,
    list_documents,
    list_rejections,
)
from tests.exchange.doubles import MemoryAxis, MemoryBackOffice, MemoryHub

G12, G10, G22 = "000.00.00.G12", "000.00.00.G10", "000.00.00.G22"
NAMES = {G12: "Bộ Công Thương", G10: "Bộ Tài chính", G22: "Văn phòng Chính phủ"}
PDF = b"%PDF-1.4\n% Cong van so 77/BCT-TTTN\n%%EOF\n"

# -- building blocks ---------------------------------------------------------------------------


@dataclass
class Party:
    gateway: Gateway
    hub: MemoryHub
    office: MemoryBackOffice

    @property
    def store(self) -> Store:
        return self.gateway.store


def _settings(organ_id: str, data_dir: Path) -> Settings:
    return Settings(
        identity=IdentitySettings(organ_id, NAMES[organ_id], data_dir),
        retry={"default": RetrySettings(base_seconds=0.01, max_delay_seconds=0.05, jitter=0.0)},
        signing=SigningSettings(source="none"),
        trust=TrustSettings(require_signature=False),
    )


@pytest.fixture
def axis() -> MemoryAxis:
    return MemoryAxis()


@pytest.fixture
def parties(tmp_path: Path, axis: MemoryAxis) -> Iterator[dict[str, Party]]:
    made: dict[str, Party] = {}
    for organ in (G12, G10):
        hub, office = axis.hub(organ), MemoryBackOffice()
        gw = Gateway.from_settings(
            _settings(organ, tmp_path / organ), environ={}, hub=hub, adapter=office
        )
        made[organ] = Party(gw, hub, office)
    yield made
    for party in made.values():
        party.gateway.close()


def _document(
    number: str = "77",
    *,
    recipients: tuple[str, ...] = (G10,),
    business: Business | None = None,
    item_id: str | None = None,
) -> OutgoingDocument:
    info = DocumentInfo(
        subject="V/v cung cấp số liệu xuất khẩu gạo sáu tháng đầu năm",
        code_number=number,
        code_notation="BCT-XNK",
        promulgation_date=date(2025, 7, 1),
        promulgation_place="Hà Nội",
        document_type_name="Công văn",
        signer=Signer("Phan Thị Thắng", "Thứ trưởng", "KT. BỘ TRƯỞNG"),
    )
    return OutgoingDocument(
        item_id=item_id or f"item-{number}",
        idempotency_key=f"key-{number}",
        info=info,
        recipients=recipients,
        attachments=(Attachment("Công văn 77.pdf", "application/pdf", data=PDF),),
        business=business or Business(),
    )


def _counts(store: Store) -> tuple[int, int]:
    """(documents, jobs) in the store."""
    with store.reading() as s:
        docs = len(list_documents(s, limit=1000))
    return docs, len(store.queue.list_jobs(limit=1000))


def _rejections(store: Store) -> list[tuple[str, tuple[str, ...]]]:
    with store.reading() as s:
        return [(r.record.kind, r.record.reasons) for r in list_rejections(s)]


def _status_bytes(record: DocumentRecord, reporter: str, code: str = "03") -> bytes:
    """A status package ``reporter`` issues about ``record`` (unsigned, valid)."""
    now = datetime.now(UTC)
    package = status_package_for(
        record,
        reporter=Organization(organ_id=reporter, organ_name=NAMES[reporter]),
        code=code,
        description="Đã tiếp nhận",
        time=now,
        staff=None,
    )
    return Sealer(reporter, None).seal(package, now=now)


# -- outbound refusals -------------------------------------------------------------------------


def _refused(party: Party, item: OutgoingDocument) -> tuple[str, ...]:
    party.office.outgoing.append(item)
    assert party.gateway.take_outbox() == {"refused": 1}
    assert party.office.done == []
    ((item_id, reasons),) = party.office.failed
    assert item_id == item.item_id and reasons
    assert _counts(party.store) == (0, 0)  # nothing stored, nothing queued
    return reasons


def test_outbound_refuses_malformed_recipient_id(parties: dict[str, Party]) -> None:
    reasons = _refused(parties[G12], _document(recipients=(G10, "Bộ Tài chính")))
    assert any("'Bộ Tài chính'" in r and "whitespace" in r for r in reasons), reasons


def test_outbound_refuses_own_agency_as_recipient(parties: dict[str, Party]) -> None:
    reasons = _refused(parties[G12], _document(recipients=(G12,)))
    assert any("own agency" in r for r in reasons), reasons


def test_outbound_refuses_package_that_fails_validation(parties: dict[str, Party]) -> None:
    target = DocumentRef(
        document_id="000.00.00.G12,2025/07/01,70/BCT-XNK", organ_id="Bộ Công Thương"
    )
    revoke = Business(type=BusinessType.REVOKE, reason="Thu hồi", target=target)
    reasons = _refused(parties[G12], _document(business=revoke))
    assert any("ResponseFor/OrganId" in r and "whitespace" in r for r in reasons), reasons


def test_same_outgoing_item_offered_twice_is_stored_once(parties: dict[str, Party]) -> None:
    a = parties[G12]
    item = _document()
    a.office.outgoing.append(item)
    assert a.gateway.take_outbox() == {"accepted": 1}
    a.office.outgoing.append(item)  # the adapter offers it again (crash before mark_done)
    assert a.gateway.take_outbox() == {"repeat": 1}
    assert a.office.done == [item.item_id, item.item_id]
    assert _counts(a.store) == (1, 1)
    assert len(a.store.queue.list_jobs(kind=jobs.DELIVER)) == 1


def test_another_item_reusing_a_sent_document_id_is_refused_not_swallowed(
    parties: dict[str, Party],
) -> None:
    a = parties[G12]
    first = _document()
    a.office.outgoing.append(first)
    assert a.gateway.take_outbox() == {"accepted": 1}
    other = replace(_document(), item_id="item-77-lan-2", idempotency_key="key-77-lan-2")
    a.office.outgoing.append(other)
    assert a.gateway.take_outbox() == {"refused": 1}
    ((item_id, reasons),) = a.office.failed
    assert item_id == "item-77-lan-2"
    assert "already sent by this gateway for another item" in reasons[0]
    assert _counts(a.store) == (1, 1)


def test_back_office_cannot_send_status_01_itself(parties: dict[str, Party]) -> None:
    b = parties[G10]
    b.office.outgoing.append(
        OutgoingStatus(
            item_id="st-01",
            idempotency_key="st-01",
            original=DocumentRef(document_id="000.00.00.G12,2025/07/01,77/BCT-XNK"),
            code="01",
            description="Đã đến",
            time=datetime(2025, 7, 1, 9, 0, tzinfo=UTC),
        )
    )
    assert b.gateway.take_outbox() == {"refused": 1}
    ((_, reasons),) = b.office.failed
    assert "sent by the gateway itself" in reasons[0]


# -- intake ------------------------------------------------------------------------------------


def test_intake_commits_before_ack_and_replay_is_imported_once(
    parties: dict[str, Party], axis: MemoryAxis
) -> None:
    a, b = parties[G12], parties[G10]
    a.office.outgoing.append(_document())
    a.gateway.tick()
    b.hub.ack_failures = 1
    first = b.gateway.tick()
    assert first.documents == {"accepted": 1}
    assert b.hub.acks == []  # the acknowledgement was lost ...
    assert len(b.hub.list_received("edoc")) == 1  # ... so the axis lists it again
    assert len(b.office.documents) == 1  # committed and imported before the ack

    second = b.gateway.tick()
    assert second.documents == {"duplicate": 1}
    assert [ok for _, ok in b.hub.acks] == [True]
    assert b.hub.list_received("edoc") == []
    assert len(b.office.documents) == 1
    assert _counts(b.store)[0] == 1
    assert len(b.store.queue.list_jobs(kind=jobs.IMPORT)) == 1
    assert len(b.store.queue.list_jobs(kind=jobs.SEND_STATUS)) == 1  # one 01, not two

    a.gateway.tick()
    assert [s.code for s in a.office.statuses] == ["01"]


def test_status_about_unknown_document_is_rejected(parties: dict[str, Party]) -> None:
    a = parties[G12]
    never_sent = DocumentRecord(
        direction=Direction.OUT,
        sender=G12,
        recipients=(G10,),
        document_id="000.00.00.G12,2025/07/01,999/BCT-XNK",
        code_number="999",
        code_notation="BCT-XNK",
        subject="Văn bản chưa từng gửi",
        promulgation_date=date(2025, 7, 1),
    )
    ref = a.hub.deposit(_status_bytes(never_sent, G10), "status")
    assert a.gateway.poll_axis()[1] == {"rejected": 1}
    ((kind, reasons),) = _rejections(a.store)
    assert kind == "status"
    assert any("neither sent nor received" in r for r in reasons), reasons
    assert a.hub.acks == [(ref, False)]
    assert a.office.statuses == []
    assert a.store.queue.list_jobs() == []  # no 02 answers a status
    assert a.gateway.poll_axis()[1] == {"already-rejected": 1}


def test_status_from_agency_that_was_not_a_recipient_is_rejected(
    parties: dict[str, Party],
) -> None:
    a = parties[G12]
    a.office.outgoing.append(_document())
    a.gateway.tick()
    with a.store.reading() as s:
        (sent,) = list_documents(s, Direction.OUT)
    ref = a.hub.deposit(_status_bytes(sent.record, G22), "status")
    assert a.gateway.poll_axis()[1] == {"rejected": 1}
    ((kind, reasons),) = _rejections(a.store)
    assert kind == "status"
    assert any(f"{G22} reported a status on a document it was not sent" in r for r in reasons)
    assert a.hub.acks == [(ref, False)]
    assert a.office.statuses == []


# -- job runner --------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 7, 1, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Flaky:
    """A job handler failing with ``error`` (None: succeeds); records what it heard."""

    store: Store
    error: Exception | None
    runs: int = 0
    outcomes: list[FailOutcome] = field(default_factory=list)

    def run(self, job: ClaimedJob, worker_id: str) -> None:
        self.runs += 1
        if self.error is not None:
            raise self.error
        self.store.queue.complete(job, worker_id)

    def failed(self, s: Session, job: ClaimedJob, outcome: FailOutcome, error: str) -> None:
        self.outcomes.append(outcome)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue_store(tmp_path: Path, clock: Clock) -> Iterator[Store]:
    schedule = RetrySchedule(base_seconds=10, factor=2, max_delay_seconds=60, max_attempts=3)
    store = Store.open(
        None, tmp_path / "q", clock=clock, policy=RetryPolicy(schedules={}, default=schedule)
    )
    yield store
    store.close()


def _runner(store: Store, handler: Flaky) -> JobRunner:
    with store.transaction() as s:
        store.queue.enqueue(s, "deliver", {"delivery": 1})
    return JobRunner(store, {"deliver": handler}, worker_id="test-worker")


def test_runner_completes_a_job_that_succeeds(queue_store: Store) -> None:
    handler = Flaky(queue_store, None)
    runner = _runner(queue_store, handler)
    assert runner.run_due() == 1
    (job,) = queue_store.queue.list_jobs()
    assert job.state is JobState.DONE and handler.runs == 1


def test_runner_retries_a_retryable_error_after_backoff(queue_store: Store, clock: Clock) -> None:
    handler = Flaky(queue_store, AdapterError("văn thư offline", retryable=True))
    runner = _runner(queue_store, handler)
    assert runner.run_due() == 1
    (job,) = queue_store.queue.list_jobs()
    assert job.state is JobState.READY and job.attempts == 1
    assert job.last_error is not None and "văn thư offline" in job.last_error
    assert [o.dead for o in handler.outcomes] == [False]
    assert runner.run_due() == 0  # not due before its backoff
    clock.now += timedelta(seconds=15)
    assert runner.run_due() == 1
    assert handler.runs == 2


def test_runner_dead_letters_a_non_retryable_error_at_once(queue_store: Store) -> None:
    handler = Flaky(queue_store, ExchangeError("the stored package is not a document"))
    runner = _runner(queue_store, handler)
    assert runner.run_due() == 1
    (job,) = queue_store.queue.list_jobs()
    assert job.state is JobState.DEAD and job.attempts == 1
    assert [o.dead for o in handler.outcomes] == [True]


def test_runner_dead_letters_after_max_attempts(queue_store: Store, clock: Clock) -> None:
    handler = Flaky(queue_store, RetryableTransportError("axis unreachable"))
    runner = _runner(queue_store, handler)
    for _ in range(5):
        runner.run_due()
        clock.now += timedelta(minutes=5)
    (job,) = queue_store.queue.list_jobs()
    assert job.state is JobState.DEAD and job.attempts == 3
    assert handler.runs == 3
    assert [o.dead for o in handler.outcomes] == [False, False, True]
    queue_store.queue.resend(job.id)
    assert queue_store.queue.get(job.id).state is JobState.READY
