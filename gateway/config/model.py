"""The frozen settings tree. Defaults are the embedded, loopback-only, secure ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class IdentitySettings:
    """Who this gateway speaks for."""

    organ_id: str
    name: str
    data_dir: Path


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    """SQLAlchemy URL; ``None`` means the embedded SQLite file under the data directory."""

    url: str | None = None


@dataclass(frozen=True, slots=True)
class AxisSettings:
    """The national axis (VXP) endpoint and this system's credentials."""

    endpoint: str = "http://127.0.0.1:8470"
    system_id: str = ""
    secret_env: str = "GATEWAY_AXIS_SECRET"  # noqa: S105 - the name of a variable, not a secret
    timeout_seconds: float = 30.0
    ca_bundle: Path | None = None
    client_cert: Path | None = None
    client_key: Path | None = None
    max_response_bytes: int = 256 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class PollSettings:
    """How often the scheduler polls the axis and drains the back office."""

    receive_interval_seconds: float = 30.0
    outbox_interval_seconds: float = 5.0
    worker_interval_seconds: float = 2.0
    batch_size: int = 20
    lease_seconds: float = 120.0
    directory_interval_seconds: float = 86400.0  # agency list from the axis, daily


@dataclass(frozen=True, slots=True)
class RetrySettings:
    """Backoff schedule of one kind of work."""

    base_seconds: float = 5.0
    factor: float = 2.0
    max_delay_seconds: float = 3600.0
    max_attempts: int = 12
    jitter: float = 0.2


@dataclass(frozen=True, slots=True)
class SigningSettings:
    """Where the ministry's signing key lives: ``pem``, ``pkcs12`` or ``pkcs11``; or ``none``."""

    source: str = "pem"
    key: Path | None = None
    cert: Path | None = None
    chain: tuple[Path, ...] = ()
    password_env: str | None = None
    pkcs11_module: Path | None = None
    pkcs11_token_label: str | None = None
    pkcs11_key_label: str | None = None
    pkcs11_pin_env: str | None = None


@dataclass(frozen=True, slots=True)
class TrustSettings:
    """Explicit trust: our CA bundle only, and every tolerance spelled out."""

    ca_bundle: Path | None = None
    crl_files: tuple[Path, ...] = ()
    allow_fetching: bool = False
    allow_legacy_sha1: bool = False
    tolerate_non_repudiation_only: bool = False
    tolerate_non_critical_basic_constraints: bool = False
    ocsp_freshness_seconds: float = 3600.0
    require_signature: bool = True
    revocation: str = "fail-closed"


@dataclass(frozen=True, slots=True)
class PartnerSettings:
    """Per-partner overrides: channel, revocation policy, certificate binding."""

    organ_id: str
    name: str = ""
    channel: str = "axis"
    endpoint: str | None = None
    revocation: str | None = None
    require_signature: bool | None = None
    cert_fingerprints: tuple[str, ...] = ()
    refuse_with_status: bool = True


@dataclass(frozen=True, slots=True)
class AdapterSettings:
    """The back-office adapter, by entry-point name, with its own options."""

    name: str = "dropfolder"
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """The gateway's own HTTP server. Loopback unless configured otherwise."""

    host: str = "127.0.0.1"
    port: int = 8480
    admin_token_env: str = "GATEWAY_ADMIN_TOKEN"  # noqa: S105 - a variable name


@dataclass(frozen=True, slots=True)
class Settings:
    identity: IdentitySettings
    database: DatabaseSettings = DatabaseSettings()
    axis: AxisSettings = AxisSettings()
    poll: PollSettings = PollSettings()
    retry: dict[str, RetrySettings] = field(default_factory=dict)
    signing: SigningSettings = SigningSettings()
    trust: TrustSettings = TrustSettings()
    partners: dict[str, PartnerSettings] = field(default_factory=dict)
    adapter: AdapterSettings = AdapterSettings()
    http: HttpSettings = HttpSettings()

    @property
    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.identity.data_dir / 'gateway.sqlite3'}"

    def retry_for(self, kind: str) -> RetrySettings:
        return self.retry.get(kind, self.retry.get("default", RetrySettings()))

    def partner(self, organ_id: str) -> PartnerSettings:
        return self.partners.get(organ_id, PartnerSettings(organ_id=organ_id))
