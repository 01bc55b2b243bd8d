"""Checking a claimed outbox folder: complete, untampered, and only what it claims to hold.

A folder is read only after it was claimed (renamed into processing/), so nothing changes
under our feet. Every problem is collected, so the error file lists all of them at once.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from pathlib import Path

from adapters.dropfolder.fields import Problems, Reader, load_json
from adapters.dropfolder.fsutil import hash_file, read_small

METADATA = "metadata.json"
MANIFEST = "manifest.json"
MAX_METADATA_BYTES = 1 << 20


def list_files(folder: Path, problems: list[str]) -> dict[str, Path]:
    """Regular files of ``folder`` by NFC name; symlinks, sub-folders and clashes are problems."""
    files: dict[str, Path] = {}
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = unicodedata.normalize("NFC", entry.name)
        mode = entry.stat(follow_symlinks=False).st_mode
        if stat.S_ISLNK(mode):
            problems.append(f"{entry.name!r} is a symbolic link (refused: it may point anywhere)")
        elif not stat.S_ISREG(mode):
            problems.append(f"{entry.name!r} is not a regular file (sub-folders are not read)")
        elif name in files:
            problems.append(f"{entry.name!r} has the same name as another file once normalised")
        else:
            files[name] = Path(entry.path)
    return files


def verify_manifest(folder: Path, files: dict[str, Path], problems: list[str]) -> bool:
    """Check manifest.json (when present) against the folder; False when there is none."""
    path = files.get(MANIFEST)
    if path is None:
        return False
    try:
        data = load_json(read_small(path, MAX_METADATA_BYTES), MANIFEST)
    except (Problems, ValueError, OSError) as exc:
        problems.append(str(exc))
        return True
    r = Reader(data, MANIFEST, problems)
    listed: set[str] = set()
    for i, item in enumerate(r.items("files", required=True)):
        f = Reader(item, f"{MANIFEST}.files[{i}]", problems)
        name, digest, size = f.text("name", required=True), f.text("sha256", required=True), None
        size = f.integer("size", -1)
        f.finish()
        if name is None or digest is None:
            continue
        listed.add(name)
        actual = files.get(name)
        if actual is None:
            problems.append(f"{MANIFEST}: listed file {name!r} is missing")
            continue
        real_size, real_digest = hash_file(actual)
        if size != real_size:
            problems.append(f"{MANIFEST}: {name!r} has {real_size} bytes, manifest says {size}")
        if digest.lower() != real_digest:
            problems.append(f"{MANIFEST}: {name!r} sha256 differs from the manifest")
    r.finish()
    for name in sorted(set(files) - listed - {MANIFEST}):
        problems.append(f"{MANIFEST}: file {name!r} is in the folder but not listed")
    return True


def unreferenced(files: dict[str, Path], referenced: set[str]) -> list[str]:
    """Files nobody mentions: refused, because a clerk who put them there meant to send them."""
    extra = set(files) - referenced - {METADATA, MANIFEST}
    return [f"file {n!r} is not named in {METADATA} attachments" for n in sorted(extra)]


def content_key(kind: str, metadata: bytes, files: dict[str, Path], names: list[str]) -> str:
    """Same content => same key, whatever the folder is called or how often it is offered.

    The key covers the metadata bytes and every attachment's name and sha256, so a corrected
    re-drop (a fixed PDF under unchanged metadata) is a new item, a re-offered one is not.
    """
    digest = hashlib.sha256(metadata)
    for name in sorted(names):
        digest.update(b"\0" + name.encode("utf-8") + b"\0" + hash_file(files[name])[1].encode())
    return f"dropfolder:{kind}:{digest.hexdigest()}"
