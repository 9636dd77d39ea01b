"""From a pose series to a table of measures with validity, for one person.

:func:`compute_measures` applies, in this order:

1. left/right swap correction (:func:`posturecheck.measures.swaps.correct_left_right_swaps`);
2. landmarks with visibility below ``min_visibility`` are treated as missing;
2b. landmarks not to be trusted (implausible jumps, broken proportions, another
   person overlapping, the ends of a followed stretch, the picture's edge:
   :func:`posturecheck.measures.glitches.reject`) are treated as missing too,
   and every measure needing one is invalid in that frame with its reason;
3. bounded gap filling (:func:`posturecheck.measures.filtering.fill_gaps`);
4. zero-lag low-pass filtering of the landmarks
   (:func:`posturecheck.measures.filtering.lowpass_filtfilt`);
4a. the camera roll and pitch: given, else from the person's upright axis
   (:mod:`posturecheck.measures.pitch`, filtered landmarks), else level; the
   world landmarks of both stages are turned to undo the pitch;
5. the view of every frame (:mod:`posturecheck.measures.view`);
6. every measure in its 2D (image) and 3D (world) variant, by the computations
   its spec in :mod:`posturecheck.measures.catalogue` names
   (:mod:`posturecheck.measures.joint_angles`, :mod:`posturecheck.measures.posture`),
   and the silhouette measures when the series has masks;
7. a validity flag and reason for every value (gravity-referenced ones also
   invalid where the camera tilt is unknown but suggested large), the choice
   of variant that fills each plain name, and the hip angle from the
   person's own neutral (:mod:`posturecheck.measures.neutral`).

Steps 5-7 are also run on the landmarks after step 1 alone, as the table's
``raw`` measures.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from posturecheck.landmarks import MIN_VISIBILITY
from posturecheck.measures import joint_angles as ja
from posturecheck.measures.catalogue import (
    CRANIOVERTEBRAL_ANGLE_PROXY,
    HIP_FLEXION,
    HIP_FLEXION_NEUTRAL,
    KNEE_FLEXION,
    LATERAL_TRUNK_SHIFT,
    LUMBAR_CURVE_ANGLE,
    LUMBAR_LORDOSIS_INDEX,
    MEASURES,
    PELVIC_OBLIQUITY,
    PELVIC_TILT_PROXY,
    PLUMB_OFFSET,
    PLUMB_OFFSET_CM,
    SHOULDER_TILT,
    SIDES,
    THIGH_INCLINATION,
    TRUNK_INCLINATION,
    TRUNK_LATERAL_LEAN,
    MeasureSpec,
    Scene,
)
from posturecheck.measures.filtering import DEFAULT_CUTOFF_HZ, fill_gaps, lowpass_filtfilt
from posturecheck.measures.glitches import Rejection, judging_margin_s, reject
from posturecheck.measures.neutral import HipNeutral, hip_flexion_neutral, hip_neutral
from posturecheck.measures.pitch import TiltUsed, decide_tilt, levelled_world, person_tilt, upright_frames
from posturecheck.measures.reasons import Invalid, reason_line
from posturecheck.measures.silhouette import PELVIC_TILT_PROXY_WITHDRAWN, lumbar_curve
from posturecheck.measures.swaps import correct_left_right_swaps
from posturecheck.measures.table import Measure, MeasureTable
from posturecheck.measures.view import ViewEstimate, ViewLimits, estimate_view, landmark_name, summarize_view
from posturecheck.pose.series import PoseSeries, detected_in
from posturecheck.pose.tracking import TrackedSeries

_BUTTERWORTH_ORDER = 4
# "auto" keeps the 2D variant while it is valid in at least this share of the
# frames the 3D one is: image landmarks are measured, world depth is only
# estimated, and a body turning a little in and out of the side view
# (walking) should not hand the whole clip to the 3D variant.
PREFER_2D_SHARE = 0.75
# How the plain measure names are filled: the variant the view supports best, image plane or world.
ANGLE_METHODS = ("auto", "2d", "3d")
_NO_MASK = reason_line(Invalid.NO_MASK)


@dataclass(frozen=True)
class MeasureOptions:
    """How :func:`compute_measures` works.

    Attributes
    ----------
    method : "auto", "2d" or "3d": which variant fills the plain names.
        "auto" takes 2D while it is valid in at least :data:`PREFER_2D_SHARE`
        as many frames as 3D (image landmarks are measured; world depth is
        estimated), else 3D.
    cutoff_hz : low-pass cut-off for the landmarks, Hz; None = no filtering.
    camera_roll_deg : camera roll (convention of
        :mod:`posturecheck.measures.geometry`: + = camera turned clockwise,
        picture turned counter-clockwise); None = not known: estimated from
        the person's upright axis (:mod:`posturecheck.measures.pitch`), else
        level (0).
    camera_pitch_deg : camera pitch, + = tilted down
        (:mod:`posturecheck.measures.pitch`); None = not known, as for roll.
    height_cm : the person's standing height; when given, plumb-line
        offsets are also reported in cm.
    min_visibility : landmarks below this MediaPipe visibility are missing.
    max_gap_s : longest run of missing landmarks bridged by interpolation.
    correct_swaps : undo left/right label swaps first.
    max_standing_knee_deg : plumb-line offsets need both knees within this
        flexion (the stature estimate assumes standing).
    view_limits : view classification thresholds.
    reject_glitches : reject untrustworthy landmarks first (step 2b of the module notes).
    """

    method: str = "auto"
    cutoff_hz: float | None = DEFAULT_CUTOFF_HZ
    camera_roll_deg: float | None = None
    camera_pitch_deg: float | None = None
    height_cm: float | None = None
    min_visibility: float = MIN_VISIBILITY
    max_gap_s: float = 0.25
    correct_swaps: bool = True
    max_standing_knee_deg: float = 20.0
    view_limits: ViewLimits = field(default_factory=ViewLimits)
    reject_glitches: bool = True

    def __post_init__(self) -> None:
        if self.method not in ANGLE_METHODS:
            raise ValueError(f"method must be 'auto', '2d' or '3d', not {self.method!r}")
        if self.cutoff_hz is not None and not self.cutoff_hz > 0:
            raise ValueError(f"cutoff_hz must be positive, not {self.cutoff_hz}")
        if self.camera_pitch_deg is not None and not -80.0 <= self.camera_pitch_deg <= 80.0:
            raise ValueError(f"camera_pitch_deg must be between -80 and 80, not {self.camera_pitch_deg}")
        if self.height_cm is not None and not 50.0 <= self.height_cm <= 250.0:
            raise ValueError(f"height_cm must be between 50 and 250, not {self.height_cm}")
        if not 0.0 <= self.min_visibility <= 1.0:
            raise ValueError(f"min_visibility must be between 0 and 1, not {self.min_visibility}")
        if self.max_gap_s < 0:
            raise ValueError(f"max_gap_s must not be negative, not {self.max_gap_s}")


@dataclass(frozen=True)
class _Points:
    """One person's landmarks at one processing stage."""

    image: np.ndarray
    image_px: np.ndarray
    world: np.ndarray
    detected: np.ndarray
    rejected: Rejection | None = None


@dataclass(frozen=True)
class _Landmarks:
    """One person's landmarks as the model gave them (after swap correction), kept while the person is
    measured so that each stage's float64 working copy (:class:`_Points`) can be made when it is
    needed and let go after: one such copy is held at a time, not the raw and filtered ones together.

    ``image``: (F, 33, 2) float32, normalised; ``world``: (F, 33, 3) float32, metres; ``hidden``:
    (F, 33, 1) bool, below the visibility threshold (missing); ``detected``: (F,) bool, the person
    is found in the frame; ``size``: the frame's (width, height), pixels; ``rejected``: the
    landmarks not to be trusted, once checked.
    """

    image: np.ndarray
    world: np.ndarray
    hidden: np.ndarray
    detected: np.ndarray
    size: np.ndarray
    rejected: Rejection | None = None

    def coordinates(self, which: str, landmarks: slice = slice(None)) -> np.ndarray:
        """The image or world landmarks (``which``; the ``landmarks`` given), float64, NaN where hidden."""
        values = self.image if which == "image" else self.world
        return np.where(self.hidden[:, landmarks], np.nan, values[:, landmarks].astype(np.float64))

    def trusted(self, which: str, landmarks: slice = slice(None)) -> np.ndarray:
        """:meth:`coordinates`, also NaN where the rejection marks the landmark."""
        values = self.coordinates(which, landmarks)
        if self.rejected is None:
            return values
        marks = (self.rejected.image if which == "image" else self.rejected.world)[:, landmarks]
        return np.where((marks != "")[..., None], np.nan, values)

    def raw_points(self) -> _Points:
        """Every landmark as given (rejected ones too: their measures carry the rejection's reason)."""
        return self._points(self.coordinates)

    def trusted_points(self) -> _Points:
        """The landmarks the rejection does not mark (what stills are measured from)."""
        return self._points(self.trusted)

    def _points(self, read: Callable[[str], np.ndarray]) -> _Points:
        """The points whose image and world landmarks ``read`` gives."""
        image = read("image")
        return _Points(image, image * self.size, read("world"), self.detected, self.rejected)


# The measures computed from landmarks frame by frame, in the table's (and the
# CSV's) column order, which is the leg measures side by side, then the trunk.
_LEGS = (HIP_FLEXION, KNEE_FLEXION, THIGH_INCLINATION)
_TRUNK_AND_HEAD = (
    TRUNK_INCLINATION,
    TRUNK_LATERAL_LEAN,
    PELVIC_OBLIQUITY,
    SHOULDER_TILT,
    LATERAL_TRUNK_SHIFT,
    CRANIOVERTEBRAL_ANGLE_PROXY,
)


def _specs(with_cm: bool) -> list[MeasureSpec]:
    """The catalogue's specs of every measure computed from landmarks, in column order."""
    names = [family.of(side) for side in SIDES for family in _LEGS] + list(_TRUNK_AND_HEAD)
    for part in PLUMB_OFFSET.parts:
        names += [PLUMB_OFFSET.of(part), PLUMB_OFFSET_CM.of(part)] if with_cm else [PLUMB_OFFSET.of(part)]
    return [MEASURES[name] for name in names]


def _values(
    specs: list[MeasureSpec], points: _Points, view: ViewEstimate, roll: float, height_cm: float | None
) -> dict[str, np.ndarray]:
    """Every measure's values by ``<name>_2d`` / ``<name>_3d``, from the computations its spec names."""
    scene = Scene(points.image_px, points.world, view.facing, roll, height_cm)
    out: dict[str, np.ndarray] = {}
    for spec in specs:
        if spec.compute_2d is None or spec.compute_3d is None:
            raise ValueError(f"{spec.name} is not computed from landmarks frame by frame")
        out[f"{spec.name}_2d"], out[f"{spec.name}_3d"] = spec.compute_2d(scene), spec.compute_3d(scene)
    return out


def _fill_reasons(
    reason: np.ndarray, failed: np.ndarray, text: Callable[[int], str], shared: dict[str, str]
) -> None:
    """Write ``text(frame)`` into the frames that failed and have no reason yet.

    Equal texts are stored as one shared string, the first of them kept in
    ``shared`` (one dict for every measure of a stage): a reason with a
    number in it (a view angle, a knee angle, the person's size) repeats
    over many frames and measures, and a new string per frame and measure
    would cost about 100 bytes each.
    """
    for i in np.flatnonzero(failed & (reason == "")):
        line = text(int(i))
        reason[i] = shared.setdefault(line, line)


def _view_check(
    spec: MeasureSpec, method: str, view: ViewEstimate, limits: ViewLimits
) -> tuple[np.ndarray, Invalid, dict[str, str]]:
    """Frames whose view does not suit the measure, the code saying so, and its fixed numbers."""
    away = view.off_side_deg
    with np.errstate(invalid="ignore"):
        if spec.plane == "sagittal" and method == "2d":
            limit = {"also": "", "limit": f"limit {limits.side_max_deg:.0f}"}
            return ~(away <= limits.side_max_deg), Invalid.NEEDS_SIDE_VIEW, limit
        if spec.plane == "sagittal":
            wide = limits.sagittal_3d_max_deg > limits.side_max_deg
            also = " or oblique" if wide else ""
            limit = {"also": also, "limit": f"limit {limits.sagittal_3d_max_deg:.0f}"}
            return ~(away <= limits.sagittal_3d_max_deg), Invalid.NEEDS_SIDE_VIEW, limit
        if method == "2d":
            limit = {"also": " or back", "limit": f"needs {limits.front_min_deg:.0f}"}
            return ~(away >= limits.front_min_deg), Invalid.NEEDS_FRONT_VIEW, limit
        limit = {"also": ", back or oblique", "limit": f"needs {limits.frontal_3d_min_deg:.0f}"}
        return ~(away >= limits.frontal_3d_min_deg), Invalid.NEEDS_FRONT_VIEW, limit


def _needed(spec: MeasureSpec, flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per frame: does any needed landmark carry the flag, and the first such landmark index."""
    index = np.array(spec.landmarks)
    hit = flags[:, index]
    return np.asarray(hit.any(axis=1)), index[np.argmax(hit, axis=1)]


def _reasons(
    spec: MeasureSpec,
    method: str,
    values: np.ndarray,
    points: _Points,
    view: ViewEstimate,
    options: MeasureOptions,
    knees: tuple[np.ndarray, np.ndarray],
    shared: dict[str, str],
) -> np.ndarray:
    """Why each frame of one measure variant is not valid ("" where it is), most basic cause first."""
    coords = points.image if method == "2d" else points.world
    reason = np.full(values.shape, "", dtype=object)
    missing, first_missing = _needed(spec, ~np.isfinite(coords).all(axis=-1))
    _fill_reasons(reason, missing & ~points.detected, lambda i: reason_line(Invalid.NO_PERSON), shared)
    if points.rejected is not None:
        marks = points.rejected.image if method == "2d" else points.rejected.world
        untrusted, first_untrusted = _needed(spec, marks != "")
        _fill_reasons(reason, untrusted, lambda i: str(marks[i, first_untrusted[i]]), shared)
    _fill_reasons(
        reason,
        missing,
        lambda i: reason_line(
            Invalid.NOT_VISIBLE,
            landmark=landmark_name(first_missing[i]),
            min_visibility=options.min_visibility,
        ),
        shared,
    )
    outside, first_outside = _needed(spec, view.outside)
    _fill_reasons(
        reason,
        outside,
        lambda i: reason_line(Invalid.OUTSIDE_FRAME, landmark=landmark_name(first_outside[i])),
        shared,
    )
    limit = options.view_limits.min_person_extent
    with np.errstate(invalid="ignore"):
        small = ~(view.extent >= limit)
    _fill_reasons(
        reason,
        small,
        lambda i: reason_line(Invalid.TOO_SMALL, extent=view.extent[i], min_extent=limit),
        shared,
    )
    wrong_view, code, fixed = _view_check(spec, method, view, options.view_limits)
    _fill_reasons(
        reason,
        wrong_view,
        lambda i: reason_line(
            code, view=view.label[i], measure=spec.phrase, off_side_deg=view.off_side_deg[i], **fixed
        ),
        shared,
    )
    if spec.plane == "sagittal" and method == "2d":
        _fill_reasons(reason, view.facing == 0, lambda i: reason_line(Invalid.FACING_UNCLEAR), shared)
    if spec.standing:
        knee = np.fmax(np.abs(knees[0]), np.abs(knees[1]))
        with np.errstate(invalid="ignore"):
            bent = ~(knee <= options.max_standing_knee_deg)
        _fill_reasons(
            reason,
            bent,
            lambda i: reason_line(
                Invalid.NOT_STANDING, knee_deg=knee[i], limit_deg=options.max_standing_knee_deg
            ),
            shared,
        )
    _fill_reasons(reason, ~np.isfinite(values), lambda i: reason_line(Invalid.NOT_COMPUTED), shared)
    # An object array of shared strings (see _fill_reasons): a fixed-width
    # str array would cost 4 bytes per character per frame, per measure.
    return reason.astype(object)


def _variants(
    points: _Points, view: ViewEstimate, options: MeasureOptions, roll: float
) -> dict[str, Measure]:
    """Every ``<name>_2d`` / ``<name>_3d`` measure with validity."""
    specs = _specs(options.height_cm is not None)
    values = _values(specs, points, view, roll, options.height_cm)
    out = {}
    shared: dict[str, str] = {}
    left_knee, right_knee = KNEE_FLEXION.names
    for spec in specs:
        for method in ("2d", "3d"):
            name = f"{spec.name}_{method}"
            knees = (values[f"{left_knee}_{method}"], values[f"{right_knee}_{method}"])
            reason = _reasons(spec, method, values[name], points, view, options, knees, shared)
            vals = values[name].astype(np.float64)
            out[name] = Measure(name, vals, reason == "", reason, spec.unit, method)
    return out


# Measures between two body segments: gravity, so camera roll and pitch, play no part.
_BODY_ONLY = (f"{HIP_FLEXION.stem}_", f"{KNEE_FLEXION.stem}_")
# Measures whose vertical, when taken from the person's own ankle-to-ear axis, is what they check.
_AGAINST_PLUMB = (f"{PLUMB_OFFSET.stem}_", f"{CRANIOVERTEBRAL_ANGLE_PROXY}_")
_FROM_AXIS = reason_line(Invalid.VERTICAL_FROM_PERSON)


def _tilt_reason(name: str, tilt: TiltUsed) -> str:
    """Why a variant cannot be trusted under the camera tilt used, or ""."""
    if name.startswith(_BODY_ONLY):
        return ""
    three = name.endswith("_3d")
    if tilt.roll_unknown or (three and tilt.pitch_unknown):
        return tilt.roll_unknown or tilt.pitch_unknown
    from_axis = tilt.roll_source == "person" or (three and tilt.pitch_source == "person")
    return _FROM_AXIS if from_axis and name.startswith(_AGAINST_PLUMB) else ""


def _tilt_gated(variants: dict[str, Measure], tilt: TiltUsed) -> dict[str, Measure]:
    """Variants invalid, with the reason, where the camera tilt they need is unknown (module of pitch)."""
    out = {}
    for name, m in variants.items():
        why = _tilt_reason(name, tilt)
        if why:
            reason = np.where(m.valid, why, m.reason).astype(object)
            m = Measure(m.name, m.values, np.zeros(m.valid.shape, bool), reason, m.unit, m.method)
        out[name] = m
    return out


def _camera_tilt(points: _Points, times_s: np.ndarray, options: MeasureOptions) -> TiltUsed:
    """The camera roll and pitch to use: given, else from the person's upright axis, else level."""
    hips = (ja.hip_flexion_3d(points.world, "left"), ja.hip_flexion_3d(points.world, "right"))
    knees = (ja.knee_flexion_3d(points.world, "left"), ja.knee_flexion_3d(points.world, "right"))
    person = person_tilt(points.image_px, points.world, upright_frames(hips, knees), times_s)
    return decide_tilt(options.camera_roll_deg, options.camera_pitch_deg, person)


def _levelled(points: _Points, tilt: TiltUsed) -> _Points:
    """The same points with the world landmarks turned level; everything else (rejections too) kept."""
    return replace(points, world=levelled_world(points.world, tilt.roll_deg, tilt.pitch_deg))


def _tilt_notes(tilt: TiltUsed) -> list[str]:
    words = {
        "given": "as given",
        "person": "estimated from the person's upright axis",
        "level": "taken as level",
    }
    notes = []
    for what, value, source, unknown in (
        ("roll", tilt.roll_deg, tilt.roll_source, tilt.roll_unknown),
        ("pitch", tilt.pitch_deg, tilt.pitch_source, tilt.pitch_unknown),
    ):
        line = f"camera {what} {value:+.1f} deg {words[source]}"
        notes.append(f"{line}; {unknown}: measures needing it are invalid" if unknown else line)
    return notes


def _choose(two: Measure, three: Measure, method: str) -> tuple[str, str]:
    """Which variant fills a plain name, and why, in one line."""
    n = two.valid.size
    n2, n3 = int(two.valid.sum()), int(three.valid.sum())
    counts = f"2D valid in {n2}/{n} frames, 3D in {n3}/{n}"
    if method != "auto":
        return method, f"method {method} was asked for ({counts})"
    if n2 >= PREFER_2D_SHARE * n3:
        return "2d", f"{counts}: 2D is preferred while valid in at least {PREFER_2D_SHARE:.0%} as many frames"
    return "3d", f"{counts}: the view suits the 3D variant better"


def _silhouette(series: PoseSeries, points: _Points, view: ViewEstimate) -> dict[str, Measure]:
    """Lumbar curve from the masks, frame by frame, in mask pixels.

    The withdrawn ``pelvic_tilt_proxy`` is not computed here: see
    :func:`_withdrawn_pelvic_tilt`.
    """
    n = series.n_frames
    names = (LUMBAR_LORDOSIS_INDEX, LUMBAR_CURVE_ANGLE)
    values = {name: np.full(n, np.nan) for name in names}
    reasons = {name: np.full(n, _NO_MASK, dtype=object) for name in names}
    size = np.array([series.source.inference_width, series.source.inference_height], dtype=np.float64)
    xy = points.image[..., :2] * size
    shoulder, hip = ja.mid_shoulder(xy), ja.mid_hip(xy)
    for i in range(n):
        mask = series.mask(i, 0)
        if mask is None or not mask.any():
            continue
        facing = int(view.facing[i])
        curve = lumbar_curve(mask, shoulder[i], hip[i], facing)
        for name, value in (
            (LUMBAR_LORDOSIS_INDEX, curve.lordosis_index),
            (LUMBAR_CURVE_ANGLE, curve.end_tangent_angle_deg),
        ):
            values[name][i] = value if curve.valid else np.nan
            reasons[name][i] = reason_line(Invalid.SILHOUETTE, why=curve.reason) if curve.reason else ""
    return {
        name: _silhouette_measure(name, MEASURES[name].unit, values[name], reasons[name]) for name in names
    }


def _masks_only(one: PoseSeries, masks: np.ndarray) -> PoseSeries:
    """``one`` (one slot) with its ``masks`` copied and its landmarks read-only placeholders that cost
    nothing: a person's series from :meth:`PoseSeries.person` is a view, which would keep every
    slot's landmarks and masks alive while the silhouette measures are made."""

    def nothing(array: np.ndarray, fill: float) -> np.ndarray:
        return np.broadcast_to(np.array(fill, dtype=array.dtype), array.shape)

    return replace(
        one,
        image=nothing(one.image, np.nan),
        world=nothing(one.world, np.nan),
        visibility=nothing(one.visibility, 0),
        presence=nothing(one.presence, 0),
        masks=masks.copy(),
    )


def _withdrawn_pelvic_tilt(n: int) -> Measure:
    """The pelvic tilt proxy's column: no value in any frame, with the reason it was withdrawn."""
    reason = np.full(n, PELVIC_TILT_PROXY_WITHDRAWN, dtype=object)
    unit = MEASURES[PELVIC_TILT_PROXY].unit
    return Measure(PELVIC_TILT_PROXY, np.full(n, np.nan), np.zeros(n, bool), reason, unit, "silhouette")


def _silhouette_measure(name: str, unit: str, values: np.ndarray, reason: np.ndarray) -> Measure:
    failed = (reason == "") & ~np.isfinite(values)
    reason = np.where(failed, reason_line(Invalid.NOT_COMPUTED), reason).astype(object)
    return Measure(name, values, reason == "", reason, unit, "silhouette")


def _with_view_reasons(measure: Measure, gate: Measure) -> Measure:
    """A silhouette measure also invalid where a 2D sagittal measure is, for the same cause."""
    reason = np.where(gate.valid | (measure.reason == _NO_MASK), measure.reason, gate.reason).astype(object)
    return Measure(measure.name, measure.values, reason == "", reason, measure.unit, measure.method)


def _smooth(
    landmarks: _Landmarks,
    times: np.ndarray,
    options: MeasureOptions,
    interval_s: float | None = None,
) -> tuple[_Points, list[str]]:
    """Gap filling and low-pass filtering of the trusted landmarks, with notes saying what was done.

    ``landmarks`` carry their rejection (landmarks it marks are treated as
    missing, :meth:`_Landmarks.trusted`). ``interval_s``: the clip's median
    frame interval, seconds (default: that of ``times``).
    """
    notes = [f"landmark gaps up to {options.max_gap_s:g} s filled by linear interpolation"]
    interval = float(np.median(np.diff(times))) if interval_s is None else interval_s
    rate = 1.0 / interval
    filtered = options.cutoff_hz is not None and options.cutoff_hz < rate / 2
    if options.cutoff_hz is None:
        notes.append("landmarks not low-pass filtered (no cut-off given)")
    elif filtered:
        notes.append(
            f"landmarks low-pass filtered at {options.cutoff_hz:g} Hz "
            f"(Butterworth order {_BUTTERWORTH_ORDER}, forward and backward: no lag)"
        )
    else:
        notes.append(
            f"landmarks not low-pass filtered: {options.cutoff_hz:g} Hz is not below half "
            f"the {rate:.3g} fps frame rate"
        )
    cutoff = options.cutoff_hz if filtered else None
    image = _smoothed(landmarks, "image", times, options.max_gap_s, cutoff, interval)
    world = _smoothed(landmarks, "world", times, options.max_gap_s, cutoff, interval)
    return _Points(image, image * landmarks.size, world, landmarks.detected, landmarks.rejected), notes


# Landmarks gap-filled and filtered at a time (:func:`_smoothed`).
_SMOOTH_LANDMARKS = 4


def _smoothed(
    landmarks: _Landmarks,
    which: str,
    times: np.ndarray,
    max_gap_s: float,
    cutoff_hz: float | None,
    interval_s: float,
) -> np.ndarray:
    """The trusted image or world landmarks (``which``), gap-filled and low-pass filtered at
    ``cutoff_hz`` (None: not filtered); a new float64 array.

    Every coordinate is filled and filtered on its own, so the landmarks are
    taken :data:`_SMOOTH_LANDMARKS` at a time into the result: the working
    copies of a long clip are those of a few landmarks, not of the whole set.
    """
    source = landmarks.image if which == "image" else landmarks.world
    out = np.empty(source.shape, dtype=np.float64)
    for start in range(0, source.shape[1], _SMOOTH_LANDMARKS):
        block = slice(start, start + _SMOOTH_LANDMARKS)
        values = fill_gaps(landmarks.trusted(which, block), times, max_gap_s)
        if cutoff_hz is not None:
            values = lowpass_filtfilt(values, times, cutoff_hz, _BUTTERWORTH_ORDER, interval_s)
        out[:, block] = values
    return out


def _plain(variants: dict[str, Measure], chosen: dict[str, str]) -> dict[str, Measure]:
    """Plain names filled from the chosen variant, each followed by both variants, in column order."""
    measures: dict[str, Measure] = {}
    for name, method in chosen.items():
        measures[name] = variants[f"{name}_{method}"].renamed(name)
        measures[f"{name}_2d"], measures[f"{name}_3d"] = variants[f"{name}_2d"], variants[f"{name}_3d"]
    return measures


def _reject(
    everyone: np.ndarray,
    person: int,
    raw: _Points,
    times_s: np.ndarray | None,
    options: MeasureOptions,
    slots: np.ndarray | None = None,
) -> tuple[Rejection, list[str]]:
    """The landmarks of ``raw`` (the person's, as given) not to be trusted, and a note.

    ``everyone``: (F, P, 33, 3) the image landmarks of every slot of the
    series the person is slot ``person`` of (NaN where a slot holds no one);
    ``slots``: the person number each slot is known by (default: its index).
    """
    rejection = reject(
        everyone,
        raw.image,
        raw.image_px,
        raw.world,
        detected_in(everyone),
        times_s,
        person,
        options.max_gap_s,
        slots,
    )
    n = int((rejection.frames() & raw.detected).sum())
    note = f"{n} frame(s) with landmarks not trusted (glitches, overlaps, ends of a track, picture edge)"
    return rejection, [note]


def compute_measures(series: PoseSeries, person: int, options: MeasureOptions) -> MeasureTable:
    """Every measure of one person, per frame, with validity flags and reasons.

    Parameters
    ----------
    series : PoseSeries
        Landmarks from MediaPipe (any number of person slots).
    person : int
        The person slot to measure.
    options : MeasureOptions

    Returns
    -------
    MeasureTable
        Plain names (``hip_flexion_left`` ...) filled by the variant chosen
        per measure (see :class:`MeasureOptions`), both ``_2d`` and ``_3d``
        variants, the silhouette measures when the series has masks, the
        same computed from unfiltered landmarks (``raw``), the view, and
        notes on the processing.

    Raises
    ------
    ValueError
        If ``person`` is not a slot of ``series``.
    """
    if not 0 <= person < series.n_people:
        raise ValueError(f"person {person} is not in the series (it has {series.n_people} person slots)")
    timed = series.n_frames >= 2 and bool(np.all(np.diff(series.times_s) > 0))
    seen = np.flatnonzero(series.detected[:, person])
    first, stop = (max(int(seen[0]) - 1, 0), min(int(seen[-1]) + 2, series.n_frames)) if seen.size else (0, 0)
    part = _rows(series, first, stop)
    interval = float(np.median(np.diff(series.times_s))) if timed else None
    if stop - first < 2 or (first == 0 and stop == series.n_frames) or not _same_rate(part, series):
        return _measure_rows(lambda: (series, None), person, options, timed, interval)
    # Measured over the person's own frames and one frame without them each side (where there is
    # one): every frame further out reads like that one (no person detected), and storage and
    # working arrays follow the person's time in view, not the clip's length.
    return _padded(_measure_rows(lambda: (part, None), person, options, timed, interval), first, series)


def compute_tracked_measures(tracked: TrackedSeries, person: int, options: MeasureOptions) -> MeasureTable:
    """:func:`compute_measures` of ``tracked.series`` and ``person``, the same table, made from
    the person's own frames and the people seen in a same frame as them only.

    Memory follows the person's time in view and the people around them,
    not the clip's length times everyone ever tracked. A clip whose frame
    interval varies (see :func:`_same_rate`) is measured over every frame.

    Raises
    ------
    ValueError
        If ``person`` is not a person of ``tracked``.
    """
    if not 0 <= person < tracked.n_people:
        raise ValueError(f"person {person} is not in the series (it has {tracked.n_people} person slots)")
    clip, span = tracked.clip, tracked.people[person]
    n = clip.n_frames
    timed = n >= 2 and bool(np.all(np.diff(clip.times_s) > 0))
    seen = span.seen_rows
    first, stop = (max(int(seen[0]) - 1, 0), min(int(seen[-1]) + 2, n)) if seen.size else (0, 0)
    interval = _interval(clip, timed)
    every_row = functools.partial(tracked.rows, 0, n, seen_with=person)
    if stop - first < 2 or not _same_rate(_times(clip, first, stop), clip):
        return _measure_rows(every_row, person, options, timed, interval)
    # Others matter only where they are seen with the person (the overlap check): the rest are left out.
    # The rows are made by _measure_rows, which lets them go once read.
    near = _rows_near(seen, first, stop, interval, options.max_gap_s)
    if near.size < stop - first and _same_rate(_times(clip, near), clip):
        # Long absences are measured by their first and last few seconds only (every row between
        # reads like those: no person), so a person who comes back an hour later costs their frames
        # in view, not the hour.
        rows_near = functools.partial(tracked.rows_at, near, seen_with=person)
        return _spread(_measure_rows(rows_near, person, options, timed, interval), near, clip)
    if first == 0 and stop == n:
        return _measure_rows(every_row, person, options, timed, interval)
    table = _measure_rows(
        lambda: tracked.rows(first, stop, seen_with=person), person, options, timed, interval
    )
    return _padded(table, first, clip)


# Rows kept each side of a person's frames when they are measured, in units of the time a measuring
# step looks through on either side of a frame to judge it (:func:`~posturecheck.measures.glitches.
# judging_margin_s`: glitch proportions 0.5 s, glitches 0.2 s, track edges and gaps, plus two
# frames; swap links 0.3 s and gap filling 0.25 s are shorter): a longer absence is measured by this
# much of its start and end only.
KEEP_AROUND_MARGINS = 2.0


def keep_around_s(interval_s: float, max_gap_s: float) -> float:
    """Seconds of an absence kept at each end when a person is measured (:data:`KEEP_AROUND_MARGINS`
    judging margins; 1.13 s at 30 frames/s, 2.5 s at 5): ``interval_s`` the frame interval,
    ``max_gap_s`` the longest gap bridged (:class:`MeasureOptions`)."""
    return KEEP_AROUND_MARGINS * judging_margin_s(interval_s, max_gap_s)


def _rows_near(
    seen: np.ndarray, first: int, stop: int, interval: float | None, max_gap_s: float
) -> np.ndarray:
    """Rows ``first`` to ``stop`` (exclusive) within :func:`keep_around_s` of a row in ``seen``
    (all of them for a series without increasing times)."""
    if interval is None or interval <= 0:
        return np.arange(first, stop)
    margin = math.ceil(round(keep_around_s(interval, max_gap_s) / interval, 6))
    n = stop - first
    starts, stops = np.clip(seen - margin - first, 0, n), np.clip(seen + margin + 1 - first, 0, n)
    return first + rows_in_any(starts, stops, n)


def rows_in_any(starts: np.ndarray, stops: np.ndarray, n_rows: int) -> np.ndarray:
    """(k,) int64, increasing: the rows of ``0`` to ``n_rows`` (exclusive) inside any of the ranges
    ``starts[i]`` to ``stops[i]`` (exclusive; each within ``0`` to ``n_rows``)."""
    marks = np.zeros(n_rows + 1, dtype=np.int64)
    np.add.at(marks, starts, 1)
    np.add.at(marks, stops, -1)
    return np.flatnonzero(np.cumsum(marks)[:-1] > 0)


def _times(series: PoseSeries, first: int | np.ndarray, stop: int | None = None) -> PoseSeries:
    """Rows ``first`` to ``stop`` (exclusive), or the rows ``first`` given as an array, of
    ``series`` without its person slots: their times."""
    rows = first if isinstance(first, np.ndarray) else slice(first, stop)
    return replace(
        series,
        times_s=series.times_s[rows],
        frame_index=series.frame_index[rows],
        image=series.image[rows, :0],
        world=series.world[rows, :0],
        visibility=series.visibility[rows, :0],
        presence=series.presence[rows, :0],
        masks=None,
    )


def _index(slots: np.ndarray, person: int) -> int:
    """Where ``person`` is among ``slots``."""
    return int(np.flatnonzero(slots == person)[0])


def _interval(series: PoseSeries, timed: bool) -> float | None:
    """The median frame interval of ``series``, seconds; ``None`` when not ``timed``."""
    return float(np.median(np.diff(series.times_s))) if timed else None


def _same_rate(part: PoseSeries, series: PoseSeries) -> bool:
    """Do ``part``'s frames have the median interval of all of ``series``' (within 1 in 10^9)?

    Glitch and standing checks take the frame rate from the median interval
    of the frames they are given, to decide how many frames make a time;
    measuring a person over their own frames gives the same results only
    when that is the clip's (the low-pass filter, whose coefficients follow
    the interval continuously, is given the clip's exactly). Clips with a
    variable frame rate are measured whole.
    """
    whole = float(np.median(np.diff(series.times_s)))
    own = float(np.median(np.diff(part.times_s)))
    return abs(own - whole) <= 1e-9 * abs(whole)


def _rows(series: PoseSeries, first: int, stop: int) -> PoseSeries:
    """Frames ``first`` to ``stop`` (exclusive) of every slot (views, no copy)."""
    rows = slice(first, stop)
    return replace(
        series,
        times_s=series.times_s[rows],
        frame_index=series.frame_index[rows],
        image=series.image[rows],
        world=series.world[rows],
        visibility=series.visibility[rows],
        presence=series.presence[rows],
        masks=None if series.masks is None else series.masks[rows],
    )


def _spread(table: MeasureTable, rows: np.ndarray, series: PoseSeries) -> MeasureTable:
    """A table measured over the series' rows ``rows`` (increasing), spread over all its frames.

    Every row left out reads like the nearest measured row before it (the
    first measured row for those before it): for rows inside a long absence,
    the absence's first rows, where the person is not in view either.
    """
    first, stop = int(rows[0]), int(rows[-1]) + 1
    index = np.searchsorted(rows, np.arange(first, stop), side="right") - 1
    measures = {name: m.taken(index) for name, m in table.measures.items()}
    whole = replace(
        table,
        times_s=np.asarray(series.times_s[first:stop], dtype=np.float64),
        frame_index=np.asarray(series.frame_index[first:stop]),
        measures=measures,
        raw={name: m.taken(index) for name, m in table.raw.items()},
        view=table.view.taken(index),
    )
    return _padded(whole, first, series)


def _padded(table: MeasureTable, first: int, series: PoseSeries) -> MeasureTable:
    """A table measured over frames ``first`` onwards, spread over all of ``series``' frames.

    The table's first (last) frame, where the person is not in view unless
    it is the series' first (last), stands for every frame before (after) it.
    """
    n = series.n_frames
    view = table.view.padded(first, n)
    measures = {name: m.padded(first, n) for name, m in table.measures.items()}
    why = {
        name: _choose(measures[f"{name}_2d"], measures[f"{name}_3d"], table.options.method)[1]
        for name in table.why
    }
    return replace(
        table,
        times_s=np.asarray(series.times_s, dtype=np.float64),
        frame_index=np.asarray(series.frame_index),
        measures=measures,
        raw={name: m.padded(first, n) for name, m in table.raw.items()},
        why=why,
        view=view,
        view_summary=summarize_view(view),
    )


def _add_neutral_hips(measures: dict[str, Measure], neutral: HipNeutral) -> None:
    """Add each side's hip flexion from the person's own neutral to ``measures`` (which has the plain
    ``hip_flexion_<side>``), in side order."""
    for side in SIDES:
        name, hip = HIP_FLEXION_NEUTRAL.of(side), HIP_FLEXION.of(side)
        measures[name] = hip_flexion_neutral(measures[hip], neutral, name)


def _measure_rows(
    rows: Callable[[], tuple[PoseSeries, np.ndarray | None]],
    person: int,
    options: MeasureOptions,
    timed: bool,
    interval_s: float | None = None,
) -> MeasureTable:
    """:func:`compute_measures` over all frames of the series ``rows()`` gives, and of the person
    numbered ``person`` in it.

    ``rows()`` gives the series and the person number each of its slots is
    known by (``None``: its index); of a series it makes, only the person's
    own landmarks and every slot's image landmarks (the overlap check) are
    kept, the latter until the glitch checks have read them; then one
    float64 working copy of the person's landmarks is held at a time
    (:class:`_Landmarks`). ``timed``: are the whole clip's frame times
    strictly increasing (swap correction and filtering need them);
    ``interval_s``: the clip's median frame interval, seconds (default:
    that of the series).
    """
    series, slots = rows()
    index = person if slots is None else _index(slots, person)
    one = series.person(index)
    # The overlap check reads every slot's image landmarks only: the rest of the series goes now.
    everyone = series.image
    del series
    n_swapped = 0
    if options.correct_swaps and timed:
        one, report = correct_left_right_swaps(one)
        n_swapped = report.n_frames_corrected
    # The person's own float32 landmarks (copies: a view would keep every slot's alive); a float64
    # working copy of them is made per stage (_Landmarks), one at a time.
    landmarks = _Landmarks(
        one.image[:, 0, :, :2].copy(),
        one.world[:, 0].copy(),
        (one.visibility[:, 0] < options.min_visibility)[..., None],
        one.detected[:, 0].copy(),
        np.array([one.source.width, one.source.height], dtype=np.float64),
    )
    times, frame_index, n_frames = one.times_s, one.frame_index, one.n_frames
    masked = None if one.masks is None else _masks_only(one, one.masks)  # the silhouette measures'
    del one
    rejection_notes: list[str] = []
    if options.reject_glitches:
        rejection, rejection_notes = _reject(
            everyone, index, landmarks.raw_points(), times if timed else None, options, slots
        )
        landmarks = replace(landmarks, rejected=rejection)
    del everyone
    if timed:
        smooth, notes = _smooth(landmarks, times, options, interval_s)
    else:
        smooth = landmarks.trusted_points()
        notes = ["stills (no increasing time stamps): no swap correction or filtering"]
    notes += rejection_notes
    tilt = _camera_tilt(smooth, np.asarray(times, dtype=np.float64), options)
    roll = tilt.roll_deg

    # The filtered measures first; their points are let go before the raw ones are made.
    smooth = _levelled(smooth, tilt)
    view = estimate_view(smooth.image, smooth.image_px, smooth.world, roll, options.view_limits)
    ungated = _variants(smooth, view, options, roll)
    variants = _tilt_gated(ungated, tilt)
    chosen, why = {}, {}
    for name in dict.fromkeys(n.rsplit("_", 1)[0] for n in variants):
        chosen[name], why[name] = _choose(variants[f"{name}_2d"], variants[f"{name}_3d"], options.method)
    measures = _plain(variants, chosen)
    neutral = hip_neutral(measures, np.asarray(times, dtype=np.float64))
    _add_neutral_hips(measures, neutral)
    silhouette: dict[str, Measure] = {}
    if masked is not None:
        # The masks are not filtered, so the silhouette measures are the same in both stages.
        # The view gate only: the silhouette is read in the trunk's own frame, not against gravity.
        gate = ungated[f"{TRUNK_INCLINATION}_2d"]
        for name, m in _silhouette(masked, smooth, view).items():
            silhouette[name] = _with_view_reasons(m, gate)
        silhouette[PELVIC_TILT_PROXY] = _withdrawn_pelvic_tilt(n_frames)
    measures |= silhouette
    del smooth, ungated, variants

    raw = _levelled(landmarks.raw_points(), tilt)
    del landmarks
    raw_view = estimate_view(raw.image, raw.image_px, raw.world, roll, options.view_limits)
    raw_variants = _tilt_gated(_variants(raw, raw_view, options, roll), tilt)
    del raw, raw_view
    # The raw plain names use the filtered choice, so both columns measure the same thing.
    raw_measures = _plain(raw_variants, chosen)
    _add_neutral_hips(raw_measures, neutral)
    raw_measures |= silhouette

    notes.insert(0, f"landmarks with visibility below {options.min_visibility:g} treated as missing")
    notes += _tilt_notes(tilt)
    notes.append(
        f"height {options.height_cm:g} cm given: plumb-line offsets also in cm"
        if options.height_cm is not None
        else "height not given: plumb-line offsets in % of the standing height estimated from the landmarks"
    )
    if timed and options.correct_swaps:
        notes.append(f"{n_swapped} frame(s) had their left/right labels swapped back")
    return MeasureTable(
        times_s=np.asarray(times, dtype=np.float64),
        frame_index=np.asarray(frame_index),
        person=person,
        measures=measures,
        raw=raw_measures,
        chosen=chosen,
        why=why,
        view=view,
        view_summary=summarize_view(view),
        n_frames_swap_corrected=n_swapped,
        options=options,
        notes=tuple(notes),
        hip_neutral=neutral,
        camera_tilt=tilt,
    )
