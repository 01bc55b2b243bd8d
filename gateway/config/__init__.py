"""Settings: TOML file plus environment, validated once, frozen.

``load_settings(path)`` reads ``config.example.toml``-shaped TOML, overlays environment
variables named ``GATEWAY__SECTION__KEY`` (double underscores separate levels, values parsed as
TOML scalars when they look like one), and builds :class:`Settings`. Every problem is a
:class:`gateway.errors.ConfigError` that names the key and says what was expected.
Secrets are never stored in the file by default: keys ending in ``_env`` name the environment
variable that holds them.
"""

from gateway.config.loader import load_settings, settings_from_mapping
from gateway.config.model import (
    AdapterSettings,
    AxisSettings,
    DatabaseSettings,
    HttpSettings,
    IdentitySettings,
    PartnerSettings,
    PollSettings,
    RetrySettings,
    Settings,
    SigningSettings,
    TrustSettings,
)
from gateway.config.writer import settings_to_toml

__all__ = [
    "AdapterSettings",
    "AxisSettings",
    "DatabaseSettings",
    "HttpSettings",
    "IdentitySettings",
    "PartnerSettings",
    "PollSettings",
    "RetrySettings",
    "Settings",
    "SigningSettings",
    "TrustSettings",
    "load_settings",
    "settings_from_mapping",
    "settings_to_toml",
]
