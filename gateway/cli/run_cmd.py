"""`gateway run`: the gateway as one process — scheduler, workers, clean shutdown.

    gateway run --config config.toml           run until SIGTERM / SIGINT (Ctrl-C)
    gateway run --config config.toml --once    one full pass (outbox, sends, axis, imports)

On SIGTERM the process stops taking new work, finishes the item in hand and exits 0; work that
was claimed but not finished (a crash, ``kill -9``) returns to the queue when its lease expires.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import threading
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import Any

from gateway.api.admin import AdminApi
from gateway.app import Gateway
from gateway.config import load_settings
from gateway.errors import ConfigError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("run", help="run the gateway (scheduler and workers)")
    p.add_argument("--config", type=Path, required=True, help="TOML settings file")
    p.add_argument("--once", action="store_true", help="run one full pass and exit")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    p.set_defaults(handler=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=getattr(logging, args.log_level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    settings = load_settings(args.config)
    gateway = Gateway.from_settings(settings)
    try:
        if args.once:
            report = gateway.tick()
            print(json.dumps(asdict(report), ensure_ascii=False))
            return 0
        stop = threading.Event()

        def on_signal(signum: int, frame: FrameType | None) -> None:
            logging.getLogger(__name__).info("signal %d: stopping", signum)
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        gateway.start()
        api = _admin_api(gateway)
        try:
            while not stop.wait(1.0):
                pass
        finally:
            # Shutting down: a repeated signal must not cut it short (nor, once Python
            # restores the default handlers at exit, end the process with -15).
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            if api is not None:
                api.stop()
        return 0
    finally:
        gateway.close()


def _admin_api(gateway: Gateway) -> AdminApi | None:
    """The admin API, when its token is set; without one nothing listens."""
    http = gateway.settings.http
    token = os.environ.get(http.admin_token_env)
    if not token:
        logging.getLogger(__name__).warning(
            "admin API not started: set %s to a token of 16+ characters", http.admin_token_env
        )
        return None
    try:
        api = AdminApi(gateway, host=http.host, port=http.port, token=token)
    except ValueError as exc:
        raise ConfigError(f"[http] {http.admin_token_env}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"[http] cannot listen on {http.host}:{http.port}: {exc}") from None
    logging.getLogger(__name__).info("admin API on %s", api.start())
    return api
