"""Back-office values ⇄ edXML model ⇄ store records: the engine's pure translation layer.

The back office speaks in documents, recipients and statuses (:mod:`.backoffice`); the wire
speaks QCVN 102 (:mod:`gateway.edxml`); the store keeps :class:`DocumentRecord`. Every function
here is pure - the only outside call is the ``read`` callable that hands attachment bytes over -
so the engine can retry a mapping as often as it likes and tests need no store or network.

Choices that shape what goes on the wire (each made so that what we write passes
:func:`gateway.edxml.validation.validate_package` and reads back to the same values):

* every package we send carries an explicit ``Bussiness`` element, also for a new document
  (type 0), as the Ministry's own reference packages do;
* ``DocumentType/Type`` is required by the schema: an empty element when the back office has
  no numeric code;
* ``ResponseFor/Code`` must not be empty (the reader refuses it): "số/ký hiệu", taken from the
  DocumentId when the reference lacks both parts, "/" as a last resort;
* attachments get content ids ``1``, ``2``, ... in the order the back office listed them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from gateway import edxml as ex
from gateway.errors import BackOfficeDataError
from gateway.exchange import backoffice as bo
from gateway.exchange.mapping_parts import (
    code_text,
    nfc,
    ref_of,
    staff_in,
    staff_out,
    vn_time,
)
from gateway.store.records import Direction, DocumentRecord

__all__ = [
    "derive_document_id",
    "package_from_outgoing",
    "received_from_package",
    "record_from_package",
]


# -- identifiers -------------------------------------------------------------------------------


def derive_document_id(
    info: bo.DocumentInfo, issuer: str, business: bo.Business, idempotency_key: str
) -> str:
    """The DocumentId of a package we send.

    The back office's own ``info.document_id`` when set; otherwise the form real packages carry,
    ``"{issuer},{yyyy/MM/dd},{số}/{ký hiệu}"``. A revoke, update or replace often reuses the
    number of the document it acts on, so for those the id gets ``"#{op}-{10 hex}"`` (the hash
    of ``idempotency_key``): distinct from its target, yet the same on every retry.
    """
    base = nfc((info.document_id or "").strip())
    if not base:
        day = info.promulgation_date
        code = f"{info.code_number.strip()}/{info.code_notation.strip()}"
        base = nfc(f"{issuer.strip()},{day.year:04d}/{day.month:02d}/{day.day:02d},{code}")
    if business.type is bo.BusinessType.NEW:
        return base
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:10]
    return f"{base}#{business.type.name.lower()}-{digest}"


# -- outgoing document → package ---------------------------------------------------------------


def package_from_outgoing(
    doc: bo.OutgoingDocument,
    *,
    sender: ex.Organization,
    read: Callable[[bo.Attachment], bytes],
    recipient_names: Mapping[str, str] | None = None,
) -> ex.EdocPackage:
    """The package for ``doc``, sent as ``sender`` (the engine decides who that is).

    Raises :class:`BackOfficeDataError` for what would make an unreadable or invalid package:
    an empty ký hiệu, a non-numeric document type code, an empty attachment.
    """
    info = doc.info
    where = f"outgoing document {doc.item_id!r}"
    if not info.code_notation.strip():
        raise BackOfficeDataError(f"{where}: code_notation (ký hiệu) is empty")
    type_code = (info.document_type or "").strip()
    if type_code and not (type_code.isascii() and type_code.isdigit()):
        raise BackOfficeDataError(f"{where}: document_type {type_code!r} is not a numeric code")
    names = recipient_names or {}
    business, response_for = _business_out(doc.business)
    return ex.EdocPackage(
        from_=sender,
        to=tuple(ex.Organization(organ_id=r, organ_name=names.get(r)) for r in doc.recipients),
        document_id=derive_document_id(info, sender.organ_id, doc.business, doc.idempotency_key),
        code=ex.Code(
            code_number=info.code_number.strip(), code_notation=info.code_notation.strip()
        ),
        subject=info.subject,
        promulgation_info=ex.PromulgationInfo(
            place=info.promulgation_place, promulgation_date=info.promulgation_date
        ),
        document_type=ex.DocumentType(type=type_code, type_name=info.document_type_name),
        content=info.content,
        signer_info=ex.SignerInfo(
            competence=info.signer.competence,
            position=info.signer.position,
            full_name=info.signer.full_name,
        ),
        due_date=info.due_date,
        other_info=ex.OtherInfo(priority=ex.Priority(info.priority)),
        response_for=response_for,
        steering_type=_steering(info.steering_type, where),
        to_places=info.to_places,
        business=business,
        attachments=tuple(
            _attachment_out(att, index, read, where) for index, att in enumerate(doc.attachments, 1)
        ),
    )


def _steering(value: int | None, where: str) -> ex.SteeringType | None:
    if value is None:
        return None
    try:
        return ex.SteeringType(value)
    except ValueError:
        raise BackOfficeDataError(f"{where}: steering_type {value} is negative") from None


def _attachment_out(
    att: bo.Attachment, index: int, read: Callable[[bo.Attachment], bytes], where: str
) -> ex.Attachment:
    data = read(att)
    if not data:
        raise BackOfficeDataError(f"{where}: attachment {att.name!r} is empty (0 bytes)")
    return ex.Attachment(
        content_id=str(index),
        name=att.name,
        data=data,
        content_type=att.content_type,
        description=att.description,
    )


def _response_for(ref: bo.DocumentRef) -> ex.ResponseFor:
    return ex.ResponseFor(
        code=code_text(ref.code_number, ref.code_notation, ref.document_id),
        document_id=ref.document_id,
        organ_id=ref.organ_id,
        promulgation_date=ref.promulgation_date,
    )


def _business_out(
    business: bo.Business,
) -> tuple[ex.Business, tuple[ex.ResponseFor, ...]]:
    """The ``Bussiness`` element and the ResponseFor entries naming the document acted on."""
    kind = business.type
    target = business.target
    info = None
    if kind is bo.BusinessType.UPDATE:
        info = ex.BusinessDocumentInfo(
            document_info=business.document_info_changed,
            document_receiver=bool(business.receiver_changes),
            receivers=tuple(
                ex.Receiver(organ_id=c.organ_id, receiver_type=1 if c.added else 0)
                for c in business.receiver_changes
            ),
        )
    element = ex.Business(
        business_doc_type=ex.BusinessType(int(kind)),
        # Replace names its targets in ReplacementInfo; revoke and update in DocumentId.
        document_id=(
            target.document_id
            if target is not None and kind is not bo.BusinessType.REPLACE
            else None
        ),
        reason=business.reason,
        paper=business.paper,
        staff_info=staff_out(business.staff),
        business_document_info=info,
        replacement_infos=tuple(
            ex.ReplacementInfo(document_id=r.document_id, organ_ids=r.organ_ids)
            for r in business.replacements
        ),
    )
    return element, (() if target is None else (_response_for(target),))


# -- package → store record --------------------------------------------------------------------


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def record_from_package(pkg: ex.EdocPackage, direction: Direction) -> DocumentRecord:
    """The store's metadata of ``pkg``; ``related_document_id`` is what it acts on or answers."""
    business = pkg.business
    related = business.document_id if business is not None else None
    if related is None and business is not None and business.replacement_infos:
        related = business.replacement_infos[0].document_id
    if related is None and pkg.response_for:
        related = pkg.response_for[0].document_id
    dtype = pkg.document_type
    promulgation = pkg.promulgation_info
    return DocumentRecord(
        direction=direction,
        sender=pkg.from_.organ_id,
        recipients=_unique(org.organ_id for org in pkg.to),
        document_id=pkg.document_id,
        code_number=pkg.code.code_number,
        code_notation=pkg.code.code_notation,
        subject=pkg.subject,
        business_type=int(business.business_doc_type) if business is not None else 0,
        promulgation_date=promulgation.promulgation_date if promulgation else None,
        document_type=(dtype.type_name or dtype.type or None) if dtype else None,
        priority=int(pkg.other_info.priority) if pkg.other_info else 0,
        due_date=pkg.due_date,
        related_document_id=related,
    )


# -- received package → back office ------------------------------------------------------------


def _concerns(pkg: ex.EdocPackage) -> tuple[bo.DocumentRef, ...]:
    """Every document ``pkg`` names (ResponseFor first: they carry the most detail), once."""
    refs: dict[str, bo.DocumentRef] = {}
    for response in pkg.response_for:
        refs.setdefault(response.document_id, ref_of(response))
    business = pkg.business
    if business is not None:
        named = [business.document_id, *(r.document_id for r in business.replacement_infos)]
        for document_id in named:
            if document_id and document_id not in refs:
                refs[document_id] = bo.DocumentRef(document_id=document_id)
    return tuple(refs.values())


def _business_in(
    pkg: ex.EdocPackage, concerns: tuple[bo.DocumentRef, ...], recipients: tuple[str, ...]
) -> bo.Business:
    business = pkg.business
    if business is None or not business.business_doc_type.known:
        return bo.Business()  # unknown operation: delivered as new, the references in concerns
    kind = bo.BusinessType(int(business.business_doc_type))
    target = None
    if kind is not bo.BusinessType.NEW:
        by_id = {ref.document_id: ref for ref in concerns}
        target = by_id.get(business.document_id or "")
        if target is None and pkg.response_for:
            target = by_id[pkg.response_for[0].document_id]
        if target is None and kind is not bo.BusinessType.REPLACE:
            raise BackOfficeDataError(
                f"received document {pkg.document_id!r}: a {kind.name.lower()} names no document"
            )
    update = business.business_document_info or ex.BusinessDocumentInfo()
    is_update = kind is bo.BusinessType.UPDATE
    return bo.Business(
        type=kind,
        reason=business.reason,
        paper=bool(business.paper),
        target=target,
        document_info_changed=is_update and update.document_info,
        receiver_changes=tuple(
            bo.ReceiverChange(organ_id=r.organ_id, added=r.receiver_type == 1)
            for r in (update.receivers if is_update else ())
            if r.receiver_type in (0, 1)
        ),
        replacements=(_replacements_in(pkg, recipients) if kind is bo.BusinessType.REPLACE else ()),
        staff=staff_in(business.staff_info),
    )


def _replacements_in(
    pkg: ex.EdocPackage, recipients: tuple[str, ...]
) -> tuple[bo.Replacement, ...]:
    """Replaced documents; with no agency listed, it is replaced for this package's recipients."""
    business = pkg.business
    infos = business.replacement_infos if business is not None else ()
    replaced = [(r.document_id, r.organ_ids) for r in infos]
    if not replaced:  # invalid, but the ResponseFor entries still say what is replaced
        replaced = [(r.document_id, ()) for r in pkg.response_for]
    if not replaced:
        raise BackOfficeDataError(
            f"received document {pkg.document_id!r}: a replace names no replaced document"
        )
    return tuple(bo.Replacement(d, organ_ids or recipients) for d, organ_ids in replaced)


def received_from_package(
    pkg: ex.EdocPackage, *, gateway_id: str, received_at: datetime
) -> bo.ReceivedDocument:
    """The back-office view of a partner's document package.

    Missing optional fields become ``""`` (place, type name, signer) or None. A package without
    PromulgationDate is dated with ``received_at``'s day in Vietnam (UTC+7), because the back
    office needs a date; ``document_id`` always keeps the package's own DocumentId. Unknown
    priorities become 0 (normal), unknown business types a new document whose references stay
    in ``concerns``; a replace that lists no agencies applies to this package's recipients.
    """
    promulgation = pkg.promulgation_info or ex.PromulgationInfo()
    dtype = pkg.document_type or ex.DocumentType()
    signer = pkg.signer_info or ex.SignerInfo()
    priority = pkg.other_info.priority if pkg.other_info else ex.Priority.NORMAL
    recipients = _unique(org.organ_id for org in pkg.to)
    concerns = _concerns(pkg)
    received_day = vn_time(received_at, "received_at").date()
    info = bo.DocumentInfo(
        subject=pkg.subject,
        code_number=pkg.code.code_number,
        code_notation=pkg.code.code_notation,
        promulgation_date=promulgation.promulgation_date or received_day,
        promulgation_place=promulgation.place or "",
        document_type_name=dtype.type_name or "",
        signer=bo.Signer(
            full_name=signer.full_name or "",
            position=signer.position,
            competence=signer.competence,
        ),
        document_id=pkg.document_id,
        document_type=dtype.type,
        content=pkg.content,
        priority=int(priority) if priority.known else 0,
        due_date=pkg.due_date,
        steering_type=int(pkg.steering_type) if pkg.steering_type is not None else None,
        to_places=pkg.to_places,
    )
    return bo.ReceivedDocument(
        gateway_id=gateway_id,
        sender=pkg.from_.organ_id,
        info=info,
        recipients=recipients,
        received_at=received_at,
        attachments=tuple(
            bo.Attachment(
                name=att.name,
                content_type=att.content_type,
                data=att.data,
                description=att.description,
            )
            for att in pkg.attachments
        ),
        business=_business_in(pkg, concerns, recipients),
        concerns=concerns,
        sender_name=pkg.from_.organ_name,
    )
