"""`gateway db`, `gateway log` and `gateway queue`: operating the durable store.

    gateway db upgrade                       migrate the database to this version's schema
    gateway log verify [--archives]          recompute the exchange-log chain (exit 1 if broken)
    gateway log export DOCUMENT -o out.zip   evidence bundle with a standalone verifier
    gateway log archive [--keep-days N]      move old entries to archive files (chain kept)
    gateway queue list|dead                  look at jobs
    gateway queue resend JOB_ID              bring a dead-lettered job back

Every command takes ``--db URL`` (default: SQLite under the data dir) and ``--data-dir DIR``
(default ./data). Only ``db upgrade`` changes the schema; the others refuse an out-of-date
database. Errors print one line and exit 1 (2 for usage).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gateway.errors import LogIntegrityError, StoreError
from gateway.store import JobInfo, JobState, RetentionPolicy, Store
from gateway.store.db import current_revision, head_revision, safe_url


def _common() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="database URL (sqlite:///… or postgresql+psycopg://…); "
        "default: SQLite file in the data directory",
    )
    p.add_argument(
        "--data-dir",
        metavar="DIR",
        type=Path,
        default=Path("data"),
        help="data directory for the embedded database, blobs and archives (default ./data)",
    )
    return p


def _open(args: argparse.Namespace, *, migrate: bool = False) -> Store:
    return Store.open(args.db, args.data_dir, migrate=migrate)


def register(subparsers: Any) -> None:
    common = _common()
    db = subparsers.add_parser("db", help="database schema").add_subparsers(
        dest="db_command", metavar="ACTION", required=True
    )
    db.add_parser("upgrade", parents=[common], help="migrate to the current schema").set_defaults(
        handler=cmd_db_upgrade
    )

    log = subparsers.add_parser("log", help="the exchange log").add_subparsers(
        dest="log_command", metavar="ACTION", required=True
    )
    verify = log.add_parser("verify", parents=[common], help="verify the hash chain")
    verify.add_argument("--no-blobs", action="store_true", help="skip re-hashing package blobs")
    verify.add_argument("--archives", action="store_true", help="also verify archive files")
    verify.set_defaults(handler=cmd_log_verify)
    export = log.add_parser("export", parents=[common], help="evidence bundle of one document")
    export.add_argument("document", metavar="DOCUMENT", help="internal document id")
    export.add_argument("-o", "--output", type=Path, required=True, help="bundle ZIP to write")
    export.set_defaults(handler=cmd_log_export)
    arch = log.add_parser("archive", parents=[common], help="archive old entries")
    arch.add_argument("--keep-days", type=int, default=365, help="keep entries younger (365)")
    arch.add_argument("--min-keep", type=int, default=10_000, help="always keep the newest N")
    arch.set_defaults(handler=cmd_log_archive)

    queue = subparsers.add_parser("queue", help="the work queue").add_subparsers(
        dest="queue_command", metavar="ACTION", required=True
    )
    lst = queue.add_parser("list", parents=[common], help="list jobs")
    lst.add_argument("--state", choices=[s.value for s in JobState])
    lst.add_argument("--kind")
    lst.add_argument("--limit", type=int, default=50)
    lst.set_defaults(handler=cmd_queue_list)
    dead = queue.add_parser("dead", parents=[common], help="list dead-lettered jobs")
    dead.add_argument("--kind")
    dead.add_argument("--limit", type=int, default=50)
    dead.set_defaults(handler=cmd_queue_list, state=JobState.DEAD.value)
    resend = queue.add_parser("resend", parents=[common], help="retry a dead-lettered job")
    resend.add_argument("job_id", metavar="JOB_ID", type=int)
    resend.set_defaults(handler=cmd_queue_resend)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    with _open(args, migrate=True) as store:
        url = safe_url(store.engine.url.render_as_string(hide_password=False))
        print(
            f"{url}: schema at revision {current_revision(store.engine)} (head {head_revision()})"
        )
    return 0


def cmd_log_verify(args: argparse.Namespace) -> int:
    with _open(args) as store:
        result = store.verify_log(check_blobs=not args.no_blobs, archives=args.archives)
    if not result.ok:
        raise LogIntegrityError(result.summary())
    print(result.summary())
    return 0


def cmd_log_export(args: argparse.Namespace) -> int:
    with _open(args) as store:
        try:
            summary = store.export_evidence(args.document, args.output)
        except OSError as exc:
            raise StoreError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(
        f"{summary.path}: {summary.entries} log entries, {summary.packages} packages, "
        f"chain to seq {summary.head_seq}; check with: python3 verify_bundle.py {summary.path.name}"
    )
    return 0


def cmd_log_archive(args: argparse.Namespace) -> int:
    policy = RetentionPolicy(keep_days=args.keep_days, min_keep=args.min_keep)
    with _open(args) as store:
        result = store.archive_log(policy)
    if result is None:
        print("nothing old enough to archive")
    else:
        print(f"archived seq {result.first_seq}..{result.last_seq} to {result.path}")
    return 0


def _row(job: JobInfo) -> str:
    error = (job.last_error or "").replace("\n", " ")[:60]
    return (
        f"{job.id:>8}  {job.kind:<15} {job.state.value:<8} {job.attempts:>3}  "
        f"{job.not_before:%Y-%m-%d %H:%M:%S}  {error}"
    )


def cmd_queue_list(args: argparse.Namespace) -> int:
    state = JobState(args.state) if args.state else None
    with _open(args) as store:
        jobs = store.queue.list_jobs(state=state, kind=args.kind, limit=args.limit)
    print(f"{'id':>8}  {'kind':<15} {'state':<8} {'try':>3}  {'due (UTC)':<19}  last error")
    for job in jobs:
        print(_row(job))
    return 0


def cmd_queue_resend(args: argparse.Namespace) -> int:
    with _open(args) as store:
        store.queue.resend(args.job_id)
    print(f"job {args.job_id} queued again")
    return 0
