"""Workers that hand received documents and statuses to the back office (``import``, ``notify``).

Both are retried like any delivery when the adapter says its trouble is temporary, and both
are idempotent at the adapter (keyed on ``gateway_id``), so a crash between the adapter's
write and the job's completion only makes the adapter answer ``ALREADY_DELIVERED`` next time.
The model handed over is read from the stored raw package, the bytes that were verified.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from gateway.edxml import EdocPackage, StatusPackage, read_package
from gateway.errors import ExchangeError
from gateway.exchange.backoffice import BackOfficeAdapter
from gateway.exchange.mapping import received_from_package
from gateway.exchange.mapping_status import status_change_from_package
from gateway.store import ClaimedJob, FailOutcome, Store, get_document, status_history


class DocumentImporter:
    """Handler of ``import`` jobs: ``{"document": store id}``."""

    def __init__(self, store: Store, adapter: BackOfficeAdapter) -> None:
        self.store = store
        self.adapter = adapter

    def run(self, job: ClaimedJob, worker_id: str) -> None:
        doc_id = str(job.payload["document"])
        with self.store.reading() as s:
            doc = get_document(s, doc_id)
        if doc is None:
            raise ExchangeError(f"import: document {doc_id} is not in the store")
        package = read_package(self.store.blobs.read_bytes(doc.package_sha256)).package
        if not isinstance(package, EdocPackage):
            raise ExchangeError(f"import: document {doc_id} is stored as a status package")
        received = received_from_package(package, gateway_id=doc.id, received_at=doc.created_at)
        outcome = self.adapter.deliver_document(received)
        with self.store.transaction() as s:
            self.store.log.append(
                s,
                "import.done",
                document_ref=doc.id,
                details={"outcome": outcome.value, "attempt": job.attempt},
            )
            self.store.queue.complete(job, worker_id, session=s)

    def failed(self, s: Session, job: ClaimedJob, outcome: FailOutcome, error: str) -> None:
        if outcome.dead:
            self.store.log.append(
                s,
                "import.dead",
                document_ref=str(job.payload["document"]),
                details={"error": error[:500]},
            )


class StatusNotifier:
    """Handler of ``notify`` jobs: ``{"event": status event id, "document": store id}``.

    A status whose code and description the back office has already been told for this
    recipient (the same 01 sent twice with a new timestamp) is recorded but not repeated.
    """

    def __init__(self, store: Store, adapter: BackOfficeAdapter) -> None:
        self.store = store
        self.adapter = adapter

    def run(self, job: ClaimedJob, worker_id: str) -> None:
        event_id = int(job.payload["event"])
        doc_id = str(job.payload["document"])
        with self.store.reading() as s:
            events = [e for e in status_history(s, doc_id) if e.event.direction.value == "in"]
        mine = next((e for e in events if e.id == event_id), None)
        if mine is None or mine.event.package_sha256 is None:
            raise ExchangeError(f"notify: status event {event_id} of {doc_id} is not stored")
        repeat = any(
            e.id < event_id
            and e.event.agency == mine.event.agency
            and e.event.code == mine.event.code
            and e.event.description == mine.event.description
            for e in events
        )
        outcome = "repeat, not handed over"
        if not repeat:
            package = read_package(self.store.blobs.read_bytes(mine.event.package_sha256)).package
            if not isinstance(package, StatusPackage):
                raise ExchangeError(f"notify: event {event_id} is not a status package")
            change = status_change_from_package(package, gateway_id=f"status-{event_id}")
            outcome = self.adapter.deliver_status(change).value
        with self.store.transaction() as s:
            self.store.log.append(
                s,
                "notify.done",
                document_ref=doc_id,
                details={"event": event_id, "code": mine.event.code, "outcome": outcome},
            )
            self.store.queue.complete(job, worker_id, session=s)

    def failed(self, s: Session, job: ClaimedJob, outcome: FailOutcome, error: str) -> None:
        if outcome.dead:
            self.store.log.append(
                s,
                "notify.dead",
                document_ref=str(job.payload["document"]),
                details={"event": job.payload["event"], "error": error[:500]},
            )
