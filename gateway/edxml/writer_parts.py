"""Writers for header parts, in the element order of the reference packages."""

from __future__ import annotations

from datetime import date

from gateway.edxml.model_common import Organization, ResponseFor, StaffInfo
from gateway.edxml.timefmt import format_date
from gateway.edxml.writer_xml import XmlOut

P = "edXML:"


def opt_date(value: date | None) -> str | None:
    return None if value is None else format_date(value)


def opt_int(value: int | None) -> str | None:
    return None if value is None else str(int(value))


def opt_flag(value: bool | None) -> str | None:
    return None if value is None else ("1" if value else "0")


def write_organization(out: XmlOut, tag: str, org: Organization) -> None:
    out.open(P + tag)
    out.leaf(P + "OrganId", org.organ_id)
    out.leaf(P + "OrganizationInCharge", org.organization_in_charge)
    out.leaf(P + "OrganName", org.organ_name)
    out.leaf(P + "OrganAdd", org.organ_add)
    out.leaf(P + "Email", org.email)
    out.leaf(P + "Telephone", org.telephone)
    out.leaf(P + "Fax", org.fax)
    out.leaf(P + "Website", org.website)
    out.close()


def write_staff_info(out: XmlOut, staff: StaffInfo | None) -> None:
    if staff is None:
        return
    out.open(P + "StaffInfo")
    out.leaf(P + "Department", staff.department)
    out.leaf(P + "Staff", staff.staff)
    out.leaf(P + "Email", staff.email)
    out.leaf(P + "Mobile", staff.mobile)
    out.close()


def write_response_for(out: XmlOut, response: ResponseFor) -> None:
    out.open(P + "ResponseFor")
    out.leaf(P + "OrganId", response.organ_id)
    out.leaf(P + "Code", response.code)
    out.leaf(P + "DocumentId", response.document_id)
    out.leaf(P + "PromulgationDate", opt_date(response.promulgation_date))
    out.close()
