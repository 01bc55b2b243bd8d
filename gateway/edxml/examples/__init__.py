"""Example letters shipped with the gateway (``make run`` and the docs use them)."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

__all__ = ["EXAMPLE_LETTER", "example_file", "example_metadata"]

EXAMPLE_LETTER = "congvan-mau.toml"


def example_file(name: str) -> bytes:
    """Bytes of a file in this package (the letter's metadata or its attachment)."""
    return resources.files(__package__).joinpath(name).read_bytes()


def example_metadata(name: str = EXAMPLE_LETTER) -> dict[str, Any]:
    return tomllib.loads(example_file(name).decode("utf-8"))
