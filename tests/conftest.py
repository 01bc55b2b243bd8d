"""Shared fixtures: where ``../shared/`` is, and a clear skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared/`` beside the checkout (CI always has it); skip, saying why, when absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip(f"reference material absent: {SHARED_DIR} does not exist (CI provides it)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def conformance_dir(shared_dir: Path) -> Path:
    return shared_dir / "conformance" / "vpcp"


@pytest.fixture(scope="session")
def vectors_dir(shared_dir: Path) -> Path:
    return shared_dir / "vectors"
