"""The simulator answers in the shapes the official SDK reads (vxp-responses.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from gateway.simulator import SimulatorServer
from gateway.transport.vxp.config import utc_now as utc_now_for_tests
from gateway.transport.vxp.requests import OPERATIONS, prepare_request
from gateway.transport.vxp.signing import FreshSigner

from .conftest import G12, G22, SECRETS, ClientFactory


def _raw(
    sim: SimulatorServer,
    system: str,
    operation: str,
    params: list[tuple[str, str]],
    payload: bytes | None = None,
) -> httpx.Response:
    prepared = prepare_request(
        OPERATIONS[operation],
        params,
        signer=FreshSigner(system, utc_now_for_tests),
        secret=SECRETS[system],
        payload=payload,
    )
    return httpx.request(
        prepared.operation.method,
        sim.url + "/" + operation,
        headers=[(k.encode(), v.encode()) for k, v in prepared.headers],
        content=prepared.body,
    )


def _keys_cover(expected: Any, actual: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing"
            _keys_cover(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list) and expected:
        assert isinstance(actual, list) and actual, f"{where}: empty list"
        for index, item in enumerate(actual):
            _keys_cover(expected[0], item, f"{where}[{index}]")
    else:
        assert type(actual) is type(expected), f"{where}: {type(actual)} vs {type(expected)}"


def test_every_answer_has_the_fields_the_sdk_reads(
    sim: SimulatorServer, client_for: ClientFactory, vectors_dir: Path
) -> None:
    shapes = json.loads((vectors_dir / "vxp-responses.json").read_text(encoding="utf-8"))
    served = {name: op["served_body"] for name, op in shapes["operations"].items()}
    edoc = (vectors_dir / "sample-edoc.edxml").read_bytes()
    status = (vectors_dir / "sample-status-03.edxml").read_bytes()
    # the vectors' own packages, routed by their content: G12 -> G22 + H41, status G22 -> G12
    sent = _raw(
        sim,
        G12,
        "sendEdoc",
        [("from", G12), ("servicetype", "eDoc"), ("messagetype", "edoc")],
        edoc,
    )
    assert sent.headers["content-type"] == "application/json"
    assert sent.content.isascii()
    _keys_cover(served["sendEdoc"], sent.json(), "sendEdoc")
    doc_id = sent.json()["DocId"]
    status_sent = _raw(
        sim,
        G22,
        "sendEdoc",
        [("from", G22), ("servicetype", "eDoc"), ("messagetype", "status")],
        status,
    )
    _keys_cover(served["sendEdoc"], status_sent.json(), "sendEdoc-status")
    received = _raw(
        sim, G22, "getReceivedEdocList", [("servicetype", "eDoc"), ("messagetype", "edoc")]
    ).json()
    _keys_cover(served["getReceivedEdocList-edoc"], received, "getReceivedEdocList-edoc")
    delivery = received["data"][0]["docId"]
    statuses = _raw(
        sim, G12, "getReceivedEdocList", [("servicetype", "eDoc"), ("messagetype", "status")]
    ).json()
    _keys_cover(served["getReceivedEdocList-status"], statuses, "getReceivedEdocList-status")
    got = _raw(sim, G22, "getEdoc", [("docId", delivery), ("filePath", "xml")]).json()
    _keys_cover(served["getEdoc-edoc"], got, "getEdoc")
    assert got["data"] == served["getEdoc-edoc"]["data"]  # same package, same base64
    down = _raw(sim, G22, "downloadEdoc", [("docId", delivery), ("filePath", "xml")])
    assert down.content == edoc
    for name, params in [
        ("getSentEdocList", [("servicetype", "eDoc"), ("messagetype", "edoc"), ("docId", doc_id)]),
        ("getAgenciesList", []),
        ("getAgenciesListQD20", [("level", "1")]),
        ("getSynchronizeUnit", []),
        ("countReceiveEdoc", []),
        ("countReceiveStatus", []),
    ]:
        answer = _raw(sim, G12, name, params)
        assert answer.headers["content-type"] == "application/json; charset=UTF-8"
        _keys_cover(served[name], answer.json(), name)
    upd = _raw(sim, G22, "updateStatus", [("docId", delivery), ("status", "done")]).json()
    _keys_cover(served["updateStatus"], upd, "updateStatus")
    reg = _raw(
        sim,
        G12,
        "registerAgency",
        [],
        json.dumps(
            {
                "id": "",
                "pcode": G12,
                "code": "000.02.00.G12",
                "name": "Cục Xúc tiến thương mại",
                "mail": "",
                "mobile": "",
                "fax": "",
            },
            ensure_ascii=False,
        ).encode(),
    )
    _keys_cover(served["registerAgency"], reg.json(), "registerAgency")
    dele = _raw(sim, G12, "deleteAgency", [("AgencyCode", "000.02.00.G12")]).json()
    _keys_cover(served["deleteAgency"], dele, "deleteAgency")
