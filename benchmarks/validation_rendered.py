"""Side-view accuracy and the pelvic/lumbar proxies on a rendered human body (issue 11, deliverable 6).

MediaPipe has no pelvis landmarks and the real multi-view footage
(``validation_multiview.py``) has no camera near a side view, so this
benchmark films a posed, rendered body whose geometry is known exactly.

Stage 1 (``render_body.py``, in its own virtual environment outside the
repository and the project's): the ``anny`` parametric body model (PyPI,
Apache-2.0 code, CC0 MakeHuman assets; needs torch) is posed in three
sequences, rendered headless by a numpy rasteriser from a true side view and
15, 30, 45, 60 and 90 deg toward the front (level, at hip height) and from
the side view pitched 20 deg down; the truth per frame goes to a CSV.

Stage 2 (this script, the project's environment): posturecheck's own
analysis (:func:`posturecheck.analyze.analyze_file`, as a user runs it: pose,
tracking, roll and pitch estimates, filtering, validity) on every clip, with
the segmentation masks, then the comparison: per view and measure, the mean
absolute error (MAE) on the frames posturecheck marks valid, the share of
those more than 15 deg off, the constant offset between the body model's
joint centres and MediaPipe's landmarks (median of product - truth over the
valid side-view frames of all three sequences, per measure; reported, and
taken out for the "MAE - offset" column, never corrected in the product),
knee-raise peak errors and, for the proxies, Pearson r with the truth.

Everything fetched or made (the venv, the anny cache, clips, results) lives
in ``~/.cache/posturecheck`` (``--cache``); nothing goes into the repository.

Run: ``python benchmarks/validation_rendered.py [--cache DIR] [--markdown FILE]``
(the first run builds the render venv: torch 2.13.0 CPU, anny 0.6.2 and
OpenCV; the body model's first load takes several minutes).
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import venv
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from posturecheck.analyze import AnalyzeOptions, analyze_file  # noqa: E402
from posturecheck.landmarks import Landmark  # noqa: E402
from posturecheck.measures import joint_angles as ja  # noqa: E402
from posturecheck.measures.extremes import sustained_extreme  # noqa: E402
from posturecheck.measures.pipeline import compute_measures  # noqa: E402
from posturecheck.measures.silhouette import pelvic_tilt_proxy  # noqa: E402
from posturecheck.measures.view import ViewLimits  # noqa: E402
from posturecheck.pose.series import PoseSeries  # noqa: E402

DEFAULT_CACHE = Path.home() / ".cache" / "posturecheck"
RENDER_PACKAGES = (["torch==2.13.0"], ["anny==0.6.2", "opencv-python-headless"])
SEQUENCES = ("tilt", "knee_raise", "walk")
VIEWS = (
    ("view00", 0.0, 0.0),
    ("view15", 15.0, 0.0),
    ("view30", 30.0, 0.0),
    ("view45", 45.0, 0.0),
    ("view60", 60.0, 0.0),
    ("view90", 90.0, 0.0),
    ("view00_pitch20", 0.0, 20.0),
)
# Measures compared with the truth: (column in posturecheck's table, truth column).
ANGLES = (
    ("hip_flexion", "hip_flexion"),
    ("knee_flexion", "knee_flexion"),
    ("thigh_inclination", "thigh_inclination"),
)
KNEE_RAISE_FRAMES_PER_LEG = 75
# View limits opened wide, as validation_multiview.py does for its expected-error table:
# every view gets values.
WIDE = ViewLimits(side_max_deg=90.0, sagittal_3d_max_deg=90.0, front_min_deg=0.0, frontal_3d_min_deg=0.0)
# Kinds of measure of posturecheck.measures.expected_error, with the columns the truth covers.
KINDS = {
    "sagittal": ("hip_flexion_left", "hip_flexion_right", "knee_flexion_left", "knee_flexion_right"),
    "sagittal_gravity": ("trunk_inclination", "thigh_inclination_left", "thigh_inclination_right"),
}
VIEW_BINS = (0.0, 15.0, 30.0, 45.0, 60.0, 75.0, 90.01)
MIN_FRAMES = 10


def render_python(cache: Path) -> Path:
    """The render venv's python, made (torch first, so anny takes the CPU build on disk) when missing."""
    env_dir = cache / "render-venv"
    python = env_dir / "bin" / "python"
    if not python.exists():
        venv.create(env_dir, with_pip=True)
        for packages in RENDER_PACKAGES:
            subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    return python


def render(cache: Path) -> Path:
    """Stage 1: the clips and truth in ``cache/rendered/clips`` (rendered when any is missing)."""
    clips = cache / "rendered" / "clips"
    wanted = [clips / f"{s}_{v}.avi" for s in SEQUENCES for v, _, _ in VIEWS]
    wanted += [clips / f"{s}.truth.csv" for s in SEQUENCES]
    if not all(p.exists() for p in wanted):
        env = dict(os.environ, ANNY_CACHE_DIR=str(cache / "anny-cache"))
        script = Path(__file__).with_name("render_body.py")
        subprocess.run([str(render_python(cache)), str(script), "--out", str(clips)], check=True, env=env)
    return clips


def read_truth(path: Path) -> dict[str, np.ndarray]:
    """The truth CSV as columns of floats."""
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    return {key: np.array([float(r[key]) for r in rows]) for key in rows[0]}


def truth_world(joints_npz: Path) -> np.ndarray:
    """The body model's joint centres as MediaPipe-style world landmarks (F, 33, 3), NaN elsewhere.

    Anny's frame (x left of the body, y posterior, z up) turned into
    posturecheck's world convention (y down): x stays, y = -z, z = y.
    """
    data = np.load(joints_npz)
    names = [str(n) for n in data["names"]]
    joints = data["joints"]
    rot = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])
    world = np.full((joints.shape[0], 33, 3), np.nan)
    where = {
        "shoulder_left": Landmark.LEFT_SHOULDER,
        "shoulder_right": Landmark.RIGHT_SHOULDER,
        "hip_left": Landmark.LEFT_HIP,
        "hip_right": Landmark.RIGHT_HIP,
        "knee_left": Landmark.LEFT_KNEE,
        "knee_right": Landmark.RIGHT_KNEE,
        "ankle_left": Landmark.LEFT_ANKLE,
        "ankle_right": Landmark.RIGHT_ANKLE,
    }
    for name, landmark in where.items():
        world[:, landmark] = joints[:, names.index(name)] @ rot.T
    return world


def add_thigh_truth(truth: dict[str, np.ndarray], world: np.ndarray) -> None:
    """Thigh inclination truth: posturecheck's own 3D function on the joint centres (world y down)."""
    for side in ("left", "right"):
        truth[f"thigh_inclination_{side}"] = ja.thigh_inclination_3d(world, side, 0.0)


def check_truth_conventions(truth: dict[str, np.ndarray], world: np.ndarray) -> float:
    """Largest difference, degrees, between the CSV's truth and posturecheck's own 3D functions on the joints.

    The world landmarks have y straight down, so roll 0 and pitch 0 are exact.
    """
    diffs = [np.abs(ja.trunk_inclination_3d(world, 0.0) - truth["trunk_inclination"])]
    for side in ("left", "right"):
        diffs.append(np.abs(ja.hip_flexion_3d(world, side) - truth[f"hip_flexion_{side}"]))
        diffs.append(np.abs(ja.knee_flexion_3d(world, side) - truth[f"knee_flexion_{side}"]))
    return float(np.max(np.concatenate(diffs)))


@dataclass
class Clip:
    """posturecheck's reading of one clip, aligned to the truth's frames (NaN/False where not seen)."""

    sequence: str
    view: str
    view_deg: float
    pitch_deg: float
    values: dict[str, np.ndarray]
    valid: dict[str, np.ndarray]
    off_side_deg: np.ndarray  # posturecheck's view estimate per frame
    times_s: np.ndarray
    roll_source: str  # where the analysis took the camera roll from: "given", "person" or "level"


def pelvic_proxy_series(series: PoseSeries, facing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The withdrawn pelvic-tilt proxy recomputed from the saved masks (research function), per frame.

    As the pipeline placed the silhouette levels before withdrawing it:
    mid-shoulder, mid-hip and the knee of the thigh further from the trunk
    line, in mask pixels. These are the unfiltered landmarks (the filtered
    ones the pipeline uses are not saved); the mask is the same.
    """
    n = series.n_frames
    values = np.full(n, np.nan)
    valid = np.zeros(n, bool)
    size = np.array([series.source.inference_width, series.source.inference_height], dtype=np.float64)
    xy = series.image[:, 0, :, :2].astype(np.float64) * size
    shoulder, hip = ja.mid_shoulder(xy), ja.mid_hip(xy)
    for i in range(n):
        mask = series.mask(i, 0)
        if mask is None or not mask.any() or facing[i] == 0:
            continue
        trunk = hip[i] - shoulder[i]
        knees = [xy[i, Landmark.LEFT_KNEE] - hip[i], xy[i, Landmark.RIGHT_KNEE] - hip[i]]
        angles = [
            np.degrees(np.arccos(np.clip(k @ trunk / np.linalg.norm(k) / np.linalg.norm(trunk), -1, 1)))
            for k in knees
        ]
        knee = xy[i, Landmark.LEFT_KNEE if angles[0] >= angles[1] else Landmark.RIGHT_KNEE]
        result = pelvic_tilt_proxy(mask, hip[i], knee, shoulder[i], int(facing[i]))
        values[i] = result.angle_deg
        valid[i] = result.valid
    return values, valid


def analyse(
    clips: Path, results: Path, sequence: str, view: str, view_deg: float, pitch_deg: float, n: int
) -> Clip:
    """posturecheck's analysis of one clip, cached as ``results/<clip>.measures.npz``."""
    stem = f"{sequence}_{view}"
    cached = results / f"{stem}.measures.npz"
    if not cached.exists():
        print(f"{stem}: running posturecheck's analysis", flush=True)
        options = AnalyzeOptions(out_dir=results, annotated_video=False, progress=False, masks=True)
        result = analyze_file(clips / f"{stem}.avi", options)
        table = result.tables[0]
        series = PoseSeries.load(result.landmarks_path)
        view_est = table.view
        facing = np.asarray(view_est.facing)
        arrays: dict[str, np.ndarray] = {
            "frame_index": np.asarray(table.frame_index),
            "times_s": np.asarray(table.times_s),
            "off_side_deg": np.asarray(view_est.off_side_deg),
        }
        for name, measure in table.measures.items():
            arrays[f"value:{name}"] = measure.values
            arrays[f"valid:{name}"] = measure.valid
        # the same measures with the view limits opened wide (the expected-error table's values)
        wide = compute_measures(series, 0, replace(table.options, view_limits=WIDE))
        for names in KINDS.values():
            for name in names:
                for key in (f"{name}_2d", f"{name}_3d"):
                    arrays[f"value:wide:{key}"] = wide.measures[key].values
                    arrays[f"valid:wide:{key}"] = wide.measures[key].valid
        tilt = table.camera_tilt
        arrays["roll_source"] = np.array(tilt.roll_source if tilt is not None else "level")
        proxy, proxy_valid = pelvic_proxy_series(series, facing)
        arrays["value:pelvic_tilt_proxy_research"] = proxy
        # a frame counts only where the lumbar curve (same masks, same levels) was valid too
        arrays["valid:pelvic_tilt_proxy_research"] = (
            proxy_valid & table.measures["lumbar_lordosis_index"].valid
        )
        np.savez_compressed(cached, **arrays)
    data = np.load(cached, allow_pickle=False)
    index = data["frame_index"]
    inside = (index >= 0) & (index < n)
    values, valid = {}, {}
    for key in data.files:
        if key.startswith("value:"):
            name = key[len("value:") :]
            v = np.full(n, np.nan)
            ok = np.zeros(n, bool)
            v[index[inside]] = data[key][inside]
            ok[index[inside]] = data[f"valid:{name}"][inside]
            values[name], valid[name] = v, ok & np.isfinite(v)
    off = np.full(n, np.nan)
    off[index[inside]] = data["off_side_deg"][inside]
    roll = str(data["roll_source"])
    return Clip(sequence, view, view_deg, pitch_deg, values, valid, off, np.arange(n) / 30.0, roll)


def pairs(
    clip: Clip, truth: dict[str, np.ndarray], column: str
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(product values, valid, truth) for a measure column (both sides for the per-side angles)."""
    if column in ("trunk_inclination",) or column.startswith("trunk_inclination_"):
        return [(clip.values[column], clip.valid[column], truth["trunk_inclination"])]
    out = []
    for stem, truth_stem in ANGLES:
        if column == stem or column.startswith(stem + "_"):
            suffix = column[len(stem) :]
            for side in ("left", "right"):
                name = f"{stem}_{side}{suffix}"
                out.append((clip.values[name], clip.valid[name], truth[f"{truth_stem}_{side}"]))
    return out


COLUMNS = (
    "hip_flexion",
    "hip_flexion_2d",
    "hip_flexion_3d",
    "knee_flexion",
    "knee_flexion_2d",
    "knee_flexion_3d",
    "trunk_inclination",
    "trunk_inclination_2d",
    "trunk_inclination_3d",
    "thigh_inclination",
    "thigh_inclination_2d",
    "thigh_inclination_3d",
)


def errors(
    clips: list[Clip], truths: dict[str, dict[str, np.ndarray]], column: str
) -> tuple[np.ndarray, int]:
    """Signed errors (product - truth) on the valid frames of ``clips``, and the frames looked at."""
    errs, total = [], 0
    for clip in clips:
        for value, ok, true in pairs(clip, truths[clip.sequence], column):
            errs.append((value - true)[ok])
            total += value.size
    return (np.concatenate(errs) if errs else np.empty(0)), total


def offsets(side_clips: list[Clip], truths: dict[str, dict[str, np.ndarray]]) -> dict[str, float]:
    """The constant offset per measure column: median error on the valid true-side-view frames."""
    out = {}
    for column in COLUMNS:
        e, _ = errors(side_clips, truths, column)
        out[column] = float(np.median(e)) if e.size else float("nan")
    return out


def fmt(x: float, digits: int = 1) -> str:
    """A number for a table, '-' for NaN."""
    return "-" if not np.isfinite(x) else f"{x:.{digits}f}"


def angle_table(
    clips: list[Clip], truths: dict[str, dict[str, np.ndarray]], offs: dict[str, float]
) -> list[str]:
    """Markdown: per view and measure, n valid / n, MAE raw, MAE with the offset out, share > 15 deg off."""
    lines = [
        "| view | measure | valid / frames | MAE raw | offset | MAE - offset | > 15 deg off (raw) "
        "| posturecheck's view (median) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for view, deg, pitch in VIEWS:
        in_view = [c for c in clips if c.view == view]
        est = np.nanmedian(np.concatenate([c.off_side_deg for c in in_view]))
        for column in COLUMNS:
            e, total = errors(in_view, truths, column)
            mae = float(np.mean(np.abs(e))) if e.size else float("nan")
            mae_off = float(np.mean(np.abs(e - offs[column]))) if e.size else float("nan")
            over = float(np.mean(np.abs(e) > 15)) if e.size else float("nan")
            label = f"{deg:.0f} deg" + (f", pitched {pitch:.0f} down" if pitch else "")
            lines.append(
                f"| {label} | {column} | {e.size} / {total} | {fmt(mae)} | {fmt(offs[column])} "
                f"| {fmt(mae_off)} | "
                f"{fmt(100 * over, 0)} % | {fmt(est, 0)} |"
            )
    return lines


def other_leg(clip: Clip, truth: dict[str, np.ndarray], column: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-side angle columns: signed errors on valid frames and whether each frame read the OTHER leg.

    A frame reads the other leg (a left/right label swap) where the two
    legs' true angles differ by over 20 deg and the value lies over 10 deg
    nearer the other leg's truth than its own. Other columns: none swapped.
    """
    errs, swapped = [], []
    for stem, truth_stem in ANGLES:
        if column == stem or column.startswith(stem + "_"):
            suffix = column[len(stem) :]
            for side, other in (("left", "right"), ("right", "left")):
                value = clip.values[f"{stem}_{side}{suffix}"]
                ok = clip.valid[f"{stem}_{side}{suffix}"]
                own, theirs = truth[f"{truth_stem}_{side}"], truth[f"{truth_stem}_{other}"]
                with np.errstate(invalid="ignore"):
                    swap = (np.abs(own - theirs) > 20) & (np.abs(value - theirs) + 10 < np.abs(value - own))
                errs.append((value - own)[ok])
                swapped.append(swap[ok])
    if not errs:
        for value, ok, true in pairs(clip, truth, column):
            errs.append((value - true)[ok])
            swapped.append(np.zeros(int(ok.sum()), bool))
    return np.concatenate(errs), np.concatenate(swapped)


def sequence_table(
    clips: list[Clip], truths: dict[str, dict[str, np.ndarray]], offs: dict[str, float]
) -> list[str]:
    """Markdown: the true side view per sequence and measure, with the frames that read the other leg."""
    lines = [
        "| sequence | measure | valid / frames | MAE raw | MAE - offset | > 15 deg off "
        "| valid frames reading the other leg | MAE - offset without them |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for seq in SEQUENCES:
        for column in (
            "hip_flexion",
            "hip_flexion_2d",
            "hip_flexion_3d",
            "knee_flexion",
            "trunk_inclination",
        ):
            clip = next(c for c in clips if c.view == "view00" and c.sequence == seq)
            e, swap = other_leg(clip, truths[seq], column)
            total = sum(v.size for v, _, _ in pairs(clip, truths[seq], column))
            if not e.size:
                lines.append(f"| {seq} | {column} | 0 / {total} | - | - | - | - | - |")
                continue
            kept = e[~swap] - offs[column]
            lines.append(
                f"| {seq} | {column} | {e.size} / {total} | {fmt(float(np.mean(np.abs(e))))} | "
                f"{fmt(float(np.mean(np.abs(e - offs[column]))))} "
                f"| {fmt(100 * float(np.mean(np.abs(e) > 15)), 0)} % | {int(swap.sum())} "
                f"| {fmt(float(np.mean(np.abs(kept))) if kept.size else float('nan'))} |"
            )
    return lines


def peak_table(
    clips: list[Clip], truths: dict[str, dict[str, np.ndarray]], offs: dict[str, float]
) -> list[str]:
    """Markdown: knee-raise peaks (held 0.1 s, as the product reports them) against the true peak."""
    lines = [
        "| view | leg | true peak | hip_flexion peak | error raw | error - offset "
        "| hip_flexion_3d peak | error raw |",
        "|---|---|---|---|---|---|---|---|",
    ]
    truth = truths["knee_raise"]
    for view, deg, pitch in VIEWS:
        clip = next((c for c in clips if c.view == view and c.sequence == "knee_raise"), None)
        if clip is None:
            continue
        for k, side in enumerate(("left", "right")):
            part = slice(k * KNEE_RAISE_FRAMES_PER_LEG, (k + 1) * KNEE_RAISE_FRAMES_PER_LEG)
            true_peak = float(np.max(truth[f"hip_flexion_{side}"][part]))
            cells = []
            for column in ("hip_flexion", "hip_flexion_3d"):
                name = f"hip_flexion_{side}{column[len('hip_flexion') :]}"
                peak = sustained_extreme(
                    clip.values[name][part], clip.valid[name][part], clip.times_s[part]
                ).value
                cells.append((peak, peak - true_peak, peak - true_peak - offs[column]))
            label = f"{deg:.0f}" + (f" (pitched {pitch:.0f})" if pitch else "")
            lines.append(
                f"| {label} | {side} | {true_peak:.1f} | {fmt(cells[0][0])} | {fmt(cells[0][1])} "
                f"| {fmt(cells[0][2])} | "
                f"{fmt(cells[1][0])} | {fmt(cells[1][1])} |"
            )
    return lines


def expected_error_rows(
    clips: list[Clip], truths: dict[str, dict[str, np.ndarray]], offs: dict[str, float]
) -> list[str]:
    """Markdown: error by kind, variant and posturecheck's ESTIMATED view band, view limits wide.

    The same cut as validation_multiview.py's table that
    posturecheck.measures.expected_error keeps (frames = values / measures of
    the kind; bands under MIN_FRAMES frames are printed, not kept). That
    table's reference is MediaPipe itself (triangulated), so it holds no
    offset between landmark definitions; to keep that meaning the kept
    columns here have the body model's constant offset (per measure and
    variant, :func:`offsets`) taken out. The roll column says where the
    analyses took the camera roll from (the renders are level).
    """
    lines = [
        "| kind | variant | roll source | view from side, deg | MAE raw | MAE - offset | > 15 deg (- offset) "
        "| frames |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, names in KINDS.items():
        for variant in ("2d", "3d"):
            for lo, hi in zip(VIEW_BINS[:-1], VIEW_BINS[1:], strict=True):
                raw, centred = [], []
                rolls = set()
                for clip in clips:
                    with np.errstate(invalid="ignore"):
                        keep = (clip.off_side_deg >= lo) & (clip.off_side_deg < hi)
                    for name in names:
                        key = f"wide:{name}_{variant}"
                        ok = keep & clip.valid[key]
                        if ok.any():
                            rolls.add(clip.roll_source)
                        stem = name.removesuffix("_left").removesuffix("_right")
                        e = (clip.values[key] - truths[clip.sequence][name])[ok]
                        raw.append(e)
                        centred.append(e - offs[f"{stem}_{variant}"])
                e, c = np.concatenate(raw), np.concatenate(centred)
                frames = e.size // len(names)
                if frames:
                    lines.append(
                        f"| {kind} | {variant} | {'/'.join(sorted(rolls))} "
                        f"| {lo:.0f}-{min(hi, 90):.0f} | "
                        f"{np.mean(np.abs(e)):.1f} | {np.mean(np.abs(c)):.1f} "
                        f"| {np.mean(np.abs(c) > 15):.2f} "
                        f"| {frames} |" + ("" if frames >= MIN_FRAMES else " (too few, not kept)")
                    )
    return lines


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson r, NaN with fewer than 3 points or no spread."""
    if x.size < 3 or np.std(x) == 0 or np.std(y) == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


def proxy_table(clips: list[Clip], truths: dict[str, dict[str, np.ndarray]]) -> list[str]:
    """Markdown: the proxies against their truth on the pelvic-tilt sequence, per view."""
    lines = [
        "| view | proxy | truth | valid / frames | Pearson r | slope (proxy per deg of truth) |",
        "|---|---|---|---|---|---|",
    ]
    truth = truths["tilt"]
    for view, deg, pitch in VIEWS:
        clip = next((c for c in clips if c.view == view and c.sequence == "tilt"), None)
        if clip is None:
            continue
        for proxy, true_name in (
            ("pelvic_tilt_proxy_research", "pelvic_tilt"),
            ("lumbar_lordosis_index", "lumbar_curve"),
            ("lumbar_curve_angle", "lumbar_curve"),
            ("lumbar_lordosis_index", "pelvic_tilt"),
        ):
            ok = clip.valid[proxy]
            x, y = truth[true_name][ok], clip.values[proxy][ok]
            r = pearson(x, y)
            slope = float(np.polyfit(x, y, 1)[0]) if x.size >= 3 else float("nan")
            label = f"{deg:.0f}" + (f" (pitched {pitch:.0f})" if pitch else "")
            lines.append(
                f"| {label} | {proxy} | {true_name} | {int(ok.sum())} / {ok.size} | {fmt(r, 2)} "
                f"| {fmt(slope, 2)} |"
            )
    return lines


def main() -> None:
    """Render (stage 1, once), analyse and compare (stage 2), print the tables (and write ``--markdown``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--markdown", type=Path, default=None)
    args = parser.parse_args()
    clips_dir = render(args.cache)
    results = args.cache / "rendered" / "results"
    results.mkdir(parents=True, exist_ok=True)
    truths = {s: read_truth(clips_dir / f"{s}.truth.csv") for s in SEQUENCES}
    lines = ["Truth conventions, CSV against posturecheck's own 3D functions on the joint centres:"]
    for s in SEQUENCES:
        world = truth_world(clips_dir / f"{s}.joints.npz")
        lines.append(f"- {s}: largest difference {check_truth_conventions(truths[s], world):.4f} deg")
        add_thigh_truth(truths[s], world)
    clips = [
        analyse(clips_dir, results, s, v, deg, pitch, len(truths[s]["frame"]))
        for s in SEQUENCES
        for v, deg, pitch in VIEWS
    ]
    offs = offsets([c for c in clips if c.view == "view00"], truths)
    lines += ["", "### Error by view (all three sequences, both legs)", ""] + angle_table(clips, truths, offs)
    lines += ["", "### True side view, by sequence", ""] + sequence_table(clips, truths, offs)
    lines += ["", "### Knee-raise peaks (held 0.1 s)", ""] + peak_table(clips, truths, offs)
    lines += ["", "### Proxies on the pelvic-tilt sequence", ""] + proxy_table(clips, truths)
    lines += ["", "### Expected error by kind of measure (view limits wide, by ESTIMATED view)", ""]
    lines += expected_error_rows(clips, truths, offs)
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
