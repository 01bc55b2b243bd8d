"""Configuration of the axis simulator: systems, agencies, checks and faults (TOML).

Example (``docs/simulator.md`` has the full reference)::

    [server]
    host = "127.0.0.1"                 # loopback unless you mean it
    port = 8470
    db = "axis-sim.sqlite3"            # relative to this file; omit for in-memory
    admin_token_env = "AXIS_SIM_ADMIN_TOKEN"
    timestamp_window_seconds = 86400   # 0 disables the freshness check (explicitly)

    [[systems]]
    id = "000.00.00.G12"
    secret_env = "AXIS_SIM_SECRET_G12"  # or secret = "..." for throw-away test setups

    [[agencies]]
    code = "000.00.00.G12"
    system = "000.00.00.G12"
    name = "Bộ Công Thương"

    [faults]
    error_rate = 0.0
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gateway.errors import ConfigError
from gateway.simulator.faults import FaultSettings, Outage

__all__ = [
    "AgencyConfig",
    "SimulatorConfig",
    "SystemConfig",
    "load_simulator_config",
]

DEFAULT_WINDOW_SECONDS = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class SystemConfig:
    """A registered system: its ``systemId`` and the shared secret (hidden from repr)."""

    id: str
    secret: str = field(repr=False)
    name: str = ""


@dataclass(frozen=True, slots=True)
class AgencyConfig:
    """An agency (mã định danh) and the system that receives its packages."""

    code: str
    system: str
    name: str = ""
    mail: str = ""
    pid: str = ""
    old_code: str = ""


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    systems: tuple[SystemConfig, ...]
    agencies: tuple[AgencyConfig, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8470
    db: Path | None = None
    admin_token: str | None = field(default=None, repr=False)
    timestamp_window_seconds: float = DEFAULT_WINDOW_SECONDS
    max_request_bytes: int = 64 * 1024 * 1024
    check_sender_agency: bool = True
    faults: FaultSettings = field(default_factory=FaultSettings)

    def __post_init__(self) -> None:
        ids = [s.id for s in self.systems]
        if not ids:
            raise ConfigError("simulator: at least one [[systems]] entry is required")
        if len(set(ids)) != len(ids):
            raise ConfigError("simulator: duplicate system id in [[systems]]")
        for system in self.systems:
            if not system.secret:
                raise ConfigError(f"simulator: system {system.id!r} has an empty secret")
        codes = [a.code for a in self.agencies]
        if len(set(codes)) != len(codes):
            raise ConfigError("simulator: duplicate agency code in [[agencies]]")
        for agency in self.agencies:
            if agency.system not in ids:
                raise ConfigError(
                    f"simulator: agency {agency.code!r} belongs to unknown system {agency.system!r}"
                )
        if self.timestamp_window_seconds < 0:
            raise ConfigError("simulator: timestamp_window_seconds must be >= 0 (0 = off)")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"simulator: port {self.port} out of range")

    def secrets(self) -> dict[str, str]:
        return {s.id: s.secret for s in self.systems}


def _nfc(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"simulator config: {where} must be a string, got {value!r}")
    return unicodedata.normalize("NFC", value.strip())


def _secret(entry: Mapping[str, Any], where: str, environ: Mapping[str, str]) -> str:
    if "secret_env" in entry:
        name = _nfc(entry["secret_env"], f"{where}.secret_env")
        value = environ.get(name)
        if not value:
            raise ConfigError(f"simulator config: {where}: environment variable {name} is unset")
        return value
    if "secret" in entry:
        return str(entry["secret"])
    raise ConfigError(f"simulator config: {where} needs secret_env (or secret)")


def _outage(entry: Any, where: str) -> Outage:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"simulator config: {where} must be a table with start and end")
    try:
        start = _aware(entry["start"])
        end = _aware(entry["end"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(f"simulator config: {where}: {exc}") from None
    if end <= start:
        raise ConfigError(f"simulator config: {where}: end is not after start")
    return Outage(start, end)


def _aware(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset (write e.g. 2026-11-22T10:00:00+07:00)")
    return moment


def faults_from_mapping(raw: Mapping[str, Any], where: str = "[faults]") -> FaultSettings:
    try:
        return FaultSettings(
            error_rate=float(raw.get("error_rate", 0.0)),
            latency_ms=int(raw.get("latency_ms", 0)),
            truncate_rate=float(raw.get("truncate_rate", 0.0)),
            operations=frozenset(str(op) for op in raw.get("operations", ())),
            outages=tuple(
                _outage(o, f"{where}.outages[{i}]") for i, o in enumerate(raw.get("outages", ()))
            ),
            seed=None if raw.get("seed") is None else int(raw["seed"]),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"simulator config: {where}: {exc}") from None


def load_simulator_config(
    path: str | Path, environ: Mapping[str, str] | None = None
) -> SimulatorConfig:
    """Read a simulator TOML file; relative ``db`` paths are relative to the file."""
    env = os.environ if environ is None else environ
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"simulator config {file}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"simulator config {file}: {exc}") from None
    server = raw.get("server", {})
    systems = tuple(
        SystemConfig(
            id=_nfc(s.get("id"), f"systems[{i}].id"),
            secret=_secret(s, f"systems[{i}]", env),
            name=_nfc(s.get("name", ""), f"systems[{i}].name"),
        )
        for i, s in enumerate(raw.get("systems", ()))
    )
    agencies = tuple(
        AgencyConfig(
            code=_nfc(a.get("code"), f"agencies[{i}].code"),
            system=_nfc(a.get("system"), f"agencies[{i}].system"),
            name=_nfc(a.get("name", ""), f"agencies[{i}].name"),
            mail=_nfc(a.get("mail", ""), f"agencies[{i}].mail"),
            pid=_nfc(a.get("pid", ""), f"agencies[{i}].pid"),
            old_code=_nfc(a.get("old_code", ""), f"agencies[{i}].old_code"),
        )
        for i, a in enumerate(raw.get("agencies", ()))
    )
    admin_token: str | None = None
    if "admin_token_env" in server:
        admin_token = env.get(str(server["admin_token_env"])) or None
    elif "admin_token" in server:
        admin_token = str(server["admin_token"]) or None
    db = server.get("db")
    try:
        return SimulatorConfig(
            systems=systems,
            agencies=agencies,
            host=str(server.get("host", "127.0.0.1")),
            port=int(server.get("port", 8470)),
            db=None if db is None else (file.parent / str(db)),
            admin_token=admin_token,
            timestamp_window_seconds=float(
                server.get("timestamp_window_seconds", DEFAULT_WINDOW_SECONDS)
            ),
            max_request_bytes=int(server.get("max_request_bytes", 64 * 1024 * 1024)),
            check_sender_agency=bool(server.get("check_sender_agency", True)),
            faults=faults_from_mapping(raw.get("faults", {})),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"simulator config {file}: {exc}") from None
