"""Poll a hub for what waits for us: list, fetch, store, take in, then acknowledge.

The acknowledgement comes strictly after the intake's commit. A fetch or acknowledgement that
fails is left for the next poll (the hub still lists the package; the store recognises it), and
one bad package never stops the others.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass

from gateway.errors import GatewayError
from gateway.exchange.hub import HubKind, HubTransport, ReceivedRef
from gateway.exchange.intake import Intake, IntakeResult
from gateway.store import Store, find_rejection

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollReport:
    listed: int
    outcomes: dict[str, int]

    @property
    def accepted(self) -> int:
        return self.outcomes.get("accepted", 0)


class Poller:
    def __init__(
        self,
        store: Store,
        hub: HubTransport,
        intake: Intake,
        *,
        channel: str = "axis",
        stopping: threading.Event | None = None,
    ) -> None:
        self.store = store
        self.hub = hub
        self.intake = intake
        self.channel = channel
        self.stopping = stopping or threading.Event()

    def poll(self, kind: HubKind) -> PollReport:
        counts: Counter[str] = Counter()
        waiting = self.hub.list_received(kind)
        for ref in waiting:
            if self.stopping.is_set():
                break
            counts[self._one(kind, ref)] += 1
        return PollReport(len(waiting), dict(counts))

    def _one(self, kind: HubKind, ref: ReceivedRef) -> str:
        with self.store.reading() as s:
            if find_rejection(s, self.channel, ref.ref) is not None:
                return "already-rejected"
        try:
            data = self.hub.fetch(ref)
        except GatewayError as exc:
            log.warning(
                "%s %s %s: fetch failed, next poll retries: %s", self.channel, kind, ref.ref, exc
            )
            return "fetch-failed"
        blob = self.store.put_package(data)
        take = self.intake.take_document if kind == "edoc" else self.intake.take_status
        try:
            result: IntakeResult = take(data, blob, self.channel, ref.ref)
        except GatewayError as exc:  # our own trouble (database, signing key): try again later
            log.warning(
                "%s %s %s: not taken in, next poll retries: %s", self.channel, kind, ref.ref, exc
            )
            return "error"
        if result.outcome == "rejected":
            log.warning(
                "%s %s %s refused: %s", self.channel, kind, ref.ref, "; ".join(result.reasons)
            )
        try:
            self.hub.acknowledge(ref, result.ack_ok)
        except GatewayError as exc:
            log.warning("%s %s %s: acknowledgement failed: %s", self.channel, kind, ref.ref, exc)
        return result.outcome
