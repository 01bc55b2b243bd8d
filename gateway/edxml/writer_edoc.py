"""MessageHeader and TraceHeaderList of a document package."""

from __future__ import annotations

from gateway.edxml.model_common import TraceHeader
from gateway.edxml.model_edoc import Business, EdocPackage, OtherInfo
from gateway.edxml.timefmt import format_timestamp
from gateway.edxml.writer_parts import (
    P,
    opt_date,
    opt_flag,
    opt_int,
    write_organization,
    write_response_for,
    write_staff_info,
)
from gateway.edxml.writer_xml import XmlOut


def write_edoc_header(out: XmlOut, doc: EdocPackage) -> None:
    out.open(P + "MessageHeader")
    write_organization(out, "From", doc.from_)
    for recipient in doc.to:
        write_organization(out, "To", recipient)
    out.leaf(P + "DocumentId", doc.document_id)
    out.open(P + "Code")
    out.leaf(P + "CodeNumber", doc.code.code_number)
    out.leaf(P + "CodeNotation", doc.code.code_notation)
    out.close()
    if doc.promulgation_info is not None:
        out.open(P + "PromulgationInfo")
        out.leaf(P + "Place", doc.promulgation_info.place)
        out.leaf(P + "PromulgationDate", opt_date(doc.promulgation_info.promulgation_date))
        out.close()
    if doc.document_type is not None:
        out.open(P + "DocumentType")
        out.leaf(P + "Type", doc.document_type.type)
        out.leaf(P + "TypeDetail", doc.document_type.type_detail)
        out.leaf(P + "TypeName", doc.document_type.type_name)
        out.close()
    out.leaf(P + "Subject", doc.subject)
    out.leaf(P + "Content", doc.content)
    if doc.signer_info is not None:
        out.open(P + "SignerInfo")
        out.leaf(P + "Competence", doc.signer_info.competence)
        out.leaf(P + "Position", doc.signer_info.position)
        out.leaf(P + "FullName", doc.signer_info.full_name)
        out.close()
    out.leaf(P + "DueDate", opt_date(doc.due_date))
    if doc.other_info is not None:
        _other_info(out, doc.other_info)
    for response in doc.response_for:
        write_response_for(out, response)
    out.leaf(P + "SteeringType", opt_int(doc.steering_type))
    if doc.to_places:
        out.open(P + "ToPlaces")
        for place in doc.to_places:
            out.leaf(P + "Place", place)
        out.close()
    out.close()


def _other_info(out: XmlOut, info: OtherInfo) -> None:
    out.open(P + "OtherInfo")
    out.leaf(P + "Priority", str(int(info.priority)))
    out.leaf(P + "SphereOfPromulgation", info.sphere_of_promulgation)
    out.leaf(P + "TyperNotation", info.typer_notation)
    out.leaf(P + "PromulgationAmount", opt_int(info.promulgation_amount))
    out.leaf(P + "PageAmount", opt_int(info.page_amount))
    out.leaf(P + "Direction", info.direction)
    if info.appendixes:
        out.open(P + "Appendixes")
        for appendix in info.appendixes:
            out.leaf(P + "Appendix", appendix)
        out.close()
    out.close()


def write_trace_list(
    out: XmlOut, traces: tuple[TraceHeader, ...], business: Business | None
) -> None:
    out.open(P + "TraceHeaderList")
    for trace in traces:
        out.open(P + "TraceHeader")
        out.leaf(P + "OrganId", trace.organ_id)
        out.leaf(P + "Timestamp", format_timestamp(trace.timestamp))
        out.close()
    if business is not None:
        _business(out, business)
    out.close()


def _business(out: XmlOut, business: Business) -> None:
    out.open(P + "Bussiness")
    out.leaf(P + "DocumentId", business.document_id)
    out.leaf(P + "BussinessDocType", str(int(business.business_doc_type)))
    out.leaf(P + "BussinessDocReason", business.reason)
    out.leaf(P + "Paper", opt_flag(business.paper))
    info = business.business_document_info
    if info is not None:
        out.open(P + "BussinessDocumentInfo")
        out.leaf(P + "DocumentInfo", opt_flag(info.document_info))
        out.leaf(P + "DocumentReceiver", opt_flag(info.document_receiver))
        if info.receivers:
            out.open(P + "ReceiverList")
            for receiver in info.receivers:
                out.open(P + "Receiver")
                out.leaf(P + "OrganId", receiver.organ_id)
                out.leaf(P + "ReceiverType", str(int(receiver.receiver_type)))
                out.close()
            out.close()
        out.close()
    if business.replacement_infos:
        out.open(P + "ReplacementInfoList")
        for replacement in business.replacement_infos:
            out.open(P + "ReplacementInfo")
            out.leaf(P + "DocumentId", replacement.document_id)
            out.open(P + "OrganIdList")
            for organ_id in replacement.organ_ids:
                out.leaf(P + "OrganId", organ_id)
            out.close()
            out.close()
        out.close()
    write_staff_info(out, business.staff_info)
    out.close()
