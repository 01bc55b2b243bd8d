"""``gateway edxml validate``: one line per problem, a summary per file, exit 0/1, --json."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from gateway.cli import build_parser, main
from gateway.cli.edxml_validate_cmd import register
from tests.edxml.validation_helpers import OWN_EDOC, OWN_STATUS


def _edxml_group_wired() -> bool:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return "edxml" in action.choices
    return False


def run(argv: list[str]) -> int:
    """Through the real ``gateway`` parser when the edxml group is wired, else standalone."""
    if _edxml_group_wired():
        return main(["edxml", "validate", *argv])
    standalone = argparse.ArgumentParser(prog="gateway")
    register(standalone.add_subparsers())
    args = standalone.parse_args(["edxml", "validate", *argv])
    result: int = args.handler(args)
    return result


def bad_status(tmp_path: Path) -> Path:
    path = tmp_path / "trang-thai-sai.edxml"
    path.write_bytes(OWN_STATUS.read_bytes().replace(b">03<", b">3<"))
    return path


def test_valid_files_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([str(OWN_EDOC), str(OWN_STATUS)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{OWN_EDOC}: valid edoc package: 0 errors, 0 warnings",
        f"{OWN_STATUS}: valid status package: 0 errors, 0 warnings",
    ]


def test_one_invalid_file_makes_exit_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = bad_status(tmp_path)
    assert run([str(OWN_EDOC), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert (
        f"{bad}:21: /edXML/edXMLEnvelope/edXMLHeader/MessageHeader/StatusCode: error: "
        "StatusCode is '3'; expected two digits with a leading zero (such as 03) [schema-value]"
    ) in out
    assert f"{bad}: INVALID status package: 1 error, 0 warnings" in out
    assert not any("Traceback" in line for line in out)


def test_unreadable_and_non_xml_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "khong-phai.edxml"
    junk.write_bytes(b"%PDF-1.7 van ban giay")
    missing = tmp_path / "khong-co.edxml"
    assert run([str(junk), str(missing)]) == 1
    captured = capsys.readouterr()
    assert f"{junk}:1: /: error: content before the XML declaration" in captured.out
    assert f"{missing}: /: error: cannot read the file" in captured.out
    assert captured.err == ""


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = bad_status(tmp_path)
    assert run(["--json", str(OWN_EDOC), str(bad)]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert [item["file"] for item in payload] == [str(OWN_EDOC), str(bad)]
    assert payload[0] == {"file": str(OWN_EDOC), "ok": True, "kind": "edoc", "problems": []}
    assert payload[1]["ok"] is False
    (problem,) = payload[1]["problems"]
    assert problem == {
        "severity": "error",
        "line": 21,
        "path": "/edXML/edXMLEnvelope/edXMLHeader/MessageHeader/StatusCode",
        "reason": "StatusCode is '3'; expected two digits with a leading zero (such as 03)",
        "code": "schema-value",
    }


def test_json_keeps_vietnamese_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ngay-sai.edxml"
    path.write_bytes(OWN_EDOC.read_bytes().replace(b"2024/10/15", b"2024/02/30"))
    assert run(["--json", str(path)]) == 1
    text = capsys.readouterr().out
    assert "date-invalid" in text
    assert "\\u" not in text


def test_max_bytes_refuses_large_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--max-bytes", "100", str(OWN_EDOC)]) == 1
    assert "exceeds the limit of 100 bytes [xml-too-large]" in capsys.readouterr().out


@pytest.mark.shared
def test_reference_packages_all_pass(conformance_dir: Path) -> None:
    files = sorted(str(p) for p in conformance_dir.glob("*.edxml"))
    assert len(files) == 14
    assert run(files) == 0
