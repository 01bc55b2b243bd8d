"""Build key sources, trust and verifiers from :class:`gateway.config.Settings`.

Secrets are read here, from the environment variables whose *names* the settings give, and go
straight to the key source; they are never stored on a settings object or logged.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from gateway.config.model import Settings, SigningSettings, TrustSettings
from gateway.errors import ConfigError
from gateway.security.binding import BindingPolicy, BindingRule, FingerprintRule
from gateway.security.keys import KeySource
from gateway.security.keysource_file import load_pem_key_source, load_pkcs12_key_source
from gateway.security.keysource_pkcs11 import Pkcs11KeySource
from gateway.security.revocation import RevocationChecker, RevocationConfig
from gateway.security.trust import (
    RevocationMode,
    RevocationPolicy,
    TrustEvaluator,
    TrustPolicy,
    TrustStore,
)
from gateway.security.verifier import Verifier, VerifyOptions

__all__ = [
    "binding_from_settings",
    "key_source_from_settings",
    "trust_from_settings",
    "verifier_from_settings",
]


def _secret(name: str | None, what: str, environ: Mapping[str, str]) -> str | None:
    if not name:
        return None
    value = environ.get(name)
    if value is None:
        raise ConfigError(f"{what}: environment variable {name} is not set")
    return value


def key_source_from_settings(
    signing: SigningSettings, environ: Mapping[str, str] | None = None
) -> KeySource:
    env = os.environ if environ is None else environ
    if signing.source == "pem":
        if signing.key is None or signing.cert is None:
            raise ConfigError("[signing] source = 'pem' needs key and cert")
        password = _secret(signing.password_env, "[signing] password_env", env)
        return load_pem_key_source(
            signing.key,
            signing.cert,
            signing.chain,
            password.encode("utf-8") if password is not None else None,
        )
    if signing.source == "pkcs12":
        if signing.key is None:
            raise ConfigError("[signing] source = 'pkcs12' needs key (the .p12 file)")
        password = _secret(signing.password_env, "[signing] password_env", env)
        return load_pkcs12_key_source(
            signing.key,
            password.encode("utf-8") if password is not None else None,
            signing.chain,
        )
    if signing.source == "pkcs11":
        if not (signing.pkcs11_module and signing.pkcs11_token_label and signing.pkcs11_key_label):
            raise ConfigError(
                "[signing] source = 'pkcs11' needs pkcs11_module, pkcs11_token_label and "
                "pkcs11_key_label"
            )
        pin = _secret(signing.pkcs11_pin_env, "[signing] pkcs11_pin_env", env)
        if pin is None:
            raise ConfigError("[signing] source = 'pkcs11' needs pkcs11_pin_env")
        return Pkcs11KeySource(
            signing.pkcs11_module,
            token_label=signing.pkcs11_token_label,
            key_label=signing.pkcs11_key_label,
            pin=pin,
            cert_path=signing.cert,
            chain_paths=signing.chain,
        )
    raise ConfigError(f"[signing] source = {signing.source!r} cannot sign")


def trust_from_settings(settings: Settings) -> TrustEvaluator:
    trust: TrustSettings = settings.trust
    if trust.ca_bundle is None:
        raise ConfigError("[trust] ca_bundle is required: the gateway trusts only its own anchors")
    per_partner = {
        organ: RevocationMode(p.revocation)
        for organ, p in settings.partners.items()
        if p.revocation is not None
    }
    policy = TrustPolicy(
        tolerate_non_repudiation_only=trust.tolerate_non_repudiation_only,
        tolerate_non_critical_basic_constraints=trust.tolerate_non_critical_basic_constraints,
        revocation=RevocationPolicy(RevocationMode(trust.revocation), per_partner),
    )
    checker = RevocationChecker(
        RevocationConfig(
            allow_fetching=trust.allow_fetching,
            crl_files=trust.crl_files,
            ocsp_freshness_seconds=trust.ocsp_freshness_seconds,
        )
    )
    return TrustEvaluator(TrustStore.from_files([trust.ca_bundle]), policy, checker)


def binding_from_settings(settings: Settings, default: BindingRule | None) -> BindingPolicy:
    """Partners' ``cert_fingerprints`` become fingerprint rules; ``default`` covers the rest
    (pass ``EmbeddedIdentifierRule()`` to trust the agency id the CA embedded, or None)."""
    rules: dict[str, tuple[BindingRule, ...]] = {}
    for organ, partner in settings.partners.items():
        if partner.cert_fingerprints:
            try:
                rules[organ] = (FingerprintRule.of(*partner.cert_fingerprints),)
            except ValueError as exc:
                raise ConfigError(f"[partners.{organ}] cert_fingerprints: {exc}") from None
    return BindingPolicy(rules, default)


def verifier_from_settings(settings: Settings, default_binding: BindingRule | None) -> Verifier:
    return Verifier(
        trust_from_settings(settings),
        binding_from_settings(settings, default_binding),
        VerifyOptions(allow_legacy=settings.trust.allow_legacy_sha1),
    )
