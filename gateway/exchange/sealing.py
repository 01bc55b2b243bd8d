"""Turn a package model into the bytes the gateway sends: written, signed, validated.

Every package that leaves the gateway — document or status — passes through :class:`Sealer`,
so nothing unsigned or structurally wrong is ever stored for sending. Validation runs on the
signed bytes, the exact bytes the partner will receive.
"""

from __future__ import annotations

from datetime import datetime

from gateway.edxml import EdocPackage, StatusPackage, WriteOptions, write_package
from gateway.edxml.validation import validate_package
from gateway.security.keys import KeySource
from gateway.security.signer import sign_package


class Sealer:
    """Writes with our trace header, signs with our key (when one is configured), validates.

    ``key`` None is the ``[signing] source = "none"`` setting: packages go out unsigned, which
    the axis accepts but partners with ``require_signature`` refuse.
    """

    def __init__(self, organ_id: str, key: KeySource | None) -> None:
        self.organ_id = organ_id
        self.key = key

    def seal(
        self, package: EdocPackage | StatusPackage, *, now: datetime, source: str = "package"
    ) -> bytes:
        """Raise ``EdxmlBuildError`` / ``EdxmlValidationError`` / ``SecurityError`` with reasons."""
        data = write_package(package, options=WriteOptions(trace_organ_id=self.organ_id), now=now)
        if self.key is not None:
            data = sign_package(data, self.key, source=source)
        validate_package(data, source=source).raise_for_errors(source)
        return data
