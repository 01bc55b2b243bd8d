"""Code charts of the two legacy Vietnamese encodings whose mojibake the reader recognises.

TCVN3 (TCVN 5712:1993, the "ABC" fonts such as .VnTime) puts Vietnamese letters in bytes
0xA1-0xFF; shown through a Western code page they become Latin-1 characters ("Bé C«ng
Th­¬ng" for "Bộ Công Thương"). The chart below is the byte→letter table of TCVN 5712:1993
(VN1 form; the ABC fonts use its lowercase half and write capitals as a capital base letter
followed by the lowercase toned letter).

VNI (VNI Windows fonts) writes a base letter followed by a mark byte ("Boä Coâng Thöông"),
plus a few single-byte letters. Both charts are the public code charts of these encodings.
"""

from __future__ import annotations

__all__ = ["TCVN3_HIGH", "VNI_MARKS", "VNI_SINGLE"]

# Letter for each byte 0xA1..0xFF, in order (index 0 is byte 0xA1).
TCVN3_HIGH = (
    "\u0102\u00c2\u00ca\u00d4\u01a0\u01af\u0110\u0103"
    "\u00e2\u00ea\u00f4\u01a1\u01b0\u0111\u1eb0\u0300"
    "\u0309\u0303\u0301\u0323\u00e0\u1ea3\u00e3\u00e1"
    "\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4\u1eae"
    "\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9"
    "\u1eab\u1ea5\u1ead\u00e8\u1ec2\u1ebb\u1ebd\u00e9"
    "\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\u00ec\u1ec9"
    "\u1ec4\u1ebe\u1ed2\u0129\u00ed\u1ecb\u00f2\u1ed4"
    "\u1ecf\u00f5\u00f3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1"
    "\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\u00f9\u1ed6"
    "\u1ee7\u0169\u00fa\u1ee5\u1eeb\u1eed\u1eef\u1ee9"
    "\u1ef1\u1ef3\u1ef7\u1ef9\u00fd\u1ef5\u1ed0"
)

# VNI: mark byte (as its Latin-1 character, lowercase / uppercase form) -> combining marks added
# to the preceding base letter. Circumflex and breve combine with a tone in one byte.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
VNI_MARKS: dict[str, str] = {
    "\u00f9": _ACUTE, "\u00d9": _ACUTE,  # ù Ù
    "\u00f8": _GRAVE, "\u00d8": _GRAVE,  # ø Ø
    "\u00fb": _HOOK, "\u00db": _HOOK,  # û Û
    "\u00f5": _TILDE, "\u00d5": _TILDE,  # õ Õ
    "\u00ef": _DOT, "\u00cf": _DOT,  # ï Ï
    "\u00e2": _CIRC, "\u00c2": _CIRC,  # â Â
    "\u00e1": _CIRC + _ACUTE, "\u00c1": _CIRC + _ACUTE,  # á Á
    "\u00e0": _CIRC + _GRAVE, "\u00c0": _CIRC + _GRAVE,  # à À
    "\u00e5": _CIRC + _HOOK, "\u00c5": _CIRC + _HOOK,  # å Å
    "\u00e3": _CIRC + _TILDE, "\u00c3": _CIRC + _TILDE,  # ã Ã
    "\u00e4": _CIRC + _DOT, "\u00c4": _CIRC + _DOT,  # ä Ä
    "\u00ea": _BREVE, "\u00ca": _BREVE,  # ê Ê
    "\u00e9": _BREVE + _ACUTE, "\u00c9": _BREVE + _ACUTE,  # é É
    "\u00e8": _BREVE + _GRAVE, "\u00c8": _BREVE + _GRAVE,  # è È
    "\u00fa": _BREVE + _HOOK, "\u00da": _BREVE + _HOOK,  # ú Ú
    "\u00fc": _BREVE + _TILDE, "\u00dc": _BREVE + _TILDE,  # ü Ü
    "\u00eb": _BREVE + _DOT, "\u00cb": _BREVE + _DOT,  # ë Ë
}  # fmt: skip

# VNI single-byte letters (their Latin-1 character -> the Vietnamese letter).
VNI_SINGLE: dict[str, str] = {
    "\u00f1": "\u0111", "\u00d1": "\u0110",  # ñ Ñ -> đ Đ
    "\u00f6": "\u01b0", "\u00d6": "\u01af",  # ö Ö -> ư Ư
    "\u00f4": "\u01a1", "\u00d4": "\u01a0",  # ô Ô -> ơ Ơ
    "\u00ed": "\u00ed", "\u00cd": "\u00cd",  # í Í
    "\u00ec": "\u00ec", "\u00cc": "\u00cc",  # ì Ì
    "\u00e6": "\u1ec9", "\u00c6": "\u1ec8",  # æ Æ -> ỉ Ỉ
    "\u00f3": "\u0129", "\u00d3": "\u0128",  # ó Ó -> ĩ Ĩ
    "\u00f2": "\u1ecb", "\u00d2": "\u1eca",  # ò Ò -> ị Ị
    "\u00ee": "\u1ef5", "\u00ce": "\u1ef4",  # î Î -> ỵ Ỵ
}  # fmt: skip
