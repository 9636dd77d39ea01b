"""The 95 % interval of a key figure: known answers for the measurement and spread terms."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posturecheck.app.cards import interval_words, value_with_interval
from posturecheck.app.findings import finding_shown
from posturecheck.assessments import get_assessment
from posturecheck.assessments.result import AssessmentResult, finding
from posturecheck.cli_figures import headline_lines
from posturecheck.measures.expected_error import BANDS, ErrorBand, expected_error
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.summary import summarize_table
from posturecheck.measures.uncertainty import Interval95, interval_95
from posturecheck.reports.key_figures import findings_table, measure_tables
from posturecheck.summary_schema import AnalysisSummary
from tests.fixtures.scenes import knee_raise_poses, tables_of
from tests.synthetic_skeleton import BodyPose, Camera, make_series
from tests.test_summary import stepping_series

# Worked by hand: a normal error with mean absolute value 1 has SD sqrt(pi/2) = 1.253314;
# its 95 % half-width is 1.959964 x 1.253314 = 2.456431.
HALF_WIDTH_PER_MAE = 2.456431
# Student's t, 0.975 quantile (printed tables): 1 and 3 degrees of freedom.
T_1, T_3 = 12.706205, 3.182446


def band(mae_deg: float) -> ErrorBand:
    return ErrorBand("frontal", "2d", True, 75.0, 90.0, mae_deg, 0.02, 123)


def test_measurement_term_alone_is_the_normal_95_percent_half_width_of_the_mae() -> None:
    interval = interval_95(band(10.0))
    assert interval is not None
    assert interval.half_width_deg == pytest.approx(10.0 * HALF_WIDTH_PER_MAE, abs=0.01)
    assert (interval.expected_error_deg, interval.spread_deg, interval.n) == (10.0, None, None)
    assert "75-90 deg from a side view" in interval.basis and "123 frames" in interval.basis


def test_spread_between_strides_adds_in_quadrature_with_a_t_quantile() -> None:
    # Four strides 10, 12, 14, 16: s = sqrt(20 / 3) = 2.581989, standard error s / 2 = 1.290994.
    interval = interval_95(band(5.0), [10.0, 12.0, 14.0, 16.0], "strides")
    assert interval is not None and interval.n == 4
    assert interval.spread_deg == pytest.approx(1.290994, abs=1e-3)
    expected = math.hypot(5.0 * HALF_WIDTH_PER_MAE, T_3 * 1.290994)
    assert interval.half_width_deg == pytest.approx(expected, abs=0.01)
    assert "4 strides" in interval.basis
    # Two strides: the t quantile is 12.7, not 1.96, so a spread of 2 deg weighs heavily.
    two = interval_95(band(1.0), [20.0, 22.0], "strides")
    assert two is not None
    assert two.half_width_deg == pytest.approx(math.hypot(HALF_WIDTH_PER_MAE, T_1 * 1.0), abs=0.01)


def test_one_repetition_has_no_spread_term_and_no_measured_error_gives_no_interval() -> None:
    one = interval_95(band(4.0), [31.0], "raises")
    assert one is not None and one.n == 1 and one.spread_deg is None
    assert one.half_width_deg == pytest.approx(4.0 * HALF_WIDTH_PER_MAE, abs=0.01)
    # The spread alone is never shown as the whole uncertainty.
    assert interval_95(None, [10.0, 12.0, 14.0, 16.0], "strides") is None
    assert interval_95(None) is None


def test_the_interval_round_trips_through_its_json_form() -> None:
    interval = interval_95(band(5.0), [10.0, 12.0, 14.0])
    assert interval is not None
    assert Interval95.from_dict(interval.to_dict()) == interval
    assert Interval95.from_dict(None) is None


def test_the_normal_reading_of_the_table_roughly_matches_its_share_over_15_deg() -> None:
    # The conversion assumes a normal error; the table's share over 15 deg checks it (module notes).
    from scipy.stats import norm

    predicted = np.array([2 * norm.sf(15.0 / (b.mae_deg * math.sqrt(math.pi / 2))) for b in BANDS])
    measured = np.array([b.over15 for b in BANDS])
    assert abs(float(np.mean(predicted - measured))) < 0.05
    assert float(np.mean(np.abs(predicted - measured))) < 0.1


def test_the_summary_carries_the_interval_where_an_error_was_measured_and_none_elsewhere() -> None:
    series, _ = stepping_series()
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    figures = summarize_table(table, series.detected[:, 0], roll_known=False).to_dict()["measures"]
    trunk = figures["trunk_inclination"]
    # Side view, roll unknown: 2D trunk inclination takes the least error measured with the roll unknown.
    band_used = expected_error("trunk_inclination", "2d", 0.0, roll_known=False)
    assert band_used is not None and trunk["expected_error_deg"] == band_used.mae_deg == 12.9
    assert trunk["interval_95"]["half_width_deg"] == pytest.approx(12.9 * HALF_WIDTH_PER_MAE, abs=0.01)
    assert trunk["interval_95"]["spread_deg"] is None and trunk["interval_95"]["n"] is None
    # A side view of hip flexion: the rendered body's error (no real footage has a side view),
    # named as such; none for a measure in %.
    hip = figures["hip_flexion_left"]["interval_95"]
    assert hip is not None and "rendered body" in hip["basis"] and "real" not in hip["basis"]
    assert figures["plumb_offset_hip"]["interval_95"] is None


def test_a_front_view_finding_carries_its_interval_and_a_side_view_mean_its_spread_too() -> None:
    front = get_assessment("standing-front")
    series = make_series([BodyPose(pelvic_obliquity=4)] * 90, Camera(yaw_deg=90), noise_frac=0.0005)
    tables = tables_of(series)
    result = front.run(series, tables)
    pelvis = result.finding("pelvic_obliquity")
    assert pelvis.interval_95 is not None and pelvis.interval_95.n is None  # a median, not a mean
    tilt = tables[0].camera_tilt
    assert tilt is not None
    band_used = expected_error("pelvic_obliquity", "2d", 90.0, roll_known=tilt.roll_source == "given")
    assert band_used is not None and pelvis.interval_95.expected_error_deg == band_used.mae_deg
    assert pelvis.interval_95.half_width_deg == pytest.approx(
        band_used.mae_deg * HALF_WIDTH_PER_MAE, abs=0.01
    )
    assert AssessmentResult.from_dict(result.to_dict()) == result
    # Knee raises filmed from the side: a mean of three raises, the rendered body's side-view error
    # for knee raises combined with the spread between the raises.
    raises = [("left", 100.0), ("left", 95.0), ("left", 100.0), ("right", 90.0), ("right", 85.0)]
    side = make_series(knee_raise_poses(raises), Camera(side="left"), noise_frac=0.0005)
    graded = get_assessment("knee-raise").run(side, tables_of(side))
    mean = graded.finding("mean_hip_flexion_left")
    assert isinstance(mean.value, float) and mean.interval_95 is not None and mean.interval_95.n == 3
    assert "rendered body with known angles during knee raises" in mean.interval_95.basis
    # A side-view knee raise has its own, larger error (MediaPipe reads the near leg's raise low, a
    # raise 15 deg off side is refused): never "high".
    assert mean.interval_95.expected_error_deg == 26.6 and mean.confidence == "low"
    assert graded.finding("best_hip_flexion_left").confidence == "low"


def test_the_cli_prints_the_interval_or_says_there_is_none() -> None:
    series, _ = stepping_series()
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    person = summarize_table(table, series.detected[:, 0], roll_known=False)
    text = "\n".join(headline_lines(AnalysisSummary.from_dict({"measures": [person.to_dict()]})))
    trunk = next(line for line in text.splitlines() if line.strip().startswith("Trunk inclination"))
    median = person.measures["trunk_inclination"].median
    # 12.9 deg MAE: 1.96 x 1.2533 x 12.9 = 31.7, shown in whole degrees.
    assert f"median {median:.1f} ± 32 deg  [confidence low" in trunk
    ear = next(line for line in text.splitlines() if line.strip().startswith("Plumb-line offset, ear"))
    assert "% (no uncertainty recorded)  [confidence low" in ear and "±" not in ear
    assert text.splitlines()[-1].startswith("± is a 95 % interval")


def test_app_cards_and_report_tables_show_the_interval_or_say_there_is_none() -> None:
    series, _ = stepping_series()
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None))
    person = summarize_table(table, series.detected[:, 0], roll_known=False)
    trunk, ear = person.measures["trunk_inclination"], person.measures["plumb_offset_ear"]
    shown = value_with_interval(trunk.median, "deg", trunk.interval_95)
    assert shown == f"{trunk.median:.1f} ± 32°"
    assert (
        ear.median is not None
        and value_with_interval(ear.median, "%", ear.interval_95) == f"{ear.median:.1f}%"
    )
    assert interval_words(ear.interval_95) == "no uncertainty recorded"
    assert interval_words(trunk.interval_95).startswith("± is a 95 % interval: error measured")
    (report,) = measure_tables(AnalysisSummary.from_dict({"measures": [person.to_dict()]}), "Figures")
    cells = {row[0]: row[report.columns.index("± 95 %")] for row in report.rows}
    assert (
        cells["Trunk inclination"] == "± 32°" and cells["Plumb-line offset, ear"] == "no uncertainty recorded"
    )
    assert cells["Pelvic obliquity"] == "–"  # no value, nothing to be unsure of
    measured = interval_95(band(5.8))
    pelvis = finding("pelvic_obliquity", "pelvis", 4.0, "deg", None, "high", 1.0, interval=measured)
    graded = AssessmentResult("standing-front", (0,), True, "front view", findings=(pelvis,))
    (row,) = findings_table(graded, "Key figures").rows
    assert row[2] == "± 14°" and finding_shown(pelvis) == "4.0 ± 14°"  # 2.4564 x 5.8 = 14.2
