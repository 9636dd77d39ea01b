"""The kinds of input a user can ask for, named once for the frame sources, the analysis and the assessments.

A module of its own, importing nothing heavy, so that the assessments' list
(which the app's first page shows) does not load the video readers.
"""

from __future__ import annotations

from typing import Literal

# What an analysis accepts: anything, only a clip, or only a photo (or folder of photos).
Expect = Literal["any", "clip", "image"]

# File suffixes where a file's kind is told from its name (uploads, folder search); a file named
# directly is told by its content. Photos:
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")
# Clip containers:
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".3gp")
# A GIF is a clip when animated and a photo when it has one frame: its content tells (open_source).
GIF_SUFFIXES = (".gif",)
