"""Is a word a well-formed Vietnamese syllable?

Used as evidence, never as a gate: the legacy-encoding detector asks whether a word becomes a
real syllable once re-read as TCVN3 or VNI, and the detached-mark repair asks whether joining a
split fragment gives one. Vietnamese syllables have a small, closed shape (initial consonant,
vowel nucleus with optional glide, final consonant, at most one tone), so a table of nuclei is
enough; loanwords simply fail and count as no evidence either way.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["TONE_MARKS", "is_vietnamese_syllable"]

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")

# Vowel sequences without tone. Open nuclei end in a glide and take no final consonant; the
# "closing" ones need a final (there is no syllable "ă" or "iê" on its own).
_OPEN = frozenset(
    [
        "ai",
        "ao",
        "au",
        "ay",
        "âu",
        "ây",
        "eo",
        "êu",
        "ia",
        "iu",
        "oi",
        "ôi",
        "ơi",
        "ua",
        "ui",
        "ưa",
        "ưi",
        "ưu",
        "iêu",
        "oai",
        "oay",
        "oao",
        "oeo",
        "uây",
        "uôi",
        "ươi",
        "ươu",
        "uya",
        "uyu",
        "yêu",
        "ueo",
    ]
)
_CLOSING = frozenset(["ă", "â", "iê", "yê", "uô", "ươ", "uyê", "oă", "uâ"])
_FREE = frozenset(
    ["a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "oo", "uê", "uơ", "uy"]
)
_VOWELS = frozenset("aăâeêioôơuưy")
_INITIALS = (
    "ngh", "ng", "gh", "gi", "kh", "nh", "ph", "qu", "th", "tr", "ch",
    *"bcdđghklmnprstvx", "",
)  # fmt: skip
_REST = re.compile(r"([aăâeêioôơuưy]+)(ch|ng|nh|[cmnpt])?")


def _strip_tone(word: str) -> str | None:
    """Lowercase NFC word without its tone mark; None when it carries two tones."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    if len(tones) > 1:
        return None
    if tones and not _tone_on_vowel(decomposed):
        return None
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return unicodedata.normalize("NFC", base)


def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` has the shape of one Vietnamese syllable (any case, NFC or NFD)."""
    base = _strip_tone(word)
    if not base:
        return False
    # Try every initial that fits ("gì" is g + ì, "gia" is gi + a).
    for initial in _INITIALS:
        if base.startswith(initial):
            match = _REST.fullmatch(base, len(initial))
            if match and _nucleus_fits(match.group(1), match.group(2)):
                return True
    return False


def _nucleus_fits(nucleus: str, final: str | None) -> bool:
    if final:
        return nucleus in _CLOSING or nucleus in _FREE
    return nucleus in _OPEN or nucleus in _FREE


def _tone_on_vowel(decomposed: str) -> bool:
    """A tone mark must sit on a vowel (``ñ`` is n + tilde, not a toned syllable)."""
    base = ""
    for ch in decomposed:
        if ch in TONE_MARKS:
            return unicodedata.normalize("NFC", base) in _VOWELS
        if not unicodedata.combining(ch):
            base = ch
        else:
            base += ch
    return True
