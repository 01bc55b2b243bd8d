"""Inbound: a package fetched from a hub becomes a stored document (or status) exactly once.

Order matters and is the whole point: the raw bytes are in the blob store before anything is
parsed; the document row, its log entry, its import job and the status 01 we answer with are
committed in one transaction; only after that commit does the poller acknowledge the hub. A
crash anywhere leaves the package listed at the hub, and the replay is recognised by the
unique keys (sender + DocumentId, channel + hub reference).

A package that cannot be accepted is recorded as a rejection (bytes kept for inspection),
answered with status 02 and its reasons when the partner's policy says so, and acknowledged
``fail``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from gateway.edxml import EdocPackage, Organization, StatusPackage
from gateway.errors import GatewayError
from gateway.exchange import jobs
from gateway.exchange.admission import Admission, Admitter
from gateway.exchange.mapping import record_from_package
from gateway.exchange.mapping_status import outgoing_status_text, status_package_for
from gateway.exchange.routing import Router
from gateway.exchange.sealing import Sealer
from gateway.exchange.status_out import queue_status, record_and_queue
from gateway.store import (
    BlobRef,
    Direction,
    DocumentRecord,
    RejectionRecord,
    StatusEventRecord,
    Store,
    StoredDocument,
    find_document,
    record_inbound,
    record_rejection,
    record_status,
)
from gateway.store.clock import Clock


@dataclass(frozen=True, slots=True)
class IntakeResult:
    """``outcome``: ``accepted``, ``duplicate`` or ``rejected``; ``ack_ok`` what to tell the hub."""

    outcome: str
    document_id: str | None = None
    reasons: tuple[str, ...] = ()

    @property
    def ack_ok(self) -> bool:
        return self.outcome != "rejected"


class Intake:
    def __init__(
        self,
        store: Store,
        *,
        admitter: Admitter,
        sealer: Sealer,
        router: Router,
        identity: Organization,
        clock: Clock,
        answer_refusals: Callable[[str], bool] = lambda organ_id: True,
    ) -> None:
        self.store = store
        self.admitter = admitter
        self.sealer = sealer
        self.router = router
        self.identity = identity
        self.clock = clock
        self.answer_refusals = answer_refusals

    # -- documents -------------------------------------------------------------------------

    def take_document(self, data: bytes, blob: BlobRef, channel: str, ref: str) -> IntakeResult:
        seen = self.admitter.admit(data, expected_kind="edoc", source=f"{channel} document {ref}")
        me = self.identity.organ_id
        if (
            seen.ok
            and isinstance(seen.package, EdocPackage)
            and me not in {o.organ_id for o in seen.package.to}
        ):
            seen = _with(seen, f"the package is not addressed to {me}")
        if not seen.ok or not isinstance(seen.package, EdocPackage):
            return self._reject(seen, blob, channel=channel, ref=ref, kind="edoc")
        package = seen.package
        record = record_from_package(package, Direction.IN)
        now = self.clock()
        with self.store.reading() as s:
            known = find_document(s, Direction.IN, record.sender, record.document_id)
        # A replay needs no 01 (the first copy got one): sign it only for a new document.
        answer = None if known is not None else self._arrived(record, now)
        with self.store.transaction() as s:
            result = record_inbound(s, record, blob, channel=channel, transport_ref=ref)
            if not result.created:
                self.store.log.append(
                    s,
                    "package.replay",
                    document_ref=result.document_id,
                    package_sha256=blob.sha256,
                    details={
                        "channel": channel,
                        "ref": ref,
                        "matched_on": result.matched_on,
                        "same_package": result.same_package,
                    },
                )
                return IntakeResult("duplicate", result.document_id)
            if answer is None:  # gone since we looked (it cannot be): answer all the same
                answer = self._arrived(record, now)
            self.store.log.append(
                s,
                "package.in",
                document_ref=result.document_id,
                package_sha256=blob.sha256,
                details={
                    "channel": channel,
                    "ref": ref,
                    "sender": record.sender,
                    "document_id": record.document_id,
                    "business_type": record.business_type,
                    "signature": _signature_summary(seen),
                    "warnings": list(seen.warnings[:20]),
                },
            )
            self.store.queue.enqueue(
                s,
                jobs.IMPORT,
                {"document": result.document_id},
                dedupe_key=f"import:{result.document_id}",
            )
            record_and_queue(
                self.store,
                self.router,
                s,
                document_ref=result.document_id,
                reporter=me,
                code="01",
                description=outgoing_status_text("01"),
                time=now,
                blob=answer,
                targets=(record.sender,),
            )
        return IntakeResult("accepted", result.document_id)

    def _arrived(self, record: DocumentRecord, now: datetime) -> BlobRef:
        """Our signed status 01 for ``record``, written to the blob store."""
        arrived = status_package_for(
            record,
            reporter=self.identity,
            code="01",
            description=outgoing_status_text("01"),
            time=now,
            staff=None,
        )
        return self.store.put_package(self.sealer.seal(arrived, now=now, source="status 01"))

    # -- statuses about documents we sent --------------------------------------------------

    def take_status(self, data: bytes, blob: BlobRef, channel: str, ref: str) -> IntakeResult:
        seen = self.admitter.admit(data, expected_kind="status", source=f"{channel} status {ref}")
        if not seen.ok or not isinstance(seen.package, StatusPackage):
            return self._reject(seen, blob, channel=channel, ref=ref, kind="status")
        package = seen.package
        me = self.identity.organ_id
        about = package.response_for
        reporter = package.from_.organ_id
        with self.store.transaction() as s:
            doc, problem = _concerned(s, me, reporter, about.document_id, about.organ_id)
            if doc is None:
                return self._reject(
                    _with(seen, problem), blob, channel=channel, ref=ref, kind="status", session=s
                )
            event, created = record_status(
                s,
                StatusEventRecord(
                    document_id=doc.id,
                    agency=reporter,
                    code=package.status_code.value,
                    direction=Direction.IN,
                    package_sha256=blob.sha256,
                    description=package.description or "",
                    reported_at=package.timestamp,
                ),
                package=blob,
            )
            if not created:
                return IntakeResult("duplicate", doc.id)
            self.store.log.append(
                s,
                "status.in",
                document_ref=doc.id,
                package_sha256=blob.sha256,
                details={
                    "channel": channel,
                    "ref": ref,
                    "from": reporter,
                    "code": package.status_code.value,
                    "event": event.id,
                    "signature": _signature_summary(seen),
                },
            )
            self.store.queue.enqueue(
                s,
                jobs.NOTIFY,
                {"event": event.id, "document": doc.id},
                dedupe_key=f"notify:{event.id}",
            )
        return IntakeResult("accepted", doc.id)

    # -- refusals --------------------------------------------------------------------------

    def _reject(
        self,
        seen: Admission,
        blob: BlobRef,
        *,
        channel: str,
        ref: str,
        kind: str,
        session: Session | None = None,
    ) -> IntakeResult:
        reasons = seen.reasons or ("the package could not be read",)
        answer: BlobRef | None = None
        package = seen.package
        sender = seen.sender
        if isinstance(package, EdocPackage) and sender and self.answer_refusals(sender):
            answer = self._refusal_answer(package, reasons)
        record = RejectionRecord(
            channel=channel,
            transport_ref=ref,
            package_sha256=blob.sha256,
            kind=kind,
            sender=sender,
            document_id=getattr(package, "document_id", None),
            reasons=tuple(r[:1000] for r in reasons[:50]),
            answered_with_status="02" if answer is not None else None,
        )

        def write(s: Session) -> None:
            _, created = record_rejection(s, record, blob)
            if not created:
                return
            self.store.log.append(
                s,
                "package.rejected",
                package_sha256=blob.sha256,
                details={
                    "channel": channel,
                    "ref": ref,
                    "kind": kind,
                    "sender": sender,
                    "reasons": list(record.reasons[:10]),
                },
            )
            if answer is not None and sender is not None:
                queue_status(
                    self.store,
                    self.router,
                    s,
                    to=sender,
                    sha256=answer.sha256,
                    code="02",
                    document_ref=None,
                    event_id=None,
                )

        if session is not None:
            write(session)
        else:
            with self.store.transaction() as s:
                write(s)
        return IntakeResult("rejected", None, reasons)

    def _refusal_answer(self, package: EdocPackage, reasons: tuple[str, ...]) -> BlobRef | None:
        """Status 02 naming the reasons; None when even that cannot be built (no 02 then)."""
        now = self.clock()
        try:
            record = record_from_package(package, Direction.IN)
            text = f"{outgoing_status_text('02')}: " + "; ".join(reasons)[:1500]
            refusal = status_package_for(
                record, reporter=self.identity, code="02", description=text, time=now, staff=None
            )
            return self.store.put_package(self.sealer.seal(refusal, now=now, source="status 02"))
        except GatewayError:
            return None


def _concerned(
    s: Session, me: str, reporter: str, document_id: str, issuer: str | None
) -> tuple[StoredDocument | None, str]:
    """The document a received status is about: one we sent to the reporter (01…16), or one
    the reporter sent us and now reports on itself (13, take-back request)."""
    if issuer in (None, me):
        sent = find_document(s, Direction.OUT, me, document_id)
        if sent is not None:
            if reporter in sent.record.recipients:
                return sent, ""
            return None, f"{reporter} reported a status on a document it was not sent"
    if issuer in (None, reporter):
        received = find_document(s, Direction.IN, reporter, document_id)
        if received is not None:
            return received, ""
    return None, f"the status is about {document_id!r}, which {me} neither sent nor received"


def _with(seen: Admission, reason: str) -> Admission:
    return Admission(
        (*seen.reasons, reason), seen.package, seen.kind, seen.verification, seen.warnings
    )


def _signature_summary(seen: Admission) -> dict[str, object]:
    v = seen.verification
    signer = v.get("signer") or {}
    return {
        "status": v.get("status"),
        "signer": signer.get("subject") if isinstance(signer, dict) else None,
        "fingerprint": signer.get("fingerprint_sha256") if isinstance(signer, dict) else None,
        "warnings": v.get("warnings", []),
    }
