"""Reports: the figures in the HTML page and the PDF, faces blurred in key frames, valid frames set apart in
the plots, parts left out gracefully; on a synthetic analysis folder made here, and on the sample walk (slow).

The synthetic folder holds what ``posturecheck analyze`` writes: a landmarks file from a walking synthetic
skeleton seen from the side (absent for the first frames, its left knee hidden for a stretch), a summary made
by the same functions analyze uses, and a clip of a fine checkerboard (so blurring shows) at the same size.
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from pypdf import PdfReader

from posturecheck.analyze import AnalysisResult, AnalyzeOptions, analyze_file, people_summary
from posturecheck.assessments import AssessmentResult, Finding, NormalRange, get_assessment
from posturecheck.errors import InputError
from posturecheck.io.video_sink import H264Writer
from posturecheck.landmarks import Landmark
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from posturecheck.measures.summary import summarize_table
from posturecheck.measures.table import MeasureTable
from posturecheck.measures.view import ViewLimits
from posturecheck.pose.people_file import read_people
from posturecheck.pose.series import PoseSeries
from posturecheck.privacy.face_region import face_circles
from posturecheck.reports import build_report
from posturecheck.reports.assemble import UNBLURRED_WARNING
from posturecheck.reports.build import report_paths
from posturecheck.reports.education_note import find_note, note_topic
from posturecheck.reports.key_frames import key_frame_image, read_frames
from posturecheck.reports.plots.measures_over_time import SIDE_COLOURS, time_figure, time_plot
from posturecheck.reports.wording import BAND_LABEL, NO_INTERVAL, format_value
from posturecheck.results.folder import open_result_folder
from posturecheck.results.recompute import measure_options, recompute_tables
from posturecheck.summary_schema import AnalysisSummary, read_summary
from tests.media import WALK_CLIP
from tests.synthetic_skeleton import BodyPose, Camera, make_series, stack_people

WIDTH, HEIGHT = 320, 576
CAMERA = Camera(width=WIDTH, height=HEIGHT, focal_px=520.0)
FPS = 30.0
N_FRAMES = 60
ABSENT_FRAMES = 6
HIDDEN_KNEE = slice(30, 42)  # 0.4 s of the left knee unseen: longer than the gap filler bridges
OBLIQUE = slice(46, 54)  # the person turned 25 deg toward the camera: image angles computed but not valid
STEM = "walk"
SOURCE = {"path": "walk.mp4", "kind": "video", "width": WIDTH, "height": HEIGHT}


def walking_poses(amplitude: float) -> list[BodyPose]:
    """Two strides: hips swinging in opposite phase by +-``amplitude`` around 5 deg of flexion."""
    poses = []
    for i in range(N_FRAMES):
        swing = amplitude * math.sin(2 * math.pi * 2 * i / N_FRAMES)
        poses.append(
            BodyPose(
                hip_flexion_left=5 + swing,
                hip_flexion_right=5 - swing,
                knee_flexion_left=10 + max(0.0, swing),
                knee_flexion_right=10 + max(0.0, -swing),
                trunk_inclination=4.0,
            )
        )
    return poses


def synthetic_series(amplitude: float, people: int) -> PoseSeries:
    """The walking person (and copies moved to the right, one per extra person) as analyze would save them.

    The person walks in after :data:`ABSENT_FRAMES`, their left knee is hidden in :data:`HIDDEN_KNEE` and
    they turn toward the camera in :data:`OBLIQUE`.
    """
    one = make_series(walking_poses(amplitude), CAMERA, fps=FPS)
    turned = make_series(walking_poses(amplitude), replace(CAMERA, yaw_deg=25.0), fps=FPS)
    image, world = one.image.copy(), one.world.copy()
    image[OBLIQUE], world[OBLIQUE] = turned.image[OBLIQUE], turned.world[OBLIQUE]
    image[:ABSENT_FRAMES] = np.nan
    visibility = one.visibility.copy()
    visibility[:ABSENT_FRAMES] = 0.0
    visibility[HIDDEN_KNEE, 0, Landmark.LEFT_KNEE] = 0.1
    first = replace(one, image=image, world=world, visibility=visibility)
    others = []
    for index in range(1, people):
        moved = first.image.copy()
        moved[..., 0] += 0.25 * index
        others.append(replace(first, image=moved))
    return stack_people([first, *others])


def checkerboard(square: int = 4) -> np.ndarray:
    """(HEIGHT, WIDTH, 3) uint8 grey squares: fine detail everywhere, which blurring removes."""
    rows, cols = np.mgrid[0:HEIGHT, 0:WIDTH]
    board = np.where(((rows // square) + (cols // square)) % 2, 200, 40).astype(np.uint8)
    return np.repeat(board[..., None], 3, axis=2)


def write_result_folder(
    folder: Path,
    amplitude: float = 25.0,
    people: int = 1,
    assessment: dict[str, Any] | None = None,
    clip: bool = True,
) -> dict[str, Any]:
    """An analysis folder as ``posturecheck analyze`` writes it; returns the summary."""
    folder.mkdir(parents=True)
    clip_path = folder / f"{STEM}.mp4"
    series = synthetic_series(amplitude, people)
    series = replace(series, source=replace(series.source, path=str(clip_path), kind="video"))
    if clip:
        with H264Writer(clip_path, WIDTH, HEIGHT, FPS) as writer:
            for time_s in series.times_s:
                writer.write(checkerboard(), float(time_s))
    landmarks = series.save(folder / f"{STEM}.landmarks.npz")
    tables = [compute_measures(series, slot, MeasureOptions()) for slot in range(series.n_people)]
    summary: dict[str, Any] = {
        "posturecheck_version": "0.1.0",
        "input": str(clip_path),
        "source": asdict(series.source),
        "frames_analysed": series.n_frames,
        "duration_s": float(series.times_s[-1]),
        "people": [asdict(person) for person in people_summary(series)],
        "camera_roll": {"deg": None, "source": "assumed level", "confidence": None, "reason": "test scene"},
        "measures": [summarize_table(t, series.detected[:, t.person]).to_dict() for t in tables],
        "warnings": ["person 1 was in view in 90% of frames (0.2-2.0 s); measures cover only those frames"],
        "problem": None,
        "outputs": {"landmarks": landmarks.name, "annotated_video": None, "csv": None},
    }
    if assessment is not None:
        summary["assessment"] = assessment
    (folder / f"{STEM}.summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def pdf_text(path: Path) -> str:
    """All the PDF's text, with the typographic minus as a hyphen and runs of white space as one space."""
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace("−", "-"))


def page_text(path: Path) -> str:
    """The HTML page's text as shown (tags dropped, entities decoded), normalised like :func:`pdf_text`."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))
    return re.sub(r"\s+", " ", text.replace("−", "-"))


def shown(value: float | None, unit: str = "deg") -> str:
    return format_value(value, unit).replace("−", "-")


def test_report_html_and_pdf_show_the_key_figures(tmp_path: Path) -> None:
    summary = write_result_folder(tmp_path / "visit")
    files = build_report(tmp_path / "visit", "AB-1042")
    assert files == report_paths(tmp_path / "visit")
    page, pdf = page_text(files.html), pdf_text(files.pdf)
    measures = summary["measures"][0]["measures"]
    for name in ("hip_flexion_left", "hip_flexion_right", "knee_flexion_right", "trunk_inclination"):
        for statistic in ("median", "max", "min"):
            figure = shown(measures[name][statistic])
            assert figure in page and figure in pdf, f"{name} {statistic} {figure} missing"
    for text in (page, pdf):
        assert "AB-1042" in text and "walk.mp4" in text
        assert "not a diagnosis" in text.lower()
        assert "Setup and view checks" in text and "side view" in text
        assert "Person 1 was in view for 90% of the clip" in text  # an old English line, in plain words
    source = files.html.read_text(encoding="utf-8")
    images = re.findall(r'<img src="data:image/(png|jpeg);base64,', source)
    assert images.count("png") == 1 and images.count("jpeg") == 3  # the plot, three key frames
    assert not re.search(r'(src|href)="(https?:)?//|<script|<link', source)  # loads nothing from anywhere
    assert "@media print" in source and "@page" in source
    assert sum(len(page.images) for page in PdfReader(files.pdf).pages) == 4


def test_report_shows_the_assessment_findings_against_their_ranges(tmp_path: Path) -> None:
    norm = NormalRange(
        "peak hip extension in late stance", low=10.0, high=20.0, source="Perry & Burnfield 2010"
    )
    result = AssessmentResult(
        assessment="gait",
        people=(0,),
        view_ok=True,
        view_message="side view (6 deg from a side view)",
        findings=(
            Finding(
                "peak_hip_extension_left",
                "Peak hip extension, left",
                27.25,
                "deg",
                norm,
                "above",
                "high",
                0.9,
            ),
            Finding("cadence", "Cadence", None, "steps/min", None, "unknown", "none", 0.0),
        ),
        interpretation=("Hip extension was larger than the reference range on the left.",),
        warnings=(AnalysisWarning(WarningCode.TEXT, {"text": "a synthetic walk"}),),
        education_topic="gait-hip-extension",
    )
    write_result_folder(tmp_path / "visit", assessment=result.to_dict())
    files = build_report(tmp_path / "visit", None)
    note = find_note("gait-hip-extension")
    for text in (page_text(files.html), pdf_text(files.pdf)):
        assert "Peak hip extension, left" in text and "27.2°" in text
        assert "10.0° to 20.0°" in text and "Perry & Burnfield 2010" in text and "above range" in text
        assert "The reference ranges describe: peak hip extension in late stance." in text
        assert "Hip extension was larger than the reference range on the left." in text
        assert "a synthetic walk" in text and "side view (6 deg from a side view)" in text
        assert "All measures" in text and "not given" in text and get_assessment("gait").title in text
        if note is not None:
            assert f"Background: {note.title}" in text


def test_report_leaves_out_what_it_cannot_find(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_result_folder(tmp_path / "visit", clip=False)
    monkeypatch.setattr("posturecheck.reports.assemble.find_note", lambda topic: None)
    files = build_report(tmp_path / "visit", "AB-1", blur=False, out=tmp_path / "out" / "visit1.pdf")
    assert files.html == tmp_path / "out" / "visit1.html" and files.pdf.is_file()
    page = page_text(files.html)
    assert "no key frames: neither the clip" in page and "Background:" not in page
    assert "Over time" in page  # the landmarks are there, so the plots are
    assert UNBLURRED_WARNING not in page  # no pictures of anyone, nothing to warn about


def test_report_says_when_faces_are_not_blurred(tmp_path: Path) -> None:
    write_result_folder(tmp_path / "visit")
    files = build_report(tmp_path / "visit", "AB-1", blur=False)
    assert UNBLURRED_WARNING in page_text(files.html) and UNBLURRED_WARNING in pdf_text(files.pdf)


def test_education_note_is_optional() -> None:
    assert find_note("no-such-topic") is None
    note = find_note("about")
    assert note is not None and note.title


def test_note_topic_follows_the_footage() -> None:
    def summary(kind: str, repetitions: bool = False, topic: str | None = None) -> AnalysisSummary:
        peak = {"start_s": 0.1, "peak_s": 0.2, "end_s": 0.3, "peak_frame": 6, "peak_deg": 30.0}
        person = {"person": 1, "hip_flexion_repetitions": {"left": [peak], "right": [peak]}}
        assessment = AssessmentResult.refused("thomas", topic, "not tested") if topic else None
        return replace(
            AnalysisSummary.from_dict(
                {"source": {**SOURCE, "kind": kind}, "measures": [person] if repetitions else []}
            ),
            assessment=assessment,
        )

    assert note_topic(summary("video", repetitions=True)) == "gait-hip-extension"
    assert note_topic(summary("image")) == "posture-types"
    assert note_topic(summary("video")) == "about"
    assert note_topic(summary("video", repetitions=True, topic="thomas-test")) == "thomas-test"


def test_result_folder_must_hold_one_analysis(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no analysis summary"):
        open_result_folder(tmp_path)
    (tmp_path / "a.summary.json").write_text("{}")
    with pytest.raises(InputError, match="not a posturecheck analysis summary"):
        open_result_folder(tmp_path)
    (tmp_path / "b.summary.json").write_text("{}")
    with pytest.raises(InputError, match="holds 2 analyses"):
        build_report(tmp_path, "AB-1")


def _face_pixels(
    landmarks: np.ndarray, visibility: np.ndarray, width: int, height: int, grow: float
) -> np.ndarray:
    """(height, width) bool: pixels inside any face circle grown by ``grow`` pixels (shrunk when negative)."""
    rows, cols = np.mgrid[0:height, 0:width]
    inside = np.zeros((height, width), dtype=bool)
    for circle in face_circles(landmarks, visibility, width, height):
        inside |= np.hypot(cols + 0.5 - circle.x, rows + 0.5 - circle.y) <= circle.radius + grow
    return inside


def _detail(image: np.ndarray, where: np.ndarray) -> float:
    """Mean squared Laplacian over ``where``: the fine detail blurring removes."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float64)
    return float(np.mean(cv2.Laplacian(grey, cv2.CV_64F)[where] ** 2))


def _assert_blurred_only_in_faces(frame: np.ndarray, series: PoseSeries, row: int) -> None:
    """Key frames with and without blur differ only in the face circles, and there they lost their detail."""
    blurred, landmarks = key_frame_image(frame, series, row, 0, blur=True, skeleton=True)
    plain, _ = key_frame_image(frame, series, row, 0, blur=False, skeleton=True)
    height, width = blurred.shape[:2]
    face = _face_pixels(landmarks, series.visibility[row], width, height, grow=1.0)
    assert face.any() and face.mean() < 0.2
    changed = np.abs(blurred.astype(int) - plain.astype(int)).max(axis=2) > 0
    assert not changed[~face].any(), "pixels outside the faces changed"
    assert changed[face].mean() > 0.5, "the faces were not blurred"
    # Without the skeleton's lines over them, the faces' inner parts keep little of their detail.
    smooth, _ = key_frame_image(frame, series, row, 0, blur=True, skeleton=False)
    sharp, _ = key_frame_image(frame, series, row, 0, blur=False, skeleton=False)
    inner = _face_pixels(landmarks, series.visibility[row], width, height, grow=-3.0)
    assert _detail(smooth, inner) < 0.1 * _detail(sharp, inner)


def test_key_frames_blur_the_faces_and_nothing_else() -> None:
    series = synthetic_series(25.0, people=2)
    _assert_blurred_only_in_faces(checkerboard(), series, row=20)


def test_time_figure_sets_invalid_frames_apart() -> None:
    series = synthetic_series(25.0, people=1)
    table = compute_measures(series, 0, MeasureOptions())
    person = summarize_table(table, series.detected[:, 0])
    figure = time_figure(table, person, series.detected[:, 0], marks=[(0.5, "A")])
    assert figure is not None
    hip = figure.axes[0]
    assert hip.get_ylabel() == "Hip flexion (°)"
    measure = table.measures["hip_flexion_left"]
    # The first 3 frames (0.1 s) after walking in are not trusted.
    assert not measure.valid[HIDDEN_KNEE].any() and measure.valid[ABSENT_FRAMES + 3 : HIDDEN_KNEE.start].all()
    assert not measure.valid[ABSENT_FRAMES : ABSENT_FRAMES + 3].any()
    assert np.isfinite(measure.values[OBLIQUE]).all() and not measure.valid[OBLIQUE].any()
    dotted, solid = hip.lines[0], hip.lines[1]
    assert dotted.get_linestyle() == "--" and solid.get_linestyle() == "-"
    np.testing.assert_array_equal(np.isfinite(solid.get_ydata()), measure.valid)
    dotted_shown = np.isfinite(dotted.get_ydata())
    assert dotted_shown[OBLIQUE].all() and not dotted_shown[measure.valid].any()
    spans = [p for p in hip.patches if p.get_x() == 0.0]
    assert len(spans) == 1  # the frames before the person walks in
    # A side view: the rendered body's measured error gives each angle a band (docs/validation.md).
    assert [c for axes in figure.axes for c in axes.collections if isinstance(c, PolyCollection)]
    # Where no error was measured (here: removed from the summary), no band, and every legend and
    # the caption say so.
    unmeasured = replace(
        person,
        measures={
            name: replace(m, expected_error_deg=None, interval_95=None) for name, m in person.measures.items()
        },
    )
    figure = time_figure(table, unmeasured, series.detected[:, 0], marks=[(0.5, "A")])
    assert figure is not None
    assert not [c for axes in figure.axes for c in axes.collections if isinstance(c, PolyCollection)]
    assert all(f"({NO_INTERVAL})" in t.get_text() for axes in figure.axes for t in axes.get_legend().texts)
    assert BAND_LABEL not in [t.get_text() for t in figure.legends[0].texts]
    picture = time_plot(table, unmeasured, series.detected[:, 0])
    assert picture is not None and f"No shaded band: {NO_INTERVAL}" in picture.caption


# 35 deg from a side view: 2D sagittal angles there have a measured error (docs/validation.md: a mean
# absolute error of 9.7 deg, camera roll known); the view limit is widened so the frames are valid.
OBLIQUE_YAW_DEG = 35.0
SAGITTAL_30_45_MAE_DEG = 9.7
WIDE_VIEW = MeasureOptions(view_limits=ViewLimits(side_max_deg=50.0, sagittal_3d_max_deg=50.0))


def oblique_walk() -> tuple[MeasureTable, dict[str, Any], np.ndarray]:
    """The walk filmed 35 deg from side, left knee hidden in :data:`HIDDEN_KNEE`: table, summary, in view."""
    one = make_series(walking_poses(25.0), replace(CAMERA, yaw_deg=OBLIQUE_YAW_DEG), fps=FPS)
    visibility = one.visibility.copy()
    visibility[HIDDEN_KNEE, 0, Landmark.LEFT_KNEE] = 0.1
    series = replace(one, visibility=visibility)
    table = compute_measures(series, 0, WIDE_VIEW)
    return table, summarize_table(table, series.detected[:, 0]), series.detected[:, 0]


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of each run of True in ``mask``."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def test_time_figure_shades_the_95_interval_of_the_error_measured_for_the_view() -> None:
    table, person, in_view = oblique_walk()
    measure = table.measures["hip_flexion_left"]
    assert measure.method == "2d" and measure.valid.sum() > 20 and not measure.valid[HIDDEN_KNEE].any()
    # 1.96 (95 %) x sqrt(pi / 2) (the standard deviation of a normal error per unit of its MAE) x 9.7
    half_width = 1.959964 * 1.2533141 * SAGITTAL_30_45_MAE_DEG
    assert half_width == pytest.approx(23.827, abs=1e-3)

    figure = time_figure(table, person, in_view)
    assert figure is not None
    hip = figure.axes[0]
    left = to_rgba(SIDE_COLOURS["left"], 0.18)
    (band,) = [c for c in hip.collections if np.allclose(c.get_facecolor()[0], left)]
    polygons = [path.vertices for path in band.get_paths()]
    runs = _runs(measure.valid)
    assert len(polygons) == len(runs) == 2  # before and after the hidden knee: invalid frames have no band
    times = table.times_s
    for vertices, (first, last) in zip(polygons, runs, strict=True):
        rows = np.searchsorted(times, vertices[:, 0])
        assert np.allclose(times[rows], vertices[:, 0]) and rows.min() == first and rows.max() == last
        offsets = vertices[:, 1] - measure.values[rows]
        np.testing.assert_allclose(np.abs(offsets), half_width, rtol=1e-6)
        for row in range(first, last + 1):  # each valid frame has its upper and its lower edge
            at = rows == row
            assert offsets[at].max() > 0 > offsets[at].min()
    assert BAND_LABEL in [t.get_text() for t in figure.legends[0].texts]
    assert [t.get_text() for t in hip.get_legend().texts] == ["left", "right"]
    picture = time_plot(table, person, in_view)
    assert picture is not None and f"Shaded: the {BAND_LABEL}" in picture.caption


@pytest.mark.slow
def test_report_on_the_sample_walk(walk_analysis: AnalysisResult, tmp_path: Path) -> None:
    folder = tmp_path / "walk"
    shutil.copytree(walk_analysis.summary_path.parent, folder)
    files = build_report(folder, "sample client", out=tmp_path / "report")
    page, pdf = page_text(files.html), pdf_text(files.pdf)
    hip = walk_analysis.summary.people[0].measures["hip_flexion_left"]
    for statistic in ("median", "max", "min", "range"):
        assert shown(hip.statistic(statistic)) in page and shown(hip.statistic(statistic)) in pdf
    assert len(re.findall(r'<img src="data:image/jpeg', files.html.read_text(encoding="utf-8"))) == 3
    series = walk_analysis.series
    row = int(np.flatnonzero(series.detected[:, 0])[len(np.flatnonzero(series.detected[:, 0])) // 2])
    frame = read_frames(Path(walk_analysis.summary.input), [int(series.frame_index[row])])
    _assert_blurred_only_in_faces(next(iter(frame.values())), series, row)


@pytest.mark.slow
def test_measures_made_again_for_a_report_use_every_option_the_analysis_used(tmp_path: Path) -> None:
    custom = MeasureOptions(
        cutoff_hz=3.0,
        camera_roll_deg=5.0,
        min_visibility=0.6,
        max_gap_s=0.1,
        view_limits=ViewLimits(sagittal_3d_max_deg=60.0),
    )
    options = AnalyzeOptions(out_dir=tmp_path, measure=custom, progress=False, annotated_video=False)
    result = analyze_file(WALK_CLIP, options)
    summary = read_summary(result.summary_path)
    assert measure_options(summary) == custom
    assert result.tables and all(table.options == custom for table in result.tables)
    again = recompute_tables(read_people(result.landmarks_path), summary)
    for table in result.tables:
        redone = again[table.person + 1]
        for name, measure in table.measures.items():
            np.testing.assert_array_equal(redone.measures[name].values, measure.values, err_msg=name)
            np.testing.assert_array_equal(redone.measures[name].valid, measure.valid, err_msg=name)
