"""Outbound: accept what the back office wants sent and make it durable, all or nothing.

A document becomes one signed, validated package in the blob store, one document row, one
delivery per recipient, one ``deliver`` job per delivery and one log entry — committed in a
single transaction. A status the back office reports about a received document becomes one
signed status package, one status event and one ``status`` job, the same way. Anything that
makes the item unacceptable raises :class:`OutboundRefusal` with every reason, for the back
office; trouble of our own (database, signing token) raises something else and the item stays
with the adapter to be offered again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from gateway.edxml import EdocPackage, Organization, StatusPackage
from gateway.edxml.agency import check_organ_id
from gateway.errors import (
    AgencyIdError,
    BackOfficeDataError,
    EdxmlBuildError,
    EdxmlValidationError,
    ExchangeError,
)
from gateway.exchange import jobs
from gateway.exchange.backoffice import Attachment, OutgoingDocument, OutgoingStatus
from gateway.exchange.lifecycle import TAKE_BACK
from gateway.exchange.mapping import package_from_outgoing, record_from_package
from gateway.exchange.mapping_status import status_package_for
from gateway.exchange.routing import Router
from gateway.exchange.sealing import Sealer
from gateway.exchange.status_out import record_and_queue
from gateway.store import (
    Direction,
    DuplicateDocumentError,
    Store,
    StoredDocument,
    find_document,
    get_agency,
    record_outbound,
)
from gateway.store.clock import Clock

ARRIVED = "01"
P = TypeVar("P", EdocPackage, StatusPackage)


class OutboundRefusal(ExchangeError):
    """The item cannot be sent as it is; ``reasons`` go back to the back office."""

    def __init__(self, message: str, reasons: tuple[str, ...]) -> None:
        super().__init__(message)
        self.reasons = reasons


@dataclass(frozen=True, slots=True)
class Accepted:
    """``created`` False: the item was already accepted earlier (offered again after a crash)."""

    document_id: str
    created: bool


def _problems(exc: EdxmlValidationError) -> tuple[str, ...]:
    found = tuple(str(p) for p in exc.problems)
    return found or (str(exc),)


def issuer_of(document_id: str) -> str | None:
    """The issuer prefix of a DocumentId in the usual ``{OrganId},{date},{code}`` form."""
    head = document_id.split(",", 1)[0].strip()
    try:
        check_organ_id(head)
    except AgencyIdError:
        return None
    return head


class Outbound:
    def __init__(
        self,
        store: Store,
        sealer: Sealer,
        router: Router,
        identity: Organization,
        clock: Clock,
    ) -> None:
        self.store = store
        self.sealer = sealer
        self.router = router
        self.identity = identity
        self.clock = clock

    def _sealed(self, build: Callable[[], P], source: str) -> tuple[P, bytes]:
        """Map, write, sign and validate; whatever the item itself gets wrong is a refusal."""
        try:
            package = build()
            return package, self.sealer.seal(package, now=self.clock(), source=source)
        except EdxmlValidationError as exc:
            raise OutboundRefusal(str(exc), _problems(exc)) from None
        except (EdxmlBuildError, BackOfficeDataError) as exc:
            raise OutboundRefusal(str(exc), (str(exc),)) from None

    # -- documents ---------------------------------------------------------------------------

    def submit_document(
        self, item: OutgoingDocument, read: Callable[[Attachment], bytes]
    ) -> Accepted:
        me = self.identity.organ_id
        if item.sender is not None and item.sender != me:
            raise OutboundRefusal(
                f"document {item.item_id!r} names sender {item.sender}",
                (f"this gateway sends for {me} only, not for {item.sender}",),
            )
        bad = []
        for organ in item.recipients:
            try:
                check_organ_id(organ)
            except AgencyIdError as exc:
                bad.append(f"recipient {organ!r}: {exc}")
        if me in item.recipients:
            bad.append(f"recipient {me} is this gateway's own agency")
        if bad:
            raise OutboundRefusal(f"document {item.item_id!r} has bad recipients", tuple(bad))
        with self.store.reading() as s:
            names = {r: a.name for r in item.recipients if (a := get_agency(s, r)) is not None}
        package, data = self._sealed(
            lambda: package_from_outgoing(
                item, sender=self.identity, read=read, recipient_names=names
            ),
            f"document {item.item_id}",
        )
        record = record_from_package(package, Direction.OUT)
        blob = self.store.put_package(data)
        with self.store.transaction() as s:
            channels = {r: self.router.channel_for(s, r) for r in record.recipients}
            try:
                result = record_outbound(
                    s, record, blob, channels=channels, default_channel=self.router.default
                )
            except DuplicateDocumentError as exc:
                return self._repeat(item, record.document_id, exc.existing_id)
            self.store.log.append(
                s,
                "package.out",
                document_ref=result.document_id,
                package_sha256=blob.sha256,
                details={
                    "document_id": record.document_id,
                    "recipients": list(record.recipients),
                    "channels": channels,
                    "business_type": record.business_type,
                    "item": item.idempotency_key,
                    "signed": self.sealer.key is not None,
                },
            )
            for d in result.deliveries:
                self.store.queue.enqueue(
                    s, jobs.DELIVER, {"delivery": d.id}, dedupe_key=f"delivery:{d.id}"
                )
        return Accepted(result.document_id, True)

    def _repeat(self, item: OutgoingDocument, document_id: str, existing: str) -> Accepted:
        """The DocumentId is taken: the same item offered again (after a crash between our
        commit and ``mark_done``) is fine; another item reusing it must not vanish as "done"."""
        for entry in self.store.log.entries_for(existing):
            if (
                entry.kind == "package.out"
                and entry.details_obj.get("item") == item.idempotency_key
            ):
                return Accepted(existing, False)
        raise OutboundRefusal(
            f"document {item.item_id!r}: DocumentId {document_id!r} was already sent",
            (
                f"DocumentId {document_id!r} was already sent by this gateway for another item "
                f"(stored as {existing}); give this document its own số/ký hiệu or document_id",
            ),
        )

    # -- statuses -----------------------------------------------------------------------------

    def _concerned(self, item: OutgoingStatus) -> tuple[StoredDocument, tuple[str, ...]]:
        """The document a status is about, and who gets the status.

        Every code but 13 reports on a document we *received*: it goes back to its issuer. A 13
        (take-back request) is the issuer's own: it is about a document we *sent*, and goes to
        each of its recipients.
        """
        ref = item.original
        me = self.identity.organ_id
        if item.code == TAKE_BACK:
            with self.store.reading() as s:
                found = find_document(s, Direction.OUT, me, ref.document_id)
            if found is None:
                raise OutboundRefusal(
                    f"status {item.item_id!r}: unknown document",
                    (f"status 13 needs a document {me} sent; {ref.document_id!r} is not one",),
                )
            return found, found.record.recipients
        issuer = ref.organ_id or issuer_of(ref.document_id)
        if issuer is None:
            raise OutboundRefusal(
                f"status {item.item_id!r}: cannot tell who issued {ref.document_id!r}",
                ("give original.organ_id: the DocumentId does not start with an agency id",),
            )
        with self.store.reading() as s:
            found = find_document(s, Direction.IN, issuer, ref.document_id)
        if found is None:
            raise OutboundRefusal(
                f"status {item.item_id!r}: unknown document",
                (f"no document {ref.document_id!r} from {issuer} was received by this gateway",),
            )
        return found, (found.record.sender,)

    def submit_status(self, item: OutgoingStatus) -> Accepted:
        if item.code == ARRIVED:
            raise OutboundRefusal(
                f"status {item.item_id!r}: 01 comes from the gateway",
                ("status 01 (arrived) is sent by the gateway itself once a document is stored",),
            )
        original, targets = self._concerned(item)
        _, data = self._sealed(
            lambda: status_package_for(
                original.record,
                reporter=self.identity,
                code=item.code,
                description=item.description,
                time=item.time,
                staff=item.staff,
            ),
            f"status {item.item_id}",
        )
        blob = self.store.put_package(data)
        with self.store.transaction() as s:
            created = record_and_queue(
                self.store,
                self.router,
                s,
                document_ref=original.id,
                reporter=self.identity.organ_id,
                code=item.code,
                description=item.description,
                time=item.time,
                blob=blob,
                targets=targets,
            )
        return Accepted(original.id, created)
