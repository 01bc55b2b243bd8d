"""The client on the wire (httpx mock transport): headers, bodies, strict answers, secrets."""

from __future__ import annotations

import datetime as dt
import json
import logging
import ssl
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway.errors import AxisError, ConfigError, RetryableTransportError, TransportError
from gateway.transport.vxp import VxpClient, VxpConfig
from gateway.transport.vxp.signing import VN_OFFSET

SECRET = "vectors-only-secret-1"
OK = {"status": "OK", "ErrorCode": "0", "ErrorDesc": "Thành công"}


def _client(handler: httpx.MockTransport, **changes: object) -> VxpClient:
    config = VxpConfig(
        endpoint="http://axis.test",
        system_id="000.00.00.G12",
        secret=SECRET,
        clock=lambda: dt.datetime(2026, 11, 22, 13, 1, 8, 539_000, tzinfo=VN_OFFSET),
    )
    return VxpClient(replace(config, **changes), transport=handler)  # type: ignore[arg-type]


def _json(doc: object, status: int = 200) -> httpx.Response:
    return httpx.Response(status, content=json.dumps(doc).encode())


def test_wire_headers_keep_the_sdk_order_and_values(vectors_dir: Path) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _json({**OK, "data": []})

    _client(httpx.MockTransport(handler)).get_received_edoc_list("edoc")
    record = next(
        json.loads(line)
        for line in (vectors_dir / "vxp-sdk-requests.jsonl").read_text().splitlines()
        if json.loads(line)["seq"] == 9
    )
    request = seen[0]
    assert request.method == "POST" and request.url.path == "/getReceivedEdocList"
    assert request.content == b""
    ours = [(k, v) for k, v in request.headers.multi_items() if k.lower().startswith("xroadvnpt")]
    theirs = [(k.lower(), v) for k, v in record["sdk_headers"] if k.startswith("XroadVnpt")]
    assert ours == theirs  # same recorded timestamp 22112026T130108+0539 -> same HMAC
    assert request.headers["user-agent"] == "JAVASDKAgent/1.0.0 XRoad/VPCP"


def test_send_edoc_body_is_the_package_plus_crlf() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _json({**OK, "DocId": "d-1"})

    package = "<edXML>Bộ Công Thương</edXML>".encode()
    result = _client(httpx.MockTransport(handler)).send_edoc(
        package, to=["000.00.00.G22", "000.00.00.H41"]
    )
    assert result.doc_id == "d-1"
    assert seen[0].content == package + b"\r\n"
    assert seen[0].headers["xroadvnpt-to"] == '["000.00.00.G22","000.00.00.H41"]'
    assert seen[0].headers["content-type"] == "application/octet-stream"


@pytest.mark.parametrize(
    ("body", "status", "retryable"),
    [
        (b"<html>proxy error</html>", 200, True),  # the SDK would report an empty success
        (b'{"status":"OK","ErrorCode":"0","ErrorDesc":"x","data":{}}', 200, True),
        (b'{"status":"OK","ErrorCode":"0"}', 200, True),
        (b'{"status":"FAIL","ErrorCode":"17","ErrorDesc":"Sai"}', 200, False),
        (b'{"status":"OK","ErrorCode":"3","ErrorDesc":"Sai"}', 200, False),
        (b'{"status":"FAIL","ErrorCode":"103","ErrorDesc":"Chu ky"}', 401, False),
        (b"gateway timeout", 504, True),
    ],
)
def test_bad_answers_map_to_axis_errors(body: bytes, status: int, retryable: bool) -> None:
    client = _client(httpx.MockTransport(lambda r: httpx.Response(status, content=body)))
    with pytest.raises(AxisError) as info:
        client.get_received_edoc_list()
    assert info.value.retryable is retryable


def test_axis_error_keeps_the_axis_words() -> None:
    doc = {"status": "FAIL", "ErrorCode": "201", "ErrorDesc": "Mã định danh không tồn tại"}
    client = _client(httpx.MockTransport(lambda r: _json(doc)))
    with pytest.raises(AxisError) as info:
        client.delete_agency("000.00.00.X00")
    assert (info.value.code, info.value.description) == ("201", "Mã định danh không tồn tại")


def test_connection_errors_are_retryable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(RetryableTransportError):
        _client(httpx.MockTransport(handler)).count_receive_edoc()


def test_get_edoc_decodes_base64_strictly() -> None:
    good = _client(httpx.MockTransport(lambda r: _json({**OK, "data": "PGVkWE1MLz4="})))
    assert good.get_edoc("x") == b"<edXML/>"
    bad = _client(httpx.MockTransport(lambda r: _json({**OK, "data": "không phải base64"})))
    with pytest.raises(AxisError, match="base64"):
        bad.get_edoc("x")


def test_answers_beyond_the_size_limit_are_cut_off() -> None:
    big = {**OK, "data": [{"docId": str(i)} for i in range(2000)]}
    client = _client(httpx.MockTransport(lambda r: _json(big)), max_response_bytes=1024)
    with pytest.raises(TransportError, match="exceeds the limit"):
        client.get_received_edoc_list()


def test_secret_never_appears_in_logs_reprs_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    doc = {"status": "FAIL", "ErrorCode": "103", "ErrorDesc": "sai chữ ký"}
    client = _client(httpx.MockTransport(lambda r: _json(doc, 401)))
    with pytest.raises(AxisError) as info:
        client.get_agencies_list()
    texts = [repr(client.config), repr(client), str(info.value), caplog.text]
    texts += [r.getMessage() for r in caplog.records]
    assert caplog.records  # something was logged, and none of it holds the secret
    assert all(SECRET not in text for text in texts)


def test_https_requires_a_ca_bundle() -> None:
    with pytest.raises(ConfigError, match="CA bundle"):
        VxpConfig(endpoint="https://axis.example.vn", system_id="x", secret="s")


def test_tls_trusts_only_the_configured_bundle(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Trục thử nghiệm CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    bundle = tmp_path / "axis-ca.pem"
    bundle.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    config = VxpConfig(
        endpoint="https://axis.example.vn", system_id="x", secret="s", ca_bundle=bundle
    )
    context = config.ssl_context()
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert len(context.get_ca_certs()) == 1  # our bundle, not the system store
