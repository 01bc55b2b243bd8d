"""The agency directory: who exists, under whom, how to reach them, which certificate is theirs.

``upsert_agencies`` orders a batch so parents are written before their children (the parent
column is a foreign key); a parent that is neither in the batch nor stored is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.store.clock import system_clock
from gateway.store.models_directory import Agency
from gateway.store.records import AgencyRecord, RecordError


def _record(a: Agency) -> AgencyRecord:
    return AgencyRecord(
        identifier=a.identifier,
        name=a.name,
        parent=a.parent,
        channel=a.channel,
        endpoint=a.endpoint,
        cert_fingerprint_sha256=a.cert_fingerprint_sha256,
        cert_subject=a.cert_subject,
        active=a.active,
    )


def upsert_agency(session: Session, record: AgencyRecord, *, now: datetime | None = None) -> bool:
    """Insert or update one agency; returns True when it was new."""
    if record.parent is not None and session.get(Agency, record.parent) is None:
        raise RecordError(
            f"agency {record.identifier}: parent {record.parent} is not in the directory"
        )
    row = session.get(Agency, record.identifier)
    created = row is None
    if row is None:
        row = Agency(identifier=record.identifier)
        session.add(row)
    row.name = record.name
    row.parent = record.parent
    row.channel = record.channel
    row.endpoint = record.endpoint
    row.cert_fingerprint_sha256 = record.cert_fingerprint_sha256
    row.cert_subject = record.cert_subject
    row.active = record.active
    row.updated_at = now or system_clock()
    session.flush()
    return created


def upsert_agencies(
    session: Session, records: Iterable[AgencyRecord], *, now: datetime | None = None
) -> int:
    """Write a batch parents-first; returns how many were new."""
    pending = {r.identifier: r for r in records}
    created = 0
    while pending:
        ready = [r for r in pending.values() if r.parent is None or r.parent not in pending]
        if not ready:
            raise RecordError(f"agency parents form a cycle among {sorted(pending)[:5]}")
        for r in ready:
            created += upsert_agency(session, r, now=now)
            del pending[r.identifier]
    return created


def get_agency(session: Session, identifier: str) -> AgencyRecord | None:
    row = session.get(Agency, identifier)
    return None if row is None else _record(row)


def list_agencies(
    session: Session, *, parent: str | None = None, active_only: bool = False
) -> list[AgencyRecord]:
    stmt = select(Agency).order_by(Agency.identifier)
    if parent is not None:
        stmt = stmt.where(Agency.parent == parent)
    if active_only:
        stmt = stmt.where(Agency.active.is_(True))
    return [_record(a) for a in session.scalars(stmt)]


def agencies_for_certificate(session: Session, fingerprint_sha256: str) -> list[AgencyRecord]:
    """Agencies bound to a certificate (sender binding check during verification)."""
    fp = fingerprint_sha256.replace(":", "").lower()
    stmt = select(Agency).where(Agency.cert_fingerprint_sha256 == fp).order_by(Agency.identifier)
    return [_record(a) for a in session.scalars(stmt)]
