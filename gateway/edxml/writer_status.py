"""The MessageHeader of a status package."""

from __future__ import annotations

from gateway.edxml.model_status import StatusPackage
from gateway.edxml.timefmt import format_timestamp
from gateway.edxml.writer_parts import P, write_organization, write_response_for, write_staff_info
from gateway.edxml.writer_xml import XmlOut


def write_status_header(out: XmlOut, status: StatusPackage) -> None:
    out.open(P + "MessageHeader")
    write_organization(out, "From", status.from_)
    write_response_for(out, status.response_for)
    write_staff_info(out, status.staff_info)
    out.leaf(P + "StatusCode", str(status.status_code.value))
    out.leaf(P + "Description", status.description)
    out.leaf(P + "Timestamp", format_timestamp(status.timestamp))
    out.close()
