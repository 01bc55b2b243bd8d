"""``python -m bench [NAME ...]`` (``make bench``): run every benchmark, or the ones named.

Each ``bench/<name>.py`` with a ``main()`` is a benchmark; they run one after another with
their default arguments (each parses ``sys.argv`` itself, so it is set to the module's own name
while it runs). A failing benchmark is reported and the others still run; the exit code is 1
if any failed. ``--list`` prints the names.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).resolve().parent
    return sorted(
        m.name
        for m in pkgutil.iter_modules([str(here)])
        if not m.name.startswith("_") and not m.ispkg
    )


def run_one(name: str) -> bool:
    print(f"\n== bench.{name} ==", flush=True)
    saved = sys.argv
    sys.argv = [f"bench.{name}"]
    started = time.perf_counter()
    try:
        module = importlib.import_module(f"bench.{name}")
        main = getattr(module, "main", None)
        if main is None:
            print(f"bench.{name}: no main(), skipped")
            return True
        main()
    except SystemExit as exc:
        if exc.code not in (None, 0):
            print(f"bench.{name}: exited with {exc.code}")
            return False
    except Exception:  # one broken benchmark must not hide the others' figures
        traceback.print_exc()
        return False
    finally:
        sys.argv = saved
    print(f"({time.perf_counter() - started:.1f} s)", flush=True)
    return True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    names = available()
    if args[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if args[:1] == ["--list"]:
        print("\n".join(names))
        return 0
    unknown = [a for a in args if a not in names]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(names)}")
        return 2
    failed = [name for name in (args or names) if not run_one(name)]
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
