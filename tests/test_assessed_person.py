"""Which person an assessment grades: everyone measured, or the one asked for."""

from __future__ import annotations

import pytest

from posturecheck.analyze import assessed_tables
from posturecheck.errors import InputError
from posturecheck.measures.pipeline import MeasureOptions, compute_measures
from posturecheck.measures.table import MeasureTable
from tests.synthetic_skeleton import BodyPose, Camera, make_series, stack_people


def two_people_tables() -> list[MeasureTable]:
    one = make_series([BodyPose()] * 5, Camera())
    two = make_series([BodyPose(hip_flexion_left=30.0)] * 5, Camera(yaw_deg=10))
    series = stack_people([one, two])
    return [compute_measures(series, slot, MeasureOptions(cutoff_hz=None)) for slot in range(2)]


def test_everyone_by_default_and_one_when_asked() -> None:
    tables = two_people_tables()
    assert assessed_tables(tables, None) == tables
    assert [t.person for t in assessed_tables(tables, 2)] == [1]


def test_a_person_not_measured_is_a_clear_error() -> None:
    with pytest.raises(InputError, match=r"no person 3 in this analysis \(people measured: 1, 2\)"):
        assessed_tables(two_people_tables(), 3)
