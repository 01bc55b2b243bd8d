"""Reading the MessageHeader of a status package."""

from __future__ import annotations

from lxml import etree

from gateway.edxml.enums import StatusCode
from gateway.edxml.model_status import StatusPackage
from gateway.edxml.reader_parts import read_organization, read_response_for, read_staff_info
from gateway.edxml.reader_tree import Walker

Element = etree._Element


def _status_code(text: str) -> StatusCode:
    try:
        return StatusCode(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a status code (two digits, e.g. 03)") from None


def read_status(w: Walker, header: Element, path: str) -> StatusPackage:
    from_ = w.child(header, path, "From", required=True)
    response = w.child(header, path, "ResponseFor", required=True)
    assert from_ is not None and response is not None
    code = w.typed(header, path, "StatusCode", _status_code, required=True)
    timestamp = w.timestamp(header, path, "Timestamp", required=True)
    assert code is not None and timestamp is not None
    return StatusPackage(
        from_=read_organization(w, from_, f"{path}/From"),
        response_for=read_response_for(w, response, f"{path}/ResponseFor"),
        staff_info=read_staff_info(w, header, path),
        status_code=code,
        description=w.text(header, path, "Description"),
        timestamp=timestamp,
    )
