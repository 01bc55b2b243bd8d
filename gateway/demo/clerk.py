"""The partner's clerk (văn thư): reads what arrives in inbox/ and answers "accepted" (03).

A real back office registers the letter in its incoming-documents book and reports 03 "đã
tiếp nhận, vào sổ". Here a few lines of Python do the same through the drop-folder contract
(docs/dropfolder.md): each new ``inbox/<folder>/metadata.json`` is answered once with an
``outbox-status/<name>.json``, written as ``.tmp`` and renamed so the gateway never reads half
a file. The clerk remembers what it answered, so polling it again does nothing twice.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

__all__ = ["VIETNAM", "Arrival", "Clerk"]

VIETNAM = timezone(timedelta(hours=7), "ICT")
ACCEPTED = "03"
DESCRIPTION = "Đã tiếp nhận và vào sổ văn bản đến"
STAFF = {"department": "Văn phòng Bộ", "staff": "Lê Minh Tuấn"}


@dataclass(frozen=True, slots=True)
class Arrival:
    """A received letter as the back office sees it, and the status file written for it."""

    folder: Path
    metadata: dict[str, Any]
    status_file: Path | None

    @property
    def code(self) -> str:
        return f"{self.metadata.get('code_number')}/{self.metadata.get('code_notation')}"

    def attachment(self, original_name: str) -> Path | None:
        """The file on disk of the attachment the sender called ``original_name``."""
        for item in self.metadata.get("attachments") or ():
            if item.get("original_name") == original_name:
                return self.folder / str(item["file"])
        return None


@dataclass
class Clerk:
    """Answers every letter in ``root``/inbox with status 03 (``answer=False``: only reads)."""

    root: Path
    answer: bool = True
    seen: dict[str, Arrival] = field(default_factory=dict)

    def poll(self, now: datetime | None = None) -> list[Arrival]:
        """The letters that arrived since the last poll (each answered, unless told not to)."""
        inbox = self.root / "inbox"
        if not inbox.is_dir():
            return []
        new: list[Arrival] = []
        for folder in sorted(inbox.iterdir()):
            meta_file = folder / "metadata.json"
            if folder.name in self.seen or folder.name.startswith(".") or not meta_file.is_file():
                continue
            metadata = json.loads(meta_file.read_text(encoding="utf-8"))
            written = self._write_status(folder.name, metadata, now) if self.answer else None
            arrival = Arrival(folder, metadata, written)
            self.seen[folder.name] = arrival
            new.append(arrival)
        return new

    def _write_status(self, name: str, metadata: dict[str, Any], now: datetime | None) -> Path:
        status = {
            "version": 1,
            "original": {"document_id": metadata["document_id"], "organ_id": metadata["sender"]},
            "code": ACCEPTED,
            "description": DESCRIPTION,
            "time": (now or datetime.now(VIETNAM)).astimezone(VIETNAM).isoformat(),
            "staff": dict(STAFF),
        }
        box = self.root / "outbox-status"
        box.mkdir(parents=True, exist_ok=True)
        final = box / f"{name}-{ACCEPTED}.json"
        tmp = box / f"{final.name}.tmp"
        with open(tmp, "wb") as handle:
            handle.write(json.dumps(status, ensure_ascii=False, indent=2).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(tmp, final)
        return final
