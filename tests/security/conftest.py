"""Fixtures for the security tests: a dev PKI generated once per session into a temp dir,
real revocation services on loopback, and helpers that build verifiers.

The OCSP service is ``openssl ocsp`` itself: a loopback-only HTTP front (127.0.0.1) hands each
request to ``openssl ocsp -index ... -reqin -respout`` and returns what openssl answered.
(``openssl ocsp -port`` cannot bind to a single address and would listen on every interface.)
"""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gateway.security.binding import BindingPolicy, EmbeddedIdentifierRule
from gateway.security.devpki import DevPki, init_dev_pki
from gateway.security.keysource_file import PrivateKeySource, load_pem_key_source
from gateway.security.revocation import RevocationChecker, RevocationConfig
from gateway.security.trust import (
    RevocationMode,
    RevocationPolicy,
    TrustEvaluator,
    TrustPolicy,
    TrustStore,
)
from gateway.security.verifier import Verifier, VerifyOptions

VECTORS = Path(__file__).resolve().parent.parent / "vectors" / "security"
MINISTRY = "000.00.00.G12"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Service:
    """A loopback HTTP service whose handler can be switched off (to test 'unreachable')."""

    port: int
    hits: list[str] = field(default_factory=list)
    up: bool = True


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


def _serve(handler: type[http.server.BaseHTTPRequestHandler], port: int) -> _Server:
    server = _Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def ocsp_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def crl_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def dev_pki(tmp_path_factory: pytest.TempPathFactory, ocsp_port: int, crl_port: int) -> DevPki:
    root = tmp_path_factory.mktemp("pki") / "dev"
    pki, written = init_dev_pki(
        root,
        ocsp_url=f"http://127.0.0.1:{ocsp_port}/",
        crl_base_url=f"http://127.0.0.1:{crl_port}/",
        p12_password="mật-khẩu thử nghiệm",
    )
    assert written
    return pki


@pytest.fixture(scope="session")
def ministry_key(dev_pki: DevPki) -> PrivateKeySource:
    return load_pem_key_source(
        dev_pki.org_key(MINISTRY), dev_pki.org_cert(MINISTRY), [dev_pki.intermediate_cert]
    )


def key_for(pki: DevPki, organ_id: str) -> PrivateKeySource:
    return load_pem_key_source(
        pki.org_key(organ_id), pki.org_cert(organ_id), [pki.intermediate_cert]
    )


@pytest.fixture(scope="session")
def crl_service(dev_pki: DevPki, crl_port: int) -> Iterator[Service]:
    state = Service(crl_port)
    directory = dev_pki.crl_dir

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits.append(self.path)
            target = directory / self.path.lstrip("/")
            if not state.up or not target.is_file():
                self.send_error(503 if not state.up else 404)
                return
            body = target.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = _serve(Handler, crl_port)
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def ocsp_service(dev_pki: DevPki, ocsp_port: int) -> Iterator[Service]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (CI installs it)")
    state = Service(ocsp_port)
    work = Path(tempfile.mkdtemp(prefix="ocsp-"))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            state.hits.append(self.path)
            if not state.up:
                self.send_error(503)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            name = threading.get_ident()
            req, resp = work / f"{name}.req", work / f"{name}.resp"
            req.write_bytes(body)
            done = subprocess.run(
                [
                    "openssl",
                    "ocsp",
                    "-index",
                    str(dev_pki.index),
                    "-rsigner",
                    str(dev_pki.ocsp_cert),
                    "-rkey",
                    str(dev_pki.ocsp_key),
                    "-CA",
                    str(dev_pki.intermediate_cert),
                    "-reqin",
                    str(req),
                    "-respout",
                    str(resp),
                    "-nmin",
                    "10",
                ],
                capture_output=True,
                check=False,
            )
            if done.returncode != 0:
                self.send_error(500)
                return
            data = resp.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = _serve(Handler, ocsp_port)
    yield state
    server.shutdown()
    server.server_close()
    shutil.rmtree(work, ignore_errors=True)


def make_verifier(
    pki: DevPki,
    *,
    mode: RevocationMode = RevocationMode.FAIL_CLOSED,
    per_partner: dict[str, RevocationMode] | None = None,
    fetch: bool = False,
    crl_files: bool = True,
    allow_legacy: bool = False,
    binding: BindingPolicy | None = None,
    policy: TrustPolicy | None = None,
    checker: RevocationChecker | None = None,
    anchors: tuple[Path, ...] = (),
) -> Verifier:
    crls = (pki.crl_dir / "intermediate.crl", pki.crl_dir / "root.crl") if crl_files else ()
    revocation = RevocationPolicy(mode, per_partner or {})
    base = policy or TrustPolicy()
    trust_policy = TrustPolicy(
        base.tolerate_non_repudiation_only, base.tolerate_non_critical_basic_constraints, revocation
    )
    checker = checker or RevocationChecker(
        RevocationConfig(allow_fetching=fetch, crl_files=crls, timeout_seconds=5)
    )
    store = TrustStore.from_files(anchors or (pki.ca_cert,))
    return Verifier(
        TrustEvaluator(store, trust_policy, checker),
        binding or BindingPolicy(default=EmbeddedIdentifierRule()),
        VerifyOptions(allow_legacy=allow_legacy),
    )


@pytest.fixture(scope="session")
def document_bytes() -> bytes:
    return (VECTORS / "cong-van.edxml").read_bytes()


@pytest.fixture(scope="session")
def status_bytes() -> bytes:
    return (VECTORS / "trang-thai.edxml").read_bytes()


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (CI installs it)")
    return path
