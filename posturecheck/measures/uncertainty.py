"""The 95 % interval of a key figure: the error expected for its case and the spread between repetitions.

Every figure here is in degrees. A key figure is shown as ``value ± half-width``; the half-width
combines two terms, each a 95 % half-width of its own, in quadrature (they are taken as
independent):

``half_width = sqrt(measurement² + spread²)``

Measurement term
----------------
The mean absolute error (MAE) measured against a reference for the figure's kind of measure,
variant (2D/3D), view and camera-roll knowledge: real multi-camera footage, or, for the side
views that footage lacks, a rendered body with known angles (each band names its source)
(:func:`posturecheck.measures.expected_error.expected_error`, ``docs/validation.md``). The
error is read as normal with mean zero, whose standard deviation is ``sqrt(pi / 2) × MAE``
(≈ 1.2533 × MAE), so the 95 % half-width is ``1.96 × 1.2533 × MAE`` (≈ 2.456 × MAE). The
validation table gives the MAE and the share of values over 15 deg off, not a signed bias: a
bias cannot be subtracted, it is inside the MAE (the MAE is at least the bias's size) and so
inside the symmetric width. The normal reading agrees with the table's share over 15 deg
(e.g. 2D sagittal 30-45 deg from side, MAE 9.7 deg: 22 % predicted, 20 % measured).

The MAE is per frame. A key figure is a median or a peak over many frames: random
frame-to-frame error shrinks in it, systematic error (the view, the camera's tilt, where the
model puts a joint) does not; most of the measured error is systematic (it changes with the
view, not from frame to frame), so the per-frame figure is kept whole, not divided by the
number of frames.

Spread term
-----------
Only where the figure is the mean of ``n`` repetitions or strides: the standard error of that
mean, ``s / sqrt(n)`` with ``s`` the sample standard deviation (``n - 1`` in the divisor),
times Student's t quantile 0.975 with ``n - 1`` degrees of freedom (12.71 for two strides,
2.78 for five, 1.96 in the limit): the number of strides is small, so 1.96 would be too
narrow. One repetition has no spread term: its spread cannot be seen.

No interval
-----------
Where no measurement error was measured for the case (a view neither reference covers; a
measure in % or cm; the silhouette measures), there is no interval, even
when the spread between strides is known: the spread alone would be read as the whole
uncertainty, while the error of the view and the model is likely the larger part. The
synthetic benchmark (``benchmarks/accuracy_synthetic.py``) is not used as a basis either: its
cameras see perfect depth and its landmark noise is chosen, not measured, so its error is a
best case.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from posturecheck.measures.expected_error import MULTIVIEW, ErrorBand

# 95 % two-sided quantile of the standard normal.
Z_95 = 1.959963984540054
# Standard deviation of a zero-mean normal error per unit of its mean absolute value: sqrt(pi / 2).
SD_PER_MAE = math.sqrt(math.pi / 2.0)


@dataclass(frozen=True)
class Interval95:
    """The 95 % interval of one figure: ``value ± half_width_deg`` (module notes).

    Attributes
    ----------
    half_width_deg : the half-width, degrees: both terms combined in quadrature.
    expected_error_deg : the measured mean absolute error the measurement term rests on,
        degrees (always set: without it there is no interval).
    spread_deg : the standard error of the mean over repetitions (``s / sqrt(n)``), degrees;
        None when the figure is not a mean of repetitions or there was only one.
    n : the number of repetitions or strides the mean is over; None when not a mean.
    basis : one line saying what the interval rests on.
    """

    half_width_deg: float
    expected_error_deg: float | None
    spread_deg: float | None
    n: int | None
    basis: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: the summary's ``interval_95`` entry."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Interval95 | None:
        """Read back :meth:`to_dict`'s form; None for None or an entry without a finite half-width."""
        if not data:
            return None
        half = data.get("half_width_deg")
        if not isinstance(half, (int, float)) or not math.isfinite(half):
            return None
        n = data.get("n")
        return cls(
            half_width_deg=float(half),
            expected_error_deg=_number(data.get("expected_error_deg")),
            spread_deg=_number(data.get("spread_deg")),
            n=int(n) if isinstance(n, (int, float)) else None,
            basis=str(data.get("basis", "")),
        )


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def measurement_half_width(mae_deg: float) -> float:
    """95 % half-width (degrees) of a zero-mean normal error whose mean absolute value is ``mae_deg``."""
    return Z_95 * SD_PER_MAE * mae_deg


def frame_half_width(interval: Interval95 | None) -> float | None:
    """95 % half-width (degrees) of one frame's value of a measure whose summary has ``interval``.

    The measurement term alone: the per-frame error measured for the measure's kind, variant
    and view, as the summary found it (``expected_error_deg``), through
    :func:`measurement_half_width`; a single frame has no repetitions to spread over. None
    where the summary has no interval (no error measured for that case): no band, not a
    narrow one.
    """
    if interval is None or interval.expected_error_deg is None:
        return None
    return measurement_half_width(interval.expected_error_deg)


def t_quantile_95(dof: int) -> float:
    """Student's t quantile 0.975 for ``dof`` (>= 1) degrees of freedom: a two-sided 95 % interval."""
    from scipy import stats  # only here: the app's first page imports this module and must stay light

    return float(stats.t.ppf(0.975, dof))


def standard_error(values: Sequence[float]) -> float | None:
    """Standard error of the mean of ``values`` (their unit), ``s / sqrt(n)``; None under 2 finite ones."""
    finite = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
    if finite.size < 2:
        return None
    return float(finite.std(ddof=1) / math.sqrt(finite.size))


def band_basis(band: ErrorBand) -> str:
    """The measurement term's source in one line, e.g. ``"error measured on real multi-camera footage ..."``.

    Names the reference the band was measured against (:attr:`ErrorBand.source`): real
    multi-camera footage, or a rendered body with known angles, which is not real footage.
    """
    roll = "camera roll known" if band.roll_known else "camera roll taken as level"
    where = "real multi-camera footage" if band.source == MULTIVIEW else "a rendered body with known angles"
    during = f" during {band.movement.replace('_', ' ')}s" if band.movement else ""
    return (
        f"error measured on {where}{during} for {band.method.upper()} {band.kind.replace('_', ' ')} "
        f"angles {band.low_deg:.0f}-{band.high_deg:.0f} deg from a side view, {roll} "
        f"(mean {band.mae_deg:.1f} deg over {band.frames} {'peaks' if band.movement else 'frames'})"
    )


def interval_95(
    band: ErrorBand | None, repetitions: Sequence[float] | None = None, what: str = "repetitions"
) -> Interval95 | None:
    """The 95 % interval of a figure in degrees (module notes); None without a measured error.

    Parameters
    ----------
    band : the measured error that applies
        (:func:`posturecheck.measures.expected_error.expected_error`); None = none measured.
    repetitions : the per-repetition values (degrees) when the figure is their mean; None when
        it is not a mean (a median or peak over frames).
    what : what the repetitions are, in words ("strides", "raises"), for ``basis``.
    """
    if band is None:
        return None
    measured = measurement_half_width(band.mae_deg)
    basis = band_basis(band)
    if repetitions is None:
        return Interval95(round(measured, 2), band.mae_deg, None, None, basis)
    n = sum(1 for v in repetitions if math.isfinite(v))
    error = standard_error(repetitions)
    if error is None:
        basis += f"; one of {what}, so no spread between them"
        return Interval95(round(measured, 2), band.mae_deg, None, n, basis)
    spread = t_quantile_95(n - 1) * error
    basis += f"; spread between {n} {what} (standard error × t, {n - 1} degrees of freedom)"
    return Interval95(round(math.hypot(measured, spread), 2), band.mae_deg, round(error, 3), n, basis)
