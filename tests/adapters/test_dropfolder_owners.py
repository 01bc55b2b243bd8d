"""A claim whose process is certainly gone comes back at once; a live one's never early."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from adapters.dropfolder import DropFolderAdapter
from adapters.dropfolder.owners import certainly_gone, default_owner, host_name
from tests.adapters.dropfolder_kit import drop_document

PROJECT = Path(__file__).resolve().parents[2]

CLAIM_AND_DIE = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from adapters.dropfolder import DropFolderAdapter
    adapter = DropFolderAdapter(Path(sys.argv[1]))
    items = list(adapter.take_outgoing())
    print(items[0].item_id, flush=True)
    os._exit(0)  # dies holding the claim, like a SIGKILL
    """
)


def test_claim_of_a_dead_run_on_this_host_comes_back_at_once(tmp_path: Path) -> None:
    drop_document(tmp_path, "cv-4521")
    out = subprocess.run(
        [sys.executable, "-c", CLAIM_AND_DIE, str(tmp_path)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.startswith("d@")
    assert len(list((tmp_path / "processing").iterdir())) == 1
    restarted = DropFolderAdapter(tmp_path, lease_seconds=3600)
    (item,) = list(restarted.take_outgoing())  # no hour-long wait for the lease
    assert item.item_id.split("@", 3)[3] == "cv-4521"
    restarted.mark_done(item)


def test_claims_of_live_processes_and_other_hosts_wait_for_the_lease(tmp_path: Path) -> None:
    me = default_owner()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert not certainly_gone(f"{host_name()}-{sleeper.pid}-abc123", me)
    finally:
        sleeper.kill()
        sleeper.wait()
    assert certainly_gone(f"{host_name()}-{sleeper.pid}-abc123", me)  # now it is gone
    assert not certainly_gone(f"may_chu_khac-{sleeper.pid}-abc123", me)  # another host
    assert not certainly_gone("gw-alive", me)  # an owner name given by hand
    assert not certainly_gone(me, me)  # our own claims are in flight here
    assert certainly_gone(f"{host_name()}-{os.getpid()}-ffffff", me)  # an earlier run, same pid


def test_release_gives_the_item_back_untouched(tmp_path: Path) -> None:
    drop_document(tmp_path, "cv-4522")
    adapter = DropFolderAdapter(tmp_path)
    (item,) = list(adapter.take_outgoing())
    adapter.release(item)
    assert (tmp_path / "outbox" / "cv-4522").is_dir()
    assert list((tmp_path / "processing").iterdir()) == []
    (again,) = list(adapter.take_outgoing())
    assert again.idempotency_key == item.idempotency_key
