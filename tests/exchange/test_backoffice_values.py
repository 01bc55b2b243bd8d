"""Back-office values refuse inconsistent content with a message that says what is wrong."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from gateway.errors import BackOfficeDataError
from gateway.exchange.backoffice import (
    Attachment,
    Business,
    BusinessType,
    DocumentInfo,
    DocumentRef,
    OutgoingDocument,
    OutgoingStatus,
    ReceiverChange,
    Replacement,
    Signer,
)

REF = DocumentRef("000.00.00.G12,2024/05/02,3000/BCT-VP", "000.00.00.G12")


def info(**kw: object) -> DocumentInfo:
    fields: dict[str, object] = {
        "subject": "Về việc triển khai Quy hoạch điện VIII",
        "code_number": "3001",
        "code_notation": "BCT-ĐL",
        "promulgation_date": date(2024, 5, 3),
        "promulgation_place": "Hà Nội",
        "document_type_name": "Công văn",
        "signer": Signer("Nguyễn Sinh Nhật Tân"),
    }
    fields.update(kw)
    return DocumentInfo(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type": BusinessType.REVOKE}, "target document missing"),
        ({"type": BusinessType.UPDATE}, "target document missing"),
        ({"type": BusinessType.REPLACE}, "replacement list is empty"),
        ({"type": BusinessType.NEW, "target": REF}, "must not name a target"),
        (
            {
                "type": BusinessType.REVOKE,
                "target": REF,
                "receiver_changes": (ReceiverChange("x", True),),
            },
            "are for updates",
        ),
        (
            {
                "type": BusinessType.UPDATE,
                "target": REF,
                "replacements": (Replacement("d", ("x",)),),
            },
            "only for replace",
        ),
        ({"type": BusinessType.REPLACE, "replacements": (Replacement("d", ()),)}, "no agencies"),
    ],
)
def test_inconsistent_business_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(BackOfficeDataError, match=message):
        Business(**kwargs)  # type: ignore[arg-type]


def test_consistent_business_operations_are_accepted() -> None:
    assert Business(BusinessType.UPDATE, target=REF, receiver_changes=(ReceiverChange("h", False),))
    assert Business(BusinessType.REPLACE, replacements=(Replacement(REF.document_id, ("h",)),))


def test_attachment_needs_exactly_one_source() -> None:
    with pytest.raises(BackOfficeDataError, match="exactly one of path or data"):
        Attachment("a.pdf")
    with pytest.raises(BackOfficeDataError, match="exactly one of path or data"):
        Attachment("a.pdf", data=b"x", path=Path("/x"))


def test_priority_and_blank_fields() -> None:
    with pytest.raises(BackOfficeDataError, match="priority 5"):
        info(priority=5)
    assert info(subject=" ", code_number="").empty_fields() == ("subject", "code_number")
    with pytest.raises(BackOfficeDataError, match=r"empty field.*subject"):
        OutgoingDocument("i", "k", info(subject=""), ("000.00.00.H26",))
    with pytest.raises(BackOfficeDataError, match="no recipients"):
        OutgoingDocument("i", "k", info(), ())
    with pytest.raises(BackOfficeDataError, match="repeated recipient"):
        OutgoingDocument("i", "k", info(), ("000.00.00.H26", "000.00.00.H26"))


def test_status_code_and_time_are_checked() -> None:
    with pytest.raises(BackOfficeDataError, match="not two digits"):
        OutgoingStatus("i", "k", REF, "3", "", datetime.fromisoformat("2024-06-12T08:00:00+07:00"))
    with pytest.raises(BackOfficeDataError, match="no UTC offset"):
        OutgoingStatus("i", "k", REF, "03", "", datetime(2024, 6, 12, 8, 0))
    with pytest.raises(BackOfficeDataError, match="document_id is empty"):
        DocumentRef(" ")
