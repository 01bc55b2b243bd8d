"""Vietnamese text as the exchange really delivers it.

Three repairs and one diagnosis, applied by the reader to every text field:

* :func:`nfc` - Vietnamese in Unicode has two spellings (precomposed ``ộ`` and decomposed
  ``o + ̂ + ̣``); TCVN 6909:2001 exchange and every comparison in the gateway use NFC.
* :func:`repair_detached_marks` - word segmenters and bad converters have split tone marks from
  their letter with a space (``la ̀`` for ``là``, ``nga ̀ nh`` for ``ngành``); the mark is put back
  and, when the split also cut the syllable, the cut-off tail is rejoined. Underscores (word
  segmentation such as ``Công_Thương``) are left alone.
* :func:`detect_legacy_encoding` - text typed in the pre-Unicode TCVN3 (ABC) or VNI fonts and
  passed through as Latin-1 (``Bé C«ng Th­¬ng``, ``Boä Coâng Thöông``). This is only reported:
  re-decoding someone else's text silently could corrupt a legitimate name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from gateway.edxml.enums import LegacyEncoding
from gateway.edxml.syllable import TONE_MARKS, is_vietnamese_syllable
from gateway.edxml.text_tables import TCVN3_HIGH, VNI_MARKS, VNI_SINGLE

__all__ = [
    "TextWarning",
    "WarningKind",
    "clean_field",
    "detect_legacy_encoding",
    "from_legacy",
    "nfc",
    "repair_detached_marks",
]


class WarningKind(StrEnum):
    """What a :class:`TextWarning` is about."""

    DETACHED_MARKS = "detached-marks"
    LEGACY_ENCODING = "legacy-encoding"
    MANIFEST = "manifest"


@dataclass(frozen=True, slots=True)
class TextWarning:
    """Something the reader noticed (and kept, or repaired) in one field of a package."""

    field_path: str
    kind: WarningKind
    message: str


def nfc(text: str) -> str:
    """NFC form; cheap when the text is already normalised (the common case)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


# --- detached marks -------------------------------------------------------------------------

_SPLIT = re.compile(r"( +)")
_MARKS_ONLY = re.compile(r"[\u0300-\u036f]+")
_LETTERS_AT_END = re.compile(r"[^\W\d_]+$")
_TAIL = re.compile(r"[^\W\d_]{1,3}(?![^\W\d_])")
_DETACHED = re.compile(r"[^\W\d_] +[\u0300-\u036f]")
# What can follow the toned vowel inside one syllable: glides and final consonants, or the
# second vowel of a nucleus ("mu ́ a" for "múa").
_TAILS = frozenset(["c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "y", "o", "u", "a", "ơ"])


def repair_detached_marks(text: str) -> str:
    """Reattach combining marks separated from their letter by spaces; returns NFC text."""
    if text.isascii() or not _DETACHED.search(text):
        return nfc(text)
    parts = _SPLIT.split(text)  # words at even indexes, runs of spaces at odd ones
    out: list[str] = []
    index = 0
    while index < len(parts):
        part = parts[index]
        if index >= 2 and _MARKS_ONLY.fullmatch(part) and _LETTERS_AT_END.search(out[-2]):
            out.pop()  # the spaces between the letter and its marks
            joined = out.pop() + part
            following = parts[index + 2] if index + 2 < len(parts) else ""
            tail = _TAIL.match(following)
            if tail and _joins(joined, tail.group(0)):
                joined += following
                index += 2
            out.append(unicodedata.normalize("NFC", joined))
        else:
            out.append(part)
        index += 1
    return nfc("".join(out))


def _joins(head: str, tail: str) -> bool:
    """Does ``tail`` complete the syllable ending ``head`` (``nga`` + ``̀`` + ``nh``)?"""
    if tail.lower() not in _TAILS:
        return False
    match = _LETTERS_AT_END.search(unicodedata.normalize("NFC", head))
    return bool(match) and is_vietnamese_syllable(match.group(0) + tail)  # type: ignore[union-attr]


# --- legacy encodings -----------------------------------------------------------------------

_UNICODE_ONLY_LETTERS = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9\u0300-\u0323]"
)
_TOKEN_BREAK = re.compile(r"[\s\u00a0_.,;:!?()\[\]{}\"'/\\<>=+*&%$#@|~^`0-9-]+")
# Latin-1 characters that are not letters of any language using the Latin script: inside a
# word they only appear as TCVN3 mojibake.
_TCVN3_STRONG = frozenset("¡¢£¤¥¦§¨©ª«¬\u00ad®¯°±²³´µ¶·¸¹º»¼½¾¿×÷")


def from_legacy(text: str, encoding: LegacyEncoding) -> str:
    """Re-read mojibake as ``encoding``; the caller decides whether the result is better."""
    if encoding is LegacyEncoding.TCVN3:
        return _from_tcvn3(text)
    return _from_vni(text)


def _from_tcvn3(text: str) -> str:
    mapped = [TCVN3_HIGH[ord(ch) - 0xA1] if 0xA1 <= ord(ch) <= 0xFF else ch for ch in text]
    merged: list[str] = []
    for ch in mapped:
        # ABC fonts write a capital as the capital base letter + the lowercase toned letter.
        if merged and merged[-1].isupper() and ch.islower() and _same_base(merged[-1], ch):
            merged[-1] = ch.upper()
        else:
            merged.append(ch)
    return unicodedata.normalize("NFC", "".join(merged))


def _same_base(capital: str, toned: str) -> bool:
    decomposed = unicodedata.normalize("NFD", toned)
    if not any(mark in TONE_MARKS for mark in decomposed):
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return base == capital.lower()


_VNI_BASES = frozenset("aeiouyAEIOUY\u01a1\u01b0\u01a0\u01af")


def _from_vni(text: str) -> str:
    out: list[str] = []
    for ch in text:
        marks = VNI_MARKS.get(ch)
        if marks is not None and out and _vni_fits(out[-1], marks):
            out[-1] = unicodedata.normalize("NFC", out[-1] + marks)
        elif ch in VNI_SINGLE:
            out.append(VNI_SINGLE[ch])
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _vni_fits(base: str, marks: str) -> bool:
    if base not in _VNI_BASES:
        return False
    if "\u0302" in marks:
        return base.lower() in "aeo"
    if "\u0306" in marks:
        return base.lower() == "a"
    return True


def detect_legacy_encoding(text: str) -> LegacyEncoding | None:
    """TCVN3 or VNI when ``text`` reads as Vietnamese only after re-decoding, else None.

    Evidence is counted per word: a word that is not a Vietnamese syllable but becomes one
    when re-read supports that encoding. Real Unicode Vietnamese (any letter outside Latin-1,
    such as ``ư`` or ``ộ``) is never mojibake. Two supporting words are needed, or one that
    contains a character no language uses inside a word (``«``, ``¬``, soft hyphen...).
    """
    if text.isascii() or _UNICODE_ONLY_LETTERS.search(text):
        return None
    best: tuple[int, LegacyEncoding] | None = None
    for encoding in (LegacyEncoding.TCVN3, LegacyEncoding.VNI):
        support = against = strong = 0
        for token in _TOKEN_BREAK.split(text):
            if not token or token.isascii():
                continue
            converted = from_legacy(token, encoding)
            if converted == token:
                continue
            before, after = is_vietnamese_syllable(token), is_vietnamese_syllable(converted)
            if after and not before:
                support += 1
                if encoding is LegacyEncoding.TCVN3 and any(c in _TCVN3_STRONG for c in token):
                    strong += 1
            elif before and not after:
                against += 1
        convincing = support > against and (support >= 2 or strong >= 1)
        if convincing and (best is None or support > best[0]):
            best = (support, encoding)
    return best[1] if best else None


def clean_field(text: str, path: str) -> tuple[str, tuple[TextWarning, ...]]:
    """What the reader does to every text field: NFC, mark repair, legacy diagnosis."""
    warnings: list[TextWarning] = []
    value = nfc(text)
    repaired = repair_detached_marks(value)
    if repaired != value:
        warnings.append(
            TextWarning(
                path,
                WarningKind.DETACHED_MARKS,
                "tone marks separated from their "
                f"letters by spaces were reattached: {_excerpt(value)!r} → {_excerpt(repaired)!r}",
            )
        )
        value = repaired
    legacy = detect_legacy_encoding(value)
    if legacy is not None:
        name = "TCVN3 (ABC)" if legacy is LegacyEncoding.TCVN3 else "VNI"
        warnings.append(
            TextWarning(
                path,
                WarningKind.LEGACY_ENCODING,
                f"text looks like {name} typed in a "
                f"legacy font, not Unicode: {_excerpt(value)!r} would read "
                f"{_excerpt(from_legacy(value, legacy))!r}; kept as received",
            )
        )
    return value, tuple(warnings)


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
