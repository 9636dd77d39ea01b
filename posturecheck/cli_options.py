"""The options of an analysis on the command line, shared by ``analyze`` and ``batch``.

Read here, at the edge, and turned into plain typed values
(:class:`~posturecheck.analyze.AnalyzeOptions`) for the core.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from posturecheck.cli_history import positive_int
from posturecheck.errors import ExportError, PostureCheckError
from posturecheck.exports import ExportFormat, parse_formats
from posturecheck.io.kinds import Expect
from posturecheck.measures.filtering import DEFAULT_CUTOFF_HZ
from posturecheck.measures.pipeline import ANGLE_METHODS, MeasureOptions

if TYPE_CHECKING:
    from posturecheck.analyze import AnalyzeOptions


def export_formats(text: str) -> tuple[ExportFormat, ...]:
    """The ``--export`` argument: comma-separated format names; argparse reports a wrong one."""
    try:
        return parse_formats(text)
    except ExportError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of an analysis (model, people, assessment, measures, outputs) to ``parser``."""
    parser.add_argument(
        "--model",
        type=Path,
        metavar="PATH",
        help="a MediaPipe PoseLandmarker .task bundle (default: the bundled full model)",
    )
    parser.add_argument(
        "--people",
        type=positive_int,
        default=1,
        metavar="N",
        help="most people to find per frame (default: %(default)s)",
    )
    parser.add_argument(
        "--expect",
        choices=get_args(Expect),
        default="any",
        help="refuse other kinds of input (default: take clips, photos and folders)",
    )
    parser.add_argument(
        "--masks",
        action="store_true",
        help="keep the segmentation masks (needed for silhouette measures; larger files)",
    )
    parser.add_argument(
        "--assessment",
        metavar="NAME",
        help="run a guided assessment (see 'posturecheck assessments'): graded results with norms",
    )
    parser.add_argument(
        "--person",
        type=positive_int,
        metavar="N",
        help="with --assessment: grade person N of the results (default: the one in view longest)",
    )
    parser.add_argument(
        "--export",
        type=export_formats,
        default=(),
        metavar="FORMATS",
        help="also write each person's landmarks and angles for other tools, comma-separated: "
        "trc (OpenSim markers), mot (OpenSim angles), c3d (markers and angles)",
    )
    parser.add_argument(
        "--method",
        choices=ANGLE_METHODS,
        default="auto",
        help="which variant fills the plain measure names: image-plane (2d), world landmarks (3d), "
        "or the one the view supports best (default)",
    )
    parser.add_argument(
        "--cutoff",
        type=float,
        default=DEFAULT_CUTOFF_HZ,
        metavar="HZ",
        help="low-pass cut-off for landmarks, Hz (default: %(default)s)",
    )
    parser.add_argument(
        "--roll",
        type=float,
        metavar="DEG",
        help="camera roll in degrees, + = camera turned clockwise (default: estimated from the scene)",
    )
    parser.add_argument(
        "--pitch",
        type=float,
        metavar="DEG",
        help="camera pitch in degrees, + = tilted down (default: estimated from the person's upright axis)",
    )
    parser.add_argument(
        "--height-cm", type=float, metavar="CM", help="the person's height, for plumb-line offsets in cm"
    )
    parser.add_argument(
        "--blur-faces",
        action="store_true",
        help="blur faces in the annotated video (privacy of shared media)",
    )
    parser.add_argument("--no-video", action="store_true", help="do not write the annotated video")
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar and no figures (the files are still written)"
    )


def measure_options(args: argparse.Namespace) -> MeasureOptions:
    """The measurement options the command line gave; a value out of range is one line."""
    try:
        return MeasureOptions(
            method=args.method,
            cutoff_hz=args.cutoff,
            camera_roll_deg=args.roll,
            camera_pitch_deg=args.pitch,
            height_cm=args.height_cm,
        )
    except ValueError as exc:
        raise PostureCheckError(f"invalid option: {exc}") from exc


def analysis_options(args: argparse.Namespace, out_dir: Path) -> AnalyzeOptions:
    """The options of one analysis into ``out_dir``, from those :func:`add_analysis_options` added."""
    from posturecheck.analyze import AnalyzeOptions

    return AnalyzeOptions(
        out_dir=out_dir,
        model_path=args.model,
        num_people=args.people,
        expect=args.expect,
        masks=args.masks,
        annotated_video=not args.no_video,
        blur_faces=args.blur_faces,
        progress=not args.quiet,
        assessment=args.assessment,
        person=args.person,
        measure=measure_options(args),
        exports=args.export,
    )
