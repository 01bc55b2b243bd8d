"""Key source backed by a PKCS#11 token (HSM, smart card, SoftHSM2) through python-pkcs11.

The private key never leaves the token: the token hashes and signs with the mechanism that
matches the XML-DSig signature method. The certificate is read from the token (a certificate
object with the key's label) or, when the token holds none, from a configured file. The PIN is
handed in by the caller (read from an environment variable whose name is configured) and is
never logged or put into error messages.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pkcs11
from cryptography import x509
from pkcs11 import Attribute, Mechanism, ObjectClass
from pkcs11.exceptions import PKCS11Error

from gateway.errors import KeySourceError
from gateway.security.algorithms import SignatureMethod
from gateway.security.keys import load_certificates, order_chain

__all__ = ["Pkcs11KeySource"]


_MECHANISMS: dict[SignatureMethod, Any] = {
    SignatureMethod.RSA_SHA1: Mechanism.SHA1_RSA_PKCS,
    SignatureMethod.RSA_SHA256: Mechanism.SHA256_RSA_PKCS,
    SignatureMethod.RSA_SHA384: Mechanism.SHA384_RSA_PKCS,
    SignatureMethod.RSA_SHA512: Mechanism.SHA512_RSA_PKCS,
}


class Pkcs11KeySource:
    """A private key on a PKCS#11 token, found by token label and key label.

    One session is opened on construction and kept (signing many packages must not log in to
    the token each time); calls are serialised with a lock because PKCS#11 sessions are not
    safe to share between threads. :meth:`close` logs out.
    """

    def __init__(
        self,
        module: Path,
        *,
        token_label: str,
        key_label: str,
        pin: str,
        cert_path: Path | None = None,
        chain_paths: Sequence[Path] = (),
    ) -> None:
        if not module.is_file():
            raise KeySourceError(f"PKCS#11 module {module} does not exist")
        where = f"PKCS#11 token {token_label!r} ({module})"
        try:
            lib = pkcs11.lib(str(module))
            token = lib.get_token(token_label=token_label)
        except (PKCS11Error, OSError, RuntimeError) as exc:
            raise KeySourceError(f"{where}: token not found ({type(exc).__name__})") from None
        try:
            self._session = token.open(user_pin=pin)
        except PKCS11Error as exc:
            # The exception name (PinIncorrect, PinLocked, ...) is the reason; the PIN is not shown.
            raise KeySourceError(f"{where}: login refused ({type(exc).__name__})") from None
        try:
            self._key: Any = self._session.get_key(
                object_class=ObjectClass.PRIVATE_KEY, label=key_label
            )
        except PKCS11Error as exc:
            self._session.close()
            raise KeySourceError(
                f"{where}: private key {key_label!r} not found ({type(exc).__name__})"
            ) from None
        certs: list[x509.Certificate] = []
        if cert_path is not None:
            certs = load_certificates(cert_path)
        else:
            for obj in self._session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: key_label}
            ):
                certs.append(x509.load_der_x509_certificate(bytes(obj[Attribute.VALUE])))
                break
        if not certs:
            self._session.close()
            raise KeySourceError(
                f"{where}: no certificate labelled {key_label!r} on the token and no "
                "certificate file configured"
            )
        extra = list(certs[1:])
        for path in chain_paths:
            extra.extend(load_certificates(path))
        self._chain = order_chain(certs[0], extra)
        self._lock = threading.Lock()
        self._label = f"{token_label}/{key_label}"

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return self._chain

    def sign(self, data: bytes, method: SignatureMethod) -> bytes:
        mechanism = _MECHANISMS[method]
        with self._lock:
            try:
                return bytes(self._key.sign(data, mechanism=mechanism))
            except PKCS11Error as exc:
                raise KeySourceError(
                    f"PKCS#11 key {self._label}: signing failed ({type(exc).__name__})"
                ) from None

    def close(self) -> None:
        with self._lock:
            self._session.close()

    def __enter__(self) -> Pkcs11KeySource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Pkcs11KeySource({self._label!r})"
