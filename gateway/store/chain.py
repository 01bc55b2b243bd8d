#!/usr/bin/env python3
"""Hash chain of the exchange log, and the standalone verifier of evidence bundles.

This file uses only the Python standard library on purpose: the store imports it to compute
hashes, and :mod:`gateway.store.evidence` copies this very file into every evidence bundle as
``verify_bundle.py``, so an auditor checks a bundle with the same code, without the gateway or
its database::

    python3 verify_bundle.py bundle.zip        # exit 0 = intact, 1 = broken (first problem shown)

Hashing, two levels:

* ``body_hash`` = SHA-256 of ``"gateway-log-body/1\\n"`` + the compact JSON array
  ``[seq, time, kind, document_ref, package_sha256, details]`` (UTF-8, no ASCII escaping;
  ``time`` as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; ``details`` is the canonical JSON *text* of the
  entry's details: sorted keys, compact separators, NFC strings).
* ``hash`` = SHA-256 of ``"gateway-log-link/1\\n{seq}\\n{prev_hash}\\n{body_hash}"``, where
  ``prev_hash`` is the previous entry's ``hash`` (64 zeros before the first entry).

So every entry's hash covers all its fields and its predecessor, while a bundle can prove that a
document's entries sit unbroken in the chain from the links alone (seq, prev_hash, body_hash,
hash) without revealing other documents' entries.
"""

from __future__ import annotations

import hashlib
import json
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

GENESIS_HASH = "0" * 64
BUNDLE_FORMAT = "gateway-evidence/1"
_BODY_TAG = b"gateway-log-body/1\n"
_LINK_TAG = "gateway-log-link/1\n"


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_nfc(v) for v in value]
    return value


def canonical_details(details: Mapping[str, Any]) -> str:
    """The canonical JSON text of an entry's details (what is stored and hashed)."""
    return json.dumps(
        _nfc(dict(details)),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    )


def format_time(moment: datetime) -> str:
    """UTC, microseconds, ``Z``: the one text form of an entry's time."""
    if moment.tzinfo is None:
        raise ValueError("log time must be timezone-aware")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # noqa: UP017


def body_hash(  # noqa: PLR0917 - the encoding's field order, kept explicit
    seq: int,
    time_text: str,
    kind: str,
    document_ref: str | None,
    package_sha256: str | None,
    details_text: str,
) -> str:
    body = json.dumps(
        [seq, time_text, kind, document_ref, package_sha256, details_text],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(_BODY_TAG + body.encode("utf-8")).hexdigest()


def link_hash(seq: int, prev_hash: str, body_digest: str) -> str:
    return hashlib.sha256(f"{_LINK_TAG}{seq}\n{prev_hash}\n{body_digest}".encode()).hexdigest()


def entry_problem(entry: Mapping[str, Any]) -> str | None:
    """Why a full entry (dict with every field) does not hash to itself, or None."""
    expected_body = body_hash(
        entry["seq"],
        entry["time"],
        entry["kind"],
        entry["document_ref"],
        entry["package_sha256"],
        entry["details"],
    )
    if expected_body != entry["body_hash"]:
        return "entry content changed: its fields no longer match its body hash"
    if link_hash(entry["seq"], entry["prev_hash"], entry["body_hash"]) != entry["hash"]:
        return "entry hash does not match its seq, previous hash and body hash"
    return None


def chain_problem(
    links: Iterable[Sequence[Any]], start_seq: int, start_prev: str
) -> tuple[int, str] | None:
    """First broken link in ``(seq, prev_hash, body_hash, hash)`` rows, as (seq, why)."""
    expected_seq, prev = start_seq, start_prev
    for seq, prev_hash, body_digest, digest in links:
        if seq != expected_seq:
            return seq, f"expected entry seq {expected_seq} here, found seq {seq}"
        if prev_hash != prev:
            return seq, "previous-hash does not match the hash of the entry before it"
        if link_hash(seq, prev_hash, body_digest) != digest:
            return seq, "link hash does not match its seq, previous hash and body hash"
        expected_seq, prev = seq + 1, digest
    return None


# -- evidence bundles -------------------------------------------------------------------------


def _bundle_problem(zf: zipfile.ZipFile) -> str | None:
    manifest = json.loads(zf.read("manifest.json"))
    if manifest.get("format") != BUNDLE_FORMAT:
        return f"unknown bundle format {manifest.get('format')!r}"
    document_id = manifest["document_id"]
    entries = json.loads(zf.read("entries.json"))
    chain = json.loads(zf.read("chain.json"))
    links = chain["links"]
    if not entries:
        return "the bundle holds no log entry for the document"
    broken = chain_problem(links, chain["start_seq"], chain["start_prev"])
    if broken is not None:
        return f"chain broken at seq {broken[0]}: {broken[1]}"
    head = manifest["head"]
    if not links or links[-1][0] != head["seq"] or links[-1][3] != head["hash"]:
        return f"chain does not end at the declared head seq {head['seq']}"
    by_seq = {link[0]: link for link in links}
    packages: dict[str, str] = manifest["packages"]
    for entry in entries:
        seq = entry["seq"]
        if entry["document_ref"] != document_id:
            return f"entry seq {seq} is about {entry['document_ref']!r}, not {document_id!r}"
        why = entry_problem(entry)
        if why is not None:
            return f"entry seq {seq}: {why}"
        link = by_seq.get(seq)
        if link is None or list(link) != [
            seq,
            entry["prev_hash"],
            entry["body_hash"],
            entry["hash"],
        ]:
            return f"entry seq {seq} is not the entry the chain holds at that position"
        sha = entry["package_sha256"]
        if sha is not None and sha not in packages:
            return f"entry seq {seq} names package {sha}, which the bundle does not contain"
    for sha, member in sorted(packages.items()):
        digest = hashlib.sha256()
        with zf.open(member) as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
        if digest.hexdigest() != sha:
            return f"package {member} was altered: its bytes hash to {digest.hexdigest()}"
    return None


def verify_bundle(path: str) -> str | None:
    """The first problem found in an evidence bundle, or None when it is intact."""
    try:
        with zipfile.ZipFile(path) as zf:
            return _bundle_problem(zf)
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError) as exc:
        return f"unreadable bundle: {exc.__class__.__name__}: {exc}"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: verify_bundle.py BUNDLE.zip", file=sys.stderr)
        return 2
    problem = verify_bundle(args[0])
    if problem is not None:
        print(f"BROKEN: {problem}")
        return 1
    with zipfile.ZipFile(args[0]) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        count = len(json.loads(zf.read("entries.json")))
    print(
        f"OK: document {manifest['document_id']}: {count} log entries and "
        f"{len(manifest['packages'])} packages verified against the chain up to "
        f"seq {manifest['head']['seq']} (head hash {manifest['head']['hash']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
