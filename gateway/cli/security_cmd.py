"""``gateway pki init``, ``gateway sign`` and ``gateway verify``.

Exit codes: 0 valid (or done), 1 invalid/unsigned (or refused), 2 usage or configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from gateway.config import load_settings
from gateway.errors import ConfigError, GatewayError
from gateway.security.binding import BindingPolicy, BindingRule, EmbeddedIdentifierRule
from gateway.security.devpki import DEFAULT_CRL_BASE_URL, DEFAULT_OCSP_URL, init_dev_pki
from gateway.security.factory import (
    binding_from_settings,
    key_source_from_settings,
    trust_from_settings,
)
from gateway.security.keys import KeySource
from gateway.security.keysource_file import load_pem_key_source, load_pkcs12_key_source
from gateway.security.result import VerificationResult
from gateway.security.revocation import RevocationChecker, RevocationConfig
from gateway.security.signer import SignOptions, sign_package
from gateway.security.trust import (
    RevocationMode,
    RevocationPolicy,
    TrustEvaluator,
    TrustPolicy,
    TrustStore,
)
from gateway.security.verifier import Verifier, VerifyOptions


def register(subparsers: Any) -> None:
    pki = subparsers.add_parser("pki", help="development PKI")
    pki_sub = pki.add_subparsers(dest="pki_command", metavar="PKI_COMMAND", required=True)
    init = pki_sub.add_parser("init", help="generate the dev PKI (DEV/TEST only)")
    init.add_argument("--dir", type=Path, default=Path("certs/dev"))
    init.add_argument("--force", action="store_true", help="overwrite an existing dev PKI")
    init.add_argument("--ocsp-url", default=DEFAULT_OCSP_URL)
    init.add_argument("--crl-base-url", default=DEFAULT_CRL_BASE_URL)
    init.set_defaults(handler=_pki_init)

    sign = subparsers.add_parser("sign", help="sign an edXML package (enveloped XML-DSig)")
    sign.add_argument("input", type=Path)
    sign.add_argument("-o", "--output", type=Path, required=True)
    sign.add_argument("--config", type=Path, help="use the [signing] key source of this config")
    sign.add_argument("--key", type=Path, help="PEM private key, or a .p12/.pfx bundle")
    sign.add_argument("--cert", type=Path, help="PEM certificate (with --key as PEM)")
    sign.add_argument("--chain", type=Path, action="append", default=[])
    sign.add_argument("--password-env", help="environment variable holding the key password")
    sign.add_argument("--force", action="store_true", help="replace an existing signature")
    sign.set_defaults(handler=_sign)

    verify = subparsers.add_parser("verify", help="verify signed edXML packages")
    verify.add_argument("files", type=Path, nargs="+")
    verify.add_argument("--config", type=Path, help="take trust settings from this config")
    verify.add_argument("--trust-anchors", type=Path, action="append", default=[])
    verify.add_argument("--intermediates", type=Path, action="append", default=[])
    verify.add_argument("--crl", type=Path, action="append", default=[])
    verify.add_argument("--fetch", action="store_true", help="fetch CRLs / ask OCSP responders")
    verify.add_argument(
        "--revocation", choices=[m.value for m in RevocationMode], default="fail-closed"
    )
    verify.add_argument("--allow-legacy", action="store_true", help="accept SHA-1 / edXML-ns form")
    verify.add_argument("--tolerate-non-repudiation-only", action="store_true")
    verify.add_argument("--tolerate-non-critical-basic-constraints", action="store_true")
    verify.add_argument(
        "--binding",
        choices=["UID", "serialNumber", "configured-only"],
        default="UID",
        help="how a certificate is tied to From/OrganId when no fingerprint is configured",
    )
    verify.add_argument("--json", action="store_true", help="one JSON document on stdout")
    verify.set_defaults(handler=_verify)


def _pki_init(args: argparse.Namespace) -> int:
    pki, written = init_dev_pki(
        args.dir, force=args.force, ocsp_url=args.ocsp_url, crl_base_url=args.crl_base_url
    )
    if written:
        print(f"dev PKI written to {pki.root} (DEV/TEST only; never trust it in production)")
    else:
        print(f"dev PKI already present in {pki.root}; kept (use --force to regenerate)")
    return 0


def _key_source(args: argparse.Namespace) -> KeySource:
    if args.config is not None:
        return key_source_from_settings(load_settings(args.config).signing)
    if args.key is None:
        raise ConfigError("sign: give --key (and --cert for PEM) or --config")
    password = None
    if args.password_env:
        value = os.environ.get(args.password_env)
        if value is None:
            raise ConfigError(f"sign: environment variable {args.password_env} is not set")
        password = value.encode("utf-8")
    if args.key.suffix.lower() in (".p12", ".pfx"):
        return load_pkcs12_key_source(args.key, password, args.chain)
    if args.cert is None:
        raise ConfigError("sign: a PEM key needs --cert")
    return load_pem_key_source(args.key, args.cert, args.chain, password)


def _sign(args: argparse.Namespace) -> int:
    try:
        key = _key_source(args)
    except ConfigError as exc:
        print(f"gateway: error: {exc}", file=sys.stderr)
        return 2
    try:
        data = args.input.read_bytes()
    except OSError as exc:
        print(f"gateway: error: cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return 2
    signed = sign_package(
        data, key, SignOptions(replace_existing=args.force), source=str(args.input)
    )
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_bytes(signed)
    tmp.replace(args.output)
    print(f"signed {args.input} -> {args.output} ({key.chain[0].subject.rfc4514_string()})")
    return 0


def _default_rule(name: str) -> BindingRule | None:
    return None if name == "configured-only" else EmbeddedIdentifierRule(name)


def _verifier(args: argparse.Namespace) -> Verifier:
    rule = _default_rule(args.binding)
    if args.config is not None:
        settings = load_settings(args.config)
        options = VerifyOptions(allow_legacy=settings.trust.allow_legacy_sha1 or args.allow_legacy)
        return Verifier(
            trust_from_settings(settings), binding_from_settings(settings, rule), options
        )
    if not args.trust_anchors:
        raise ConfigError("verify: give --trust-anchors PEM (our CA bundle) or --config")
    policy = TrustPolicy(
        tolerate_non_repudiation_only=args.tolerate_non_repudiation_only,
        tolerate_non_critical_basic_constraints=args.tolerate_non_critical_basic_constraints,
        revocation=RevocationPolicy(RevocationMode(args.revocation)),
    )
    checker = RevocationChecker(
        RevocationConfig(allow_fetching=args.fetch, crl_files=tuple(args.crl))
    )
    store = TrustStore.from_files(args.trust_anchors, args.intermediates)
    return Verifier(
        TrustEvaluator(store, policy, checker),
        BindingPolicy({}, rule),
        VerifyOptions(allow_legacy=args.allow_legacy),
    )


def _print_text(path: Path, result: VerificationResult) -> None:
    print(f"{path}: {result.status.value.upper()}")
    if result.signer is not None:
        print(f"  signer: {result.signer.subject} (serial {result.signer.serial})")
        print(f"  sha256: {result.signer.fingerprint_sha256}")
    if result.sender_organ_id:
        print(f"  sender: {result.sender_organ_id}")
    for check in result.checks:
        print(f"  [{check.outcome.value:7}] {check.name}: {check.detail}")


def _verify(args: argparse.Namespace) -> int:
    try:
        verifier = _verifier(args)
    except (ConfigError, GatewayError) as exc:
        print(f"gateway: error: {exc}", file=sys.stderr)
        return 2
    reports: list[dict[str, Any]] = []
    all_valid = True
    for path in args.files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            print(f"gateway: error: cannot read {path}: {exc.strerror}", file=sys.stderr)
            return 2
        result = verifier.verify(data, source=str(path))
        all_valid = all_valid and result.ok
        if args.json:
            reports.append({"file": str(path), **result.to_dict()})
        else:
            _print_text(path, result)
    if args.json:
        json.dump(reports, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    return 0 if all_valid else 1
