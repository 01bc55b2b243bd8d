"""Names from partners: whatever comes in, what goes to disk is one harmless component."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.dropfolder.names import (
    MAX_NAME_BYTES,
    check_plain_name,
    key_folder_name,
    sanitize_name,
    unique_name,
)
from gateway.errors import BackOfficeDataError

RESERVED = (
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


def assert_harmless(name: str) -> None:
    assert name and name not in (".", "..")
    assert ".." not in name
    assert not any(ch in name for ch in '/\\<>:"|?*')
    assert all(
        unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for ch in name
    )
    assert name == name.strip(" .")
    assert name.split(".", 1)[0].rstrip(" ").upper() not in RESERVED
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert unicodedata.is_normalized("NFC", name)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=300))
def test_any_text_becomes_a_harmless_name(text: str) -> None:
    assert_harmless(sanitize_name(text))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a.pdf", "A.PDF", "Công văn.pdf", "CÔNG VĂN.PDF", "x", "X"]), max_size=30
    )
)
def test_unique_names_never_collide_ignoring_case(names: list[str]) -> None:
    taken: set[str] = set()
    out = [unique_name(sanitize_name(n), taken) for n in names]
    assert len({o.casefold() for o in out}) == len(out)
    for o in out:
        assert_harmless(o)


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("Công văn số 12-BCT.pdf", "Công văn số 12-BCT.pdf"),
        (unicodedata.normalize("NFD", "Quyết định 35.docx"), "Quyết định 35.docx"),
        ("../../etc/passwd", "_._etc_passwd"),
        ("CON.pdf", "_CON.pdf"),
        ("com3", "_com3"),
        ("Tờ trình\ttháng 6.pdf", "Tờ trình tháng 6.pdf"),
        ("a\u202etxt.exe", "a_txt.exe"),
        ("...", "tep-dinh-kem"),
        ("", "tep-dinh-kem"),
    ],
)
def test_known_names(given_name: str, expected: str) -> None:
    assert sanitize_name(given_name) == expected


def test_long_names_keep_their_extension() -> None:
    name = sanitize_name("Báo cáo " * 50 + ".xlsx")
    assert name.endswith(".xlsx") and len(name.encode()) <= MAX_NAME_BYTES


def test_key_folder_names_are_stable_and_distinct() -> None:
    a = key_folder_name("000.00.00.H26,2024/06/10,812/UBND-KT")
    assert a == key_folder_name("000.00.00.H26,2024/06/10,812/UBND-KT")
    assert a != key_folder_name("000.00.00.H26,2024/06/10,812_UBND-KT")
    assert "/" not in a
    assert_harmless(a)


@pytest.mark.parametrize("bad", ["../x.pdf", "a/b.pdf", "a\\b.pdf", "..", ".", "", "a\x00.pdf", 12])
def test_plain_name_check_refuses_paths(bad: object) -> None:
    with pytest.raises(BackOfficeDataError):
        check_plain_name(bad, "attachments[0].file")


def test_plain_name_check_accepts_vietnamese() -> None:
    assert check_plain_name("Phụ lục kèm theo.pdf", "f") == "Phụ lục kèm theo.pdf"
