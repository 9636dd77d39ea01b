"""Person slots: continuity between frames and duplicate poses dropped."""

from __future__ import annotations

import numpy as np

from posturecheck.pose.slots import assign_slots, drop_duplicates


def pose_at(x: float, y: float, size: float = 0.2) -> np.ndarray:
    grid = np.linspace(-size / 2, size / 2, 33)
    return np.stack([x + grid, y + grid[::-1], np.zeros(33)], axis=-1).astype(np.float32)


def test_people_keep_their_slots_when_returned_in_another_order() -> None:
    last = np.stack([pose_at(0.2, 0.5), pose_at(0.7, 0.5)])
    new = np.stack([pose_at(0.71, 0.5), pose_at(0.21, 0.5)])
    assert assign_slots(last, new).tolist() == [1, 0]


def test_a_newcomer_takes_an_unused_slot_not_a_stale_one() -> None:
    last = np.stack([pose_at(0.2, 0.5), np.full((33, 3), np.nan), pose_at(0.5, 0.2)])
    new = np.stack([pose_at(0.9, 0.9)])
    assert assign_slots(last, new).tolist() == [1]


def test_same_person_found_twice_is_kept_once() -> None:
    image = np.stack([pose_at(0.3, 0.5), pose_at(0.31, 0.5), pose_at(0.8, 0.5)])
    presence = np.stack([np.full(33, 0.6), np.full(33, 0.9), np.full(33, 0.9)])
    assert drop_duplicates(image, presence).tolist() == [1, 2]
