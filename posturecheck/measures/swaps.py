"""Undo left/right label swaps in a pose series.

MediaPipe sometimes labels a person's left limbs as right and the reverse
for a run of frames, most often when the person faces towards or away from
the camera. Seen over time, such a run is a jump of every limb to where its
mirror twin was, and a jump back at the end. This module finds, for each
person slot and for the legs and the rest of the body separately, the
labelling of every frame (as given, or mirrored) that makes the limbs'
motion smoothest, and mirrors the frames that need it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from posturecheck.landmarks import MIRROR_INDEX, Landmark
from posturecheck.pose.series import PoseSeries

# The limb chains each decision rests on, left side first; the mirror halves follow.
_LEFT_ARM = (Landmark.LEFT_SHOULDER, Landmark.LEFT_ELBOW, Landmark.LEFT_WRIST)
_LEFT_LEG = (
    Landmark.LEFT_HIP,
    Landmark.LEFT_KNEE,
    Landmark.LEFT_ANKLE,
    Landmark.LEFT_HEEL,
    Landmark.LEFT_FOOT_INDEX,
)
_MIRROR = np.array(MIRROR_INDEX)
# Landmarks relabelled with the legs; every other one (face, arms, hands) goes with the arms.
_LOWER = np.zeros(len(MIRROR_INDEX), dtype=bool)
_LOWER[[*_LEFT_LEG, *(MIRROR_INDEX[i] for i in _LEFT_LEG)]] = True
# Landmarks a leg hand-over relabels: the legs below the hips (the trunk places the hips).
_BELOW_HIPS = _LOWER.copy()
_BELOW_HIPS[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP]] = False
# Step costs are computed this many frames at a time to bound memory on long clips.
_CHUNK = 2048
# Leg exchanges (see _exchange_flips): within this time, seconds, legs at least _MIN_APART torso
# lengths apart (knees and ankles, in the image) cannot trade places. Doing so needs each knee to
# move 2 * _MIN_APART torso lengths (about 0.7 m) against the other in 0.15 s, about 4.7 m/s;
# in walking the knees' relative speed peaks near 3 m/s, and only where they pass each other.
_MAX_EXCHANGE_S = 0.15
_MIN_APART = 0.7
# A pair of frames is an exchange when each side ends within this share of the legs' separation
# of where the other side started.
_EXCHANGE_SHARE = 0.5
# Positions within the leg chain (_LEFT_LEG then its mirror): left knee, left ankle and their twins.
_KNEES, _ANKLES = (1, 6), (2, 7)
_HIPS = (0, 5)
# A hand-over is looked for only where the hips overlap in the picture (a side view): their
# distance, in torso lengths, at most this over the exchange (median). On a rendered body from the
# side the hand-over's frames had 0.04; on the front-view kick sample and a person jumping on the
# spot facing the camera in the two-person sample (0.9-2.1 s), legs that looked exchanged had 0.33
# and 0.38 (relabelling them crossed the thighs between hips well apart); 15 deg from side gave 0.18.
_MAX_HIP_GAP = 0.15


def _chain(left: tuple[Landmark, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Landmark indices of a left chain and its mirror, and each one's mirror position within them."""
    n = len(left)
    indices = np.array([*left, *(MIRROR_INDEX[i] for i in left)])
    return indices, np.concatenate([np.arange(n) + n, np.arange(n)])


@dataclass(frozen=True)
class SwapReport:
    """What :func:`correct_left_right_swaps` changed.

    Attributes
    ----------
    corrected : (F, P) bool, some of the frame's labels for that person were mirrored.
    n_frames_corrected : number of frames in which any person was relabelled.
    n_runs : number of separate runs of relabelled frames, over all people.
    arms_corrected : (F, P) bool, the arms (with face and hands) were mirrored.
    legs_corrected : (F, P) bool, the legs' places in the picture were given to the other side.
    legs_handed_over : (F, P) bool, of those, the frames of a hand-over (see
        :func:`correct_left_right_swaps`): the legs below the hips were mirrored in the
        picture plane only.
    """

    corrected: np.ndarray
    n_frames_corrected: int
    n_runs: int
    arms_corrected: np.ndarray
    legs_corrected: np.ndarray
    legs_handed_over: np.ndarray


# The landmarks the torso length is measured between, in this order (see _torso_length).
_TORSO = np.array([Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP])


def _torso_length(points: np.ndarray) -> float:
    """Median distance from mid-shoulders to mid-hips over frames, in the points' units (1 if unknown).

    ``points``: (F, 4, D), the :data:`_TORSO` landmarks in that order.
    """
    shoulders = 0.5 * (points[:, 0] + points[:, 1])
    hips = 0.5 * (points[:, 2] + points[:, 3])
    lengths = np.linalg.norm(shoulders - hips, axis=-1)
    lengths = lengths[np.isfinite(lengths) & (lengths > 0)]
    return float(np.median(lengths)) if lengths.size else 1.0


def _mean_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean over landmarks (axis -2) of point distances, skipping NaN points; 0 when none is finite."""
    distance = np.linalg.norm(a - b, axis=-1)
    finite = np.isfinite(distance)
    count = finite.sum(axis=-1)
    return np.where(finite, distance, 0.0).sum(axis=-1) / np.maximum(count, 1)


def _step_costs(spaces: list[np.ndarray], times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Continuity costs of each labelling choice along one linked run of frames.

    ``spaces`` hold ``(2, n, K, D)`` chain coordinates per labelling (0 as
    given, 1 mirrored), already divided by the torso length. Returns the
    first step's cost ``[a, b]`` (frame 1 labelled ``b`` against frame 0
    labelled ``a``) and, for frames ``i >= 2``, ``[c, a, b, i - 2]``: frame
    ``i`` labelled ``b`` against the constant-velocity prediction from frames
    ``i - 2`` (labelled ``c``) and ``i - 1`` (labelled ``a``), scaled to the
    true time steps.
    """
    n = times.shape[0]
    first = np.zeros((2, 2))
    for x in spaces:
        first += _mean_distance(x[None, :, 1], x[:, None, 0])
    later = np.zeros((2, 2, 2, max(n - 2, 0)))
    for lo in range(2, n, _CHUNK):
        hi = min(n, lo + _CHUNK)
        ratio = (times[lo:hi] - times[lo - 1 : hi - 1]) / (times[lo - 1 : hi - 1] - times[lo - 2 : hi - 2])
        ratio = ratio[:, None, None]
        for x in spaces:
            before, last, now = x[:, lo - 2 : hi - 2], x[:, lo - 1 : hi - 1], x[:, lo:hi]
            predicted = last[None, :] + ratio * (last[None, :] - before[:, None])
            later[..., lo - 2 : hi - 2] += _mean_distance(now[None, None, :], predicted[:, :, None])
    return first, later


def _best_labelling(
    first: np.ndarray, later: np.ndarray, mirror_cost: float, switch_cost: float
) -> np.ndarray:
    """Viterbi over (previous, current) labelling pairs; returns 0 (as given) or 1 (mirrored) per frame."""
    n = later.shape[-1] + 2
    bias = np.array([0.0, mirror_cost])
    switch = switch_cost * (1.0 - np.eye(2))
    # total[a, b]: cheapest cost of frames 0..i with frame i-1 labelled a and frame i labelled b.
    total = bias[:, None] + bias[None, :] + switch + first
    back = np.zeros((max(n - 2, 0), 2, 2), dtype=np.int8)
    for i in range(n - 2):
        options = total[:, :, None] + later[..., i]  # [c, a, b]
        back[i] = np.argmin(options, axis=0)
        total = options.min(axis=0) + bias[None, :] + switch
    labels = np.zeros(n, dtype=np.int8)
    labels[-2], labels[-1] = np.unravel_index(int(np.argmin(total)), total.shape)
    for i in range(n - 3, -1, -1):
        labels[i] = back[i, labels[i + 1], labels[i + 2]]
    return labels


def _exchanged(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Have the legs traded places between two labelled chains ``(..., K, D)`` in torso lengths?

    True where, for the knees and for the ankles, the left-minus-right vector is at least
    :data:`_MIN_APART` long in both and the two vectors point opposite ways, each ending
    within :data:`_EXCHANGE_SHARE` of that separation of the other's start.
    """
    out = np.ones(before.shape[:-2], dtype=bool)
    for left, right in (_KNEES, _ANKLES):
        d0 = before[..., left, :] - before[..., right, :]
        d1 = after[..., left, :] - after[..., right, :]
        apart = np.minimum(np.linalg.norm(d0, axis=-1), np.linalg.norm(d1, axis=-1))
        with np.errstate(invalid="ignore"):
            out &= (apart >= _MIN_APART) & (np.linalg.norm(d0 + d1, axis=-1) <= _EXCHANGE_SHARE * apart)
    return out


def _exchange_flips(chain: np.ndarray, labels: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Frames of one linked run whose leg labels should be mirrored again, after the labelling.

    ``chain`` holds the ``(2, n, K, 2)`` image leg chain per labelling (0 as given, 1
    mirrored) in torso lengths, ``labels`` the chosen labelling per frame. MediaPipe can
    hand the labels from one leg to the other through a frame or two in which both legs
    are drawn between their places (in a side view while one knee is raised); each such
    frame looks like motion, so the labelling keeps the swap. Seen across those frames,
    the legs traded places faster than legs move (:data:`_MAX_EXCHANGE_S`). Each exchange
    starts a stretch of the other labelling; the labelling held for fewer frames is
    mirrored, as the labelling does for a swap seen as jumps. Frames inside an
    exchange take the labelling nearer to the frames that bound it. Only where the hips
    overlap in the picture (:data:`_MAX_HIP_GAP`): with the hips apart, each leg's place
    beside its own hip already says which it is.
    """
    n = times.shape[0]
    points = np.where(labels[:, None, None].astype(bool), chain[1], chain[0])
    windows: list[tuple[int, int]] = []
    for i in range(1, n):
        k = 1
        while k <= i and times[i] - times[i - k] <= _MAX_EXCHANGE_S + 1e-9:
            if _exchanged(points[i - k], points[i]):
                a = i - k
                if windows and a <= windows[-1][1]:
                    windows[-1] = (min(windows[-1][0], a), i)
                else:
                    windows.append((a, i))
            k += 1
    # A merged window counts only when its own ends are exchanged, and the hips overlap over it.
    hip_gap = np.linalg.norm(points[:, _HIPS[0]] - points[:, _HIPS[1]], axis=-1)
    windows = [
        (a, b)
        for a, b in windows
        if _exchanged(points[a], points[b]) and np.nanmedian(hip_gap[a : b + 1]) <= _MAX_HIP_GAP
    ]
    flips = np.zeros(n, dtype=bool)
    if not windows:
        return flips
    parity = np.zeros(n, dtype=np.int8)
    inside = np.zeros(n, dtype=bool)
    for a, b in windows:
        parity[b:] ^= 1
        inside[a + 1 : b] = True
    counts = [int(np.sum(~inside & (parity == p))) for p in (0, 1)]
    if counts[0] == counts[1]:
        return flips
    flips = ~inside & (parity == int(np.argmin(counts)))
    mirror = np.concatenate([np.arange(5) + 5, np.arange(5)])
    for a, b in windows:
        ends = [np.where(flips[e], points[e][mirror], points[e]) for e in (a, b)]
        for f in range(a + 1, b):
            costs = [
                min(float(_mean_distance(p, end)) for end in ends) for p in (points[f], points[f][mirror])
            ]
            flips[f] = costs[1] < costs[0]
    return flips


def _linked_runs(present: np.ndarray, times: np.ndarray, max_link_s: float) -> list[np.ndarray]:
    """Frame indices of runs whose consecutive present frames are at most ``max_link_s`` apart."""
    frames = np.flatnonzero(present)
    if frames.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(times[frames]) > max_link_s) + 1
    return np.split(frames, breaks)


def _mirrored_frames(
    series: PoseSeries, person: int, mirror_cost: float, switch_cost: float, max_link_s: float
) -> np.ndarray:
    """(F, 3) bool: frames whose arm labels (column 0) and leg labels (column 1) should be mirrored,
    and (column 2) frames of a leg hand-over whose legs' places in the picture should be mirrored."""
    size = np.array([series.source.width, series.source.height], dtype=np.float64)

    def spaces(rows: np.ndarray | slice, landmarks: np.ndarray) -> list[np.ndarray]:
        """The ``landmarks`` of ``rows`` in pixels and in world metres, float64."""
        image = series.image[rows, person][:, landmarks, :2].astype(np.float64) * size
        return [image, series.world[rows, person][:, landmarks].astype(np.float64)]

    # Only the landmarks a decision rests on are made float64, and a chain only for the run it
    # is judged in: on a long clip, a copy of every landmark per stage would be the peak.
    torso = [_torso_length(points) for points in spaces(slice(None), _TORSO)]
    present = np.isfinite(series.image[:, person, :, :2]).any(axis=(1, 2))
    mirrored = np.zeros((series.n_frames, 3), dtype=bool)
    for column, left in enumerate((_LEFT_ARM, _LEFT_LEG)):
        indices, mirror = _chain(left)
        for frames in _linked_runs(present, series.times_s, max_link_s):
            if frames.size < 2:
                continue
            rows = _as_slice(frames)
            chains = [
                np.stack([points[:, mirror_order] for mirror_order in (np.arange(indices.size), mirror)])
                / length
                for points, length in zip(spaces(rows, indices), torso, strict=True)
            ]
            first, later = _step_costs(chains, series.times_s[frames])
            labels = _best_labelling(first, later, mirror_cost, switch_cost)
            mirrored[frames, column] = labels.astype(bool)
            if column == 1:
                mirrored[frames, 2] = _exchange_flips(chains[0], labels, series.times_s[frames])
    return mirrored


def _as_slice(frames: np.ndarray) -> np.ndarray | slice:
    """Increasing frame indices as a slice when they are consecutive (no copy to read them)."""
    if frames.size and int(frames[-1]) - int(frames[0]) + 1 == frames.size:
        return slice(int(frames[0]), int(frames[-1]) + 1)
    return frames


def correct_left_right_swaps(
    series: PoseSeries, mirror_cost: float = 0.02, switch_cost: float = 0.25, max_link_s: float = 0.3
) -> tuple[PoseSeries, SwapReport]:
    """Find and undo runs of frames whose left and right labels are swapped.

    Parameters
    ----------
    series : PoseSeries
        Any view; each person slot is treated on its own.
    mirror_cost : float
        Price of mirroring one half of the body (arms or legs) in one frame,
        in the units of the continuity cost (mean landmark distance in
        torso lengths, image plus world).
    switch_cost : float
        Price of each change between as-given and mirrored labels, in the
        same units. Together the two prices make the labels as given win
        wherever the motion cannot tell (at the moment two legs cross, or
        when the arms hang side by side): a run of ``k`` frames is mirrored
        back only when the jumps at its two ends (each roughly the distance
        between the two sides) outweigh ``2 * switch_cost + k *
        mirror_cost``. At the defaults a run with clear jumps at both ends
        is undone even when it lasts several seconds, while a single
        ambiguous frame is never flipped.
    max_link_s : float
        Frames with a person are linked across a gap of at most this many
        seconds; after a longer gap (the person may have turned round) the
        labelling starts afresh.

    Returns
    -------
    (PoseSeries, SwapReport)
        A new series with the chosen frames relabelled (image, world,
        visibility and presence together, through
        :data:`posturecheck.landmarks.MIRROR_INDEX`; a hand-over's frames:
        the legs below the hips, in the picture plane only) and a report of
        them.

    Notes
    -----
    The legs (hips, knees, ankles, heels, toes) and the rest of the body
    (arms, judged by shoulders, elbows and wrists, with the face and hands
    following them) are relabelled separately: MediaPipe swaps the whole
    body in front and back views but often only the legs in side views.
    For each, every frame is labelled either as given or mirrored, and the
    labels of all frames are chosen together by dynamic programming
    (Viterbi) to minimise the summed continuity cost plus ``mirror_cost``
    per mirrored frame and ``switch_cost`` per change, so a single bad
    frame cannot flip the rest of the clip. A frame's continuity cost compares the chain's landmarks with
    their constant-velocity prediction from the two previous (relabelled)
    frames, both in the image (pixels) and in the hip-centred world
    skeleton (metres), each divided by the person's median torso length.
    In a side view the legs legitimately cross in the image; because the
    prediction carries each limb's velocity, a leg that keeps moving
    through the crossing matches its own prediction and not its twin's
    (which moves the other way), and the world skeleton keeps the two sides
    apart in depth.

    A leg hand-over (:func:`_exchange_flips`) is a different mistake: on a
    rendered body filmed from the side, MediaPipe drew the raised near leg
    under the far leg's labels while each label kept its own depth (the
    left leg stayed the nearer in the world skeleton) and the hips stayed
    where the trunk puts them. Those frames relabel the legs below the hips
    (knees, ankles, heels, toes) in the picture plane only (x and y of the
    image and world landmarks; depth, visibility and presence stay with
    their labels). Mirrored whole, with the hips, the hips' left-right axis
    came to oppose the shoulders' and the body yaw moved 16-22 deg off side
    on the rendered body (the frames were refused as not side-on). Where the
    hips are apart in the picture (front and back views) legs that look
    exchanged are not relabelled: each leg's place beside its own hip says
    which it is (relabelled, the front-view kick sample read as oblique).
    """
    upper = np.zeros((series.n_frames, series.n_people), dtype=bool)
    lower = np.zeros_like(upper)
    handed = np.zeros_like(upper)
    for person in range(series.n_people):
        mirrored = _mirrored_frames(series, person, mirror_cost, switch_cost, max_link_s)
        upper[:, person], lower[:, person], handed[:, person] = mirrored.T
    # Per frame, person and landmark: take that landmark's value from its mirror twin.
    take = np.where(_LOWER, lower[:, :, None], upper[:, :, None])
    image = np.where(take[..., None], series.image[:, :, _MIRROR], series.image)
    world = np.where(take[..., None], series.world[:, :, _MIRROR], series.world)
    # Then a hand-over's frames (few, in most clips none): the places of the legs below the hips,
    # in the picture plane only, changed in place rather than in another copy of the whole series.
    rows = np.flatnonzero(handed.any(axis=1))
    if rows.size:
        plane = (_BELOW_HIPS & handed[rows][:, :, None])[..., None] & (np.arange(3) < 2)
        for points in (image, world):
            part = points[rows]
            points[rows] = np.where(plane[..., : points.shape[-1]], part[:, :, _MIRROR], part)
    fixed = replace(
        series,
        image=image,
        world=world,
        visibility=np.where(take, series.visibility[:, :, _MIRROR], series.visibility),
        presence=np.where(take, series.presence[:, :, _MIRROR], series.presence),
    )
    corrected = upper | (lower ^ handed)
    starts = corrected & ~np.concatenate([np.zeros((1, series.n_people), bool), corrected[:-1]])
    report = SwapReport(
        corrected=corrected,
        n_frames_corrected=int(corrected.any(axis=1).sum()),
        n_runs=int(starts.sum()),
        arms_corrected=upper,
        legs_corrected=lower ^ handed,
        legs_handed_over=handed,
    )
    return fixed, report
