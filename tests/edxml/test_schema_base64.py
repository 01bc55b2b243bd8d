"""The sliced base64 scan agrees with a whole-string strict decode, across slice boundaries."""

from __future__ import annotations

import base64
import binascii
import random

import pytest

from gateway.edxml import checks


def strict_ok(text: str) -> bool:
    try:
        binascii.a2b_base64(text.encode("ascii").translate(None, b" \t\r\n"), strict_mode=True)
    except (binascii.Error, UnicodeEncodeError):
        return False
    return True


@pytest.mark.parametrize("chunk", [1, 3, 4, 5, 7, 64, 4 * 1024 * 1024])
def test_scan_agrees_with_whole_decode(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(checks, "_SCAN_CHUNK", chunk)
    rng = random.Random(chunk)
    samples = []
    for size in (0, 1, 2, 3, 4, 5, 31, 57, 58, 100):
        data = rng.randbytes(size)
        samples.append(base64.b64encode(data).decode())
        samples.append(base64.encodebytes(data).decode())
    samples += [
        "QQ==QQ==",  # padding in the middle
        "QUJD\nRA==\nRUZH",  # data after padding, on separate lines
        "QUJDRA=",  # short padding
        "QUJ!RA==",
        "QUJDRA==\n\n  ",
        "Q",
        "QU JD\tRA\r\n==",
        "Cô==",
    ]
    for text in samples:
        head, why = checks._scan_base64(text)
        assert (why is None) == strict_ok(text), (chunk, text, why)
        if why is None and text.strip():
            assert head == binascii.a2b_base64(text.encode())[:4]


def test_zip_head_is_found_across_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "_SCAN_CHUNK", 3)
    head, why = checks._scan_base64(base64.encodebytes(b"PK\x03\x04" + b"x" * 90).decode())
    assert why is None
    assert head == b"PK\x03\x04"
