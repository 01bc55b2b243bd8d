"""Settings back to TOML: what :func:`gateway.config.load_settings` reads back equal.

Used to hand a gateway built in code (the demo's, a benchmark's, a test's) to a real
``gateway run --config FILE`` process, through the same loader an operator's file goes through.
Secrets are never in settings (only the names of the variables that hold them), so the file
holds none either.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from gateway.config.model import Settings

__all__ = ["settings_to_toml"]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_scalar(k)} = {_scalar(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def _table(header: str, section: Any) -> list[str]:
    lines = [f"[{header}]"]
    for f in fields(section):
        value = getattr(section, f.name)
        if value is not None:  # absent in TOML is the loader's None
            lines.append(f"{f.name} = {_scalar(value)}")
    return [*lines, ""]


def settings_to_toml(settings: Settings) -> str:
    """``settings`` as a TOML document :func:`gateway.config.load_settings` reads back equal."""
    lines: list[str] = []
    for f in fields(settings):
        value = getattr(settings, f.name)
        if is_dataclass(value):
            lines += _table(f.name, value)
        else:  # retry.<kind> and partners.<organ> tables
            for key, section in value.items():
                lines += _table(f"{f.name}.{_scalar(key)}", section)
    return "\n".join(lines)
