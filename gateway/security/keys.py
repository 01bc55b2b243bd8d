"""Where signing keys come from: one small Protocol, several real sources.

The signer never touches private key material directly: it asks a :class:`KeySource` for the
certificate chain and for a signature over bytes it has already canonicalised. That is what
lets a PKCS#11 token (where the key never leaves the device) and a PEM file sit behind the
same interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from gateway.errors import KeySourceError
from gateway.security.algorithms import SignatureMethod

__all__ = ["KeySource", "load_certificates", "order_chain"]


@runtime_checkable
class KeySource(Protocol):
    """A signing key plus the certificate chain that vouches for it (leaf first)."""

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        """Leaf certificate first, then the intermediates (the root may be included)."""
        ...

    def sign(self, data: bytes, method: SignatureMethod) -> bytes:
        """Return the raw signature value over ``data`` (the key hashes it)."""
        ...


def load_certificates(path: Path) -> list[x509.Certificate]:
    """Read every certificate in a PEM (one or many) or DER file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeySourceError(f"cannot read certificate file {path}: {exc.strerror}") from None
    try:
        if b"-----BEGIN" in data:
            certs = x509.load_pem_x509_certificates(data)
        else:
            certs = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise KeySourceError(f"{path}: not a PEM or DER certificate ({exc})") from None
    if not certs:
        raise KeySourceError(f"{path}: no certificate found")
    return certs


def order_chain(
    leaf: x509.Certificate, others: Sequence[x509.Certificate]
) -> tuple[x509.Certificate, ...]:
    """Put the leaf first and follow issuer links through ``others``; drop duplicates."""
    chain = [leaf]
    pool = [c for c in others if c != leaf]
    current = leaf
    while True:
        nxt = next((c for c in pool if c.subject == current.issuer and c not in chain), None)
        if nxt is None or current.issuer == current.subject:
            break
        chain.append(nxt)
        current = nxt
    chain.extend(c for c in pool if c not in chain)
    return tuple(chain)


def public_key_matches(cert: x509.Certificate, public_der: bytes) -> bool:
    """Whether ``cert`` carries exactly this SubjectPublicKeyInfo."""
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return spki == public_der
