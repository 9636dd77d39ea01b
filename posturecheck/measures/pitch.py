"""Camera pitch and roll from the person's own upright axis, and which values to correct with.

Convention
----------
Camera **pitch** ``p`` (degrees) is + when the camera is tilted down (looking
down at the person, as from a tripod above hip height), - when tilted up.
Roll ``r`` follows :mod:`posturecheck.measures.geometry`. In world-landmark
coordinates (x right, y down, z away from the camera) the true up is then
``(-sin r cos p, -cos r cos p, -sin p)`` (:func:`camera_up`): a camera
looking down sees the top of an upright person tilted toward it.

The person's upright axis
-------------------------
In frames where the body is straight (:func:`upright_frames`: both knees
within :data:`UPRIGHT_KNEE_DEG` of straight and the mean of the two hip
angles within :data:`UPRIGHT_HIP_DEG` of the trunk line, both gravity-free;
the axis within :data:`MAX_TILT_DEG` of the camera's vertical), the line from
mid-ankle (27/28) up to mid-ear (7/8) is taken as vertical: in standing the
ear sits over the ankle within about 2 deg (Kendall's plumb line), and over
a gait cycle the two ankles straddle the hips. On the bundled walking clip
(level camera) the median image lean of this axis is 0.8 deg; synthetic
walkers with an unusual gait (thighs 10 deg forward on average, or the
shoulders set back) lean it by 5-8 deg, hence the deadbands below.

* **roll**: the median lean of that axis in the image, in pixels, so it is
  the vertical where the person is (converging verticals included).
* **pitch**: the median tilt of that axis toward the camera in world
  landmarks (medians, so a minority of leaning frames does not move them); their
  depth is MediaPipe's estimate, which read 6 deg on the level-looking
  walking clip, hence the larger :data:`PITCH_DEADBAND_DEG`.

The estimate is **confident** when it rests on at least :data:`MIN_UPRIGHT_S`
of upright frames (one frame for stills) whose axes agree within
:data:`MAX_SPREAD_DEG` (median angle of the world axes from the up of the
estimate).

What is used (:func:`decide_tilt`)
----------------------------------
A value given (``--roll``/``--pitch``, or a roll estimated from the scene's
vertical edges) wins. Otherwise a confident person estimate beyond its
deadband (:data:`ROLL_DEADBAND_DEG`, :data:`PITCH_DEADBAND_DEG`, both 10 deg)
is used; inside the deadband the person's own lean cannot be told from the
camera's, so the camera is taken as level (smaller tilts stay uncorrected,
as before this estimate existed). An estimate beyond the deadband that is not
confident, but whose frames still agree within :data:`SUGGEST_SPREAD_DEG`,
makes the measures that need it invalid, with the reason (the footage
suggests a large tilt that cannot be corrected). Frames that disagree more
show the person moving, not the camera: then the camera is taken as level.
Checked on two lab recordings: pose2sim's Demo_MultiPerson cam04 (roll 26
deg by its calibration; 0.5 s of upright frames, spread 10 deg, estimate 26
deg: flagged) and ``samples/kick_front_portrait.mp4`` (walls plumb; a kicking
person leaning sideways, spread 14 deg, estimate -17 deg: not flagged).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posturecheck.landmarks import Landmark
from posturecheck.measures.geometry import midpoint, unit
from posturecheck.measures.reasons import Invalid, reason_line

UPRIGHT_KNEE_DEG = 35.0
UPRIGHT_HIP_DEG = 25.0
MAX_TILT_DEG = 45.0
MIN_UPRIGHT_S = 1.0
MAX_SPREAD_DEG = 6.0
ROLL_DEADBAND_DEG = 10.0
SUGGEST_SPREAD_DEG = 12.0
PITCH_DEADBAND_DEG = 10.0


@dataclass(frozen=True)
class PersonTilt:
    """Camera pitch and roll read from the person's upright axis (module notes).

    Attributes
    ----------
    pitch_deg, roll_deg : the estimates, degrees; None with no upright frame.
    n_frames : upright frames they rest on.
    spread_deg : median angle of the frames' world axes from the estimated up, degrees.
    confident : see the module notes.
    reason : one line saying what they rest on.
    """

    pitch_deg: float | None
    roll_deg: float | None
    n_frames: int
    spread_deg: float
    confident: bool
    reason: str


@dataclass(frozen=True)
class TiltUsed:
    """The camera pitch and roll the measures use, where each came from, and what cannot be corrected.

    Attributes
    ----------
    roll_deg, pitch_deg : the values used (0 when taken as level).
    roll_source, pitch_source : "given", "person" (the upright axis) or "level".
    roll_unknown, pitch_unknown : "" or the reason the tilt is unknown while
        the footage suggests it is large (measures needing it are invalid).
    person : the person estimate.
    """

    roll_deg: float
    pitch_deg: float
    roll_source: str
    pitch_source: str
    roll_unknown: str
    pitch_unknown: str
    person: PersonTilt

    def to_dict(self) -> dict:
        """JSON-ready form."""
        person = self.person
        return {
            "roll_deg": round(self.roll_deg, 2),
            "roll_source": self.roll_source,
            "roll_unknown": self.roll_unknown,
            "pitch_deg": round(self.pitch_deg, 2),
            "pitch_source": self.pitch_source,
            "pitch_unknown": self.pitch_unknown,
            "person_axis": {
                "roll_deg": None if person.roll_deg is None else round(person.roll_deg, 2),
                "pitch_deg": None if person.pitch_deg is None else round(person.pitch_deg, 2),
                "n_frames": person.n_frames,
                "spread_deg": round(person.spread_deg, 2) if np.isfinite(person.spread_deg) else None,
                "confident": person.confident,
                "reason": person.reason,
            },
        }


def camera_up(camera_roll_deg: float, camera_pitch_deg: float) -> np.ndarray:
    """True up as a unit vector in world-landmark coordinates, rolled and pitched camera (module notes)."""
    r, p = np.radians(camera_roll_deg), np.radians(camera_pitch_deg)
    return np.array([-np.sin(r) * np.cos(p), -np.cos(r) * np.cos(p), -np.sin(p)])


def levelled_world(world: np.ndarray, camera_roll_deg: float, camera_pitch_deg: float) -> np.ndarray:
    """World landmarks turned so that the camera's pitch is undone and only its roll is left.

    The rotation turns :func:`camera_up` ``(r, p)`` onto ``camera_up(r, 0)``
    about the camera's rolled horizontal axis ``(cos r, -sin r, 0)``: the
    inverse of tilting a rolled camera down by ``p``. Angles between body
    segments do not change; gravity-referenced 3D measures then need only
    the roll. ``world`` is (..., 3), metres.
    """
    if camera_pitch_deg == 0.0:
        return world
    r, p = np.radians(camera_roll_deg), np.radians(camera_pitch_deg)
    axis = np.array([np.cos(r), -np.sin(r), 0.0])
    # Rodrigues rotation by -p about the axis (the pitch turns up toward -z about +axis).
    k = np.array([[0.0, -axis[2], axis[1]], [axis[2], 0.0, -axis[0]], [-axis[1], axis[0], 0.0]])
    rotation = np.eye(3) + np.sin(-p) * k + (1 - np.cos(-p)) * (k @ k)
    return world @ rotation.T


def upright_frames(
    hip_flexion: tuple[np.ndarray, np.ndarray], knee_flexion: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """(F,) bool: frames with the body straight (module notes), from gravity-free hip and knee angles."""
    with np.errstate(invalid="ignore"):
        hips = np.abs(0.5 * (hip_flexion[0] + hip_flexion[1])) <= UPRIGHT_HIP_DEG
        knees = (np.abs(knee_flexion[0]) <= UPRIGHT_KNEE_DEG) & (np.abs(knee_flexion[1]) <= UPRIGHT_KNEE_DEG)
    return np.asarray(hips & knees)


def _axis(points: np.ndarray) -> np.ndarray:
    """Mid-ankle -> mid-ear vectors, (F, D)."""
    ear = midpoint(points[:, Landmark.LEFT_EAR], points[:, Landmark.RIGHT_EAR])
    ankle = midpoint(points[:, Landmark.LEFT_ANKLE], points[:, Landmark.RIGHT_ANKLE])
    return ear - ankle


def person_tilt(
    image_px: np.ndarray, world: np.ndarray, upright: np.ndarray, times_s: np.ndarray
) -> PersonTilt:
    """Camera pitch and roll from the person's upright axis (module notes).

    Parameters
    ----------
    image_px : (F, 33, 2) image landmarks, pixels.
    world : (F, 33, 3) world landmarks, metres (camera axes).
    upright : (F,) bool, from :func:`upright_frames`.
    times_s : (F,) frame times; not increasing = stills.
    """
    image_axis = unit(_axis(image_px))
    world_axis = unit(_axis(world))
    roll_each = np.degrees(np.arctan2(-image_axis[:, 0], -image_axis[:, 1]))
    with np.errstate(invalid="ignore"):
        use = (
            upright
            & np.isfinite(roll_each)
            & np.isfinite(world_axis).all(-1)
            & (np.abs(roll_each) <= MAX_TILT_DEG)
        )
        use &= -world_axis[:, 1] >= np.cos(np.radians(MAX_TILT_DEG))
    n = int(use.sum())
    if n == 0:
        return PersonTilt(None, None, 0, float("nan"), False, "no frame with the body straight and upright")
    pitch_each = np.degrees(np.arcsin(np.clip(-world_axis[use, 2], -1.0, 1.0)))
    roll = float(np.median(roll_each[use]))
    pitch = float(np.median(pitch_each))
    typical = camera_up(roll, pitch)
    spread = float(np.median(np.degrees(np.arccos(np.clip(world_axis[use] @ typical, -1.0, 1.0)))))
    timed = times_s.size >= 2 and bool(np.all(np.diff(times_s) > 0))
    duration = n * float(np.median(np.diff(times_s))) if timed else 0.0
    enough = duration >= MIN_UPRIGHT_S if timed else n >= 1
    confident = enough and spread <= MAX_SPREAD_DEG
    what = f"{duration:.1f} s" if timed else f"{n} still(s)"
    if confident:
        reason = f"ankle-to-ear axis over {what} of upright frames, agreeing within {spread:.1f} deg"
    elif not enough:
        reason = f"only {what} of upright frames (needs {MIN_UPRIGHT_S:g} s)"
    else:
        reason = (
            f"the ankle-to-ear axes of upright frames disagree by {spread:.1f} deg (limit {MAX_SPREAD_DEG:g})"
        )
    return PersonTilt(pitch, roll, n, spread, confident, reason)


def _choose(
    given: float | None, estimate: float | None, person: PersonTilt, deadband: float, what: str
) -> tuple[float, str, str]:
    """Value used, its source and the 'unknown but large' reason for one of roll and pitch."""
    if given is not None:
        return float(given), "given", ""
    if estimate is None or abs(estimate) <= deadband:
        return 0.0, "level", ""
    if person.confident:
        return float(estimate), "person", ""
    if not person.spread_deg <= SUGGEST_SPREAD_DEG:
        return 0.0, "level", ""
    return (
        0.0,
        "level",
        reason_line(Invalid.TILT_UNKNOWN, axis=what, suggested_deg=estimate, why=person.reason),
    )


def decide_tilt(given_roll: float | None, given_pitch: float | None, person: PersonTilt) -> TiltUsed:
    """The roll and pitch the measures use (module notes, "What is used")."""
    roll, roll_source, roll_unknown = _choose(given_roll, person.roll_deg, person, ROLL_DEADBAND_DEG, "roll")
    pitch, pitch_source, pitch_unknown = _choose(
        given_pitch, person.pitch_deg, person, PITCH_DEADBAND_DEG, "pitch"
    )
    return TiltUsed(roll, pitch, roll_source, pitch_source, roll_unknown, pitch_unknown, person)
