"""Starting the child programs of tests/store/worker_proc.py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def spawn(mode: str, url: str | None, data_dir: Path, *args: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.store.worker_proc",
            mode,
            url or "sqlite",
            str(data_dir),
            *map(str, args),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def finish(proc: subprocess.Popen[bytes], timeout: float = 150) -> None:
    _out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"child failed ({proc.returncode}): {err.decode()[-2000:]}"
