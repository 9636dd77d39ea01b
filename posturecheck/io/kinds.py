"""The kinds of input a user can ask for, named once for the frame sources, the analysis and the assessments.

A module of its own, importing nothing heavy, so that the assessments' list
(which the app's first page shows) does not load the video readers.
"""

from __future__ import annotations

from typing import Literal

# What an analysis accepts: anything, only a clip, or only a photo (or folder of photos).
Expect = Literal["any", "clip", "image"]
