"""Who holds a claim, and whether that process is certainly gone.

A claim carries its owner as ``{host}-{pid}-{nonce}`` (the nonce tells two runs that happen to
get the same pid apart, as a container restarted with pid 1 does). A claim made on this host by
another run whose process no longer exists can be taken back at once instead of after the
lease: nobody can finish it any more. Anything else — another host, a custom owner name, a pid
that is alive (or reused by an unrelated process) — waits for the lease, the safe default.
"""

from __future__ import annotations

import os
import secrets
import socket

from adapters.dropfolder.names import sanitize_name


def host_name() -> str:
    return sanitize_name(socket.gethostname()).replace("@", "_").replace("-", "_")


def default_owner() -> str:
    return f"{host_name()}-{os.getpid()}-{secrets.token_hex(3)}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def certainly_gone(owner: str, me: str) -> bool:
    """True when ``owner`` is an earlier run on this host whose process has ended."""
    parts = owner.rsplit("-", 2)
    if owner == me or len(parts) != 3 or not parts[1].isdigit():
        return False
    host, pid = parts[0], int(parts[1])
    if host != host_name():
        return False
    if pid == os.getpid():
        return True  # same pid, other nonce: a previous run of this very process slot
    return not _alive(pid)
