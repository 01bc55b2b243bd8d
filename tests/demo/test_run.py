"""The demo's failure paths with stand-in gateways: timeout, refusal, Ctrl-C, cleanup."""

from __future__ import annotations

import io
import json
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from gateway.config import Settings
from gateway.demo.run import EXIT_INTERRUPTED, DemoGateway, run_demo
from gateway.store import Store


class FakeGateway:
    """Opens its store like the real one, does no exchange work, records what it was told."""

    def __init__(self, settings: Settings, calls: list[str], on_start: Callable[[], None]) -> None:
        self.settings = settings
        self._store = Store.open(None, settings.identity.data_dir)
        self.calls = calls
        self.on_start = on_start

    @property
    def store(self) -> Store:
        return self._store

    def _note(self, what: str) -> None:
        self.calls.append(f"{what} {self.settings.identity.organ_id}")

    def start(self) -> None:
        self._note("start")
        self.on_start()

    def stop(self) -> None:
        self._note("stop")

    def close(self) -> None:
        self._note("close")
        self._store.close()


def factory(
    calls: list[str], on_start: Callable[[Settings], None] = lambda s: None
) -> Callable[[Settings, Mapping[str, str]], DemoGateway]:
    def make(settings: Settings, environ: Mapping[str, str]) -> DemoGateway:
        assert settings.axis.secret_env in environ
        return FakeGateway(settings, calls, lambda: on_start(settings))

    return make


def _sim_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "axis-sim"]


def test_timeout_names_the_step_that_did_not_happen(tmp_path: Path) -> None:
    calls: list[str] = []
    out = io.StringIO()
    code = run_demo(tmp_path / "run", timeout=0.5, out=out, factory=factory(calls))
    text = out.getvalue()
    assert code == 1
    assert (
        "FAILED: step 1/6 'letter taken from the ministry's outbox' did not happen within 0.5 s"
        in text
    )
    assert calls == [
        "start 000.00.00.G12",
        "start 000.00.00.G10",
        "stop 000.00.00.G10",
        "stop 000.00.00.G12",
        "close 000.00.00.G10",
        "close 000.00.00.G12",
    ]
    assert not _sim_threads()


def _refuse_the_letter(settings: Settings) -> None:
    """Plays a ministry gateway that refuses the letter as the drop folder records it."""
    if settings.identity.organ_id != "000.00.00.G12":
        return
    root = Path(settings.adapter.options["root"])

    def work() -> None:
        source = root / "outbox" / "cv-4521-BCT-TTTN"
        for _ in range(100):
            if source.exists():
                break
            time.sleep(0.05)
        (root / "failed").mkdir(parents=True, exist_ok=True)
        source.rename(root / "failed" / source.name)
        report = {
            "item": source.name,
            "stage": "gateway",
            "reasons": ["chữ ký số không hợp lệ: chứng thư đã bị thu hồi"],
        }
        (root / "failed" / f"{source.name}.error.json").write_text(
            json.dumps(report, ensure_ascii=False), "utf-8"
        )

    threading.Thread(target=work, daemon=True).start()


def test_a_refused_letter_fails_at_once_with_the_reason(tmp_path: Path) -> None:
    calls: list[str] = []
    out = io.StringIO()
    started = time.monotonic()
    code = run_demo(
        tmp_path / "run", timeout=30, out=out, factory=factory(calls, _refuse_the_letter)
    )
    text = out.getvalue()
    assert code == 1, text
    assert time.monotonic() - started < 20  # did not wait for the timeout
    assert "1/6 letter taken from the ministry's outbox" in text
    assert (
        "FAILED at step 2/6 'signed and stored by the ministry's gateway': Bộ Công Thương "
        "refused cv-4521-BCT-TTTN: chữ ký số không hợp lệ: chứng thư đã bị thu hồi" in text
    )
    assert calls.count("close 000.00.00.G12") == 1


def test_ctrl_c_stops_what_was_started(tmp_path: Path) -> None:
    calls: list[str] = []
    made = factory(calls)

    def interrupted(settings: Settings, environ: Mapping[str, str]) -> DemoGateway:
        if settings.identity.organ_id == "000.00.00.G10":
            raise KeyboardInterrupt
        return made(settings, environ)

    out = io.StringIO()
    code = run_demo(tmp_path / "run", timeout=30, out=out, factory=interrupted)
    assert code == EXIT_INTERRUPTED
    assert (
        "interrupted while waiting for: letter taken from the ministry's outbox" in out.getvalue()
    )
    assert calls == ["stop 000.00.00.G12", "close 000.00.00.G12"]
    assert not _sim_threads()


def test_a_failing_stop_does_not_prevent_the_rest_of_the_cleanup(tmp_path: Path) -> None:
    calls: list[str] = []
    made = factory(calls)

    def broken(settings: Settings, environ: Mapping[str, str]) -> DemoGateway:
        gw = made(settings, environ)
        if settings.identity.organ_id == "000.00.00.G10":

            def fail() -> None:
                raise RuntimeError("bộ lập lịch không dừng được")

            gw.stop = fail  # type: ignore[method-assign]
        return gw

    out = io.StringIO()
    assert run_demo(tmp_path / "run", timeout=0.2, out=out, factory=broken) == 1
    assert "warning: gateway stop failed: bộ lập lịch không dừng được" in out.getvalue()
    assert "stop 000.00.00.G12" in calls
    assert "close 000.00.00.G10" in calls and "close 000.00.00.G12" in calls
    assert not _sim_threads()


def test_the_run_writes_everything_under_its_directory(tmp_path: Path) -> None:
    root = tmp_path / "nơi chạy thử"
    run_demo(root, timeout=0.2, out=io.StringIO(), factory=factory([]))
    names = {p.name for p in root.iterdir()}
    assert {"pki", "axis-sim.sqlite3", "bo-cong-thuong", "gateway.log"} <= names
    assert (root / "pki" / "orgs" / "000.00.00.G10.key").is_file()
    letter = root / "bo-cong-thuong" / "dropfolder" / "outbox" / "cv-4521-BCT-TTTN"
    assert (letter / "manifest.json").is_file()
