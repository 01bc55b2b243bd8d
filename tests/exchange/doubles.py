"""In-memory doubles of the engine's edges: an axis with per-agency queues, and a back office."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from gateway.errors import RetryableTransportError
from gateway.exchange.backoffice import (
    DeliveryOutcome,
    OutgoingItem,
    ReceivedDocument,
    StatusChange,
)
from gateway.exchange.hub import HubKind, ReceivedRef


class MemoryAxis:
    """Queues per agency; ``send`` files the package under each ``to`` agency."""

    def __init__(self) -> None:
        self.waiting: dict[str, dict[str, tuple[HubKind, bytes]]] = defaultdict(dict)
        self.sends = 0

    def hub(self, organ_id: str) -> MemoryHub:
        return MemoryHub(self, organ_id)


@dataclass
class MemoryHub:
    """A :class:`gateway.exchange.hub.HubTransport` for one agency of a :class:`MemoryAxis`."""

    axis: MemoryAxis
    organ_id: str
    ack_failures: int = 0  # the next N acknowledgements raise, as a lost connection would
    acks: list[tuple[str, bool]] = field(default_factory=list)

    def send(self, package: bytes, *, kind: HubKind, to: Sequence[str] | None = None) -> str:
        ref = str(uuid.uuid4())
        for organ in to or ():
            self.axis.waiting[organ][ref] = (kind, package)
        self.axis.sends += 1
        return ref

    def deposit(self, package: bytes, kind: HubKind) -> str:
        """Put a package in our own queue, as if a partner had sent it."""
        ref = str(uuid.uuid4())
        self.axis.waiting[self.organ_id][ref] = (kind, package)
        return ref

    def list_received(self, kind: HubKind) -> Sequence[ReceivedRef]:
        mine = self.axis.waiting[self.organ_id]
        return [ReceivedRef(ref, k) for ref, (k, _) in list(mine.items()) if k == kind]

    def fetch(self, ref: ReceivedRef) -> bytes:
        return self.axis.waiting[self.organ_id][ref.ref][1]

    def acknowledge(self, ref: ReceivedRef, ok: bool) -> None:
        if self.ack_failures:
            self.ack_failures -= 1
            raise RetryableTransportError("connection reset while acknowledging")
        self.acks.append((ref.ref, ok))
        if ok:
            del self.axis.waiting[self.organ_id][ref.ref]


@dataclass
class MemoryBackOffice:
    """A :class:`gateway.exchange.backoffice.BackOfficeAdapter` that records everything."""

    outgoing: list[OutgoingItem] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    failed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    documents: list[ReceivedDocument] = field(default_factory=list)
    statuses: list[StatusChange] = field(default_factory=list)

    def deliver_document(self, document: ReceivedDocument) -> DeliveryOutcome:
        if any(d.gateway_id == document.gateway_id for d in self.documents):
            return DeliveryOutcome.ALREADY_DELIVERED
        self.documents.append(document)
        return DeliveryOutcome.DELIVERED

    def deliver_status(self, status: StatusChange) -> DeliveryOutcome:
        if any(s.gateway_id == status.gateway_id for s in self.statuses):
            return DeliveryOutcome.ALREADY_DELIVERED
        self.statuses.append(status)
        return DeliveryOutcome.DELIVERED

    def take_outgoing(self) -> list[OutgoingItem]:
        items, self.outgoing = self.outgoing, []
        return items

    def mark_done(self, item: OutgoingItem) -> None:
        self.done.append(item.item_id)

    def mark_failed(self, item: OutgoingItem, reasons: Sequence[str]) -> None:
        self.failed.append((item.item_id, tuple(reasons)))
