"""A measure's compact storage gives back every frame as it was given, bit for bit (issue 9, item 5)."""

from __future__ import annotations

import numpy as np
import pytest

from posturecheck.measures.table import MIN_GAP_FRAMES, Measure

ABSENT = "no person detected"


def _person_who_leaves_and_returns(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Absent, seen, absent for longer than MIN_GAP_FRAMES, seen again, absent: values, valid, reason."""
    parts = [(5, False), (30, True), (MIN_GAP_FRAMES + 20, False), (25, True), (6, False)]
    values, valid, reason = [], [], []
    for length, seen in parts:
        values.append(rng.normal(20.0, 5.0, length) if seen else np.full(length, np.nan))
        valid.append(np.full(length, seen))
        reason.append(np.full(length, "" if seen else ABSENT, dtype=object))
    out = np.concatenate(values), np.concatenate(valid), np.concatenate(reason)
    # Seen frames that are not valid, with a reason of their own, inside the seen stretches.
    out[1][[12, 80]] = False
    out[2][[12, 80]] = "knee not visible"
    return out


def _same(a: np.ndarray, b: np.ndarray) -> None:
    """Equal to the bit for floats (NaN and the sign of zero included), else equal."""
    if a.dtype == np.float64:
        np.testing.assert_array_equal(a.view(np.int64), b.view(np.int64))
    else:
        np.testing.assert_array_equal(a, b)


def test_a_person_who_leaves_and_returns_is_read_back_frame_for_frame() -> None:
    values, valid, reason = _person_who_leaves_and_returns(np.random.default_rng(1))
    measure = Measure("hip_flexion_left", values, valid, reason, "deg", "2d")
    _same(measure.values, values)
    _same(measure.valid, valid)
    _same(measure.reason, reason)
    n = values.size
    for start, stop in [(0, n), (0, 1), (3, 40), (34, 60), (40, 90), (n - 1, n), (7, 7)]:
        got = measure.frames(start, stop)
        for array, expected in zip(got, (values, valid, reason), strict=True):
            _same(array, expected[start:stop])


def test_the_frames_while_away_are_not_stored() -> None:
    values, valid, reason = _person_who_leaves_and_returns(np.random.default_rng(2))
    measure = Measure("hip_flexion_left", values, valid, reason, "deg", "2d")
    seen = int(np.isfinite(values).sum())
    # The ends' absent frames stand for their runs; the long absence inside is left out.
    assert measure._values.size < seen + MIN_GAP_FRAMES


def test_a_padded_measure_reads_its_absent_frames_at_both_ends() -> None:
    values, valid, reason = _person_who_leaves_and_returns(np.random.default_rng(3))
    measure = Measure("knee_flexion_left", values, valid, reason, "deg", "3d").padded(11, values.size + 30)
    pad = (11, 19)
    _same(measure.values, np.pad(values, pad, constant_values=np.nan))
    _same(measure.valid, np.pad(valid, pad, constant_values=False))
    _same(measure.reason, np.pad(reason, pad, constant_values=ABSENT))
    _same(measure.frames(5, 20)[0], np.pad(values, pad, constant_values=np.nan)[5:20])


@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_a_run_equal_to_the_first_frame_but_for_the_sign_of_zero_keeps_its_sign(zero: float) -> None:
    """-0.0 == 0.0 as numbers, but a CSV writes them differently: only identical bits are left out."""
    n = 3 * MIN_GAP_FRAMES
    values = np.full(n, zero)
    values[0] = -zero
    values[-1] = 5.0
    valid = np.ones(n, bool)
    measure = Measure("trunk_inclination", values, valid, np.full(n, "", dtype=object), "deg", "2d")
    _same(measure.values, values)
    _same(measure.frames(1, n - 1)[0], values[1 : n - 1])
