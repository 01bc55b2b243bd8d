"""Workers that send stored packages: documents to each recipient, and status packages.

Sending happens outside any transaction (a network call must never hold the database). A
crash after the hub took the package but before the attempt committed sends it again on the
next run; the receiving gateway recognises the replay (sender + DocumentId) and does not
import it twice, so "at least once" on the wire is "exactly once" at the back office.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from gateway.errors import ExchangeError, TransportError
from gateway.exchange.routing import Router
from gateway.store import (
    AttemptOutcome,
    ClaimedJob,
    DeliveryState,
    FailOutcome,
    Store,
    get_delivery,
    get_document,
    record_attempt,
    set_delivery_state,
)

_FINISHED = (DeliveryState.SENT, DeliveryState.CANCELLED)


class DocumentSender:
    """Handler of ``deliver`` jobs: ``{"delivery": id}``."""

    def __init__(self, store: Store, router: Router) -> None:
        self.store = store
        self.router = router

    def run(self, job: ClaimedJob, worker_id: str) -> None:
        delivery_id = int(job.payload["delivery"])
        with self.store.reading() as s:
            d = get_delivery(s, delivery_id)
            doc = get_document(s, d.document_id)
        if doc is None:
            raise ExchangeError(f"delivery {delivery_id}: document {d.document_id} is gone")
        if d.state in _FINISHED:
            self.store.queue.complete(job, worker_id)
            return
        transport = self.router.transport(d.channel)
        data = self.store.blobs.read_bytes(doc.package_sha256)
        try:
            peer_ref = transport.send(data, kind="edoc", to=[d.recipient])
        except TransportError as exc:
            outcome = AttemptOutcome.FAILED if exc.retryable else AttemptOutcome.REJECTED
            with self.store.transaction() as s:
                record_attempt(s, d.id, outcome, error=str(exc), new_state=DeliveryState.FAILED)
            raise
        with self.store.transaction() as s:
            record_attempt(
                s, d.id, AttemptOutcome.SENT, peer_ref=peer_ref, new_state=DeliveryState.SENT
            )
            self.store.log.append(
                s,
                "delivery.sent",
                document_ref=doc.id,
                package_sha256=doc.package_sha256,
                details={
                    "recipient": d.recipient,
                    "channel": d.channel,
                    "peer_ref": peer_ref,
                    "attempt": job.attempt,
                },
            )
            self.store.queue.complete(job, worker_id, session=s)

    def failed(self, s: Session, job: ClaimedJob, outcome: FailOutcome, error: str) -> None:
        if not outcome.dead:
            return
        d = set_delivery_state(s, int(job.payload["delivery"]), DeliveryState.DEAD)
        self.store.log.append(
            s,
            "delivery.dead",
            document_ref=d.document_id,
            details={"recipient": d.recipient, "channel": d.channel, "error": error[:500]},
        )


class StatusSender:
    """Handler of ``status`` jobs: a status package already signed and stored."""

    def __init__(self, store: Store, router: Router) -> None:
        self.store = store
        self.router = router

    def run(self, job: ClaimedJob, worker_id: str) -> None:
        p = job.payload
        transport = self.router.transport(str(p["channel"]))
        data = self.store.blobs.read_bytes(str(p["sha256"]))
        peer_ref = transport.send(data, kind="status", to=[str(p["to"])])
        with self.store.transaction() as s:
            self.store.log.append(
                s,
                "status.sent",
                document_ref=p.get("document"),
                package_sha256=str(p["sha256"]),
                details={"to": p["to"], "code": p.get("code"), "peer_ref": peer_ref},
            )
            self.store.queue.complete(job, worker_id, session=s)

    def failed(self, s: Session, job: ClaimedJob, outcome: FailOutcome, error: str) -> None:
        if outcome.dead:
            p = job.payload
            self.store.log.append(
                s,
                "status.dead",
                document_ref=p.get("document"),
                package_sha256=str(p["sha256"]),
                details={"to": p["to"], "code": p.get("code"), "error": error[:500]},
            )
