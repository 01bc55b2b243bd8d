""":class:`VxpHub`: the VXP client seen through the engine's :class:`HubTransport` Protocol."""

from __future__ import annotations

from collections.abc import Sequence

from gateway.exchange.hub import HubKind, HubTransport, ReceivedRef
from gateway.transport.vxp.client import VxpClient

__all__ = ["VxpHub"]


class VxpHub:
    """Adapter: ``send`` = sendEdoc, ``list_received`` = getReceivedEdocList,
    ``fetch`` = getEdoc, ``acknowledge`` = updateStatus ``done`` / ``fail``."""

    def __init__(self, client: VxpClient) -> None:
        self._client = client

    @property
    def client(self) -> VxpClient:
        return self._client

    def send(self, package: bytes, *, kind: HubKind, to: Sequence[str] | None = None) -> str:
        return self._client.send_edoc(package, message_type=kind, to=to).doc_id

    def list_received(self, kind: HubKind) -> Sequence[ReceivedRef]:
        return tuple(
            ReceivedRef(
                ref=item.doc_id,
                kind=kind,
                sender=item.sender,
                receiver=item.receiver,
                created=item.created_time,
                hub_status=item.status,
            )
            for item in self._client.get_received_edoc_list(kind)
        )

    def fetch(self, ref: ReceivedRef) -> bytes:
        return self._client.get_edoc(ref.ref)

    def acknowledge(self, ref: ReceivedRef, ok: bool) -> None:
        self._client.update_status(ref.ref, "done" if ok else "fail")


def _conforms(hub: VxpHub) -> HubTransport:
    return hub  # mypy checks that VxpHub satisfies the Protocol
