""":class:`VxpDirectory`: the axis's agency list as the engine's :class:`DirectorySource`."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.exchange.directory import DirectoryEntry, DirectorySource
from gateway.transport.vxp.client import VxpClient

__all__ = ["VxpDirectory"]


class VxpDirectory:
    """``getAgenciesList``: the answer names parents by the axis's internal id (``pid``), so
    they are turned into agency codes here."""

    def __init__(self, client: VxpClient) -> None:
        self._client = client

    def agencies(self) -> Sequence[DirectoryEntry]:
        rows = self._client.get_agencies_list()
        code_of = {r.id: r.code for r in rows if r.id}
        return tuple(
            DirectoryEntry(code=r.code, name=r.name, parent=code_of.get(r.pid) or None)
            for r in rows
            if r.code.strip()
        )


def _conforms(directory: VxpDirectory) -> DirectorySource:
    return directory  # mypy checks the Protocol
