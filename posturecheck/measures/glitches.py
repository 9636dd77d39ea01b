"""Landmarks of one tracked person not to be trusted, found before any filtering, each with a reason.

The pose model is sometimes confidently wrong for a few frames: a knee put
at the hand for three frames, a person half hidden behind another, a body
guessed from its first glimpse as it comes into view. Left in, such frames
become the "peak" of a clip. Each check below marks landmarks of frames
with a reason in words a person understands (``""`` = trusted);
:func:`reject` runs them all for one person of a series, separately for
the image landmarks (the 2D measures) and the world landmarks (the 3D
measures). The measure pipeline treats marked landmarks as missing before
gap filling and low-pass filtering, so a glitch is neither smeared into
its neighbours nor bridged into a valid value, and a measure needing a
marked landmark is invalid in that frame with the mark's reason.

The checks
----------
1. **Implausible jumps** (:func:`jump_frames`): the hip angle (thigh against
   the trunk line of the same side) and knee angle (thigh against shank),
   both sides, step away between consecutive frames faster than a joint can
   turn and by more than :data:`MIN_JUMP_DEG`, and back to where they were
   within :data:`MAX_GLITCH_S`. Marks every landmark of the frames between
   (the whole pose of those frames is in doubt).
2. **Broken proportions** (:func:`~posturecheck.measures.filtering.hampel_outliers`
   on segment lengths):
   thigh, shank and trunk (shoulder to hip) of each side, in pixels and in
   metres, against the person's own running median over
   :data:`PROPORTION_WINDOW_S` (a Hampel filter: more than
   :data:`HAMPEL_SIGMAS` robust standard deviations and more than
   :data:`PROPORTION_TOLERANCE` of the median away). Marks the segment's
   far end (knee, ankle, shoulder), so a foreshortened thigh does not
   reject the hips that frontal measures need.
3. **Another person overlapping** (:func:`overlapping_person`): the boxes
   around two people's landmarks overlap and a large joint of one lies
   inside the other's box; neither is trusted there. Boxes that only touch
   at empty corners (no joint inside the other's box) prove the bodies
   apart, and are trusted.
4. **Track edges** (:func:`track_edges`): the first and last
   :data:`TRACK_EDGE_S` of every stretch a person is followed (gaps up to
   the pipeline's ``max_gap_s`` do not end a stretch), except at the
   clip's own start and end: the model's first and last guesses of a
   body coming into or leaving the view are its worst.
5. **Frame edge** (:func:`at_frame_edge`): a landmark within
   :data:`EDGE_MARGIN` of the picture's border, where the model
   extrapolates a body cut by the edge. Landmarks beyond the border are
   reported by the pipeline's own "outside the frame" check.

Joint speed limits
------------------
Published peak joint angular velocities of fast, skilled movements: the
hip (thigh) flexes at up to several hundred degrees per second, about
1000 deg/s at most, in sprinting and kicking, and the knee extends at up to
about 1500-2400 deg/s in a soccer instep kick, the fastest knee motion
commonly measured (reviewed by Kellis and Katis, "Biomechanical
characteristics and determinants of instep soccer kick", J Sports Sci Med
2007; 6: 154-165). :data:`MAX_SPEED_DEG_S` sets the limits above those
figures (hip 1200, knee 2500 deg/s) so that no real movement is rejected;
at 30 fps that is a step of 40 deg (hip) or 83 deg (knee) in one frame.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from posturecheck.landmarks import STANCE_JOINTS, Landmark
from posturecheck.measures.extremes import frame_interval, hold_frames
from posturecheck.measures.filtering import hampel_outliers
from posturecheck.measures.geometry import angle_between
from posturecheck.measures.reasons import FRAME_EDGE as FRAME_EDGE
from posturecheck.measures.reasons import JUMP as JUMP
from posturecheck.measures.reasons import OVERLAP as OVERLAP
from posturecheck.measures.reasons import PROPORTIONS as PROPORTIONS
from posturecheck.measures.reasons import TRACK_END, TRACK_START, Invalid, reason_line
from posturecheck.measures.view import landmark_name

# The reasons' phrases (JUMP, OVERLAP, ...) and lines come from posturecheck.measures.reasons.

# Fastest a joint angle can change, deg/s (module notes: published maxima and the margin above them).
MAX_SPEED_DEG_S = {"hip": 1200.0, "knee": 2500.0}
# Smaller steps between frames are never called jumps (landmark jitter at high frame rates).
MIN_JUMP_DEG = 20.0
# Longest glitch (first to last frame), seconds: the glitches seen on the sample clips last 1-3
# frames (up to 0.1 s); a real movement out and back (a kick, a knee raise) takes 0.3 s or more.
MAX_GLITCH_S = 0.2
# A jump back ends a glitch when it lands within this share of the smaller jump of where the angle was.
RETURN_SHARE = 0.5
# Hampel filter on segment lengths: window, threshold in robust standard deviations, and the
# smallest relative departure from the running median called broken. On the sample clips a
# segment's length departs from its 1 s running median by 2-5 % (median) and 9-20 % (95th
# percentile) of it, in pixels and in metres; the glitches seen break it by 25-50 %.
PROPORTION_WINDOW_S = 1.0
HAMPEL_SIGMAS = 3.0
PROPORTION_TOLERANCE = 0.25
# Frames at each end of a followed stretch that are not trusted, seconds (at least 3 frames).
TRACK_EDGE_S = 0.1
# Fraction of the frame's width or height along its border where landmarks are not trusted.
EDGE_MARGIN = 0.01
# Smallest overlap of two people's boxes, as a share of the smaller box, that can hide one of them.
MIN_OVERLAP = 0.1

L = Landmark
# Segments checked for proportions: (name, near end, far end); the far end is marked.
SEGMENTS: tuple[tuple[str, Landmark, Landmark], ...] = (
    ("left thigh", L.LEFT_HIP, L.LEFT_KNEE),
    ("right thigh", L.RIGHT_HIP, L.RIGHT_KNEE),
    ("left shank", L.LEFT_KNEE, L.LEFT_ANKLE),
    ("right shank", L.RIGHT_KNEE, L.RIGHT_ANKLE),
    ("left trunk", L.LEFT_HIP, L.LEFT_SHOULDER),
    ("right trunk", L.RIGHT_HIP, L.RIGHT_SHOULDER),
)
# Joint angles checked for jumps: (name, kind, proximal, joint, distal).
JOINTS: tuple[tuple[str, str, Landmark, Landmark, Landmark], ...] = (
    ("left hip", "hip", L.LEFT_SHOULDER, L.LEFT_HIP, L.LEFT_KNEE),
    ("right hip", "hip", L.RIGHT_SHOULDER, L.RIGHT_HIP, L.RIGHT_KNEE),
    ("left knee", "knee", L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE),
    ("right knee", "knee", L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE),
)
_JOINT_INDEX = np.array(STANCE_JOINTS)


@dataclass(frozen=True, eq=False)
class Rejection:
    """Landmarks of one person not to be trusted.

    Attributes
    ----------
    image, world : (F, 33) object arrays of str, the reason each image
        (world) landmark is not trusted in each frame, ``""`` where it is.
    """

    image: np.ndarray
    world: np.ndarray

    def frames(self) -> np.ndarray:
        """(F,) bool, frames with any landmark rejected in either set."""
        return np.asarray(((self.image != "") | (self.world != "")).any(axis=1))


def joint_angle(points: np.ndarray, proximal: int, joint: int, distal: int) -> np.ndarray:
    """(F,) unsigned angle at ``joint`` in degrees: 0 when the three landmarks lie in a straight line.

    ``points`` (F, 33, 2 or 3): image pixels or world metres. The angle is
    between the line from ``proximal`` through ``joint`` continued, and
    ``joint`` to ``distal`` (for the hip: trunk line against thigh); NaN
    where a landmark is missing.
    """
    return angle_between(points[:, joint] - points[:, proximal], points[:, distal] - points[:, joint])


def jump_frames(
    values: np.ndarray,
    times_s: np.ndarray,
    max_speed_deg_s: float,
    min_jump_deg: float = MIN_JUMP_DEG,
    max_glitch_s: float = MAX_GLITCH_S,
) -> tuple[np.ndarray, np.ndarray]:
    """Frames of an angle series that jumped away and back faster than a joint can turn.

    Parameters
    ----------
    values : (F,) angle in degrees, NaN where unknown (skipped: steps are
        between consecutive known frames).
    times_s : (F,) strictly increasing frame times, seconds.
    max_speed_deg_s : fastest possible change, deg/s.
    min_jump_deg : smallest step that can be a jump, degrees.
    max_glitch_s : longest glitch, seconds from its first to its last frame.

    Returns
    -------
    marked : (F,) bool, frames of a glitch: a step faster than
        ``max_speed_deg_s`` and larger than ``min_jump_deg`` away, then,
        within ``max_glitch_s``, such a step back (opposite sign) to within
        :data:`RETURN_SHARE` of the smaller step of where the angle was
        before; every frame from the first step's landing to before the
        step back is marked.
    step : (F,) float, the size in degrees of the step that began each
        marked frame's glitch (NaN elsewhere).

    Notes
    -----
    A single fast step with no return is not marked: it may be a real fast
    movement measured with a frame's jitter on top, or the start of
    something longer than a glitch; only the out-and-back shape, within a
    time no real movement out and back takes, is taken as the model's error.
    """
    values = np.asarray(values, dtype=np.float64)
    times = np.asarray(times_s, dtype=np.float64)
    known = np.flatnonzero(np.isfinite(values))
    marked = np.zeros(values.shape, dtype=bool)
    step_of = np.full(values.shape, np.nan)
    if known.size < 3:
        return marked, step_of
    v, t = values[known], times[known]
    steps = np.diff(v)
    jumps = np.flatnonzero(np.abs(steps) > np.maximum(max_speed_deg_s * np.diff(t), min_jump_deg))
    for k, away in enumerate(jumps):
        if marked[known[away + 1]]:
            continue
        for back in jumps[k + 1 :]:
            if t[back] - t[away + 1] > max_glitch_s:
                break
            smaller = min(abs(steps[away]), abs(steps[back]))
            returned = abs(v[back + 1] - v[away]) <= RETURN_SHARE * smaller
            if np.sign(steps[back]) != np.sign(steps[away]) and returned:
                rows = known[away + 1 : back + 1]
                marked[rows] = True
                step_of[rows] = steps[away]
                break
    return marked, step_of


def _boxes(points: np.ndarray) -> np.ndarray:
    """(F, P, 4) boxes (x0, y0, x1, y1) around each person's finite landmarks, clipped to the frame."""
    xy = np.clip(points[..., :2], 0.0, 1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a slot without landmarks gets a NaN box
        return np.concatenate([np.nanmin(xy, axis=-2), np.nanmax(xy, axis=-2)], axis=-1)


def _inside(points: np.ndarray, box: np.ndarray) -> np.ndarray:
    """(F,) bool: any of the (F, K, 2) points lies inside the (F, 4) box."""
    with np.errstate(invalid="ignore"):
        inside = (
            (points[..., 0] >= box[:, None, 0])
            & (points[..., 0] <= box[:, None, 2])
            & (points[..., 1] >= box[:, None, 1])
            & (points[..., 1] <= box[:, None, 3])
        )
    return np.asarray(inside.any(axis=1))


def overlapping_person(image_norm: np.ndarray, detected: np.ndarray, person: int) -> np.ndarray:
    """(F,) int: the slot of another person overlapping ``person`` in each frame, -1 for none.

    Parameters
    ----------
    image_norm : (F, P, 33, 2|3) normalised image landmarks of every person slot.
    detected : (F, P) bool, the slot holds a person in the frame.
    person : the slot being checked.

    Notes
    -----
    Two people overlap when the boxes around their landmarks (clipped to the
    frame) share at least :data:`MIN_OVERLAP` of the smaller box's area and a
    large joint (shoulders, hips, knees, ankles) of either lies inside the
    other's box. When several overlap, the one sharing most area is given.
    """
    n_frames, n_people = detected.shape
    if n_people < 2:
        return np.full(n_frames, -1)
    # Every frame is judged on its own: a few thousand at a time keeps the boxes' working copies small.
    parts = [
        _overlapping(image_norm[rows], detected[rows], person)
        for rows in (slice(start, start + _OVERLAP_ROWS) for start in range(0, n_frames, _OVERLAP_ROWS))
    ]
    return np.concatenate(parts) if parts else np.full(0, -1)


# Frames of :func:`overlapping_person` judged at a time.
_OVERLAP_ROWS = 4096


def _overlapping(image_norm: np.ndarray, detected: np.ndarray, person: int) -> np.ndarray:
    """:func:`overlapping_person` of a few frames."""
    n_frames, n_people = detected.shape
    found = np.full(n_frames, -1)
    best = np.zeros(n_frames)
    boxes = _boxes(image_norm)
    joints = image_norm[:, :, _JOINT_INDEX, :2]
    mine = boxes[:, person]
    area_mine = np.prod(mine[:, 2:] - mine[:, :2], axis=-1)
    for other in range(n_people):
        if other == person:
            continue
        theirs = boxes[:, other]
        both = detected[:, person] & detected[:, other]
        low = np.maximum(mine[:, :2], theirs[:, :2])
        high = np.minimum(mine[:, 2:], theirs[:, 2:])
        inter = np.prod(np.clip(high - low, 0.0, None), axis=-1)
        smaller = np.minimum(area_mine, np.prod(theirs[:, 2:] - theirs[:, :2], axis=-1))
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(smaller > 0, inter / np.where(smaller > 0, smaller, 1.0), 0.0)
        entangled = _inside(joints[:, person], theirs) | _inside(joints[:, other], mine)
        hit = both & (np.nan_to_num(share) >= MIN_OVERLAP) & entangled & (share > best)
        found = np.where(hit, other, found)
        best = np.where(hit, share, best)
    return found


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` of every run of True in a 1-D bool array."""
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def track_edges(
    detected: np.ndarray, times_s: np.ndarray, max_gap_s: float, edge_s: float = TRACK_EDGE_S
) -> np.ndarray:
    """(F,) object array: :data:`TRACK_START` / :data:`TRACK_END` at each followed stretch's ends, else "".

    Parameters
    ----------
    detected : (F,) bool, the person is detected in the frame.
    times_s : (F,) frame times, seconds.
    max_gap_s : a gap up to this long (seconds between the detections
        bounding it) does not end a stretch.
    edge_s : how much of each end is marked, seconds, and at least 3 frames
        (:func:`~posturecheck.measures.extremes.hold_frames`).

    A stretch beginning at the clip's first frame or ending at its last is
    not marked at that end: the person did not come or go there.
    """
    times = np.asarray(times_s, dtype=np.float64)
    out = np.full(detected.shape, "", dtype=object)
    n = hold_frames(frame_interval(times), edge_s)
    stretches: list[list[int]] = []
    for start, stop in _runs(np.asarray(detected, dtype=bool)):
        if stretches and times[start] - times[stretches[-1][1] - 1] <= max_gap_s + 1e-9:
            stretches[-1][1] = stop
        else:
            stretches.append([start, stop])
    for start, stop in stretches:
        seen = np.flatnonzero(detected[start:stop]) + start
        if stop < detected.size:
            out[seen[-n:]] = TRACK_END
        if start > 0:
            out[seen[:n]] = TRACK_START
    return out


def at_frame_edge(image_norm: np.ndarray, margin: float = EDGE_MARGIN) -> np.ndarray:
    """(F, 33) bool: landmark inside the frame but within ``margin`` (share of width/height) of the border."""
    xy = image_norm[..., :2]
    with np.errstate(invalid="ignore"):
        inside = np.all((xy >= 0.0) & (xy <= 1.0), axis=-1)
        near = np.any((xy < margin) | (xy > 1.0 - margin), axis=-1)
    return np.asarray(inside & near)


def judging_margin_s(interval_s: float, max_gap_s: float) -> float:
    """How much of the series on each side of a frame :func:`reject` must see to judge it, seconds.

    :func:`reject` judges a frame from its neighbours: a jump needs the
    frame before the glitch and the one after its return (up to
    :data:`MAX_GLITCH_S` away, plus a frame), the proportion check a full
    centred window (:data:`PROPORTION_WINDOW_S` / 2 each side) and the
    track-edge check the stretch's end and the gap after it (the edge,
    :data:`TRACK_EDGE_S` but at least 3 frames, plus ``max_gap_s``). Run on
    a stream (the live views), a frame judged once this much of the stream
    exists on each side of it gets the marks the whole clip would give it.

    Parameters
    ----------
    interval_s : frame interval, seconds.
    max_gap_s : longest gap that does not end a followed stretch, seconds (as given to :func:`reject`).
    """
    edge_s = hold_frames(interval_s, TRACK_EDGE_S) * interval_s
    return max(PROPORTION_WINDOW_S / 2, MAX_GLITCH_S, edge_s + max_gap_s) + 2 * interval_s


def _mark_frame(reason: np.ndarray, row: int, text: str) -> None:
    """Write ``text`` into every landmark of frame ``row`` that has no reason yet."""
    landmarks = reason[row]
    landmarks[landmarks == ""] = text


def _mark_landmark(reason: np.ndarray, row: int, column: int, text: str) -> None:
    """Write ``text`` into one landmark of frame ``row`` unless it has a reason already."""
    if reason[row, column] == "":
        reason[row, column] = text


def _check_points(reason: np.ndarray, points: np.ndarray, times_s: np.ndarray, unit: str) -> None:
    """Jumps and broken proportions of one landmark set, marked into ``reason`` (F, 33)."""
    for name, kind, proximal, joint, distal in JOINTS:
        angle = joint_angle(points, proximal, joint, distal)
        marked, step = jump_frames(angle, times_s, MAX_SPEED_DEG_S[kind])
        for row in np.flatnonzero(marked):
            text = reason_line(Invalid.GLITCH_JUMP, joint=name, step_deg=abs(step[row]))
            _mark_frame(reason, int(row), text)
    for name, near, far in SEGMENTS:
        length = np.linalg.norm(points[:, far] - points[:, near], axis=-1)
        outlier, ratio = hampel_outliers(
            length, times_s, PROPORTION_WINDOW_S, HAMPEL_SIGMAS, PROPORTION_TOLERANCE
        )
        for row in np.flatnonzero(outlier):
            text = reason_line(Invalid.GLITCH_PROPORTIONS, segment=name, ratio=ratio[row], space=unit)
            _mark_landmark(reason, int(row), int(far), text)


def reject(
    image_norm: np.ndarray,
    own_norm: np.ndarray,
    image_px: np.ndarray,
    world: np.ndarray,
    detected: np.ndarray,
    times_s: np.ndarray | None,
    person: int,
    max_gap_s: float,
    slots: np.ndarray | None = None,
) -> Rejection:
    """Every check of the module notes for one person of a series.

    Parameters
    ----------
    image_norm : (F, P, 33, 2|3) normalised image landmarks of every person
        slot as the model gave them (for the overlap check).
    own_norm : (F, 33, 2|3) the person's normalised image landmarks, NaN
        where not visible (for the frame edge).
    image_px : (F, 33, 2) the person's image landmarks in pixels, NaN where
        not visible (jumps and proportions).
    world : (F, 33, 3) the person's world landmarks, metres, NaN where not visible.
    detected : (F, P) bool, each slot holds a person in the frame.
    times_s : (F,) strictly increasing frame times, seconds; None for
        stills, which get only the overlap and frame-edge checks.
    person : the slot checked.
    max_gap_s : longest gap that does not end a followed stretch, seconds.
    slots : (P,) int, the person slot each of ``image_norm``'s persons is
        known by, as the overlap reason names it (default: its index; a
        person measured with only the people in view around them, each
        keeps their own number).

    Returns
    -------
    Rejection
        Reasons per frame and landmark; a landmark with several gets the
        first found in the order: overlap, track edge, jump, proportions,
        frame edge.
    """
    n_frames = image_px.shape[0]
    shared = np.full((n_frames, image_px.shape[1]), "", dtype=object)
    other = overlapping_person(image_norm, detected, person)
    numbers = np.arange(detected.shape[1]) if slots is None else np.asarray(slots)
    for row in np.flatnonzero(other >= 0):
        _mark_frame(shared, int(row), reason_line(Invalid.OVERLAP, other=int(numbers[other[row]]) + 1))
    if times_s is not None:
        edges = track_edges(detected[:, person], times_s, max_gap_s)
        for row in np.flatnonzero(edges != ""):
            _mark_frame(shared, int(row), str(edges[row]))
    image, world_reason = shared.copy(), shared.copy()
    if times_s is not None:
        _check_points(image, image_px, times_s, "in the picture")
        _check_points(world_reason, world, times_s, "in 3D")
    edge = at_frame_edge(own_norm)
    for row, column in zip(*np.nonzero(edge), strict=True):
        for reason in (image, world_reason):
            text = reason_line(Invalid.FRAME_EDGE, landmark=landmark_name(int(column)))
            _mark_landmark(reason, int(row), int(column), text)
    return Rejection(image=image, world=world_reason)
