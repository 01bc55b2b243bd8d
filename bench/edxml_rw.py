"""Write and read speed and peak memory of edXML packages with 10 KB, 1 MB and 50 MB files.

Run: ``.venv/bin/python -m bench.edxml_rw`` (add ``--quick`` to skip the 50 MB rows).

Peak memory is what :mod:`tracemalloc` sees (Python allocations) while one package is written
or read, excluding the input that already existed; libxml2's own buffers (the parse tree) are
C allocations it cannot see, so the process RSS high-water mark is printed too.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
import tracemalloc
from collections.abc import Callable
from datetime import date

from gateway.edxml import (
    Attachment,
    Code,
    EdocPackage,
    Organization,
    PromulgationInfo,
    WriteOptions,
    read_package,
    write_package,
)

_KiB = 1024
_MiB = 1024 * 1024


def _package(size: int) -> EdocPackage:
    data = random.Random(size).randbytes(size)  # incompressible, like a scanned PDF
    return EdocPackage(
        from_=Organization(organ_id="000.00.00.G12", organ_name="Bộ Công Thương"),
        to=(Organization(organ_id="000.00.00.G13", organ_name="Bộ Tài chính"),),
        document_id="000.00.00.G12,2026/03/02,1234/BCT-XNK",
        code=Code(code_number="1234", code_notation="BCT-XNK"),
        promulgation_info=PromulgationInfo(place="Hà Nội", promulgation_date=date(2026, 3, 2)),
        subject="V/v phối hợp cung cấp số liệu xuất khẩu, nhập khẩu quý I năm 2026",
        attachments=(
            Attachment(
                content_id="1", name="Báo cáo.pdf", data=data, content_type="application/pdf"
            ),
        ),
    )


def _peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    result = action()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    return peak


def _rate(action: Callable[[], object], budget: float) -> float:
    count, started = 0, time.perf_counter()
    while True:
        action()
        count += 1
        elapsed = time.perf_counter() - started
        if elapsed >= budget or count >= 2000:
            return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 50 MB rows")
    args = parser.parse_args()
    sizes = [10 * _KiB, _MiB] + ([] if args.quick else [50 * _MiB])
    header = f"{'file':>7} {'mode':>4} {'package':>10} {'write/s':>8} {'read/s':>8} {'write peak':>11} {'read peak':>10}"  # noqa: E501
    print(header)
    print("-" * len(header))
    for size in sizes:
        package = _package(size)
        for zipped in (False, True):
            print(_row(package, size, zipped))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(f"\npeak = tracemalloc peak / package size; process RSS high-water mark {_human(rss)}")


def _row(package: EdocPackage, size: int, zipped: bool) -> str:
    options = WriteOptions(zip_attachments=zipped)
    data = write_package(package, options=options)
    budget = 2.0 if size < 50 * _MiB else 0.1

    def write() -> bytes:
        return write_package(package, options=options)

    def read() -> object:
        return read_package(data)

    write_rate, read_rate = _rate(write, budget), _rate(read, budget)
    write_peak, read_peak = _peak(write), _peak(read)
    return (
        f"{_human(size):>7} {'zip' if zipped else 'raw':>4} {_human(len(data)):>10} "
        f"{write_rate:>8.1f} {read_rate:>8.1f} "
        f"{write_peak / len(data):>10.2f}x {read_peak / len(data):>9.2f}x"
    )


def _human(size: int) -> str:
    for unit, scale in (("MB", _MiB), ("KB", _KiB)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


if __name__ == "__main__":
    main()
