"""The agency directory: hierarchy, channels, certificate binding."""

from __future__ import annotations

import pytest

from gateway.store import (
    AgencyRecord,
    RecordError,
    Store,
    agencies_for_certificate,
    get_agency,
    list_agencies,
    upsert_agencies,
    upsert_agency,
)

FP = "AB:" * 31 + "CD"


def test_batch_is_written_parents_first_and_read_back(store: Store) -> None:
    records = [
        AgencyRecord("000.01.06.G06", "Cục Xúc tiến thương mại", parent="000.00.00.G06"),
        AgencyRecord("000.00.00.G06", "Bộ Công Thương", cert_fingerprint_sha256=FP),
        AgencyRecord(
            "000.00.00.H26",
            "UBND thành phố Hà Nội",
            channel="soap",
            endpoint="https://127.0.0.1:8443/edxml",
        ),
    ]
    with store.transaction() as s:
        assert upsert_agencies(s, records) == 3
    with store.reading() as s:
        children = list_agencies(s, parent="000.00.00.G06")
        hanoi = get_agency(s, "000.00.00.H26")
        bound = agencies_for_certificate(s, FP.lower())
    assert [a.name for a in children] == ["Cục Xúc tiến thương mại"]
    assert hanoi is not None and (hanoi.channel, hanoi.endpoint) == (
        "soap",
        "https://127.0.0.1:8443/edxml",
    )
    assert [a.identifier for a in bound] == ["000.00.00.G06"]
    assert bound[0].cert_fingerprint_sha256 == FP.replace(":", "").lower()


def test_update_changes_the_row_and_reports_not_new(store: Store) -> None:
    with store.transaction() as s:
        assert upsert_agency(s, AgencyRecord("000.00.00.G22", "Văn phòng Chính phủ"))
        assert not upsert_agency(
            s, AgencyRecord("000.00.00.G22", "Văn phòng Chính phủ", active=False)
        )
    with store.reading() as s:
        assert list_agencies(s, active_only=True) == []


def test_unknown_parent_and_bad_fingerprint_are_refused(store: Store) -> None:
    with pytest.raises(RecordError, match="not in the directory"), store.transaction() as s:
        upsert_agency(s, AgencyRecord("000.01.00.G99", "Đơn vị con", parent="000.00.00.G99"))
    with pytest.raises(RecordError, match="SHA-256"):
        AgencyRecord("000.00.00.G06", "Bộ Công Thương", cert_fingerprint_sha256="1234")
    with pytest.raises(RecordError, match="cycle"), store.transaction() as s:
        upsert_agencies(s, [AgencyRecord("A", "a", parent="B"), AgencyRecord("B", "b", parent="A")])
