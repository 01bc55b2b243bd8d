"""The status package (gói tin trạng thái): one step in handling a received document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from gateway.edxml.enums import StatusCode
from gateway.edxml.model_common import Organization, ResponseFor, StaffInfo, _NfcValue

__all__ = ["StatusPackage"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusPackage(_NfcValue):
    from_: Organization
    response_for: ResponseFor
    status_code: StatusCode
    timestamp: datetime
    staff_info: StaffInfo | None = None
    description: str | None = None
