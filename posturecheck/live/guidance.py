"""What the live views tell a person setting up, in the same words in the app and in ``posturecheck webcam``.

:data:`SETUP_STEPS` come before the camera starts; one of the frame
messages is shown with each frame's figures
(:attr:`~posturecheck.live.frame_figures.LiveFigures.guidance` and ``note``), or
:data:`SETUP_RIGHT` when nothing needs fixing.
"""

from __future__ import annotations

from posturecheck.reports.plain_words import plain_reason

# How far from the person the camera stands, metres: the whole body in view of a phone's usual lens.
CAMERA_DISTANCE_M = (2.5, 3.5)

SETUP_STEPS = (
    f"Put the camera at hip height, level, {CAMERA_DISTANCE_M[0]:g}-{CAMERA_DISTANCE_M[1]:g} m away.",
    "Stand side-on to it, your whole body from head to feet in view.",
    "Good light in front of you, a plain background, fitted clothes.",
    "Knee raises: lift one knee towards hip height and lower it; each side is counted.",
)

# What stops the figures, in the order a person fixes them.
NO_PERSON = "Step into view: nobody is in the picture"
STEP_BACK_FEET = "Step back so your feet are in view"
STEP_BACK_HEAD = "Step back so your head is in view"
COME_CLOSER = "Come closer: you are small in the picture"
TURN_SIDE_ON = "Turn side-on to the camera"
HIDDEN = "Hips or knees are hidden: clear the view between you and the camera"
# A lesser hint while the figures are valid.
ALMOST_SIDE_ON = "Turn a little more side-on for the most accurate angles"
SETUP_RIGHT = "Set-up is right: side view, whole body in the picture."

# Why the latest frames judged were not counted in the highest values and knee raises
# (posturecheck.live.rejection): someone other than the person followed, or a frame the recorded
# path's glitch checks reject, said in the app's and reports' words for that reason.
SOMEONE_ELSE = "Someone else is in view: their figures are not counted"
NOT_COUNTED = "Not counted: {why}"


def not_counted(reason: str) -> str:
    """The line saying why frames were not counted, from a rejected frame's technical reason line."""
    return NOT_COUNTED.format(why=plain_reason(reason))
