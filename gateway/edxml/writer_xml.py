"""A minimal XML emitter with exact control of prefixes, order and indentation.

The reference packages declare the edXML namespace as the root's default and again, with the
``edXML`` prefix, on the envelope and on each ``ContentTransferEncoded``. A general serializer
picks prefixes itself; emitting the few element shapes by hand keeps the layout identical to
the reference producers and lets attachment base64 stream straight into the output buffer.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

from gateway.errors import EdxmlBuildError

__all__ = ["XmlOut"]

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


class XmlOut:
    """Writes UTF-8 XML into a buffer; ``pretty`` indents with two spaces like the samples."""

    def __init__(self, *, pretty: bool) -> None:
        self.buffer = io.BytesIO()
        self._pretty = pretty
        self._stack: list[str] = []

    @property
    def path(self) -> str:
        return "/" + "/".join(tag.split(":")[-1] for tag in self._stack)

    def raw(self, text: str) -> None:
        self.buffer.write(text.encode("utf-8"))

    def _indent(self) -> None:
        if self._pretty:
            self.raw("\n" + "  " * len(self._stack))

    def open(self, tag: str, attributes: str = "") -> None:
        self._indent()
        self.raw(f"<{tag}{attributes}>")
        self._stack.append(tag)

    def close(self) -> None:
        tag = self._stack.pop()
        self._indent()
        self.raw(f"</{tag}>")

    def leaf(self, tag: str, value: str | None) -> None:
        """``<tag>value</tag>``; nothing at all for None (optional element left out)."""
        if value is None:
            return
        self._indent()
        self.raw(f"<{tag}>{self.escape(value, tag)}</{tag}>")

    def escape(self, value: str, tag: str) -> str:
        bad = _ILLEGAL.search(value)
        if bad:
            where = f"{self.path}/{tag.rsplit(':', maxsplit=1)[-1]}"
            raise EdxmlBuildError(
                f"{where}: character U+{ord(bad.group()):04X} at offset {bad.start()} cannot be "
                "carried in XML 1.0"
            )
        return value.translate(_ESCAPES)

    def binary_leaf(self, tag: str, attributes: str, chunks: Iterable[bytes]) -> None:
        """An element whose ASCII content (base64) is streamed in as it is produced."""
        self._indent()
        self.raw(f"<{tag}{attributes}>")
        for chunk in chunks:
            self.buffer.write(chunk)
        self.raw(f"</{tag}>")

    def getvalue(self) -> bytes:
        if self._pretty:
            self.raw("\n")
        return self.buffer.getvalue()
