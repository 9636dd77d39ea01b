"""The ``posturecheck`` command line.

Options are read here, at the edge, and passed inward as plain typed values.
Errors a user can act on are printed as one line on stderr, with a non-zero
exit status and no traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from posturecheck import __version__
from posturecheck.app.launch import DEFAULT_PORT, LOCALHOST, address_warning, streamlit_argv
from posturecheck.assessments import AssessmentResult
from posturecheck.batch.command import add_batch_command
from posturecheck.cli_figures import headline_lines
from posturecheck.cli_history import Handler, add_report_commands, positive_int
from posturecheck.cli_options import add_analysis_options, analysis_options
from posturecheck.errors import PostureCheckError
from posturecheck.measures.uncertainty import Interval95
from posturecheck.native_logs import native_logs_to_file
from posturecheck.reports.wording import NO_INTERVAL, format_plus_minus

if TYPE_CHECKING:
    from posturecheck.repeatability_run import FigureRepeatability

EXIT_ERROR = 1
EXIT_PARTIAL = 3


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The argument parser, with a sub-command per job, and each sub-command's handler."""
    parser = argparse.ArgumentParser(
        prog="posturecheck",
        description="Posture and hip-flexion measurements from video, photos or a webcam "
        "(education, not diagnosis).",
    )
    parser.add_argument("--version", action="version", version=f"posturecheck {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser(
        "analyze",
        help="analyse a video clip, a photo or a folder of photos",
        description="Find the pose in every frame and write a landmarks file, a summary JSON and, "
        "for clips, an annotated H.264 video.",
    )
    analyze.add_argument("input", metavar="CLIP_OR_IMAGE", help="video file, image file or folder of images")
    analyze.add_argument(
        "--out",
        type=Path,
        default=Path("posturecheck_out"),
        metavar="DIR",
        help="folder for the results (default: %(default)s)",
    )
    analyze.add_argument("--csv", type=Path, metavar="FILE", help="write per-frame measures to this CSV file")
    add_analysis_options(analyze)

    commands.add_parser(
        "assessments",
        help="list the guided assessments with their set-up instructions",
        description="List every assessment: what it is for, how to film it, the view it needs.",
    )

    webcam = commands.add_parser(
        "webcam",
        help="live self-check from a webcam, in a window",
        description="Open a window showing the camera measured live, as the app's live page does: the "
        "skeleton, hip flexion, trunk lean, knee raises and set-up guidance, also said in the terminal. "
        "Needs a display.",
    )
    webcam.add_argument(
        "--camera",
        type=camera_device,
        default=0,
        metavar="INDEX_OR_DEVICE",
        help="camera index, or a device OpenCV opens as a camera (/dev/video2, a stream URL) "
        "(default: %(default)s)",
    )
    webcam.add_argument("--model", type=Path, metavar="PATH", help="a PoseLandmarker .task bundle")
    app = commands.add_parser(
        "app",
        help="start the app in the browser (listens on this computer only)",
        description="Start the Streamlit app with its privacy settings (no usage statistics, "
        "127.0.0.1 only), from any folder. Stop it with Ctrl+C.",
    )
    app.add_argument(
        "--port", type=positive_int, default=DEFAULT_PORT, help="port to listen on (default: %(default)s)"
    )
    app.add_argument(
        "--address",
        default=LOCALHOST,
        help="address to listen on (default: %(default)s; anything else lets the network in)",
    )
    repeat = commands.add_parser(
        "repeatability",
        help="analyse the same test filmed several times: each figure's SEM and minimal detectable change",
        description="Analyse two or more clips of the same test, filmed the same way, and say per figure "
        "how far it moves between them (SEM, MDC95): the smallest change between visits this set-up "
        "can tell from measurement error.",
    )
    repeat.add_argument(
        "clips", nargs="+", type=Path, metavar="CLIP", help="clips of the same test (3 usual)"
    )
    repeat.add_argument("--out", type=Path, default=Path("posturecheck_out"), metavar="DIR")
    repeat.add_argument("--assessment", metavar="NAME", help="compare this assessment's graded findings")
    repeat.add_argument("--person", type=positive_int, metavar="N", help="with --assessment: grade person N")
    repeat.add_argument("--model", type=Path, metavar="PATH", help="a PoseLandmarker .task bundle")
    keep = repeat.add_mutually_exclusive_group()
    keep.add_argument(
        "--client",
        metavar="CODE",
        help="keep each figure's SEM and MDC95 in the history for this client (created if new): "
        "their progress is then judged against it",
    )
    keep.add_argument(
        "--clinic-default",
        action="store_true",
        help="keep each figure's SEM and MDC95 as the clinic's default for this assessment, "
        "used for clients without their own",
    )
    handlers: dict[str, Handler] = {
        "analyze": _run_analyze,
        "repeatability": _run_repeatability,
        "assessments": _run_assessments,
        "webcam": _run_webcam,
        "app": _run_app,
    }
    handlers.update(add_report_commands(commands))
    handlers.update(add_batch_command(commands))
    return parser, handlers


def _run_analyze(args: argparse.Namespace) -> int:
    from posturecheck.analyze import analyze_file
    from posturecheck.cli_words import cli_warning

    options = replace(analysis_options(args, args.out), csv_path=args.csv)
    result = analyze_file(args.input, options)
    for warning in result.warnings:
        print(f"warning: {cli_warning(warning)}", file=sys.stderr)
    if result.assessment is None and not args.quiet:
        print("\n".join(headline_lines(result.summary)))
    print(f"landmarks: {result.landmarks_path}")
    print(f"summary:   {result.summary_path}")
    if result.video_path is not None:
        print(f"video:     {result.video_path}")
    if result.csv_path is not None:
        print(f"csv:       {result.csv_path}")
    for export in result.export_paths:
        print(f"export:    {export}")
    if result.assessment is not None:
        print("\n".join(assessment_lines(result.assessment)))
    if result.problem:
        print(
            f"error: {result.problem}; the results written cover the {result.tracked.n_frames} frames "
            "that could be read",
            file=sys.stderr,
        )
        return EXIT_PARTIAL
    return 0


def _run_repeatability(args: argparse.Namespace) -> int:
    from posturecheck.analyze import AnalyzeOptions
    from posturecheck.repeatability_run import repeatability_lines, run_repeatability

    options = AnalyzeOptions(
        out_dir=args.out,
        model_path=args.model,
        annotated_video=False,
        progress=False,
        assessment=args.assessment,
        person=args.person,
    )
    if args.client is not None:
        from posturecheck.storage.history import client_code

        client_code(args.client)  # a bad code is refused before the clips are analysed
    figures = run_repeatability(args.clips, options)
    print("\n".join(repeatability_lines(figures)))
    if args.client is not None or args.clinic_default:
        _keep_repeatability(figures, args.assessment, args.client)
    return 0


def _keep_repeatability(
    figures: Sequence[FigureRepeatability], assessment: str | None, code: str | None
) -> None:
    """Keep the figures' errors in the history for client ``code`` (``None``: the clinic's default)."""
    from datetime import UTC, datetime

    from posturecheck.repeatability_run import measurement_errors
    from posturecheck.storage import open_history

    errors = measurement_errors(figures, assessment, datetime.now(UTC))
    if not errors:
        raise PostureCheckError("no figure moved between the clips, so no measurement error was kept")
    with open_history() as history:
        client = history.keep_measurement_errors(errors, code)
        where = history.url
    whom = f"for client {client.code}" if client is not None else "as the clinic's default"
    print(
        f"kept the SEM and MDC95 of {len(errors)} figure(s) of {errors[0].assessment} {whom} in {where}: "
        "changes between visits are now judged against them"
    )


def _bounds_text(low: float | None, high: float | None) -> str:
    if low is None:
        return f"at most {high:g}"
    if high is None:
        return f"at least {low:g}"
    return f"{low:g} to {high:g}"


def _finding_interval(value: float, interval: Interval95 | None) -> str:
    """``"12.0 ± 25 deg"``, or ``"12.0 deg (no uncertainty recorded)"``."""
    if interval is None:
        return f"{value:.1f} deg ({NO_INTERVAL})"
    return f"{value:.1f} {format_plus_minus(interval, ' deg')}"


def assessment_lines(graded: AssessmentResult) -> list[str]:
    """An assessment result as plain lines: view check, findings with norms and confidence, interpretation."""
    from posturecheck.cli_words import cli_warning

    lines = [f"\nassessment: {graded.assessment}", f"  view: {graded.view_message}"]
    sources_shown: set[str] = set()
    for item in graded.findings:
        value = f"{item.value:.1f}" if isinstance(item.value, float) else str(item.value)
        value += f" {item.unit}"
        if isinstance(item.value, float) and item.unit == "deg":
            value = _finding_interval(item.value, item.interval_95)
        lines.append(
            f"  {item.label}: {value}  [{item.status}; confidence {item.confidence}, "
            f"{item.fraction_valid:.0%} of frames]"
        )
        if item.note:
            lines.append(f"      note: {item.note}")
        if item.normal is not None:
            bounds = item.normal.expected or _bounds_text(item.normal.low, item.normal.high)
            source = item.normal.source if item.normal.source not in sources_shown else "source as above"
            sources_shown.add(item.normal.source)
            lines.append(f"      normal: {bounds} ({source})")
    lines += [f"  {line}" for line in graded.interpretation]
    lines += [f"  warning: {cli_warning(warning)}" for warning in graded.warnings]
    return lines


def _run_assessments(_args: argparse.Namespace) -> int:
    from posturecheck.assessments import list_assessments

    for protocol in list_assessments():
        print(f"{protocol.name}: {protocol.title}")
        print(f"  {protocol.purpose}")
        print(f"  view needed: {protocol.view_needed}; input: {protocol.input_kind}")
        for step in protocol.instructions:
            print(f"  - {step}")
        print()
    return 0


def camera_device(text: str) -> int | str:
    """``--camera``: an index (``0``) stays a number; anything else is a device path or stream URL."""
    return int(text) if text.isdigit() else text


def _run_webcam(args: argparse.Namespace) -> int:
    from posturecheck.cli_webcam import run_live_view

    return run_live_view(args.camera, args.model)


def _run_app(args: argparse.Namespace) -> int:
    from streamlit.web import cli as streamlit_cli

    warning = address_warning(args.address)
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    sys.argv = streamlit_argv(args.port, args.address)
    try:
        streamlit_cli.main()
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(f"error: {stop.code}", file=sys.stderr)
        return EXIT_ERROR
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``posturecheck`` console script; returns the exit status."""
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    if os.environ.get("POSTURECHECK_DEBUG"):
        return handlers[args.command](args)
    with native_logs_to_file():
        return _run_reporting_errors(handlers[args.command], args)


def _run_reporting_errors(handler: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a command; user-facing problems become one line on stderr and an exit status."""
    try:
        return handler(args)
    except PostureCheckError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: one line instead of a traceback
        print(
            f"error: unexpected {exc.__class__.__name__}: {exc} (set POSTURECHECK_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
