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
import signal
import threading
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import Any

from gateway.app import Gateway
from gateway.config import load_settings


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
        while not stop.wait(1.0):
            pass
        return 0
    finally:
        gateway.close()
