"""Semantic checks: what a package must satisfy that its XSD cannot say.

Each check takes the parsed root, works only with what is there (the schema already reports
missing elements, so a check skips what is absent rather than piling on), and returns
:class:`~gateway.schema.Problem` values with a stable ``code``:

=============================== ======== ====================================================
code                            severity meaning
=============================== ======== ====================================================
organ-id-empty / -too-long      error    OrganId empty, or longer than 35 characters
organ-id-characters             error    OrganId contains whitespace or control characters
organ-id-padded                 warning  OrganId has spaces around it (they are ignored)
organ-id-shape                  warning  not the QĐ 20/2020 form ``NNN.NN.NN.Xnn``
date-format / timestamp-format  error    not ``yyyy/MM/dd`` / ``yyyy/MM/dd HH:mm:ss`` at all
date-lenient / timestamp-lenient warning readable (``2015-9-30``) but not the QCVN form
date-invalid / timestamp-invalid error   the form is right but the day does not exist
date-empty                      warning  an optional date element is present but empty
document-id-date                warning  DocumentId follows ``organ,yyyy/MM/dd,number`` with a
                                         date that does not exist
manifest-missing-attachment     error    a manifest Reference has no Attachment
attachment-not-in-manifest      error    an Attachment is not listed in the manifest
manifest-duplicate-id           error    two References share a ContentId
attachment-duplicate-id         error    two Attachments share a ContentId
attachment-name-mismatch        warning  Reference and Attachment name the file differently
attachment-base64               error    ContentTransferEncoded is not decodable base64
attachment-empty                warning  ContentTransferEncoded is empty
attachment-zip                  error    a wrapper ZIP inflates past the limits, or a declared
                                         ZIP (application/zip) cannot be opened
revoke-without-responsefor      error    BussinessDocType 1 without ResponseFor
update-without-documentid       error    BussinessDocType 2 without Bussiness/DocumentId
update-without-documentinfo     error    BussinessDocType 2 without BussinessDocumentInfo
replace-without-replacementinfo error    BussinessDocType 3 without ReplacementInfo
business-type-unknown           warning  BussinessDocType other than 0..3
status-code-unknown             warning  a two-digit StatusCode QCVN 102 does not define
text-not-nfc                    warning  text not in Unicode NFC (will be normalised on input)
=============================== ======== ====================================================
"""

from __future__ import annotations

import binascii
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from lxml import etree

from gateway.edxml.agency import MAX_LENGTH, AgencyId
from gateway.edxml.attachments import ZIP_SIGNATURE, UnzipLimits, maybe_unzip
from gateway.errors import AgencyIdError
from gateway.schema import EDXML_NS, PackageKind, Problem, Severity, element_path

__all__ = ["DEFAULT_UNZIP_LIMITS", "KNOWN_STATUS_CODES", "run_checks"]

_MiB = 1024 * 1024
DEFAULT_UNZIP_LIMITS = UnzipLimits(max_size=100 * _MiB, max_ratio=100.0)
"""Same bounds as the reader's defaults (``ReadLimits``): one file at most 100 MiB, 100:1."""

_NS = f"{{{EDXML_NS}}}"

KNOWN_STATUS_CODES = frozenset({"01", "02", "03", "04", "05", "06", "13", "15", "16"})
_KNOWN_BUSINESS_TYPES = frozenset({"0", "1", "2", "3"})

_DATE_STRICT = re.compile(r"(\d{4})/(\d{2})/(\d{2})")
_DATE_LENIENT = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
_TS_STRICT = re.compile(r"(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2}):(\d{2})")
_TS_LENIENT = re.compile(
    r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?"
)
_DOCUMENT_ID = re.compile(r"[^,]+,(\d{4}/\d{2}/\d{2}),.+")
_BASE64_WHITESPACE = b" \t\r\n"
_ZIP_TYPES = frozenset({"application/zip", "application/x-zip-compressed", "application/x-zip"})
_SCAN_CHUNK = 4 * 1024 * 1024  # characters of base64 text checked per step
_BASE64_BAD = re.compile(r"[^A-Za-z0-9+/=\s]")

# Elements whose text is a date, a timestamp, or optional (empty tolerated with a warning).
_DATE_ELEMENTS = ("PromulgationDate", "DueDate")
_OPTIONAL_DATES = {("DueDate", "MessageHeader"), ("PromulgationDate", "ResponseFor")}
_TEXT_SKIP = {f"{_NS}ContentTransferEncoded"}


def _problem(severity: Severity, element: etree._Element, reason: str, code: str) -> Problem:
    line = element.sourceline if isinstance(element.sourceline, int) else None
    return Problem(severity, line, element_path(element), reason, code)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _iter(root: etree._Element, *names: str) -> Iterator[etree._Element]:
    for name in names:
        yield from root.iter(f"{_NS}{name}")


def run_checks(
    root: etree._Element,
    kind: PackageKind | None,
    *,
    unzip_limits: UnzipLimits = DEFAULT_UNZIP_LIMITS,
) -> list[Problem]:
    """Every semantic problem of the package rooted at ``root``, in document order."""
    problems: list[Problem] = []
    problems += check_agency_ids(root)
    problems += check_dates(root)
    problems += check_text_normalisation(root)
    if kind == "edoc":
        problems += check_manifest(root)
        problems += check_attachment_content(root, unzip_limits)
        problems += check_business(root)
    elif kind == "status":
        problems += check_status_code(root)
    problems.sort(key=lambda p: p.line if p.line is not None else 0)
    return problems


# -- identifiers -------------------------------------------------------------------------------


def check_agency_ids(root: etree._Element) -> list[Problem]:
    problems: list[Problem] = []
    for element in _iter(root, "OrganId"):
        raw = element.text or ""
        value = raw.strip()
        if value != raw and value:
            problems.append(
                _problem(
                    "warning",
                    element,
                    f"OrganId {value!r} has whitespace around it; it is ignored",
                    "organ-id-padded",
                )
            )
        try:
            agency = AgencyId.parse(value)
        except AgencyIdError as exc:
            if not value:
                code = "organ-id-empty"
            elif len(value) > MAX_LENGTH:
                code = "organ-id-too-long"
            else:
                code = "organ-id-characters"
            problems.append(_problem("error", element, str(exc), code))
            continue
        problems.extend(
            _problem("warning", element, warning, "organ-id-shape")
            for warning in agency.shape_warnings()
        )
    return problems


# -- dates -------------------------------------------------------------------------------------


def _date_problem(element: etree._Element, text: str) -> Problem | None:
    name = _local(element)
    parent = element.getparent()
    parent_name = _local(parent) if parent is not None else ""
    if not text:
        if (name, parent_name) in _OPTIONAL_DATES:
            return _problem("warning", element, f"{name} is empty", "date-empty")
        return _problem("error", element, f"{name} is empty; expected yyyy/MM/dd", "date-format")
    strict = _DATE_STRICT.fullmatch(text)
    match = strict or _DATE_LENIENT.fullmatch(text)
    if match is None:
        return _problem(
            "error",
            element,
            f"{name} {text!r} is not a date in the form yyyy/MM/dd",
            "date-format",
        )
    year, month, day = (int(part) for part in match.groups())
    try:
        date(year, month, day)
    except ValueError as exc:
        return _problem(
            "error", element, f"{name} {text!r} is not a real date: {exc}", "date-invalid"
        )
    if strict is None:
        return _problem(
            "warning",
            element,
            f"{name} {text!r} is readable but not in the QCVN 102 form yyyy/MM/dd",
            "date-lenient",
        )
    return None


def _timestamp_problem(element: etree._Element, text: str) -> Problem | None:
    name = _local(element)
    strict = _TS_STRICT.fullmatch(text)
    match = strict or _TS_LENIENT.fullmatch(text)
    if match is None:
        return _problem(
            "error",
            element,
            f"{name} {text!r} is not a timestamp in the form yyyy/MM/dd HH:mm:ss",
            "timestamp-format",
        )
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        datetime(year, month, day, hour, minute, second)  # naive: local time of Vietnam
    except ValueError as exc:
        return _problem(
            "error", element, f"{name} {text!r} is not a real time: {exc}", "timestamp-invalid"
        )
    if strict is None:
        return _problem(
            "warning",
            element,
            f"{name} {text!r} is readable but not in the QCVN 102 form yyyy/MM/dd HH:mm:ss",
            "timestamp-lenient",
        )
    return None


def check_dates(root: etree._Element) -> list[Problem]:
    problems: list[Problem] = []
    for element in _iter(root, *_DATE_ELEMENTS):
        found = _date_problem(element, (element.text or "").strip())
        if found:
            problems.append(found)
    for element in _iter(root, "Timestamp"):
        found = _timestamp_problem(element, (element.text or "").strip())
        if found:
            problems.append(found)
    for element in _iter(root, "DocumentId"):
        match = _DOCUMENT_ID.fullmatch((element.text or "").strip())
        if not match:
            continue
        year, month, day = (int(part) for part in match.group(1).split("/"))
        try:
            date(year, month, day)
        except ValueError:
            problems.append(
                _problem(
                    "warning",
                    element,
                    f"DocumentId {element.text!r} carries the date {match.group(1)}, "
                    "which does not exist; the identifier is kept as it is",
                    "document-id-date",
                )
            )
    return problems


# -- text --------------------------------------------------------------------------------------


def check_text_normalisation(root: etree._Element) -> list[Problem]:
    problems: list[Problem] = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in _TEXT_SKIP:
            continue
        text = element.text
        if text and not text.isascii() and not unicodedata.is_normalized("NFC", text):
            problems.append(
                _problem(
                    "warning",
                    element,
                    f"{_local(element)} text is not in Unicode NFC (decomposed Vietnamese); "
                    "it is normalised when read",
                    "text-not-nfc",
                )
            )
    return problems


# -- manifest and attachments ------------------------------------------------------------------


def _content_id(element: etree._Element) -> str | None:
    node = element.find(f"{_NS}ContentId")
    if node is None:
        return None
    value = (node.text or "").strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    if value[:4].lower() == "cid:":
        value = value[4:]
    return value or None


def _child_text(element: etree._Element, name: str) -> str | None:
    node = element.find(f"{_NS}{name}")
    if node is None or node.text is None:
        return None
    return unicodedata.normalize("NFC", node.text.strip())


def _index(
    elements: Iterable[etree._Element], what: str, code: str, problems: list[Problem]
) -> dict[str, etree._Element]:
    index: dict[str, etree._Element] = {}
    for element in elements:
        key = _content_id(element)
        if key is None:
            continue  # the schema reports a missing or empty ContentId
        if key in index:
            problems.append(
                _problem(
                    "error",
                    element,
                    f"{what} ContentId {key!r} is used twice (first at line "
                    f"{index[key].sourceline})",
                    code,
                )
            )
            continue
        index[key] = element
    return index


def check_manifest(root: etree._Element) -> list[Problem]:
    """Every Reference has its Attachment and vice versa (``cid:`` optional on either side)."""
    problems: list[Problem] = []
    references = _index(
        root.iterfind(f"{_NS}edXMLEnvelope/{_NS}edXMLBody/{_NS}edXMLManifest/{_NS}Reference"),
        "manifest Reference",
        "manifest-duplicate-id",
        problems,
    )
    attachments = _index(
        root.iterfind(f"{_NS}AttachmentEncoded/{_NS}Attachment"),
        "Attachment",
        "attachment-duplicate-id",
        problems,
    )
    for key, reference in references.items():
        attachment = attachments.get(key)
        if attachment is None:
            problems.append(
                _problem(
                    "error",
                    reference,
                    f"manifest Reference {key!r} has no Attachment with that ContentId",
                    "manifest-missing-attachment",
                )
            )
            continue
        listed = _child_text(reference, "AttachmentName")
        carried = _child_text(attachment, "AttachmentName")
        if listed is not None and carried is not None and listed != carried:
            problems.append(
                _problem(
                    "warning",
                    attachment,
                    f"Attachment {key!r} is named {carried!r} but the manifest lists it as "
                    f"{listed!r}",
                    "attachment-name-mismatch",
                )
            )
    for key, attachment in attachments.items():
        if key not in references:
            problems.append(
                _problem(
                    "error",
                    attachment,
                    f"Attachment {key!r} is not listed in the manifest (edXMLManifest)",
                    "attachment-not-in-manifest",
                )
            )
    return problems


def _scan_base64(text: str) -> tuple[bytes, str | None]:
    """Check that ``text`` is base64 without holding a decoded copy of it.

    Returns the first decoded bytes (enough to recognise a ZIP) and None, or why it is not
    base64. Works in slices of ``_SCAN_CHUNK`` characters at C speed, so a 50 MB attachment
    costs a few small buffers instead of two more full-size copies.
    """
    if not text.isascii():
        bad = next(i for i, ch in enumerate(text) if not ch.isascii())
        return b"", f"it contains the non-ASCII character {text[bad]!r} at position {bad + 1}"
    head = b""
    carry = b""
    padded = False
    length = len(text)
    for start in range(0, length, _SCAN_CHUNK):
        piece = carry + text[start : start + _SCAN_CHUNK].encode("ascii").translate(
            None, _BASE64_WHITESPACE
        )
        if start + _SCAN_CHUNK < length:
            cut = len(piece) - len(piece) % 4
            piece, carry = piece[:cut], piece[cut:]
        else:
            carry = b""
        if not piece:
            continue
        if padded:
            return head, "there is data after the closing '=' padding"
        try:
            decoded = binascii.a2b_base64(piece, strict_mode=True)
        except binascii.Error as exc:
            return head, _explain_base64(text, exc)
        padded = piece.endswith(b"=")
        if len(head) < 4:
            head += decoded[: 4 - len(head)]
    return head, None


def _explain_base64(text: str, exc: binascii.Error) -> str:
    """Why ``text`` is not base64, in words (only runs for bad input)."""
    bad_char = _BASE64_BAD.search(text)
    if bad_char:
        return (
            f"it contains {bad_char.group()!r} at position {bad_char.start() + 1}, "
            "which is not a base64 character"
        )
    compact = len(text) - sum(text.count(ch) for ch in " \t\r\n")
    if compact % 4:
        return f"its length without whitespace ({compact}) is not a multiple of 4"
    return f"it is not valid base64 ({exc})"


def check_attachment_content(
    root: etree._Element, unzip_limits: UnzipLimits = DEFAULT_UNZIP_LIMITS
) -> list[Problem]:
    """Base64 decodes; a producer's wrapper ZIP opens and stays within ``unzip_limits``.

    The ZIP rule is the reader's own (:func:`gateway.edxml.attachments.maybe_unzip`, with the
    same name and declared-type fallbacks), so a package that validates is one the reader will
    unpack; a zip bomb is refused after at most ``unzip_limits.max_size`` bytes of output, and
    bytes that merely start like a ZIP are an error only when the producer declared a ZIP.
    """
    problems: list[Problem] = []
    references: dict[str, etree._Element] = {}
    for reference in root.iterfind(
        f"{_NS}edXMLEnvelope/{_NS}edXMLBody/{_NS}edXMLManifest/{_NS}Reference"
    ):
        references.setdefault(_content_id(reference) or "", reference)
    for element in root.iterfind(f"{_NS}AttachmentEncoded/{_NS}Attachment"):
        content = element.find(f"{_NS}ContentTransferEncoded")
        if content is None:
            continue  # schema-missing already
        text = content.text or ""
        key = _content_id(element) or "?"
        if not text or text.isspace():
            problems.append(
                _problem(
                    "warning",
                    content,
                    f"Attachment {key!r} has empty content (a zero-byte file)",
                    "attachment-empty",
                )
            )
            continue
        head, why = _scan_base64(text)
        if why is not None:
            problems.append(
                _problem(
                    "error",
                    content,
                    f"content of Attachment {key!r} is not decodable base64: {why}",
                    "attachment-base64",
                )
            )
            continue
        if head.startswith(ZIP_SIGNATURE):
            listed = references.get(key)
            name = _child_text(element, "AttachmentName") or (
                _child_text(listed, "AttachmentName") if listed is not None else None
            )
            declared = _child_text(element, "ContentType") or (
                _child_text(listed, "ContentType") if listed is not None else None
            )
            try:
                maybe_unzip(
                    name or key,
                    binascii.a2b_base64(text.encode("ascii")),
                    unzip_limits,
                    declared_zip=(declared or "").lower() in _ZIP_TYPES,
                )
            except ValueError as exc:
                problems.append(
                    _problem(
                        "error",
                        content,
                        f"Attachment {key!r} is a ZIP that cannot be unpacked safely: {exc}",
                        "attachment-zip",
                    )
                )
    return problems


# -- business operation ------------------------------------------------------------------------


def check_business(root: etree._Element) -> list[Problem]:
    header = root.find(f"{_NS}edXMLEnvelope/{_NS}edXMLHeader")
    if header is None:
        return []
    business = header.find(f"{_NS}TraceHeaderList/{_NS}Bussiness")
    if business is None:
        return []
    type_node = business.find(f"{_NS}BussinessDocType")
    if type_node is None:
        return []
    value = (type_node.text or "").strip()
    if not value.isdigit():
        return []  # schema-value already
    code = str(int(value))
    message = header.find(f"{_NS}MessageHeader")
    problems: list[Problem] = []
    if code not in _KNOWN_BUSINESS_TYPES:
        problems.append(
            _problem(
                "warning",
                type_node,
                f"BussinessDocType {value!r} is not one QCVN 102 defines (0 new, 1 revoke, "
                "2 update, 3 replace); the package is kept as data",
                "business-type-unknown",
            )
        )
    elif code == "1":
        in_header = message is not None and message.find(f"{_NS}ResponseFor") is not None
        if not in_header and business.find(f"{_NS}ResponseFor") is None:
            problems.append(
                _problem(
                    "error",
                    business,
                    "a revocation (BussinessDocType 1) must name the revoked document in "
                    "ResponseFor, and there is none",
                    "revoke-without-responsefor",
                )
            )
    elif code == "2":
        document_id = business.find(f"{_NS}DocumentId")
        if document_id is None or not (document_id.text or "").strip():
            problems.append(
                _problem(
                    "error",
                    business,
                    "an update (BussinessDocType 2) must give the updated document's "
                    "DocumentId in Bussiness, and it is missing or empty",
                    "update-without-documentid",
                )
            )
        if business.find(f"{_NS}BussinessDocumentInfo") is None:
            problems.append(
                _problem(
                    "error",
                    business,
                    "an update (BussinessDocType 2) must say what changed in "
                    "BussinessDocumentInfo, and there is none",
                    "update-without-documentinfo",
                )
            )
    elif code == "3" and business.find(f"{_NS}ReplacementInfoList/{_NS}ReplacementInfo") is None:
        problems.append(
            _problem(
                "error",
                business,
                "a replacement (BussinessDocType 3) must list the replaced documents in "
                "ReplacementInfoList/ReplacementInfo, and there is none",
                "replace-without-replacementinfo",
            )
        )
    return problems


# -- status ------------------------------------------------------------------------------------


def check_status_code(root: etree._Element) -> list[Problem]:
    problems: list[Problem] = []
    for element in root.iterfind(
        f"{_NS}edXMLEnvelope/{_NS}edXMLHeader/{_NS}MessageHeader/{_NS}StatusCode"
    ):
        value = (element.text or "").strip()
        if re.fullmatch(r"[0-9]{2}", value) and value not in KNOWN_STATUS_CODES:
            known = ", ".join(sorted(KNOWN_STATUS_CODES))
            problems.append(
                _problem(
                    "warning",
                    element,
                    f"StatusCode {value!r} is not one QCVN 102 defines ({known}); "
                    "it is kept as data",
                    "status-code-unknown",
                )
            )
    return problems
