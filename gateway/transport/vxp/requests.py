"""Which operation sends what: method, body and content type per VXP operation (pure).

The table is the one observed from the official SDK (see ``../shared/vectors/README.md``):
some operations send an empty body, some the two bytes ``{}``, ``sendEdoc`` the package plus
CRLF and ``registerAgency`` a JSON object. The axis may not care, but a byte-compatible client
takes no chances with a server whose tolerance is unknown.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from gateway.transport.vxp.headers import SignedHeaders, build_headers
from gateway.transport.vxp.signing import SignedMap, sdk_hash_file

__all__ = [
    "Body",
    "LogicalSigner",
    "Operation",
    "PreparedRequest",
    "prepare_request",
]

JSON = "application/json"
OCTET = "application/octet-stream"
CRLF = b"\r\n"


class Body(enum.Enum):
    EMPTY = "empty"  # Content-Length: 0
    BRACES = "braces"  # the two bytes {}
    FILE = "file"  # package bytes + CRLF
    JSON = "json"  # a JSON document given by the caller
    NONE = "none"  # GET without a body


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    method: str
    body: Body

    @property
    def content_type(self) -> str:
        return OCTET if self.body is Body.FILE else JSON


SEND_EDOC = Operation("sendEdoc", "POST", Body.FILE)
GET_RECEIVED_EDOC_LIST = Operation("getReceivedEdocList", "POST", Body.EMPTY)
GET_EDOC = Operation("getEdoc", "POST", Body.BRACES)
UPDATE_STATUS = Operation("updateStatus", "POST", Body.BRACES)
GET_SENT_EDOC_LIST = Operation("getSentEdocList", "POST", Body.EMPTY)
GET_AGENCIES_LIST = Operation("getAgenciesList", "POST", Body.EMPTY)
GET_AGENCIES_LIST_QD20 = Operation("getAgenciesListQD20", "POST", Body.EMPTY)
GET_SYNCHRONIZE_UNIT = Operation("getSynchronizeUnit", "POST", Body.EMPTY)
REGISTER_AGENCY = Operation("registerAgency", "POST", Body.JSON)
DELETE_AGENCY = Operation("deleteAgency", "POST", Body.BRACES)
COUNT_RECEIVE_EDOC = Operation("countReceiveEdoc", "POST", Body.BRACES)
COUNT_RECEIVE_STATUS = Operation("countReceiveStatus", "POST", Body.BRACES)
DOWNLOAD_EDOC = Operation("downloadEdoc", "GET", Body.NONE)

OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        SEND_EDOC,
        GET_RECEIVED_EDOC_LIST,
        GET_EDOC,
        UPDATE_STATUS,
        GET_SENT_EDOC_LIST,
        GET_AGENCIES_LIST,
        GET_AGENCIES_LIST_QD20,
        GET_SYNCHRONIZE_UNIT,
        REGISTER_AGENCY,
        DELETE_AGENCY,
        COUNT_RECEIVE_EDOC,
        COUNT_RECEIVE_STATUS,
        DOWNLOAD_EDOC,
    )
}


class LogicalSigner(Protocol):
    """Builds the logical header map (see :mod:`gateway.transport.vxp.signing`)."""

    def logical_headers(
        self, params: Sequence[tuple[str, str]], *, content_type: str, hash_file: str | None
    ) -> SignedMap: ...


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """Everything that goes on the wire, before the HTTP library adds its own headers."""

    operation: Operation
    signed: SignedHeaders
    body: bytes | None

    @property
    def headers(self) -> tuple[tuple[str, str], ...]:
        return self.signed.headers


def prepare_request(
    operation: Operation,
    params: Sequence[tuple[str, str]],
    *,
    signer: LogicalSigner,
    secret: str,
    payload: bytes | None = None,
) -> PreparedRequest:
    """Sign ``params`` (in the caller's order: it is the HashMap insertion order) and frame.

    ``payload`` is the package for ``sendEdoc`` or the JSON document for ``registerAgency``.
    """
    hash_file: str | None = None
    body: bytes | None
    if operation.body is Body.FILE:
        if payload is None:
            raise ValueError(f"{operation.name} needs the package bytes")
        hash_file = sdk_hash_file(payload)
        body = payload + CRLF
    elif operation.body is Body.JSON:
        if payload is None:
            raise ValueError(f"{operation.name} needs a JSON body")
        body = payload
    elif operation.body is Body.BRACES:
        body = b"{}"
    elif operation.body is Body.EMPTY:
        body = b""
    else:
        body = None
    logical = signer.logical_headers(
        params, content_type=operation.content_type, hash_file=hash_file
    )
    signed = build_headers(logical, secret, content_type_first=operation.body is Body.FILE)
    return PreparedRequest(operation, signed, body)
