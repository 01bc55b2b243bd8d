"""Settings load from TOML and the environment, and refuse what they do not understand."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.config import load_settings
from gateway.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parents[2]

MINIMAL = """
[identity]
organ_id = "000.00.00.G12"
name = "Bộ Công Thương"
data_dir = "dữ-liệu"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "gateway.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_configuration_loads() -> None:
    settings = load_settings(PROJECT_ROOT / "config.example.toml", environ={})
    assert settings.identity.organ_id == "000.00.00.G12"
    assert settings.http.host == "127.0.0.1"
    assert settings.partner("000.00.00.G22").revocation == "soft-fail"


def test_relative_paths_resolve_against_the_file_and_sqlite_is_the_default(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, MINIMAL), environ={})
    assert settings.identity.data_dir == tmp_path / "dữ-liệu"
    assert settings.database_url == f"sqlite:///{tmp_path / 'dữ-liệu' / 'gateway.sqlite3'}"


def test_retry_kinds_inherit_the_default_schedule(tmp_path: Path) -> None:
    text = (
        MINIMAL + "[retry.default]\nmax_attempts = 3\nfactor = 3.0\n[retry.deliver]\nfactor = 4\n"
    )
    settings = load_settings(write(tmp_path, text), environ={})
    assert settings.retry_for("deliver").max_attempts == 3
    assert settings.retry_for("deliver").factor == 4.0
    assert settings.retry_for("import").factor == 3.0


def test_environment_overrides_file(tmp_path: Path) -> None:
    env = {"GATEWAY__AXIS__ENDPOINT": "http://127.0.0.1:9999", "GATEWAY__POLL__BATCH_SIZE": "7"}
    settings = load_settings(write(tmp_path, MINIMAL), environ=env)
    assert settings.axis.endpoint == "http://127.0.0.1:9999"
    assert settings.poll.batch_size == 7


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ("[axis]\nendpont = 'x'\n", "[axis]: unknown key(s) endpont"),
        ("[poll]\nbatch_size = 'many'\n", "[poll] batch_size: expected an integer"),
        ("[signing]\nsource = 'usb'\n", "[signing] source: 'usb' is not one of"),
        ("[surprise]\nx = 1\n", "unknown configuration section(s): surprise"),
        ("[poll]\nlease_seconds = -1\n", "must not be negative"),
    ],
)
def test_bad_settings_name_the_key(tmp_path: Path, extra: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, MINIMAL + extra), environ={})
    assert fragment in str(caught.value)


def test_missing_file_and_bad_toml_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(tmp_path, "[identity\n"))
