"""Configuration of one VXP client, and the TLS context it implies.

Trust is explicit: an ``https`` endpoint REQUIRES a configured CA bundle, and only that bundle
is trusted (the system store is never loaded). The secret is kept out of ``repr`` so that a
configuration object can be logged or shown in an error without leaking it.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from gateway.errors import ConfigError

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "VxpConfig", "utc_now"]

DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class VxpConfig:
    """Endpoint, credentials and limits of the axis client.

    ``clock`` returns an aware datetime; tests inject a fixed one to reproduce recorded
    requests. ``file_path`` is the SDK's ``storePathDir`` that it sends as ``filePath``.
    """

    endpoint: str
    system_id: str
    secret: str = field(repr=False)
    timeout: float = 30.0
    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    clock: Callable[[], datetime] = field(default=utc_now, repr=False, compare=False)
    file_path: str = "xml"

    def __post_init__(self) -> None:
        parts = urlsplit(self.endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"axis endpoint {self.endpoint!r} is not an http(s) URL with a host")
        if parts.scheme == "https" and self.ca_bundle is None:
            raise ConfigError(
                f"axis endpoint {self.endpoint!r} is https but no CA bundle is configured: "
                "set axis.ca_bundle (the system trust store is never used)"
            )
        if not self.system_id.strip():
            raise ConfigError("axis system_id is empty")
        if not self.secret:
            raise ConfigError("axis secret is empty (set the variable named by axis.secret_env)")
        if self.timeout <= 0:
            raise ConfigError(f"axis timeout must be positive, got {self.timeout}")
        if self.max_response_bytes <= 0:
            raise ConfigError("axis max_response_bytes must be positive")
        if self.client_key is not None and self.client_cert is None:
            raise ConfigError("axis client_key is set without client_cert")

    @property
    def base_url(self) -> str:
        return self.endpoint.rstrip("/")

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context for an https endpoint (None for http): our bundle only."""
        if urlsplit(self.endpoint).scheme != "https":
            return None
        assert self.ca_bundle is not None  # enforced in __post_init__
        try:
            context = ssl.create_default_context(cafile=str(self.ca_bundle))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"axis CA bundle {self.ca_bundle} cannot be loaded: {exc}") from None
        if self.client_cert is not None:
            try:
                context.load_cert_chain(
                    str(self.client_cert), str(self.client_key) if self.client_key else None
                )
            except (OSError, ssl.SSLError) as exc:
                raise ConfigError(
                    f"axis client certificate {self.client_cert} cannot be loaded: {exc}"
                ) from None
        return context
