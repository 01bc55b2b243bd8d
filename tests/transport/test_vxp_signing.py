"""The signer reproduces every request the official Java SDK 2.0.1 sent, byte for byte."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import string
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gateway.transport.vxp.requests import OPERATIONS, prepare_request
from gateway.transport.vxp.results import AgencyRegistration
from gateway.transport.vxp.signing import (
    VN_OFFSET,
    FreshSigner,
    JavaHashMap,
    SharedModeSigner,
    gson_quote,
    java_string_hash,
    sdk_hash_file,
    sdk_timestamp,
)

SYSTEM_ID = "000.00.00.G12"
SECRET = "vectors-only-secret-1"


def _records(vectors_dir: Path) -> list[dict[str, Any]]:
    path = vectors_dir / "vxp-sdk-requests.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _params(record: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for key, value in json.loads(record["params"]).items():
        text = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
        out.append((key, text))
    return out


def _payload(record: dict[str, Any], vectors_dir: Path) -> bytes | None:
    if record.get("sample_file"):
        return (vectors_dir / record["sample_file"]).read_bytes()
    if record.get("data"):
        return str(record["data"]).encode("utf-8")
    return None


def _clock_of(stamp: str) -> datetime:
    """The recorded timestamp as an aware datetime (fed instead of the clock)."""
    day, month, year = int(stamp[0:2]), int(stamp[2:4]), int(stamp[4:8])
    hh, mm, ss, ms = int(stamp[9:11]), int(stamp[11:13]), int(stamp[13:15]), int(stamp[16:20])
    return datetime(year, month, day, hh, mm, ss, ms * 1000, tzinfo=VN_OFFSET)


def _check(record: dict[str, Any], prepared: Any) -> None:
    expected = [tuple(h) for h in record["sdk_headers"]]
    assert list(prepared.headers) == expected, record["case"]
    sign_header = dict(expected)["XroadVnpt-sign-header"]
    assert prepared.signed.sign_header == sign_header
    assert prepared.signed.hash_header == dict(expected)["XroadVnpt-hash-header"]
    body = prepared.body or b""
    assert len(body) == record["body_size"]
    assert hashlib.sha256(body).hexdigest() == record["body_sha256"]


def test_every_fresh_request_is_rebuilt_byte_for_byte(vectors_dir: Path) -> None:
    fresh = [
        r for r in _records(vectors_dir) if r["mode"] == "fresh" and r["case"] != "downloadEdoc2"
    ]
    assert len(fresh) == 18
    for record in fresh:
        clock_value = _clock_of(record["timestamp"])
        signer = FreshSigner(SYSTEM_ID, lambda v=clock_value: v)  # type: ignore[misc]
        prepared = prepare_request(
            OPERATIONS[record["operation"]],
            _params(record),
            signer=signer,
            secret=SECRET,
            payload=_payload(record, vectors_dir),
        )
        _check(record, prepared)


def test_shared_mode_accumulation_is_reproduced(vectors_dir: Path) -> None:
    """One signer per SDK object (AgencyServiceImp, KnobstickServiceImp), first timestamp kept."""
    shared = [
        r for r in _records(vectors_dir) if r["mode"] == "shared" and r["case"] != "downloadEdoc2"
    ]
    assert len(shared) == 18
    signers: dict[str, SharedModeSigner] = {}
    for record in shared:
        owner = record["sdk_call"].split(".")[0]
        signer = signers.setdefault(owner, SharedModeSigner(SYSTEM_ID, record["timestamp"]))
        prepared = prepare_request(
            OPERATIONS[record["operation"]],
            _params(record),
            signer=signer,
            secret=SECRET,
            payload=_payload(record, vectors_dir),
        )
        _check(record, prepared)


def test_hash_file_drops_zero_padding(vectors_dir: Path) -> None:
    data = (vectors_dir / "sample-edoc.edxml").read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "ba2dd126c53d599c9bcc4803f41e162cc7ce53688358783707b473724988cac5"
    )
    assert sdk_hash_file(data) == "ba2dd126c53d599c9bcc483f41e162cc7ce5368835878377b473724988cac5"


def test_timestamp_format_is_vietnam_time_with_four_digit_millis() -> None:
    moment = datetime(2026, 11, 22, 6, 1, 8, 539_000, tzinfo=UTC)
    assert sdk_timestamp(moment) == "22112026T130108+0539"
    with pytest.raises(ValueError, match="aware"):
        sdk_timestamp(datetime(2026, 11, 22))


def test_register_agency_body_matches_the_sdk(vectors_dir: Path) -> None:
    record = next(r for r in _records(vectors_dir) if r["case"] == "registerAgency")
    data = json.loads(record["data"])
    registration = AgencyRegistration(
        id=data["id"],
        pcode=data["pcode"],
        code=data["code"],
        name=data["name"],
        mail=data["mail"],
        mobile=data["mobile"],
        fax=data["fax"],
    )
    assert hashlib.sha256(registration.to_json_bytes()).hexdigest() == record["body_sha256"]


def test_gson_escaping() -> None:
    assert gson_quote('a"b\\c') == '"a\\"b\\\\c"'
    assert gson_quote("\t\n\r\b\f") == '"\\t\\n\\r\\b\\f"'
    assert gson_quote("\x01\x1f") == '"\\u0001\\u001f"'
    assert gson_quote("\u2028\u2029") == '"\\u2028\\u2029"'
    assert gson_quote("Bộ Công Thương <&='/>") == '"Bộ Công Thương <&=\'/>"'


def test_java_string_hash_known_values() -> None:
    assert java_string_hash("") == 0
    assert java_string_hash("timestamp") == 55126294
    assert java_string_hash("Content-Type") == 949037134
    assert java_string_hash("Thương") == java_string_hash("Th" + "ương")


def test_resize_past_twelve_keys_reorders_by_the_new_capacity() -> None:
    table = JavaHashMap()
    keys = [f"k{i}" for i in range(13)]
    for key in keys:
        table.put(key, "v")
    assert table.capacity == 32
    assert sorted(table.keys()) == sorted(keys)


_JAVA_SOURCE = """
import java.util.*;
public class HashOrder {
    public static void main(String[] a) throws Exception {
        java.io.BufferedReader r = new java.io.BufferedReader(
            new java.io.InputStreamReader(System.in, "UTF-8"));
        String line;
        while ((line = r.readLine()) != null) {
            HashMap<String, String> m = new HashMap<>();
            for (String k : line.split("\\t", -1)) m.put(k, "v");
            System.out.println(String.join("\\t", m.keySet()));
        }
    }
}
"""


@pytest.mark.skipif(shutil.which("java") is None, reason="no java on PATH to compare with")
def test_hashmap_order_matches_real_java(tmp_path: Path) -> None:
    rng = random.Random(20261122)
    alphabet = string.ascii_letters + string.digits + "-_.;ăơưđ"
    cases = []
    for _ in range(300):
        size = rng.randint(1, 40)
        keys = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(size)
        ]
        # re-puts as well: duplicates keep their first position
        keys += rng.sample(keys, k=min(3, len(keys)))
        cases.append(keys)
    source = tmp_path / "HashOrder.java"
    source.write_text(_JAVA_SOURCE, encoding="utf-8")
    stdin = "\n".join("\t".join(keys) for keys in cases) + "\n"
    done = subprocess.run(
        ["java", str(source)],
        check=False,
        input=stdin.encode("utf-8"),
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode()
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == len(cases)
    for keys, line in zip(cases, lines, strict=True):
        table = JavaHashMap()
        for key in keys:
            table.put(key, "v")
        assert list(table.keys()) == line.split("\t"), keys
