"""The assessment registry, the shape every assessment shares, and the result's JSON form."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from posturecheck.assessments import (
    SCHEMA_VERSION,
    AssessmentError,
    AssessmentResult,
    NormalRange,
    UnknownAssessmentError,
    get_assessment,
    list_assessments,
)
from posturecheck.assessments.result import EDUCATION_TOPICS, finding, status_of
from posturecheck.education.loader import TOPICS, load_note
from posturecheck.errors import PostureCheckError
from posturecheck.measures.reasons import AnalysisWarning, WarningCode
from tests.fixtures.scenes import tables_of
from tests.synthetic_skeleton import BodyPose, Camera, make_series, stack_people

NAMES = ["standing-side", "standing-front", "knee-raise", "thomas-test", "gait", "class", "free"]


def test_every_assessment_is_listed_and_found_by_name() -> None:
    assert [a.name for a in list_assessments()] == NAMES
    for name in NAMES:
        assert get_assessment(name).name == name


def test_an_unknown_name_gives_one_line_listing_the_valid_names() -> None:
    with pytest.raises(UnknownAssessmentError) as caught:
        get_assessment("thomas")
    assert isinstance(caught.value, PostureCheckError)
    message = str(caught.value)
    assert "\n" not in message and "'thomas'" in message
    assert all(name in message for name in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_each_assessment_describes_itself(name: str) -> None:
    a = get_assessment(name)
    assert a.title and a.purpose and a.view_needed and a.summary_method and a.measures_used
    assert a.instructions and all(isinstance(step, str) and step for step in a.instructions)
    assert a.input_kind in ("clip", "image", "any")
    assert (a.max_people > 1) == (name == "class")
    assert a.needs_masks == (name == "standing-side")
    assert a.education_topic in EDUCATION_TOPICS and a.education_topic in TOPICS
    for norm in a.norms:
        assert norm.what and norm.source, f"{name}: every norm names what it describes and its source"


def test_every_education_topic_of_a_result_loads() -> None:
    for topic in EDUCATION_TOPICS:
        assert load_note(topic).title


def test_status_against_numeric_and_categorical_ranges() -> None:
    band = NormalRange("x", low=10.0, high=20.0, source="s")
    assert [status_of(v, band) for v in (9.9, 10.0, 20.0, 20.1)] == ["below", "within", "within", "above"]
    assert status_of(-50.0, NormalRange("x", high=0.0, source="s")) == "within"
    assert status_of(None, band) == "unknown" and status_of(15.0, None) == "unknown"
    category = NormalRange("t", expected="negative", source="s")
    assert status_of("negative", category) == "within" and status_of("positive", category) == "outside"


def test_a_non_finite_value_becomes_none_with_no_confidence() -> None:
    item = finding("x", "x", math.nan, "deg", None, "high", 0.8)
    assert item.value is None and item.confidence == "none" and item.status == "unknown"


def test_details_are_kept_json_ready() -> None:
    details = {"a": np.float64("nan"), "b": (np.int64(3), np.array([1.5, np.inf])), "c": {1: np.bool_(True)}}
    result = AssessmentResult("free", (0,), True, "ok", details=details)
    assert result.details == {"a": None, "b": [3, [1.5, None]], "c": {"1": True}}


def _standing_result() -> AssessmentResult:
    series = make_series([BodyPose(trunk_inclination=4)] * 75, Camera(side="right"))
    return get_assessment("standing-side").run(series, tables_of(series))


def test_result_round_trips_through_json_with_its_schema_version() -> None:
    result = _standing_result()
    text = json.dumps(result.to_dict(), allow_nan=False)
    data = json.loads(text)
    assert next(iter(data)) == "schema_version" and data["schema_version"] == SCHEMA_VERSION
    assert AssessmentResult.from_dict(data) == result
    assert data["findings"][0]["normal"]["source"].startswith("Kendall")


def test_a_result_of_another_schema_version_is_refused() -> None:
    data = _standing_result().to_dict()
    data["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(AssessmentError, match="schema version"):
        AssessmentResult.from_dict(data)
    with pytest.raises(AssessmentError, match="not a valid"):
        AssessmentResult.from_dict({"schema_version": SCHEMA_VERSION, "assessment": "free"})


def test_an_unknown_education_topic_is_refused() -> None:
    with pytest.raises(ValueError, match="education topic"):
        AssessmentResult("free", (), False, "x", education_topic="yoga")


def test_a_single_person_assessment_takes_the_person_in_view_longest() -> None:
    still = make_series([BodyPose()] * 90, Camera(side="right"))
    brief = make_series([BodyPose(trunk_inclination=10)] * 90, Camera(side="right"))
    brief.image[:60, :, :, 0] = np.nan  # seen in the last second only
    brief.image[:, :, :, 0] -= 0.3  # elsewhere in the picture
    both = stack_people([brief, still])
    result = get_assessment("standing-side").run(both, tables_of(both))
    assert result.people == (1,)
    assert AnalysisWarning(WarningCode.SEVERAL_PEOPLE, {"people": 2, "person": 2}) in result.warnings
    assert abs(result.finding("trunk_inclination").value) < 0.5  # type: ignore[arg-type]


@pytest.mark.parametrize("name", NAMES)
def test_no_person_gives_a_message_not_numbers(name: str) -> None:
    series = make_series([BodyPose()] * 40, Camera())
    result = get_assessment(name).run(series, [])
    assert not result.view_ok and "no person" in result.view_message and result.findings == ()
