"""The demo's stage: dev PKI, the axis simulator's registrations, and both gateways' settings.

Everything is built in code rather than from TOML files so the demo runs from a fresh clone
with nothing but Python: the secrets are random per run and reach the simulator and the
gateways through an environment *mapping* handed over explicitly (never ``os.environ``), as
the settings' ``*_env`` keys expect. Poll intervals are a fraction of a second so the whole
journey takes seconds; everything else is the gateway's secure default (signature required,
fail-closed revocation against the dev CRLs, loopback only).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from pathlib import Path

from gateway.config import (
    AdapterSettings,
    AxisSettings,
    HttpSettings,
    IdentitySettings,
    PartnerSettings,
    PollSettings,
    RetrySettings,
    Settings,
    SigningSettings,
    TrustSettings,
)
from gateway.demo.parties import Party, Workspace
from gateway.security.devpki import DevPki, init_dev_pki
from gateway.simulator import AgencyConfig, SimulatorConfig, SystemConfig

__all__ = [
    "POLL",
    "RETRY",
    "gateway_settings",
    "make_pki",
    "new_secrets",
    "simulator_config",
]

POLL = PollSettings(
    receive_interval_seconds=0.3,
    outbox_interval_seconds=0.2,
    worker_interval_seconds=0.2,
    batch_size=20,
    lease_seconds=30.0,
)
"""Short intervals: the demo should finish in seconds, not minutes."""

RETRY = RetrySettings(
    base_seconds=0.5, factor=2.0, max_delay_seconds=3.0, max_attempts=30, jitter=0.1
)
"""A failed step is retried within the demo's timeout instead of after production backoff."""

_AGENCY_MAIL = {
    "000.00.00.G12": "vanthu@moit.gov.vn",
    "000.00.00.G10": "vanthu@mof.gov.vn",
}


def make_pki(ws: Workspace) -> DevPki:
    """A fresh dev PKI for this run (the p12 password is random; the demo uses PEM keys)."""
    pki, _ = init_dev_pki(ws.pki, p12_password=secrets.token_urlsafe(18))
    return pki


def new_secrets(parties: Sequence[Party]) -> dict[str, str]:
    """One random axis secret per system, keyed by the variable name its settings give."""
    return {p.secret_env: secrets.token_urlsafe(24) for p in parties}


def simulator_config(
    parties: Sequence[Party], environ: Mapping[str, str], *, db: Path | None
) -> SimulatorConfig:
    """One registered system per ministry, each owning its own agency, on a free port."""
    return SimulatorConfig(
        systems=tuple(SystemConfig(p.organ_id, environ[p.secret_env], p.name) for p in parties),
        agencies=tuple(
            AgencyConfig(
                code=p.organ_id,
                system=p.organ_id,
                name=p.name,
                mail=_AGENCY_MAIL.get(p.organ_id, ""),
            )
            for p in parties
        ),
        host="127.0.0.1",
        port=0,
        db=db,
    )


def gateway_settings(
    party: Party, peers: Sequence[Party], pki: DevPki, ws: Workspace, axis_url: str
) -> Settings:
    """The settings of ``party``'s gateway: own data dir, drop folder, key and axis account."""
    return Settings(
        identity=IdentitySettings(party.organ_id, party.name, ws.data_dir(party)),
        axis=AxisSettings(
            endpoint=axis_url,
            system_id=party.organ_id,
            secret_env=party.secret_env,
            timeout_seconds=10.0,
        ),
        poll=POLL,
        retry={"default": RETRY},
        signing=SigningSettings(
            source="pem",
            key=pki.org_key(party.organ_id),
            cert=pki.org_cert(party.organ_id),
            chain=(pki.intermediate_cert,),
        ),
        trust=TrustSettings(
            ca_bundle=pki.ca_cert,
            crl_files=(pki.crl_dir / "intermediate.crl", pki.crl_dir / "root.crl"),
            allow_fetching=False,
            revocation="fail-closed",
        ),
        partners={
            p.organ_id: PartnerSettings(organ_id=p.organ_id, name=p.name, channel="axis")
            for p in peers
        },
        adapter=AdapterSettings(name="dropfolder", options={"root": str(ws.dropfolder(party))}),
        http=HttpSettings(host="127.0.0.1", port=0),
    )
