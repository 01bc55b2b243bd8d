"""Evidence bundles: everything needed to prove what happened to one document, in one ZIP.

The bundle holds the raw packages, the document's log entries exactly as hashed, the chain
links from its first entry up to the head at export time (seq, previous hash, body hash, hash
only: other documents' contents are not revealed), the database-side verification result, and
``verify_bundle.py`` — a copy of :mod:`gateway.store.chain`, pure standard library — so anyone
can check it without the gateway. The ZIP is written to a temporary file and renamed, so a
failed export leaves no half bundle.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from gateway.errors import StoreError
from gateway.store import chain
from gateway.store.blobs import BlobStore
from gateway.store.documents import get_document
from gateway.store.log import HEAD_ID, LogEntryRecord, LogVerification
from gateway.store.models_log import LogCheckpoint, LogEntry, LogHead

README = """Evidence bundle of the document-exchange gateway ({format}).

document: {document_id}
exported: {exported_at}
log head at export: seq {head_seq}, hash {head_hash}

Check it (Python 3.8 or later, nothing else needed):

    python3 verify_bundle.py {bundle_name}

manifest.json      what is in the bundle
document.json      the document's metadata as the gateway stored it
entries.json       the document's exchange-log entries, exactly as hashed
chain.json         the chain links from the first entry up to the head (no other content)
packages/          the raw packages, named by their SHA-256
verification.json  the gateway's own verification of its whole log at export time
verify_bundle.py   the verifier (the gateway's own hashing code, standard library only)
"""


@dataclass(frozen=True)
class EvidenceSummary:
    path: Path
    document_id: str
    entries: int
    packages: int
    head_seq: int
    head_hash: str


def _document_json(session: Session, document_id: str) -> dict[str, Any]:
    doc = get_document(session, document_id)
    if doc is None:
        raise StoreError(f"no document {document_id}")
    rec = doc.record
    return {
        "id": doc.id,
        "direction": rec.direction.value,
        "sender": rec.sender,
        "recipients": list(rec.recipients),
        "edxml_document_id": rec.document_id,
        "code_number": rec.code_number,
        "code_notation": rec.code_notation,
        "subject": rec.subject,
        "business_type": rec.business_type,
        "promulgation_date": rec.promulgation_date.isoformat() if rec.promulgation_date else None,
        "package_sha256": doc.package_sha256,
        "channel": doc.channel,
        "transport_ref": doc.transport_ref,
        "created_at": chain.format_time(doc.created_at),
    }


def export_evidence(
    read: sessionmaker[Session],
    blobs: BlobStore,
    document_id: str,
    out_path: Path,
    *,
    verification: LogVerification,
    archived: Callable[[], Iterator[dict[str, Any]]],
    now: datetime,
) -> EvidenceSummary:
    """Write the bundle for ``document_id`` to ``out_path``.

    ``archived`` yields archived entries (seq order) for the part of the chain no longer in the
    database; ``verification`` is the result of verifying the whole log just before.
    """
    with read.begin() as s:
        document = _document_json(s, document_id)
        head = s.get(LogHead, HEAD_ID)
        if head is None:
            raise StoreError("the exchange log has no chain head")
        head_seq, head_hash = head.seq, head.hash
        live = [
            LogEntryRecord.from_row(r).as_dict()
            for r in s.scalars(
                select(LogEntry)
                .where(LogEntry.document_ref == document_id, LogEntry.seq <= head_seq)
                .order_by(LogEntry.seq)
            )
        ]
        links: list[list[Any]] = []
        old: list[dict[str, Any]] = []
        if s.scalar(select(func.count()).select_from(LogCheckpoint)):
            # Part of the chain sits in archive files: the document's older entries and the
            # links from its first entry onwards come from there.
            for e in archived():
                if e["document_ref"] == document_id:
                    old.append(e)
                if old:
                    links.append([e["seq"], e["prev_hash"], e["body_hash"], e["hash"]])
        entries = old + live
        if not entries:
            raise StoreError(f"document {document_id} has no exchange-log entry")
        start = entries[0]["seq"]
        links = [link for link in links if link[0] >= start]
        after = links[-1][0] if links else start - 1
        links += [
            [r.seq, r.prev_hash, r.body_hash, r.hash]
            for r in s.scalars(
                select(LogEntry)
                .where(LogEntry.seq > after, LogEntry.seq <= head_seq)
                .order_by(LogEntry.seq)
            )
        ]
        start_prev = entries[0]["prev_hash"]
    packages = sorted({e["package_sha256"] for e in entries if e["package_sha256"]})
    manifest = {
        "format": chain.BUNDLE_FORMAT,
        "document_id": document_id,
        "exported_at": chain.format_time(now),
        "head": {"seq": head_seq, "hash": head_hash},
        "packages": {sha: f"packages/{sha}" for sha in packages},
    }
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = out_path.with_name(out_path.name + ".part")
    source = resources.files("gateway.store").joinpath("chain.py").read_bytes()

    def dump(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(
                "README.txt",
                README.format(
                    format=chain.BUNDLE_FORMAT,
                    document_id=document_id,
                    exported_at=manifest["exported_at"],
                    head_seq=head_seq,
                    head_hash=head_hash,
                    bundle_name=out_path.name,
                ),
            )
            zf.writestr("manifest.json", dump(manifest))
            zf.writestr("document.json", dump(document))
            zf.writestr("entries.json", dump(entries))
            zf.writestr(
                "chain.json", dump({"start_seq": start, "start_prev": start_prev, "links": links})
            )
            zf.writestr("verification.json", dump(asdict(verification)))
            zf.writestr("verify_bundle.py", source)
            for sha in packages:
                with zf.open(f"packages/{sha}", "w") as dst:
                    blobs.copy_to(sha, dst)  # verifies the bytes; raises if corrupt
        with tmp.open("rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return EvidenceSummary(out_path, document_id, len(entries), len(packages), head_seq, head_hash)
