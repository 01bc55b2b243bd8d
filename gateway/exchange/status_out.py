"""Record and queue our signed status packages, with their log entries, in the caller's
transaction.

Three producers share it: the back office's statuses (03…16), the automatic 01 once a received
document is stored, and the 02 that answers a refused package (which has no document row, so
no ``document_ref`` and no status event).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from gateway.exchange import jobs
from gateway.exchange.routing import Router
from gateway.store import BlobRef, Direction, StatusEventRecord, Store, record_status


def queue_status(
    store: Store,
    router: Router,
    s: Session,
    *,
    to: str,
    sha256: str,
    code: str,
    document_ref: str | None,
    event_id: int | None,
) -> None:
    channel = router.channel_for(s, to)
    details: dict[str, Any] = {"code": code, "to": to, "channel": channel}
    payload: dict[str, Any] = {"sha256": sha256, "to": to, "channel": channel, "code": code}
    if event_id is not None:
        details["event"] = event_id
        payload["event"] = event_id
    if document_ref is not None:
        payload["document"] = document_ref
    store.log.append(
        s, "status.out", document_ref=document_ref, package_sha256=sha256, details=details
    )
    key = f"status-event:{event_id}:{to}" if event_id is not None else f"status-package:{sha256}"
    store.queue.enqueue(s, jobs.SEND_STATUS, payload, dedupe_key=key)


def record_and_queue(
    store: Store,
    router: Router,
    s: Session,
    *,
    document_ref: str,
    reporter: str,
    code: str,
    description: str,
    time: datetime,
    blob: BlobRef,
    targets: Sequence[str],
) -> bool:
    """Our status about a stored document: its event and one send per target.

    False when the very same status package was recorded before (nothing is queued again).
    """
    event, created = record_status(
        s,
        StatusEventRecord(
            document_id=document_ref,
            agency=reporter,
            code=code,
            direction=Direction.OUT,
            package_sha256=blob.sha256,
            description=description,
            reported_at=time,
        ),
        package=blob,
    )
    for to in targets if created else ():
        queue_status(
            store,
            router,
            s,
            to=to,
            sha256=blob.sha256,
            code=code,
            document_ref=document_ref,
            event_id=event.id,
        )
    return created
