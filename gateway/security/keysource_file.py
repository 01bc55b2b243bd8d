"""Key sources backed by files: PEM (key + certificate files) and PKCS#12 bundles.

Passwords come from the caller (usually read from an environment variable whose *name* is
configured); they are never logged or put into error messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from gateway.errors import KeySourceError
from gateway.security.algorithms import SignatureMethod
from gateway.security.keys import load_certificates, order_chain, public_key_matches

__all__ = ["PrivateKeySource", "load_pem_key_source", "load_pkcs12_key_source"]


class PrivateKeySource:
    """An RSA private key held in memory, with its certificate chain."""

    def __init__(self, key: rsa.RSAPrivateKey, chain: Sequence[x509.Certificate]) -> None:
        if not chain:
            raise KeySourceError("a signing key needs its certificate")
        spki = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if not public_key_matches(chain[0], spki):
            raise KeySourceError(
                "the private key does not belong to the certificate "
                + chain[0].subject.rfc4514_string()
            )
        self._key = key
        self._chain = tuple(chain)

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self._chain

    def sign(self, data: bytes, method: SignatureMethod) -> bytes:
        return self._key.sign(data, padding.PKCS1v15(), method.hash_algorithm())

    def __repr__(self) -> str:  # never show key material
        return f"PrivateKeySource(subject={self._chain[0].subject.rfc4514_string()!r})"


def _require_rsa(key: object, where: str) -> rsa.RSAPrivateKey:
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeySourceError(
            f"{where}: only RSA signing keys are supported, got {type(key).__name__}"
        )
    return key


def load_pem_key_source(
    key_path: Path,
    cert_path: Path,
    chain_paths: Sequence[Path] = (),
    password: bytes | None = None,
) -> PrivateKeySource:
    """PEM private key + certificate file (may hold the chain) + optional chain files."""
    try:
        key_bytes = key_path.read_bytes()
    except OSError as exc:
        raise KeySourceError(f"cannot read private key {key_path}: {exc.strerror}") from None
    try:
        key = serialization.load_pem_private_key(key_bytes, password=password)
    except (ValueError, TypeError) as exc:
        reason = (
            "wrong or missing password"
            if "password" in str(exc).lower() or ("encrypted" in str(exc).lower())
            else "not a readable PEM private key"
        )
        raise KeySourceError(f"{key_path}: {reason}") from None
    certs = load_certificates(cert_path)
    extra: list[x509.Certificate] = list(certs[1:])
    for path in chain_paths:
        extra.extend(load_certificates(path))
    return PrivateKeySource(_require_rsa(key, str(key_path)), order_chain(certs[0], extra))


def load_pkcs12_key_source(
    path: Path, password: bytes | None, chain_paths: Sequence[Path] = ()
) -> PrivateKeySource:
    """A PKCS#12 (.p12/.pfx) bundle: key, certificate and any CA certificates it carries."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeySourceError(f"cannot read PKCS#12 file {path}: {exc.strerror}") from None
    try:
        key, cert, cas = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        raise KeySourceError(
            f"{path}: cannot open the PKCS#12 bundle (wrong password or damaged file)"
        ) from None
    if key is None or cert is None:
        raise KeySourceError(f"{path}: the PKCS#12 bundle lacks a private key or its certificate")
    extra = list(cas or [])
    for chain_path in chain_paths:
        extra.extend(load_certificates(chain_path))
    return PrivateKeySource(_require_rsa(key, str(path)), order_chain(cert, extra))
