"""The work queue: enqueue, claim with a lease, complete, fail with backoff, dead letter, resend."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import text

from gateway.errors import QueueError
from gateway.store import AttemptResult, JobState, Store
from tests.store.conftest import FakeClock


def _enqueue(store: Store, kind: str = "deliver", **kw: object) -> int:
    with store.transaction() as s:
        return store.queue.enqueue(s, kind, {"delivery": 7, "ghi_chú": "gửi lại"}, **kw).job_id  # type: ignore[arg-type]


def test_enqueue_claim_complete(store: Store) -> None:
    job_id = _enqueue(store)
    (job,) = store.queue.claim("deliver", "w1", lease_seconds=60)
    assert (job.id, job.attempt, job.payload) == (job_id, 1, {"delivery": 7, "ghi_chú": "gửi lại"})
    assert store.queue.claim("deliver", "w2") == []  # leased
    store.queue.complete(job, "w1")
    info = store.queue.get(job_id)
    assert info.state is JobState.DONE and info.lease_owner is None
    assert [a.outcome for a in store.queue.attempts(job_id)] == [AttemptResult.DONE]


def test_enqueue_joins_the_callers_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as s:
        store.queue.enqueue(s, "import", {"d": 1})
        raise RuntimeError("rollback")
    assert store.queue.claim("import", "w") == []


def test_dedupe_key_returns_the_existing_job(store: Store) -> None:
    with store.transaction() as s:
        a = store.queue.enqueue(s, "status", {"code": "01"}, dedupe_key="doc-1/01")
        b = store.queue.enqueue(s, "status", {"code": "01"}, dedupe_key="doc-1/01")
        c = store.queue.enqueue(s, "deliver", {"code": "01"}, dedupe_key="doc-1/01")
    assert a.created and not b.created and a.job_id == b.job_id
    assert c.created and c.job_id != a.job_id


def test_not_before_is_respected(store: Store, clock: FakeClock) -> None:
    _enqueue(store, not_before=clock.now + timedelta(minutes=5))
    assert store.queue.claim("deliver", "w") == []
    clock.advance(300)
    assert len(store.queue.claim("deliver", "w")) == 1


def test_claim_takes_only_the_requested_kinds_in_due_order(store: Store, clock: FakeClock) -> None:
    later = _enqueue(store, "deliver")
    clock.advance(1)
    _enqueue(store, "import")
    earlier = _enqueue(store, "deliver", not_before=clock.now - timedelta(seconds=30))
    jobs = store.queue.claim(["deliver", "directory-sync"], "w", batch=5)
    assert [j.id for j in jobs] == [earlier, later]


def test_expired_lease_returns_the_job_and_the_old_worker_is_refused(
    store: Store, clock: FakeClock
) -> None:
    job_id = _enqueue(store)
    (old,) = store.queue.claim("deliver", "w1", lease_seconds=30)
    clock.advance(31)
    (new,) = store.queue.claim("deliver", "w2", lease_seconds=30)
    assert new.id == job_id and new.attempt == 2
    with pytest.raises(QueueError, match="lease lost"):
        store.queue.complete(old, "w1")
    with pytest.raises(QueueError, match="lease lost"):
        store.queue.fail(old, "w1", "late")
    store.queue.complete(new, "w2")
    outcomes = [(a.worker_id, a.outcome) for a in store.queue.attempts(job_id)]
    assert outcomes == [("w1", AttemptResult.LEASE_EXPIRED), ("w2", AttemptResult.DONE)]


def test_completing_with_another_worker_id_is_refused(store: Store) -> None:
    _enqueue(store)
    (job,) = store.queue.claim("deliver", "w1")
    with pytest.raises(QueueError):
        store.queue.complete(job, "w2")
    store.queue.complete(job, "w1")
    with pytest.raises(QueueError):
        store.queue.complete(job, "w1")  # twice


def test_extend_lease_keeps_the_job(store: Store, clock: FakeClock) -> None:
    _enqueue(store)
    (job,) = store.queue.claim("deliver", "w1", lease_seconds=30)
    clock.advance(25)
    job = store.queue.extend_lease(job, "w1", 30)
    clock.advance(25)
    assert store.queue.claim("deliver", "w2") == []
    store.queue.complete(job, "w1")


def test_failure_backs_off_per_schedule_then_dead_letters(store: Store, clock: FakeClock) -> None:
    # TEST_POLICY: deliver = base 10 s, factor 2, max 100 s, 3 attempts, jitter 0.2, Random(7)
    job_id = _enqueue(store)
    delays = []
    for attempt in (1, 2):
        (job,) = store.queue.claim("deliver", "w")
        assert job.attempt == attempt
        outcome = store.queue.fail(job, "w", f"trục trả lỗi lần {attempt}")
        assert not outcome.dead and outcome.retry_at is not None
        delays.append((outcome.retry_at - clock.now).total_seconds())
        assert store.queue.claim("deliver", "w") == []
        clock.now = outcome.retry_at
    assert 8 <= delays[0] <= 12 and 16 <= delays[1] <= 24
    (job,) = store.queue.claim("deliver", "w")
    outcome = store.queue.fail(job, "w", "lần cuối")
    assert outcome.dead and outcome.retry_at is None
    info = store.queue.get(job_id)
    assert info.state is JobState.DEAD and info.last_error == "lần cuối"
    assert [j.id for j in store.queue.list_jobs(state=JobState.DEAD)] == [job_id]
    assert [a.outcome for a in store.queue.attempts(job_id)] == [
        AttemptResult.RETRY,
        AttemptResult.RETRY,
        AttemptResult.DEAD,
    ]


def test_backoff_delays_match_the_schedule_with_the_same_rng(store: Store) -> None:
    expected = store.queue.policy.for_kind("deliver").delay(1, random.Random(7))
    _enqueue(store)
    (job,) = store.queue.claim("deliver", "w")
    outcome = store.queue.fail(job, "w", "x")
    assert outcome.retry_at is not None
    assert outcome.retry_at - store.clock() == expected


def test_non_retryable_failure_goes_straight_to_dead_letter(store: Store) -> None:
    job_id = _enqueue(store, "import")
    (job,) = store.queue.claim("import", "w")
    assert store.queue.fail(job, "w", "gói tin sai cấu trúc", retryable=False).dead
    assert store.queue.get(job_id).state is JobState.DEAD


def test_resend_brings_a_dead_job_back_with_fresh_attempts(store: Store) -> None:
    job_id = _enqueue(store, "import")
    (job,) = store.queue.claim("import", "w")
    store.queue.fail(job, "w", "hỏng", retryable=False)
    store.queue.resend(job_id)
    info = store.queue.get(job_id)
    assert (info.state, info.attempts, info.resent) == (JobState.READY, 0, 1)
    (job,) = store.queue.claim("import", "w")
    assert job.attempt == 1
    store.queue.complete(job, "w")
    assert len(store.queue.attempts(job_id)) == 2
    with pytest.raises(QueueError, match="only dead jobs"):
        store.queue.resend(job_id)
    with pytest.raises(QueueError, match="no job"):
        store.queue.resend(999_999)


def test_lease_expiring_on_the_last_attempt_dead_letters(store: Store, clock: FakeClock) -> None:
    job_id = _enqueue(store)  # deliver: 3 attempts
    for _ in range(3):
        assert len(store.queue.claim("deliver", "w", lease_seconds=10)) == 1
        clock.advance(11)
    assert store.queue.claim("deliver", "w") == []
    info = store.queue.get(job_id)
    assert info.state is JobState.DEAD and "expired" in (info.last_error or "")


def test_complete_can_commit_with_the_callers_effect(store: Store) -> None:
    job_id = _enqueue(store)
    (job,) = store.queue.claim("deliver", "w")
    with pytest.raises(RuntimeError), store.transaction() as s:
        store.queue.complete(job, "w", session=s)
        raise RuntimeError("the effect failed")
    assert store.queue.get(job_id).state is JobState.RUNNING
    with store.transaction() as s:
        store.queue.complete(job, "w", session=s)
    assert store.queue.get(job_id).state is JobState.DONE


def test_enqueue_many_and_counts(store: Store) -> None:
    with store.transaction() as s:
        ids = store.queue.enqueue_many(s, "import", ({"n": i} for i in range(50)))
    assert len(set(ids)) == 50
    jobs = store.queue.claim("import", "w", batch=20)
    assert [j.payload["n"] for j in jobs] == list(range(20))
    counts = store.queue.counts()
    assert counts[("import", JobState.READY)] == 30
    assert counts[("import", JobState.RUNNING)] == 20


@pytest.mark.parametrize(
    ("kind", "payload"),
    [("Deliver", {}), ("giao-nhận", {}), ("deliver", {"x": float("nan")}), ("deliver", {"x": {1}})],
)
def test_bad_kind_or_payload_is_refused(
    store: Store, kind: str, payload: dict[str, object]
) -> None:
    with pytest.raises(QueueError), store.transaction() as s:
        store.queue.enqueue(s, kind, payload)


def test_no_attempt_rows_are_left_running_after_completion(store: Store) -> None:
    for _ in range(5):
        _enqueue(store)
    for job in store.queue.claim("deliver", "w", batch=5):
        store.queue.complete(job, "w")
    with store.reading() as s:
        running = s.execute(text("SELECT count(*) FROM job_attempts WHERE outcome = 'running'"))
        assert running.scalar_one() == 0
