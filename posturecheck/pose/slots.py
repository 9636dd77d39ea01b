"""Keep each person in the same slot from frame to frame.

MediaPipe returns the people of a frame in no stable order. Each new frame's
poses are matched to the slots' last known poses by the mean image distance
of their visible landmarks (Hungarian assignment); a pose too far from every
slot takes a free slot. This is frame-to-frame continuity only: identities
through crossings and re-entry belong to the class-review tracker.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

# A pose further than this (normalised image units, mean over landmarks) from a
# slot's last pose is not the same person.
MAX_MATCH_DISTANCE = 0.25


def assign_slots(last_image: np.ndarray, new_image: np.ndarray) -> np.ndarray:
    """Slot index for each new pose.

    Parameters
    ----------
    last_image : (P, 33, 3) last known normalised landmarks per slot (NaN: slot never used).
    new_image : (n, 33, 3) this frame's poses, n <= P.

    Returns
    -------
    (n,) int array of distinct slot indices in 0..P-1.
    """
    n_new = new_image.shape[0]
    if n_new == 0:
        return np.zeros(0, dtype=int)
    used = ~np.isnan(last_image[:, 0, 0])
    # Unmatched poses prefer never-used slots (cost 10) to stale ones (cost 11).
    cost = np.where(used, 11.0, 10.0)[None, :].repeat(n_new, axis=0)
    diff = last_image[None, used, :, :2] - new_image[:, None, :, :2]
    distance = np.linalg.norm(diff, axis=-1).mean(axis=-1)
    cost[:, used] = np.where(distance > MAX_MATCH_DISTANCE, 11.0, distance)
    rows, cols = linear_sum_assignment(cost)
    slots = np.empty(n_new, dtype=int)
    slots[rows] = cols
    return slots


# Two poses whose landmark boxes overlap more than this (intersection over
# union) are one person found twice, which MediaPipe does when asked for more
# than one pose.
DUPLICATE_IOU = 0.5


def landmark_box_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of the bounding boxes of two (33, >=2) landmark sets."""
    low = np.maximum(a[:, :2].min(axis=0), b[:, :2].min(axis=0))
    high = np.minimum(a[:, :2].max(axis=0), b[:, :2].max(axis=0))
    inter = float(np.prod(np.clip(high - low, 0, None)))
    area_a = float(np.prod(a[:, :2].max(axis=0) - a[:, :2].min(axis=0)))
    area_b = float(np.prod(b[:, :2].max(axis=0) - b[:, :2].min(axis=0)))
    union = area_a + area_b - inter
    return inter / union if union > 0 else 0.0


def drop_duplicates(image: np.ndarray, presence: np.ndarray) -> np.ndarray:
    """Indices (sorted) of the poses to keep when some are the same person found twice.

    Parameters
    ----------
    image : (n, 33, 3) normalised landmarks of one frame's poses.
    presence : (n, 33) presence scores; of a duplicate pair the pose with the
        higher mean presence is kept.
    """
    kept: list[int] = []
    for index in np.argsort(-presence.mean(axis=1)):
        if all(landmark_box_iou(image[index], image[k]) <= DUPLICATE_IOU for k in kept):
            kept.append(int(index))
    return np.array(sorted(kept), dtype=int)
