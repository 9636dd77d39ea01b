"""SEM, MDC95 and ICC from repeated trials: known answers and simulated noise of a known size."""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from posturecheck.measures.repeatability import ChangeVerdict, judge_change, repeatability
from posturecheck.repeatability_run import (
    TrialFigure,
    compare_trials,
    detectable_change_words,
    measurement_errors,
    repeatability_lines,
)
from posturecheck.storage import open_history
from tests.media import WALK_CLIP
from tests.test_cli_bad_input import run_cli


def test_one_subject_three_trials_by_hand() -> None:
    # Trials 30, 32, 34: within-subject SD 2 -> SEM 2, MDC95 = 1.96 * sqrt(2) * 2 = 5.54.
    result = repeatability(np.array([30.0, 32.0, 34.0]))
    assert (result.subjects, result.trials, result.mean) == (1, 3, 32.0)
    assert result.sem == pytest.approx(2.0)
    assert result.mdc95 == pytest.approx(1.959964 * math.sqrt(2) * 2.0)
    assert result.icc is None  # no between-subject spread with one person


def test_simulated_trials_give_back_the_noise_they_were_made_with() -> None:
    rng = np.random.default_rng(7)
    true_values = rng.normal(30.0, 8.0, size=(400, 1))  # people differ by SD 8
    trials = true_values + rng.normal(0.0, 2.5, size=(400, 3))  # each filming adds SD 2.5
    result = repeatability(trials)
    assert result.sem == pytest.approx(2.5, rel=0.06)
    # ICC(1,1) = 64 / (64 + 6.25) = 0.911
    assert result.icc == pytest.approx(64 / (64 + 6.25), abs=0.02)


def test_identical_trials_have_no_error_and_bad_input_is_named() -> None:
    assert repeatability(np.array([[10.0, 10.0], [20.0, 20.0]])).sem == 0.0
    with pytest.raises(ValueError, match="at least 2 trials"):
        repeatability(np.array([[10.0], [11.0]]))
    with pytest.raises(ValueError, match="finite"):
        repeatability(np.array([10.0, float("nan")]))


def test_a_change_smaller_than_the_mdc_is_within_error_a_larger_one_beyond() -> None:
    assert judge_change(20.0, 24.0, mdc=5.5) is ChangeVerdict.WITHIN_ERROR
    assert judge_change(20.0, 14.0, mdc=5.5) is ChangeVerdict.BEYOND_ERROR
    with pytest.raises(ValueError, match="positive"):
        judge_change(20.0, 24.0, mdc=0.0)


def _reframed(source: Path, target: Path, crop: float, scale: float) -> Path:
    """The clip as if filmed again: cropped by ``crop`` of each side, then scaled by ``scale``."""
    with av.open(str(source)) as clip, av.open(str(target), "w") as out:
        stream_in = clip.streams.video[0]
        stream = out.add_stream("libx264", rate=stream_in.average_rate)
        for frame in clip.decode(stream_in):
            rgb = frame.to_ndarray(format="rgb24")
            h, w = rgb.shape[:2]
            dy, dx = int(h * crop), int(w * crop)
            rgb = rgb[dy : h - dy, dx : w - dx]
            size = (int(rgb.shape[1] * scale) // 2 * 2, int(rgb.shape[0] * scale) // 2 * 2)
            rgb = np.ascontiguousarray(cv2.resize(rgb, size, interpolation=cv2.INTER_AREA))
            if not stream.codec_context.is_open:
                stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
            for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return target


@pytest.mark.slow
def test_three_filmings_of_the_walk_give_a_repeatability_card(tmp_path: Path) -> None:
    clips = [
        WALK_CLIP,
        _reframed(WALK_CLIP, tmp_path / "again.mp4", crop=0.04, scale=1.0),
        _reframed(WALK_CLIP, tmp_path / "third.mp4", crop=0.0, scale=0.8),
    ]
    done = run_cli("repeatability", *clips, "--out", tmp_path / "out", "--client", "C-1")
    assert done.returncode == 0, done.stderr
    hip = next(
        line for line in done.stdout.splitlines() if line.strip().startswith("Hip flexion, left: most")
    )
    assert re.search(r"SEM \d+\.\d deg, MDC95 \d+\.\d deg$", hip), hip
    document = json.loads((tmp_path / "out" / "repeatability.json").read_text())
    figure = next(f for f in document["figures"] if f["key"] == "hip_flexion_left_max")
    assert len(figure["values"]) == 3
    assert figure["result"]["sem"] == pytest.approx(float(np.std(figure["values"], ddof=1)))
    assert figure["result"]["mdc95"] == pytest.approx(2.7718 * figure["result"]["sem"], rel=1e-3)
    # Kept for client C-1 (new), and said in words.
    assert "kept the SEM and MDC95 of" in done.stdout and "for client C-1" in done.stdout
    mdc = figure["result"]["mdc95"]
    assert (
        f"Hip flexion, left: most — a change of more than {mdc:.1f} deg is beyond measurement error"
        in done.stdout
    )
    with open_history() as history:
        (client,) = history.clients()
        kept = {e.name: e for e in history.measurement_errors(client.id)}
    assert client.code == "C-1" and kept["hip_flexion_left_max"].mdc95 == pytest.approx(mdc)
    assert kept["hip_flexion_left_max"].assessment == "analysis" and kept["hip_flexion_left_max"].trials == 3


def test_one_clip_is_not_enough(tmp_path: Path) -> None:
    done = run_cli("repeatability", WALK_CLIP, "--out", tmp_path / "out")
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        == "error: repeatability needs the same test filmed at least twice (three is usual)"
    )


def _trials(*values: tuple[float, float]) -> list[dict[str, TrialFigure]]:
    """Trials of two figures: left hip flexion (max) and trunk lean (median), one pair of values per clip."""
    return [
        {
            "hip_flexion_left_max": TrialFigure(
                "hip_flexion_left_max", "Hip flexion, left: most", hip, "deg", "high"
            ),
            "trunk_inclination_median": TrialFigure(
                "trunk_inclination_median", "Trunk lean: median", trunk, "deg", "low"
            ),
        }
        for hip, trunk in values
    ]


def test_a_run_is_kept_for_a_client_and_says_what_change_it_can_detect() -> None:
    # Hip 30, 32, 34: SEM 2, MDC95 5.54. Trunk lean the same in every clip: no error measured.
    figures = compare_trials(_trials((30.0, 4.0), (32.0, 4.0), (34.0, 4.0)))
    hip, trunk = figures
    assert detectable_change_words(hip) == (
        "Hip flexion, left: most — a change of more than 5.5 deg is beyond measurement error; "
        "a smaller one cannot be told from it"
    )
    assert "no error could be measured" in detectable_change_words(trunk)
    assert detectable_change_words(hip) in "\n".join(repeatability_lines(figures))

    errors = measurement_errors(figures, "thomas-test", datetime.now(UTC))
    assert [(e.assessment, e.name, e.trials) for e in errors] == [("thomas-test", "hip_flexion_left_max", 3)]
    assert errors[0].mdc95 == pytest.approx(1.959964 * math.sqrt(2) * 2.0)
    with open_history() as history:
        client = history.keep_measurement_errors(errors, "C-5")
        assert client is not None
        (kept,) = history.measurement_errors(client.id)
    assert (kept.client_id, kept.sem, kept.confidence) == (client.id, pytest.approx(2.0), "high")


def test_a_bad_client_code_is_refused_before_any_clip_is_analysed(tmp_path: Path) -> None:
    done = run_cli("repeatability", tmp_path / "none.mp4", tmp_path / "none.mp4", "--client", "  ")
    assert (done.returncode, done.stderr.strip()) == (1, "error: a client needs a name or code")
    both = run_cli("repeatability", WALK_CLIP, WALK_CLIP, "--client", "C-1", "--clinic-default")
    assert both.returncode == 2 and "not allowed with argument" in both.stderr
