"""Business status events: stored per document and agency, replays ignored, current state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gateway.store import (
    Direction,
    RecordError,
    StatusEventRecord,
    Store,
    current_statuses,
    record_inbound,
    record_status,
    status_history,
)
from tests.store.factories import HANOI, MOIT, document, package

T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def _doc(store: Store) -> str:
    ref = store.put_package(package())
    with store.transaction() as s:
        return record_inbound(
            s, document(recipients=(MOIT, HANOI)), ref, channel="axis"
        ).document_id


def _status(store: Store, doc: str, agency: str, code: str, minutes: int) -> tuple[int, bool]:
    ref = store.put_package(f"status {doc} {agency} {code} {minutes}".encode())
    ev = StatusEventRecord(
        document_id=doc,
        agency=agency,
        code=code,
        direction=Direction.IN,
        package_sha256=ref.sha256,
        description="Đã tiếp nhận, vào sổ công văn đến",
        reported_at=T0 + timedelta(minutes=minutes),
    )
    with store.transaction() as s:
        stored, created = record_status(s, ev, package=ref)
    return stored.id, created


def test_current_status_is_the_latest_reported_per_agency(store: Store) -> None:
    doc = _doc(store)
    _status(store, doc, MOIT, "01", 0)
    _status(store, doc, MOIT, "03", 10)
    _status(store, doc, HANOI, "01", 5)
    _status(store, doc, MOIT, "02", 7)  # arrives late but was reported before 03
    with store.reading() as s:
        current = current_statuses(s, doc)
        history = status_history(s, doc, MOIT)
    assert {a: e.event.code for a, e in current.items()} == {MOIT: "03", HANOI: "01"}
    assert [e.event.code for e in history] == ["01", "02", "03"]


def test_unknown_status_codes_are_kept(store: Store) -> None:
    doc = _doc(store)
    _status(store, doc, MOIT, "99", 1)
    with store.reading() as s:
        assert current_statuses(s, doc)[MOIT].event.code == "99"


def test_replayed_status_package_is_stored_once(store: Store) -> None:
    doc = _doc(store)
    first = _status(store, doc, MOIT, "05", 3)
    again = _status(store, doc, MOIT, "05", 3)
    assert first[1] and not again[1] and first[0] == again[0]
    with store.reading() as s:
        assert len(status_history(s, doc)) == 1


def test_malformed_status_values_are_refused() -> None:
    with pytest.raises(RecordError):
        StatusEventRecord("d", MOIT, "0 1", Direction.IN, None)
    with pytest.raises(RecordError):
        StatusEventRecord("d", MOIT, "01", Direction.IN, None, reported_at=datetime(2025, 1, 1))
