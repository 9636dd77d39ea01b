"""Parallel ``history add``: how many saves fail or go missing, and how long the saves take.

Starts ``--writers`` processes that each keep the same synthetic analysis
``--saves`` times in one new history (pairs of writers share a client code),
all at once (see ``tests/reliability/history_writers.py``), then prints
the saves that raised, by message, the sessions found in the database,
and the wall time of the saves (from the start signal to the slowest
writer's last save; starting Python is not counted).

Usage: ``python benchmarks/history_concurrency.py [--writers 8] [--saves 50] [--postgresql] [--migrated]``.
``--postgresql`` runs on a throwaway local PostgreSQL cluster (Debian's
``postgresql`` package) instead of a SQLite file; ``--migrated`` creates the
schema first, so the writers' first opens do not race to create it.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from posturecheck.storage import open_history  # noqa: E402
from tests.postgresql_cluster import throwaway_cluster  # noqa: E402
from tests.reliability.history_writers import run_writers  # noqa: E402
from tests.test_report import write_result_folder  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--migrated", action="store_true", help="create the schema before the writers start")
    args = parser.parse_args()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if args.postgresql:
            cluster = stack.enter_context(throwaway_cluster())
            url = cluster.url(cluster.create_database())
        else:
            url = f"sqlite:///{folder / 'history.db'}"
        folders = [folder / f"visit{w}" for w in range(args.writers)]
        for visit in folders:
            write_result_folder(visit, clip=False)
        codes = [f"C-{w // 2}" for w in range(args.writers)]
        if args.migrated:
            open_history(url).close()
        run = run_writers(url, folders, codes, args.saves)
        with open_history(url) as history:
            stored = sum(len(history.sessions(c.id)) for c in history.clients())
            empty = sum(not history.sessions(c.id) for c in history.clients())
    backend = "postgresql" if args.postgresql else "sqlite"
    print(f"database: {backend}, {'schema made before the writers' if args.migrated else 'new'}")
    print(f"writers x saves: {args.writers} x {args.saves} = {args.writers * args.saves}")
    print(f"saves returned: {len(run.saved)}; sessions stored: {stored}; clients without a session: {empty}")
    print(f"saves that raised: {len(run.failures)}")
    for message, count in collections.Counter(f.split(" (Background")[0] for f in run.failures).items():
        print(f"  {count} x {message}")
    print(f"writers that exited non-zero: {sum(code != 0 for code in run.exit_codes)}")
    print(f"wall time of the saves: {run.seconds:.1f} s ({len(run.saved) / run.seconds:.0f} saves/s)")


if __name__ == "__main__":
    main()
