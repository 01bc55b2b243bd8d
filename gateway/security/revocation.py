"""Revocation: is a certificate revoked, according to OCSP and CRLs, and how sure are we?

Outcomes are kept apart on purpose — ``revoked``, ``unknown`` (a responder answered that it
does not know the certificate), ``unreachable`` (no trustworthy answer could be had: network
error, stale or badly signed data) and ``no-source`` (nothing to ask) — because the policy
decides differently for each and an administrator needs to see which one happened.

OCSP responses are cached until their nextUpdate or the configured freshness, whichever comes
first; CRLs (fetched from the certificate's distribution points or loaded from configured
files) until their nextUpdate. Every response is verified against the issuer before it is
believed. All network I/O goes through a :class:`Fetcher`, so tests and the engine can
substitute it; :class:`HttpxFetcher` is the real one.
"""

from __future__ import annotations

import datetime as dt
import enum
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID

from gateway.errors import ConfigError
from gateway.security.fetch import Fetcher, FetchError, HttpxFetcher
from gateway.security.verify_sig import verify_certificate_signature, verify_signature

__all__ = [
    "FetchError",
    "Fetcher",
    "HttpxFetcher",
    "RevocationChecker",
    "RevocationConfig",
    "RevocationOutcome",
    "RevocationStatus",
]

Clock = Callable[[], dt.datetime]


class RevocationOutcome(enum.Enum):
    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"
    UNREACHABLE = "unreachable"
    NO_SOURCE = "no-source"


@dataclass(frozen=True)
class RevocationStatus:
    outcome: RevocationOutcome
    detail: str
    source: str = ""
    revoked_at: dt.datetime | None = None


@dataclass(frozen=True)
class RevocationConfig:
    """``allow_fetching`` off means only configured CRL files are consulted."""

    allow_fetching: bool = False
    crl_files: tuple[Path, ...] = ()
    ocsp_freshness_seconds: float = 3600.0
    timeout_seconds: float = 10.0
    max_response_bytes: int = 20 * 1024 * 1024
    clock_skew_seconds: float = 300.0


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _urls_ocsp(cert: x509.Certificate) -> list[str]:
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except x509.ExtensionNotFound:
        return []
    return [
        d.access_location.value
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.OCSP
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    ]


def _urls_crl(cert: x509.Certificate) -> list[str]:
    try:
        dps = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    return [
        name.value
        for point in dps
        for name in (point.full_name or [])
        if isinstance(name, x509.UniformResourceIdentifier)
    ]


def _load_crl(data: bytes) -> x509.CertificateRevocationList:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


class RevocationChecker:
    """Answers :meth:`check` for one certificate and its issuer. Thread-safe; caches answers."""

    def __init__(
        self,
        config: RevocationConfig = RevocationConfig(),
        fetcher: Fetcher | None = None,
        clock: Clock = _utcnow,
    ) -> None:
        self.config = config
        self._fetcher = fetcher or HttpxFetcher(config.timeout_seconds, config.max_response_bytes)
        self._clock = clock
        self._lock = threading.Lock()
        self._ocsp_cache: dict[tuple[str, bytes, int], tuple[dt.datetime, RevocationStatus]] = {}
        self._crl_cache: dict[str, x509.CertificateRevocationList] = {}
        self._files: list[tuple[Path, x509.CertificateRevocationList]] = []
        for path in config.crl_files:
            try:
                self._files.append((path, _load_crl(path.read_bytes())))
            except (OSError, ValueError) as exc:
                raise ConfigError(f"CRL file {path} cannot be read: {exc}") from None

    @property
    def skew(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.config.clock_skew_seconds)

    def check(
        self, cert: x509.Certificate, issuer: x509.Certificate, at: dt.datetime | None = None
    ) -> RevocationStatus:
        """OCSP first, then CRLs; the first definite answer (good or revoked) wins."""
        at = at or self._clock()
        attempts: list[RevocationStatus] = []
        if self.config.allow_fetching:
            for url in _urls_ocsp(cert):
                status = self._ocsp(url, cert, issuer, at)
                if status.outcome in (RevocationOutcome.GOOD, RevocationOutcome.REVOKED):
                    return status
                attempts.append(status)
        for source, crl in self._crls_for(cert, issuer, at, attempts):
            status = self._crl_status(source, crl, cert, issuer, at)
            if status.outcome in (RevocationOutcome.GOOD, RevocationOutcome.REVOKED):
                return status
            attempts.append(status)
        for wanted in (RevocationOutcome.UNKNOWN, RevocationOutcome.UNREACHABLE):
            found = [a for a in attempts if a.outcome is wanted]
            if found:
                return RevocationStatus(wanted, "; ".join(a.detail for a in found), found[0].source)
        why = (
            "the certificate names no OCSP responder or CRL distribution point"
            if self.config.allow_fetching
            else "fetching revocation data is disabled and no configured CRL covers its issuer"
        )
        return RevocationStatus(RevocationOutcome.NO_SOURCE, why)

    # --- CRL -----------------------------------------------------------------------------

    def _crls_for(
        self,
        cert: x509.Certificate,
        issuer: x509.Certificate,
        at: dt.datetime,
        attempts: list[RevocationStatus],
    ) -> list[tuple[str, x509.CertificateRevocationList]]:
        found = [(f"CRL file {p}", c) for p, c in self._files if c.issuer == issuer.subject]
        if not self.config.allow_fetching:
            return found
        for url in _urls_crl(cert):
            with self._lock:
                cached = self._crl_cache.get(url)
            next_update = cached.next_update_utc if cached is not None else None
            if cached is not None and next_update is not None and next_update > at:
                found.append((f"CRL {url}", cached))
                continue
            try:
                crl = _load_crl(self._fetcher.get(url))
            except FetchError as exc:
                attempts.append(
                    RevocationStatus(RevocationOutcome.UNREACHABLE, f"CRL unreachable: {exc}", url)
                )
                continue
            except ValueError:
                attempts.append(
                    RevocationStatus(
                        RevocationOutcome.UNREACHABLE, f"{url} did not serve a CRL", url
                    )
                )
                continue
            with self._lock:
                self._crl_cache[url] = crl
            found.append((f"CRL {url}", crl))
        return found

    def _crl_status(
        self,
        source: str,
        crl: x509.CertificateRevocationList,
        cert: x509.Certificate,
        issuer: x509.Certificate,
        at: dt.datetime,
    ) -> RevocationStatus:
        bad = RevocationOutcome.UNREACHABLE
        if crl.issuer != issuer.subject:
            return RevocationStatus(
                bad,
                f"{source} was issued by {crl.issuer.rfc4514_string()}, "
                "not by the certificate's issuer",
                source,
            )
        if not verify_signature(
            issuer.public_key(), crl.signature, crl.tbs_certlist_bytes, crl.signature_hash_algorithm
        ):
            return RevocationStatus(bad, f"{source} is not signed by the issuer", source)
        next_update = crl.next_update_utc
        if next_update is not None and next_update < at - self.skew:
            return RevocationStatus(
                bad, f"{source} is stale (nextUpdate {next_update:%Y-%m-%d %H:%M} UTC)", source
            )
        if crl.last_update_utc > at + self.skew:
            return RevocationStatus(bad, f"{source} was issued after the verification time", source)
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None and entry.revocation_date_utc <= at:
            return RevocationStatus(
                RevocationOutcome.REVOKED,
                f"revoked on {entry.revocation_date_utc:%Y-%m-%d %H:%M} UTC ({source})",
                source,
                entry.revocation_date_utc,
            )
        return RevocationStatus(RevocationOutcome.GOOD, f"not listed in {source}", source)

    # --- OCSP ----------------------------------------------------------------------------

    def _ocsp(
        self, url: str, cert: x509.Certificate, issuer: x509.Certificate, at: dt.datetime
    ) -> RevocationStatus:
        key = (url, issuer.fingerprint(hashes.SHA256()), cert.serial_number)
        with self._lock:
            cached = self._ocsp_cache.get(key)
        if cached is not None and cached[0] > at:
            return cached[1]
        request = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1()).build()  # noqa: S303 - RFC 6960 CertID
        try:
            raw = self._fetcher.post(
                url, request.public_bytes(serialization.Encoding.DER), "application/ocsp-request"
            )
        except FetchError as exc:
            return RevocationStatus(
                RevocationOutcome.UNREACHABLE, f"OCSP responder unreachable: {exc}", url
            )
        status, expires = self._ocsp_interpret(url, raw, cert, issuer, at)
        if expires is not None:
            with self._lock:
                self._ocsp_cache[key] = (expires, status)
        return status

    def _ocsp_interpret(
        self,
        url: str,
        raw: bytes,
        cert: x509.Certificate,
        issuer: x509.Certificate,
        at: dt.datetime,
    ) -> tuple[RevocationStatus, dt.datetime | None]:
        bad = RevocationOutcome.UNREACHABLE
        try:
            resp = ocsp.load_der_ocsp_response(raw)
        except ValueError:
            return RevocationStatus(bad, f"{url} did not answer with an OCSP response", url), None
        if resp.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            return RevocationStatus(
                bad, f"OCSP responder {url} answered {resp.response_status.name}", url
            ), None
        if resp.serial_number != cert.serial_number or not _same_issuer(resp, issuer):
            return RevocationStatus(
                bad, f"OCSP response from {url} is about another certificate", url
            ), None
        problem = self._ocsp_signer_problem(resp, issuer, at)
        if problem:
            return RevocationStatus(bad, f"OCSP response from {url} refused: {problem}", url), None
        this_update = resp.this_update_utc
        next_update = resp.next_update_utc
        freshness = dt.timedelta(seconds=self.config.ocsp_freshness_seconds)
        if this_update > at + self.skew:
            return RevocationStatus(
                bad, f"OCSP response from {url} is dated in the future", url
            ), None
        if (
            next_update is not None and next_update < at - self.skew
        ) or this_update < at - freshness:
            return RevocationStatus(
                bad,
                f"OCSP response from {url} is stale (thisUpdate {this_update:%Y-%m-%d %H:%M} UTC)",
                url,
            ), None
        expires = this_update + freshness
        if next_update is not None:
            expires = min(expires, next_update)
        cert_status = resp.certificate_status
        if cert_status == ocsp.OCSPCertStatus.REVOKED:
            when = resp.revocation_time_utc
            text = f"{when:%Y-%m-%d %H:%M} UTC" if when else "an unstated time"
            return RevocationStatus(
                RevocationOutcome.REVOKED, f"revoked on {text} (OCSP {url})", url, when
            ), expires
        if cert_status == ocsp.OCSPCertStatus.UNKNOWN:
            return RevocationStatus(
                RevocationOutcome.UNKNOWN,
                f"OCSP responder {url} does not know this certificate",
                url,
            ), expires
        return RevocationStatus(
            RevocationOutcome.GOOD, f"good according to OCSP {url}", url
        ), expires

    def _ocsp_signer_problem(
        self, resp: ocsp.OCSPResponse, issuer: x509.Certificate, at: dt.datetime
    ) -> str | None:
        candidates: Sequence[x509.Certificate] = [issuer, *resp.certificates]
        signer = next((c for c in candidates if _is_responder(resp, c)), None)
        if signer is None:
            return "the responder's certificate is not in the response"
        if signer != issuer:
            if not verify_certificate_signature(signer, issuer):
                return "the responder's certificate was not issued by the certificate's issuer"
            try:
                eku = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            except x509.ExtensionNotFound:
                return "the responder's certificate lacks the OCSPSigning extended key usage"
            if ExtendedKeyUsageOID.OCSP_SIGNING not in eku:
                return "the responder's certificate lacks the OCSPSigning extended key usage"
            if (
                not signer.not_valid_before_utc - self.skew
                <= at
                <= signer.not_valid_after_utc + self.skew
            ):
                return "the responder's certificate is not valid now"
        if not verify_signature(
            signer.public_key(),
            resp.signature,
            resp.tbs_response_bytes,
            resp.signature_hash_algorithm,
        ):
            return "its signature does not verify"
        return None


def _same_issuer(resp: ocsp.OCSPResponse, issuer: x509.Certificate) -> bool:
    algorithm = resp.hash_algorithm
    name_hash = hashes.Hash(algorithm)
    name_hash.update(issuer.subject.public_bytes())
    key_hash = hashes.Hash(algorithm)
    key_hash.update(_spki_bits(issuer))
    return (
        resp.issuer_name_hash == name_hash.finalize()
        and resp.issuer_key_hash == key_hash.finalize()
    )


def _spki_bits(cert: x509.Certificate) -> bytes:
    """The subjectPublicKey BIT STRING contents (what OCSP's issuerKeyHash hashes)."""
    spki = cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    info = keys.PublicKeyInfo.load(spki)
    bits: bytes = info["public_key"].contents[1:]  # drop the unused-bits octet
    return bits


def _is_responder(resp: ocsp.OCSPResponse, cert: x509.Certificate) -> bool:
    if resp.responder_name is not None:
        return cert.subject == resp.responder_name
    digest = hashes.Hash(hashes.SHA1())  # noqa: S303 - RFC 6960 ResponderID byKey
    digest.update(_spki_bits(cert))
    return resp.responder_key_hash == digest.finalize()
