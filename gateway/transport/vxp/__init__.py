"""Client of the national document-exchange axis (VXP), wire-compatible with the Java SDK 2.0.1.

Public API: :class:`VxpConfig`, :class:`VxpClient`, :class:`VxpHub` (the engine's hub
transport) and the result types. Signing internals are in :mod:`.signing` and :mod:`.headers`.
"""

from gateway.transport.vxp.client import AckStatus, MessageType, VxpClient
from gateway.transport.vxp.config import VxpConfig
from gateway.transport.vxp.hub import VxpHub
from gateway.transport.vxp.results import (
    Agency,
    AgencyRegistration,
    ReceivedItem,
    SendResult,
    SentItem,
    SyncUnit,
)

__all__ = [
    "AckStatus",
    "Agency",
    "AgencyRegistration",
    "MessageType",
    "ReceivedItem",
    "SendResult",
    "SentItem",
    "SyncUnit",
    "VxpClient",
    "VxpConfig",
    "VxpHub",
]
