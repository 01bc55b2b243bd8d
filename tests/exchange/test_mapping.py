"""Back office → package → bytes → package → back office gives back what was sent.

Every business type goes through the real writer, the validator and the reader, so a mapping
that produced a package the schema, the semantic checks or our own reader refuse fails here.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from gateway.edxml import (
    VN_TZ,
    Code,
    EdocPackage,
    Organization,
    OtherInfo,
    Priority,
    ReplacementInfo,
    StatusCode,
    StatusPackage,
    read_package,
    write_package,
)
from gateway.edxml import Business as EdxmlBusiness
from gateway.edxml import BusinessType as EdxmlType
from gateway.edxml.validation import validate_package
from gateway.errors import BackOfficeDataError
from gateway.exchange.backoffice import (
    Attachment,
    Business,
    BusinessType,
    DocumentInfo,
    DocumentRef,
    OutgoingDocument,
    ReceivedDocument,
    ReceiverChange,
    Replacement,
    Signer,
    StaffInfo,
)
from gateway.exchange.mapping import (
    derive_document_id,
    package_from_outgoing,
    received_from_package,
    record_from_package,
)
from gateway.exchange.mapping_status import (
    outgoing_status_text,
    status_change_from_package,
    status_package_for,
)
from gateway.store.records import Direction

MOIT = Organization(organ_id="000.00.00.G12", organ_name="Bộ Công Thương")
MOF = "000.00.00.G13"
CUSTOMS = "000.01.13.G13"
NAMES = {MOF: "Bộ Tài chính", CUSTOMS: "Tổng cục Hải quan"}
TARGET = DocumentRef(
    document_id="000.00.00.G12,2026/03/02,512/BCT-XNK",
    organ_id="000.00.00.G12",
    code_number="512",
    code_notation="BCT-XNK",
    promulgation_date=date(2026, 3, 2),
)
STAFF = StaffInfo(department="Văn phòng Bộ", staff="Lê Thị Hoa", email="hoalt@moit.gov.vn")
NOW = datetime(2026, 3, 10, 8, 30, tzinfo=VN_TZ)


def make_info(**kw: object) -> DocumentInfo:
    fields: dict[str, object] = {
        "subject": "V/v phối hợp cung cấp số liệu xuất khẩu, nhập khẩu quý I năm 2026",
        "code_number": "1234",
        "code_notation": "BCT-XNK",
        "promulgation_date": date(2026, 3, 9),
        "promulgation_place": "Hà Nội",
        "document_type_name": "Công văn",
        "signer": Signer("Nguyễn Văn Minh", position="Thứ trưởng", competence="KT. BỘ TRƯỞNG"),
        "document_type": "1",
        "content": "Đề nghị Bộ Tài chính chỉ đạo Tổng cục Hải quan phối hợp cung cấp số liệu.",
        "priority": 2,
        "due_date": date(2026, 4, 15),
        "steering_type": 1,
        "to_places": ("Như trên", "Lưu: VT, XNK"),
    }
    fields.update(kw)
    return DocumentInfo(**fields)  # type: ignore[arg-type]


BUSINESSES = {
    "new": Business(reason="Văn bản điện tử mới", staff=STAFF),
    "revoke": Business(
        type=BusinessType.REVOKE, reason="Ban hành nhầm đối tượng", paper=True, target=TARGET
    ),
    "update": Business(
        type=BusinessType.UPDATE,
        reason="Bổ sung nơi nhận",
        target=TARGET,
        document_info_changed=True,
        receiver_changes=(ReceiverChange(CUSTOMS, added=True), ReceiverChange(MOF, added=False)),
        staff=STAFF,
    ),
    "replace": Business(
        type=BusinessType.REPLACE,
        reason="Thay thế văn bản có sai sót",
        replacements=(Replacement(TARGET.document_id, (MOF, CUSTOMS)),),
    ),
}

PDF = Attachment(name="Công văn 1234.pdf", content_type="application/pdf", data=b"%PDF-1.7 ...")
XLSX = Attachment(
    name="Biểu mẫu số liệu.xlsx",
    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    data=b"bang so lieu",
    description="Phụ lục số liệu",
)


def outgoing(business: Business, **kw: object) -> OutgoingDocument:
    fields: dict[str, object] = {
        "item_id": "cv-1234",
        "idempotency_key": "imoit:cv-1234:v1",
        "info": make_info(),
        "recipients": (MOF, CUSTOMS),
        "attachments": (PDF, XLSX),
        "business": business,
    }
    fields.update(kw)
    return OutgoingDocument(**fields)  # type: ignore[arg-type]


def read_data(att: Attachment) -> bytes:
    assert att.data is not None
    return att.data


def over_the_wire(pkg: EdocPackage | StatusPackage) -> EdocPackage | StatusPackage:
    data = write_package(pkg)
    report = validate_package(data)
    assert report.errors == (), report.errors
    return read_package(data).package


def build(doc: OutgoingDocument) -> EdocPackage:
    return package_from_outgoing(doc, sender=MOIT, read=read_data, recipient_names=NAMES)


@pytest.mark.parametrize("kind", sorted(BUSINESSES))
def test_every_business_type_round_trips(kind: str) -> None:
    doc = outgoing(BUSINESSES[kind])
    pkg = build(doc)
    back = over_the_wire(pkg)
    assert back == pkg  # the model is exactly what the reader makes of the bytes
    assert isinstance(back, EdocPackage)
    received = received_from_package(back, gateway_id="in-1", received_at=NOW)
    assert received.sender == MOIT.organ_id
    assert received.sender_name == "Bộ Công Thương"
    assert received.recipients == doc.recipients
    sent, got = doc.info, received.info
    assert got.document_id == pkg.document_id
    for name in (
        "subject",
        "code_number",
        "code_notation",
        "promulgation_date",
        "promulgation_place",
        "document_type_name",
        "signer",
        "document_type",
        "content",
        "priority",
        "due_date",
        "steering_type",
        "to_places",
    ):
        assert getattr(got, name) == getattr(sent, name), name
    assert [(a.name, a.content_type, a.data, a.description) for a in received.attachments] == [
        (a.name, a.content_type, a.data, a.description) for a in doc.attachments
    ]
    assert received.business == doc.business
    expected_concerns = () if kind == "new" else (TARGET.document_id,)
    assert tuple(c.document_id for c in received.concerns) == expected_concerns


def test_revoke_names_its_target_in_response_for_and_differs_from_it() -> None:
    pkg = build(outgoing(BUSINESSES["revoke"], info=make_info(code_number="512")))
    assert pkg.business is not None and pkg.business.document_id == TARGET.document_id
    (response,) = pkg.response_for
    assert response.code == "512/BCT-XNK"
    assert response.organ_id == "000.00.00.G12"
    assert response.promulgation_date == date(2026, 3, 2)
    assert pkg.document_id != TARGET.document_id
    received = received_from_package(pkg, gateway_id="in-2", received_at=NOW)
    assert received.business.target == TARGET
    assert received.concerns == (TARGET,)


def test_attachments_get_content_ids_in_order_from_read() -> None:
    seen: list[str] = []

    def read(att: Attachment) -> bytes:
        seen.append(att.name)
        return b"bytes of " + att.name.encode()

    pkg = package_from_outgoing(outgoing(BUSINESSES["new"]), sender=MOIT, read=read)
    assert [a.content_id for a in pkg.attachments] == ["1", "2"]
    assert seen == [PDF.name, XLSX.name]
    assert pkg.attachments[0].data == "bytes of Công văn 1234.pdf".encode()
    assert [o.organ_name for o in pkg.to] == [None, None]  # no names known


def test_bad_outgoing_values_are_refused_before_writing() -> None:
    with pytest.raises(BackOfficeDataError, match="ký hiệu"):
        build(outgoing(BUSINESSES["new"], info=make_info(code_notation=" ")))
    with pytest.raises(BackOfficeDataError, match="numeric"):
        build(outgoing(BUSINESSES["new"], info=make_info(document_type="CV")))
    with pytest.raises(BackOfficeDataError, match="empty"):
        package_from_outgoing(outgoing(BUSINESSES["new"]), sender=MOIT, read=lambda _: b"")


def test_minimal_document_writes_a_valid_package() -> None:
    info = make_info(
        document_type=None,
        content=None,
        priority=0,
        due_date=None,
        steering_type=None,
        to_places=(),
        signer=Signer("Trần Thị Lan"),
    )
    doc = outgoing(Business(), info=info, attachments=(), recipients=(MOF,))
    back = over_the_wire(build(doc))
    assert isinstance(back, EdocPackage)
    got = received_from_package(back, gateway_id="in-3", received_at=NOW).info
    assert got.document_type is None and got.steering_type is None and got.priority == 0


def test_revoke_of_a_reference_without_code_takes_it_from_the_document_id() -> None:
    bare = DocumentRef(document_id=TARGET.document_id)
    pkg = build(outgoing(Business(type=BusinessType.REVOKE, target=bare)))
    assert pkg.response_for[0].code == "512/BCT-XNK"
    uuid_ref = DocumentRef(document_id="7f0c2a9e-4b1d-4c55-9a37-1d2e3f405162")
    pkg = build(outgoing(Business(type=BusinessType.REVOKE, target=uuid_ref)))
    back = over_the_wire(pkg)
    assert isinstance(back, EdocPackage)
    target = received_from_package(back, gateway_id="in-4", received_at=NOW).business.target
    assert target == uuid_ref


# -- record ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "business_type"), [("new", 0), ("revoke", 1), ("update", 2), ("replace", 3)]
)
def test_record_from_package(kind: str, business_type: int) -> None:
    pkg = build(outgoing(BUSINESSES[kind]))
    record = record_from_package(pkg, Direction.OUT)
    assert record.direction is Direction.OUT
    assert record.sender == "000.00.00.G12"
    assert record.recipients == (MOF, CUSTOMS)
    assert record.document_id == pkg.document_id
    assert (record.code_number, record.code_notation) == ("1234", "BCT-XNK")
    assert record.subject == make_info().subject
    assert record.business_type == business_type
    assert record.promulgation_date == date(2026, 3, 9)
    assert record.document_type == "Công văn"
    assert record.priority == 2
    assert record.due_date == date(2026, 4, 15)
    assert record.related_document_id == (None if kind == "new" else TARGET.document_id)


def test_record_keeps_recipients_once_and_uses_type_code_without_name() -> None:
    pkg = build(outgoing(BUSINESSES["new"], info=make_info(document_type_name="Công văn")))
    doubled = EdocPackage(
        from_=pkg.from_,
        to=(*pkg.to, pkg.to[0]),
        document_id=pkg.document_id,
        code=pkg.code,
        subject=pkg.subject,
    )
    record = record_from_package(doubled, Direction.IN)
    assert record.recipients == (MOF, CUSTOMS)
    assert record.business_type == 0 and record.priority == 0 and record.document_type is None


# -- received from a partner -------------------------------------------------------------------


def test_partner_package_without_promulgation_date_uses_received_day_in_vietnam() -> None:
    pkg = EdocPackage(
        from_=Organization(organ_id="000.00.00.G22"),
        to=(Organization(organ_id="000.00.00.G12"),),
        document_id="000.00.00.G22,2015/09/30,7816/VPCP-TTĐT",
        code=Code(code_number="7816", code_notation="VPCP-TTĐT"),
        subject="V/v triển khai Cổng dịch vụ công quốc gia",
    )
    late_evening_utc = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)  # 03:00 on 10/3 in VN
    received = received_from_package(pkg, gateway_id="in-5", received_at=late_evening_utc)
    info = received.info
    assert info.promulgation_date == date(2026, 3, 10)
    assert (info.promulgation_place, info.document_type_name, info.signer.full_name) == ("",) * 3
    assert info.document_id == pkg.document_id
    assert received.business == Business() and received.concerns == ()
    assert received.sender_name is None


def test_unknown_priority_and_business_type_degrade_without_losing_references() -> None:
    base = build(outgoing(BUSINESSES["revoke"]))
    odd = replace(
        base,
        other_info=OtherInfo(priority=Priority(7)),
        business=EdxmlBusiness(business_doc_type=EdxmlType(9)),
    )
    received = received_from_package(odd, gateway_id="in-6", received_at=NOW)
    assert received.info.priority == 0
    assert received.business == Business()
    assert received.concerns == (TARGET,)


# -- document ids ------------------------------------------------------------------------------


def test_derive_document_id_for_a_new_document() -> None:
    info = make_info(
        code_number="7816", code_notation="VPCP-TTĐT", promulgation_date=date(2015, 9, 30)
    )
    got = derive_document_id(info, "000.00.00.G22", Business(), "k")
    assert got == "000.00.00.G22,2015/09/30,7816/VPCP-TTĐT"


def test_derive_document_id_prefers_the_back_office_id_in_nfc() -> None:
    decomposed = " 000.00.00.G12,2026/03/09,1234/BCT-ĐL\u0301 "
    got = derive_document_id(make_info(document_id=decomposed), "x", Business(), "k")
    assert got == "000.00.00.G12,2026/03/09,1234/BCT-ĐĹ"


@pytest.mark.parametrize("kind", ["revoke", "update", "replace"])
def test_derive_document_id_marks_operations(kind: str) -> None:
    business = BUSINESSES[kind]
    same_code = make_info(code_number="512", promulgation_date=date(2026, 3, 2))
    got = derive_document_id(same_code, "000.00.00.G12", business, "key-1")
    digest = hashlib.sha256(b"key-1").hexdigest()[:10]
    assert got == f"{TARGET.document_id}#{kind}-{digest}"
    assert got != TARGET.document_id
    # A re-offered item gets the same id; another item with the same code does not.
    assert derive_document_id(same_code, "000.00.00.G12", business, "key-1") == got
    assert derive_document_id(same_code, "000.00.00.G12", business, "key-2") != got


# -- statuses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["03", "09"])
def test_status_round_trip(code: str) -> None:
    pkg_in = build(outgoing(BUSINESSES["new"]))
    record = record_from_package(pkg_in, Direction.IN)
    reporter = Organization(organ_id=MOF, organ_name="Bộ Tài chính")
    moment = datetime(2026, 3, 10, 2, 15, 30, 123456, tzinfo=UTC)
    status = status_package_for(
        record,
        reporter=reporter,
        code=code,
        description="Văn thư đã tiếp nhận, vào sổ văn bản đến",
        time=moment,
        staff=STAFF,
    )
    assert status.response_for.code == "1234/BCT-XNK"
    assert status.response_for.organ_id == "000.00.00.G12"
    assert status.status_code == StatusCode(code)
    back = over_the_wire(status)
    assert back == status
    assert isinstance(back, StatusPackage)
    change = status_change_from_package(back, gateway_id="st-1")
    assert change.document == DocumentRef(
        document_id=pkg_in.document_id,
        organ_id="000.00.00.G12",
        code_number="1234",
        code_notation="BCT-XNK",
        promulgation_date=date(2026, 3, 9),
    )
    assert change.recipient == MOF
    assert change.code == code
    assert change.known is (code == "03")
    assert change.description == "Văn thư đã tiếp nhận, vào sổ văn bản đến"
    assert change.time == moment.replace(microsecond=0)
    assert change.time.utcoffset() == timedelta(hours=7)
    assert change.staff == STAFF


def test_status_without_description_or_staff() -> None:
    record = record_from_package(build(outgoing(BUSINESSES["new"])), Direction.IN)
    status = status_package_for(
        record, reporter=Organization(organ_id=MOF), code="1", description=" ", time=NOW, staff=None
    )
    back = over_the_wire(status)
    assert isinstance(back, StatusPackage)
    change = status_change_from_package(back, gateway_id="st-2")
    assert (change.code, change.description, change.staff) == ("01", "", None)


def test_status_refuses_bad_codes_and_naive_times() -> None:
    record = record_from_package(build(outgoing(BUSINESSES["new"])), Direction.IN)
    org = Organization(organ_id=MOF)
    with pytest.raises(BackOfficeDataError, match="status code"):
        status_package_for(record, reporter=org, code="ab", description="", time=NOW, staff=None)
    with pytest.raises(BackOfficeDataError, match="UTC offset"):
        status_package_for(
            record, reporter=org, code="03", description="", time=datetime(2026, 3, 10), staff=None
        )


def test_outgoing_status_text() -> None:
    assert outgoing_status_text("03") == "Đã tiếp nhận"
    assert outgoing_status_text("16") == "Không đồng ý yêu cầu"
    assert outgoing_status_text("09") == "09"


def test_received_document_is_a_back_office_value() -> None:
    pkg = build(outgoing(BUSINESSES["update"]))
    received = received_from_package(pkg, gateway_id="in-7", received_at=NOW)
    assert isinstance(received, ReceivedDocument)
    assert received.business.receiver_changes == BUSINESSES["update"].receiver_changes
    assert received.business.document_info_changed is True


def test_replace_with_a_target_round_trips_and_partner_replace_without_agencies() -> None:
    business = Business(
        type=BusinessType.REPLACE,
        target=TARGET,
        replacements=(Replacement(TARGET.document_id, (MOF,)),),
    )
    back = over_the_wire(build(outgoing(business)))
    assert isinstance(back, EdocPackage)
    assert received_from_package(back, gateway_id="in-8", received_at=NOW).business == business
    assert back.business is not None
    bare = replace(
        back,
        business=replace(
            back.business,
            replacement_infos=(ReplacementInfo(document_id=TARGET.document_id),),
        ),
    )
    got = received_from_package(bare, gateway_id="in-9", received_at=NOW).business
    assert got.replacements == (Replacement(TARGET.document_id, (MOF, CUSTOMS)),)
