"""`gateway run` as a real process: admin API on loopback, poll on demand, clean SIGTERM."""

from __future__ import annotations

import signal
import socket
from dataclasses import replace

import httpx

from gateway.config import HttpSettings
from gateway.demo.parties import MINISTRY, PARTNER, Workspace
from gateway.demo.stage import gateway_settings, make_pki

from .sigkill_support import GatewayProcess, settings_toml, wait_until

TOKEN = "ma-quan-tri-bo-cong-thuong-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_serves_the_admin_api_and_stops_cleanly_on_repeated_sigterm(
    workspace: Workspace, environ: dict[str, str], axis: str
) -> None:
    port = _free_port()
    settings = replace(
        gateway_settings(MINISTRY, [PARTNER], make_pki(workspace), workspace, axis),
        http=HttpSettings(host="127.0.0.1", port=port),
    )
    config = workspace.root / "moit.toml"
    config.write_text(settings_toml(settings), "utf-8")
    proc = GatewayProcess(
        "moit",
        config,
        {MINISTRY.secret_env: environ[MINISTRY.secret_env], "GATEWAY_ADMIN_TOKEN": TOKEN},
        workspace.root / "moit.log",
    )
    proc.start()
    try:
        assert proc.wait_started(60), proc.tail()
        base = f"http://127.0.0.1:{port}"
        assert wait_until(lambda: _healthy(base), 20), proc.tail()
        assert httpx.get(f"{base}/api/v1/status").status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert httpx.get(f"{base}/api/v1/status", headers=auth).json()["outbound"] == []
        assert httpx.post(f"{base}/api/v1/poll", headers=auth).status_code == 202
        assert TOKEN not in proc.log.read_text("utf-8")  # the secret never reaches the log
        process = proc._proc
        assert process is not None
        process.send_signal(signal.SIGTERM)
        process.send_signal(signal.SIGTERM)  # an impatient supervisor
        assert process.wait(timeout=30) == 0, proc.tail()
        assert not _healthy(base)
    finally:
        proc.kill()


def _healthy(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
