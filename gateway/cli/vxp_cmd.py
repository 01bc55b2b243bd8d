"""``gateway axis-sim`` (the axis simulator) and ``gateway vxp ...`` (talk to the axis).

``gateway vxp`` reads the ``[axis]`` section of the gateway config; the secret comes from the
environment variable it names (``axis.secret_env``), never from the command line.
Exit codes: 0 done, 1 the axis refused or could not be reached, 2 configuration.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from gateway.config import load_settings
from gateway.simulator import SimulatorServer, load_simulator_config
from gateway.transport.vxp import VxpClient
from gateway.transport.vxp.factory import vxp_client_from_settings


def register(subparsers: Any) -> None:
    sim = subparsers.add_parser("axis-sim", help="run the national-axis simulator")
    sim.add_argument("--config", type=Path, required=True, help="simulator TOML file")
    sim.add_argument("--host", help="bind address (default from config: 127.0.0.1)")
    sim.add_argument("--port", type=int, help="port (0 = any free port)")
    sim.add_argument("--db", type=Path, help="SQLite file (overrides the config)")
    sim.set_defaults(handler=_axis_sim)

    vxp = subparsers.add_parser("vxp", help="call the national axis (VXP) directly")
    vxp.add_argument("--config", type=Path, required=True, help="gateway config (axis section)")
    ops = vxp.add_subparsers(dest="vxp_command", metavar="VXP_COMMAND", required=True)
    ops.add_parser("agencies", help="getAgenciesList").set_defaults(handler=_agencies)
    received = ops.add_parser("received", help="getReceivedEdocList")
    received.add_argument("--status", action="store_true", help="status packages, not documents")
    received.set_defaults(handler=_received)
    send = ops.add_parser("send", help="sendEdoc a package file")
    send.add_argument("file", type=Path)
    send.add_argument("--status", action="store_true", help="the file is a status package")
    send.add_argument("--to", action="append", help="restrict recipients (repeatable)")
    send.set_defaults(handler=_send)
    fetch = ops.add_parser("fetch", help="getEdoc: write a received package to a file")
    fetch.add_argument("doc_id")
    fetch.add_argument("-o", "--output", type=Path, required=True)
    fetch.set_defaults(handler=_fetch)
    ack = ops.add_parser("ack", help="updateStatus of a received message")
    ack.add_argument("doc_id")
    ack.add_argument("--status", choices=["done", "fail", "processing"], default="done")
    ack.set_defaults(handler=_ack)
    sent = ops.add_parser("sent", help="getSentEdocList")
    sent.add_argument("--doc-id")
    sent.add_argument("--status", action="store_true")
    sent.set_defaults(handler=_sent)


def _axis_sim(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    config = load_simulator_config(args.config)
    if args.db is not None:
        config = replace(config, db=args.db)
    server = SimulatorServer(config, host=args.host, port=args.port)
    print(f"axis simulator: {len(config.systems)} systems, {len(config.agencies)} agencies")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        return 0
    return 0


def _client(args: argparse.Namespace) -> VxpClient:
    return vxp_client_from_settings(load_settings(args.config), os.environ)


def _print(rows: Any) -> None:
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _agencies(args: argparse.Namespace) -> int:
    with _client(args) as client:
        _print([asdict(a) for a in client.get_agencies_list()])
    return 0


def _received(args: argparse.Namespace) -> int:
    with _client(args) as client:
        _print([asdict(i) for i in client.get_received_edoc_list(_kind(args))])
    return 0


def _send(args: argparse.Namespace) -> int:
    try:
        data = args.file.read_bytes()
    except OSError as exc:
        print(f"gateway: error: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    with _client(args) as client:
        result = client.send_edoc(data, message_type=_kind(args), to=args.to)
    print(result.doc_id)
    return 0


def _fetch(args: argparse.Namespace) -> int:
    with _client(args) as client:
        data = client.get_edoc(args.doc_id)
    args.output.write_bytes(data)
    print(f"{args.output}: {len(data)} bytes")
    return 0


def _ack(args: argparse.Namespace) -> int:
    with _client(args) as client:
        client.update_status(args.doc_id, args.status)
    return 0


def _sent(args: argparse.Namespace) -> int:
    with _client(args) as client:
        _print([asdict(i) for i in client.get_sent_edoc_list(_kind(args), args.doc_id)])
    return 0


def _kind(args: argparse.Namespace) -> Any:
    return "status" if args.status else "edoc"
