"""``gateway edxml new`` / ``show``: the shipped example letter, metadata errors, summaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import main
from gateway.edxml import EdocPackage, read_package
from gateway.edxml.examples import example_metadata
from gateway.edxml.letter_meta import letter_from_metadata
from gateway.errors import ConfigError


def test_example_letter_builds_and_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "congvan.edxml"
    assert main(["edxml", "new", "--example", "-o", str(out)]) == 0
    package = read_package(out.read_bytes()).package
    assert isinstance(package, EdocPackage)
    assert package.from_.organ_id == "000.00.00.G12"
    assert package.to[0].organ_id == "000.00.00.G13"
    assert package.document_id == "000.00.00.G12,2026/03/02,1234/BCT-XNK"
    assert package.attachments[0].data.decode("utf-8").startswith("BỘ CÔNG THƯƠNG")
    assert package.trace_headers[-1].organ_id == "000.00.00.G12"
    capsys.readouterr()
    assert main(["edxml", "show", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "Bộ Công Thương" in shown and "V/v phối hợp cung cấp số liệu" in shown
    assert "cid:1  congvan-mau.txt  text/plain" in shown


def test_meta_file_with_attachment_and_zip(tmp_path: Path) -> None:
    meta = tmp_path / "thu.json"
    meta.write_text(
        '{"from": {"organ_id": "000.00.00.G12"}, "to": [{"organ_id": "000.00.00.H29"}],'
        ' "code": {"number": "77", "notation": "BCT-VP"}, "subject": "V/v mời họp trực tuyến",'
        ' "promulgation": {"date": "2026/05/04"}}',
        encoding="utf-8",
    )
    extra = tmp_path / "Giấy mời.pdf"
    extra.write_bytes(b"%PDF-1.4 giay moi")
    out = tmp_path / "out.edxml"
    assert (
        main(["edxml", "new", "--meta", str(meta), "--attach", str(extra), "--zip", "-o", str(out)])
        == 0
    )
    assert b"<ContentType>application/zip</ContentType>" in out.read_bytes()
    package = read_package(out.read_bytes()).package
    assert isinstance(package, EdocPackage)
    assert package.attachments[0].data == b"%PDF-1.4 giay moi"
    assert package.attachments[0].name == "Giấy mời.pdf"


def test_metadata_errors_are_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = tmp_path / "bad.toml"
    meta.write_text(
        'subject = "x"\n[from]\norgan_id = "000.00.00.G12"\n[[to]]\norgan_idd = "y"\n', "utf-8"
    )
    assert main(["edxml", "new", "--meta", str(meta)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "gateway: error: to[1].organ_idd: unknown key"
    meta.write_text("not = [toml", "utf-8")
    assert main(["edxml", "new", "--meta", str(meta)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


def test_metadata_requires_code() -> None:
    data = example_metadata()
    del data["code"]
    with pytest.raises(ConfigError, match=r"^code: missing"):
        letter_from_metadata(data)


def test_show_reports_a_broken_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "hong.edxml"
    bad.write_bytes(b'<?xml version="1.0" encoding="UTF-8"?><edXML xmlns="urn:x"/>')
    assert main(["edxml", "show", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "unknown root element" in err and "Traceback" not in err
