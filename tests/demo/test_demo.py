"""`gateway demo` end to end, in-process: two real gateways, the axis simulator, one letter."""

from __future__ import annotations

import io
import json
import re
import threading
from datetime import date
from pathlib import Path

import pytest

from gateway.cli import build_parser, main
from gateway.demo.letter import compose_letter
from gateway.demo.parties import MINISTRY, PARTNER, Workspace
from gateway.demo.run import run_demo
from gateway.exchange.lifecycle import Phase
from gateway.exchange.progress import outbound_progress
from gateway.store import Direction, Store, status_history


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Workspace]:
    root = tmp_path_factory.mktemp("demo") / "demo-run"
    out = io.StringIO()
    code = run_demo(root, timeout=60, out=out)
    return code, out.getvalue(), Workspace(root.resolve())


def test_demo_exits_0_after_six_steps_in_order(demo: tuple[int, str, Workspace]) -> None:
    code, text, ws = demo
    assert code == 0, text
    steps = [int(m) for m in re.findall(r"^\[\s*[\d.]+ s\] (\d)/6 ", text, flags=re.MULTILINE)]
    assert steps == [1, 2, 3, 4, 5, 6]
    assert "done in" in text
    assert "Bộ Công Thương" in text and "Bộ Tài chính" in text
    assert "Đã tiếp nhận và vào sổ văn bản đến" in text
    assert f"gateway log verify --data-dir {ws.data_dir(MINISTRY)}" in text


def test_the_pdf_arrives_byte_identical(demo: tuple[int, str, Workspace]) -> None:
    code, text, ws = demo
    assert code == 0, text
    sent_folder = ws.dropfolder(MINISTRY) / "done" / "cv-4521-BCT-TTTN"
    sent_meta = json.loads((sent_folder / "metadata.json").read_text("utf-8"))
    letter = compose_letter(MINISTRY, PARTNER, date.fromisoformat(sent_meta["promulgation_date"]))
    assert (sent_folder / letter.pdf_name).read_bytes() == letter.pdf
    (received,) = (ws.dropfolder(PARTNER) / "inbox").iterdir()
    meta = json.loads((received / "metadata.json").read_text("utf-8"))
    assert meta["sender"] == MINISTRY.organ_id
    assert meta["subject"] == letter.subject
    assert meta["code_number"] == "4521" and meta["code_notation"] == "BCT-TTTN"
    (pdf,) = [a for a in meta["attachments"] if a["original_name"] == letter.pdf_name]
    assert (received / pdf["file"]).read_bytes() == letter.pdf
    assert pdf["sha256"] == letter.pdf_sha256


def test_statuses_01_and_03_are_recorded_at_the_ministry(
    demo: tuple[int, str, Workspace],
) -> None:
    code, text, ws = demo
    assert code == 0, text
    with Store.open(None, ws.data_dir(MINISTRY)) as store:
        with store.reading() as s:
            (progress,) = outbound_progress(s)
            history = status_history(s, progress.id, PARTNER.organ_id)
        assert store.verify_log().ok
    assert progress.code == "4521/BCT-TTTN"
    recipient = progress.recipient(PARTNER.organ_id)
    assert recipient is not None
    assert {"01", "03"} <= recipient.has
    assert recipient.state.phase is Phase.ACCEPTED
    assert {e.event.code for e in history if e.event.direction is Direction.IN} >= {"01", "03"}


def test_nothing_is_left_running(demo: tuple[int, str, Workspace]) -> None:
    code, text, _ = demo
    assert code == 0, text
    names = [t.name for t in threading.enumerate()]
    assert "axis-sim" not in names
    assert not [n for n in names if n.startswith("APScheduler")]


def test_cli_registers_demo_with_defaults() -> None:
    args = build_parser().parse_args(["demo"])
    assert args.dir == Path("demo-run")
    assert args.timeout == 90.0
    args = build_parser().parse_args(["demo", "--dir", "thư mục", "--timeout", "5"])
    assert args.dir == Path("thư mục") and args.timeout == 5.0


def test_cli_refuses_a_non_positive_timeout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--timeout", "0"]) == 2
    assert "--timeout" in capsys.readouterr().err
