"""Stage 1 of ``validation_rendered.py``: pose a parametric human body and render it headless.

Runs in its own virtual environment (torch and the ``anny`` body model,
which ``validation_rendered.py`` creates outside the repository); it imports
nothing of posturecheck. Writes, per sequence and camera, a video
(``<sequence>_<view>.avi``) and, per sequence, the truth
(``<sequence>.truth.csv`` and ``<sequence>.joints.npz``) into the cache folder.

Body model: ``anny`` (NAVER, Apache-2.0 code; MakeHuman/MPFB2 assets, CC0),
default phenotype, its 104-bone rig posed with world-aligned local rotations
(``pose_parameterization="local-ref"``: a bone's rotation composes with its
parent's, in world axes). Anny's frame: x = the body's left, y = posterior,
z = up, metres.

Renderer: a numpy z-buffer rasteriser (no screen, no GPU): perspective
pinhole camera, Lambert shading with interpolated vertex normals and an
ambient term, a colour per body part (skin, shirt with short sleeves,
trousers, shoes) from each vertex's dominant bone, a tiled floor and a plain
wall colour; rendered at twice the size and averaged down (anti-aliasing).

Truth, in posturecheck's conventions (docs/measurements.md), from the posed
model's OWN joint centres (bone heads): shoulders = ``upperarm01`` heads,
hips = ``upperleg01`` heads, knees = ``lowerleg01`` heads, ankles = ``foot``
heads. Hip flexion: thigh (hip -> knee) against the trunk's downward axis
(mid-shoulder -> mid-hip) in the plane normal to the hip-to-hip axis,
+ flexion. Knee flexion: 3D angle between thigh and shank, + flexion. Trunk
inclination: mid-hip -> mid-shoulder against the vertical, + forward.
Pelvic tilt: rotation of the pelvis segment (the rig's root, which carries
the pelvis mesh) about the left-right axis from the model's neutral rest
pose, + anterior (top of the pelvis forward). Lumbar curve: the pelvis's
sagittal tilt minus the thorax's (``spine02``), degrees, + more lordotic
than the model's neutral.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FPS = 30.0
WIDTH, HEIGHT = 640, 480
SUPERSAMPLE = 2
FOCAL_PX = 560.0
CAMERA_DISTANCE_M = 2.7
VIEWS_DEG = (0, 15, 30, 45, 60, 90)
PITCHED_DEG = 20.0

# Waistband height in anny's rest frame (the root's head is at z = 0, hips at about -0.01).
WAIST_Z = 0.06
SKIN = np.array([0.84, 0.64, 0.52])
SHIRT = np.array([0.20, 0.42, 0.68])
TROUSERS = np.array([0.25, 0.25, 0.30])
SHOES = np.array([0.12, 0.10, 0.10])
HAIR = np.array([0.22, 0.15, 0.10])
WALL = np.array([0.86, 0.85, 0.82])
FLOOR_A = np.array([0.62, 0.58, 0.52])
FLOOR_B = np.array([0.55, 0.51, 0.46])


def rx(deg: float) -> np.ndarray:
    """Rotation about anny's x axis (the body's left): + turns up (z) toward posterior (+y)... see notes.

    With y posterior and z up, ``rx(a)`` maps z to (0, -sin a, cos a): + tips
    an upward segment forward (anterior tilt); a downward segment (the
    thigh) goes backward (extension), so hip flexion is ``rx(-a)`` and knee
    flexion (shank backward) ``rx(+a)``.
    """
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def ry(deg: float) -> np.ndarray:
    """Rotation about anny's y axis (posterior)."""
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def align(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation taking direction ``a`` onto direction ``b`` (Rodrigues)."""
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    v = np.cross(a, b)
    c = float(a @ b)
    k = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + k + k @ k / (1 + c)


@dataclass
class Pose:
    """One frame's pose in the terms the sequences set, degrees.

    pelvis: pelvic tilt (+ anterior); thorax: thorax tilt (+ forward), the
    lumbar bones take ``pelvis - thorax`` between them; thigh_*: thigh
    against the vertical (+ forward); knee_*: knee bend (+ flexion).
    """

    pelvis: float = 0.0
    thorax: float = 0.0
    thigh_left: float = 0.0
    thigh_right: float = 0.0
    knee_left: float = 0.0
    knee_right: float = 0.0


def sequences() -> dict[str, list[Pose]]:
    """The three sequences: standing pelvic-tilt sweep, knee raises, walk-like leg swing."""
    seqs: dict[str, list[Pose]] = {}
    # (a) standing, pelvic tilt -10 -> +15 -> -10 (triangle, 150 frames), thorax
    # tilt +-6 at another rate so the lumbar curve (pelvis - thorax) is not the tilt.
    n = 150
    tilt = []
    for i in range(n):
        u = i / (n - 1)
        tri = 1 - abs(2 * u - 1)
        pelvis = -10 + 25 * tri
        thorax = 6 * math.sin(2 * math.pi * 1.5 * u)
        # thighs stay vertical, knees straight, as a person standing
        tilt.append(Pose(pelvis=pelvis, thorax=thorax))
    seqs["tilt"] = tilt
    # (b) knee raise, each leg: 0 -> 100 -> 0 hip, knee 0 -> 95 -> 0, 75 frames per leg
    raise_ = []
    for leg in ("left", "right"):
        for i in range(75):
            u = i / 74
            s = 0.5 - 0.5 * math.cos(2 * math.pi * u)  # 0 -> 1 -> 0, smooth
            kw = {f"thigh_{leg}": 100 * s, f"knee_{leg}": 95 * s}
            raise_.append(Pose(**kw))
    seqs["knee_raise"] = raise_
    # (c) walk-like leg swing in place: thigh -15..+30 in antiphase, knee bends in swing, 4 strides of 1 s
    walk = []
    for i in range(120):
        phase = 2 * math.pi * i / 30.0
        left = 7.5 + 22.5 * math.sin(phase)
        right = 7.5 + 22.5 * math.sin(phase + math.pi)
        kl = 5 + 55 * max(0.0, math.sin(phase + 0.6)) ** 2
        kr = 5 + 55 * max(0.0, math.sin(phase + math.pi + 0.6)) ** 2
        walk.append(Pose(thigh_left=left, thigh_right=right, knee_left=kl, knee_right=kr))
    seqs["walk"] = walk
    return seqs


class Body:
    """The anny model, posed by :class:`Pose`, giving vertices and joint centres in a gravity frame."""

    def __init__(self) -> None:
        import anny  # noqa: PLC0415
        import torch  # noqa: PLC0415

        self.torch = torch
        self.model = anny.Anny().to(dtype=torch.float32)
        self.labels = list(self.model.bone_labels)
        self.parents = list(self.model.bone_parents)
        self.faces = self.model.faces.numpy().astype(np.int64)
        weights = self.model.vertex_bone_weights.numpy()
        bones = self.model.vertex_bone_indices.numpy()
        self.vertex_bone = bones[np.arange(len(bones)), weights.argmax(1)]
        self.index = {name: i for i, name in enumerate(self.labels)}
        self.arm_rotations: dict[str, np.ndarray] = {}
        _, rest = self.pose(Pose())
        heads = rest[:, :3, 3]
        for side, x in (("L", 1.0), ("R", -1.0)):
            shoulder, elbow, wrist = (
                heads[self.index[f"{b}.{side}"]] for b in ("upperarm01", "lowerarm01", "wrist")
            )
            upper = align(elbow - shoulder, np.array([0.12 * x, -0.10, -1.0]))
            self.arm_rotations[f"upperarm01.{side}"] = upper
            self.arm_rotations[f"lowerarm01.{side}"] = (
                align(upper @ (wrist - elbow), np.array([0.10 * x, -0.30, -1.0])) @ upper
            )

    def colours(self, rest_vertices: np.ndarray) -> np.ndarray:
        """Per-vertex colour by body part (dominant bone), (V, 3) in 0..1."""
        names = [self.labels[b] for b in self.vertex_bone]
        out = np.empty((len(names), 3))
        for i, name in enumerate(names):
            if name.startswith(("upperleg", "lowerleg", "pelvis", "root")) or (
                name.startswith("spine05") and rest_vertices[i, 2] < WAIST_Z
            ):
                out[i] = TROUSERS
            elif name.startswith(("foot", "toe")):
                out[i] = SHOES
            elif name.startswith(("spine", "clavicle", "shoulder", "upperarm01", "breast")):
                out[i] = SHIRT
            else:
                out[i] = SKIN
        # hair: head vertices above the ears and behind the face
        head = np.array([n.startswith(("head", "neck03")) for n in names])
        z = rest_vertices[:, 2]
        top = head & (z > np.percentile(z[head], 55)) & (rest_vertices[:, 1] > -0.05)
        out[top] = HAIR
        return out

    def pose(self, p: Pose) -> tuple[np.ndarray, np.ndarray]:
        """Vertices (V, 3) and bone poses (B, 4, 4) in anny's frame for one :class:`Pose`."""
        world_rot = {  # wanted rotation (world axes) of a bone relative to its rest orientation
            "root": rx(p.pelvis),
            "spine02": rx(p.thorax),
            "upperleg01.L": rx(-p.thigh_left),
            "upperleg01.R": rx(-p.thigh_right),
            "lowerleg01.L": rx(-p.thigh_left) @ rx(p.knee_left),
            "lowerleg01.R": rx(-p.thigh_right) @ rx(p.knee_right),
            # arms from the A pose down beside the body, a little forward
            **self.arm_rotations,
        }
        # lumbar bones share pelvis -> thorax
        step = (p.thorax - p.pelvis) / 3.0
        chain = ("spine05", "spine04", "spine03")
        for k, name in enumerate(chain, start=1):
            world_rot[name] = rx(p.pelvis + k * step)
        # deltas: D_c = G_parent^T G_c (world-aligned local rotations compose along the chain)
        n = len(self.labels)
        G = [np.eye(3)] * n
        deltas = np.tile(np.eye(4), (n, 1, 1))
        for c in range(n):
            parent = self.parents[c]
            g_parent = G[parent] if parent >= 0 else np.eye(3)
            wanted = world_rot.get(self.labels[c])
            if wanted is None:
                G[c] = g_parent
            else:
                G[c] = wanted
                deltas[c, :3, :3] = g_parent.T @ wanted
        torch = self.torch
        out = self.model(pose_parameters=torch.tensor(deltas[None], dtype=torch.float32))
        return out["vertices"][0].numpy().astype(np.float64), out["bone_poses"][0].numpy().astype(np.float64)

    def joints(self, bone_poses: np.ndarray) -> dict[str, np.ndarray]:
        """Joint centres (bone heads) in anny's frame, (3,) each."""
        names = {
            "shoulder_left": "upperarm01.L",
            "shoulder_right": "upperarm01.R",
            "hip_left": "upperleg01.L",
            "hip_right": "upperleg01.R",
            "knee_left": "lowerleg01.L",
            "knee_right": "lowerleg01.R",
            "ankle_left": "foot.L",
            "ankle_right": "foot.R",
            "head": "head",
        }
        return {key: bone_poses[self.index[bone], :3, 3].copy() for key, bone in names.items()}

    def segment_tilt(self, bone_poses: np.ndarray, rest_poses: np.ndarray, bone: str) -> float:
        """Sagittal tilt of a bone from its rest orientation, + anterior (top forward), degrees."""
        i = self.index[bone]
        rel = bone_poses[i, :3, :3] @ rest_poses[i, :3, :3].T
        # rotation about x: the image of z = (0, -sin a, cos a)
        z = rel[:, 2]
        return math.degrees(math.atan2(-z[1], z[2]))


def signed_sagittal(a: np.ndarray, b: np.ndarray, axis: np.ndarray) -> float:
    """Signed angle from a to b in the plane normal to ``axis``, + by the right hand about ``axis``."""
    axis = axis / np.linalg.norm(axis)
    a = a - axis * (a @ axis)
    b = b - axis * (b @ axis)
    return math.degrees(math.atan2(np.cross(a, b) @ axis, a @ b))


def truth_row(j: dict[str, np.ndarray], pelvic: float, lumbar: float) -> dict[str, float]:
    """The true values of one frame in posturecheck's conventions (module notes), degrees."""
    mid_sh = (j["shoulder_left"] + j["shoulder_right"]) / 2
    mid_hip = (j["hip_left"] + j["hip_right"]) / 2
    left_axis = j["hip_left"] - j["hip_right"]  # toward the body's left
    trunk_down = mid_hip - mid_sh
    row = {"pelvic_tilt": pelvic, "lumbar_curve": lumbar}
    for side in ("left", "right"):
        thigh = j[f"knee_{side}"] - j[f"hip_{side}"]
        shank = j[f"ankle_{side}"] - j[f"knee_{side}"]
        # flexion brings the knee anterior (-y): about +x (left) that is the negative sense
        row[f"hip_flexion_{side}"] = -signed_sagittal(trunk_down, thigh, left_axis)
        cos = thigh @ shank / np.linalg.norm(thigh) / np.linalg.norm(shank)
        sign = -1.0 if signed_sagittal(thigh, shank, left_axis) < 0 else 1.0
        row[f"knee_flexion_{side}"] = sign * math.degrees(math.acos(np.clip(cos, -1, 1)))
    up = np.array([0.0, 0.0, 1.0])
    horizontal_left = left_axis - up * (left_axis @ up)
    # with x the body's left, y posterior and z up (right-handed), left x up = anterior (-y)
    anterior = np.cross(horizontal_left, up)
    anterior = anterior / np.linalg.norm(anterior)
    trunk = mid_sh - mid_hip
    row["trunk_inclination"] = math.degrees(math.atan2(trunk @ anterior, trunk @ up))
    return row


def look_at(position: np.ndarray, target: np.ndarray) -> np.ndarray:
    """World -> camera rotation (rows: right, down, forward), OpenCV convention, z up world."""
    forward = target - position
    forward = forward / np.linalg.norm(forward)
    right = np.cross(forward, np.array([0.0, 0.0, 1.0]))
    right = right / np.linalg.norm(right)
    down = np.cross(forward, right)
    return np.stack([right, down, forward])


@dataclass(frozen=True)
class Camera:
    """A pinhole camera: world -> camera rotation R, centre C (metres), focal f (px), image size."""

    R: np.ndarray
    C: np.ndarray
    f: float
    width: int
    height: int

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates (N, 2) and depth (N,)."""
        cam = (points - self.C) @ self.R.T
        z = cam[:, 2]
        uv = self.f * cam[:, :2] / z[:, None] + np.array([self.width / 2, self.height / 2])
        return uv, z


def camera_for(view_deg: float, pitch_deg: float, target: np.ndarray, scale: int) -> Camera:
    """Camera ``view_deg`` from the body's left side toward its front, level or pitched down.

    It looks at ``target`` from :data:`CAMERA_DISTANCE_M` away (horizontally).
    """
    a = math.radians(view_deg)
    horizontal = np.array([math.cos(a), -math.sin(a), 0.0])  # +x = left side, -y = front
    height = CAMERA_DISTANCE_M * math.tan(math.radians(pitch_deg))
    position = target + CAMERA_DISTANCE_M * horizontal + np.array([0.0, 0.0, height])
    return Camera(look_at(position, target), position, FOCAL_PX * scale, WIDTH * scale, HEIGHT * scale)


def vertex_normals(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals, (V, 3) unit."""
    tri = vertices[faces]
    fn = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    normals = np.zeros_like(vertices)
    for k in range(3):
        np.add.at(normals, faces[:, k], fn)
    return normals / np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)


def rasterise(
    uv: np.ndarray, z: np.ndarray, faces: np.ndarray, width: int, height: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Z-buffer of triangles: per pixel the nearest face (-1 none), its depth and barycentrics.

    Pixel (r, c) has its centre at (c + 0.5, r + 0.5). Triangles are grouped
    by bounding-box size and tested against every pixel centre in their box
    at once; the nearest candidate per pixel wins.
    """
    tri = uv[faces]  # (T, 3, 2)
    tz = z[faces]
    keep = np.all(tz > 0.1, axis=1)
    lo = np.floor(tri.min(1) - 0.5).astype(np.int64)
    hi = np.ceil(tri.max(1) - 0.5).astype(np.int64)
    size = np.max(hi - lo + 1, axis=1)
    pix_all, depth_all, face_all, bary_all = [], [], [], []
    for s_lo, s_hi in ((0, 4), (4, 8), (8, 16), (16, 32), (32, 64), (64, 4096)):
        sel = np.nonzero(keep & (size > s_lo) & (size <= s_hi))[0]
        if len(sel) == 0:
            continue
        grid = int(size[sel].max())
        for chunk in np.array_split(sel, max(1, len(sel) * grid * grid // 4_000_000 + 1)):
            g = np.arange(grid)
            gx, gy = np.meshgrid(g, g)
            px = lo[chunk, 0, None] + gx.ravel()[None]  # (n, s*s)
            py = lo[chunk, 1, None] + gy.ravel()[None]
            cx, cy = px + 0.5, py + 0.5
            a, b, c = tri[chunk, 0], tri[chunk, 1], tri[chunk, 2]
            area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])
            ok_area = np.abs(area) > 1e-9
            area = np.where(ok_area, area, 1.0)[:, None]
            w0 = (
                (b[:, 0, None] - cx) * (c[:, 1, None] - cy) - (b[:, 1, None] - cy) * (c[:, 0, None] - cx)
            ) / area
            w1 = (
                (c[:, 0, None] - cx) * (a[:, 1, None] - cy) - (c[:, 1, None] - cy) * (a[:, 0, None] - cx)
            ) / area
            w2 = 1.0 - w0 - w1
            inside = (w0 >= 0) & (w1 >= 0) & (w2 >= 0) & ok_area[:, None]
            inside &= (px >= 0) & (px < width) & (py >= 0) & (py < height)
            rows, cols = np.nonzero(inside)
            if len(rows) == 0:
                continue
            bary = np.stack([w0[rows, cols], w1[rows, cols], w2[rows, cols]], 1)
            depth = (bary * tz[chunk[rows]]).sum(1)
            pix_all.append(py[rows, cols] * width + px[rows, cols])
            depth_all.append(depth)
            face_all.append(chunk[rows])
            bary_all.append(bary)
    face_buf = np.full(width * height, -1, dtype=np.int64)
    depth_buf = np.full(width * height, np.inf)
    bary_buf = np.zeros((width * height, 3))
    if pix_all:
        pix = np.concatenate(pix_all)
        depth = np.concatenate(depth_all)
        order = np.lexsort((depth, pix))
        pix, depth = pix[order], depth[order]
        first = np.ones(len(pix), bool)
        first[1:] = pix[1:] != pix[:-1]
        sel = order[first]
        face_buf[pix[first]] = np.concatenate(face_all)[sel]
        depth_buf[pix[first]] = depth[first]
        bary_buf[pix[first]] = np.concatenate(bary_all)[sel]
    return face_buf, depth_buf, bary_buf


def backdrop(cam: Camera) -> tuple[np.ndarray, np.ndarray]:
    """The scene without the body, as ``cam`` sees it.

    Returns the wall and tiled floor (z = 0) colours (H, W, 3) and the
    floor's depth per pixel (H*W,), inf where the wall is.
    """
    w, h = cam.width, cam.height
    cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    rays_cam = np.stack([(cols - w / 2) / cam.f, (rows - h / 2) / cam.f, np.ones_like(cols)], -1)
    rays = rays_cam @ cam.R  # camera -> world
    t = -cam.C[2] / np.where(np.abs(rays[..., 2]) > 1e-9, rays[..., 2], -1e-9)
    floor = (rays[..., 2] < 0) & (t > 0)
    hit = cam.C + t[..., None] * rays
    tiles = (np.floor(hit[..., 0] / 0.5) + np.floor(hit[..., 1] / 0.5)) % 2 == 0
    image = np.where(floor[..., None], np.where(tiles[..., None], FLOOR_A, FLOOR_B), WALL)
    fade = np.clip(t / 12.0, 0, 1)[..., None]  # far floor fades into the wall colour
    image = np.where(floor[..., None], image * (1 - fade) + WALL * fade, image)
    # the ray has z = 1 in camera coordinates, so t is the hit's depth along the optical axis
    return image, np.where(floor, t, np.inf).ravel()


def render(
    vertices: np.ndarray,
    faces: np.ndarray,
    colours: np.ndarray,
    cam: Camera,
    scene: tuple[np.ndarray, np.ndarray],
) -> np.ndarray:
    """One RGB frame (H, W, 3) uint8 at the output size: the body in front of ``scene`` (:func:`backdrop`)."""
    w, h = cam.width, cam.height
    uv, z = cam.project(vertices)
    face_buf, depth_buf, bary = rasterise(uv, z, faces, w, h)
    image, floor_depth = scene
    image = image.copy()
    # ray length along the optical axis is t (z = 1)
    body = (face_buf >= 0) & (depth_buf < floor_depth)
    idx = np.nonzero(body)[0]
    fv = faces[face_buf[idx]]
    b = bary[idx]
    normals = vertex_normals(vertices, faces)
    n = (normals[fv] * b[..., None]).sum(1)
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    point = (vertices[fv] * b[..., None]).sum(1)
    to_cam = cam.C - point
    to_cam /= np.linalg.norm(to_cam, axis=1, keepdims=True)
    n = np.where(((n * to_cam).sum(1) < 0)[:, None], -n, n)
    light = np.array([0.3, -0.4, 0.85])
    light = light / np.linalg.norm(light)
    head_light = to_cam
    shade = 0.35 + 0.45 * np.clip(n @ light, 0, 1) + 0.30 * np.clip((n * head_light).sum(1), 0, 1)
    colour = (colours[fv] * b[..., None]).sum(1) * np.clip(shade, 0, 1.1)[:, None]
    flat = image.reshape(-1, 3)
    flat[idx] = np.clip(colour, 0, 1)
    image = flat.reshape(h, w, 3)
    s = SUPERSAMPLE
    image = image.reshape(h // s, s, w // s, s, 3).mean((1, 3))
    return (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)


def view_names() -> list[tuple[str, float, float]]:
    """(name, degrees from side toward the front, pitch down)."""
    out = [(f"view{v:02d}", float(v), 0.0) for v in VIEWS_DEG]
    out.append(("view00_pitch20", 0.0, PITCHED_DEG))
    return out


def main() -> None:
    """Render every sequence from every view into ``--out``."""
    import cv2  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--only", default="", help="comma-separated sequences to render (default all)")
    parser.add_argument("--frames", type=int, default=0, help="render only the first N frames (a check)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    body = Body()
    rest_vertices, rest_poses = body.pose(Pose())
    floor_z = rest_vertices[:, 2].min()
    colours = body.colours(rest_vertices)
    wanted = [s for s in args.only.split(",") if s]
    for name, poses in sequences().items():
        if wanted and name not in wanted:
            continue
        if args.frames:
            poses = poses[: args.frames]
        frames = []
        rows = []
        joints_all = []
        for k, p in enumerate(poses):
            vertices, bone_poses = body.pose(p)
            j = body.joints(bone_poses)
            # the standing foot on the floor: the lowest point of the body at z = 0 (walk: in place)
            drop = vertices[:, 2].min() if name == "walk" else floor_z
            vertices = vertices - np.array([0.0, 0.0, drop])
            j = {key: value - np.array([0.0, 0.0, drop]) for key, value in j.items()}
            pelvic = body.segment_tilt(bone_poses, rest_poses, "root")
            thorax = body.segment_tilt(bone_poses, rest_poses, "spine02")
            row = {"frame": k, "time_s": k / FPS, **truth_row(j, pelvic, pelvic - thorax)}
            rows.append(row)
            joints_all.append(np.stack([j[key] for key in sorted(j)]))
            frames.append(vertices.astype(np.float32))
        target = np.array(
            [0.0, 0.0, float(np.mean([jj[sorted(j).index("hip_left")][2] for jj in joints_all]))]
        )
        with (args.out / f"{name}.truth.csv").open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        np.savez_compressed(
            args.out / f"{name}.joints.npz", names=np.array(sorted(j)), joints=np.stack(joints_all), fps=FPS
        )
        for view, deg, pitch in view_names():
            cam = camera_for(deg, pitch, target, SUPERSAMPLE)
            path = args.out / f"{name}_{view}.avi"
            partial = path.with_name(path.stem + ".partial.avi")
            writer_ = cv2.VideoWriter(str(partial), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (WIDTH, HEIGHT))
            writer_.set(cv2.VIDEOWRITER_PROP_QUALITY, 95)
            scene = backdrop(cam)
            for vertices in frames:
                rgb = render(vertices.astype(np.float64), body.faces, colours, cam, scene)
                writer_.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
            writer_.release()
            os.replace(partial, path)
            # camera for stage 2: R (world -> camera), centre, focal, size; world = anny's frame, floor z = 0
            np.savez(
                args.out / f"{name}_{view}.camera.npz",
                R=cam.R,
                C=cam.C,
                f=FOCAL_PX,
                size=np.array([WIDTH, HEIGHT]),
                view_deg=deg,
                pitch_deg=pitch,
            )
            print(f"{name} {view}: {len(frames)} frames", flush=True)


if __name__ == "__main__":
    main()
