"""Hypothesis strategies for edXML models with Vietnamese text (NFC and NFD spellings)."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import strategies as st

from gateway.edxml import (
    Attachment,
    Business,
    BusinessDocumentInfo,
    BusinessType,
    Code,
    DocumentType,
    EdocPackage,
    Organization,
    OtherInfo,
    Priority,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPackage,
    SteeringType,
    TraceHeader,
)

# Syllables of real Vietnamese official-letter vocabulary.
_SYLLABLES = tuple(
    (  # noqa: SIM905 - a sentence reads better than 60 quoted words
        "Bộ Công Thương văn bản điện tử đề nghị các đơn vị báo cáo tình hình thực hiện kế "
        "hoạch năm Ủy ban nhân dân tỉnh Quảng Ngãi Đắk Lắk Thừa Thiên Huế hỏa tốc thượng khẩn "
        "trích yếu về việc triển khai liên thông gửi nhận Nguyễn Trần Lê Phạm Hoàng Thị Ngọc "
        "Trâm Hữu Đức xử lý phối hợp quản lý nhà nước ngành công nghiệp thương mại số hóa"
    ).split()
)
_PUNCT = ("", ",", ".", ":", ";", " -", "/", "&", "<", ">", '"', "'")


@st.composite
def vn_text(draw: st.DrawFn, max_words: int = 8) -> str:
    words = draw(st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=max_words))
    text = ""
    for word in words:
        text += (" " if text else "") + word + draw(st.sampled_from(_PUNCT))
    text = text.strip()
    # Some producers send decomposed Vietnamese; the model must come out NFC anyway.
    form = draw(st.sampled_from(("NFC", "NFD")))
    return unicodedata.normalize(form, text)


ascii_id = st.from_regex(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}", fullmatch=True)
token = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,15}", fullmatch=True)
opt_text = st.none() | vn_text()
dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
timestamps = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2090, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-5))]),
).map(lambda moment: moment.replace(microsecond=0))

organizations = st.builds(
    Organization,
    organ_id=ascii_id,
    organization_in_charge=opt_text,
    organ_name=opt_text,
    organ_add=opt_text,
    email=st.none() | st.just("vanthu@moit.gov.vn"),
    telephone=st.none() | st.just("024 2220 2222"),
    fax=st.none() | st.just("024 2220 2525"),
    website=st.none() | st.just("moit.gov.vn"),
)
staff = st.builds(
    StaffInfo,
    department=opt_text,
    staff=opt_text,
    mobile=st.none() | st.just("0912345678"),
    email=st.none() | st.just("vt@moit.gov.vn"),
)
responses = st.builds(
    ResponseFor,
    code=vn_text(2),
    document_id=token,
    organ_id=st.none() | ascii_id,
    promulgation_date=st.none() | dates,
)
attachments = st.builds(
    Attachment,
    content_id=token,
    name=vn_text(3).map(lambda name: name + ".pdf"),
    data=st.binary(min_size=1, max_size=2048),
    content_type=st.sampled_from(["application/pdf", "application/msword", "text/plain"]),
    description=opt_text,
)


@st.composite
def businesses(draw: st.DrawFn) -> Business:
    kind = draw(st.sampled_from(list(BusinessType)))
    info = None
    replacements: tuple[ReplacementInfo, ...] = ()
    if kind is BusinessType.UPDATE:
        receivers = draw(
            st.lists(
                st.builds(Receiver, organ_id=ascii_id, receiver_type=st.sampled_from([0, 1])),
                max_size=3,
            )
        )
        info = BusinessDocumentInfo(
            document_info=draw(st.booleans()),
            document_receiver=draw(st.booleans()),
            receivers=tuple(receivers),
        )
    if kind is BusinessType.REPLACE:
        replacements = tuple(
            draw(
                st.lists(
                    st.builds(
                        ReplacementInfo,
                        document_id=token,
                        organ_ids=st.lists(ascii_id, min_size=1, max_size=3).map(tuple),
                    ),
                    min_size=1,
                    max_size=2,
                )
            )
        )
    return Business(
        business_doc_type=kind,
        document_id=draw(st.none() | token),
        reason=draw(opt_text),
        paper=draw(st.none() | st.booleans()),
        staff_info=draw(st.none() | staff),
        business_document_info=info,
        replacement_infos=replacements,
    )


@st.composite
def edoc_packages(draw: st.DrawFn) -> EdocPackage:
    atts = draw(st.lists(attachments, max_size=3, unique_by=lambda a: a.content_id))
    return EdocPackage(
        from_=draw(organizations),
        to=tuple(draw(st.lists(organizations, min_size=1, max_size=3))),
        document_id=draw(token),
        code=Code(
            code_number=draw(st.from_regex(r"[0-9]{1,5}", fullmatch=True)),
            code_notation=draw(vn_text(1)),
        ),
        subject=draw(vn_text(12)),
        promulgation_info=draw(
            st.none()
            | st.builds(PromulgationInfo, place=opt_text, promulgation_date=st.none() | dates)
        ),
        document_type=draw(
            st.none()
            | st.builds(
                DocumentType,
                type=st.none() | st.just("1"),
                type_detail=st.none() | st.just("0"),
                type_name=opt_text,
            )
        ),
        content=draw(opt_text),
        signer_info=draw(
            st.none()
            | st.builds(SignerInfo, competence=opt_text, position=opt_text, full_name=opt_text)
        ),
        due_date=draw(st.none() | dates),
        other_info=draw(
            st.none()
            | st.builds(
                OtherInfo,
                priority=st.integers(0, 9).map(Priority),
                sphere_of_promulgation=opt_text,
                typer_notation=opt_text,
                promulgation_amount=st.none() | st.integers(0, 999),
                page_amount=st.none() | st.integers(0, 999),
                direction=st.none() | st.just("false"),
                appendixes=st.lists(vn_text(4), max_size=2).map(tuple),
            )
        ),
        response_for=tuple(draw(st.lists(responses, max_size=2))),
        steering_type=draw(st.none() | st.integers(1, 5).map(SteeringType)),
        to_places=tuple(draw(st.lists(vn_text(5), max_size=3))),
        trace_headers=tuple(
            draw(
                st.lists(
                    st.builds(TraceHeader, organ_id=ascii_id, timestamp=timestamps), max_size=2
                )
            )
        ),
        business=draw(st.none() | businesses()),
        attachments=tuple(atts),
    )


status_codes = st.sampled_from(list(StatusCode)) | st.from_regex(r"[0-9]{2}", fullmatch=True).map(
    StatusCode
)
status_packages = st.builds(
    StatusPackage,
    from_=organizations,
    response_for=responses,
    status_code=status_codes,
    timestamp=timestamps,
    staff_info=st.none() | staff,
    description=opt_text,
)
