"""Synthetic BlazePose skeletons with known joint angles, seen through pinhole cameras.

Used by the tests, the accuracy benchmark and the documentation figures.

Scene frame
-----------
Metres; ``x`` points where the person faces (anterior), ``y`` up, ``z`` to
the person's right (right-handed). The floor is ``y = 0`` in an upright
stance; mid-hip sits at ``(0, HIP_HEIGHT * stature, 0)`` whatever the pose.

Body proportions are fractions of stature: hips 0.53 above the floor, trunk
(mid-hip to mid-shoulder) 0.288, ears 0.108 above mid-shoulder, eyes 0.936
above the floor when standing, hip joints 0.12 apart, shoulders 0.20 apart.

Angles follow :mod:`posturecheck.measures.joint_angles` and
:mod:`posturecheck.measures.posture`, so a pose's parameters are the values
the measures must return:

* the trunk is set by its inclination (sagittal, + forward) and lateral lean
  (frontal, + toward the left), both against the vertical;
* the hip-to-hip and shoulder lines are tilted against the horizontal
  (+ left side higher);
* each thigh is the trunk's downward axis, projected onto the plane normal
  to the hip-to-hip axis, turned forward by the hip flexion about that axis;
* each shank is the thigh turned backward by the knee flexion; the foot is
  at right angles to the shank;
* the shoulder -> ear line makes ``ear_shoulder_deg`` with the anterior
  horizontal (90 = ear straight above the shoulder).

Camera
------
``yaw_deg = 0`` puts the camera square to the ``side`` of the person
("left": it sees their left side and they face the image's left); positive
yaw swings it toward their front (90 = front view, -90 = back view).
``pitch_deg > 0`` raises the camera and tilts it down so it still aims at
the target. ``roll_deg`` turns it clockwise about its optical axis as seen
from behind it, so the picture appears turned counter-clockwise (the camera
roll convention of :mod:`posturecheck.measures.geometry`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from posturecheck.landmarks import NUM_LANDMARKS, Landmark
from posturecheck.pose.series import PoseSeries, SourceInfo

HIP_HEIGHT = 0.53
TRUNK = 0.288
THIGH = 0.245
SHANK = 0.246
ANKLE_HEIGHT = 0.039
EAR_ABOVE_SHOULDER = 0.108
HIP_HALF_WIDTH = 0.06
SHOULDER_HALF_WIDTH = 0.10

_FORWARD = np.array([1.0, 0.0, 0.0])
_UP = np.array([0.0, 1.0, 0.0])
_RIGHT = np.array([0.0, 0.0, 1.0])
_LEFT = -_RIGHT


@dataclass(frozen=True)
class BodyPose:
    """Joint angles of one synthetic pose, degrees (module notes give the conventions)."""

    hip_flexion_left: float = 0.0
    hip_flexion_right: float = 0.0
    knee_flexion_left: float = 0.0
    knee_flexion_right: float = 0.0
    trunk_inclination: float = 0.0
    trunk_lateral_lean: float = 0.0
    pelvic_obliquity: float = 0.0
    shoulder_tilt: float = 0.0
    ear_shoulder_deg: float = 90.0


@dataclass(frozen=True)
class Camera:
    """A pinhole camera looking at the person (module notes)."""

    yaw_deg: float = 0.0
    side: str = "left"
    pitch_deg: float = 0.0
    roll_deg: float = 0.0
    distance_m: float = 3.5
    focal_px: float = 1500.0
    width: int = 1080
    height: int = 1920
    target_height: float = 0.5


def _rotate(vectors: np.ndarray, axis: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rodrigues rotation of ``vectors`` about unit ``axis``, counter-clockwise seen from its tip."""
    a = np.radians(angle_deg)
    return (
        vectors * np.cos(a)
        + np.cross(axis, vectors) * np.sin(a)
        + np.outer(vectors @ axis, axis).reshape(vectors.shape) * (1 - np.cos(a))
    )


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _tilted(lateral: np.ndarray, tilt_deg: float) -> np.ndarray:
    t = np.radians(tilt_deg)
    return np.cos(t) * lateral + np.sin(t) * _UP


def skeleton(pose: BodyPose, stature_m: float = 1.75) -> np.ndarray:
    """The 33 landmarks of ``pose`` in the scene frame, metres, (33, 3)."""
    h = stature_m
    pts = np.zeros((NUM_LANDMARKS, 3))
    mid_hip = np.array([0.0, HIP_HEIGHT * h, 0.0])
    trunk_up = _unit(
        np.tan(np.radians(pose.trunk_inclination)) * _FORWARD
        + np.tan(np.radians(pose.trunk_lateral_lean)) * _LEFT
        + _UP
    )
    mid_shoulder = mid_hip + TRUNK * h * trunk_up
    pelvis_left = _tilted(_LEFT, pose.pelvic_obliquity)
    shoulder_left = _tilted(_LEFT, pose.shoulder_tilt)
    for side, sign in (("LEFT", 1.0), ("RIGHT", -1.0)):
        hip = mid_hip + sign * HIP_HALF_WIDTH * h * pelvis_left
        shoulder = mid_shoulder + sign * SHOULDER_HALF_WIDTH * h * shoulder_left
        right_axis = -pelvis_left
        down = -trunk_up
        down_in_plane = _unit(down - (down @ pelvis_left) * pelvis_left)
        thigh = _rotate(down_in_plane, right_axis, getattr(pose, f"hip_flexion_{side.lower()}"))
        shank = _rotate(thigh, right_axis, -getattr(pose, f"knee_flexion_{side.lower()}"))
        foot = np.cross(right_axis, shank)
        knee = hip + THIGH * h * thigh
        ankle = knee + SHANK * h * shank
        elbow = shoulder + 0.186 * h * down
        wrist = elbow + 0.146 * h * down
        pts[Landmark[f"{side}_HIP"]] = hip
        pts[Landmark[f"{side}_SHOULDER"]] = shoulder
        pts[Landmark[f"{side}_KNEE"]] = knee
        pts[Landmark[f"{side}_ANKLE"]] = ankle
        pts[Landmark[f"{side}_HEEL"]] = ankle + ANKLE_HEIGHT * h * shank - 0.029 * h * foot
        pts[Landmark[f"{side}_FOOT_INDEX"]] = ankle + 0.035 * h * shank + 0.1 * h * foot
        pts[Landmark[f"{side}_ELBOW"]] = elbow
        pts[Landmark[f"{side}_WRIST"]] = wrist
        pts[Landmark[f"{side}_PINKY"]] = wrist + 0.05 * h * down + sign * 0.01 * h * _LEFT
        pts[Landmark[f"{side}_INDEX"]] = wrist + 0.05 * h * down + 0.01 * h * _FORWARD
        pts[Landmark[f"{side}_THUMB"]] = wrist + 0.03 * h * down + 0.02 * h * _FORWARD
    _place_head(pts, mid_shoulder, pose.ear_shoulder_deg, h)
    return pts


def _place_head(pts: np.ndarray, mid_shoulder: np.ndarray, ear_shoulder_deg: float, h: float) -> None:
    rise = EAR_ABOVE_SHOULDER * h
    mid_ear = mid_shoulder + rise * _UP + rise / np.tan(np.radians(ear_shoulder_deg)) * _FORWARD
    head = {
        "NOSE": (0.064, -0.01, 0.0),
        "LEFT_EYE_INNER": (0.05, 0.01, 0.01),
        "LEFT_EYE": (0.05, 0.01, 0.018),
        "LEFT_EYE_OUTER": (0.048, 0.01, 0.026),
        "LEFT_EAR": (0.0, 0.0, 0.043),
        "MOUTH_LEFT": (0.055, -0.03, 0.014),
    }
    for name, (fwd, up, left) in head.items():
        for mirrored, lat in ((name, left), (name.replace("LEFT", "RIGHT"), -left)):
            pts[Landmark[mirrored]] = mid_ear + h * (fwd * _FORWARD + up * _UP + lat * _LEFT)


def camera_pose(camera: Camera, stature_m: float = 1.75) -> tuple[np.ndarray, np.ndarray]:
    """Rotation (rows: camera x right, y down, z forward, in scene axes) and centre of ``camera``."""
    target = np.array([0.0, camera.target_height * stature_m, 0.0])
    square = _LEFT if camera.side == "left" else _RIGHT
    yaw, pitch, roll = np.radians([camera.yaw_deg, camera.pitch_deg, camera.roll_deg])
    horizontal = np.cos(yaw) * square + np.sin(yaw) * _FORWARD
    centre = target + camera.distance_m * (np.cos(pitch) * horizontal + np.sin(pitch) * _UP)
    z = _unit(target - centre)
    x = _unit(np.cross(z, _UP))
    y = np.cross(z, x)
    x_rolled = np.cos(roll) * x + np.sin(roll) * y
    y_rolled = -np.sin(roll) * x + np.cos(roll) * y
    return np.stack([x_rolled, y_rolled, z]), centre


def project(points: np.ndarray, camera: Camera, stature_m: float = 1.75) -> tuple[np.ndarray, np.ndarray]:
    """Image and world landmarks of scene points (33, 3) as MediaPipe reports them.

    Returns
    -------
    image : (33, 3) normalised x, y (0..1 inside the frame, y down) and a
        relative depth z (0 at mid-hip, in the scale of x, smaller = nearer).
    world : (33, 3) metres, origin at mid-hip, camera axes (x right, y down,
        z away from the camera).
    """
    rotation, centre = camera_pose(camera, stature_m)
    cam = (points - centre) @ rotation.T
    mid_hip = 0.5 * (points[Landmark.LEFT_HIP] + points[Landmark.RIGHT_HIP])
    hip_depth = ((mid_hip - centre) @ rotation.T)[2]
    image = np.empty_like(points)
    image[:, 0] = (camera.focal_px * cam[:, 0] / cam[:, 2] + camera.width / 2) / camera.width
    image[:, 1] = (camera.focal_px * cam[:, 1] / cam[:, 2] + camera.height / 2) / camera.height
    image[:, 2] = (cam[:, 2] - hip_depth) * camera.focal_px / hip_depth / camera.width
    world = (points - mid_hip) @ rotation.T
    return image, world


def make_series(
    poses: list[BodyPose],
    camera: Camera,
    *,
    fps: float = 30.0,
    noise_frac: float = 0.0,
    seed: int = 0,
    stature_m: float = 1.75,
) -> PoseSeries:
    """A one-person :class:`PoseSeries` with one frame per pose.

    Parameters
    ----------
    poses : the pose of each frame.
    camera : the camera every frame is seen through.
    fps : frame rate; frame ``i`` is at ``i / fps`` seconds.
    noise_frac : standard deviation of Gaussian noise added to image x and y,
        as a fraction of the image height (converted to normalised units per
        axis); world landmarks get the same noise in metres at the camera
        distance.
    seed : random seed for the noise.
    stature_m : standing height of the person.

    Visibility and presence are 1 everywhere.
    """
    n = len(poses)
    image = np.empty((n, 1, NUM_LANDMARKS, 3))
    world = np.empty((n, 1, NUM_LANDMARKS, 3))
    for i, pose in enumerate(poses):
        image[i, 0], world[i, 0] = project(skeleton(pose, stature_m), camera, stature_m)
    rng = np.random.default_rng(seed)
    sigma_px = noise_frac * camera.height
    image[..., 0] += rng.normal(0.0, sigma_px / camera.width, image.shape[:-1])
    image[..., 1] += rng.normal(0.0, sigma_px / camera.height, image.shape[:-1])
    world += rng.normal(0.0, sigma_px * camera.distance_m / camera.focal_px, world.shape)
    ones = np.ones((n, 1, NUM_LANDMARKS), dtype=np.float32)
    source = SourceInfo(path="synthetic", kind="synthetic", width=camera.width, height=camera.height, fps=fps)
    return PoseSeries(
        times_s=np.arange(n) / fps,
        frame_index=np.arange(n, dtype=np.int64),
        image=image.astype(np.float32),
        world=world.astype(np.float32),
        visibility=ones,
        presence=ones.copy(),
        source=source,
    )


def stack_people(series: list[PoseSeries]) -> PoseSeries:
    """Several one-person series of equal length as one series with a slot per person."""
    first = series[0]
    return replace(
        first,
        image=np.concatenate([s.image for s in series], axis=1),
        world=np.concatenate([s.world for s in series], axis=1),
        visibility=np.concatenate([s.visibility for s in series], axis=1),
        presence=np.concatenate([s.presence for s in series], axis=1),
    )
