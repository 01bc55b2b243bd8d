"""The engine's view of a hub (the national axis or a regional LGSP): a small Protocol.

The core may not import ``gateway.transport``, so the contract lives here and each transport
implements it (the VXP one is :class:`gateway.transport.vxp.hub.VxpHub`). It is deliberately
the receive cycle and nothing else: send a package, list what waits, fetch it, acknowledge it.

Errors: implementations raise :class:`gateway.errors.TransportError` subclasses only;
``error.retryable`` (True for :class:`~gateway.errors.RetryableTransportError` and for
:class:`~gateway.errors.AxisError` built with ``retryable=True``) tells the engine whether to
back off and try again or to give up on this attempt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

__all__ = ["HubKind", "HubTransport", "ReceivedRef"]

HubKind = Literal["edoc", "status"]
"""``edoc``: a document package; ``status``: a status (business feedback) package."""


@dataclass(frozen=True, slots=True)
class ReceivedRef:
    """A message waiting at the hub for us.

    ``ref`` is the hub's identifier, the only field needed to fetch and acknowledge; the others
    are what the hub says about it (informational: the package content is authoritative).
    """

    ref: str
    kind: HubKind
    sender: str = ""
    receiver: str = ""
    created: str = ""
    hub_status: str = ""


@runtime_checkable
class HubTransport(Protocol):
    """What the exchange engine needs from a hub."""

    def send(self, package: bytes, *, kind: HubKind, to: Sequence[str] | None = None) -> str:
        """Hand ``package`` to the hub; return the hub's reference of the message (DocId).

        ``to`` optionally restricts the recipients (agency ids); the hub routes by content.
        """
        ...

    def list_received(self, kind: HubKind) -> Sequence[ReceivedRef]:
        """Messages of ``kind`` waiting for us, oldest first when the hub says so."""
        ...

    def fetch(self, ref: ReceivedRef) -> bytes:
        """The raw package bytes of ``ref`` (store them before parsing anything)."""
        ...

    def acknowledge(self, ref: ReceivedRef, ok: bool) -> None:
        """Tell the hub we stored it (``ok``: it leaves our list) or could not (it stays)."""
        ...
