"""`gateway directory`: the agency directory the engine routes by.

    gateway directory sync --config config.toml    fetch the axis's agency list into the store
    gateway directory list --config config.toml    print the directory (JSON, Vietnamese as is)

``sync`` keeps each agency's channel, endpoint and certificate binding (local knowledge) and
updates names, parents and the active flag from the axis (see docs/exchange.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from gateway.config import Settings, load_settings
from gateway.exchange.directory import sync_directory
from gateway.store import Store, list_agencies
from gateway.transport.vxp.directory import VxpDirectory
from gateway.transport.vxp.factory import vxp_client_from_settings


def register(subparsers: Any) -> None:
    directory = subparsers.add_parser("directory", help="the agency directory").add_subparsers(
        dest="directory_command", metavar="ACTION", required=True
    )
    sync = directory.add_parser("sync", help="fetch the axis's agency list into the store")
    sync.add_argument("--config", type=Path, required=True)
    sync.set_defaults(handler=cmd_sync)
    show = directory.add_parser("list", help="print the directory as JSON")
    show.add_argument("--config", type=Path, required=True)
    show.add_argument("--active", action="store_true", help="only active agencies")
    show.set_defaults(handler=cmd_list)


def _store(settings: Settings) -> Store:
    return Store.open(settings.database.url, settings.identity.data_dir)


def cmd_sync(args: argparse.Namespace) -> int:
    settings = load_settings(args.config)
    with vxp_client_from_settings(settings, os.environ) as client, _store(settings) as store:
        report = sync_directory(store, VxpDirectory(client))
    print(json.dumps(asdict(report)))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with _store(load_settings(args.config)) as store, store.reading() as s:
        rows = [asdict(a) for a in list_agencies(s, active_only=args.active)]
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
