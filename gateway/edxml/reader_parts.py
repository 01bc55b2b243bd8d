"""Readers for the parts both package kinds share: Organization, StaffInfo, ResponseFor."""

from __future__ import annotations

from lxml import etree

from gateway.edxml.model_common import Organization, ResponseFor, StaffInfo
from gateway.edxml.reader_tree import Walker

Element = etree._Element


def read_organization(w: Walker, element: Element, path: str) -> Organization:
    return Organization(
        organ_id=w.req_text(element, path, "OrganId"),
        organization_in_charge=w.text(element, path, "OrganizationInCharge"),
        organ_name=w.text(element, path, "OrganName"),
        organ_add=w.text(element, path, "OrganAdd"),
        email=w.text(element, path, "Email"),
        telephone=w.text(element, path, "Telephone"),
        fax=w.text(element, path, "Fax"),
        website=w.text(element, path, "Website"),
    )


def read_staff_info(w: Walker, parent: Element, path: str) -> StaffInfo | None:
    element = w.child(parent, path, "StaffInfo")
    if element is None:
        return None
    here = f"{path}/StaffInfo"
    return StaffInfo(
        department=w.text(element, here, "Department"),
        staff=w.text(element, here, "Staff"),
        mobile=w.text(element, here, "Mobile"),
        email=w.text(element, here, "Email"),
    )


def read_response_for(w: Walker, element: Element, path: str) -> ResponseFor:
    """Children in any order (producers disagree); Code and DocumentId are required."""
    return ResponseFor(
        organ_id=w.text(element, path, "OrganId"),
        code=w.req_text(element, path, "Code"),
        document_id=w.req_text(element, path, "DocumentId"),
        promulgation_date=w.date(element, path, "PromulgationDate"),
    )


def indexed(path: str, local: str, index: int, count: int) -> str:
    """``.../To[2]`` for repeated elements, ``.../To`` for a single one."""
    return f"{path}/{local}[{index}]" if count > 1 else f"{path}/{local}"
