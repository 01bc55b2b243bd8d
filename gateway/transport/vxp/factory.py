"""Build the VXP client from :class:`gateway.config.Settings` (one place for the CLI and the app).

The secret is read here, from the environment variable ``[axis] secret_env`` names, and goes
straight into the client's config (hidden from its repr); it is never kept on the settings.
"""

from __future__ import annotations

from collections.abc import Mapping

from gateway.config.model import Settings
from gateway.errors import ConfigError
from gateway.transport.vxp.client import VxpClient
from gateway.transport.vxp.config import VxpConfig


def vxp_client_from_settings(settings: Settings, environ: Mapping[str, str]) -> VxpClient:
    axis = settings.axis
    secret = environ.get(axis.secret_env, "")
    if not axis.system_id:
        raise ConfigError("[axis] system_id is empty: the axis account of this gateway")
    if not secret:
        raise ConfigError(f"the axis secret is not set: export {axis.secret_env}")
    return VxpClient(
        VxpConfig(
            endpoint=axis.endpoint,
            system_id=axis.system_id,
            secret=secret,
            timeout=axis.timeout_seconds,
            ca_bundle=axis.ca_bundle,
            client_cert=axis.client_cert,
            client_key=axis.client_key,
            max_response_bytes=axis.max_response_bytes,
        )
    )
