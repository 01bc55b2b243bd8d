"""Every refusal of the simulator, as the client sees it, and the fault injection."""

from __future__ import annotations

import json
import socket
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.edxml import Organization, ResponseFor, StatusCode, StatusPackage, write_package
from gateway.edxml.timefmt import VN_TZ
from gateway.errors import AxisError, RetryableTransportError
from gateway.simulator import SimulatorServer
from gateway.simulator.auth import verify_request
from gateway.simulator.refusals import Refusal, Refused
from gateway.transport.vxp import VxpClient, VxpConfig
from gateway.transport.vxp.requests import SEND_EDOC, prepare_request
from gateway.transport.vxp.signing import FreshSigner

from .conftest import ADMIN_TOKEN, G12, G22, SECRETS, ClientFactory, make_config, package


def _code(error: pytest.ExceptionInfo[AxisError]) -> str | None:
    return error.value.code


def test_wrong_secret_is_a_signature_refusal_not_retryable(client_for: ClientFactory) -> None:
    bad = client_for(G12, secret="không-đúng")
    with pytest.raises(AxisError) as info:
        bad.get_agencies_list()
    assert _code(info) == Refusal.BAD_SIGNATURE.code
    assert info.value.status == 401 and not info.value.retryable
    assert "không-đúng" not in str(info.value)


def test_unknown_system(client_for: ClientFactory) -> None:
    stranger = client_for(G12, **{"system_id": "000.00.00.Z99"})
    with pytest.raises(AxisError) as info:
        stranger.count_receive_edoc()
    assert _code(info) == Refusal.UNKNOWN_SYSTEM.code


def test_stale_timestamp(client_for: ClientFactory) -> None:
    old = datetime.now(UTC) - timedelta(days=2)
    client = client_for(G12, clock=lambda: old)
    with pytest.raises(AxisError) as info:
        client.get_received_edoc_list()
    assert _code(info) == Refusal.STALE_TIMESTAMP.code


def test_window_zero_disables_the_freshness_check(tmp_path: Path) -> None:
    config = replace(make_config(tmp_path / "w.sqlite3"), timestamp_window_seconds=0)
    with SimulatorServer(config, port=0) as sim:
        old = datetime(2020, 1, 1, tzinfo=UTC)
        with VxpClient(VxpConfig(sim.url, G12, SECRETS[G12], clock=lambda: old)) as client:
            assert client.count_receive_edoc() == 0


def test_from_differing_from_the_registered_system(sim: SimulatorServer) -> None:
    """A signed request whose `from` names another system is refused (107)."""
    signer = FreshSigner(G12, lambda: datetime.now(UTC))
    data = package("edoc-g12-to-g22.edxml")
    params = [("from", G22), ("servicetype", "eDoc"), ("messagetype", "edoc")]
    prepared = prepare_request(SEND_EDOC, params, signer=signer, secret=SECRETS[G12], payload=data)
    answer = httpx.post(
        sim.url + "/sendEdoc",
        headers=[(k.encode(), v.encode()) for k, v in prepared.headers],
        content=prepared.body,
    )
    assert answer.status_code == 403
    assert answer.content.isascii()
    doc = answer.json()
    assert (doc["status"], doc["ErrorCode"], doc["DocId"]) == ("FAIL", "107", "")


def test_unknown_agency_in_to(client_for: ClientFactory) -> None:
    with pytest.raises(AxisError) as info:
        client_for(G12).send_edoc(package("edoc-g12-to-g22.edxml"), to=["000.00.00.X00"])
    assert _code(info) == Refusal.UNKNOWN_AGENCY.code
    assert "000.00.00.X00" in (info.value.description or "")


def test_sender_agency_must_belong_to_the_sending_system(client_for: ClientFactory) -> None:
    with pytest.raises(AxisError) as info:
        client_for(G22).send_edoc(package("edoc-g12-to-g22.edxml"))
    assert _code(info) == Refusal.AGENCY_NOT_OWNED.code


def test_package_kind_must_match_messagetype(client_for: ClientFactory) -> None:
    with pytest.raises(AxisError) as info:
        client_for(G22).send_edoc(package("status-03-g22-to-g12.edxml"), message_type="edoc")
    assert _code(info) == Refusal.BAD_PACKAGE.code


def test_tampered_header_value_is_refused(sim: SimulatorServer) -> None:
    signer = FreshSigner(G12, lambda: datetime.now(UTC))
    prepared = prepare_request(
        SEND_EDOC,
        [("from", G12), ("servicetype", "eDoc"), ("messagetype", "edoc")],
        signer=signer,
        secret=SECRETS[G12],
        payload=package("edoc-g12-to-g22.edxml"),
    )
    headers = [(k, "status" if k == "XroadVnpt-messagetype" else v) for k, v in prepared.headers]
    answer = httpx.post(
        sim.url + "/sendEdoc",
        headers=[(k.encode(), v.encode()) for k, v in headers],
        content=prepared.body,
    )
    assert answer.json()["ErrorCode"] == Refusal.SIGN_HEADER_MISMATCH.code


def test_tampered_body_is_refused(sim: SimulatorServer) -> None:
    signer = FreshSigner(G12, lambda: datetime.now(UTC))
    prepared = prepare_request(
        SEND_EDOC,
        [("from", G12), ("servicetype", "eDoc"), ("messagetype", "edoc")],
        signer=signer,
        secret=SECRETS[G12],
        payload=package("edoc-g12-to-g22.edxml"),
    )
    body = (prepared.body or b"").replace("gạo".encode(), "ngô".encode())
    answer = httpx.post(
        sim.url + "/sendEdoc",
        headers=[(k.encode(), v.encode()) for k, v in prepared.headers],
        content=body,
    )
    assert answer.json()["ErrorCode"] == Refusal.HASH_FILE_MISMATCH.code


def test_unsigned_download_is_refused(sim: SimulatorServer) -> None:
    answer = httpx.get(sim.url + "/downloadEdoc?docId=x")
    assert answer.status_code == 401
    assert answer.json()["ErrorCode"] == Refusal.MISSING_HEADERS.code


def test_the_simulator_accepts_every_captured_sdk_request(vectors_dir: Path) -> None:
    """The verifier, written independently of the signer, accepts all 36 SDK requests."""
    lines = (vectors_dir / "vxp-sdk-requests.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines if x]
    checked = 0
    for record in records:
        if record.get("timestamp") is None:
            continue
        verified = verify_request(
            [tuple(h) for h in record["headers"]],
            {"000.00.00.G12": "vectors-only-secret-1"},
            now=datetime.now(UTC),
            window_seconds=0,
        )
        assert verified.system_id == "000.00.00.G12"
        checked += 1
        with pytest.raises(Refused) as info:
            verify_request(
                [tuple(h) for h in record["headers"]],
                {"000.00.00.G12": "another-secret"},
                now=datetime.now(UTC),
                window_seconds=0,
            )
        assert info.value.refusal is Refusal.BAD_SIGNATURE
    assert checked == 36


def test_expect_100_continue_is_answered_before_the_body(sim: SimulatorServer) -> None:
    host, port = sim.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(
            b"POST /countReceiveEdoc HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 2\r\nExpect: 100-continue\r\n\r\n"
        )
        interim = conn.recv(1024)
        assert interim.startswith(b"HTTP/1.1 100 Continue")
        conn.sendall(b"{}")
        final = conn.recv(4096)
        assert b" 401 " in final.split(b"\r\n", 1)[0]


def _admin(sim: SimulatorServer, body: dict[str, Any] | None, token: str = ADMIN_TOKEN) -> Any:
    request = urllib.request.Request(
        sim.url + "/_admin/faults",
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + token},
        method="GET" if body is None else "POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def test_admin_endpoint_needs_the_token(sim: SimulatorServer) -> None:
    answer = httpx.get(sim.url + "/_admin/faults", headers={"Authorization": "Bearer sai"})
    assert answer.status_code == 401
    assert _admin(sim, None)["error_rate"] == 0.0


def test_injected_errors_are_retryable(sim: SimulatorServer, client_for: ClientFactory) -> None:
    _admin(sim, {"error_rate": 1.0, "operations": ["getReceivedEdocList"]})
    client = client_for(G12)
    with pytest.raises(AxisError) as info:
        client.get_received_edoc_list()
    assert info.value.retryable and info.value.status == 503
    assert _code(info) == Refusal.INJECTED_ERROR.code
    assert client.count_receive_edoc() == 0  # other operations unaffected
    _admin(sim, {"error_rate": 0.0})
    assert client.get_received_edoc_list() == ()


def test_outage_drops_connections_retryably(
    sim: SimulatorServer, client_for: ClientFactory
) -> None:
    _admin(sim, {"outage_seconds": 60})
    with pytest.raises(RetryableTransportError):
        client_for(G12).get_agencies_list()
    _admin(sim, {"clear_outages": True})
    assert client_for(G12).get_agencies_list()


def test_truncated_answers_are_retryable(sim: SimulatorServer, client_for: ClientFactory) -> None:
    _admin(sim, {"truncate_rate": 1.0})
    with pytest.raises(RetryableTransportError):
        client_for(G12).get_agencies_list()


def test_latency_beyond_the_client_timeout_is_retryable(
    sim: SimulatorServer, client_for: ClientFactory
) -> None:
    _admin(sim, {"latency_ms": 1500})
    with pytest.raises(RetryableTransportError, match="timed out"):
        client_for(G12, timeout=0.3).count_receive_status()
    _admin(sim, {"latency_ms": 0})


def test_issuers_own_status_goes_to_the_named_recipients_and_needs_them(
    client_for: ClientFactory,
) -> None:
    """A 13 (take-back request) from the issuer is routed by `to`, not back to the issuer."""
    take_back = write_package(
        StatusPackage(
            from_=Organization(organ_id=G12),
            response_for=ResponseFor(
                code="4521/BCT-TTTN", document_id=f"{G12},2026/12/02,4521/BCT-TTTN", organ_id=G12
            ),
            status_code=StatusCode("13"),
            timestamp=datetime(2026, 12, 2, 9, 30, tzinfo=VN_TZ),
            description="Đề nghị trả lại văn bản do ban hành nhầm",
        )
    )
    moit, vpcp = client_for(G12), client_for(G22)
    with pytest.raises(AxisError) as refused:
        moit.send_edoc(take_back, message_type="status")
    assert refused.value.code == "204"
    moit.send_edoc(take_back, message_type="status", to=[G22])
    waiting = vpcp.get_received_edoc_list("status")
    assert [w.sender for w in waiting] == [G12]
    assert not moit.get_received_edoc_list("status")
