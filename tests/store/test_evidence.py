"""Evidence bundles verify standalone and expose tampering; archiving keeps the chain whole."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gateway.errors import StoreError
from gateway.store import RetentionPolicy, Store, get_document, record_inbound
from tests.store.conftest import FakeClock
from tests.store.factories import document, package


def _history(store: Store, clock: FakeClock) -> tuple[str, str]:
    """Two documents with packages and entries interleaved; returns both ids."""
    ids = []
    for n in (1, 2):
        ref = store.put_package(package(n))
        with store.transaction() as s:
            res = record_inbound(s, document(number=n), ref, channel="axis", transport_ref=f"t{n}")
            store.log.append(
                s,
                "package.in",
                document_ref=res.document_id,
                package_sha256=ref.sha256,
                details={"kênh": "trục"},
            )
        ids.append(res.document_id)
        clock.advance(60)
    status = store.put_package(b"<edXML>status 03</edXML>")
    with store.transaction() as s:
        store.log.append(
            s,
            "status.out",
            document_ref=ids[0],
            package_sha256=status.sha256,
            details={"mã": "03", "mô_tả": "Đã vào sổ"},
        )
        store.log.append(s, "delivery.state", details={"state": "sent"})
    return ids[0], ids[1]


def _run(bundle: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    with zipfile.ZipFile(bundle) as zf:
        script = tmp / "verify_bundle.py"
        script.write_bytes(zf.read("verify_bundle.py"))
    # -I: isolated mode, the gateway is not importable; the script stands alone
    return subprocess.run(
        [sys.executable, "-I", str(script), str(bundle)],
        capture_output=True,
        text=True,
        cwd=tmp,
        check=False,
    )


def _rewrite(src: Path, dst: Path, name: str, change: object) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == name:
                data = change(data)  # type: ignore[operator]
            zout.writestr(item, data)


def test_bundle_verifies_with_the_standalone_script(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    first, _ = _history(store, clock)
    summary = store.export_evidence(first, tmp_path / "bằng-chứng.zip")
    assert (summary.entries, summary.packages, summary.head_seq) == (2, 2, 4)
    run = _run(summary.path, tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("OK: document " + first)
    with zipfile.ZipFile(summary.path) as zf:
        entries = json.loads(zf.read("entries.json"))
        chain = json.loads(zf.read("chain.json"))
        assert json.loads(zf.read("verification.json"))["ok"] is True
        assert "Đã vào sổ" in entries[1]["details"]
        assert "t2" not in zf.read("chain.json").decode()  # other documents' contents stay out
    assert [e["seq"] for e in entries] == [1, 3]
    assert [link[0] for link in chain["links"]] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    ("member", "change", "needle"),
    [
        ("packages/", lambda b: b.replace(b"1", b"7"), "altered"),
        ("entries.json", lambda b: b.replace("Đã vào sổ".encode(), "Từ chối".encode()), "changed"),
        (
            "chain.json",
            lambda b: json.dumps(
                {
                    **json.loads(b),
                    "links": [link for link in json.loads(b)["links"] if link[0] != 2],
                }
            ).encode(),
            "chain broken",
        ),
    ],
)
def test_standalone_script_detects_tampering(
    store: Store, clock: FakeClock, tmp_path: Path, member: str, change: object, needle: str
) -> None:
    first, _ = _history(store, clock)
    good = store.export_evidence(first, tmp_path / "good.zip").path
    with zipfile.ZipFile(good) as zf:
        target = next(n for n in zf.namelist() if n.startswith(member))
    bad = tmp_path / "bad.zip"
    _rewrite(good, bad, target, change)
    run = _run(bad, tmp_path)
    assert run.returncode == 1
    assert run.stdout.startswith("BROKEN:") and needle in run.stdout


def test_export_refuses_unknown_documents_and_corrupt_blobs(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    first, _ = _history(store, clock)
    with pytest.raises(StoreError, match="no document"):
        store.export_evidence("không-có", tmp_path / "x.zip")
    with store.reading() as s:
        doc = get_document(s, first)
    assert doc is not None
    path = store.blobs.path_for(doc.package_sha256)
    path.chmod(0o640)
    path.write_bytes("hỏng".encode())
    with pytest.raises(StoreError):
        store.export_evidence(first, tmp_path / "y.zip")
    assert not (tmp_path / "y.zip").exists() and not (tmp_path / "y.zip.part").exists()


def test_archiving_keeps_the_chain_verifiable(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    first, _ = _history(store, clock)
    clock.advance(400 * 86400)
    with store.transaction() as s:
        store.log.append(s, "package.out", details={"sau": "lưu trữ"})
    result = store.archive_log(RetentionPolicy(keep_days=365, min_keep=1))
    assert result is not None and (result.first_seq, result.last_seq) == (1, 4)
    assert store.archive_log(RetentionPolicy(keep_days=365, min_keep=1)) is None
    verified = store.verify_log(archives=True)
    assert verified.ok and verified.start_seq == 5 and verified.checked == 1
    with store.transaction() as s:
        store.log.append(s, "package.out")
    assert store.verify_log(archives=True).ok
    bundle = store.export_evidence(first, tmp_path / "archived.zip")
    assert bundle.entries == 2
    assert _run(bundle.path, tmp_path).returncode == 0


def test_tampered_archive_file_is_reported(store: Store, clock: FakeClock) -> None:
    _history(store, clock)
    clock.advance(400 * 86400)
    result = store.archive_log(RetentionPolicy(keep_days=1, min_keep=0))
    assert result is not None
    result.path.write_text(result.path.read_text().replace("trục", "truc"))
    assert store.verify_log().ok  # the live chain still joins the checkpoint
    broken = store.verify_log(archives=True)
    assert not broken.ok and "no longer matches" in (broken.reason or "")
