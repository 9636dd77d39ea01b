"""TRC, MOT and C3D exports read back by independent readers hold the CSV's values, times and names.

TRC and MOT are read by the small parsers below, which follow the rules of
OpenSim's readers (``TRCFileAdapter``: the ``PathFileType`` line, the eight
metadata keys in order, ``Frame#``/``Time`` then one label per marker,
``X1 Y1 Z1 ...``, blank lines skipped, ``3 M + 2`` cells a row; storage files:
a header closed by ``endheader``, then a ``time`` column). C3D files are read
with ezc3d and with the separate pure-Python ``c3d`` package.
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import c3d as py_c3d
import ezc3d
import numpy as np
import pytest

from posturecheck.errors import ExportError
from posturecheck.exports import EXPORT_FORMATS, parse_formats, write_exports
from posturecheck.landmarks import Landmark
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.table import write_csv
from posturecheck.pose.series import PoseSeries
from tests.media import WALK_CLIP
from tests.synthetic_skeleton import BodyPose, Camera, make_series

TRC_KEYS = [
    "DataRate",
    "CameraRate",
    "NumFrames",
    "NumMarkers",
    "Units",
    "OrigDataRate",
    "OrigDataStartFrame",
    "OrigNumFrames",
]
MARKERS = [landmark.name for landmark in Landmark]
Y_UP = np.array([1.0, -1.0, -1.0])
# Frames in which the synthetic person is not found: longer than the gap filling bridges (0.25 s).
ABSENT = slice(10, 22)
# The CSV rounds to 3 decimals (half a unit of the last one), C3D stores float32 (1e-5 deg at 100 deg).
CSV_TOLERANCE = 5e-4 + 1e-5


def read_trc(path: Path) -> dict:
    """Metadata, marker names, frame numbers, times and (F, M, 3) positions of a TRC file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:3] == ["PathFileType", "4", "(X/Y/Z)"]
    keys = [cell for cell in lines[1].split("\t") if cell]
    values = [cell for cell in lines[2].split("\t") if cell]
    assert keys == TRC_KEYS and len(values) == len(keys)
    meta = dict(zip(keys, values, strict=True))
    n_markers = int(meta["NumMarkers"])
    labels = [cell for cell in lines[3].split("\t") if cell]
    assert labels[:2] == ["Frame#", "Time"] and len(labels) == n_markers + 2
    axes = [cell for cell in lines[4].split("\t") if cell]
    assert axes == [f"{axis}{i}" for i in range(1, n_markers + 1) for axis in "XYZ"]
    rows = [line.split("\t") for line in lines[5:] if line.strip()]
    assert all(len(row) == 3 * n_markers + 2 for row in rows)
    assert len(rows) == int(meta["NumFrames"])
    data = np.array([[float(cell) for cell in row] for row in rows])
    return {
        "meta": meta,
        "names": labels[2:],
        "frames": data[:, 0].astype(int),
        "times": data[:, 1],
        "markers": data[:, 2:].reshape(len(rows), n_markers, 3),
    }


def read_mot(path: Path) -> tuple[dict[str, str], list[str], np.ndarray]:
    """Header keys, column names and (F, columns) values of an OpenSim storage file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    end = lines.index("endheader")
    header = dict(line.split("=", 1) for line in lines[1:end])
    names = lines[end + 1].split("\t")
    data = np.array([[float(cell) for cell in line.split("\t")] for line in lines[end + 2 :] if line])
    assert data.shape == (int(header["nRows"]), int(header["nColumns"]))
    return header, names, data


def read_csv(path: Path, person: int = 0) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if int(row["person"]) == person]


def csv_angle_names(rows: list[dict[str, str]], table_units: dict[str, str]) -> list[str]:
    """The CSV's measure columns in order, kept to those in degrees."""
    return [name for name in rows[0] if table_units.get(name) == "deg"]


def assert_matches_csv(names: list[str], times: np.ndarray, values: np.ndarray, rows: list[dict]) -> None:
    """Angle columns equal the CSV's where it says valid and are NaN where it says not; same times."""
    assert np.allclose(times, [float(row["time_s"]) for row in rows], atol=CSV_TOLERANCE)
    for column, name in enumerate(names):
        for frame, row in enumerate(rows):
            if row[f"{name}_valid"] == "1":
                assert values[frame, column] == pytest.approx(float(row[name]), abs=CSV_TOLERANCE), (
                    name,
                    frame,
                )
            else:
                assert math.isnan(values[frame, column]), (name, frame)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A side-view leg swing with a gap and uneven frame times, exported in every format and as CSV."""
    poses = [
        BodyPose(hip_flexion_left=40 * math.sin(i / 6), hip_flexion_right=-20 * math.sin(i / 6))
        for i in range(40)
    ]
    series = make_series(poses, Camera(yaw_deg=0), fps=30.0)  # a side view
    image, world = series.image.copy(), series.world.copy()
    image[ABSENT], world[ABSENT] = np.nan, np.nan
    times = series.times_s + np.where(np.arange(40) % 2, 0.004, 0.0)  # a variable frame rate
    series = replace(series, image=image, world=world, times_s=times)
    table = compute_measures(series, 0, MeasureOptions())
    out = tmp_path_factory.mktemp("exports")
    csv_path = write_csv([table], out / "swing.csv")
    paths = write_exports(series, [table], EXPORT_FORMATS, out, "swing")
    units = {name: measure.unit for name, measure in table.measures.items()}
    return {"series": series, "paths": paths, "rows": read_csv(csv_path), "units": units, "out": out}


def test_files_written_under_a_temporary_name_record_their_final_name(
    synthetic: dict, tmp_path: Path
) -> None:
    """An analysis writes its files under temporary names and renames them when all are complete;
    the TRC and MOT headers name the file, and named the temporary one
    (".swing.person1.incomplete-11648.trc")."""
    table = compute_measures(synthetic["series"], 0, MeasureOptions())
    paths = write_exports(
        synthetic["series"],
        [table],
        ("trc", "mot"),
        tmp_path,
        "swing",
        lambda final: final.with_name("x.tmp"),
    )
    assert [p.name for p in paths] == ["swing.person1.trc", "swing.person1.mot"]
    header = (tmp_path / "x.tmp").read_text().splitlines()[0]  # the MOT, written last
    assert header == "swing.person1.mot"
    written = write_exports(
        synthetic["series"], [table], ("trc",), tmp_path, "swing", lambda f: f.with_name("y")
    )
    assert (tmp_path / "y").read_text().splitlines()[0].endswith("\tswing.person1.trc")
    assert written[0].name == "swing.person1.trc"


def test_formats_are_a_comma_separated_list_in_any_case() -> None:
    assert parse_formats("trc") == ("trc",)
    assert parse_formats("C3D, mot,trc,mot") == ("c3d", "mot", "trc")


@pytest.mark.parametrize("text", ["csv", "trc,", "", "trc;mot"])
def test_an_unknown_format_is_named_in_the_error(text: str) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        parse_formats(text)


def test_the_cli_refuses_an_unknown_format_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "posturecheck.cli", "analyze", str(WALK_CLIP), "--export", "trc,bvh"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "unknown export format 'bvh'" in done.stderr and "Traceback" not in done.stderr
    assert not list(tmp_path.iterdir())


def test_one_file_per_person_and_format(synthetic: dict) -> None:
    assert [path.name for path in synthetic["paths"]] == [
        "swing.person1.trc",
        "swing.person1.mot",
        "swing.person1.c3d",
    ]


def test_trc_holds_the_world_landmarks_with_y_up_the_true_times_and_opensims_header(synthetic: dict) -> None:
    series: PoseSeries = synthetic["series"]
    trc = read_trc(synthetic["out"] / "swing.person1.trc")
    assert trc["names"] == MARKERS
    assert trc["meta"]["Units"] == "m" and float(trc["meta"]["DataRate"]) == 30.0
    assert list(trc["frames"]) == list(series.frame_index + 1)
    assert np.allclose(trc["times"], series.times_s, atol=1e-6)
    assert_matches_csv([], trc["times"], np.empty((len(trc["times"]), 0)), synthetic["rows"])
    present = np.ones(series.n_frames, dtype=bool)
    present[ABSENT] = False
    expected = series.world[:, 0].astype(np.float64) * Y_UP
    assert np.allclose(trc["markers"][present], expected[present], atol=2e-6)
    assert np.isnan(trc["markers"][ABSENT]).all()
    # Y up: the nose is above the ankles in every frame the person is in.
    nose, ankle = trc["markers"][present, Landmark.NOSE, 1], trc["markers"][present, Landmark.LEFT_ANKLE, 1]
    assert (nose > ankle + 1.0).all()


def test_mot_holds_the_csvs_angles_in_degrees_with_invalid_frames_as_nan(synthetic: dict) -> None:
    header, names, data = read_mot(synthetic["out"] / "swing.person1.mot")
    rows = synthetic["rows"]
    assert header["inDegrees"] == "yes"
    angles = csv_angle_names(rows, synthetic["units"])
    assert "hip_flexion_left" in angles and names == ["time", *angles]
    assert_matches_csv(angles, data[:, 0], data[:, 1:], rows)
    hip = data[:, names.index("hip_flexion_left")]
    assert np.isnan(hip[ABSENT]).all()
    # Every frame the CSV marks valid has its value (the frames beside the gap are invalid too:
    # the ends of a followed stretch are not trusted, docs/measurements.md).
    valid = np.array([row["hip_flexion_left_valid"] == "1" for row in rows])
    assert valid.sum() > 20 and np.isfinite(hip[valid]).all() and np.isnan(hip[~valid]).all()


def test_c3d_read_by_ezc3d_holds_markers_in_mm_and_the_csvs_angles(synthetic: dict) -> None:
    series: PoseSeries = synthetic["series"]
    rows = synthetic["rows"]
    angles = csv_angle_names(rows, synthetic["units"])
    read = ezc3d.c3d(str(synthetic["out"] / "swing.person1.c3d"))
    point = read["parameters"]["POINT"]
    assert list(point["LABELS"]["value"]) == MARKERS + angles
    assert point["UNITS"]["value"] == ["mm"] and point["ANGLE_UNITS"]["value"] == ["deg"]
    assert list(point["ANGLES"]["value"]) == angles
    assert point["RATE"]["value"][0] == pytest.approx(30.0)
    xyz = read["data"]["points"][:3].transpose(2, 1, 0)  # (F, points, 3)
    present = ~np.isnan(series.world[:, 0, 0, 0])
    expected_mm = series.world[:, 0].astype(np.float64) * Y_UP * 1000.0
    assert np.allclose(xyz[present, : len(MARKERS)], expected_mm[present], atol=1e-3)
    assert np.isnan(xyz[~present, : len(MARKERS)]).all()
    times = np.array([float(row["time_s"]) for row in rows])
    assert_matches_csv(angles, times, xyz[:, len(MARKERS) :, 0], rows)


@pytest.mark.filterwarnings("ignore:No analog data found")  # markers and angles only, by design
def test_c3d_read_by_the_c3d_package_marks_invalid_points_with_a_negative_residual(synthetic: dict) -> None:
    rows = synthetic["rows"]
    angles = csv_angle_names(rows, synthetic["units"])
    column = len(MARKERS) + angles.index("hip_flexion_left")
    with (synthetic["out"] / "swing.person1.c3d").open("rb") as handle:
        reader = py_c3d.Reader(handle)
        assert [label.strip() for label in reader.point_labels] == MARKERS + angles
        assert reader.point_rate == pytest.approx(30.0)
        frames = [points.copy() for _, points, _ in reader.read_frames()]
    assert len(frames) == len(rows)
    for points, row in zip(frames, rows, strict=True):
        if row["hip_flexion_left_valid"] == "1":
            assert points[column, 3] >= 0
            assert points[column, 0] == pytest.approx(float(row["hip_flexion_left"]), abs=CSV_TOLERANCE)
        else:
            assert points[column, 3] < 0


@pytest.mark.slow
def test_analyze_exports_what_its_csv_says_for_a_real_clip(tmp_path: Path) -> None:
    """``posturecheck analyze --csv --export trc,mot,c3d`` on the sample: one run, every file agrees."""
    out = tmp_path / "results"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "posturecheck.cli",
            "analyze",
            str(WALK_CLIP),
            "--out",
            str(out),
            "--csv",
            str(out / "walk.csv"),
            "--export",
            "trc,mot,c3d",
            "--no-video",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    series = PoseSeries.load(out / "walk_side.landmarks.npz")
    with (out / "walk.csv").open(encoding="utf-8", newline="") as handle:
        people = sorted({int(row["person"]) for row in csv.DictReader(handle)})
    assert people and people[0] == 0
    names = [f"walk_side.person{slot + 1}.{fmt}" for slot in people for fmt in ("trc", "mot", "c3d")]
    for name in names:
        assert f"export:    {out / name}" in done.stdout
    assert json.loads((out / "walk_side.summary.json").read_text())["outputs"]["exports"] == names
    for slot in people:
        rows = read_csv(out / "walk.csv", slot)
        _, columns, data = read_mot(out / f"walk_side.person{slot + 1}.mot")
        angles = columns[1:]
        assert "hip_flexion_left" in angles and angles == [name for name in rows[0] if name in angles]
        assert_matches_csv(angles, data[:, 0], data[:, 1:], rows)
        trc = read_trc(out / f"walk_side.person{slot + 1}.trc")
        assert np.allclose(trc["times"], series.times_s, atol=1e-6)
        seen = series.detected[:, slot]
        expected = series.world[seen, slot].astype(np.float64) * Y_UP
        assert np.allclose(trc["markers"][seen], expected, atol=2e-6)
        assert np.isnan(trc["markers"][~seen]).all()
        read = ezc3d.c3d(str(out / f"walk_side.person{slot + 1}.c3d"))
        xyz = read["data"]["points"][:3].transpose(2, 1, 0)
        assert_matches_csv(angles, data[:, 0], xyz[:, len(MARKERS) :, 0], rows)
