"""Every store table, imported in one place so ``Base.metadata`` is complete."""

from __future__ import annotations

from gateway.store.base import Base
from gateway.store.models_directory import Agency
from gateway.store.models_documents import (
    Blob,
    Delivery,
    DeliveryAttempt,
    Document,
    DocumentRecipient,
    StatusEvent,
)
from gateway.store.models_log import LogCheckpoint, LogEntry, LogHead
from gateway.store.models_queue import Job, JobAttempt
from gateway.store.models_rejections import Rejection

__all__ = [
    "Agency",
    "Base",
    "Blob",
    "Delivery",
    "DeliveryAttempt",
    "Document",
    "DocumentRecipient",
    "Job",
    "JobAttempt",
    "LogCheckpoint",
    "LogEntry",
    "LogHead",
    "Rejection",
    "StatusEvent",
]
