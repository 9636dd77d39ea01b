"""A landmarks file is read back person by person, never as every frame of every person.

Seen before: a report (and the app's report button) on a one-hour class clip
(115 people seen one after another) read the landmarks file as one array of
every frame of every person slot, 13 GB, and measured each person over the
whole hour; the analysis itself had held 91 MiB of landmarks.
"""

from __future__ import annotations

import tracemalloc
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from posturecheck.errors import InputError
from posturecheck.landmarks import NUM_LANDMARKS
from posturecheck.measures.pipeline import MeasureOptions, compute_tracked_measures
from posturecheck.pose import people_file
from posturecheck.pose.people_file import read_people
from posturecheck.pose.series import PoseSeries, SourceInfo
from posturecheck.pose.tracking import PersonSpan, TrackedSeries, person_track, track_people
from tests.test_measure_pipeline import _assert_same, _everything, _three_in_turn


@pytest.mark.parametrize("with_masks", [False, True])
@pytest.mark.parametrize("block_bytes", [1, people_file.BLOCK_BYTES], ids=["a row at a time", "blocks"])
def test_a_landmarks_file_reads_back_as_the_people_it_was_written_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_masks: bool, block_bytes: int
) -> None:
    """Each person's rows, landmarks, masks and track, the whole series, and every measure (to the
    bit, CSV bytes included) are those of the tracked people the analysis wrote."""
    monkeypatch.setattr(people_file, "BLOCK_BYTES", block_bytes)
    tracked = track_people(_three_in_turn(200, with_masks))
    assert tracked.n_people == 3, "the test needs the three people kept apart"
    path = tracked.save(tmp_path / "clip.landmarks.npz")

    loaded = read_people(path)

    assert loaded.n_people == 3 and loaded.n_frames == 200
    assert loaded.tracks == tuple(replace(t, reidentifications=()) for t in tracked.tracks)
    for person, written in zip(loaded.people, tracked.people, strict=True):
        assert (person.start, person.n_frames) == (written.start, written.n_frames)
        np.testing.assert_array_equal(person.seen, written.seen, strict=True)
        for name in ("times_s", "frame_index", "image", "world", "visibility", "presence", "masks"):
            expected = getattr(written.own, name)
            np.testing.assert_array_equal(getattr(person.own, name), expected, err_msg=name, strict=True)
    dense = PoseSeries.load(path)
    for name in ("times_s", "frame_index", "image", "world", "visibility", "presence", "masks"):
        np.testing.assert_array_equal(getattr(loaded.series, name), getattr(dense, name), strict=True)
    assert loaded.source == dense.source
    for k in range(3):  # one person alone, as assessments read them
        for name in ("times_s", "frame_index", "image", "world", "visibility", "presence", "masks"):
            alone, expected = getattr(loaded.person(k), name), getattr(dense.person(k), name)
            np.testing.assert_array_equal(alone, expected, err_msg=name, strict=True)
    options = MeasureOptions(height_cm=175.0)
    for k in range(3):
        _assert_same(
            _everything(compute_tracked_measures(loaded, k, options), dense, tmp_path, f"read{k}"),
            _everything(compute_tracked_measures(tracked, k, options), dense, tmp_path, f"made{k}"),
        )


def _one_after_another(n_people: int, frames_each: int) -> TrackedSeries:
    """``n_people`` people seen one after another, ``frames_each`` frames each (made-up landmarks)."""
    n = n_people * frames_each
    source = SourceInfo(path="synthetic", kind="video", width=640, height=360, fps=30.0)
    rng = np.random.default_rng(7)
    clip = PoseSeries(
        times_s=np.arange(n) / 30.0,
        frame_index=np.arange(n),
        image=np.zeros((n, 0, NUM_LANDMARKS, 3), np.float32),
        world=np.zeros((n, 0, NUM_LANDMARKS, 3), np.float32),
        visibility=np.zeros((n, 0, NUM_LANDMARKS), np.float32),
        presence=np.zeros((n, 0, NUM_LANDMARKS), np.float32),
        source=source,
    )
    people, tracks = [], []
    for k in range(n_people):
        rows = np.arange(k * frames_each, (k + 1) * frames_each)
        own = replace(
            clip,
            times_s=clip.times_s[rows],
            frame_index=rows,
            image=rng.random((frames_each, 1, NUM_LANDMARKS, 3), dtype=np.float32),
            world=rng.random((frames_each, 1, NUM_LANDMARKS, 3), dtype=np.float32),
            visibility=rng.random((frames_each, 1, NUM_LANDMARKS), dtype=np.float32),
            presence=rng.random((frames_each, 1, NUM_LANDMARKS), dtype=np.float32),
        )
        people.append(PersonSpan(int(rows[0]), frames_each, rows - rows[0], own))
        tracks.append(person_track(k, rows, own))
    return TrackedSeries(clip, tuple(people), tuple(tracks), 0, 0.5)


def test_many_people_one_after_another_are_read_in_the_memory_of_their_own_frames(tmp_path: Path) -> None:
    """200 people of 15 frames each: every frame of every slot would be 634 MB of arrays, their own
    frames are 3.2 MB. Reading stays within 48 MB (the blocks are 8 MB), measured by tracemalloc,
    which counts NumPy's arrays."""
    tracked = _one_after_another(200, 15)
    path = tracked.save(tmp_path / "class.landmarks.npz")
    own_frames = sum(
        sum(a.nbytes for a in (p.own.image, p.own.world, p.own.visibility, p.own.presence))
        for p in tracked.people
    )
    every_frame = own_frames * tracked.n_people  # each person is seen in 1/200 of the frames
    assert round(own_frames / 1e5) == 32 and round(every_frame / 1e6) == 634

    tracemalloc.start()
    try:
        loaded = read_people(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 48e6, f"reading peaked at {peak / 1e6:.0f} MB"
    assert [p.seen_rows.tolist() for p in loaded.people] == [p.seen_rows.tolist() for p in tracked.people]
    np.testing.assert_array_equal(loaded.people[123].own.world, tracked.people[123].own.world, strict=True)


def test_a_file_that_is_not_a_landmarks_file_is_refused_in_words(tmp_path: Path) -> None:
    tracked = _one_after_another(3, 10)
    whole = tracked.save(tmp_path / "whole.npz").read_bytes()
    cut = tmp_path / "cut.npz"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(InputError, match=r"cut\.npz: not a posturecheck landmarks file"):
        read_people(cut)
    with pytest.raises(InputError, match=r"gone\.npz: no such file"):
        read_people(tmp_path / "gone.npz")
    short = tmp_path / "short.npz"
    with zipfile.ZipFile(tmp_path / "whole.npz") as source, zipfile.ZipFile(short, "w") as target:
        for name in source.namelist():
            if name != "world.npy":
                target.writestr(name, source.read(name))
    with pytest.raises(InputError, match=r"short\.npz: not a posturecheck landmarks file \(landmark arrays"):
        read_people(short)


@pytest.mark.slow
@pytest.mark.parametrize("assessment", ["class", "gait", "standing-side"])
def test_an_analysis_its_assessment_exports_and_report_never_make_every_frame_of_every_person(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assessment: str
) -> None:
    """The class review (the yoga teacher's long class video), the single-person assessments, the
    OpenSim and C3D exports and the report read each person over their own frames; every frame of
    every person (13 GB for an hour with 115 people) is never made. Checked on the two-person sample
    with that series made impossible."""
    from posturecheck.analyze import AnalyzeOptions, analyze_file
    from posturecheck.reports import build_report
    from tests.media import TWO_PEOPLE_CLIP

    def refused(self: TrackedSeries) -> PoseSeries:
        raise AssertionError("every frame of every person was made")

    monkeypatch.setattr(TrackedSeries, "series", property(refused))
    options = AnalyzeOptions(
        out_dir=tmp_path, num_people=4, progress=False, assessment=assessment, exports=("trc", "mot", "c3d")
    )
    result = analyze_file(TWO_PEOPLE_CLIP, options)
    assert result.assessment is not None and result.assessment.people
    assert len(result.export_paths) == 6
    files = build_report(tmp_path, client=None)
    assert files.html.is_file() and files.pdf.is_file()


def test_the_class_review_reads_a_returning_persons_speed_over_their_time_in_view_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Someone away for 22 s of a 30 s clip: their body speed (for the class review's holds) is read
    over the frames near those they are seen in, and is to the bit what every frame of the clip gives."""
    from posturecheck.assessments import class_review
    from posturecheck.assessments.steady import body_speed
    from tests.test_measure_pipeline import _walker_and_stander

    n_frames = 900
    gone = np.zeros(n_frames, bool)
    gone[120:780] = True
    tracked = track_people(_walker_and_stander(n_frames, gone, False))
    walker = next(k for k, person in enumerate(tracked.people) if person.n_frames == n_frames)
    read: list[int] = []
    original = class_review.body_speed

    def counted(series: PoseSeries, slot: int, interval_s: float | None = None) -> np.ndarray:
        read.append(series.n_frames)
        return original(series, slot, interval_s)

    monkeypatch.setattr(class_review, "body_speed", counted)
    speed = class_review._speed(tracked, walker, float(np.median(np.diff(tracked.times_s))))
    every_frame = body_speed(tracked.person(walker), 0)
    np.testing.assert_array_equal(speed, every_frame, strict=True)
    assert np.isfinite(speed).sum() > 200, "the test reads speeds"
    assert read and read[0] < n_frames - 500, f"{read[0]} frames read of {n_frames}"
