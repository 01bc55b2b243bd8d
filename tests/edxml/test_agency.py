"""Agency identifiers: what is an error, what is only a shape warning, and how levels read."""

from __future__ import annotations

import pytest

from gateway.edxml.agency import GOVERNMENT_OFFICE, MAX_LENGTH, AgencyId, check_organ_id
from gateway.errors import AgencyIdError


def test_government_office_is_a_level_one_g_unit() -> None:
    office = AgencyId.parse(GOVERNMENT_OFFICE)
    assert office.is_standard_shape
    assert office.kind == "qd20"
    assert office.level == 1
    assert office.parent is None
    assert office.group_letter == "G"
    assert office.group_description is not None
    assert "ministries" in office.group_description
    assert office.is_government_office
    assert check_organ_id(GOVERNMENT_OFFICE) == []


@pytest.mark.parametrize(
    ("text", "level", "parent"),
    [
        ("000.00.00.H41", 1, None),
        ("000.00.04.G14", 2, "000.00.00.G14"),
        ("000.12.04.G14", 3, "000.00.04.G14"),
        ("001.12.04.G14", 4, "000.12.04.G14"),
    ],
)
def test_levels_read_right_to_left(text: str, level: int, parent: str | None) -> None:
    agency = AgencyId.parse(text)
    assert agency.level == level
    assert (str(agency.parent) if agency.parent else None) == parent
    assert agency.level_part(1) == text.split(".")[3]
    assert agency.level_part(4) == text.split(".", maxsplit=1)[0]


def test_parent_chain_reaches_the_top() -> None:
    chain = []
    agency: AgencyId | None = AgencyId.parse("007.12.04.K33")
    while agency is not None:
        chain.append(str(agency))
        agency = agency.parent
    assert chain == ["007.12.04.K33", "000.12.04.K33", "000.00.04.K33", "000.00.00.K33"]


def test_group_letters_are_data_not_a_closed_list() -> None:
    agency = AgencyId.parse("000.00.00.A80")
    assert agency.is_standard_shape
    assert agency.group_letter == "A"
    assert agency.group_description is None
    assert check_organ_id("000.00.00.A80") == []


def test_three_part_short_form_is_accepted_with_a_warning() -> None:
    agency = AgencyId.parse("28.22.H17")
    assert not agency.is_standard_shape
    assert agency.kind == "qd20-short"
    assert agency.level_part(1) == "H17"
    assert agency.level_part(2) == "22"
    assert agency.level_part(3) == "28"
    assert agency.level_part(4) is None
    assert agency.level == 3
    assert str(agency.parent) == "00.22.H17"
    assert agency.group_letter == "H"
    (warning,) = check_organ_id("28.22.H17")
    assert "3 parts" in warning
    assert "level 1 'H17'" in warning


def test_axis_system_codes_are_accepted_without_warning() -> None:
    code = AgencyId.parse("vxp.saas.02")
    assert code.kind == "system"
    assert not code.is_standard_shape
    assert code.level is None
    assert code.parent is None
    assert code.group_letter is None
    assert check_organ_id("vxp.saas.02") == []


def test_long_post_2022_identifiers_are_accepted_with_a_shape_warning() -> None:
    text = "0101234567-001.DN.CONGTY-THUONGMAI"  # 34 characters
    assert len(text) <= MAX_LENGTH
    agency = AgencyId.parse(text)
    assert agency.kind == "other"
    assert not agency.is_standard_shape
    (warning,) = check_organ_id(text)
    assert "not in the QĐ 20/2020 form" in warning


def test_exactly_35_characters_is_allowed() -> None:
    assert AgencyId.parse("X" * MAX_LENGTH).value == "X" * MAX_LENGTH


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("000.00.00.g22", "level 1 part 'g22' should be Xnn"),
        ("00.00.00.G22", "level 4 part '00' should be NNN"),
        ("000.00.0A.G22", "level 2 part '0A' should be NN"),
        ("1.2.3.4.5", "5 dot-separated parts"),
        ("001.00.04.G14", "level 4 is set but level 3 is '00'"),
    ],
)
def test_shape_warnings_name_the_wrong_part(text: str, fragment: str) -> None:
    warnings = check_organ_id(text)
    assert any(fragment in w for w in warnings), warnings


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("9" * 36, "36 characters long; at most 35"),
        ("000.00.00 G22", "whitespace (U+0020) at position 10"),
        (" 000.00.00.G22", "whitespace (U+0020) at position 1"),
        ("000.00.00.G22\n", "whitespace (U+000A) at position 14"),
        ("000.00.00.G\x0022", "control character (U+0000)"),
        ("000.00.00.G\u200b22", "control character (U+200B)"),
    ],
)
def test_errors_say_exactly_why(text: str, fragment: str) -> None:
    with pytest.raises(AgencyIdError) as caught:
        AgencyId.parse(text)
    assert fragment in str(caught.value)
    with pytest.raises(AgencyIdError):
        check_organ_id(text)


def test_agency_id_is_a_frozen_value() -> None:
    a = AgencyId.parse("000.00.00.G22")
    assert a == AgencyId.parse("000.00.00.G22")
    assert hash(a) == hash(AgencyId.parse("000.00.00.G22"))
    with pytest.raises(AttributeError):
        a.value = "x"  # type: ignore[misc]


def test_agency_id_error_is_also_a_value_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        AgencyId.parse("")
