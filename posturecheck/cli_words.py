"""How the command line words the warnings of an analysis and its assessment: short lines that may name
its options (``--roll``, ``--person``, ``--masks``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from posturecheck.measures.reasons import AnalysisWarning, WarningCode


def cli_warning(warning: AnalysisWarning) -> str:
    """One line for a warning (:class:`~posturecheck.measures.reasons.WarningCode` lists the data)."""
    data = warning.data
    code = warning.code
    if code is WarningCode.LOW_PRESENCE:
        return (
            f"person {data['person']} was in view in {data['fraction']:.0%} of frames "
            f"({data['first_s']:.1f}-{data['last_s']:.1f} s); measures cover only those frames"
        )
    if code is WarningCode.ROLL_CORRECTED:
        return (
            f"camera is rolled {data['deg']:+.1f} deg (estimated from the scene's vertical edges); "
            "gravity-referenced measures are corrected for it"
        )
    if code is WarningCode.ROLL_UNKNOWN:
        return (
            f"camera roll unknown from the scene ({data['why']}): estimated from each person's upright "
            "axis where it can be, else a level camera is assumed; give --roll DEG if it was tilted"
        )
    if code is WarningCode.HIP_EXPECTED_ERROR:
        return (
            f"person {data['person']}: {data['side']} hip flexion is expected to be about "
            f"{data['error_deg']:.0f} deg off from this view "
            "(measured against a reference: docs/validation.md)"
        )
    if code is WarningCode.HIP_FEW_VALID:
        why = f": mostly {data['reason']}" if data.get("reason") else ""
        return (
            f"person {data['person']}: {data['side']} hip flexion valid in only "
            f"{data['fraction']:.0%} of the frames they were in view{why}"
        )
    if code is WarningCode.HIP_UNCHECKED_VIEW:
        return (
            f"person {data['person']}: no reference has measured the hip flexion error from this view yet "
            "(docs/validation.md): low confidence however many frames are valid"
        )
    if code is WarningCode.HIP_EXTREME_MISSED:
        what = "flexion" if data["extreme"] == "max" else "extension (least flexion)"
        return (
            f"person {data['person']}: peak {data['side']} hip {what} {data['shown_deg']:.1f} deg is "
            f"only that of the valid frames: frames left out for the view read about "
            f"{data['missed_deg']:.0f} deg, so the movement went further (low confidence; film from the side)"
        )
    if code is WarningCode.NO_PERSON_READ:
        return f"no person found in the {data['frames']} frames that could be read"
    return _assessment_warning(warning)


def _assessment_warning(warning: AnalysisWarning) -> str:
    """The line of an assessment's warning (as results of schema version 1 held it, where they had one)."""
    words = _ASSESSMENT_LINES.get(warning.code)
    return words(warning.data) if words is not None else str(warning.data.get("text", warning.code.value))


def _far_side(data: Mapping[str, Any]) -> str:
    side = data["side"]
    return (
        f"{data['count']} {side} raise(s) were made with the {side} leg on the far side from the camera, "
        "where it is partly hidden; turn to face the other way for that leg"
    )


_ASSESSMENT_LINES: dict[WarningCode, Callable[[Mapping[str, Any]], str]] = {
    WarningCode.SEVERAL_PEOPLE: lambda data: (
        f"{data['people']} people found; assessed person {data['person']}, the one in view longest "
        "(--person N grades another)"
    ),
    WarningCode.OBLIQUE_SIDE_VIEW: lambda data: (
        f"{data['view']} view ({data['off_side_deg']:.0f} deg from a side view): angles come from "
        "MediaPipe's 3D landmarks, which are less precise than the image ones a square side view "
        f"(within {data['limit_deg']:.0f} deg) allows"
    ),
    WarningCode.OBLIQUE_FRONT_VIEW: lambda data: (
        f"{data['view']} view ({data['off_side_deg']:.0f} deg from a side view): frontal measures come "
        "from MediaPipe's 3D landmarks, which are less precise than the image ones a square front view "
        f"(beyond {data['limit_deg']:.0f} deg) allows"
    ),
    WarningCode.SHORT_HOLD: lambda data: (
        f"the steadiest hold lasted only {data['duration_s']:.1f} s (asked for {data['asked_s']:g} s)"
    ),
    WarningCode.NO_NEUTRAL: lambda data: f"hip angles not graded: no neutral hip angle ({data['why']})",
    WarningCode.NO_STRIDE: lambda data: (
        f"no full stride with enough valid frames: walk at least {data['steps']} steps across the view"
    ),
    WarningCode.LOW_HIP_EXTENSION: lambda data: (
        f"reduced {data['side']} hip extension in late stance "
        f"(under the typical {data['low_deg']:g}-{data['high_deg']:g} deg)"
    ),
    WarningCode.NO_KNEE_RAISE: lambda data: (
        "no knee raise found: raise each knee toward the chest at least "
        f"{data['min_raise_deg']:g} deg, a few times"
    ),
    WarningCode.HIP_HIKE_UNCHECKED: lambda data: (
        "hip hiking not checked: pelvic obliquity needs the camera at least "
        f"{data['frontal_min_deg']:.0f} deg from the side, hip flexion within {data['sagittal_max_deg']:.0f}"
    ),
    WarningCode.FAR_SIDE_RAISES: _far_side,
    WarningCode.NO_MASKS: lambda data: (
        "no segmentation masks: the lumbar curve proxies were not measured (analyse with --masks)"
    ),
    WarningCode.RAW_THIGH_ANGLE: lambda data: (
        "no upright neutral in the clip: the hanging thigh is graded as the raw thigh-trunk angle, about "
        f"{data['offset_deg']:.0f} deg off the norm's zero; film a few seconds standing upright, "
        "side-on, before lying down"
    ),
    WarningCode.TRUNK_TILTED: lambda data: (
        f"the lying trunk is {data['tilt_deg']:.0f} deg off the image horizontal: harmless if the camera "
        "is rolled (angles are taken from the trunk line), but a trunk not flat on the table (a pillow, "
        "a raised head) tilts the reference line"
    ),
    WarningCode.HELD_HIP_LOW: lambda data: (
        f"the held hip is flexed only {data['flexion_deg']:.0f} deg: with the knee not well to the chest "
        "the low back may not be flat, which lets the hanging thigh drop and can hide shortness"
    ),
    WarningCode.RETRACKED: lambda data: (
        "the footage's person slots were not stable IDs: people were tracked and their measures "
        "recomputed with the options they were measured with; slots refer to the tracked series"
    ),
    WarningCode.SHORT_DETECTIONS: lambda data: (
        f"{data['count']} brief detection(s) under {data['min_duration_s']:g} s were left out"
    ),
    WarningCode.IDENTITY_UNSURE: lambda data: (
        f"person {data['person']} left the view and the one who came back may be someone else "
        f"(identity confidence {data['confidence']:.2f})"
    ),
}
