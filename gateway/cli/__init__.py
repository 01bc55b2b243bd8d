"""The ``gateway`` command.

Each area registers its sub-commands from its own module (listed in ``_COMMAND_MODULES``), so
this file stays a thin dispatcher. Errors from the gateway's exception tree print as one line
on stderr, never as a traceback, and map to exit codes through :func:`gateway.errors.exit_code_for`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from gateway import __version__
from gateway.errors import GatewayError, exit_code_for

Handler = Callable[[argparse.Namespace], int]

_COMMAND_MODULES: tuple[str, ...] = (
    # one line per area; each module defines register(subparsers)
    "gateway.cli.demo_cmd",
    "gateway.cli.edxml_cmd",
    "gateway.cli.security_cmd",
    "gateway.cli.store_cmd",
    "gateway.cli.vxp_cmd",
    "gateway.cli.run_cmd",
    "gateway.cli.directory_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gateway",
        description="Document-exchange gateway for edXML (QCVN 102:2016/BTTTT) packages.",
    )
    parser.add_argument("--version", action="version", version=f"gateway {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return handler(args)
    except GatewayError as exc:
        print(f"gateway: error: {exc}", file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        print("gateway: interrupted", file=sys.stderr)
        return 130
