"""Refused inbound packages: stored once, recognised on the next poll, listed for admins."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from gateway.store import (
    RecordError,
    RejectionRecord,
    Store,
    find_rejection,
    list_rejections,
    record_rejection,
)
from gateway.store.db import alembic_config, current_revision, upgrade
from gateway.store.models import Base
from tests.store.conftest import FakeClock
from tests.store.factories import VPCP, nfd, package

BAD_SIGNATURE = "Chữ ký số không hợp lệ: chứng thư số đã bị thu hồi"
UNKNOWN_SENDER = "Đơn vị gửi 000.00.00.G99 không có trong danh bạ"
NO_SUBJECT = "Thiếu trích yếu nội dung (Subject) trong MessageHeader"


def rejection(
    sha256: str,
    *,
    transport_ref: str | None = "axis-401",
    channel: str = "axis",
    reasons: tuple[str, ...] = (BAD_SIGNATURE,),
    kind: str = "edoc",
    status: str | None = "02",
) -> RejectionRecord:
    return RejectionRecord(
        channel=channel,
        transport_ref=transport_ref,
        package_sha256=sha256,
        kind=kind,
        sender=VPCP,
        document_id=f"{VPCP},2025/03/14,401/VPCP-KTTH",
        reasons=reasons,
        answered_with_status=status,
    )


def test_rejection_is_stored_and_found_by_transport_id(store: Store, clock: FakeClock) -> None:
    ref = store.put_package(package(401))
    record = rejection(ref.sha256, reasons=(BAD_SIGNATURE, NO_SUBJECT))
    with store.transaction() as s:
        stored, created = record_rejection(s, record, ref, now=clock())
    assert created
    assert stored.record == record
    assert stored.created_at == clock.now
    with store.reading() as s:
        found = find_rejection(s, "axis", "axis-401")
        assert find_rejection(s, "axis", "axis-402") is None
        assert find_rejection(s, "soap", "axis-401") is None
    assert found == stored
    assert found.record.reasons == (BAD_SIGNATURE, NO_SUBJECT)
    assert found.record.answered_with_status == "02"
    assert store.blobs.read_bytes(found.record.package_sha256) == package(401)


def test_relisted_package_returns_the_first_rejection(store: Store, clock: FakeClock) -> None:
    ref = store.put_package(package(401))
    with store.transaction() as s:
        first, _ = record_rejection(s, rejection(ref.sha256), ref)
    clock.advance(60)
    with store.transaction() as s:
        again, created = record_rejection(
            s, rejection(ref.sha256, reasons=(UNKNOWN_SENDER,), status=None), ref
        )
    assert not created
    assert again == first
    assert again.record.reasons == (BAD_SIGNATURE,)
    with store.reading() as s:
        assert len(list_rejections(s)) == 1


def test_without_transport_id_the_package_hash_identifies_it(store: Store) -> None:
    ref = store.put_package(package(401))
    other = store.put_package(package(402))
    with store.transaction() as s:
        a, a_new = record_rejection(s, rejection(ref.sha256, transport_ref=None), ref)
        b, b_new = record_rejection(s, rejection(ref.sha256, transport_ref=None), ref)
        c, c_new = record_rejection(s, rejection(other.sha256, transport_ref=None), other)
        d, d_new = record_rejection(
            s, rejection(ref.sha256, transport_ref=None, channel="folder"), ref
        )
    assert (a_new, b_new, c_new, d_new) == (True, False, True, True)
    assert a.id == b.id
    assert len({a.id, c.id, d.id}) == 3


def test_same_transport_id_on_another_channel_is_another_rejection(store: Store) -> None:
    ref = store.put_package(package(401))
    with store.transaction() as s:
        _, a = record_rejection(s, rejection(ref.sha256, channel="axis"), ref)
        _, b = record_rejection(s, rejection(ref.sha256, channel="soap"), ref)
    assert a and b


def test_status_package_rejection_without_readable_sender(store: Store) -> None:
    ref = store.put_package(
        b"<edXML>kh\xc3\xb4ng \xc4\x91\xe1\xbb\x8dc \xc4\x91\xc6\xb0\xe1\xbb\xa3c"
    )
    record = RejectionRecord(
        channel="axis",
        transport_ref="axis-9",
        package_sha256=ref.sha256,
        kind="status",
        sender=None,
        document_id=None,
        reasons=("Gói tin không phải XML hợp lệ",),
    )
    with store.transaction() as s:
        stored, created = record_rejection(s, record, ref)
    assert created
    assert (stored.record.sender, stored.record.document_id) == (None, None)
    assert stored.record.answered_with_status is None


def test_text_is_nfc_on_the_way_in_and_out(store: Store) -> None:
    ref = store.put_package(package(401))
    with store.transaction() as s:
        record_rejection(
            s,
            rejection(ref.sha256, transport_ref=nfd("mã-gói-401"), reasons=(nfd(NO_SUBJECT),)),
            ref,
        )
    with store.reading() as s:
        found = find_rejection(s, "axis", nfd("mã-gói-401"))
    assert found is not None
    assert found.record.transport_ref == "mã-gói-401"
    assert found.record.reasons == (NO_SUBJECT,)


def test_list_is_newest_first_and_pages_with_before_id(store: Store, clock: FakeClock) -> None:
    ids = []
    for n in range(5):
        ref = store.put_package(package(500 + n))
        with store.transaction() as s:
            stored, _ = record_rejection(
                s, rejection(ref.sha256, transport_ref=f"axis-{n}"), ref, now=clock()
            )
        ids.append(stored.id)
        clock.advance(1)
    with store.reading() as s:
        page1 = list_rejections(s, limit=2)
        page2 = list_rejections(s, limit=2, before_id=page1[-1].id)
        rest = list_rejections(s, before_id=page2[-1].id)
    assert [r.id for r in page1 + page2 + rest] == ids[::-1]
    assert page1[0].created_at - rest[-1].created_at == timedelta(seconds=4)
    with store.reading() as s, pytest.raises(RecordError):
        list_rejections(s, limit=0)


@pytest.mark.parametrize("transport_ref", ["axis-401", None])
def test_a_concurrent_second_writer_waits_and_finds_the_first_row(
    store: Store, transport_ref: str | None
) -> None:
    """The writer that loses the race reports a repeat instead of storing a second row.

    With a transport id the UNIQUE constraint makes it wait and fail in its savepoint; without
    one the advisory lock (PostgreSQL) or the write lock (SQLite) makes it wait and then find
    the first row.
    """
    ref = store.put_package(package(401))
    record = rejection(ref.sha256, transport_ref=transport_ref)
    with store.transaction() as s:  # the blob row exists already: no wait on its insert
        record_rejection(s, rejection(ref.sha256, channel="folder"), ref)

    def second() -> bool:
        with store.transaction() as s:
            return record_rejection(s, record, ref)[1]

    pool = ThreadPoolExecutor(1)
    try:
        with store.transaction() as s:
            assert record_rejection(s, record, ref)[1]
            late = pool.submit(second)
            time.sleep(0.5)
            assert not late.done()
        assert late.result(timeout=60) is False
    finally:
        pool.shutdown()
    with store.reading() as s:
        assert len(list_rejections(s)) == 2


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"channel": ""}, "channel"),
        ({"channel": "k" * 33}, "channel"),
        ({"transport_ref": ""}, "transport_ref"),
        ({"package_sha256": "ABC"}, "package_sha256"),
        ({"kind": "văn bản"}, "kind"),
        ({"sender": "x" * 65}, "sender"),
        ({"document_id": " "}, "document_id"),
        ({"reasons": ()}, "reason"),
        ({"reasons": ("  ",)}, "reason"),
        ({"reasons": ["danh sách"]}, "reason"),
        ({"answered_with_status": "0-2"}, "status code"),
    ],
)
def test_malformed_records_are_refused(changes: dict[str, object], needle: str) -> None:
    values: dict[str, object] = {
        "channel": "axis",
        "transport_ref": "axis-1",
        "package_sha256": "a" * 64,
        "kind": "edoc",
        "sender": VPCP,
        "document_id": "d",
        "reasons": (BAD_SIGNATURE,),
        "answered_with_status": "02",
    }
    values.update(changes)
    with pytest.raises(RecordError, match=needle):
        RejectionRecord(**values)  # type: ignore[arg-type]


def test_package_must_match_the_record(store: Store) -> None:
    ref = store.put_package(package(401))
    other = store.put_package(package(402))
    with store.transaction() as s, pytest.raises(RecordError, match="does not match"):
        record_rejection(s, rejection(ref.sha256), other)


def test_migration_downgrades_and_upgrades_again(store: Store) -> None:
    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert current_revision(store.engine) == "0001"
    assert "rejections" not in inspect(store.engine).get_table_names()
    assert "documents" in inspect(store.engine).get_table_names()
    upgrade(store.engine)
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []
    ref = store.put_package(package(401))
    with store.transaction() as s:
        assert record_rejection(s, rejection(ref.sha256), ref)[1]
