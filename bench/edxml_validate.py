"""Validation throughput: ``validate_package`` on document packages with 10 KB, 1 MB, 50 MB files.

Run: ``.venv/bin/python -m bench.edxml_validate``. Prints one row per size: the time of each
stage (hardened parse, XSD, semantic checks) and of the whole call, and its throughput. The
packages are built here with a minimal template (one attachment of random bytes, so base64 and
any compression see realistic data); they are valid, and the bench asserts so.
"""

from __future__ import annotations

import base64
import os
import statistics
import time
from collections.abc import Callable
from functools import partial

from gateway import safexml
from gateway.edxml.checks import run_checks
from gateway.edxml.validation import validate_package
from gateway.schema import load_schema, validate_tree

_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXMLEnvelope>
    <edXMLHeader>
      <MessageHeader>
        <From><OrganId>000.00.00.G12</OrganId><OrganName>Bộ Công Thương</OrganName></From>
        <To><OrganId>000.00.00.H58</OrganId><OrganName>UBND tỉnh Đồng Tháp</OrganName></To>
        <DocumentId>000.00.00.G12,2024/09/20,4521/BCT-XNK</DocumentId>
        <Code><CodeNumber>4521</CodeNumber><CodeNotation>BCT-XNK</CodeNotation></Code>
        <PromulgationInfo><Place>Hà Nội</Place><PromulgationDate>2024/09/20</PromulgationDate>
        </PromulgationInfo>
        <DocumentType><Type>1</Type><TypeName>Công văn</TypeName></DocumentType>
        <Subject>V/v đo tốc độ kiểm tra gói tin có tệp đính kèm lớn</Subject>
      </MessageHeader>
      <TraceHeaderList>
        <TraceHeader><OrganId>000.00.00.G12</OrganId><Timestamp>2024/09/20 14:05:33</Timestamp>
        </TraceHeader>
      </TraceHeaderList>
    </edXMLHeader>
    <edXMLBody>
      <edXMLManifest version="1.0">
        <Reference><ContentId>cid:tep-1</ContentId><AttachmentName>tep.pdf</AttachmentName>
        </Reference>
      </edXMLManifest>
    </edXMLBody>
  </edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment><ContentId>cid:tep-1</ContentId><AttachmentName>tep.pdf</AttachmentName>
      <ContentType>application/pdf</ContentType>
      <ContentTransferEncoded>{content}</ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
"""

SIZES = [("10 KB", 10 * 1024, 50), ("1 MB", 1024 * 1024, 10), ("50 MB", 50 * 1024 * 1024, 3)]


def build_package(attachment_size: int) -> bytes:
    """A valid document package carrying ``attachment_size`` random bytes (76-column base64)."""
    encoded = base64.encodebytes(os.urandom(attachment_size)).decode("ascii")
    return _TEMPLATE.format(content=encoded).encode("utf-8")


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    load_schema("edoc")  # compile once, outside the timings (done once per process)
    header = (
        f"{'attachment':>10} {'package':>10} {'parse ms':>9} {'xsd ms':>8} {'checks ms':>10} "
        f"{'total ms':>9} {'MB/s':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, size, repeat in SIZES:
        data = build_package(size)
        report = validate_package(data)
        assert report.ok and not report.problems, report.problems
        tree = safexml.parse(data)
        parse_s = _median_seconds(partial(safexml.parse, data), repeat)
        xsd_s = _median_seconds(partial(validate_tree, tree, "edoc"), repeat)
        checks_s = _median_seconds(partial(run_checks, tree.getroot(), "edoc"), repeat)
        total_s = _median_seconds(partial(validate_package, data), repeat)
        megabytes = len(data) / (1024 * 1024)
        print(
            f"{label:>10} {megabytes:>8.2f}MB {parse_s * 1000:>9.1f} {xsd_s * 1000:>8.1f} "
            f"{checks_s * 1000:>10.1f} {total_s * 1000:>9.1f} {megabytes / total_s:>7.0f}"
        )


if __name__ == "__main__":
    main()
