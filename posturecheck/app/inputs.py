"""Choosing what to analyse: an upload or a bundled sample clip (where the samples are installed)."""

from __future__ import annotations

import streamlit as st

from posturecheck.app.analysis import InputFile, available_samples, sample_input, uploaded_input
from posturecheck.io.kinds import GIF_SUFFIXES, IMAGE_SUFFIXES, VIDEO_SUFFIXES

UPLOAD = "Upload a clip or photo"
SAMPLE = "Use a sample clip"


def pick_input(key: str, default_sample: str = "walk_side.mp4") -> InputFile | None:
    """Widgets to upload a file or pick a sample; the chosen input, or ``None`` before one is given.

    ``key`` keeps the widgets of different pages apart.
    """
    samples = available_samples()
    choices = (SAMPLE, UPLOAD) if samples else (UPLOAD,)
    source = st.radio("What to analyse", choices, horizontal=True, key=f"{key}.source")
    if source == UPLOAD:
        upload = st.file_uploader(
            "Clip or photo (stays on this computer)",
            type=[suffix.lstrip(".") for suffix in VIDEO_SUFFIXES + GIF_SUFFIXES + IMAGE_SUFFIXES],
            key=f"{key}.upload",
        )
        return uploaded_input(upload.name, upload.getvalue()) if upload is not None else None
    names = list(samples)
    name = st.selectbox(
        "Sample clip",
        names,
        index=names.index(default_sample) if default_sample in names else 0,
        format_func=lambda n: f"{n}: {samples[n]}",
        key=f"{key}.sample",
    )
    return sample_input(name) if name is not None else None
