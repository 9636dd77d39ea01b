"""The ``posturecheck batch`` command: many clips, photos or folders, on all cores or a Ray cluster.

:func:`add_batch_command` adds the parser to the ``posturecheck`` command
and returns its handler. Exit statuses (also in the README):

* 0: every input was analysed whole;
* 1: the batch could not run (bad option, manifest or model; no input; Ray missing);
* 2: the command line itself is wrong (argparse);
* 3: every input has results, but some only cover part of the input;
* 4: some inputs failed, or could not be kept in the history (recorded in batch.json; the others
  were analysed);
* 130: stopped with Ctrl-C (re-run the same command to continue).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from posturecheck.cli_history import Handler, positive_int
from posturecheck.cli_options import add_analysis_options, analysis_options
from posturecheck.errors import PostureCheckError

if TYPE_CHECKING:
    from posturecheck.batch.run import BatchReport

EXIT_OK = 0
EXIT_PARTIAL = 3
EXIT_FAILED = 4
EXIT_STOPPED = 130


def add_batch_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> dict[str, Handler]:
    """Add ``batch`` to ``subparsers``; returns ``{"batch": handler}``."""
    batch = subparsers.add_parser(
        "batch",
        help="analyse many clips, photos or folders at once, on every core (or a Ray cluster)",
        description="Analyse every input as 'analyze' would, each into its own result folder under DIR, "
        "and write DIR/batch.csv (key figures per input and person) and DIR/batch.json (what happened "
        "to each input). Re-running the same command skips the inputs already done. Exit status: 0 all "
        "analysed whole, 3 some only partly, 4 some failed, 1 the batch could not run, 130 stopped.",
    )
    batch.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="clip, photo, folder (searched recursively) or CSV manifest "
        "(columns: path, and optionally client, assessment, person, height_cm)",
    )
    batch.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder for all results")
    add_analysis_options(batch)
    batch.add_argument("--csv", action="store_true", help="write each input's per-frame measures CSV")
    batch.add_argument(
        "--client",
        metavar="CODE",
        help="keep every result in this client's history (a manifest's client wins)",
    )
    batch.add_argument(
        "--workers", type=positive_int, metavar="N", help="inputs analysed at a time (default: the cores)"
    )
    batch.add_argument(
        "--engine",
        choices=("local", "ray"),
        default="local",
        help="local: processes on this machine (default); ray: Ray tasks (needs posturecheck[cluster])",
    )
    batch.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="with --engine ray: the cluster (e.g. 10.0.0.5:6379); inputs and DIR must be in a folder "
        "every node sees at the same path (default: a local Ray instance)",
    )
    batch.add_argument("--verbose", action="store_true", help="one line per input as it finishes")
    return {"batch": _run_batch}


def _run_batch(args: argparse.Namespace) -> int:
    from posturecheck.batch.collect_inputs import collect_inputs
    from posturecheck.batch.run import BatchSettings, run_batch

    if args.ray_address and args.engine != "ray":
        raise PostureCheckError("--ray-address needs --engine ray")
    analysis = replace(analysis_options(args, args.out), progress=False)
    settings = BatchSettings(
        out_dir=args.out,
        analysis=analysis,
        write_csv=args.csv,
        engine=args.engine,
        workers=args.workers,
        ray_address=args.ray_address,
        client=args.client,
        progress=not args.quiet,
        verbose=args.verbose,
    )
    if args.engine == "ray":
        from posturecheck.batch.engines.ray import import_ray

        import_ray(args.ray_address)
    report = run_batch(collect_inputs(args.inputs, exclude=args.out), settings)
    return _report(report)


def _report(report: BatchReport) -> int:
    """Print the problems and the counts; returns the exit status (module notes)."""
    outcomes = report.outcomes
    counts = {s: sum(o.status == s for o in outcomes) for s in ("ok", "partial", "failed")}
    skipped = sum(o.skipped for o in outcomes)
    for outcome in sorted(outcomes, key=lambda o: o.input):
        if outcome.status != "ok":
            print(f"{outcome.status}: {outcome.reason}", file=sys.stderr)
    for source, kept in sorted(report.kept.items()):
        if "error" in kept:
            print(f"not kept in the history: {source}: {kept['error']}", file=sys.stderr)
    total = len(outcomes) + len(report.not_done)
    print(
        f"{len(outcomes)} of {total} inputs: {counts['ok']} ok, {counts['partial']} partial, "
        f"{counts['failed']} failed ({skipped} done before, skipped)"
    )
    print(f"table:   {report.table_path}")
    print(f"record:  {report.record_path}")
    if report.interrupted:
        print(
            f"stopped after {len(outcomes)} of {total} inputs; run the same command again to do the "
            f"other {len(report.not_done)}",
            file=sys.stderr,
        )
        return EXIT_STOPPED
    if counts["failed"] or any("error" in kept for kept in report.kept.values()):
        return EXIT_FAILED
    return EXIT_PARTIAL if counts["partial"] else EXIT_OK
