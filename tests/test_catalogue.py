"""The measure catalogue names every measure once; every front end takes its label and unit from it."""

from __future__ import annotations

import re

import pytest

from posturecheck.measures.catalogue import CATALOGUE, KEY_MEASURES, MEASURES, key_figures, measure_label
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.summary import summarize_table
from posturecheck.reports.key_figures import measure_tables
from posturecheck.storage.history_entry import key_measures
from posturecheck.summary_schema import AnalysisSummary
from tests.media import WALK_CLIP
from tests.synthetic_skeleton import BodyPose, Camera, make_series
from tests.test_cli_bad_input import run_cli


def test_names_and_labels_are_unique() -> None:
    names = [spec.name for spec in CATALOGUE]
    labels = [spec.label for spec in CATALOGUE]
    assert len(set(names)) == len(names)
    assert len(set(labels)) == len(labels)


def test_every_measure_the_pipeline_computes_is_in_the_catalogue_with_its_unit() -> None:
    series = make_series([BodyPose(ear_shoulder_deg=60.0)] * 10, Camera())
    table = compute_measures(series, 0, MeasureOptions(height_cm=170.0))
    for name, measure in table.measures.items():
        name = name.removesuffix("_2d").removesuffix("_3d")  # the variants of a plain name
        assert name in MEASURES, name
        assert MEASURES[name].unit == measure.unit, name


def test_the_summary_carries_the_key_measures_in_catalogue_order() -> None:
    series = make_series([BodyPose()] * 10, Camera())
    summary = summarize_table(compute_measures(series, 0, MeasureOptions()))
    assert tuple(summary.measures) == tuple(n for n in KEY_MEASURES if n in summary.measures)
    assert "plumb_offset_hip_cm" not in KEY_MEASURES


def test_labels_read_as_people_say_them() -> None:
    assert measure_label("hip_flexion_left") == "Hip flexion, left"
    assert measure_label("trunk_inclination") == "Trunk inclination"
    # A name outside the catalogue (an assessment's own finding) is spelled out from its parts.
    assert measure_label("stride_hip_extension_right") == "Stride hip extension, right"


@pytest.mark.slow
def test_analyze_prints_the_headline_figures_before_the_files(tmp_path) -> None:
    done = run_cli("analyze", WALK_CLIP, "--out", tmp_path / "out", "--no-video")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "person 1 (side view):"
    hip = next(line for line in lines if line.strip().startswith("Hip flexion, left"))
    # No error was measured on real footage for a side view of hip flexion: the line says so.
    assert re.search(
        r"most -?\d+\.\d deg \(no uncertainty recorded\)  \[confidence (high|low), valid in \d+%",
        hip,
    )
    # With the camera roll unknown, thigh inclination carries the least error measured without it.
    thigh = next(line for line in lines if line.strip().startswith("Thigh inclination, left"))
    assert re.search(r"most -?\d+\.\d ± \d+ deg  \[confidence", thigh)
    assert "not measurable in this footage: Pelvic obliquity" in done.stdout
    assert lines.index(hip) < next(i for i, line in enumerate(lines) if line.startswith("landmarks:"))
    quiet = run_cli("analyze", WALK_CLIP, "--out", tmp_path / "quiet", "--no-video", "--quiet")
    assert quiet.returncode == 0 and "Hip flexion" not in quiet.stdout and "landmarks:" in quiet.stdout


def test_a_withdrawn_figure_from_an_old_result_is_shown_nowhere() -> None:
    # A result folder from before the pelvic-tilt proxy was withdrawn still carries its number.
    figure = {
        "unit": "deg",
        "method": "silhouette",
        "confidence": "high",
        "median": 12.0,
        "max": 14.0,
        "min": 9.0,
        "range": 5.0,
        "fraction_valid": 1.0,
        "fraction_valid_in_view": 1.0,
    }
    person = {"person": 1, "measures": {"trunk_inclination": figure, "pelvic_tilt_proxy": figure}}
    assert list(key_figures(person["measures"])) == ["trunk_inclination"]
    summary = AnalysisSummary.from_dict({"measures": [person]})
    kept = key_measures(summary, 1)
    assert {m.name.rsplit("_", 1)[0] for m in kept} == {"trunk_inclination"}
    (table,) = measure_tables(summary, "Figures")
    assert "Pelvic tilt" not in str(table)
