"""The VXP client: every operation of the official SDK, signed byte-exactly, answers typed.

Synchronous (httpx). One instance holds one connection pool; it is safe to share between
threads because every request builds its own signed header map (the SDK's shared-map defect is
deliberately not reproduced here). Logs name the operation, HTTP status, size and duration;
never a header value, a body or the secret.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Literal

import httpx

from gateway.errors import AxisError, RetryableTransportError, TransportError
from gateway.transport.vxp import requests as ops
from gateway.transport.vxp import results
from gateway.transport.vxp.answers import check_answer
from gateway.transport.vxp.config import VxpConfig
from gateway.transport.vxp.requests import LogicalSigner, Operation, prepare_request
from gateway.transport.vxp.signing import FreshSigner

__all__ = ["AckStatus", "MessageType", "VxpClient"]

log = logging.getLogger("gateway.transport.vxp")

MessageType = Literal["edoc", "status"]
AckStatus = Literal["done", "fail", "processing"]
_SERVICE_TYPE = "eDoc"
_MESSAGE_TYPES = ("edoc", "status")
_ACK_STATUSES = ("done", "fail", "processing")


class VxpClient:
    """Talks to one axis endpoint as one registered system.

    ``transport`` replaces the network (httpx mock transports in tests); ``signer`` replaces
    the per-request header map (e.g. :class:`~gateway.transport.vxp.signing.SharedModeSigner`
    to reproduce an SDK object being reused).
    """

    def __init__(
        self,
        config: VxpConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        signer: LogicalSigner | None = None,
    ) -> None:
        self._config = config
        self._signer: LogicalSigner = signer or FreshSigner(config.system_id, config.clock)
        context = config.ssl_context()
        self._http = httpx.Client(
            base_url=config.base_url,
            timeout=httpx.Timeout(config.timeout),
            verify=context if context is not None else True,
            transport=transport,
            trust_env=False,
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        cfg = self._config
        return f"VxpClient(endpoint={cfg.endpoint!r}, system_id={cfg.system_id!r})"

    @property
    def config(self) -> VxpConfig:
        return self._config

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> VxpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the wire ---------------------------------------------------------------------------

    def _exchange(
        self,
        operation: Operation,
        params: Sequence[tuple[str, str]],
        payload: bytes | None = None,
    ) -> tuple[int, bytes]:
        prepared = prepare_request(
            operation, params, signer=self._signer, secret=self._config.secret, payload=payload
        )
        headers = [
            (name.encode("ascii"), value.encode("utf-8")) for name, value in prepared.headers
        ]
        request = self._http.build_request(
            operation.method, "/" + operation.name, headers=headers, content=prepared.body
        )
        limit = self._config.max_response_bytes
        started = time.monotonic()
        try:
            response = self._http.send(request, stream=True)
            try:
                declared = response.headers.get("content-length")
                if declared is not None and declared.isdigit() and int(declared) > limit:
                    raise self._too_large(operation, limit)
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise self._too_large(operation, limit)
                    chunks.append(chunk)
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            raise RetryableTransportError(
                f"axis {operation.name}: timed out after {self._config.timeout:g} s "
                f"({type(exc).__name__}) at {self._config.base_url}"
            ) from None
        except httpx.TransportError as exc:
            raise RetryableTransportError(
                f"axis {operation.name}: {type(exc).__name__} talking to "
                f"{self._config.base_url}: {exc}"
            ) from None
        body = b"".join(chunks)
        log.debug(
            "axis %s -> HTTP %d, %d bytes, %.1f ms",
            operation.name,
            response.status_code,
            len(body),
            (time.monotonic() - started) * 1000,
        )
        return response.status_code, body

    @staticmethod
    def _too_large(operation: Operation, limit: int) -> TransportError:
        return TransportError(
            f"axis {operation.name}: answer exceeds the limit of {limit} bytes "
            "(axis.max_response_bytes)"
        )

    def _call(
        self,
        operation: Operation,
        params: Sequence[tuple[str, str]] = (),
        payload: bytes | None = None,
    ) -> dict[str, Any]:
        status, body = self._exchange(operation, params, payload)
        return check_answer(operation.name, status, body)

    # -- operations -------------------------------------------------------------------------

    def send_edoc(
        self, package: bytes, *, message_type: MessageType = "edoc", to: Sequence[str] | None = None
    ) -> results.SendResult:
        """Send a document or a status package; ``to`` restricts the recipients (agency ids)."""
        _check_choice("message_type", message_type, _MESSAGE_TYPES)
        if not package:
            raise ValueError("send_edoc: empty package")
        params: list[tuple[str, str]] = [("from", self._config.system_id)]
        if to is not None:
            if not to or any(not isinstance(t, str) or not t.strip() for t in to):
                raise ValueError("send_edoc: 'to' must be a non-empty list of agency ids")
            params.append(("to", json.dumps(list(to), ensure_ascii=False, separators=(",", ":"))))
        params += [("servicetype", _SERVICE_TYPE), ("messagetype", message_type)]
        return results.send_result(self._call(ops.SEND_EDOC, params, package))

    def get_received_edoc_list(
        self, message_type: MessageType = "edoc"
    ) -> tuple[results.ReceivedItem, ...]:
        _check_choice("message_type", message_type, _MESSAGE_TYPES)
        params = [("servicetype", _SERVICE_TYPE), ("messagetype", message_type)]
        return results.received_items(self._call(ops.GET_RECEIVED_EDOC_LIST, params))

    def get_edoc(self, doc_id: str) -> bytes:
        """The package bytes of a received message (base64 ``data`` decoded strictly)."""
        _check_id("doc_id", doc_id)
        answer = self._call(ops.GET_EDOC, [("docId", doc_id), ("filePath", self._config.file_path)])
        data = answer.get("data")
        if not isinstance(data, str) or not data:
            raise AxisError(f"axis getEdoc {doc_id}: answer has no package data", retryable=True)
        try:
            return base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise AxisError(
                f"axis getEdoc {doc_id}: 'data' is not valid base64", retryable=True
            ) from None

    def update_status(self, doc_id: str, status: AckStatus) -> None:
        """Transport acknowledgement: ``done`` removes it from the list, ``fail`` keeps it."""
        _check_id("doc_id", doc_id)
        _check_choice("status", status, _ACK_STATUSES)
        self._call(ops.UPDATE_STATUS, [("docId", doc_id), ("status", status)])

    def get_sent_edoc_list(
        self, message_type: MessageType = "edoc", doc_id: str | None = None
    ) -> tuple[results.SentItem, ...]:
        _check_choice("message_type", message_type, _MESSAGE_TYPES)
        params = [("servicetype", _SERVICE_TYPE), ("messagetype", message_type)]
        if doc_id is not None:
            _check_id("doc_id", doc_id)
            params.append(("docId", doc_id))
        return results.sent_items(self._call(ops.GET_SENT_EDOC_LIST, params))

    def get_agencies_list(self) -> tuple[results.Agency, ...]:
        return results.agencies("getAgenciesList", self._call(ops.GET_AGENCIES_LIST))

    def get_agencies_list_qd20(self, level: str | None = None) -> tuple[results.Agency, ...]:
        params = [] if level is None else [("level", level)]
        return results.agencies(
            "getAgenciesListQD20", self._call(ops.GET_AGENCIES_LIST_QD20, params)
        )

    def get_synchronize_unit(self) -> tuple[results.SyncUnit, ...]:
        return results.sync_units(self._call(ops.GET_SYNCHRONIZE_UNIT))

    def register_agency(self, agency: results.AgencyRegistration) -> None:
        self._call(ops.REGISTER_AGENCY, (), agency.to_json_bytes())

    def delete_agency(self, agency_code: str) -> None:
        _check_id("agency_code", agency_code)
        self._call(ops.DELETE_AGENCY, [("AgencyCode", agency_code)])

    def count_receive_edoc(self) -> int:
        return results.count("countReceiveEdoc", self._call(ops.COUNT_RECEIVE_EDOC))

    def count_receive_status(self) -> int:
        return results.count("countReceiveStatus", self._call(ops.COUNT_RECEIVE_STATUS))

    def download_edoc(self, doc_id: str) -> bytes:
        """Raw package bytes (GET). An error answer arrives as JSON and is mapped as usual."""
        _check_id("doc_id", doc_id)
        params = [("docId", doc_id), ("filePath", self._config.file_path)]
        status, body = self._exchange(ops.DOWNLOAD_EDOC, params)
        if status != 200 or body.lstrip()[:1] == b"{":
            check_answer("downloadEdoc", status, body)
            raise AxisError(
                f"axis downloadEdoc {doc_id}: got a JSON answer instead of a package",
                http_status=status,
                retryable=False,
            )
        if not body:
            raise AxisError(f"axis downloadEdoc {doc_id}: empty answer", retryable=True)
        return body


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")


def _check_id(name: str, value: str) -> None:
    if not value or not value.strip() or any(c in value for c in "\r\n"):
        raise ValueError(f"{name} must be a non-empty single-line string; got {value!r}")
