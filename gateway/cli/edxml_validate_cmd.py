"""``gateway edxml validate FILE... [--json]``: every problem of every package, located.

Text output, one line per problem, then one summary line per file::

    goi-tin.edxml:21: /edXML/edXMLEnvelope/edXMLHeader/MessageHeader/StatusCode: error: \
StatusCode is '3'; expected two digits with a leading zero (such as 03) [schema-value]
    goi-tin.edxml: INVALID status package: 1 error, 0 warnings

(``file: path: ...`` without the line when it is not known). ``--json`` prints one array with
an object per file: ``{"file", "ok", "kind", "problems": [{"severity", "line", "path",
"reason", "code"}]}``. Exit code 0 when every file is valid (warnings allowed), 1 when any is
invalid or unreadable, 2 for usage errors (argparse).

The ``edxml`` command group belongs to ``gateway.cli.edxml_cmd``, which calls
:func:`add_validate`; :func:`register` is only for running this command on its own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from typing import Any

from gateway.edxml.validation import ValidationReport, validate_package
from gateway.safexml import DEFAULT_LIMITS, ParserLimits
from gateway.schema import Problem

__all__ = ["add_validate", "register", "run_validate"]


@dataclass(frozen=True, slots=True)
class _FileReport:
    file: str
    report: ValidationReport


def add_validate(edxml_subparsers: Any) -> None:
    """Add ``validate`` to the ``gateway edxml`` sub-command group."""
    parser = edxml_subparsers.add_parser(
        "validate",
        help="validate edXML packages (schema and semantic checks)",
        description=(
            "Validate edXML packages (QCVN 102:2016/BTTTT) against the document or status "
            "schema and the semantic checks; print every problem with its line and path."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="package file(s) to validate")
    parser.add_argument(
        "--json", action="store_true", help="print a machine-readable JSON array instead of text"
    )
    parser.add_argument(
        "--max-bytes",
        type=int,
        default=DEFAULT_LIMITS.max_bytes,
        metavar="N",
        help=f"refuse files larger than N bytes (default {DEFAULT_LIMITS.max_bytes})",
    )
    parser.set_defaults(handler=run_validate)


def register(subparsers: Any) -> None:
    """Standalone ``gateway edxml validate`` (used only while no ``edxml`` group exists)."""
    edxml = subparsers.add_parser("edxml", help="edXML packages")
    add_validate(edxml.add_subparsers(dest="edxml_command", metavar="COMMAND", required=True))


def _validate_file(path: str, limits: ParserLimits) -> ValidationReport:
    try:
        size = os.path.getsize(path)
        if size > limits.max_bytes:
            reason = f"{size} bytes exceeds the limit of {limits.max_bytes} bytes"
            return ValidationReport.of(None, [Problem("error", None, "/", reason, "xml-too-large")])
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        reason = f"cannot read the file: {exc.strerror or exc}"
        return ValidationReport.of(None, [Problem("error", None, "/", reason, "file-unreadable")])
    return validate_package(data, limits=limits, source=path)


def _problem_line(file: str, problem: Problem) -> str:
    where = f"{file}:{problem.line}" if problem.line is not None else file
    return f"{where}: {problem.path}: {problem.severity}: {problem.reason} [{problem.code}]"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _summary(item: _FileReport) -> str:
    report = item.report
    kind = f"{report.kind} package" if report.kind else "input (not an edXML package)"
    verdict = "valid" if report.ok else "INVALID"
    counts = f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')}"
    return f"{item.file}: {verdict} {kind}: {counts}"


def run_validate(args: argparse.Namespace) -> int:
    limits = ParserLimits(max_bytes=args.max_bytes, max_depth=DEFAULT_LIMITS.max_depth)
    results = [_FileReport(path, _validate_file(path, limits)) for path in args.files]
    if args.json:
        payload = [{"file": item.file, **item.report.as_dict()} for item in results]
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for item in results:
            for problem in item.report.problems:
                print(_problem_line(item.file, problem))
            print(_summary(item))
    return 0 if all(item.report.ok for item in results) else 1
