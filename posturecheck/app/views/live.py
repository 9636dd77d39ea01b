"""Live page: the webcam with the skeleton and angles drawn, live figures, knee raises, standing check."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from posturecheck.app.cards import measure_cards
from posturecheck.app.findings import show_assessment
from posturecheck.app.navigation import PAGES
from posturecheck.app.settings import AppSettings, current_settings
from posturecheck.app.state import stayed_on
from posturecheck.app.text import format_value
from posturecheck.app.webrtc.processor import LiveProcessor
from posturecheck.app.webrtc.streamer import keep_stream_alive
from posturecheck.assessments import AssessmentResult, get_assessment
from posturecheck.errors import PostureCheckError
from posturecheck.live.capture import CAPTURE_S
from posturecheck.live.counters import LOWER_DEG, RAISE_DEG
from posturecheck.live.guidance import SETUP_RIGHT, SETUP_STEPS
from posturecheck.live.session import LiveSnapshot
from posturecheck.measures.catalogue import (
    CRANIOVERTEBRAL_ANGLE_PROXY,
    HIP_FLEXION,
    KNEE_FLEXION,
    PLUMB_OFFSET,
    TRUNK_INCLINATION,
    measure_label,
)
from posturecheck.measures.extremes import MIN_HOLD_S
from posturecheck.measures.pipeline import compute_measures
from posturecheck.measures.summary import PersonSummary, summarize_table
from posturecheck.pose.landmarker import ModelInfo, check_model
from posturecheck.pose.series import PoseSeries

STREAM_KEY = "live-camera"
STANDING_ASSESSMENT = "standing-side"
_STANDING = "posturecheck.live.standing"
# The standing check shows these measures of the captured seconds.
STANDING_MEASURES = (
    TRUNK_INCLINATION,
    *HIP_FLEXION.names,
    *KNEE_FLEXION.names,
    CRANIOVERTEBRAL_ANGLE_PROXY,
    *PLUMB_OFFSET.names,
)
# The app's own step after the set-up both live views give: the standing check has a button here.
STANDING_STEP = "Standing check: press the button, then stand still with straight knees for a few seconds."
SETUP = "\n".join(f"{i}. {step}" for i, step in enumerate((*SETUP_STEPS, STANDING_STEP), start=1))
# Camera picture asked of the browser: small enough for the model to keep up on a laptop.
METHOD_WORDS = {"2d": "2D, side view", "3d": "3D, oblique view"}
VIDEO_CONSTRAINTS = {"width": {"ideal": 640}, "height": {"ideal": 360}, "frameRate": {"ideal": 30}}


def _figure(label: str, value: float | None, method: str) -> None:
    """A live figure with the method it was measured by, or a dash when the view does not support it."""
    st.metric(label, format_value(value, "deg"))
    st.caption(f"valid now · {method}" if value is not None else "not measurable now")


def _show_snapshot(snap: LiveSnapshot) -> None:
    """Guidance, the current figures, the highest so far, the counts and the processing rate."""
    figures = snap.figures
    method = METHOD_WORDS.get(figures.method, "")
    if figures.guidance:
        st.warning(figures.guidance, icon=":material/directions_walk:")
    elif figures.note:
        st.info(figures.note, icon=":material/info:")
    else:
        st.success(SETUP_RIGHT, icon=":material/check:")
    left, right = st.columns(2)
    with left:
        _figure(measure_label(HIP_FLEXION.of("left")), figures.hip_flexion.get("left"), method)
    with right:
        _figure(measure_label(HIP_FLEXION.of("right")), figures.hip_flexion.get("right"), method)
    highest = snap.max_hip_flexion
    st.markdown(
        f"Highest so far: left **{format_value(highest.get('left'), 'deg')}** · "
        f"right **{format_value(highest.get('right'), 'deg')}** "
        f"(held for {MIN_HOLD_S:g} s, valid frames only)"
    )
    left, right = st.columns(2)
    with left:
        _figure(measure_label(TRUNK_INCLINATION), figures.trunk_inclination, method)
    with right:
        raises = {side: count.count for side, count in snap.knee_raises.items()}
        st.metric(
            "Knee raises",
            f"L {raises.get('left', 0)} · R {raises.get('right', 0)}",
            help=f"Counted when the hip passes {RAISE_DEG:.0f}° and comes back below {LOWER_DEG:.0f}°.",
        )
    view = f"{figures.view} view, {figures.off_side_deg:.0f}° from side-on" if figures.person else "nobody"
    st.caption(
        f"Frames processed: {snap.frames_received} · with a pose: {snap.frames_with_pose} · "
        f"{snap.frames_per_second:.1f} frames/s · {view}"
    )


def standing_check(settings: AppSettings, series: PoseSeries) -> tuple[PersonSummary, AssessmentResult]:
    """The captured steady seconds through the offline pipeline and the standing-side assessment.

    Returns the summary of the standing measures and the assessment's result.
    """
    table = compute_measures(series, 0, settings.measure_options())
    summary = summarize_table(table, series.detected[:, 0])
    summary = replace(summary, measures={k: v for k, v in summary.measures.items() if k in STANDING_MEASURES})
    return summary, get_assessment(STANDING_ASSESSMENT).run(series, [table])


@st.fragment(run_every=0.5)
def _live_panel(settings: AppSettings) -> None:
    """The live figures, refreshed twice a second without rerunning the whole page."""
    context = st.session_state.get(STREAM_KEY)
    processor = context.video_processor if context is not None and context.state.playing else None
    if not isinstance(processor, LiveProcessor):
        st.info(
            "Press **Start camera** and allow the browser to use it. The picture is processed on this "
            "computer only.",
            icon=":material/videocam:",
        )
        return
    left, right = st.columns(2)
    if left.button("Reset counts", icon=":material/restart_alt:"):
        processor.session.reset_counts()
    if right.button(
        "Standing check",
        icon=":material/accessibility:",
        help=f"Measures {CAPTURE_S:g} s of steady standing: stand still, side-on, knees straight.",
    ):
        processor.session.start_capture()
    snap = processor.session.snapshot()
    _show_snapshot(snap)
    if snap.capture == "waiting":
        st.progress(0.0, text="Standing check: stand still, side-on, knees straight…")
    elif snap.capture == "capturing":
        st.progress(snap.capture_progress, text="Standing check: hold still…")
    captured = processor.session.take_capture()
    if captured is not None:
        st.session_state[_STANDING] = standing_check(settings, captured)
        st.rerun(scope="app")


def _show_standing() -> None:
    """The last standing check, if one was captured: the assessment's findings, then the measure cards."""
    checked = st.session_state.get(_STANDING)
    if checked is not None:
        summary, assessed = checked
        show_assessment(f"Standing check: {get_assessment(STANDING_ASSESSMENT).title}", assessed)
        st.caption(
            f"Measured over the {CAPTURE_S:g} steady seconds just captured "
            f"(view: {summary.view.label}); no silhouette is kept live."
        )
        measure_cards(summary)


def _model(settings: AppSettings) -> ModelInfo | None:
    try:
        return check_model(settings.model_path)
    except PostureCheckError as exc:
        st.error(str(exc), icon=":material/error:")
        return None


def render() -> None:
    """Draw the page."""
    st.title("Live self-check")
    settings = current_settings()
    with st.expander("Set-up", expanded=True, icon=":material/checklist:"):
        st.markdown(SETUP)
    model = _model(settings)
    if model is None:
        return
    roll = settings.camera_roll_deg or 0.0
    keep_stream_alive(STREAM_KEY, stayed_on(PAGES["live"].url_path))
    camera, panel = st.columns([3, 2])
    with camera:
        webrtc_streamer(
            key=STREAM_KEY,
            mode=WebRtcMode.SENDRECV,
            rtc_configuration={"iceServers": []},
            media_stream_constraints={"video": VIDEO_CONSTRAINTS, "audio": False},
            video_processor_factory=lambda: LiveProcessor(model, roll),
            async_processing=True,
            translations={"start": "Start camera", "stop": "Stop camera"},
        )
    with panel:
        _live_panel(settings)
    _show_standing()
