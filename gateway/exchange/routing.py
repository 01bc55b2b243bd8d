"""Which channel carries a package to an agency, and which transport serves that channel.

Order of precedence: the partner's ``[partners.<id>] channel`` in configuration, then the
agency directory, then the national axis. A channel with no transport configured (the SOAP
channel before it is set up) is an explicit, non-retryable delivery failure, never a silent
fallback to another channel.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from gateway.errors import ExchangeError
from gateway.exchange.hub import HubTransport
from gateway.store import get_agency

DEFAULT_CHANNEL = "axis"


class NoTransportError(ExchangeError):
    """The route names a channel this gateway has no transport for."""


class Router:
    def __init__(
        self,
        transports: Mapping[str, HubTransport],
        configured: Mapping[str, str] | None = None,
        *,
        default: str = DEFAULT_CHANNEL,
    ) -> None:
        self._transports = dict(transports)
        self._configured = dict(configured or {})
        self.default = default

    def channel_for(self, session: Session, organ_id: str) -> str:
        if organ_id in self._configured:
            return self._configured[organ_id]
        agency = get_agency(session, organ_id)
        if agency is not None and agency.active:
            return agency.channel
        return self.default

    def transport(self, channel: str) -> HubTransport:
        try:
            return self._transports[channel]
        except KeyError:
            known = ", ".join(sorted(self._transports)) or "none"
            raise NoTransportError(
                f"no transport is configured for channel {channel!r} (configured: {known})"
            ) from None

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self._transports)
