"""The admin API over real HTTP on loopback, with a real (SQLite) store behind it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from gateway.api.admin import AdminApi
from gateway.store import Direction, DocumentRecord, Store, record_outbound

TOKEN = "ma-quan-tri-thu-nghiem-0123456789"
SUBJECT = "V/v báo cáo tình hình cung ứng xăng dầu tháng 11 năm 2026"


class FakeGateway:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.polls = 0
        self.up = True

    def poll_now(self) -> None:
        self.polls += 1

    @property
    def running(self) -> bool:
        return self.up


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[FakeGateway]:
    store = Store.open(None, tmp_path / "data")
    ref = store.put_package(b"<edXML>4521</edXML>")
    with store.transaction() as s:
        record_outbound(
            s,
            DocumentRecord(
                direction=Direction.OUT,
                sender="000.00.00.G12",
                recipients=("000.00.00.G10",),
                document_id="000.00.00.G12,2026/12/02,4521/BCT-TTTN",
                code_number="4521",
                code_notation="BCT-TTTN",
                subject=SUBJECT,
                promulgation_date=date(2026, 12, 2),
            ),
            ref,
        )
        store.queue.enqueue(s, "deliver", {"delivery": 1})
    yield FakeGateway(store)
    store.close()


@pytest.fixture
def api(gateway: FakeGateway) -> Iterator[str]:
    server = AdminApi(gateway, host="127.0.0.1", port=0, token=TOKEN)
    url = server.start()
    yield url
    server.stop()


def _auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_says_ok_without_a_token_and_nothing_more(api: str, gateway: FakeGateway) -> None:
    answer = httpx.get(f"{api}/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    gateway.up = False
    assert httpx.get(f"{api}/healthz").status_code == 503


def test_status_needs_the_token(api: str) -> None:
    assert httpx.get(f"{api}/api/v1/status").status_code == 401
    assert (
        httpx.get(f"{api}/api/v1/status", headers=_auth("sai-ma-quan-tri-roi-do")).status_code
        == 401
    )
    assert httpx.get(f"{api}/api/v1/status", headers={"Authorization": TOKEN}).status_code == 401


def test_status_shows_queue_and_outbound_documents_in_vietnamese(api: str) -> None:
    answer = httpx.get(f"{api}/api/v1/status", headers=_auth())
    assert answer.status_code == 200
    body = answer.json()
    assert body["queue"] == {"deliver": {"ready": 1}}
    [doc] = body["outbound"]
    assert doc["subject"] == SUBJECT
    assert doc["code"] == "4521/BCT-TTTN"
    assert doc["recipients"][0]["agency"] == "000.00.00.G10"
    assert doc["recipients"][0]["delivery"] == "pending"


def test_poll_on_demand(api: str, gateway: FakeGateway) -> None:
    assert httpx.post(f"{api}/api/v1/poll").status_code == 401
    assert gateway.polls == 0
    answer = httpx.post(f"{api}/api/v1/poll", headers=_auth())
    assert answer.status_code == 202
    assert gateway.polls == 1


def test_unknown_endpoints_and_oversized_bodies_are_refused(api: str) -> None:
    assert httpx.get(f"{api}/api/v1/nothing", headers=_auth()).status_code == 404
    assert httpx.post(f"{api}/api/v1/nothing", headers=_auth()).status_code == 404
    big = httpx.post(f"{api}/api/v1/poll", headers=_auth(), content=b"x" * (65 * 1024))
    assert big.status_code == 413


def test_listens_on_loopback_and_refuses_a_short_token(gateway: FakeGateway) -> None:
    with pytest.raises(ValueError, match="16 characters"):
        AdminApi(gateway, host="127.0.0.1", port=0, token="ngan")
    with pytest.raises(ValueError, match="ASCII"):
        AdminApi(gateway, host="127.0.0.1", port=0, token="mã-quản-trị-thử-nghiệm-0123")
    server = AdminApi(gateway, host="127.0.0.1", port=0, token=TOKEN)
    try:
        assert server.url.startswith("http://127.0.0.1:")
    finally:
        server.stop()
