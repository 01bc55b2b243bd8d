"""Keep the agency directory in step with the hub's agency list.

The hub (the national axis) is authoritative for who exists and under whom; this gateway's
configuration and admins are authoritative for *how* to reach an agency (channel, endpoint)
and which certificate speaks for it. So a sync updates names, parents and the active flag, and
never touches a known agency's channel, endpoint or certificate binding. An agency the hub no
longer lists is deactivated (kept, for the documents that name it), and only if it is reached
through that hub: a partner configured for a direct channel stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from gateway.store import AgencyRecord, Store, list_agencies, upsert_agencies


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """An agency as the hub lists it; ``parent`` is the parent's code (None at the top)."""

    code: str
    name: str
    parent: str | None = None


class DirectorySource(Protocol):
    def agencies(self) -> Sequence[DirectoryEntry]:
        """Every agency the hub knows, in any order."""
        ...


@dataclass(frozen=True, slots=True)
class SyncReport:
    listed: int
    added: int
    updated: int
    deactivated: int


def merge(
    current: Sequence[AgencyRecord], listed: Sequence[DirectoryEntry], *, channel: str
) -> tuple[list[AgencyRecord], SyncReport]:
    """The records to write (pure): what changed, with everything local kept."""
    known = {a.identifier: a for a in current}
    codes = {e.code for e in listed}
    out: list[AgencyRecord] = []
    added = updated = 0
    for e in listed:
        parent = e.parent if e.parent in codes or e.parent in known else None
        if parent == e.code:
            parent = None
        old = known.get(e.code)
        name = e.name.strip() or (old.name if old else e.code)
        if old is None:
            out.append(AgencyRecord(identifier=e.code, name=name, parent=parent, channel=channel))
            added += 1
            continue
        new = replace(old, name=name, parent=parent, active=True)
        if new != old:
            out.append(new)
            updated += 1
    gone = [
        replace(a, active=False)
        for a in current
        if a.identifier not in codes and a.active and a.channel == channel
    ]
    out.extend(gone)
    return out, SyncReport(len(listed), added, updated, len(gone))


def sync_directory(store: Store, source: DirectorySource, *, channel: str = "axis") -> SyncReport:
    listed = list({e.code: e for e in source.agencies()}.values())  # one entry per code
    with store.transaction() as s:
        records, report = merge(list_agencies(s), listed, channel=channel)
        upsert_agencies(s, records)
        if records:
            store.log.append(
                s,
                "directory.sync",
                details={
                    "channel": channel,
                    "listed": report.listed,
                    "added": report.added,
                    "updated": report.updated,
                    "deactivated": report.deactivated,
                },
            )
    return report
