"""`gateway pki init`, `gateway sign`, `gateway verify`: files, exit codes, JSON."""

from __future__ import annotations

import json

import pytest

from gateway.cli import main
from tests.security.conftest import MINISTRY, VECTORS


def test_pki_init_is_idempotent_and_keeps_keys_private(tmp_path, capsys):
    target = tmp_path / "certs" / "dev"
    assert main(["pki", "init", "--dir", str(target)]) == 0
    key = target / "orgs" / f"{MINISTRY}.key"
    first = key.read_bytes()
    assert key.stat().st_mode & 0o777 == 0o600
    assert (target / "index.txt").read_text(encoding="utf-8").count("\n") == 5
    assert main(["pki", "init", "--dir", str(target)]) == 0
    assert "kept" in capsys.readouterr().out
    assert key.read_bytes() == first
    assert main(["pki", "init", "--dir", str(target), "--force"]) == 0
    assert key.read_bytes() != first


def test_pki_init_refuses_a_foreign_non_empty_directory(tmp_path):
    (tmp_path / "ghi-chu.txt").write_text("không phải PKI", encoding="utf-8")
    assert main(["pki", "init", "--dir", str(tmp_path)]) == 2


def _sign(pki, tmp_path, organ=MINISTRY, name="cong-van.edxml"):  # type: ignore[no-untyped-def]
    out = tmp_path / f"{organ}-{name}"
    code = main(
        [
            "sign",
            str(VECTORS / name),
            "-o",
            str(out),
            "--key",
            str(pki.org_key(organ)),
            "--cert",
            str(pki.org_cert(organ)),
            "--chain",
            str(pki.intermediate_cert),
        ]
    )
    assert code == 0
    return out


def _verify_args(pki, *files):  # type: ignore[no-untyped-def]
    return [
        "verify",
        *map(str, files),
        "--trust-anchors",
        str(pki.ca_cert),
        "--crl",
        str(pki.crl_dir / "intermediate.crl"),
        "--crl",
        str(pki.crl_dir / "root.crl"),
    ]


def test_sign_then_verify_exits_zero(dev_pki, tmp_path, capsys):
    signed = _sign(dev_pki, tmp_path)
    assert main(_verify_args(dev_pki, signed)) == 0
    assert "VALID" in capsys.readouterr().out


def test_verify_json_reports_each_file_and_exits_one_when_any_fails(dev_pki, tmp_path, capsys):
    good = _sign(dev_pki, tmp_path)
    wrong_agency = _sign(dev_pki, tmp_path, organ="000.00.00.G22")
    capsys.readouterr()
    assert main([*_verify_args(dev_pki, good, wrong_agency), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [r["status"] for r in report] == ["valid", "invalid"]
    assert report[0]["signer"]["fingerprint_sha256"]
    assert any("sender-binding" in f for f in report[1]["failures"])


def test_unsigned_package_exits_one(dev_pki, capsys):
    assert main(_verify_args(dev_pki, VECTORS / "trang-thai.edxml")) == 1
    assert "UNSIGNED" in capsys.readouterr().out


def test_verify_without_trust_anchors_is_a_usage_error(tmp_path, capsys):
    assert main(["verify", str(VECTORS / "cong-van.edxml")]) == 2
    assert "--trust-anchors" in capsys.readouterr().err


def test_sign_with_pkcs12_and_password_from_environment(dev_pki, tmp_path, monkeypatch):
    monkeypatch.setenv("MAT_KHAU_P12", "mật-khẩu thử nghiệm")
    out = tmp_path / "p12.edxml"
    assert (
        main(
            [
                "sign",
                str(VECTORS / "trang-thai.edxml"),
                "-o",
                str(out),
                "--key",
                str(dev_pki.org_p12(MINISTRY)),
                "--password-env",
                "MAT_KHAU_P12",
            ]
        )
        == 0
    )
    assert main(_verify_args(dev_pki, out)) == 0


def test_bad_arguments_exit_two():
    with pytest.raises(SystemExit) as info:
        main(["verify"])
    assert info.value.code == 2


def test_sign_and_verify_from_a_config_file(dev_pki, tmp_path, capsys):
    config = tmp_path / "gateway.toml"
    config.write_text(
        f"""
[identity]
organ_id = "{MINISTRY}"
name = "Bộ Công Thương"
data_dir = "data"

[signing]
source = "pem"
key = "{dev_pki.org_key(MINISTRY)}"
cert = "{dev_pki.org_cert(MINISTRY)}"
chain = ["{dev_pki.intermediate_cert}"]

[trust]
ca_bundle = "{dev_pki.ca_cert}"
crl_files = ["{dev_pki.crl_dir / "intermediate.crl"}", "{dev_pki.crl_dir / "root.crl"}"]

[partners."000.00.00.G22"]
name = "Văn phòng Chính phủ"
revocation = "soft-fail"
""",
        encoding="utf-8",
    )
    out = tmp_path / "signed.edxml"
    assert (
        main(["sign", str(VECTORS / "cong-van.edxml"), "-o", str(out), "--config", str(config)])
        == 0
    )
    assert main(["verify", str(out), "--config", str(config), "--json"]) == 0
    capsys.readouterr()
    assert main(["verify", str(out), "--config", str(config), "--binding", "configured-only"]) == 1
    assert "no certificate binding is configured" in capsys.readouterr().out
