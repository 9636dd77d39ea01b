"""Accuracy of the measures on synthetic skeletons seen through random pinhole cameras.

Prints, for views 0/15/30/45 deg off a pure side view and image noise of 0, 0.2,
0.5 and 1 % of the image height, the mean absolute and 95th-percentile
error of each sagittal angle by the 2D (image) and 3D (world) methods, with
the share of frames each method flags as invalid; then the same for frontal
measures near a front view, and the effect of the low-pass filter on a
smooth movement.

Cameras: either side, yaw as listed, pitch uniform in +-5 deg (not
corrected: the measures assume a level camera), roll uniform in +-10 deg
(given to the measures, as a user who knows it would), distance 2.5-5 m.
World landmarks get noise of the same size in metres at the camera
distance; real MediaPipe world depth is less accurate than that, so the 3D
columns are a best case.

Run: ``python benchmarks/accuracy_synthetic.py [--poses N] [--seed S]``
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from posturecheck.measures.pipeline import MeasureOptions, compute_measures  # noqa: E402
from tests.synthetic_skeleton import BodyPose, Camera, make_series  # noqa: E402

YAWS = (0.0, 15.0, 30.0, 45.0)
NOISES = (0.0, 0.002, 0.005, 0.01)
SAGITTAL = {
    "hip flexion": ("hip_flexion_left", "hip_flexion_right"),
    "knee flexion": ("knee_flexion_left", "knee_flexion_right"),
    "thigh inclination": ("thigh_inclination_left", "thigh_inclination_right"),
    "trunk inclination": ("trunk_inclination",),
}
FRONTAL = {
    "pelvic obliquity": ("pelvic_obliquity",),
    "shoulder tilt": ("shoulder_tilt",),
    "trunk lateral lean": ("trunk_lateral_lean",),
}
CAMERAS_PER_CELL = 8


def random_poses(rng: np.random.Generator, n: int) -> list[BodyPose]:
    """Poses from standing to deep sitting and bending, with a little frontal asymmetry."""
    return [
        BodyPose(
            hip_flexion_left=rng.uniform(-20, 110),
            hip_flexion_right=rng.uniform(-20, 110),
            knee_flexion_left=rng.uniform(0, 120),
            knee_flexion_right=rng.uniform(0, 120),
            trunk_inclination=rng.uniform(-15, 45),
            trunk_lateral_lean=rng.uniform(-8, 8),
            pelvic_obliquity=rng.uniform(-6, 6),
            shoulder_tilt=rng.uniform(-6, 6),
        )
        for _ in range(n)
    ]


def truth(pose: BodyPose, name: str) -> float:
    """The value a measure should return for a synthetic pose."""
    if name.startswith("thigh_inclination"):
        return getattr(pose, name.replace("thigh_inclination", "hip_flexion")) - pose.trunk_inclination
    return float(getattr(pose, name))


def random_camera(rng: np.random.Generator, yaw: float, side: str | None = None) -> Camera:
    """A camera at the given yaw with random side, pitch, roll and distance."""
    return Camera(
        yaw_deg=yaw,
        side=side or str(rng.choice(["left", "right"])),
        pitch_deg=rng.uniform(-5, 5),
        roll_deg=rng.uniform(-10, 10),
        distance_m=rng.uniform(2.5, 5.0),
    )


def errors(
    rng: np.random.Generator, yaw: float, noise: float, n_poses: int, groups: dict[str, tuple[str, ...]]
) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Per measure group and method: absolute errors and invalid flags over all frames."""
    found: dict[str, dict[str, list[tuple[np.ndarray, np.ndarray]]]] = {
        g: {"2d": [], "3d": []} for g in groups
    }
    per_camera = max(1, n_poses // CAMERAS_PER_CELL)
    for _ in range(CAMERAS_PER_CELL):
        camera = random_camera(rng, yaw)
        poses = random_poses(rng, per_camera)
        series = make_series(poses, camera, noise_frac=noise, seed=int(rng.integers(1 << 31)))
        # Independent poses in every frame: filtering and swap tracking would mix them. Pitch is
        # given as level (0): the table shows what an uncorrected small pitch costs, and random
        # independent poses are no upright axis to estimate it from.
        options = MeasureOptions(
            cutoff_hz=None, correct_swaps=False, camera_roll_deg=camera.roll_deg, camera_pitch_deg=0.0
        )
        table = compute_measures(series, 0, options)
        for group, names in groups.items():
            for name in names:
                expected = np.array([truth(p, name) for p in poses])
                for method in ("2d", "3d"):
                    m = table.measures[f"{name}_{method}"]
                    found[group][method].append((np.abs(m.values - expected), ~m.valid))
    return {
        g: {
            k: (np.concatenate([e for e, _ in v]), np.concatenate([f for _, f in v]))
            for k, v in methods.items()
        }
        for g, methods in found.items()
    }


def _cells(abs_error: np.ndarray, flagged: np.ndarray) -> str:
    finite = abs_error[np.isfinite(abs_error)]
    if finite.size == 0:
        return f"{'-':>6} {'-':>6} {100 * flagged.mean():>5.0f}%"
    return f"{finite.mean():6.2f} {np.percentile(finite, 95):6.2f} {100 * flagged.mean():>5.0f}%"


def print_table(
    title: str, rows: list[tuple[str, str, str, dict[str, tuple[np.ndarray, np.ndarray]]]]
) -> None:
    """Rows of (view, noise, measure, method -> (errors, flags))."""
    print(title)
    header = f"{'view':>10} {'noise':>6} {'measure':<19}| {'2D mean':>6} {'p95':>6} {'flag':>6} | "
    print(header + f"{'3D mean':>6} {'p95':>6} {'flag':>6}")
    print("-" * (len(header) + 22))
    for view, noise, measure, methods in rows:
        two = _cells(*methods["2d"])
        three = _cells(*methods["3d"])
        print(f"{view:>10} {noise:>6} {measure:<19}| {two} | {three}")
    print()


def filtering_effect(rng: np.random.Generator) -> None:
    """Hip flexion error on a smooth stepping movement, raw vs 6 Hz low-pass, side view at 30 fps."""
    phase = 2 * np.pi * 0.8 * np.arange(300) / 30.0
    poses = [
        BodyPose(hip_flexion_left=20 + 30 * np.sin(p), knee_flexion_left=30 + 25 * np.sin(p + 0.6))
        for p in phase
    ]
    expected = np.array([p.hip_flexion_left for p in poses])
    print("Low-pass filter (6 Hz, zero lag) on a 0.8 Hz stepping movement, side view, 30 fps, 2D hip flexion")
    print(f"{'noise':>6} | {'raw mean':>8} {'p95':>6} | {'filtered mean':>13} {'p95':>6}")
    for noise in NOISES[1:]:
        series = make_series(poses, Camera(side="right"), noise_frac=noise, seed=int(rng.integers(1 << 31)))
        table = compute_measures(series, 0, MeasureOptions())
        raw = np.abs(table.raw["hip_flexion_left_2d"].values - expected)
        smooth = np.abs(table.measures["hip_flexion_left_2d"].values - expected)
        print(
            f"{100 * noise:>5.1f}% | {raw.mean():8.2f} {np.percentile(raw, 95):6.2f} | "
            f"{smooth.mean():13.2f} {np.percentile(smooth, 95):6.2f}"
        )
    print()


def main() -> None:
    """Print the accuracy tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--poses", type=int, default=400, help="random poses per view and noise level")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"{args.poses} random poses per row (seed {args.seed}); errors in degrees; flag = share of frames")
    print("marked invalid. Pitch +-5 deg uncorrected, roll +-10 deg corrected, distance 2.5-5 m.\n")
    rows = []
    for yaw in YAWS:
        for noise in NOISES:
            found = errors(rng, yaw, noise, args.poses, SAGITTAL)
            rows += [(f"side+{yaw:.0f}", f"{100 * noise:.1f}%", g, found[g]) for g in SAGITTAL]
    print_table("Sagittal measures, views off a pure side view", rows)
    rows = []
    for off_front in (0.0, 10.0, 20.0):
        for noise in NOISES:
            found = errors(rng, 90.0 - off_front, noise, args.poses, FRONTAL)
            rows += [(f"front+{off_front:.0f}", f"{100 * noise:.1f}%", g, found[g]) for g in FRONTAL]
    print_table("Frontal measures, views off a pure front view", rows)
    filtering_effect(rng)


if __name__ == "__main__":
    main()
