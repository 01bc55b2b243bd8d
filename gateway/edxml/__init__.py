"""The pure edXML core: QCVN 102:2016 package model, writer, reader and Vietnamese text.

Nothing here does I/O beyond bytes in and bytes out; parsing of outside bytes goes only through
:mod:`gateway.safexml`.
"""

from gateway.edxml.enums import BusinessType, LegacyEncoding, Priority, StatusCode, SteeringType
from gateway.edxml.model_common import (
    Attachment,
    ManifestReference,
    Organization,
    ResponseFor,
    StaffInfo,
    TraceHeader,
)
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
from gateway.edxml.model_status import StatusPackage
from gateway.edxml.names import NS
from gateway.edxml.reader import ReadLimits, ReadResult, read_package, read_tree
from gateway.edxml.text import (
    TextWarning,
    WarningKind,
    detect_legacy_encoding,
    nfc,
    repair_detached_marks,
)
from gateway.edxml.timefmt import VN_TZ
from gateway.edxml.writer import WriteOptions, write_package

__all__ = [
    "NS",
    "VN_TZ",
    "Attachment",
    "Business",
    "BusinessDocumentInfo",
    "BusinessType",
    "Code",
    "DocumentType",
    "EdocPackage",
    "LegacyEncoding",
    "ManifestReference",
    "Organization",
    "OtherInfo",
    "Priority",
    "PromulgationInfo",
    "ReadLimits",
    "ReadResult",
    "Receiver",
    "ReplacementInfo",
    "ResponseFor",
    "SignerInfo",
    "StaffInfo",
    "StatusCode",
    "StatusPackage",
    "SteeringType",
    "TextWarning",
    "TraceHeader",
    "WarningKind",
    "WriteOptions",
    "detect_legacy_encoding",
    "nfc",
    "read_package",
    "read_tree",
    "repair_detached_marks",
    "write_package",
]
