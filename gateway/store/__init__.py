"""The durable store: documents, one work queue for everything, a tamper-evident log.

Public API (see docs/store.md)::

    from gateway.store import Store, DocumentRecord, Direction
    store = Store.open(None, "data")           # SQLite under ./data, migrated to head
    ref = store.put_package(raw_bytes)         # blob durable before any row names it
    with store.transaction() as s:
        result = record_inbound(s, record, ref, channel="axis", transport_ref=axis_doc_id)
        if result.created:
            store.log.append(s, "package.in", document_ref=result.document_id,
                             package_sha256=ref.sha256)
            store.queue.enqueue(s, "import", {"document": result.document_id})
    # acknowledge the transport only after the commit

Modules: ``records`` (values), ``blobs``, ``queue`` + ``backoff``, ``log`` + ``chain``,
``evidence``, ``archive``, ``documents``, ``inbox``, ``rejections``, ``deliveries``, ``statuses``,
``directory``.
"""

from __future__ import annotations

from gateway.store.archive import ArchiveResult, RetentionPolicy
from gateway.store.backoff import RetryPolicy, RetrySchedule
from gateway.store.blobs import BlobRef, BlobStore
from gateway.store.deliveries import (
    attempts_for,
    deliveries_for,
    find_delivery_by_peer_ref,
    get_delivery,
    record_attempt,
    set_delivery_state,
)
from gateway.store.directory import (
    agencies_for_certificate,
    get_agency,
    list_agencies,
    upsert_agencies,
    upsert_agency,
)
from gateway.store.documents import (
    DuplicateDocumentError,
    OutboundResult,
    documents_acting_on,
    find_document,
    get_document,
    list_documents,
    record_outbound,
)
from gateway.store.evidence import EvidenceSummary
from gateway.store.inbox import record_inbound
from gateway.store.log import ExchangeLog, LogEntryRecord, LogVerification
from gateway.store.queue import WorkQueue
from gateway.store.queue_types import (
    AttemptResult,
    ClaimedJob,
    Enqueued,
    FailOutcome,
    JobAttemptInfo,
    JobInfo,
    JobKind,
    JobState,
)
from gateway.store.records import (
    AgencyRecord,
    AttemptOutcome,
    DeliveryAttemptInfo,
    DeliveryInfo,
    DeliveryState,
    Direction,
    DocumentRecord,
    InboundResult,
    RecordError,
    StatusEventRecord,
    StoredDocument,
    StoredStatusEvent,
)
from gateway.store.rejections import (
    RejectionRecord,
    StoredRejection,
    find_rejection,
    list_rejections,
    record_rejection,
)
from gateway.store.statuses import (
    current_statuses,
    latest_status_query,
    record_status,
    status_history,
)
from gateway.store.store import Store

__all__ = [
    "AgencyRecord",
    "ArchiveResult",
    "AttemptOutcome",
    "AttemptResult",
    "BlobRef",
    "BlobStore",
    "ClaimedJob",
    "DeliveryAttemptInfo",
    "DeliveryInfo",
    "DeliveryState",
    "Direction",
    "DocumentRecord",
    "DuplicateDocumentError",
    "Enqueued",
    "EvidenceSummary",
    "ExchangeLog",
    "FailOutcome",
    "InboundResult",
    "JobAttemptInfo",
    "JobInfo",
    "JobKind",
    "JobState",
    "LogEntryRecord",
    "LogVerification",
    "OutboundResult",
    "RecordError",
    "RejectionRecord",
    "RetentionPolicy",
    "RetryPolicy",
    "RetrySchedule",
    "StatusEventRecord",
    "Store",
    "StoredDocument",
    "StoredRejection",
    "StoredStatusEvent",
    "WorkQueue",
    "agencies_for_certificate",
    "attempts_for",
    "current_statuses",
    "deliveries_for",
    "documents_acting_on",
    "find_delivery_by_peer_ref",
    "find_document",
    "find_rejection",
    "get_agency",
    "get_delivery",
    "get_document",
    "latest_status_query",
    "list_agencies",
    "list_documents",
    "list_rejections",
    "record_attempt",
    "record_inbound",
    "record_outbound",
    "record_rejection",
    "record_status",
    "set_delivery_state",
    "status_history",
    "upsert_agencies",
    "upsert_agency",
]
