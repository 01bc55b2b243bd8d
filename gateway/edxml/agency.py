"""Agency identifiers (mã định danh) as carried in ``OrganId``.

QĐ 20/2020/QĐ-TTg gives every state body a code of the form ``NNN.NN.NN.Xnn``, read right to
left as levels 1 to 4: ``Xnn`` (level 1) is a letter group and a number - ``G`` ministries and
central agencies, ``H`` provincial People's Committees, ``K`` provincial People's Councils, other
letters as published - then two digits for level 2, two for level 3 and three for level 4. A
part of zeros means "no unit at this level", so ``000.00.00.G22`` (the Government Office) is a
level-1 unit and ``000.00.04.G14`` a level-2 unit under ``000.00.00.G14``.

Since amendment 1:2022 of QCVN 102:2016 ``OrganId`` is simply a string of at most 35
characters: enterprises and other bodies have longer, differently shaped identifiers, and the
national axis adds its own system codes such as ``vxp.saas.02``. So this module separates:

* **errors** (:class:`~gateway.errors.AgencyIdError` from :meth:`AgencyId.parse`): empty, longer
  than 35 characters, or containing whitespace or control characters - such a value cannot be
  routed or stored as a key;
* **shape warnings** (:func:`check_organ_id`): anything else that is not the QĐ 20 form.

Short forms. Real packages carry identifiers such as ``28.22.H17``: three parts that match the
right-hand three parts of the QĐ 20 form (``NN.NN.Xnn``) with level 4 left out. They are
accepted, read right to left like the full form (level 1 ``H17``, level 2 ``22``, level 3
``28``), reported by :func:`check_organ_id` as a warning, and never rewritten: the identifier
is kept exactly as received, because it is what the partner's system answers to.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from gateway.errors import AgencyIdError

__all__ = [
    "GOVERNMENT_OFFICE",
    "GROUP_LETTERS",
    "MAX_LENGTH",
    "AgencyId",
    "AgencyIdKind",
    "check_organ_id",
]

MAX_LENGTH = 35
"""Longest ``OrganId`` QCVN 102:2016 (amendment 1:2022) allows, in characters."""

GOVERNMENT_OFFICE = "000.00.00.G22"

GROUP_LETTERS: dict[str, str] = {
    "G": "ministries, ministry-level and government agencies",
    "H": "provincial People's Committees",
    "K": "provincial People's Councils",
}
"""Level-1 letter groups whose meaning the spec states; other letters are valid data."""

AgencyIdKind = Literal["qd20", "qd20-short", "system", "other"]

# Parts of the full form, left to right (level 4, 3, 2, 1).
_PART_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"\d{3}"),
    re.compile(r"\d{2}"),
    re.compile(r"\d{2}"),
    re.compile(r"[A-Z]\d{2}"),
)
_PART_SHAPES = ("NNN", "NN", "NN", "Xnn")
_PART_LEVELS = (4, 3, 2, 1)
_SYSTEM_CODE = re.compile(r"[a-z][a-z0-9-]*(\.[a-z0-9-]+)+")


def _first_bad_character(value: str) -> tuple[int, str] | None:
    for index, char in enumerate(value):
        if char.isspace() or unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}:
            return index, char
    return None


def _matches_right_aligned(parts: list[str]) -> bool:
    """True when ``parts`` are the right-hand ``len(parts)`` parts of ``NNN.NN.NN.Xnn``."""
    offset = 4 - len(parts)
    return offset >= 0 and all(
        _PART_PATTERNS[offset + i].fullmatch(part) for i, part in enumerate(parts)
    )


@dataclass(frozen=True, slots=True)
class AgencyId:
    """One agency identifier, kept exactly as written. Build it with :meth:`parse`."""

    value: str

    @classmethod
    def parse(cls, text: str) -> AgencyId:
        """Accept ``text`` as an identifier or raise :class:`AgencyIdError` saying why not.

        Nothing is stripped or normalised: whitespace around the value is an error, so the
        caller decides (and reports) whether to trim what it read from a document.
        """
        if not isinstance(text, str):
            raise AgencyIdError(f"agency identifier must be a string, not {type(text).__name__}")
        if text == "":
            raise AgencyIdError("agency identifier is empty")
        if len(text) > MAX_LENGTH:
            raise AgencyIdError(
                f"agency identifier starting {text[:20]!r} is {len(text)} characters long; "
                f"at most {MAX_LENGTH} are allowed (QCVN 102:2016, amendment 1:2022)"
            )
        bad = _first_bad_character(text)
        if bad is not None:
            index, char = bad
            what = "whitespace" if char.isspace() else "a control character"
            raise AgencyIdError(
                f"agency identifier {text!r} contains {what} (U+{ord(char):04X}) at position "
                f"{index + 1}; identifiers are a single token without spaces"
            )
        return cls(text)

    def __str__(self) -> str:
        return self.value

    # -- shape ---------------------------------------------------------------------------

    @property
    def parts(self) -> tuple[str, ...]:
        return tuple(self.value.split("."))

    @property
    def is_standard_shape(self) -> bool:
        """True for the full QĐ 20/2020 form ``NNN.NN.NN.Xnn``."""
        parts = self.parts
        return len(parts) == 4 and _matches_right_aligned(list(parts))

    @property
    def kind(self) -> AgencyIdKind:
        """``qd20`` full form, ``qd20-short`` (``28.22.H17``), axis ``system`` code or ``other``."""
        parts = list(self.parts)
        if len(parts) == 4 and _matches_right_aligned(parts):
            return "qd20"
        if 2 <= len(parts) <= 3 and _matches_right_aligned(parts):
            return "qd20-short"
        if _SYSTEM_CODE.fullmatch(self.value):
            return "system"
        return "other"

    @property
    def is_hierarchical(self) -> bool:
        """Whether levels can be read from the value (full or short QĐ 20 form)."""
        return self.kind in ("qd20", "qd20-short")

    def _levels(self) -> dict[int, str]:
        """Level number -> part, for hierarchical identifiers (short forms lack the high ones)."""
        parts = self.parts
        offset = 4 - len(parts)
        return {_PART_LEVELS[offset + i]: part for i, part in enumerate(parts)}

    def level_part(self, level: int) -> str | None:
        """The code of ``level`` (1..4) as written, or None when absent or not hierarchical."""
        if not self.is_hierarchical:
            return None
        return self._levels().get(level)

    @property
    def level(self) -> int | None:
        """How deep the unit sits (1..4): its deepest non-zero level; None if not hierarchical."""
        if not self.is_hierarchical:
            return None
        set_levels = [n for n, part in self._levels().items() if n == 1 or part.strip("0")]
        return max(set_levels)

    @property
    def group_letter(self) -> str | None:
        """The level-1 letter (``G``, ``H``, ``K``, ...), or None if not hierarchical."""
        part = self.level_part(1)
        return part[0] if part else None

    @property
    def group_description(self) -> str | None:
        letter = self.group_letter
        return GROUP_LETTERS.get(letter) if letter else None

    @property
    def parent(self) -> AgencyId | None:
        """The unit one level up (same form, deepest level zeroed); None at level 1."""
        level = self.level
        if level is None or level == 1:
            return None
        parts = list(self.parts)
        offset = 4 - len(parts)
        index = _PART_LEVELS.index(level) - offset
        parts[index] = "0" * len(parts[index])
        return AgencyId(".".join(parts))

    @property
    def is_government_office(self) -> bool:
        return self.value == GOVERNMENT_OFFICE

    # -- diagnostics ---------------------------------------------------------------------

    def shape_warnings(self) -> list[str]:
        """Plain-words warnings about the shape; empty for a clean QĐ 20 code or system code."""
        kind = self.kind
        value = self.value
        if kind == "system":
            return []
        if kind == "qd20":
            return self._gap_warnings()
        if kind == "qd20-short":
            levels = self._levels()
            reading = ", ".join(f"level {n} {levels[n]!r}" for n in sorted(levels))
            missing = 4 - len(levels)
            return [
                f"agency identifier {value!r} has {len(levels)} parts, the QĐ 20/2020 form has "
                f"4 (NNN.NN.NN.Xnn); read right to left as {reading}, with the top "
                f"{missing} level{'s' if missing > 1 else ''} left out",
                *self._gap_warnings(),
            ]
        return [self._other_warning()]

    def _gap_warnings(self) -> list[str]:
        levels = self._levels()
        deepest = self.level or 1
        gaps = [n for n in range(2, deepest) if n in levels and not levels[n].strip("0")]
        return [
            f"agency identifier {self.value!r}: level {deepest} is set but level {n} is "
            f"{levels[n]!r}; a unit normally sits under a unit of every level above it"
            for n in gaps
        ]

    def _other_warning(self) -> str:
        value = self.value
        parts = value.split(".")
        base = f"agency identifier {value!r} is not in the QĐ 20/2020 form NNN.NN.NN.Xnn"
        if len(parts) == 4:
            for i, part in enumerate(parts):
                if not _PART_PATTERNS[i].fullmatch(part):
                    return (
                        f"{base}: level {_PART_LEVELS[i]} part {part!r} should be "
                        f"{_PART_SHAPES[i]} (N a digit, X a capital letter, n a digit)"
                    )
        if len(parts) > 1:
            return f"{base}: it has {len(parts)} dot-separated parts, the form has 4"
        return f"{base}; accepted as a free-form identifier (at most {MAX_LENGTH} characters)"


def check_organ_id(text: str) -> list[str]:
    """Shape warnings for ``text``; raises :class:`AgencyIdError` when it is not acceptable."""
    return AgencyId.parse(text).shape_warnings()
