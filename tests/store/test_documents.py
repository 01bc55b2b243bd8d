"""Documents in and out, replay recognition, deliveries and their attempts."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from gateway.store import (
    AttemptOutcome,
    DeliveryState,
    Direction,
    DuplicateDocumentError,
    RecordError,
    Store,
    attempts_for,
    deliveries_for,
    find_delivery_by_peer_ref,
    find_document,
    get_document,
    record_attempt,
    record_inbound,
    record_outbound,
)
from gateway.store.documents import insert_document
from tests.store.factories import HANOI, MOIT, SUBJECT, VPCP, document, nfd, package


def test_inbound_document_is_stored_with_metadata_and_blob_link(store: Store) -> None:
    ref = store.put_package(package())
    with store.transaction() as s:
        result = record_inbound(s, document(), ref, channel="axis", transport_ref="axis-77")
    assert result.created
    with store.reading() as s:
        stored = get_document(s, result.document_id)
    assert stored is not None
    assert stored.record == document()
    assert stored.package_sha256 == ref.sha256
    assert stored.transport_ref == "axis-77"
    assert store.blobs.read_bytes(stored.package_sha256) == package()


def test_replay_with_same_document_id_returns_existing_id(store: Store) -> None:
    ref = store.put_package(package())
    with store.transaction() as s:
        first = record_inbound(s, document(), ref, channel="axis", transport_ref="axis-1")
    with store.transaction() as s:
        again = record_inbound(s, document(), ref, channel="axis", transport_ref="axis-2")
    assert not again.created
    assert again.document_id == first.document_id
    assert again.matched_on == "document"
    assert again.same_package


def test_replay_with_same_transport_id_is_recognised_even_if_metadata_differs(
    store: Store,
) -> None:
    ref = store.put_package(package())
    other = store.put_package(package(extra="khác"))
    with store.transaction() as s:
        first = record_inbound(s, document(number=1), ref, channel="axis", transport_ref="A-9")
    with store.transaction() as s:
        again = record_inbound(s, document(number=2), other, channel="axis", transport_ref="A-9")
    assert (again.created, again.matched_on, again.same_package) == (False, "transport", False)
    assert again.document_id == first.document_id
    with store.reading() as s:
        assert find_document(s, Direction.IN, VPCP, document(number=2).document_id) is None


def test_same_transport_id_on_another_channel_is_a_different_document(store: Store) -> None:
    ref = store.put_package(package())
    with store.transaction() as s:
        a = record_inbound(s, document(number=1), ref, channel="axis", transport_ref="X")
        b = record_inbound(s, document(number=2), ref, channel="soap", transport_ref="X")
    assert a.created and b.created and a.document_id != b.document_id


def test_unique_constraint_refuses_a_second_row_that_bypasses_the_check(store: Store) -> None:
    ref = store.put_package(package())
    with store.transaction() as s:
        record_inbound(s, document(), ref, channel="axis")
    with pytest.raises(IntegrityError), store.transaction() as s:
        insert_document(s, document(), ref, channel="axis", transport_ref=None, now=store.clock())


def test_decomposed_vietnamese_is_stored_in_nfc(store: Store) -> None:
    ref = store.put_package(package())
    rec = document(subject=nfd(SUBJECT))
    assert rec.subject == SUBJECT
    with store.transaction() as s:
        result = record_inbound(s, rec, ref, channel="axis")
    with store.reading() as s:
        stored = get_document(s, result.document_id)
    assert stored is not None and stored.record.subject == SUBJECT


def test_outbound_document_gets_one_pending_delivery_per_recipient(store: Store) -> None:
    rec = document(Direction.OUT, sender=MOIT, recipients=(VPCP, HANOI))
    ref = store.put_package(package())
    with store.transaction() as s:
        out = record_outbound(s, rec, ref, channels={HANOI: "soap"})
    assert [(d.recipient, d.channel, d.state) for d in out.deliveries] == [
        (VPCP, "axis", DeliveryState.PENDING),
        (HANOI, "soap", DeliveryState.PENDING),
    ]
    with pytest.raises(DuplicateDocumentError) as info, store.transaction() as s:
        record_outbound(s, rec, ref)
    assert info.value.existing_id == out.document_id


def test_delivery_attempts_keep_time_outcome_error_and_peer_reference(
    store: Store, clock: object
) -> None:
    rec = document(Direction.OUT, sender=MOIT, recipients=(VPCP,))
    ref = store.put_package(package())
    with store.transaction() as s:
        delivery = record_outbound(s, rec, ref).deliveries[0]
        record_attempt(s, delivery.id, AttemptOutcome.FAILED, error="trục: hết thời gian chờ")
        record_attempt(
            s, delivery.id, AttemptOutcome.SENT, peer_ref="doc-5521", new_state=DeliveryState.SENT
        )
    with store.reading() as s:
        attempts = attempts_for(s, delivery.id)
        (current,) = deliveries_for(s, delivery.document_id)
        by_ref = find_delivery_by_peer_ref(s, "axis", "doc-5521")
    assert [(a.outcome, a.error, a.peer_ref) for a in attempts] == [
        (AttemptOutcome.FAILED, "trục: hết thời gian chờ", None),
        (AttemptOutcome.SENT, None, "doc-5521"),
    ]
    assert current.state is DeliveryState.SENT and current.peer_ref == "doc-5521"
    assert by_ref == current


def test_direction_mismatch_and_bad_values_are_refused(store: Store) -> None:
    ref = store.put_package(package())
    with pytest.raises(RecordError), store.transaction() as s:
        record_inbound(s, document(Direction.OUT), ref, channel="axis")
    with pytest.raises(RecordError):
        document(recipients=())
    with pytest.raises(RecordError):
        document(recipients=(MOIT, MOIT))
    with pytest.raises(RecordError):
        document(sender="x" * 65)
