"""Round trips per second against the axis simulator on loopback.

One round trip = sendEdoc (system A) + getReceivedEdocList + getEdoc + updateStatus done
(system B), with a ~100 KB Vietnamese package. Run: ``.venv/bin/python -m bench.vxp_roundtrip``.
"""

from __future__ import annotations

import argparse
import base64
import os
import statistics
import tempfile
import time
from pathlib import Path

from gateway.simulator import AgencyConfig, SimulatorConfig, SimulatorServer, SystemConfig
from gateway.transport.vxp import VxpClient, VxpConfig

A, B = "000.00.00.G12", "000.00.00.G22"
SECRETS = {A: "bench-secret-a", B: "bench-secret-b"}


def package(size: int) -> bytes:
    filler = base64.b64encode(os.urandom(size * 3 // 4)).decode()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader>'
        f"<MessageHeader><From><OrganId>{A}</OrganId></From><To><OrganId>{B}</OrganId></To>"
        "<Code><CodeNumber>7</CodeNumber><CodeNotation>BCT-KH</CodeNotation></Code>"
        "<Subject>Đo hiệu năng trao đổi văn bản qua trục liên thông</Subject></MessageHeader>"
        "</edXMLHeader></edXMLEnvelope><AttachmentEncoded><Attachment>"
        f"<ContentTransferEncoded>{filler}</ContentTransferEncoded>"
        "</Attachment></AttachmentEncoded></edXML>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--size", type=int, default=100 * 1024)
    args = parser.parse_args()
    data = package(args.size)
    with tempfile.TemporaryDirectory() as tmp:
        config = SimulatorConfig(
            systems=(SystemConfig(A, SECRETS[A]), SystemConfig(B, SECRETS[B])),
            agencies=(AgencyConfig(A, A, "Bộ Công Thương"), AgencyConfig(B, B, "VPCP")),
            port=0,
            db=Path(tmp) / "bench.sqlite3",
        )
        with SimulatorServer(config) as sim:
            a = VxpClient(VxpConfig(sim.url, A, SECRETS[A]))
            b = VxpClient(VxpConfig(sim.url, B, SECRETS[B]))
            times: list[float] = []
            for _ in range(args.rounds):
                started = time.perf_counter()
                a.send_edoc(data)
                (item,) = b.get_received_edoc_list()
                assert b.get_edoc(item.doc_id) == data
                b.update_status(item.doc_id, "done")
                times.append(time.perf_counter() - started)
            a.close()
            b.close()
    total = sum(times)
    print(f"{'package bytes':<28}{len(data):>12}")
    print(f"{'round trips':<28}{args.rounds:>12}")
    print(f"{'round trips / s':<28}{args.rounds / total:>12.1f}")
    print(f"{'median ms / round trip':<28}{statistics.median(times) * 1000:>12.2f}")
    print(f"{'p95 ms / round trip':<28}{sorted(times)[int(len(times) * 0.95)] * 1000:>12.2f}")


if __name__ == "__main__":
    main()
