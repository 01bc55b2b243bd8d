"""Claims: two gateway processes never take the same item; a dead one's items come back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.dropfolder import DropFolderAdapter
from gateway.errors import AdapterError
from tests.adapters.dropfolder_kit import drop_document, drop_status, status_meta

PROJECT = Path(__file__).resolve().parents[2]

WORKER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from adapters.dropfolder import DropFolderAdapter
    adapter = DropFolderAdapter(Path(sys.argv[1]), owner=sys.argv[2])
    taken = []
    for item in adapter.take_outgoing():
        taken.append(item.item_id.split("@", 3)[3])
        adapter.mark_done(item)
    print(json.dumps(taken))
    """
)


def test_two_processes_never_take_the_same_item(tmp_path: Path) -> None:
    names = {f"cv-{i:03d}" for i in range(40)} | {f"tt-{i:03d}.json" for i in range(20)}
    for name in names:
        if name.endswith(".json"):
            drop_status(tmp_path, name)
        else:
            drop_document(tmp_path, name)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path), f"gw{i}"],
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i in range(2)
    ]
    results: list[list[str]] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        results.append(json.loads(out))
    first, second = results
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(names)
    assert len(list((tmp_path / "done").iterdir())) == len(names)
    assert list((tmp_path / "processing").iterdir()) == []


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2024, 6, 12, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_expired_claim_is_offered_again_with_the_same_key(tmp_path: Path) -> None:
    clock = Clock()
    dead = DropFolderAdapter(tmp_path, owner="gw-dead", lease_seconds=600, clock=clock)
    alive = DropFolderAdapter(tmp_path, owner="gw-alive", lease_seconds=600, clock=clock)
    drop_document(tmp_path, "cv-1")
    drop_status(tmp_path, "tt-1.json", status_meta())
    first = list(dead.take_outgoing())  # ... and the process dies here
    assert len(first) == 2
    clock.now += timedelta(seconds=599)
    assert list(alive.take_outgoing()) == []
    clock.now += timedelta(seconds=2)
    again = list(alive.take_outgoing())
    assert sorted(i.idempotency_key for i in again) == sorted(i.idempotency_key for i in first)
    assert all("@gw-alive@" in i.item_id for i in again)
    with pytest.raises(AdapterError, match="lease expired"):
        dead.mark_done(first[0])
    for item in again:
        alive.mark_done(item)
    assert sorted(p.name for p in (tmp_path / "done").iterdir()) == ["cv-1", "tt-1.json"]


def test_item_ids_with_path_tricks_are_refused(tmp_path: Path) -> None:
    adapter = DropFolderAdapter(tmp_path)
    drop_document(tmp_path, "cv")
    (item,) = list(adapter.take_outgoing())
    forged = replace(item, item_id="d@1@x@../../outbox")
    with pytest.raises(AdapterError, match="not claimed here"):
        adapter.mark_done(forged)
    adapter.mark_done(item)


def test_old_temp_builds_are_swept_on_start(tmp_path: Path) -> None:
    DropFolderAdapter(tmp_path)
    stale = tmp_path / ".tmp" / "in-dead"
    stale.mkdir()
    (stale / "metadata.json").write_text("{}")
    fresh = tmp_path / ".tmp" / "in-live"
    fresh.mkdir()
    old = datetime.now(UTC).timestamp() - 2 * 24 * 3600
    os.utime(stale, (old, old))
    DropFolderAdapter(tmp_path)
    assert not stale.exists() and fresh.exists()
