"""How the command line words an analysis's warnings: short lines that may name its options (``--roll``)."""

from __future__ import annotations

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
            f"{data['error_deg']:.0f} deg off from this view (measured on real multi-camera footage)"
        )
    if code is WarningCode.HIP_FEW_VALID:
        why = f": mostly {data['reason']}" if data.get("reason") else ""
        return (
            f"person {data['person']}: {data['side']} hip flexion valid in only "
            f"{data['fraction']:.0%} of the frames they were in view{why}"
        )
    if code is WarningCode.NO_PERSON_READ:
        return f"no person found in the {data['frames']} frames that could be read"
    return str(data.get("text", code.value))
