"""Who takes part in the demo and where each one's files live in the work directory.

Two ministries, each with its own gateway: Bộ Công Thương (the ministry this project serves)
and Bộ Tài chính, the partner. Both identifiers are ones the dev PKI issues certificates for
(:data:`gateway.security.devpki.ORGANISATIONS`), so each gateway signs with its own dev key
and the other one can bind the signature to the sender.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from gateway.errors import ConfigError
from gateway.security.devpki import ORGANISATIONS

__all__ = ["MINISTRY", "PARTNER", "Party", "Workspace", "prepare_workdir"]


@dataclass(frozen=True, slots=True)
class Party:
    """One ministry in the demo. ``slug`` names its folder; ``secret_env`` its axis secret."""

    organ_id: str
    name: str
    slug: str

    @property
    def secret_env(self) -> str:
        return "DEMO_AXIS_SECRET_" + self.organ_id.rsplit(".", 1)[-1]


MINISTRY = Party("000.00.00.G12", ORGANISATIONS["000.00.00.G12"], "bo-cong-thuong")
PARTNER = Party("000.00.00.G10", ORGANISATIONS["000.00.00.G10"], "bo-tai-chinh")


@dataclass(frozen=True, slots=True)
class Workspace:
    """The layout of a demo run under one directory (everything the run writes is here)."""

    root: Path

    @property
    def pki(self) -> Path:
        return self.root / "pki"

    @property
    def axis_db(self) -> Path:
        return self.root / "axis-sim.sqlite3"

    def data_dir(self, party: Party) -> Path:
        return self.root / party.slug / "data"

    def dropfolder(self, party: Party) -> Path:
        return self.root / party.slug / "dropfolder"


_MARKER = ".gateway-demo"


def prepare_workdir(directory: Path) -> Workspace:
    """Recreate ``directory`` empty. Only a former demo directory (or an empty one) is removed:
    a mistyped ``--dir`` pointing at real files must not wipe them."""
    root = directory.resolve()
    if root.exists():
        if not root.is_dir():
            raise ConfigError(f"demo: {root} exists and is not a directory")
        if any(root.iterdir()) and not (root / _MARKER).is_file():
            raise ConfigError(
                f"demo: {root} is not empty and was not made by 'gateway demo'; "
                "choose another --dir or empty it yourself"
            )
        shutil.rmtree(root)
    root.mkdir(parents=True)
    (root / _MARKER).write_text("made by 'gateway demo'; recreated on every run\n", "utf-8")
    return Workspace(root)
