"""Settings written as TOML read back equal, Vietnamese and paths included."""

from __future__ import annotations

from pathlib import Path

from gateway.config import (
    AdapterSettings,
    IdentitySettings,
    PartnerSettings,
    RetrySettings,
    Settings,
    SigningSettings,
    TrustSettings,
    load_settings,
    settings_to_toml,
)


def test_settings_round_trip_through_toml(tmp_path: Path) -> None:
    settings = Settings(
        identity=IdentitySettings("000.00.00.G12", "Bộ Công Thương", tmp_path / "dữ liệu"),
        retry={
            "default": RetrySettings(base_seconds=1.5),
            "deliver": RetrySettings(max_attempts=3),
        },
        signing=SigningSettings(
            key=tmp_path / "khóa.key", cert=tmp_path / "cert.crt", chain=(tmp_path / "ca.crt",)
        ),
        trust=TrustSettings(ca_bundle=tmp_path / "ca.crt", revocation="soft-fail"),
        partners={
            "000.00.00.G22": PartnerSettings(
                organ_id="000.00.00.G22", name="Văn phòng Chính phủ", require_signature=False
            )
        },
        adapter=AdapterSettings(options={"root": str(tmp_path / "thư mục"), "lease_seconds": "5"}),
    )
    file = tmp_path / "gateway.toml"
    file.write_text(settings_to_toml(settings), "utf-8")
    assert load_settings(file, environ={}) == settings
