"""The simulator's HTTP server (stdlib, threaded) and its in-process start/stop API.

HTTP/1.1 with keep-alive and ``Expect: 100-continue`` (the SDK waits for the interim answer
before sending a body; an oversized request is refused at that point, before the upload).
Every answer has a Content-Length. ``sendEdoc`` answers are pure ASCII (the SDK reads them as
US-ASCII); the others are UTF-8. ``/_admin/faults`` (GET/POST) needs the admin token as
``Authorization: Bearer ...`` and answers only loopback clients.
"""

from __future__ import annotations

import hmac
import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from gateway.simulator.auth import verify_request
from gateway.simulator.config import SimulatorConfig
from gateway.simulator.faults import FaultInjector, FaultKind
from gateway.simulator.refusals import Refusal, Refused
from gateway.simulator.service import Answer, AxisService
from gateway.simulator.store import SimStore

__all__ = ["SimulatorServer"]

log = logging.getLogger("gateway.simulator")

_LOOPBACK = ("127.0.0.1", "::1", "::ffff:127.0.0.1")
_GET_OPERATIONS = frozenset({"downloadEdoc"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        config: SimulatorConfig,
        service: AxisService,
        faults: FaultInjector,
        clock: Callable[[], datetime],
    ) -> None:
        self.config = config
        self.service = service
        self.faults = faults
        self.clock = clock
        self.closing = False
        self.inflight = 0
        self.idle = threading.Condition()
        super().__init__(address, _Handler)

    def drain(self, timeout: float) -> None:
        """Refuse new requests and wait for those in flight (the store closes next)."""
        deadline = time.monotonic() + timeout
        with self.idle:
            self.closing = True
            while self.inflight and time.monotonic() < deadline:
                self.idle.wait(deadline - time.monotonic())


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    server_version = "axis-sim/1.0"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # headers and body go out in separate writes: without this, Nagle's algorithm and
        # delayed ACKs add ~40 ms to every keep-alive answer
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    # -- framing ----------------------------------------------------------------------------

    def _declared_length(self) -> int | None:
        value = self.headers.get("Content-Length")
        if value is None:
            return None
        value = value.strip()
        return int(value) if value.isdigit() else -1

    def handle_expect_100(self) -> bool:
        length = self._declared_length()
        if length is not None and length > self.server.config.max_request_bytes:
            self._refuse(Refused(Refusal.TOO_LARGE, f"{length} bytes"), close=True)
            return False
        return super().handle_expect_100()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise Refused(Refusal.LENGTH_REQUIRED, "chunked bodies are not accepted")
        length = self._declared_length()
        if length is None:
            if self.command == "POST":
                raise Refused(Refusal.LENGTH_REQUIRED)
            return b""
        if length < 0:
            raise Refused(Refusal.LENGTH_REQUIRED, "unreadable Content-Length")
        if length > self.server.config.max_request_bytes:
            raise Refused(Refusal.TOO_LARGE, f"{length} bytes")
        return self.rfile.read(length)

    def _send(self, status: int, body: bytes, content_type: str, *, truncate: bool = False) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if truncate or self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if truncate:
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)

    def _send_json(
        self, status: int, doc: dict[str, Any], *, ascii_only: bool, truncate: bool = False
    ) -> None:
        text = json.dumps(doc, ensure_ascii=ascii_only, separators=(",", ":"))
        ctype = "application/json" if ascii_only else "application/json; charset=UTF-8"
        self._send(status, text.encode("utf-8"), ctype, truncate=truncate)

    def _refuse(self, refused: Refused, *, operation: str = "", close: bool = False) -> None:
        if close:
            self.close_connection = True
        doc: dict[str, Any] = refused.answer()
        if operation == "sendEdoc":
            doc["DocId"] = ""  # the SDK reads DocId unconditionally
        log.info("refused %s: %s", operation or self.path, refused)
        self._send_json(refused.refusal.http_status, doc, ascii_only=operation == "sendEdoc")

    # -- dispatch ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _raw_headers(self) -> list[tuple[str, str]]:
        # http.server decodes header bytes as latin-1; the SDK sends UTF-8.
        out = []
        for name, value in self.headers.items():
            try:
                out.append((name, value.encode("latin-1").decode("utf-8")))
            except (UnicodeEncodeError, UnicodeDecodeError):
                out.append((name, value))
        return out

    def _dispatch(self) -> None:
        server = self.server
        with server.idle:
            if server.closing:
                self.close_connection = True
                return
            server.inflight += 1
        try:
            self._dispatch_one()
        finally:
            with server.idle:
                server.inflight -= 1
                server.idle.notify_all()

    def _dispatch_one(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/_admin/"):
            self._admin(path)
            return
        operation = path.strip("/")
        try:
            body = self._read_body()
        except Refused as refused:
            self._refuse(refused, operation=operation, close=True)
            return
        server = self.server
        if operation not in server.service.operations():
            self._refuse(Refused(Refusal.UNKNOWN_OPERATION, operation))
            return
        expected = "GET" if operation in _GET_OPERATIONS else "POST"
        if self.command != expected:
            self._refuse(Refused(Refusal.WRONG_METHOD, f"{operation} needs {expected}"))
            return
        now = server.clock()
        fault = server.faults.decide(operation, now)
        if fault.latency_seconds:
            time.sleep(fault.latency_seconds)
        if fault.kind is FaultKind.DROP:
            log.info("fault: outage, dropping %s", operation)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault.kind is FaultKind.ERROR:
            self._refuse(Refused(Refusal.INJECTED_ERROR), operation=operation)
            return
        try:
            verified = verify_request(
                self._raw_headers(),
                server.config.secrets(),
                now=now,
                window_seconds=server.config.timestamp_window_seconds,
            )
            answer = server.service.handle(operation, verified, body)
        except Refused as refused:
            self._refuse(refused, operation=operation)
            return
        truncate = fault.kind is FaultKind.TRUNCATE
        self._answer(operation, answer, truncate=truncate)

    def _answer(self, operation: str, answer: Answer, *, truncate: bool) -> None:
        if answer.raw is not None:
            self._send(200, answer.raw, "application/octet-stream", truncate=truncate)
            return
        assert answer.doc is not None
        self._send_json(200, answer.doc, ascii_only=operation == "sendEdoc", truncate=truncate)

    # -- admin ------------------------------------------------------------------------------

    def _admin(self, path: str) -> None:
        token = self.server.config.admin_token
        given = self.headers.get("Authorization", "")
        if self.client_address[0] not in _LOOPBACK:
            self._send_json(403, {"error": "admin endpoint is loopback only"}, ascii_only=False)
            return
        if not token:
            self._send_json(
                403, {"error": "admin endpoint disabled (no token configured)"}, ascii_only=False
            )
            return
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            self._send_json(401, {"error": "missing or wrong admin token"}, ascii_only=False)
            return
        if path != "/_admin/faults":
            self._send_json(404, {"error": f"no admin resource {path}"}, ascii_only=False)
            return
        if self.command == "POST":
            try:
                doc = json.loads(self._read_body().decode("utf-8") or "{}")
                if not isinstance(doc, dict):
                    raise ValueError("body must be a JSON object")
                self.server.faults.update(doc, self.server.clock())
            except (Refused, ValueError, TypeError) as exc:
                self._send_json(400, {"error": str(exc)}, ascii_only=False)
                return
        self._send_json(200, self.server.faults.settings.to_json(), ascii_only=False)


class SimulatorServer:
    """Run the simulator in-process: ``url = SimulatorServer(config).start()``, ``.stop()``.

    ``port=0`` in the config (or ``port=`` here) picks a free port. ``clock`` replaces the
    axis clock (for timestamp-window tests).
    """

    def __init__(
        self,
        config: SimulatorConfig,
        *,
        host: str | None = None,
        port: int | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._config = config
        self._host = host or config.host
        self._port = config.port if port is None else port
        self._clock = clock or (lambda: datetime.now(UTC))
        self._store: SimStore | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.faults = FaultInjector(config.faults)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("simulator is not running")
        raw_host, port = self._server.server_address[:2]
        host = raw_host.decode() if isinstance(raw_host, bytes) else str(raw_host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def start(self) -> str:
        if self._server is not None:
            raise RuntimeError("simulator already running")
        self._store = SimStore(self._config.db)
        service = AxisService(self._config, self._store, self._clock)
        try:
            self._server = _Server(
                (self._host, self._port), self._config, service, self.faults, self._clock
            )
        except OSError:
            self._store.close()
            self._store = None
            raise
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.1,), name="axis-sim", daemon=True
        )
        self._thread.start()
        log.info("axis simulator listening on %s", self.url)
        return self.url

    def serve_forever(self) -> None:
        """Start and block until interrupted (the CLI)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.drain(timeout=10.0)
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> SimulatorServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
