"""Take what the back office wants sent and hand each item to :class:`Outbound`.

``mark_done`` only after the item is durable in our store; ``mark_failed`` with the reasons
when the item itself is unacceptable. When the trouble is ours (database down, signing token
missing) the item is left claimed: the adapter offers it again and the idempotency of
:class:`Outbound` makes the second offer harmless.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter

from gateway.errors import AdapterError, BackOfficeDataError, GatewayError
from gateway.exchange.backoffice import (
    Attachment,
    BackOfficeAdapter,
    OutgoingDocument,
    OutgoingItem,
    ReleasableAdapter,
)
from gateway.exchange.outbound import Outbound, OutboundRefusal

log = logging.getLogger(__name__)


def read_attachment(att: Attachment) -> bytes:
    if att.data is not None:
        return att.data
    assert att.path is not None  # the dataclass guarantees exactly one of them
    try:
        return att.path.read_bytes()
    except OSError as exc:
        raise AdapterError(
            f"attachment {att.name!r}: cannot read {att.path}: {exc.strerror}", retryable=True
        ) from None


class OutboxDrain:
    def __init__(
        self,
        adapter: BackOfficeAdapter,
        outbound: Outbound,
        *,
        stopping: threading.Event | None = None,
    ) -> None:
        self.adapter = adapter
        self.outbound = outbound
        self.stopping = stopping or threading.Event()

    def drain(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for item in self.adapter.take_outgoing():
            counts[self._one(item)] += 1
            if self.stopping.is_set():
                break
        return dict(counts)

    def _one(self, item: OutgoingItem) -> str:
        try:
            if isinstance(item, OutgoingDocument):
                accepted = self.outbound.submit_document(item, read_attachment)
            else:
                accepted = self.outbound.submit_status(item)
        except OutboundRefusal as exc:
            self._refuse(item, exc.reasons)
            return "refused"
        except BackOfficeDataError as exc:
            self._refuse(item, (str(exc),))
            return "refused"
        except GatewayError as exc:
            log.warning("outbox item %s left for later: %s", item.item_id, exc)
            self._give_back(item)
            return "deferred"
        try:
            self.adapter.mark_done(item)
        except AdapterError as exc:  # stored already: the next offer is recognised as a repeat
            log.warning("outbox item %s stored, but mark_done failed: %s", item.item_id, exc)
        return "accepted" if accepted.created else "repeat"

    def _give_back(self, item: OutgoingItem) -> None:
        if not isinstance(self.adapter, ReleasableAdapter):
            return  # offered again when the adapter's claim lease runs out
        try:
            self.adapter.release(item)
        except AdapterError as exc:
            log.warning("outbox item %s: could not give it back: %s", item.item_id, exc)

    def _refuse(self, item: OutgoingItem, reasons: tuple[str, ...]) -> None:
        log.warning("outbox item %s refused: %s", item.item_id, "; ".join(reasons))
        try:
            self.adapter.mark_failed(item, reasons)
        except AdapterError as exc:
            log.warning("outbox item %s: mark_failed failed: %s", item.item_id, exc)
