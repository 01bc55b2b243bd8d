"""The per-recipient lifecycle: the ordinary path, requests and their answers, odd input."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone

import pytest

from gateway.errors import ExchangeError
from gateway.exchange.lifecycle import (
    Disposition,
    Effect,
    OperationEvent,
    Outcome,
    Phase,
    RecipientState,
    RequestKind,
    StatusEvent,
    TransportEvent,
    TransportKind,
    apply,
    derive,
)

T0 = datetime(2024, 6, 12, 8, 0, tzinfo=timezone(timedelta(hours=7)))


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def st(code: str, minutes: int, text: str = "") -> StatusEvent:
    return StatusEvent(code, at(minutes), text)


def run(*events: StatusEvent | TransportEvent | OperationEvent) -> RecipientState:
    state = RecipientState()
    for e in events:
        state = apply(state, e).new_state
    return state


def test_the_ordinary_path_advances_through_every_phase() -> None:
    state = RecipientState()
    assert state.phase is Phase.QUEUED
    steps = [
        (TransportEvent(TransportKind.QUEUED, at(0)), Phase.QUEUED),
        (TransportEvent(TransportKind.SENT, at(1)), Phase.SENT),
        (st("01", 2, "Đã đến hệ thống"), Phase.ARRIVED),
        (st("03", 30, "Đã vào sổ văn bản đến"), Phase.ACCEPTED),
        (st("04", 60, "Giao Vụ Thị trường trong nước chủ trì"), Phase.ASSIGNED),
        (st("05", 90, "Đang xử lý"), Phase.PROCESSING),
        (st("06", 600, "Đã hoàn thành"), Phase.FINISHED),
    ]
    for event, phase in steps:
        t = apply(state, event)
        assert t.changed and t.new_state.phase is phase
        state = t.new_state
    assert state.disposition is Disposition.ACTIVE
    assert state.label == "finished"


def test_transition_note_names_the_move() -> None:
    t = apply(run(st("01", 1)), st("03", 2))
    assert t.effect is Effect.ADVANCED
    assert t.note == "status 03: phase arrived -> accepted"


def test_duplicate_is_a_reported_no_op() -> None:
    state = run(st("03", 5, "Đã tiếp nhận"))
    t = apply(state, st("03", 5, "Đã tiếp nhận"))
    assert t.effect is Effect.DUPLICATE and not t.changed
    assert t.new_state is state
    assert "duplicate" in t.note


def test_late_status_never_moves_backwards() -> None:
    state = run(st("05", 10))
    t = apply(state, st("03", 5))
    assert t.effect is Effect.RECORDED and t.changed
    assert t.new_state.phase is Phase.PROCESSING
    assert "late or repeated" in t.note
    t = apply(t.new_state, st("01", 1))
    assert t.new_state.phase is Phase.PROCESSING


def test_refusal_is_terminal_and_progress_after_it_is_a_conflict() -> None:
    state = run(st("01", 1), st("02", 5, "Văn bản không thuộc thẩm quyền giải quyết"))
    assert state.phase is Phase.REFUSED
    assert state.refusal is not None
    assert state.refusal.description == "Văn bản không thuộc thẩm quyền giải quyết"
    t = apply(state, st("03", 6))
    assert t.new_state.phase is Phase.REFUSED
    assert t.new_state.conflicting and "conflict" in t.note
    assert t.new_state.label == "refused; conflicting statuses"
    assert run(st("05", 1), st("02", 2)).phase is Phase.REFUSED


def test_take_back_requested_then_agreed() -> None:
    state = run(st("03", 1), st("13", 5, "Đề nghị trả lại do gửi nhầm"))
    assert state.disposition is Disposition.TAKE_BACK_REQUESTED
    t = apply(state, st("15", 9, "Đồng ý trả lại"))
    assert t.new_state.disposition is Disposition.TAKEN_BACK
    assert "take-back requested -> taken back" in t.note
    assert t.new_state.phase is Phase.ACCEPTED  # progress is a separate axis


def test_refused_request_leaves_the_standing_as_it_was() -> None:
    state = run(st("05", 1), OperationEvent(RequestKind.UPDATE, at(5), "upd-1"))
    assert state.disposition is Disposition.UPDATE_REQUESTED
    t = apply(state, st("16", 6, "Văn bản đã xử lý xong, không cập nhật"))
    assert t.new_state.disposition is Disposition.ACTIVE
    assert t.new_state.phase is Phase.PROCESSING
    assert t.new_state.requests[0].outcome is Outcome.REFUSED


@pytest.mark.parametrize(
    ("kind", "agreed"),
    [
        (RequestKind.REVOKE, Disposition.REVOKED),
        (RequestKind.UPDATE, Disposition.UPDATED),
        (RequestKind.REPLACE, Disposition.REPLACED),
    ],
)
def test_agreement_after_an_operation(kind: RequestKind, agreed: Disposition) -> None:
    state = run(st("03", 1), OperationEvent(kind, at(2)))
    assert state.disposition.value == f"{kind.value} requested"
    assert apply(state, st("15", 3)).new_state.disposition is agreed


def test_agreement_is_not_undone_by_a_later_refusal() -> None:
    state = run(OperationEvent(RequestKind.REVOKE, at(2)), st("15", 3), st("16", 4))
    assert state.disposition is Disposition.REVOKED


def test_revoked_stays_revoked_after_a_later_update_request() -> None:
    state = run(OperationEvent(RequestKind.REVOKE, at(2)), st("15", 3))
    state = run(*state.events, OperationEvent(RequestKind.UPDATE, at(10)))
    assert state.disposition is Disposition.REVOKED


def test_answers_belong_to_the_request_before_them() -> None:
    state = run(
        OperationEvent(RequestKind.UPDATE, at(1)),
        st("15", 2),
        OperationEvent(RequestKind.REVOKE, at(10)),
        st("16", 11, "Không đồng ý thu hồi"),
    )
    update, revoke = state.requests
    assert (update.kind, update.outcome) == (RequestKind.UPDATE, Outcome.AGREED)
    assert (revoke.kind, revoke.outcome) == (RequestKind.REVOKE, Outcome.REFUSED)
    assert state.disposition is Disposition.UPDATED


def test_answer_older_than_every_request_goes_to_the_first() -> None:
    # the recipient's clock is two minutes behind ours
    state = run(st("15", 3), OperationEvent(RequestKind.REVOKE, at(5)))
    assert state.disposition is Disposition.REVOKED


def test_answer_without_any_request_is_kept_for_later() -> None:
    t = apply(RecipientState(), st("15", 3))
    assert t.effect is Effect.RECORDED
    assert t.new_state.disposition is Disposition.ACTIVE


@pytest.mark.parametrize("code", ["09", "99", "AB", "", "123", "7"])
def test_unknown_codes_are_kept_as_data(code: str) -> None:
    state = run(st("03", 1))
    t = apply(state, st(code, 2, "mã lạ"))
    assert t.changed
    assert t.new_state.phase is Phase.ACCEPTED
    assert [s.code for s in t.new_state.unknown] == [code.zfill(2) if code == "7" else code]
    assert "unknown code" in t.note


def test_single_digit_code_is_read_as_two() -> None:
    assert StatusEvent("3", at(0)).code == "03"
    assert run(StatusEvent(" 5 ", at(0))).phase is Phase.PROCESSING


def test_descriptions_are_nfc() -> None:
    e = StatusEvent("02", at(0), unicodedata.normalize("NFD", "Từ chối tiếp nhận"))
    assert e.description == "Từ chối tiếp nhận"


def test_naive_times_are_refused_clearly() -> None:
    with pytest.raises(ExchangeError, match="no UTC offset"):
        StatusEvent("03", datetime(2024, 6, 12, 8, 0))
    with pytest.raises(ExchangeError, match="status 13, not a business operation"):
        OperationEvent(RequestKind.TAKE_BACK, at(0))


def test_times_in_different_zones_compare_as_instants() -> None:
    utc_later = T0.astimezone(UTC) + timedelta(minutes=1)
    state = run(OperationEvent(RequestKind.UPDATE, T0), StatusEvent("15", utc_later))
    assert state.disposition is Disposition.UPDATED


def test_derive_matches_the_live_fold() -> None:
    events = [
        TransportEvent(TransportKind.SENT, at(0)),
        st("05", 40),
        st("01", 1),
        st("03", 20),
        st("13", 50, "Đề nghị trả lại"),
        st("15", 55),
        st("05", 40),
    ]
    assert derive(events) == run(*events)
    assert derive(events).disposition is Disposition.TAKEN_BACK
    assert derive([]) == RecipientState()
