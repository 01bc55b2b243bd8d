"""``gateway edxml new`` and ``gateway edxml show``: build a package from a letter's metadata,
and print a readable summary of any package.

This module owns the ``edxml`` command group; ``validate`` is added by
:mod:`gateway.cli.edxml_validate_cmd` when that module is present.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

from gateway.edxml import (
    Attachment,
    EdocPackage,
    Organization,
    StatusPackage,
    WriteOptions,
    read_package,
    write_package,
)
from gateway.edxml.attachments import content_type_for
from gateway.edxml.examples import EXAMPLE_LETTER, example_file, example_metadata
from gateway.edxml.letter_meta import letter_from_metadata
from gateway.edxml.timefmt import format_date, format_timestamp
from gateway.errors import ConfigError


def register(subparsers: Any) -> None:
    edxml = subparsers.add_parser("edxml", help="build, inspect and validate edXML packages")
    commands = edxml.add_subparsers(dest="edxml_command", metavar="COMMAND", required=True)
    new = commands.add_parser("new", help="build a document package from a letter's metadata")
    source = new.add_mutually_exclusive_group(required=True)
    source.add_argument("--meta", metavar="FILE", help="letter metadata (.toml or .json)")
    source.add_argument("--example", action="store_true", help=f"use the shipped {EXAMPLE_LETTER}")
    new.add_argument("--attach", metavar="FILE", action="append", default=[], help="attach a file")
    new.add_argument("--zip", action="store_true", help="zip each attachment (reference style)")
    new.add_argument("-o", "--output", metavar="OUT", help="write here instead of stdout")
    new.set_defaults(handler=run_new)
    show = commands.add_parser("show", help="print a readable summary of a package")
    show.add_argument("file", metavar="FILE")
    show.set_defaults(handler=run_show)
    try:
        from gateway.cli.edxml_validate_cmd import add_validate  # noqa: PLC0415 - optional area
    except ImportError:
        return
    add_validate(commands)


# --- new ------------------------------------------------------------------------------------


def run_new(args: argparse.Namespace) -> int:
    if args.example:
        metadata = example_metadata()
        base: Path | None = None
    else:
        path = Path(args.meta)
        metadata = _load_metadata(path)
        base = path.parent
    listed = metadata.pop("attachments", [])
    if not isinstance(listed, list):
        raise ConfigError("attachments: expected a list of tables ([[attachments]])")
    files = [_listed_attachment(item, index, base) for index, item in enumerate(listed, 1)]
    files += [_file_attachment(Path(name), len(files) + i) for i, name in enumerate(args.attach, 1)]
    package = letter_from_metadata(metadata, tuple(files))
    data = write_package(
        package,
        options=WriteOptions(zip_attachments=args.zip, trace_organ_id=package.from_.organ_id),
    )
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {args.output} ({len(data)} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _load_metadata(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read metadata ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: metadata must be UTF-8") from None
    try:
        is_json = path.suffix.lower() == ".json"
        loaded = json.loads(text) if is_json else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            f"{path}: not valid {path.suffix.lstrip('.').upper() or 'TOML'} ({exc})"
        ) from None
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path}: metadata must be a table / JSON object")
    return loaded


def _listed_attachment(item: object, index: int, base: Path | None) -> Attachment:
    where = f"attachments[{index}]"
    if not isinstance(item, dict) or not isinstance(item.get("path"), str):
        raise ConfigError(f"{where}.path: missing (the file to attach)")
    unknown = sorted(set(item) - {"path", "name", "description", "content_type"})
    if unknown:
        raise ConfigError(f"{where}.{unknown[0]}: unknown key")
    rel = item["path"]
    if base is None:
        data, name = example_file(rel), rel
    else:
        data, name = _read(base / rel, where), Path(rel).name
    name = str(item.get("name") or name)
    return Attachment(
        content_id=str(index),
        name=unicodedata.normalize("NFC", name),
        description=item.get("description"),
        content_type=str(item.get("content_type") or content_type_for(name)),
        data=data,
    )


def _file_attachment(path: Path, index: int) -> Attachment:
    name = unicodedata.normalize("NFC", path.name)
    return Attachment(
        content_id=str(index),
        name=name,
        content_type=content_type_for(name),
        data=_read(path, "--attach"),
    )


def _read(path: Path, where: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read {path} ({exc.strerror})") from None
    if not data:
        raise ConfigError(f"{where}: {path} is empty")
    return data


# --- show -----------------------------------------------------------------------------------


def run_show(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from None
    result = read_package(data)
    lines = summary_lines(result.package)
    if result.warnings:
        lines.append(f"Warnings ({len(result.warnings)}):")
        lines += [f"  {w.field_path}: {w.kind}: {w.message}" for w in result.warnings]
    print("\n".join(lines))
    return 0


def _org(org: Organization) -> str:
    names = [n for n in (org.organ_name, org.organization_in_charge) if n]
    if len(names) == 2 and names[0] == names[1]:
        names = names[:1]
    return org.organ_id + (f"  {' / '.join(names)}" if names else "")


def summary_lines(package: EdocPackage | StatusPackage) -> list[str]:
    """Human-readable lines; Vietnamese text printed as is."""
    if isinstance(package, StatusPackage):
        code = package.status_code
        lines = [
            "Kind:         status package",
            f"From:         {_org(package.from_)}",
            f"Status:       {code.value} ({code.name})",
            f"Description:  {package.description or '-'}",
            f"Timestamp:    {format_timestamp(package.timestamp)}",
            f"Answers:      {package.response_for.code}  ({package.response_for.document_id})",
        ]
        if package.staff_info and package.staff_info.staff:
            lines.append(f"Staff:        {package.staff_info.staff}")
        return lines
    lines = [
        "Kind:         document package",
        f"From:         {_org(package.from_)}",
        *(f"To:           {_org(org)}" for org in package.to),
        f"Document id:  {package.document_id}",
        f"Code:         {package.code.code_number}/{package.code.code_notation}",
        f"Subject:      {package.subject}",
    ]
    info = package.promulgation_info
    if info is not None:
        when = format_date(info.promulgation_date) if info.promulgation_date else "-"
        lines.append(f"Promulgated:  {info.place or '-'}, {when}")
    if package.document_type and package.document_type.type_name:
        lines.append(f"Type:         {package.document_type.type_name}")
    if package.signer_info and package.signer_info.full_name:
        signer = package.signer_info
        lines.append(
            f"Signer:       {' '.join(p for p in (signer.competence, signer.full_name) if p)}"
        )
    if package.other_info is not None:
        priority = package.other_info.priority
        lines.append(f"Priority:     {int(priority)} ({priority.name})")
    business = package.business
    if business is not None:
        kind = business.business_doc_type
        lines.append(
            f"Business:     {int(kind)} {kind.name}"
            + (f" - {business.reason}" if business.reason else "")
        )
        if business.document_id:
            lines.append(f"  acts on:    {business.document_id}")
    for ref in package.response_for:
        lines.append(f"Responds to:  {ref.code}  ({ref.document_id})")
    for trace in package.trace_headers:
        lines.append(f"Trace:        {trace.organ_id} at {format_timestamp(trace.timestamp)}")
    lines.append(f"Attachments:  {len(package.attachments)}")
    for att in package.attachments:
        lines.append(
            f"  cid:{att.content_id}  {att.name}  {att.content_type}  {len(att.data):,} bytes"
        )
    return lines
