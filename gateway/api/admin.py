"""A small admin API served by ``gateway run``: health, a status overview, poll on demand.

Loopback by default (``[http] host``), and every endpoint but ``/healthz`` requires the admin
token (``Authorization: Bearer …``) from the environment variable ``[http] admin_token_env``;
without that variable the API is not started at all. ``/healthz`` says only "ok" or not, so an
unauthenticated caller learns nothing about the exchange. The token is compared in constant
time and never logged. The later admin UI grows from here.

    GET  /healthz           200 {"status": "ok"} | 503 {"status": "unavailable", ...}
    GET  /api/v1/status     queue counts and the newest outbound documents with their standing
    POST /api/v1/poll       poll the axis now instead of at the next interval (202)
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from sqlalchemy import text

from gateway.exchange.progress import DocumentProgress, outbound_progress
from gateway.store import Store

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024


class Controls(Protocol):
    """What the API may ask of the running gateway."""

    store: Store

    def poll_now(self) -> None: ...

    @property
    def running(self) -> bool: ...


def _progress(doc: DocumentProgress) -> dict[str, Any]:
    return {
        "id": doc.id,
        "document_id": doc.document_id,
        "code": doc.code,
        "subject": doc.subject,
        "created_at": doc.created_at.isoformat(),
        "recipients": [
            {
                "agency": r.agency,
                "channel": r.channel,
                "delivery": r.delivery_state.value if r.delivery_state else None,
                "standing": r.label,
                "codes": list(r.codes),
                "refusal": r.refusal_reason,
            }
            for r in doc.recipients
        ],
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("admin api %s: " + format, self.client_address[0], *args)

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        given = self.headers.get("Authorization", "")
        expected = f"Bearer {self.server.token}"
        if hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
            return True
        self._send(401, {"error": "missing or wrong admin token (Authorization: Bearer …)"})
        return False

    def _drain_body(self) -> bool:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True  # the unread body must not be taken for a request
            self._send(413, {"error": f"body over {MAX_BODY} bytes"})
            return False
        self.rfile.read(length)
        return True

    def do_GET(self) -> None:
        if self.path == "/healthz":
            ok, why = self.server.health()
            self._send(200 if ok else 503, {"status": "ok"} if ok else {"status": why})
        elif self.path == "/api/v1/status":
            if self._authorised():
                self._send(200, self.server.status())
        else:
            self._send(404, {"error": f"no such endpoint: GET {self.path}"})

    def do_POST(self) -> None:
        if not self._drain_body():
            return
        if self.path == "/api/v1/poll":
            if self._authorised():
                self.server.gateway.poll_now()
                self._send(202, {"status": "polling"})
        else:
            self._send(404, {"error": f"no such endpoint: POST {self.path}"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], gateway: Controls, token: str) -> None:
        super().__init__(address, _Handler)
        self.gateway = gateway
        self.token = token

    def health(self) -> tuple[bool, str]:
        if not self.gateway.running:
            return False, "stopped"
        try:
            with self.gateway.store.reading() as s:
                s.execute(text("SELECT 1"))
        except Exception:  # any database trouble is "unavailable"; the log has the detail
            log.warning("health check: database unreachable", exc_info=True)
            return False, "unavailable"
        return True, "ok"

    def status(self) -> dict[str, Any]:
        counts: dict[str, dict[str, int]] = {}
        for (kind, state), n in self.gateway.store.queue.counts().items():
            counts.setdefault(kind, {})[state.value] = n
        with self.gateway.store.reading() as s:
            docs = outbound_progress(s, limit=20)
        return {"queue": counts, "outbound": [_progress(d) for d in docs]}


class AdminApi:
    """``start()`` serves in a background thread; ``stop()`` closes the socket."""

    def __init__(self, gateway: Controls, *, host: str, port: int, token: str) -> None:
        if len(token) < 16:
            raise ValueError("the admin token must be at least 16 characters")
        if not (token.isascii() and token.isprintable()) or " " in token:
            raise ValueError("the admin token must be printable ASCII without spaces (HTTP header)")
        self._server = _Server((host, port), gateway, token)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="admin-api", daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for serve_forever: only if it runs
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
