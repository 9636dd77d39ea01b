"""Side-view silhouette measures: the lumbar back curve and a pelvic tilt proxy.

The pelvic tilt proxy is WITHDRAWN from what users see
(:data:`PELVIC_TILT_PROXY_WITHDRAWN`): on a rendered body with known pelvic
tilt it moved the wrong way (Pearson r = -0.63 over 150 valid frames from a
true side view, -0.68 at 15 deg, -0.72 pitched 20 deg down:
``benchmarks/validation_rendered.py``, issue 11). :func:`pelvic_tilt_proxy`
stays for research on the method; the measure pipeline reports the column as
invalid with that reason, never as a number.

Both read the outline of one person's segmentation mask in a side (sagittal)
view, at levels placed from the pose landmarks. They are proxies: the outline
is skin and clothing, not bone, so they follow changes in one person filmed
in the same clothes, not radiographic angles.

Conventions
-----------
* ``mask``: (H, W) bool, True on the person. Pixel ``(r, c)`` covers
  ``x in [c, c + 1)``, ``y in [r, r + 1)``; its centre is
  ``(c + 0.5, r + 0.5)``. A normalised landmark therefore maps to the mask's
  pixels by multiplying by ``(W, H)`` (the convention of
  :meth:`posturecheck.pose.series.PoseSeries.mask`).
* Landmarks: (2,) float pixel coordinates in that grid, x right, y down:
  the mid-shoulder, mid-hip (and knee) of the side nearest the camera, or
  the mid-points of both sides; both lie on the trunk's mid-line in a side view.
* ``facing``: +1 when the person faces the image's +x side, -1 for -x. The
  back is on the other side.
* Trunk frame: ``s`` runs along the trunk axis from the shoulder landmark
  toward the hip landmark, in pixels, and levels are given as fractions of
  the shoulder-hip distance ``L`` (0 = shoulder, 1 = hip). At each level the
  outline is looked for along the line perpendicular to the trunk axis, so an
  inclined trunk is measured in its own frame.
* Edges: walking from the trunk axis outward, the edge is where the mask
  (bilinearly interpolated, so sub-pixel) falls below one half and then stays
  empty for more than 3 px. Holes in the mask smaller than that are bridged; a
  hand or arm clear of the body by more than that is ignored; an arm touching
  the back is taken as back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posturecheck.measures.geometry import angle_between, image_gravity_axes, norm
from posturecheck.measures.reasons import Invalid, reason_line

# scipy.ndimage is imported inside the functions that use it: it takes seconds to import, and the app's
# first page loads this module (through the assessments it lists) without calling them.

# Thoracolumbar junction (T12/L1, level of the lower ribs at the back) and the
# second sacral segment (S2, the dimples of the posterior superior iliac
# spines): the end points of the flexicurve lordosis. As fractions of stature
# H for adults: shoulder (acromion) ~0.82H, greater trochanter / hip ~0.52H,
# iliac crest (L4/L5) ~0.60H, lumbar vertebrae with discs ~0.10H, so
# T12/L1 ~0.70H and S2 ~0.565H, i.e. 0.40 and 0.85 of the shoulder-hip
# distance. The landmarks are joint centres and bodies vary: about +-0.05 L.
LUMBAR_LEVELS = (0.40, 0.85)
# Lower abdomen, from below the navel (~L3/L4, 0.73) to above the groin
# crease (pubis ~1.05), around the anterior superior iliac spines (~0.87).
ABDOMEN_LEVELS = (0.75, 0.95)
# Sacrum (~0.85) down past the most prominent point of the buttock (~1.07);
# the gluteal fold lies lower (~1.2).
BUTTOCK_LEVELS = (0.85, 1.15)
# Below this shoulder-hip distance the lumbar chord (0.45 L) is under ~36 px
# and a half-pixel edge error moves the lordosis index by more than ~1.4.
MIN_TRUNK_PX = 80.0
# A thigh further than this from the trunk line puts the groin and thigh into
# the abdomen's levels (and, flexed, hides the lower abdomen).
MAX_THIGH_ANGLE_DEG = 45.0

_RAY_STEP_PX = 0.25
_MAX_GAP_PX = 3.0
# Low enough to ignore clothing folds and pixel steps, high enough to follow
# a circular arc of 60 degrees to within a degree at its ends.
_FIT_DEGREE = 4
# Contour points this close to the most anterior/posterior offset share the
# extreme; their centroid keeps a flat stretch from picking an arbitrary pixel.
_EXTREME_TOL_PX = 1.0


@dataclass(frozen=True)
class LumbarCurve:
    """Shape of the back outline between the lower ribs and the sacrum.

    Attributes
    ----------
    contour_xy : (N, 2) float, back outline points used, in mask pixels
        (x right, y down), ordered from the upper (T12) to the lower (S2) level;
        (0, 2) when invalid.
    chord_length_px : distance between the two ends of the smoothed outline
        (a degree-4 polynomial fit of the points' offset from the trunk axis
        against their position along it), px.
    depth_px : largest perpendicular distance of the smoothed outline from
        the chord, px, with its sign: + when the outline bows into the body
        toward the front (lordotic, concave back), - when it bows out
        (kyphotic, convex).
    lordosis_index : ``100 * depth_px / chord_length_px``.
    end_tangent_angle_deg : angle between the smoothed outline's tangents at
        its two ends, degrees; 0 = straight, + lordotic, - kyphotic.
    valid : the values can be used.
    reason : why not, '' when valid.
    """

    contour_xy: np.ndarray
    chord_length_px: float
    depth_px: float
    lordosis_index: float
    end_tangent_angle_deg: float
    valid: bool
    reason: str

    @classmethod
    def invalid(cls, reason: str) -> LumbarCurve:
        """A result that carries only the reason it could not be measured."""
        nan = float("nan")
        return cls(np.empty((0, 2)), nan, nan, nan, nan, False, reason)


PELVIC_TILT_PROXY_WITHDRAWN = reason_line(Invalid.WITHDRAWN)


@dataclass(frozen=True)
class PelvicTiltProxy:
    """EXPERIMENTAL silhouette stand-in for sagittal pelvic tilt.

    Attributes
    ----------
    angle_deg : tilt below the true horizontal of the line from ``back_xy``
        to ``front_xy``, degrees: + when the front point is lower (anterior
        tilt), - when higher (posterior tilt), 0 = horizontal.
    front_xy : (2,) most anterior point of the lower abdomen outline, px.
    back_xy : (2,) most posterior point of the sacrum/buttock outline, px.
    valid : the values can be used.
    reason : why not, '' when valid.
    experimental : always True: not validated against a reference method.
    """

    angle_deg: float
    front_xy: np.ndarray
    back_xy: np.ndarray
    valid: bool
    reason: str
    experimental: bool = True

    @classmethod
    def invalid(cls, reason: str) -> PelvicTiltProxy:
        """A result that carries only the reason it could not be measured."""
        nan_xy = np.full(2, np.nan)
        return cls(float("nan"), nan_xy, nan_xy.copy(), False, reason)


@dataclass(frozen=True)
class _TrunkFrame:
    """Shoulder landmark, unit vector toward the hip, unit normal toward the back, length."""

    shoulder: np.ndarray
    down: np.ndarray
    back: np.ndarray
    length: float

    def points(self, s: np.ndarray, offset: np.ndarray) -> np.ndarray:
        """(N, 2) image points at distance ``s`` down the axis and ``offset`` toward the back."""
        return self.shoulder + s[:, None] * self.down + offset[:, None] * self.back


def lumbar_curve(
    mask: np.ndarray,
    shoulder_xy: np.ndarray,
    hip_xy: np.ndarray,
    facing: int,
    *,
    levels: tuple[float, float] = LUMBAR_LEVELS,
    min_trunk_px: float = MIN_TRUNK_PX,
) -> LumbarCurve:
    """Depth and bend of the lumbar back outline of a side-view silhouette.

    Parameters
    ----------
    mask : (H, W) bool
        Segmentation mask of one person seen from the side (module notes).
    shoulder_xy, hip_xy : (2,) float
        Mid-shoulder and mid-hip landmarks (or those of the near side), mask pixels.
    facing : int
        +1 if the person faces +x, -1 if -x.
    levels : (float, float)
        Upper and lower end of the outline as fractions of the shoulder-hip
        distance along the trunk (default T12/L1 at 0.40 and S2 at 0.85).
    min_trunk_px : float
        Shortest shoulder-hip distance, px, that is measured.

    Returns
    -------
    LumbarCurve
        Invalid, with a reason, for an empty or non-2-D mask, non-finite
        landmarks, a bad ``facing``, a trunk shorter than ``min_trunk_px``, a
        level where the mask does not cover the trunk axis, or an outline on
        the image border.

    Notes
    -----
    One outline point per pixel of trunk length is taken between the two
    levels, on the back side of the trunk axis (see the module notes for how
    an edge is found). Chord, depth and tangents are read from a degree-4
    polynomial fit of the outline, which averages out pixel steps and small
    folds; on drawn masks with a 135 px chord they come within 0.2 of the
    index and 1.5 degrees of the angle (errors grow as the chord shrinks, and
    where the outline runs almost along a pixel row or column, since a binary
    mask loses the sub-pixel edge position there). ``lordosis_index`` is
    the silhouette analogue of the flexicurve lordosis index ``100 * H / L``
    (H: greatest depth of the curve below the chord joining the T12 and S2
    spinous processes, L: chord length; Youdas et al., J Orthop Sports Phys
    Ther 1995;21:13-20 and Phys Ther 1996;76:1066-81). For a circular arc
    ``end_tangent_angle_deg = 4 * atan(2 * depth / chord)``, the flexicurve
    lordosis angle formula. Plane: image (sagittal) plane; view: side.
    Clothing, skin folds, back muscles and fat shape the outline: this is a
    proxy of the lumbar curve, not a spinal angle. An arm resting against the
    back adds to the outline.
    """
    problem = _input_problem(mask, (shoulder_xy, hip_xy), facing, min_trunk_px)
    if problem:
        return LumbarCurve.invalid(problem)
    frame = _trunk_frame(shoulder_xy, hip_xy, facing)
    s = _level_positions(frame.length, levels)
    offset, problem = _outline(mask, frame, s, side=1.0, what="back")
    if problem:
        return LumbarCurve.invalid(problem)
    chord, depth, turn = _curve_shape(s, offset)
    return LumbarCurve(frame.points(s, offset), chord, depth, 100.0 * depth / chord, turn, True, "")


def pelvic_tilt_proxy(
    mask: np.ndarray,
    hip_xy: np.ndarray,
    knee_xy: np.ndarray,
    shoulder_xy: np.ndarray,
    facing: int,
    *,
    camera_roll_deg: float = 0.0,
    min_trunk_px: float = MIN_TRUNK_PX,
    max_thigh_angle_deg: float = MAX_THIGH_ANGLE_DEG,
) -> PelvicTiltProxy:
    """EXPERIMENTAL: tilt of the abdomen-to-buttock line of a side-view silhouette.

    Parameters
    ----------
    mask : (H, W) bool
        Segmentation mask of one person seen from the side (module notes).
    hip_xy, shoulder_xy : (2,) float
        Mid-hip and mid-shoulder landmarks (or those of the near side), mask pixels.
    knee_xy : (2,) float
        Knee landmark, mask pixels: pass the knee of the thigh that is further
        from the trunk line, since either thigh raised in front of the abdomen
        hides it in a silhouette.
    facing : int
        +1 if the person faces +x, -1 if -x.
    camera_roll_deg : float
        Camera roll (see :mod:`posturecheck.measures.geometry`); 0 for a level camera.
    min_trunk_px : float
        Shortest shoulder-hip distance, px, that is measured.
    max_thigh_angle_deg : float
        Largest angle between the hip-knee line and the trunk axis measured.

    Returns
    -------
    PelvicTiltProxy
        Invalid, with a reason, as :func:`lumbar_curve`, and also for a thigh
        further than ``max_thigh_angle_deg`` from the trunk line.

    Notes
    -----
    MediaPipe gives no anterior or posterior superior iliac spine (ASIS, PSIS),
    so the clinical ASIS-PSIS line cannot be drawn. In the trunk frame the
    front outline is read over the lower abdomen (levels 0.75-0.95 of the
    shoulder-hip distance, around the ASIS) and the back outline over the
    sacrum and buttock (0.85-1.15). ``front_xy`` is the most anterior and
    ``back_xy`` the most posterior outline point (centroid of the points
    within 1 px of the extreme). The angle of the line joining them is taken
    against the true horizontal, as the clinical ASIS-PSIS pelvic tilt is
    (e.g. Preece et al., J Man Manip Ther 2008;16:113-7; Herrington, Man Ther
    2011;16:646-8), so it also follows the pelvis when the whole body leans;
    sign: + anterior tilt (front lower). It is NOT that angle: the points are
    soft-tissue extremes (abdominal shape and fat, gluteal mass, clothing),
    the buttock point lies lower than the PSIS so a typical upright reading
    sits well below the ~10-13 degrees of anterior ASIS-PSIS tilt, and bony
    pelvic shape is invisible. Use it for changes within one person and
    session. Plane: image (sagittal) plane; view: side; camera level or its
    roll given.
    """
    problem = _input_problem(mask, (shoulder_xy, hip_xy, knee_xy), facing, min_trunk_px)
    if problem:
        return PelvicTiltProxy.invalid(problem)
    frame = _trunk_frame(shoulder_xy, hip_xy, facing)
    thigh_deg = float(angle_between(frame.down, np.asarray(knee_xy, float) - np.asarray(hip_xy, float)))
    if not thigh_deg <= max_thigh_angle_deg:
        return PelvicTiltProxy.invalid(
            f"thigh {thigh_deg:.0f} deg from the trunk line (limit {max_thigh_angle_deg:.0f}): "
            "the thigh overlaps the pelvis outline"
        )
    front_xy, problem = _extreme_point(mask, frame, ABDOMEN_LEVELS, side=-1.0, what="abdomen")
    if problem:
        return PelvicTiltProxy.invalid(problem)
    back_xy, problem = _extreme_point(mask, frame, BUTTOCK_LEVELS, side=1.0, what="buttock")
    if problem:
        return PelvicTiltProxy.invalid(problem)
    right, up = image_gravity_axes(camera_roll_deg)
    line = front_xy - back_xy
    angle = np.degrees(np.arctan2(-line @ up, facing * (line @ right)))
    return PelvicTiltProxy(float(angle), front_xy, back_xy, True, "")


def _input_problem(
    mask: np.ndarray, landmarks: tuple[np.ndarray, ...], facing: int, min_trunk_px: float
) -> str:
    """Reason the inputs cannot be measured, '' if they can; ``landmarks[:2]`` are shoulder, hip."""
    if np.ndim(mask) != 2:
        return f"mask must be 2-D, got shape {np.shape(mask)}"
    if not np.any(mask):
        return "empty mask: no person pixels"
    points = [np.asarray(p, dtype=float) for p in landmarks]
    if any(p.shape != (2,) or not np.all(np.isfinite(p)) for p in points):
        return "landmarks missing (NaN) or not (2,) pixel coordinates"
    if facing not in (1, -1):
        return f"facing must be +1 or -1, got {facing}"
    trunk = float(norm(points[1] - points[0]))
    if trunk < min_trunk_px:
        return f"person too small: shoulder-hip distance {trunk:.0f} px < {min_trunk_px:.0f} px"
    return ""


def _trunk_frame(shoulder_xy: np.ndarray, hip_xy: np.ndarray, facing: int) -> _TrunkFrame:
    """Trunk axis frame; the back normal is the axis turned away from the facing side."""
    shoulder = np.asarray(shoulder_xy, dtype=float)
    axis = np.asarray(hip_xy, dtype=float) - shoulder
    length = float(norm(axis))
    down = axis / length
    back = -facing * np.array([down[1], -down[0]])
    return _TrunkFrame(shoulder, down, back, length)


def _level_positions(length: float, levels: tuple[float, float]) -> np.ndarray:
    """Distances along the trunk axis, px, one per pixel between two level fractions."""
    top, bottom = levels
    count = max(int(round((bottom - top) * length)) + 1, 3)
    return np.linspace(top * length, bottom * length, count)


def _outline(
    mask: np.ndarray, frame: _TrunkFrame, s: np.ndarray, side: float, what: str
) -> tuple[np.ndarray, str]:
    """Offsets (px) of the outline from the trunk axis toward ``side`` (+1 back, -1 front).

    Returns the offsets and '' or, when an edge is missing, an empty array and the reason.
    """
    t = np.arange(0.0, frame.length + _RAY_STEP_PX, _RAY_STEP_PX)
    rays = frame.points(s, np.zeros_like(s))[:, None, :] + t[None, :, None] * (side * frame.back)
    offset = _edge_distances(_sample(mask, rays), t)
    if np.isnan(offset).any():
        at = s[np.isnan(offset)][0] / frame.length
        return np.empty(0), f"mask does not cover the trunk axis at {at:.2f} of the shoulder-hip distance"
    if np.isinf(offset).any():
        return np.empty(0), f"no {what} edge within one trunk length of the trunk axis"
    edge = frame.points(s, side * offset)
    height, width = np.shape(mask)
    inside = (edge[:, 0] > 1) & (edge[:, 0] < width - 1) & (edge[:, 1] > 1) & (edge[:, 1] < height - 1)
    if not inside.all():
        return np.empty(0), f"{what} outline reaches the image border"
    return side * offset, ""


def _edge_distances(values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Distance along each ray (row of ``values`` sampled at distances ``t``) to the mask's edge, px.

    NaN where the ray starts outside the mask, inf where it never leaves it;
    see the module notes for the edge rule.
    """
    gap = int(np.ceil(_MAX_GAP_PX / _RAY_STEP_PX))
    outside = np.concatenate([values < 0.5, np.ones((len(values), gap), dtype=bool)], axis=1)
    run = np.concatenate([np.zeros((len(values), 1), dtype=int), np.cumsum(outside, axis=1)], axis=1)
    # first[i]: first sample of ray i that starts ``gap`` outside samples in a row.
    first = ((run[:, gap:] - run[:, :-gap]) == gap).argmax(axis=1)
    distance = np.full(len(values), np.inf)
    distance[first == 0] = np.nan
    found = (first > 0) & (first < len(t))
    rows, after = np.nonzero(found)[0], first[found]
    before_value, after_value = values[rows, after - 1], values[rows, after]
    distance[found] = t[after - 1] + _RAY_STEP_PX * (before_value - 0.5) / (before_value - after_value)
    return distance


def _sample(mask: np.ndarray, rays: np.ndarray) -> np.ndarray:
    """Mask bilinearly interpolated along straight rays of points (N, K, 2), px; 0 outside the image."""
    ends = np.concatenate([rays[:, 0], rays[:, -1]])
    low = np.maximum(np.floor(ends.min(axis=0)).astype(int) - 1, 0)
    high = np.floor(ends.max(axis=0)).astype(int) + 2
    crop = np.asarray(mask[low[1] : high[1], low[0] : high[0]], dtype=np.float32)
    if crop.size == 0:
        return np.zeros(rays.shape[:-1])
    rows = rays[..., 1] - 0.5 - low[1]
    cols = rays[..., 0] - 0.5 - low[0]
    from scipy.ndimage import map_coordinates

    return map_coordinates(crop, [rows, cols], order=1, mode="grid-constant", cval=0.0)


def _curve_shape(s: np.ndarray, offset: np.ndarray) -> tuple[float, float, float]:
    """Chord, signed depth (+ toward the front) and end-tangent turn (deg) of a smoothed outline.

    The outline is the polynomial fit of ``offset`` (toward the back) against ``s``.
    """
    fit = np.polynomial.Polynomial.fit(s, offset, deg=min(_FIT_DEGREE, len(s) - 1))
    smooth = fit(s)
    chord = np.array([s[-1] - s[0], smooth[-1] - smooth[0]])
    length = float(norm(chord))
    along, across = chord / length
    # Perpendicular distance from the chord, positive on the front (smaller offset) side.
    distance = (s - s[0]) * across - (smooth - smooth[0]) * along
    depth = float(distance[np.argmax(np.abs(distance))])
    slope = fit.deriv()(np.array([s[0], s[-1]]))
    return length, depth, float(np.degrees(np.arctan(slope[1]) - np.arctan(slope[0])))


def _extreme_point(
    mask: np.ndarray, frame: _TrunkFrame, levels: tuple[float, float], side: float, what: str
) -> tuple[np.ndarray, str]:
    """Outline point furthest toward ``side`` (+1 back, -1 front) between two levels, px."""
    s = _level_positions(frame.length, levels)
    offset, problem = _outline(mask, frame, s, side, what)
    if problem:
        return np.full(2, np.nan), problem
    reach = side * offset
    near = reach >= reach.max() - _EXTREME_TOL_PX
    return frame.points(s[near], offset[near]).mean(axis=0), ""
