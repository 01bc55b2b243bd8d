"""`gateway demo`: the end-to-end demonstration (docs/demo.md).

    gateway demo [--dir ./demo-run] [--timeout 90]

Exit 0 when the letter went out and the partner's 03 came back, 1 when a step did not happen
in time (the message names it), 130 on Ctrl-C or SIGTERM. Output is plain UTF-8 lines,
flushed one by one, so it can be piped or logged.
"""

from __future__ import annotations

import argparse
import io
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from gateway.demo.run import run_demo


def register(subparsers: Any) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="send a letter between two local gateways through the axis simulator",
        description=(
            "Make a dev PKI, start the axis simulator and two gateways (Bộ Công Thương and "
            "Bộ Tài chính), send one official letter and follow it until the partner's status "
            "03 is back. Everything is written under --dir, which is recreated."
        ),
    )
    demo.add_argument(
        "--dir",
        type=Path,
        default=Path("demo-run"),
        help="work directory, recreated on every run (default ./demo-run)",
    )
    demo.add_argument(
        "--timeout",
        type=float,
        default=90.0,
        help="seconds to wait for the whole journey (default 90)",
    )
    demo.set_defaults(handler=cmd_demo)


def _utf8(stream: TextIO) -> TextIO:
    """Vietnamese must come out intact even under a C/ASCII locale (pipes, cron, CI)."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if encoding == "utf8" or not isinstance(stream, io.TextIOWrapper):
        return stream
    stream.reconfigure(encoding="utf-8")
    return stream


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def cmd_demo(args: argparse.Namespace) -> int:
    if args.timeout <= 0:
        print("gateway demo: --timeout must be positive", file=sys.stderr)
        return 2
    # SIGTERM (a CI job cancelled, `kill`) stops the run like Ctrl-C: through the cleanup
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return run_demo(args.dir, timeout=args.timeout, out=_utf8(sys.stdout))
    finally:
        signal.signal(signal.SIGTERM, previous)
