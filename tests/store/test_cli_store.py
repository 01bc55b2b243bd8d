"""`gateway db|log|queue` against a real store: output, one-line errors, exit codes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from gateway.cli import main
from gateway.store import Store, record_inbound
from gateway.store.db import head_revision
from tests.store.factories import document, package


def _args(backend_url: str | None, data_dir: Path) -> list[str]:
    return (["--db", backend_url] if backend_url else []) + ["--data-dir", str(data_dir)]


def _seed(store: Store) -> tuple[str, int]:
    ref = store.put_package(package())
    with store.transaction() as s:
        doc = record_inbound(s, document(), ref, channel="axis").document_id
        store.log.append(s, "package.in", document_ref=doc, package_sha256=ref.sha256)
        job = store.queue.enqueue(s, "import", {"document": doc}).job_id
    (claimed,) = store.queue.claim("import", "w")
    store.queue.fail(claimed, "w", "hệ thống quản lý văn bản không phản hồi", retryable=False)
    return doc, job


def test_db_upgrade_then_operate(
    backend_url: str | None, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = _args(backend_url, data_dir)
    assert main(["db", "upgrade", *common]) == 0
    assert f"revision {head_revision()}" in capsys.readouterr().out
    with Store.open(backend_url, data_dir, migrate=False) as store:
        doc, job = _seed(store)

    assert main(["log", "verify", *common]) == 0
    assert "log intact: 1 entries" in capsys.readouterr().out

    assert main(["queue", "dead", *common]) == 0
    out = capsys.readouterr().out
    assert f"{job:>8}  import" in out and "không phản hồi" in out

    assert main(["queue", "resend", str(job), *common]) == 0
    assert main(["queue", "list", "--state", "ready", *common]) == 0
    assert f"{job:>8}  import" in capsys.readouterr().out

    assert main(["queue", "resend", str(job), *common]) == 1
    assert capsys.readouterr().err.strip().endswith("only dead jobs can be resent")

    bundle = tmp_path / "evidence.zip"
    assert main(["log", "export", doc, "-o", str(bundle), *common]) == 0
    assert zipfile.is_zipfile(bundle)

    with Store.open(backend_url, data_dir, migrate=False) as store, store.transaction() as s:
        s.execute(text("UPDATE log_entries SET kind = 'package.out'"))
    assert main(["log", "verify", *common]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "log broken at seq 1" in err


def test_commands_refuse_an_unmigrated_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["queue", "list", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "gateway db upgrade" in err and "Traceback" not in err
