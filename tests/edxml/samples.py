"""Small hand-written packages (our own Vietnamese text) for focused tests."""

from __future__ import annotations

from datetime import date, datetime

from gateway.edxml import (
    VN_TZ,
    Attachment,
    Code,
    EdocPackage,
    Organization,
    OtherInfo,
    Priority,
    ResponseFor,
    StatusCode,
    StatusPackage,
)

MOIT = Organization(
    organ_id="000.00.00.G12",
    organ_name="Bộ Công Thương",
    organ_add="54 Hai Bà Trưng, Hoàn Kiếm, Hà Nội",
)
MOF = Organization(organ_id="000.00.00.G13", organ_name="Bộ Tài chính")


def letter(
    *,
    subject: str = "V/v phối hợp thống kê số liệu xuất khẩu quý I",
    priority: int = 0,
    attachments: tuple[Attachment, ...] = (),
) -> EdocPackage:
    return EdocPackage(
        from_=MOIT,
        to=(MOF,),
        document_id="000.00.00.G12,2026/03/02,512/BCT-XNK",
        code=Code(code_number="512", code_notation="BCT-XNK"),
        subject=subject,
        other_info=OtherInfo(priority=Priority(priority)),
        attachments=attachments,
    )


def status(*, code: StatusCode = StatusCode.ACCEPTED) -> StatusPackage:
    return StatusPackage(
        from_=MOF,
        response_for=ResponseFor(
            code="512/BCT-XNK",
            document_id="000.00.00.G12,2026/03/02,512/BCT-XNK",
            organ_id="000.00.00.G12",
            promulgation_date=date(2026, 3, 2),
        ),
        status_code=code,
        description="Văn thư đã tiếp nhận, vào sổ văn bản đến",
        timestamp=datetime(2026, 3, 3, 9, 0, 0, tzinfo=VN_TZ),
    )
