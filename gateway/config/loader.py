"""Turn TOML text and environment variables into a validated :class:`Settings`.

One generic converter walks each section dataclass's annotations, so a new setting is one
field in ``model.py``; unknown keys are errors (a typo must not silently fall back to a
default), and every message names the offending key.
"""

from __future__ import annotations

import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import MISSING, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar

from gateway.config.model import (
    AdapterSettings,
    AxisSettings,
    DatabaseSettings,
    HttpSettings,
    IdentitySettings,
    PartnerSettings,
    PollSettings,
    RetrySettings,
    Settings,
    SigningSettings,
    TrustSettings,
)
from gateway.errors import ConfigError

T = TypeVar("T")
ENV_PREFIX = "GATEWAY__"

_SECTIONS: dict[str, type[Any]] = {
    "identity": IdentitySettings,
    "database": DatabaseSettings,
    "axis": AxisSettings,
    "poll": PollSettings,
    "signing": SigningSettings,
    "trust": TrustSettings,
    "adapter": AdapterSettings,
    "http": HttpSettings,
}
_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("signing", "source"): ("pem", "pkcs12", "pkcs11", "none"),
    ("trust", "revocation"): ("fail-closed", "soft-fail", "off"),
    ("partners", "revocation"): ("fail-closed", "soft-fail", "off"),
    ("partners", "channel"): ("axis", "soap"),
}


def load_settings(path: str | Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read a TOML file, overlay ``GATEWAY__SECTION__KEY`` variables, validate."""
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"configuration file {file} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    merged = overlay_environment(raw, os.environ if environ is None else environ)
    return settings_from_mapping(merged, base_dir=file.resolve().parent)


def overlay_environment(raw: dict[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """``GATEWAY__AXIS__ENDPOINT=...`` sets ``[axis] endpoint``; values parse as TOML scalars."""
    result: dict[str, Any] = {k: dict(v) if isinstance(v, dict) else v for k, v in raw.items()}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        path = [part.lower() for part in name[len(ENV_PREFIX) :].split("__") if part]
        if not path:
            continue
        node = result
        for part in path[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"environment {name}: {part!r} is not a table")
            node = child
        node[path[-1]] = _env_scalar(value)
    return result


def _env_scalar(value: str) -> Any:
    try:
        return tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        return value


def settings_from_mapping(raw: Mapping[str, Any], *, base_dir: Path | None = None) -> Settings:
    base = base_dir or Path.cwd()
    known = {*_SECTIONS, "retry", "partners"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"unknown configuration section(s): {', '.join(unknown)}")
    if "identity" not in raw:
        raise ConfigError("missing section [identity] (organ_id, name, data_dir)")
    sections = {
        name: _build(cls, _table(raw, name), name, base)
        for name, cls in _SECTIONS.items()
        if name in raw
    }
    retry_tables = _table(raw, "retry")
    defaults = _table(retry_tables, "default", "retry")
    retry = {
        kind: _build(
            RetrySettings,
            {**defaults, **_table(retry_tables, kind, "retry")},
            f"retry.{kind}",
            base,
        )
        for kind in retry_tables
    }
    partner_tables = _table(raw, "partners")
    partners: dict[str, PartnerSettings] = {}
    for key in partner_tables:
        data = dict(_table(partner_tables, key, "partners"))
        data.setdefault("organ_id", key)
        partners[data["organ_id"]] = _build(PartnerSettings, data, f"partners.{key}", base)
    return Settings(**sections, retry=retry, partners=partners)


def _table(raw: Mapping[str, Any], name: str, parent: str = "") -> Mapping[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, Mapping):
        where = f"{parent}.{name}" if parent else name
        raise ConfigError(f"[{where}] must be a table, got {type(value).__name__}")
    return value


def _build(cls: type[T], data: Mapping[str, Any], where: str, base: Path) -> T:
    assert is_dataclass(cls)
    hints = typing.get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ConfigError(f"[{where}]: unknown key(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in data:
            if f.default is MISSING and f.default_factory is MISSING:
                raise ConfigError(f"[{where}] {f.name}: required")
            continue
        values[f.name] = _convert(data[f.name], hints[f.name], f"[{where}] {f.name}", base)
        choices = _CHOICES.get((where.split(".", maxsplit=1)[0], f.name))
        if choices and values[f.name] is not None and values[f.name] not in choices:
            raise ConfigError(
                f"[{where}] {f.name}: {values[f.name]!r} is not one of {', '.join(choices)}"
            )
    return cls(**values)


def _convert(value: Any, hint: Any, where: str, base: Path) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in args if a is not type(None)]
        return None if value is None else _convert(value, inner[0], where, base)
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__}")
        return tuple(_convert(v, args[0], f"{where}[{i}]", base) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{where}: expected a table, got {type(value).__name__}")
        return {str(k): str(v) for k, v in value.items()}
    if hint is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where}: expected a path string, got {value!r}")
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        if value < 0:
            raise ConfigError(f"{where}: must not be negative, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {value!r}")
        return value
    raise ConfigError(f"{where}: unsupported setting type {hint!r}")  # pragma: no cover
