"""The drop-folder back-office adapter: a directory tree both sides can read and write safely.

Layout under ``root`` (see docs/dropfolder.md)::

    outbox/          back office -> gateway: one folder per document (metadata.json + files)
    outbox-status/   back office -> gateway: one <name>.json per business status
    processing/      claimed by a gateway process (atomic rename; the name records the claim)
    done/ failed/    finished items; failed ones with <name>.error.json beside them
    inbox/           gateway -> back office: one folder per received document
    inbox-status/    gateway -> back office: one <name>.json per status change
    .tmp/ .state/    the gateway's own: temp builds, and the ledger of deliveries made
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from adapters.dropfolder import outbox as ob
from adapters.dropfolder.fields import Problems, load_json
from adapters.dropfolder.fsutil import (
    copy_new,
    fsync_dir,
    json_bytes,
    move_unique,
    publish_dir,
    publish_file,
    read_small,
    temp_path,
    write_new,
)
from adapters.dropfolder.inbound import document_json, status_json
from adapters.dropfolder.names import key_folder_name, sanitize_name, unique_name
from adapters.dropfolder.owners import certainly_gone, default_owner
from adapters.dropfolder.schema import read_document, read_status
from gateway.errors import AdapterError, BackOfficeDataError
from gateway.exchange.backoffice import (
    DeliveryOutcome,
    OutgoingDocument,
    OutgoingItem,
    ReceivedDocument,
    StatusChange,
)

DIRS = ("outbox", "outbox-status", "processing", "done", "failed", "inbox", "inbox-status")
COMPLETION_MODES = ("manifest", "rename")
_INCOMPLETE_SUFFIXES = (".tmp", ".partial")
_TEMP_MAX_AGE = 24 * 3600.0


def _ignored(name: str) -> bool:
    return name.startswith(".") or name.endswith(_INCOMPLETE_SUFFIXES)


class DropFolderAdapter:
    """Back office through files. Safe for several gateway processes sharing one ``root``."""

    def __init__(
        self,
        root: Path,
        *,
        completion: str = "manifest",
        lease_seconds: float = 3600.0,
        owner: str | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if completion not in COMPLETION_MODES:
            raise BackOfficeDataError(
                f"dropfolder completion {completion!r} is not manifest/rename"
            )
        if lease_seconds <= 0:
            raise BackOfficeDataError("dropfolder lease_seconds must be positive")
        self.root = Path(root)
        self.completion = completion
        self.lease_seconds = lease_seconds
        self.owner = sanitize_name(owner).replace("@", "_") if owner else default_owner()
        self.clock = clock
        try:
            for name in (*DIRS, ".tmp", ".state/delivered"):
                (self.root / name).mkdir(parents=True, exist_ok=True)
            self._sweep_temp()
        except OSError as exc:
            raise AdapterError(f"dropfolder root {self.root}: cannot prepare: {exc}") from exc

    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> DropFolderAdapter:
        unknown = set(options) - {"root", "completion", "lease_seconds"}
        if unknown:
            raise BackOfficeDataError(f"dropfolder: unknown option(s) {', '.join(sorted(unknown))}")
        if not options.get("root"):
            raise BackOfficeDataError("dropfolder: option 'root' (a directory) is required")
        try:
            lease = float(options.get("lease_seconds", "3600"))
        except ValueError as exc:
            raise BackOfficeDataError("dropfolder: lease_seconds must be a number") from exc
        return cls(
            Path(options["root"]),
            completion=options.get("completion", "manifest"),
            lease_seconds=lease,
        )

    # -- gateway -> back office ------------------------------------------------------------

    def deliver_document(self, document: ReceivedDocument) -> DeliveryOutcome:
        marker = self._marker("d", document.gateway_id)
        final = self.root / "inbox" / key_folder_name(document.gateway_id)
        if marker.exists() or self._same_delivery(final / ob.METADATA, document.gateway_id):
            self._write_marker(marker, document.gateway_id, final)
            return DeliveryOutcome.ALREADY_DELIVERED
        tmp = temp_path(self.root / ".tmp", "in")
        try:
            tmp.mkdir()
            files = self._write_attachments(tmp, document)
            write_new(tmp / ob.METADATA, json_bytes(document_json(document, files)))
            fsync_dir(tmp)
            published = publish_dir(tmp, final)
            self._write_marker(marker, document.gateway_id, final)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            raise AdapterError(
                f"dropfolder: cannot deliver {document.gateway_id!r} to {final}: {exc}",
                retryable=True,
            ) from exc
        return DeliveryOutcome.DELIVERED if published else DeliveryOutcome.ALREADY_DELIVERED

    def _write_attachments(self, tmp: Path, document: ReceivedDocument) -> list[dict[str, Any]]:
        taken = {ob.METADATA, ob.MANIFEST}
        files: list[dict[str, Any]] = []
        for i, att in enumerate(document.attachments, start=1):
            name = unique_name(sanitize_name(att.name, f"tep-dinh-kem-{i}"), taken)
            if att.data is not None:
                size, digest = len(att.data), write_new(tmp / name, att.data)
            else:
                assert att.path is not None
                size, digest = copy_new(att.path, tmp / name)
            files.append(
                {
                    "file": name,
                    "original_name": att.name,
                    "content_type": att.content_type,
                    "description": att.description,
                    "size": size,
                    "sha256": digest,
                }
            )
        return files

    def deliver_status(self, status: StatusChange) -> DeliveryOutcome:
        marker = self._marker("s", status.gateway_id)
        final = self.root / "inbox-status" / f"{key_folder_name(status.gateway_id)}.json"
        if marker.exists():
            return DeliveryOutcome.ALREADY_DELIVERED
        tmp = temp_path(self.root / ".tmp", "st")
        try:
            write_new(tmp, json_bytes(status_json(status)))
            published = publish_file(tmp, final)
            self._write_marker(marker, status.gateway_id, final)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise AdapterError(
                f"dropfolder: cannot deliver status {status.gateway_id!r}: {exc}", retryable=True
            ) from exc
        return DeliveryOutcome.DELIVERED if published else DeliveryOutcome.ALREADY_DELIVERED

    def _marker(self, kind: str, gateway_id: str) -> Path:
        digest = hashlib.sha256(gateway_id.encode("utf-8")).hexdigest()
        return self.root / ".state" / "delivered" / f"{kind}-{digest}"

    def _write_marker(self, marker: Path, gateway_id: str, final: Path) -> None:
        """The ledger outlives the inbox entry, which the back office may move away."""
        if marker.exists():
            return
        tmp = temp_path(self.root / ".tmp", "mark")
        write_new(tmp, json_bytes({"gateway_id": gateway_id, "path": str(final)}))
        publish_file(tmp, marker)

    @staticmethod
    def _same_delivery(metadata: Path, gateway_id: str) -> bool:
        try:
            data = load_json(read_small(metadata, ob.MAX_METADATA_BYTES), str(metadata))
        except (OSError, ValueError, Problems):
            return False
        return isinstance(data, dict) and data.get("gateway_id") == gateway_id

    # -- back office -> gateway ------------------------------------------------------------

    def take_outgoing(self) -> Iterator[OutgoingItem]:
        """Claim ready items one at a time, documents first, oldest first."""
        self._recover_expired()
        for kind, box in (("d", "outbox"), ("s", "outbox-status")):
            for entry in self._ready(kind, self.root / box):
                claimed = self._claim(kind, entry)
                if claimed is None:
                    continue
                item = self._load(kind, claimed, entry.name)
                if item is not None:
                    yield item

    def _ready(self, kind: str, box: Path) -> list[Path]:
        ready: list[tuple[float, str, Path]] = []
        try:
            entries = list(os.scandir(box))
        except OSError as exc:
            raise AdapterError(f"dropfolder: cannot list {box}: {exc}", retryable=True) from exc
        for entry in entries:
            if _ignored(entry.name):
                continue
            if kind == "s" and not entry.name.endswith(".json"):
                continue
            manifest_mode = kind == "d" and self.completion == "manifest"
            pending = not os.path.lexists(os.path.join(entry.path, ob.MANIFEST))
            if manifest_mode and entry.is_dir(follow_symlinks=False) and pending:
                continue  # still being written: the manifest comes last
            try:
                mtime = entry.stat(follow_symlinks=False).st_mtime
            except FileNotFoundError:
                continue  # claimed by another process meanwhile
            ready.append((mtime, entry.name, Path(entry.path)))
        return [path for _, _, path in sorted(ready)]

    def _claim(self, kind: str, source: Path) -> Path | None:
        stamp = int(self.clock().timestamp() * 1000)
        target = self.root / "processing" / f"{kind}@{stamp}@{self.owner}@{source.name}"
        try:
            os.rename(source, target)  # atomic: exactly one process wins
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AdapterError(f"dropfolder: cannot claim {source}: {exc}", retryable=True) from exc
        return target

    def _load(self, kind: str, claimed: Path, name: str) -> OutgoingItem | None:
        problems: list[str] = []
        try:
            if kind == "s":
                data = read_small(claimed, ob.MAX_METADATA_BYTES)
                key = ob.content_key("status", data, {}, [])
                return read_status(load_json(data, name), item_id=claimed.name, key=key, where=name)
            return self._load_document(claimed, name, problems)
        except Problems as exc:
            problems.extend(exc.reasons)
        except (OSError, ValueError) as exc:
            problems.append(f"{name}: cannot read: {exc}")
        self._fail(claimed, name, problems, stage="validation")
        return None

    def _load_document(self, claimed: Path, name: str, problems: list[str]) -> OutgoingDocument:
        if not claimed.is_dir() or claimed.is_symlink():
            raise Problems(name, [f"{name!r} is not a folder (documents are folders)"])
        files = ob.list_files(claimed, problems)
        has_manifest = ob.verify_manifest(claimed, files, problems)
        if not has_manifest and self.completion == "manifest":
            problems.append(f"{ob.MANIFEST} is missing")
        meta = files.get(ob.METADATA)
        if meta is None:
            problems.append(f"{ob.METADATA} is missing")
        if problems or meta is None:
            raise Problems(name, problems)
        data = read_small(meta, ob.MAX_METADATA_BYTES)
        doc = read_document(
            load_json(data, ob.METADATA),
            item_id=claimed.name,
            key="",
            files=files,
            where=f"{name}/{ob.METADATA}",
        )
        names = [a.name for a in doc.attachments]
        extra = ob.unreferenced(files, set(names))
        if extra:
            raise Problems(name, extra)
        return replace(doc, idempotency_key=ob.content_key("document", data, files, names))

    def mark_done(self, item: OutgoingItem) -> None:
        source, name = self._claimed(item)
        try:
            move_unique(source, self.root / "done", name)
        except OSError as exc:
            raise AdapterError(
                f"dropfolder: cannot finish {name!r}: {exc}", retryable=True
            ) from exc

    def release(self, item: OutgoingItem) -> None:
        """Give a claimed item back untouched (the gateway could not take it just now)."""
        source, name = self._claimed(item)
        box = "outbox" if item.item_id.startswith("d@") else "outbox-status"
        try:
            move_unique(source, self.root / box, name)
        except OSError as exc:
            raise AdapterError(
                f"dropfolder: cannot give {name!r} back: {exc}", retryable=True
            ) from exc

    def mark_failed(self, item: OutgoingItem, reasons: Sequence[str]) -> None:
        source, name = self._claimed(item)
        listed = [reasons] if isinstance(reasons, str) else [str(r) for r in reasons]
        self._fail(source, name, listed or ["refused without a reason"], stage="gateway")

    def _claimed(self, item: OutgoingItem) -> tuple[Path, str]:
        parts = item.item_id.split("@", 3)
        source = self.root / "processing" / item.item_id
        if len(parts) != 4 or "/" in item.item_id or not os.path.lexists(source):
            raise AdapterError(
                f"dropfolder: {item.item_id!r} is not claimed here (already finished, or the "
                "lease expired and the item was offered again)"
            )
        return source, parts[3]

    def _fail(self, source: Path, name: str, reasons: list[str], *, stage: str) -> None:
        try:
            target = move_unique(source, self.root / "failed", name)
            report = {
                "item": name,
                "stage": stage,
                "failed_at": self.clock().isoformat(),
                "reasons": reasons,
            }
            tmp = temp_path(self.root / ".tmp", "err")
            write_new(tmp, json_bytes(report))
            publish_file(tmp, target.with_name(f"{target.name}.error.json"))
        except OSError as exc:
            raise AdapterError(
                f"dropfolder: cannot move {name!r} to failed/: {exc}", retryable=True
            ) from exc

    def _recover_expired(self) -> None:
        """Claims older than the lease, or made by a run on this host whose process has
        ended, go back to the outbox."""
        now_ms = self.clock().timestamp() * 1000
        try:
            entries = list(os.scandir(self.root / "processing"))
        except OSError as exc:
            raise AdapterError(
                f"dropfolder: cannot list processing/: {exc}", retryable=True
            ) from exc
        for entry in entries:
            parts = entry.name.split("@", 3)
            if len(parts) != 4 or not parts[1].isdigit():
                continue
            expired = now_ms - int(parts[1]) >= self.lease_seconds * 1000
            if not expired and not certainly_gone(parts[2], self.owner):
                continue
            box = "outbox" if parts[0] == "d" else "outbox-status"
            try:
                move_unique(Path(entry.path), self.root / box, parts[3])
            except FileNotFoundError:
                continue  # another process recovered or finished it first
            except OSError as exc:
                raise AdapterError(
                    f"dropfolder: cannot return expired claim {entry.name!r}: {exc}",
                    retryable=True,
                ) from exc

    def _sweep_temp(self) -> None:
        """Temp builds of a crashed process are removed after a day (never while in use)."""
        cutoff = time.time() - _TEMP_MAX_AGE
        for entry in os.scandir(self.root / ".tmp"):
            if entry.stat(follow_symlinks=False).st_mtime < cutoff:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
