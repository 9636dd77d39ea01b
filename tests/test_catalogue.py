"""The measure catalogue names every measure once; every front end takes its label and unit from it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import posturecheck
from posturecheck.measures.catalogue import (
    CATALOGUE,
    HIP_FLEXION,
    HIP_FLEXION_NEUTRAL,
    KEY_MEASURES,
    MEASURES,
    PLUMB_OFFSET_CM,
    key_figures,
    measure_label,
)
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.posture import PLUMB_LANDMARKS
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


def test_the_pipeline_runs_every_computation_the_catalogue_names() -> None:
    series = make_series([BodyPose()] * 10, Camera())
    table = compute_measures(series, 0, MeasureOptions(height_cm=170.0))
    computed = [spec.name for spec in CATALOGUE if spec.compute_2d is not None]
    assert PLUMB_OFFSET_CM.of("hip") in computed and HIP_FLEXION_NEUTRAL.of("left") not in computed
    for name in computed:
        assert {name, f"{name}_2d", f"{name}_3d"} <= set(table.measures), name


def test_a_family_names_its_members_and_refuses_other_parts() -> None:
    assert HIP_FLEXION.of("left") == "hip_flexion_left"
    assert PLUMB_OFFSET_CM.names[0] == "plumb_offset_ear_cm"
    with pytest.raises(ValueError, match="middle"):
        HIP_FLEXION.of("middle")


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
    # The side view of hip flexion carries the error measured on the rendered body (none on real footage).
    assert re.search(r"most -?\d+\.\d ± \d+ deg  \[confidence (high|low), valid in \d+%", hip)
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


def _templates() -> set[str]:
    """Every way code could spell a catalogue name: whole, or with its side or body part left open."""
    parts = ("left", "right", *PLUMB_LANDMARKS)
    forms = set()
    for name in MEASURES:
        forms |= {name, f"{name}_"}
        for part in parts:
            marker = f"_{part}"
            if marker in name:
                stem, rest = name.split(marker, 1)
                forms |= {stem, f"{stem}_", f"{stem}_{{}}{rest}"}
    return forms


def _names_a_measure(text: str, forms: set[str]) -> bool:
    """Whether a literal (an f-string: ``{}`` for its fields) is a measure's name or one of its variants."""
    statistics = ("_median", "_max", "_min", "_range")  # a key figure: a measure's statistic
    for suffix in ("", "_2d", "_3d", "_{}", "{}", *statistics):
        if suffix and not text.endswith(suffix):
            continue
        if text.removesuffix(suffix) in forms if suffix else text in forms:
            return True
    return False


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def measure_names_spelled_out(source: str, forms: set[str]) -> list[tuple[int, str]]:
    """The lines of ``source`` whose string literals or f-strings spell a measure's name."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip |= {id(value) for value in node.values}
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            text = node.value
        else:
            continue
        if _names_a_measure(str(text), forms):
            found.append((node.lineno, str(text)))
    return found


def test_the_rule_catches_names_spelled_out() -> None:
    forms = _templates()
    source = (
        'x = "hip_flexion_left"\ny = f"knee_flexion_{side}_2d"\nz = ("hip_flexion_", "plumb_offset")\n'
        'k = "hip_flexion_left_max"\n'
    )
    assert sorted(line for line, _ in measure_names_spelled_out(source, forms)) == [1, 2, 3, 3, 4]
    fine = '"""hip_flexion_left in a docstring."""\na = "peak_hip_flexion_deg"\nb = f"{name}_{method}"\n'
    assert measure_names_spelled_out(fine, forms) == []


def test_measure_names_are_spelled_out_only_in_the_catalogue() -> None:
    package = Path(posturecheck.__file__).parent
    forms = _templates()
    found = [
        f"{path.relative_to(package)}:{line}: {text!r}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "catalogue.py"
        for line, text in measure_names_spelled_out(path.read_text(encoding="utf-8"), forms)
    ]
    assert not found, "measure names outside the catalogue:\n" + "\n".join(found)
