"""Properties that must hold for any events in any order (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.exchange.lifecycle import (
    Effect,
    Event,
    OperationEvent,
    RecipientState,
    RequestKind,
    StatusEvent,
    TransportEvent,
    TransportKind,
    apply,
    derive,
    event_order,
)

T0 = datetime(2024, 6, 12, 1, 0, tzinfo=UTC)
times = st.integers(min_value=0, max_value=30).map(lambda m: T0 + timedelta(minutes=m))
codes = st.sampled_from(["01", "02", "03", "04", "05", "06", "13", "15", "16", "09", "X1"])
descriptions = st.sampled_from(["", "Đã tiếp nhận", "Từ chối: sai thẩm quyền"])

status_events = st.builds(StatusEvent, codes, times, descriptions)
transport_events = st.builds(TransportEvent, st.sampled_from(list(TransportKind)), times)
operation_events = st.builds(
    OperationEvent,
    st.sampled_from([RequestKind.REVOKE, RequestKind.UPDATE, RequestKind.REPLACE]),
    times,
    st.sampled_from(["", "op-1"]),
)
events = st.one_of(status_events, transport_events, operation_events)


def fold(seq: list[Event]) -> RecipientState:
    state = RecipientState()
    for e in seq:
        state = apply(state, e).new_state
    return state


@settings(max_examples=300, deadline=None)
@given(st.lists(events, max_size=14), st.randoms(use_true_random=False))
def test_any_permutation_gives_the_sorted_order_state(seq: list[Event], rnd: object) -> None:
    shuffled = list(seq)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    by_order = sorted(seq, key=event_order)
    assert fold(shuffled) == fold(by_order) == derive(seq)
    assert fold(shuffled).view() == derive(reversed(seq)).view()
    assert fold(shuffled).label == fold(by_order).label


@settings(max_examples=300, deadline=None)
@given(st.lists(events, max_size=14))
def test_phase_never_moves_backwards(seq: list[Event]) -> None:
    state = RecipientState()
    for e in seq:
        t = apply(state, e)
        assert t.new_state.phase >= state.phase
        assert state.events <= t.new_state.events
        state = t.new_state


@settings(max_examples=300, deadline=None)
@given(st.lists(events, max_size=14))
def test_applying_twice_is_a_duplicate(seq: list[Event]) -> None:
    state = fold(seq)
    for e in seq:
        t = apply(state, e)
        assert t.effect is Effect.DUPLICATE and not t.changed and t.new_state is state


@settings(max_examples=300, deadline=None)
@given(
    st.lists(operation_events, min_size=1, max_size=4),
    st.lists(st.builds(StatusEvent, st.sampled_from(["15", "16"]), times), max_size=8),
)
def test_answers_never_undo_an_outcome(requests: list[Event], answers: list[StatusEvent]) -> None:
    """Once the requests are known (we record our own sends in order), answers only go up."""
    state = fold(requests)
    for answer in answers:
        before = state.requests
        state = apply(state, answer).new_state
        for old, new in zip(before, state.requests, strict=True):
            assert new.outcome >= old.outcome
            assert (new.kind, new.at) == (old.kind, old.at)


@settings(max_examples=200, deadline=None)
@given(st.lists(events, max_size=10), st.lists(events, max_size=10))
def test_derive_continues_from_an_initial_state(first: list[Event], second: list[Event]) -> None:
    assert derive(second, initial=derive(first)) == derive(first + second)
