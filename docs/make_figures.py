"""Draw the figures of docs/measurements.md from the synthetic skeleton.

Run: ``python docs/make_figures.py`` (writes PNGs into docs/figures/).
Each figure shows the skeleton as the camera sees it, the segments a
measure uses and its angle or offset, with the value the measure returns
for that pose.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.patches import Arc, FancyArrowPatch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posturecheck.landmarks import SKELETON_EDGES, Landmark  # noqa: E402
from posturecheck.measures.geometry import image_gravity_axes  # noqa: E402
from posturecheck.measures.pipeline import MeasureOptions, compute_measures  # noqa: E402
from tests.synthetic_skeleton import BodyPose, Camera, make_series  # noqa: E402

OUT = ROOT / "docs" / "figures"
L = Landmark
ACCENT, SECOND, GREY = "#d62728", "#1f77b4", "#999999"


def _screen(camera: Camera, pose: BodyPose) -> tuple[np.ndarray, dict[str, float]]:
    """Landmarks in screen coordinates (pixels, y up) and the measures' values for the pose."""
    series = make_series([pose] * 2, camera)
    table = compute_measures(series, 0, MeasureOptions(cutoff_hz=None, correct_swaps=False, height_cm=175.0))
    values = {name: float(m.values[0]) for name, m in table.measures.items()}
    return series.image_px[0, 0] * np.array([1.0, -1.0]), values


def _skeleton(ax: Axes, pts: np.ndarray, near: str | None) -> None:
    for a, b in SKELETON_EDGES:
        far = near is not None and (
            a.name.startswith(("LEFT", "RIGHT")) and not a.name.startswith(near.upper())
        )
        ax.plot(*pts[[a, b]].T, color="#cccccc" if far else "#444444", lw=2 if far else 3, zorder=1)
    ax.scatter(*pts.T, s=8, color="#444444", zorder=2)
    ax.set_aspect("equal")
    ax.axis("off")


def _mid(pts: np.ndarray, a: Landmark, b: Landmark) -> np.ndarray:
    return 0.5 * (pts[a] + pts[b])


def _angle_arc(
    ax: Axes, centre: np.ndarray, start: np.ndarray, end: np.ndarray, radius: float, text: str
) -> None:
    """Arc from direction ``start`` to direction ``end`` (screen vectors) around ``centre``, labelled."""
    a0, a1 = (np.degrees(np.arctan2(v[1], v[0])) for v in (start, end))
    if (a1 - a0) % 360 > 180:
        a0, a1 = a1, a0
    ax.add_patch(Arc(tuple(centre), 2 * radius, 2 * radius, theta1=a0, theta2=a1, color=ACCENT, lw=2))
    mid = np.radians(a0 + ((a1 - a0) % 360) / 2)
    ax.text(*(centre + 1.5 * radius * np.array([np.cos(mid), np.sin(mid)])), text, color=ACCENT, ha="center")


def _ray(ax: Axes, start: np.ndarray, direction: np.ndarray, length: float, **style: object) -> None:
    end = start + length * direction / np.linalg.norm(direction)
    ax.plot(*np.stack([start, end]).T, **{"color": SECOND, "lw": 1.5, "ls": "--", **style})


def sagittal_angles() -> None:
    """Hip flexion, knee flexion, thigh and trunk inclination on one side-view pose."""
    pose = BodyPose(hip_flexion_right=70, knee_flexion_right=60, trunk_inclination=15, hip_flexion_left=-10)
    pts, v = _screen(Camera(side="right"), pose)
    shoulder, hip = _mid(pts, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), _mid(pts, L.LEFT_HIP, L.RIGHT_HIP)
    knee, ankle = pts[L.RIGHT_KNEE], pts[L.RIGHT_ANKLE]
    fig, axes = plt.subplots(1, 4, figsize=(16, 6))
    titles = [
        f"hip_flexion_right = {v['hip_flexion_right']:+.0f}°\ntrunk's downward axis → thigh",
        f"knee_flexion_right = {v['knee_flexion_right']:+.0f}°\nthigh's line → shank",
        f"thigh_inclination_right = {v['thigh_inclination_right']:+.0f}°\nvertical → thigh",
        f"trunk_inclination = {v['trunk_inclination']:+.0f}°\nvertical → trunk",
    ]
    for ax, title in zip(axes, titles, strict=True):
        _skeleton(ax, pts, "right")
        ax.set_title(title, fontsize=11)
    r = 0.35 * np.linalg.norm(knee - hip)
    _ray(axes[0], hip, hip - shoulder, 2.2 * r)
    axes[0].plot(*np.stack([shoulder, hip]).T, color=SECOND, lw=2)
    _angle_arc(axes[0], hip, hip - shoulder, knee - hip, r, f"{v['hip_flexion_right']:+.0f}°")
    _ray(axes[1], knee, knee - hip, 2.2 * r)
    _angle_arc(axes[1], knee, knee - hip, ankle - knee, r, f"{v['knee_flexion_right']:+.0f}°")
    _ray(axes[2], hip, np.array([0.0, -1.0]), 2.2 * r)
    _angle_arc(axes[2], hip, np.array([0.0, -1.0]), knee - hip, r, f"{v['thigh_inclination_right']:+.0f}°")
    _ray(axes[3], hip, np.array([0.0, 1.0]), 4 * r)
    axes[3].plot(*np.stack([shoulder, hip]).T, color=SECOND, lw=2)
    _angle_arc(axes[3], hip, np.array([0.0, 1.0]), shoulder - hip, 1.5 * r, f"{v['trunk_inclination']:+.0f}°")
    fig.suptitle("Side view, person facing the image's right: + = toward the facing direction", fontsize=12)
    _save(fig, "sagittal_angles.png")


def frontal_measures() -> None:
    """Pelvic obliquity, shoulder tilt, trunk lateral lean and shift in a front view."""
    pose = BodyPose(pelvic_obliquity=8, shoulder_tilt=-6, trunk_lateral_lean=10)
    pts, v = _screen(Camera(yaw_deg=90), pose)
    fig, axes = plt.subplots(1, 2, figsize=(11, 7))
    for ax in axes:
        _skeleton(ax, pts, None)
    hips, shoulders = pts[[L.RIGHT_HIP, L.LEFT_HIP]], pts[[L.RIGHT_SHOULDER, L.LEFT_SHOULDER]]
    ax = axes[0]
    for pair, name, key in (
        (hips, "pelvic_obliquity", "pelvic_obliquity"),
        (shoulders, "shoulder_tilt", "shoulder_tilt"),
    ):
        ax.plot(*pair.T, color=ACCENT, lw=3)
        span = pair[1, 0] - pair[0, 0]
        ax.plot([pair[0, 0] - 0.3 * span, pair[1, 0] + 0.3 * span], [pair[0, 1]] * 2, color=SECOND, ls="--")
        ax.text(pair[1, 0] + 0.35 * span, pair[1, 1], f"{name}\n{v[key]:+.0f}°", color=ACCENT, va="center")
    ax.text(pts[L.LEFT_KNEE, 0] + 30, pts[L.LEFT_KNEE, 1], "person's\nleft leg", fontsize=9)
    ax.set_title("Lines against the true horizontal: + = left side higher", fontsize=11)
    ax = axes[1]
    hip, shoulder = _mid(pts, L.LEFT_HIP, L.RIGHT_HIP), _mid(pts, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)
    ax.plot(*np.stack([hip, shoulder]).T, color=ACCENT, lw=3)
    _ray(ax, hip, np.array([0.0, 1.0]), 1.2 * np.linalg.norm(shoulder - hip))
    _angle_arc(ax, hip, np.array([0.0, 1.0]), shoulder - hip, 0.45 * np.linalg.norm(shoulder - hip), "")
    ax.add_patch(
        FancyArrowPatch(
            (hip[0], shoulder[1] + 25),
            (shoulder[0], shoulder[1] + 25),
            arrowstyle="<->",
            color=SECOND,
            mutation_scale=12,
        )
    )
    ax.set_title(
        f"trunk_lateral_lean = {v['trunk_lateral_lean']:+.0f}° (vertical → trunk)\n"
        f"lateral_trunk_shift = {v['lateral_trunk_shift']:+.0f} % of trunk length; + = toward the left",
        fontsize=11,
    )
    fig.suptitle(
        "Front view (the person faces the camera, so their left is on the image's right)", fontsize=12
    )
    _save(fig, "frontal_measures.png")


def plumb_and_head() -> None:
    """Plumb-line offsets and the forward-head proxy on a standing side view."""
    pose = BodyPose(ear_shoulder_deg=55, trunk_inclination=4, hip_flexion_left=4, hip_flexion_right=4)
    pts, v = _screen(Camera(side="right"), pose)
    fig, axes = plt.subplots(1, 2, figsize=(11, 8))
    for ax in axes:
        _skeleton(ax, pts, None)
    ax = axes[0]
    ankle = _mid(pts, L.LEFT_ANKLE, L.RIGHT_ANKLE)
    top = _mid(pts, L.LEFT_EAR, L.RIGHT_EAR)[1] + 40
    ax.plot([ankle[0], ankle[0]], [ankle[1], top], color=SECOND, ls="--", lw=1.5)
    for part, a, b in (
        ("ear", L.LEFT_EAR, L.RIGHT_EAR),
        ("shoulder", L.LEFT_SHOULDER, L.RIGHT_SHOULDER),
        ("hip", L.LEFT_HIP, L.RIGHT_HIP),
        ("knee", L.LEFT_KNEE, L.RIGHT_KNEE),
    ):
        p = _mid(pts, a, b)
        ax.annotate(
            "", xy=tuple(p), xytext=(ankle[0], p[1]), arrowprops={"arrowstyle": "->", "color": ACCENT}
        )
        ax.text(
            max(p[0], ankle[0]) + 60,
            p[1] + 18,
            f"{part}: {v[f'plumb_offset_{part}']:+.1f} % ({v[f'plumb_offset_{part}_cm']:+.1f} cm)",
            va="center",
            color=ACCENT,
            fontsize=9,
        )
    ax.set_title(
        "plumb_offset_*: horizontal distance from the vertical\nthrough the ankle, + = anterior", fontsize=11
    )
    ax = axes[1]
    shoulder, ear = _mid(pts, L.LEFT_SHOULDER, L.RIGHT_SHOULDER), _mid(pts, L.LEFT_EAR, L.RIGHT_EAR)
    ax.plot(*np.stack([shoulder, ear]).T, color=ACCENT, lw=3)
    _ray(ax, shoulder, np.array([1.0, 0.0]), 1.6 * np.linalg.norm(ear - shoulder))
    _angle_arc(ax, shoulder, np.array([1.0, 0.0]), ear - shoulder, 0.5 * np.linalg.norm(ear - shoulder), "")
    ax.set_title(
        f"craniovertebral_angle_proxy = {v['craniovertebral_angle_proxy']:.0f}°\n"
        "anterior horizontal → shoulder-ear line (90 = ear above shoulder)",
        fontsize=11,
    )
    ax.set_ylim(shoulder[1] - 250, ear[1] + 120)
    fig.suptitle("Standing side view, person facing the image's right", fontsize=12)
    _save(fig, "plumb_and_head.png")


def camera_roll() -> None:
    """The camera roll convention: + roll turns the picture counter-clockwise."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 7))
    for ax, roll in zip(axes, (0.0, 12.0), strict=True):
        pts, _ = _screen(Camera(yaw_deg=90, roll_deg=roll, distance_m=4.5), BodyPose())
        _skeleton(ax, pts, None)
        w, h = 1080, 1920
        ax.plot([0, w, w, 0, 0], [0, 0, -h, -h, 0], color="black", lw=1)
        right, up = image_gravity_axes(roll)
        centre = _mid(pts, L.LEFT_HIP, L.RIGHT_HIP)
        screen_up = up * np.array([1.0, -1.0])
        ax.annotate(
            "",
            xy=tuple(centre + 700 * screen_up),
            xytext=tuple(centre),
            arrowprops={"arrowstyle": "->", "color": ACCENT, "lw": 2},
        )
        ax.text(*(centre + 760 * screen_up), "true up\n(−sin r, −cos r)", color=ACCENT, ha="center")
        ax.set_title(f"camera_roll_deg = {roll:+.0f}", fontsize=12)
        ax.set_xlim(-100, w + 100)
        ax.set_ylim(-h - 100, 100)
    fig.suptitle(
        "+ roll: the camera was turned clockwise (seen from behind it),\n"
        "so the picture's content appears turned counter-clockwise",
        fontsize=12,
    )
    _save(fig, "camera_roll.png")


def view_zones() -> None:
    """Top view: body yaw, and which measures each view allows."""
    fig, ax = plt.subplots(figsize=(8, 8))
    zones = [
        (0, 15, "#b7e4c7", "0-15 side: 2D + 3D sagittal"),
        (15, 60, "#f6d186", "15-60 oblique: none (real footage, validation.md)"),
        (60, 80, "#f4c7c3", "60-80: 3D frontal only"),
        (80, 90, "#c7d7f4", "80-90 front/back: 2D + 3D frontal"),
    ]
    # Yaw runs from the image's right toward the camera, which sits at the bottom: page angle = -yaw.
    for lo, hi, colour, label in zones:
        for base, sign in ((0, 1), (0, -1), (180, 1), (180, -1)):
            a, b = sorted((-(base + sign * lo), -(base + sign * hi)))
            ax.add_patch(matplotlib.patches.Wedge((0, 0), 1.0, a, b, color=colour))
        ax.plot([], [], color=colour, lw=10, label=label)
    labels = ((0, "0: facing image right"), (90, "+90: facing the camera"), (180, "180: facing image left"))
    for yaw, text in labels + ((-90, "−90: back to camera"),):
        p = 1.12 * np.array([np.cos(np.radians(-yaw)), np.sin(np.radians(-yaw))])
        ax.text(*p, text, ha="center", va="center", fontsize=10)
    ax.text(0, 0, "off-side angle\n= yaw folded to 0..90", ha="center", va="center", fontsize=9)
    ax.annotate("", xy=(0, -1.3), xytext=(0, -1.5), arrowprops={"arrowstyle": "->", "lw": 2})
    ax.text(0, -1.6, "camera (looking up the page)", ha="center")
    ax.legend(loc="upper left", fontsize=9, bbox_to_anchor=(-0.05, 1.02))
    ax.set_xlim(-1.6, 1.6)
    ax.set_ylim(-1.7, 1.4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Body yaw seen from above: the direction the person faces", fontsize=12)
    _save(fig, "view_zones.png")


def _save(fig: plt.Figure, name: str) -> None:
    fig.tight_layout()
    fig.savefig(OUT / name, dpi=80)
    plt.close(fig)
    print(OUT / name)


def main() -> None:
    """Write every figure."""
    OUT.mkdir(parents=True, exist_ok=True)
    sagittal_angles()
    frontal_measures()
    plumb_and_head()
    camera_roll()
    view_zones()


if __name__ == "__main__":
    main()
