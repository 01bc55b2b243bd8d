"""Walking an edXML tree by namespace + local name, with located errors and text cleaning.

Prefixes and positions are never looked at: producers disagree on both. Every value read goes
through here, so every error names the element path and line, and every text field passes
:func:`~gateway.edxml.text.clean_field` (NFC, mark repair, legacy-encoding warning).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from lxml import etree

from gateway.edxml.names import NS
from gateway.edxml.text import TextWarning, clean_field
from gateway.edxml.timefmt import parse_date, parse_timestamp
from gateway.errors import EdxmlParseError

__all__ = ["Walker", "source_line"]

T = TypeVar("T")
Element = etree._Element


class Walker:
    """Reads values below elements, collecting text warnings as it goes."""

    def __init__(self) -> None:
        self.warnings: list[TextWarning] = []

    # --- errors ---------------------------------------------------------------------------

    @staticmethod
    def error(
        path: str, element: Element | None, why: str, *, line: int | None = None
    ) -> EdxmlParseError:
        if line is None and element is not None:
            line = source_line(element)
        where = f"{path} (line {line})" if line else path
        return EdxmlParseError(f"{where}: {why}", path=path, line=line)

    # --- structure ------------------------------------------------------------------------

    @staticmethod
    def children(parent: Element, *locals_: str) -> list[Element]:
        tags = {f"{{{NS}}}{name}" for name in locals_}
        return [child for child in parent if isinstance(child.tag, str) and child.tag in tags]

    def child(
        self, parent: Element, path: str, *locals_: str, required: bool = False
    ) -> Element | None:
        found = self.children(parent, *locals_)
        if found:
            return found[0]
        if required:
            raise self.error(
                f"{path}/{locals_[0]}",
                parent,
                f"missing required element {locals_[0]} in {path.rsplit('/', 1)[-1]}",
            )
        return None

    # --- values ---------------------------------------------------------------------------

    def raw_text(
        self, parent: Element, path: str, local: str, *, required: bool = False
    ) -> tuple[str, Element] | None:
        """Stripped text of a leaf child, or None when absent or empty."""
        element = self.child(parent, path, local, required=required)
        if element is None:
            return None
        value = self._leaf(element, f"{path}/{local}")
        if not value:
            if required:
                raise self.error(f"{path}/{local}", element, f"required element {local} is empty")
            return None
        return value, element

    def _leaf(self, element: Element, path: str) -> str:
        if any(isinstance(node.tag, str) for node in element):
            raise self.error(path, element, "must hold text, not child elements")
        return "".join(str(part) for part in element.itertext()).strip()

    def own_text(self, element: Element, path: str) -> str | None:
        """A repeated free-text element (``Place``, ``Appendix``) read by itself."""
        value = self._leaf(element, path)
        if not value:
            return None
        cleaned, warnings = clean_field(value, path)
        self.warnings.extend(warnings)
        return cleaned

    def text(self, parent: Element, path: str, local: str, *, required: bool = False) -> str | None:
        """A free-text field: cleaned, with warnings recorded under its path."""
        found = self.raw_text(parent, path, local, required=required)
        if found is None:
            return None
        value, warnings = clean_field(found[0], f"{path}/{local}")
        self.warnings.extend(warnings)
        return value

    def req_text(self, parent: Element, path: str, local: str) -> str:
        value = self.text(parent, path, local, required=True)
        assert value is not None  # required=True raises instead
        return value

    def typed(
        self,
        parent: Element,
        path: str,
        local: str,
        convert: Callable[[str], T],
        *,
        required: bool = False,
    ) -> T | None:
        found = self.raw_text(parent, path, local, required=required)
        if found is None:
            return None
        value, element = found
        try:
            return convert(value)
        except ValueError as exc:
            raise self.error(f"{path}/{local}", element, f"bad {local}: {exc}") from None

    def date(
        self, parent: Element, path: str, local: str, *, required: bool = False
    ) -> date | None:
        return self.typed(parent, path, local, parse_date, required=required)

    def timestamp(
        self, parent: Element, path: str, local: str, *, required: bool = False
    ) -> datetime | None:
        return self.typed(parent, path, local, parse_timestamp, required=required)

    def integer(
        self, parent: Element, path: str, local: str, *, required: bool = False
    ) -> int | None:
        return self.typed(parent, path, local, _parse_int, required=required)

    def flag(self, parent: Element, path: str, local: str) -> bool | None:
        return self.typed(parent, path, local, _parse_flag)


def source_line(element: Element) -> int | None:
    """The element's line in the package (lxml may not know it)."""
    line = element.sourceline
    return line if isinstance(line, int) else None


def _parse_int(text: str) -> int:
    if not text.isdigit() or not text.isascii() or len(text) > 9:
        raise ValueError(f"{text!r} is not a non-negative integer")
    return int(text)


def _parse_flag(text: str) -> bool:
    lowered = text.lower()
    if lowered in {"1", "true"}:
        return True
    if lowered in {"0", "false"}:
        return False
    raise ValueError(f"{text!r} is not 0/1 (or true/false)")
