"""A development PKI shaped like the state's: a DEV root in the style of the Government Cipher
Committee's CA, an issuing CA, organisation certificates carrying agency identifiers, an axis
certificate, an OCSP responder certificate, a CRL with one revoked certificate and an
``index.txt`` that ``openssl ocsp -index`` serves.

Everything is marked DEV/TEST in its names: nothing here may ever be trusted in production.
The agency identifier (mã định danh) of an organisation is carried in the subject's ``UID``
attribute (OID 0.9.2342.19200300.100.1.1), which is what
:class:`~gateway.security.binding.EmbeddedIdentifierRule` reads.

Generation is idempotent: an existing PKI is kept unless ``force`` is set. Keys are 2048-bit
RSA (fast enough for a test session) and written 0600.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from gateway.errors import ConfigError

__all__ = [
    "DEFAULT_CRL_BASE_URL",
    "DEFAULT_OCSP_URL",
    "ORGANISATIONS",
    "DevPki",
    "Issued",
    "init_dev_pki",
    "issue",
    "new_key",
    "org_name",
]

DEFAULT_OCSP_URL = "http://127.0.0.1:8491/"
DEFAULT_CRL_BASE_URL = "http://127.0.0.1:8492/"
P12_PASSWORD_ENV = "GATEWAY_PKCS12_PASSWORD"  # noqa: S105 - the name of a variable

MINISTRY = "000.00.00.G12"
ORGANISATIONS: dict[str, str] = {
    MINISTRY: "Bộ Công Thương",
    "000.00.00.G22": "Văn phòng Chính phủ",
    "000.00.00.G10": "Bộ Tài chính",
}
REVOKED_ID = f"{MINISTRY}-revoked"
_DEV_OU = "DEV/TEST - không có giá trị pháp lý"


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(cn: str, org: str, *, uid: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _DEV_OU),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ]
    if uid is not None:
        attrs.append(x509.NameAttribute(NameOID.USER_ID, uid))
    return x509.Name(attrs)


def org_name(organ_id: str, name: str) -> x509.Name:
    """Subject of an organisation certificate: the agency identifier is the UID attribute."""
    return _name(f"{name} (DEV)", name, uid=organ_id)


def issue(
    subject: x509.Name,
    issuer: Issued | None,
    *,
    key: rsa.RSAPrivateKey | None = None,
    ca: bool = False,
    path_length: int | None = None,
    digital_signature: bool = True,
    non_repudiation: bool = True,
    key_encipherment: bool = False,
    eku: Sequence[x509.ObjectIdentifier] = (),
    ocsp_url: str | None = None,
    crl_url: str | None = None,
    basic_constraints_critical: bool = True,
    include_basic_constraints: bool = True,
    not_before: dt.datetime | None = None,
    days: int = 825,
    dns_names: Sequence[str] = (),
    ocsp_nocheck: bool = False,
) -> Issued:
    """Issue one certificate (self-signed when ``issuer`` is None). Exposed for tests."""
    key = key or new_key()
    now = not_before or (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    signer_key = issuer.key if issuer else key
    issuer_name = issuer.cert.subject if issuer else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), False
        )
    if include_basic_constraints:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=ca, path_length=path_length if ca else None),
            critical=basic_constraints_critical,
        )
    builder = builder.add_extension(
        x509.KeyUsage(
            digital_signature=digital_signature and not ca,
            content_commitment=non_repudiation and not ca,
            key_encipherment=key_encipherment,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=ca,
            crl_sign=ca,
            encipher_only=False,
            decipher_only=False,
        ),
        critical=True,
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if ocsp_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    )
                ]
            ),
            critical=False,
        )
    if crl_url:
        point = x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url)], None, None, None)
        builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False
        )
    if ocsp_nocheck:
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    return Issued(builder.sign(signer_key, hashes.SHA256()), key)


def make_crl(
    issuer: Issued,
    revoked: Sequence[tuple[x509.Certificate, dt.datetime]],
    *,
    next_update: dt.timedelta = dt.timedelta(days=7),
    this_update: dt.datetime | None = None,
) -> x509.CertificateRevocationList:
    now = this_update or (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(now)
        .next_update(now + next_update)
        .add_extension(x509.CRLNumber(1), False)
    )
    for cert, when in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(when)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), False)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    return builder.sign(issuer.key, hashes.SHA256())


def _openssl_time(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%y%m%d%H%M%SZ")


def index_line(cert: x509.Certificate, revoked_at: dt.datetime | None = None) -> str:
    """One ``openssl ca`` database line (the format ``openssl ocsp -index`` reads)."""
    serial = f"{cert.serial_number:X}"
    if len(serial) % 2:
        serial = "0" + serial
    subject = "/" + "/".join(f"{a.rfc4514_attribute_name}={a.value!s}" for a in cert.subject)
    status, revoked = ("R", _openssl_time(revoked_at)) if revoked_at else ("V", "")
    expiry = _openssl_time(cert.not_valid_after_utc)
    return f"{status}\t{expiry}\t{revoked}\t{serial}\tunknown\t{subject}\n"


@dataclass(frozen=True)
class DevPki:
    """Paths of a generated dev PKI (see module docstring for what each one is)."""

    root: Path
    ocsp_url: str
    crl_base_url: str
    organisations: dict[str, str] = field(default_factory=lambda: dict(ORGANISATIONS))

    @property
    def ca_cert(self) -> Path:
        return self.root / "ca.crt"

    @property
    def intermediate_cert(self) -> Path:
        return self.root / "intermediate.crt"

    @property
    def intermediate_key(self) -> Path:
        return self.root / "intermediate.key"

    @property
    def ocsp_cert(self) -> Path:
        return self.root / "ocsp.crt"

    @property
    def ocsp_key(self) -> Path:
        return self.root / "ocsp.key"

    @property
    def index(self) -> Path:
        return self.root / "index.txt"

    @property
    def crl_dir(self) -> Path:
        return self.root / "crl"

    @property
    def p12_password_file(self) -> Path:
        return self.root / "orgs" / "p12-password.txt"

    def org_key(self, organ_id: str) -> Path:
        return self.root / "orgs" / f"{organ_id}.key"

    def org_cert(self, organ_id: str) -> Path:
        return self.root / "orgs" / f"{organ_id}.crt"

    def org_p12(self, organ_id: str) -> Path:
        return self.root / "orgs" / f"{organ_id}.p12"

    def load(self, cert_path: Path, key_path: Path) -> Issued:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return Issued(cert, key)

    def intermediate(self) -> Issued:
        return self.load(self.intermediate_cert, self.intermediate_key)


def _write(path: Path, data: bytes, private: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(path, flags, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600 if private else 0o644)


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _save(pki: DevPki, stem: str, issued: Issued) -> None:
    _write(pki.root / f"{stem}.crt", _pem(issued.cert))
    _write(pki.root / f"{stem}.key", _key_pem(issued.key), private=True)


def init_dev_pki(
    directory: Path,
    *,
    force: bool = False,
    ocsp_url: str = DEFAULT_OCSP_URL,
    crl_base_url: str = DEFAULT_CRL_BASE_URL,
    p12_password: str | None = None,
) -> tuple[DevPki, bool]:
    """Generate the dev PKI under ``directory``; return it and whether anything was written."""
    pki = DevPki(directory, ocsp_url, crl_base_url)
    manifest = directory / "pki.json"
    if manifest.exists() and not force:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return DevPki(directory, data["ocsp_url"], data["crl_base_url"]), False
    if directory.exists() and any(directory.iterdir()) and not force and not manifest.exists():
        raise ConfigError(
            f"{directory} is not empty and holds no dev PKI; refusing to write into it "
            "(choose an empty directory or pass --force)"
        )
    base = crl_base_url if crl_base_url.endswith("/") else crl_base_url + "/"
    root = issue(
        _name("Cơ quan chứng thực số chuyên dùng Chính phủ (DEV)", "Ban Cơ yếu Chính phủ"),
        None,
        ca=True,
        path_length=1,
        days=3650,
    )
    inter = issue(
        _name("CA phục vụ các cơ quan Nhà nước (DEV)", "Ban Cơ yếu Chính phủ"),
        root,
        ca=True,
        path_length=0,
        crl_url=base + "root.crl",
        days=1825,
    )
    _save(pki, "ca", root)
    _save(pki, "intermediate", inter)
    _write(directory / "chain.pem", _pem(inter.cert) + _pem(root.cert))

    password = p12_password or os.environ.get(P12_PASSWORD_ENV) or secrets.token_urlsafe(18)
    _write(pki.p12_password_file, password.encode("utf-8") + b"\n", private=True)
    leaf_crl = base + "intermediate.crl"
    index: list[str] = []
    for organ_id, name in ORGANISATIONS.items():
        org = issue(org_name(organ_id, name), inter, ocsp_url=ocsp_url, crl_url=leaf_crl)
        _save(pki, f"orgs/{organ_id}", org)
        bundle = pkcs12.serialize_key_and_certificates(
            organ_id.encode("ascii"),
            org.key,
            org.cert,
            [inter.cert],
            serialization.BestAvailableEncryption(password.encode("utf-8")),
        )
        _write(pki.org_p12(organ_id), bundle, private=True)
        index.append(index_line(org.cert))
    revoked = issue(
        org_name(MINISTRY, ORGANISATIONS[MINISTRY] + " - khóa cũ"),
        inter,
        ocsp_url=ocsp_url,
        crl_url=leaf_crl,
    )
    _save(pki, f"orgs/{REVOKED_ID}", revoked)
    revoked_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    index.append(index_line(revoked.cert, revoked_at))

    axis = issue(
        _name("Trục liên thông văn bản quốc gia (DEV)", "Văn phòng Chính phủ", uid="vxp.dev"),
        inter,
        non_repudiation=False,
        key_encipherment=True,
        eku=[ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
        dns_names=["localhost"],
        ocsp_url=ocsp_url,
        crl_url=leaf_crl,
    )
    _save(pki, "axis", axis)
    index.append(index_line(axis.cert))
    ocsp = issue(
        _name("Dịch vụ OCSP (DEV)", "Ban Cơ yếu Chính phủ"),
        inter,
        non_repudiation=False,
        eku=[ExtendedKeyUsageOID.OCSP_SIGNING],
        ocsp_nocheck=True,
    )
    _save(pki, "ocsp", ocsp)

    crl = make_crl(inter, [(revoked.cert, revoked_at)])
    _write(pki.crl_dir / "intermediate.crl", crl.public_bytes(serialization.Encoding.DER))
    _write(pki.crl_dir / "intermediate.crl.pem", crl.public_bytes(serialization.Encoding.PEM))
    root_crl = make_crl(root, [])
    _write(pki.crl_dir / "root.crl", root_crl.public_bytes(serialization.Encoding.DER))
    _write(pki.crl_dir / "root.crl.pem", root_crl.public_bytes(serialization.Encoding.PEM))
    _write(pki.index, "".join(index).encode("utf-8"))
    _write(directory / "index.txt.attr", b"unique_subject = no\n")
    _write(
        manifest,
        json.dumps(
            {"ocsp_url": ocsp_url, "crl_base_url": base, "organisations": ORGANISATIONS},
            ensure_ascii=False,
            indent=2,
        ).encode("utf-8"),
    )
    return DevPki(directory, ocsp_url, base), True
