"""Settings page: model, people per frame, filtering, height, camera roll and pitch, method, silhouettes."""

from __future__ import annotations

import streamlit as st

from posturecheck.app.settings import MAX_PEOPLE, AppSettings, current_settings, save_settings
from posturecheck.errors import PostureCheckError
from posturecheck.measures.filtering import DEFAULT_CUTOFF_HZ
from posturecheck.measures.pipeline import ANGLE_METHODS
from posturecheck.pose.landmarker import BUNDLED_MODEL, check_model

_KEY = "settings."
METHOD_WORDS = {
    "auto": "Automatic: 2D in a side view, 3D when the view suits it better",
    "2d": "2D: angles in the picture's plane (needs a square side or front view)",
    "3d": "3D: angles from the model's depth estimate (works at an angle, less certain)",
}


def _seed(settings: AppSettings) -> None:
    """Put the saved settings into the widgets that Streamlit forgot (they are dropped off-page)."""
    values = {
        "model": settings.model_path or "",
        "people": settings.num_people,
        "filter": settings.cutoff_hz is not None,
        "cutoff": settings.cutoff_hz if settings.cutoff_hz is not None else DEFAULT_CUTOFF_HZ,
        "height_known": settings.height_cm is not None,
        "height": settings.height_cm if settings.height_cm is not None else 170.0,
        "roll_known": settings.camera_roll_deg is not None,
        "roll": settings.camera_roll_deg if settings.camera_roll_deg is not None else 0.0,
        "pitch_known": settings.camera_pitch_deg is not None,
        "pitch": settings.camera_pitch_deg if settings.camera_pitch_deg is not None else 0.0,
        "method": settings.method,
        "masks": settings.masks,
    }
    for name, value in values.items():
        st.session_state.setdefault(_KEY + name, value)


def _model_path() -> str | None:
    """The model path typed, checked; an error under the field when it is not a usable bundle."""
    text = st.text_input(
        "Pose model file",
        key=_KEY + "model",
        placeholder=str(BUNDLED_MODEL),
        help="A MediaPipe PoseLandmarker .task bundle. Empty: the bundled full model.",
    ).strip()
    try:
        model = check_model(text or None)
    except PostureCheckError as exc:
        st.error(f"{exc}. The bundled model is used until this is fixed.", icon=":material/error:")
        return None
    st.caption(f"Using {model.path.name} (sha256 {model.sha256[:12]}…)")
    return text or None


def render() -> None:
    """Draw the page and save what is set."""
    st.title("Settings")
    st.caption(
        "These apply to new analyses and to the live self-check. Results already shown keep the "
        "settings they were made with."
    )
    _seed(current_settings())
    model_path = _model_path()
    people = st.number_input(
        "People to look for in each frame",
        1,
        MAX_PEOPLE,
        key=_KEY + "people",
        help="The class review looks for more people on its own.",
    )
    filtered = st.toggle("Smooth the landmarks over time", key=_KEY + "filter")
    cutoff = st.number_input(
        "Filter cut-off (Hz)",
        0.5,
        15.0,
        step=0.5,
        key=_KEY + "cutoff",
        disabled=not filtered,
        help="Lower is smoother but blunts quick movements.",
    )
    height_known = st.toggle(
        "I know the person's height (plumb-line offsets also in cm)", key=_KEY + "height_known"
    )
    height = st.number_input(
        "Height (cm)", 80.0, 230.0, step=1.0, key=_KEY + "height", disabled=not height_known
    )
    roll_known = st.toggle(
        "The camera was tilted sideways by a known amount",
        key=_KEY + "roll_known",
        help="Otherwise the tilt is estimated from upright lines in the room when possible.",
    )
    roll = st.number_input(
        "Camera roll (degrees, + = turned clockwise)",
        -45.0,
        45.0,
        step=0.5,
        key=_KEY + "roll",
        disabled=not roll_known,
    )
    pitch_known = st.toggle(
        "The camera was tilted up or down by a known amount",
        key=_KEY + "pitch_known",
        help="Otherwise the tilt is estimated from the person standing or walking upright when possible.",
    )
    pitch = st.number_input(
        "Camera pitch (degrees, + = tilted down)",
        -80.0,
        80.0,
        step=0.5,
        key=_KEY + "pitch",
        disabled=not pitch_known,
    )
    method = st.radio("Angle method", ANGLE_METHODS, format_func=METHOD_WORDS.get, key=_KEY + "method")
    masks = st.toggle("Keep silhouettes (low-back curve; slower)", key=_KEY + "masks")
    save_settings(
        AppSettings(
            model_path=model_path,
            num_people=int(people),
            cutoff_hz=float(cutoff) if filtered else None,
            height_cm=float(height) if height_known else None,
            camera_roll_deg=float(roll) if roll_known else None,
            camera_pitch_deg=float(pitch) if pitch_known else None,
            method=str(method),
            masks=bool(masks),
        )
    )
    st.divider()
    st.markdown(
        "**Privacy.** The app listens on this computer only (127.0.0.1), sends no usage statistics, and "
        "keeps uploads and results in a temporary folder that is removed when the session ends."
    )
