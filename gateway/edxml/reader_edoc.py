"""Reading the header of a document package: MessageHeader and TraceHeaderList."""

from __future__ import annotations

from lxml import etree

from gateway.edxml.enums import BusinessType, Priority, SteeringType
from gateway.edxml.model_common import TraceHeader
from gateway.edxml.model_edoc import (
    Business,
    BusinessDocumentInfo,
    Code,
    DocumentType,
    EdocPackage,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    SignerInfo,
)
from gateway.edxml.names import BUSINESS_NAMES
from gateway.edxml.reader_parts import (
    indexed,
    read_organization,
    read_response_for,
    read_staff_info,
)
from gateway.edxml.reader_tree import Walker

Element = etree._Element


def read_edoc_header(
    w: Walker, header: Element, trace_list: Element | None, path: str, trace_path: str
) -> EdocPackage:
    """Everything but the attachments, which the caller reads (and frees) one at a time."""
    from_ = w.child(header, path, "From", required=True)
    assert from_ is not None
    to_elements = w.children(header, "To")
    if not to_elements:
        raise w.error(f"{path}/To", header, "missing required element To (at least one recipient)")
    code = w.child(header, path, "Code", required=True)
    assert code is not None
    trace_headers: tuple[TraceHeader, ...] = ()
    business = None
    if trace_list is not None:
        trace_headers = _trace_headers(w, trace_list, trace_path)
        business = _business(w, trace_list, trace_path)
    responses = w.children(header, "ResponseFor")
    return EdocPackage(
        from_=read_organization(w, from_, f"{path}/From"),
        to=tuple(
            read_organization(w, el, indexed(path, "To", i, len(to_elements)))
            for i, el in enumerate(to_elements, 1)
        ),
        document_id=w.req_text(header, path, "DocumentId"),
        code=Code(
            code_number=w.req_text(code, f"{path}/Code", "CodeNumber"),
            code_notation=w.req_text(code, f"{path}/Code", "CodeNotation"),
        ),
        promulgation_info=_promulgation(w, header, path),
        document_type=_document_type(w, header, path),
        subject=w.req_text(header, path, "Subject"),
        content=w.text(header, path, "Content"),
        signer_info=_signer(w, header, path),
        due_date=w.date(header, path, "DueDate"),
        other_info=_other_info(w, header, path),
        response_for=tuple(
            read_response_for(w, el, indexed(path, "ResponseFor", i, len(responses)))
            for i, el in enumerate(responses, 1)
        ),
        steering_type=w.typed(header, path, "SteeringType", lambda t: SteeringType(_int(t))),
        to_places=_places(w, header, path),
        trace_headers=trace_headers,
        business=business,
    )


def _int(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise ValueError(f"{text!r} is not a non-negative integer")
    return int(text)


def _promulgation(w: Walker, header: Element, path: str) -> PromulgationInfo | None:
    element = w.child(header, path, "PromulgationInfo")
    if element is None:
        return None
    here = f"{path}/PromulgationInfo"
    return PromulgationInfo(
        place=w.text(element, here, "Place"),
        promulgation_date=w.date(element, here, "PromulgationDate"),
    )


def _document_type(w: Walker, header: Element, path: str) -> DocumentType | None:
    element = w.child(header, path, "DocumentType")
    if element is None:
        return None
    here = f"{path}/DocumentType"
    return DocumentType(
        type=w.text(element, here, "Type"),
        type_detail=w.text(element, here, "TypeDetail"),
        type_name=w.text(element, here, "TypeName"),
    )


def _signer(w: Walker, header: Element, path: str) -> SignerInfo | None:
    element = w.child(header, path, "SignerInfo")
    if element is None:
        return None
    here = f"{path}/SignerInfo"
    return SignerInfo(
        competence=w.text(element, here, "Competence"),
        position=w.text(element, here, "Position"),
        full_name=w.text(element, here, "FullName"),
    )


def _other_info(w: Walker, header: Element, path: str) -> OtherInfo | None:
    element = w.child(header, path, "OtherInfo")
    if element is None:
        return None
    here = f"{path}/OtherInfo"
    appendixes: tuple[str, ...] = ()
    holder = w.child(element, here, "Appendixes")
    if holder is not None:
        appendixes = _texts(w, holder, f"{here}/Appendixes", "Appendix")
    priority = w.typed(element, here, "Priority", lambda t: Priority(_int(t)))
    return OtherInfo(
        priority=priority if priority is not None else Priority.NORMAL,
        sphere_of_promulgation=w.text(element, here, "SphereOfPromulgation"),
        typer_notation=w.text(element, here, "TyperNotation"),
        promulgation_amount=w.integer(element, here, "PromulgationAmount"),
        page_amount=w.integer(element, here, "PageAmount"),
        direction=w.text(element, here, "Direction"),
        appendixes=appendixes,
    )


def _places(w: Walker, header: Element, path: str) -> tuple[str, ...]:
    holder = w.child(header, path, "ToPlaces")
    return () if holder is None else _texts(w, holder, f"{path}/ToPlaces", "Place")


def _texts(w: Walker, holder: Element, path: str, local: str) -> tuple[str, ...]:
    """Cleaned text of every repeated ``local`` child; empty ones are dropped."""
    items = w.children(holder, local)
    values = (
        w.own_text(item, indexed(path, local, i, len(items))) for i, item in enumerate(items, 1)
    )
    return tuple(value for value in values if value)


def _trace_headers(w: Walker, trace_list: Element, path: str) -> tuple[TraceHeader, ...]:
    items = w.children(trace_list, "TraceHeader")
    headers = []
    for index, item in enumerate(items, 1):
        here = indexed(path, "TraceHeader", index, len(items))
        timestamp = w.timestamp(item, here, "Timestamp", required=True)
        assert timestamp is not None
        headers.append(TraceHeader(organ_id=w.req_text(item, here, "OrganId"), timestamp=timestamp))
    return tuple(headers)


def _business(w: Walker, trace_list: Element, path: str) -> Business | None:
    element = w.child(trace_list, path, *BUSINESS_NAMES)
    if element is None:
        return None
    here = f"{path}/{etree.QName(element).localname}"
    kind = w.typed(element, here, "BussinessDocType", lambda t: BusinessType(_int(t)))
    return Business(
        business_doc_type=kind if kind is not None else BusinessType.NEW,
        document_id=w.text(element, here, "DocumentId"),
        reason=w.text(element, here, "BussinessDocReason"),
        paper=w.flag(element, here, "Paper"),
        staff_info=read_staff_info(w, element, here),
        business_document_info=_document_info(w, element, here),
        replacement_infos=_replacements(w, element, here),
    )


def _document_info(w: Walker, business: Element, path: str) -> BusinessDocumentInfo | None:
    element = w.child(business, path, "BussinessDocumentInfo", "BusinessDocumentInfo")
    if element is None:
        return None
    here = f"{path}/BussinessDocumentInfo"
    receivers: list[Receiver] = []
    holder = w.child(element, here, "ReceiverList")
    if holder is not None:
        items = w.children(holder, "Receiver")
        for index, item in enumerate(items, 1):
            at = indexed(f"{here}/ReceiverList", "Receiver", index, len(items))
            kind = w.integer(item, at, "ReceiverType", required=True)
            assert kind is not None
            receivers.append(Receiver(organ_id=w.req_text(item, at, "OrganId"), receiver_type=kind))
    return BusinessDocumentInfo(
        document_info=bool(w.flag(element, here, "DocumentInfo")),
        document_receiver=bool(w.flag(element, here, "DocumentReceiver")),
        receivers=tuple(receivers),
    )


def _replacements(w: Walker, business: Element, path: str) -> tuple[ReplacementInfo, ...]:
    holder = w.child(business, path, "ReplacementInfoList")
    if holder is None:
        return ()
    items = w.children(holder, "ReplacementInfo")
    infos = []
    for index, item in enumerate(items, 1):
        here = indexed(f"{path}/ReplacementInfoList", "ReplacementInfo", index, len(items))
        ids_holder = w.child(item, here, "OrganIdList")
        organ_ids = (
            () if ids_holder is None else _texts(w, ids_holder, f"{here}/OrganIdList", "OrganId")
        )
        infos.append(
            ReplacementInfo(document_id=w.req_text(item, here, "DocumentId"), organ_ids=organ_ids)
        )
    return tuple(infos)
