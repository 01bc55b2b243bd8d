"""The exchange log's hash chain: appends, and detection of every kind of tampering."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.errors import LogIntegrityError, StoreError
from gateway.store import Store, chain
from gateway.store.chain import GENESIS_HASH
from tests.store.procs import finish, spawn


def _fill(store: Store, n: int = 10) -> list[str]:
    shas = []
    for i in range(n):
        ref = store.put_package(f"gói tin số {i}".encode())
        shas.append(ref.sha256)
        with store.transaction() as s:
            store.log.append(
                s,
                "package.in",
                document_ref=f"doc-{i % 3}",
                package_sha256=ref.sha256,
                details={"số": i, "trích_yếu": "Về việc báo cáo"},
            )
    return shas


def _exec(store: Store, sql: str, **params: object) -> None:
    with store.transaction() as s:
        s.execute(text(sql), params)


def test_appends_chain_from_genesis_and_verify(store: Store) -> None:
    _fill(store, 5)
    with store.transaction() as s:
        entry = store.log.append(s, "delivery.state", details={"state": "sent"})
    assert entry.seq == 6
    result = store.verify_log()
    assert result.ok and result.checked == 6 and result.head_seq == 6
    assert result.head_hash == entry.hash
    assert store.log.entries_for("doc-1")[0].prev_hash != GENESIS_HASH
    assert store.log.entries_for("doc-0")[0].prev_hash == GENESIS_HASH


def test_append_rolls_back_with_the_callers_transaction(store: Store) -> None:
    _fill(store, 2)
    with pytest.raises(RuntimeError), store.transaction() as s:
        store.log.append(s, "package.out")
        raise RuntimeError
    assert store.log.head()[0] == 2
    assert store.verify_log().ok


def test_edited_entry_is_reported_at_its_seq(store: Store) -> None:
    _fill(store)
    _exec(store, "UPDATE log_entries SET details = :d WHERE seq = 4", d='{"số":999}')
    result = store.verify_log()
    assert (result.ok, result.broken_seq) == (False, 4)
    assert "content changed" in (result.reason or "")
    with pytest.raises(LogIntegrityError, match="seq 4"):
        store.log.verify_or_raise()


def test_edit_with_recomputed_hashes_breaks_the_next_link(store: Store) -> None:
    _fill(store)
    entry = store.log.entries_for("doc-0")[1]  # seq 4 (i = 3)
    assert entry.seq == 4
    forged_details = '{"số":999}'
    body = chain.body_hash(
        4,
        chain.format_time(entry.time),
        entry.kind,
        entry.document_ref,
        entry.package_sha256,
        forged_details,
    )
    digest = chain.link_hash(4, entry.prev_hash, body)
    _exec(
        store,
        "UPDATE log_entries SET details=:d, body_hash=:b, hash=:h WHERE seq=4",
        d=forged_details,
        b=body,
        h=digest,
    )
    result = store.verify_log()
    assert (result.ok, result.broken_seq) == (False, 5)
    assert "previous-hash" in (result.reason or "")


def test_deleted_entry_is_reported(store: Store) -> None:
    _fill(store)
    _exec(store, "DELETE FROM log_entries WHERE seq = 6")
    result = store.verify_log()
    assert (result.ok, result.broken_seq) == (False, 6)
    assert "missing" in (result.reason or "")


def test_entries_cut_from_the_end_are_reported(store: Store) -> None:
    _fill(store)
    _exec(store, "DELETE FROM log_entries WHERE seq >= 9")
    result = store.verify_log()
    assert (result.ok, result.broken_seq) == (False, 9)


def test_reordered_entries_are_reported(store: Store) -> None:
    _fill(store)
    _exec(store, "UPDATE log_entries SET seq = -3 WHERE seq = 3")
    _exec(store, "UPDATE log_entries SET seq = 3 WHERE seq = 7")
    _exec(store, "UPDATE log_entries SET seq = 7 WHERE seq = -3")
    result = store.verify_log()
    assert (result.ok, result.broken_seq) == (False, 3)


def test_the_first_broken_link_is_the_one_reported(store: Store) -> None:
    _fill(store)
    _exec(store, "UPDATE log_entries SET kind = 'package.out' WHERE seq IN (3, 8)")
    assert store.verify_log().broken_seq == 3


def test_tampered_package_blob_is_reported(store: Store) -> None:
    shas = _fill(store)
    path = store.blobs.path_for(shas[5])
    os.chmod(path, 0o640)
    path.write_bytes(b"<edXML>gi\xe1\xba\xa3 m\xe1\xba\xa1o</edXML>")
    result = store.verify_log()
    assert (result.ok, result.broken_seq) == (False, 6)
    assert "corrupt" in (result.reason or "")
    assert store.verify_log(check_blobs=False).ok


def test_missing_package_blob_is_reported(store: Store) -> None:
    shas = _fill(store, 3)
    store.blobs.path_for(shas[1]).unlink()
    result = store.verify_log()
    assert (result.broken_seq, "missing" in (result.reason or "")) == (2, True)


def test_bad_append_arguments_are_refused(store: Store) -> None:
    with pytest.raises(StoreError), store.transaction() as s:
        store.log.append(s, "Package In")
    with pytest.raises(StoreError), store.transaction() as s:
        store.log.append(s, "package.in", package_sha256="abc")
    with pytest.raises(StoreError), store.transaction() as s:
        store.log.append(s, "package.in", details={"x": float("inf")})


def test_concurrent_processes_cannot_fork_the_chain(
    store: Store, backend_url: str | None, data_dir: Path
) -> None:
    procs = [spawn("append", backend_url, data_dir, 60, f"p{i}") for i in range(3)]
    for p in procs:
        finish(p)
    result = store.verify_log()
    assert result.ok and result.checked == 180
