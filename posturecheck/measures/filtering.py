"""Gap filling and smoothing of landmark and angle time series.

All functions take values with time along axis 0 (``(F,)``, ``(F, P, 33, 3)``
or any ``(F, ...)`` shape), true per-frame times in seconds, and NaN where a
value is missing. Every column (every trailing index) is treated on its own.

* :func:`fill_gaps` bridges short dropouts by linear interpolation in time.
* :func:`lowpass_filtfilt` is the offline smoother: a zero-lag Butterworth
  filter run forwards and backwards.
* :class:`OneEuroFilter` is the live smoother: causal, one sample at a time,
  little lag when the signal moves fast and strong smoothing when it is still.
* :func:`hampel_outliers` finds samples far from the running median of their
  window (a Hampel filter), for series that should barely change.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# scipy.signal is imported inside the functions that use it: it takes seconds to import, and the app's
# first page loads this module (through the assessments it lists) without calling them.

# Time stamps whose intervals all lie within this fraction of the median
# interval are treated as a uniform frame rate (phone video jitters by a
# fraction of a millisecond; resampling that away would only add error).
_UNIFORM_RTOL = 0.01
# A robust standard deviation is this many median absolute deviations (Gaussian data).
_MAD_TO_SD = 1.4826

# Low-pass cut-off for landmarks, Hz: human movement at walking pace and slower lies below it
# (Winter's gait work filters at 6 Hz; Sports2D and Pose2Sim default to the same).
DEFAULT_CUTOFF_HZ = 6.0
# Columns gap-filled at once (bounds the temporaries of fill_gaps).
_GAP_FILL_COLUMNS = 8
# Columns low-pass filtered at once (bounds the temporaries of lowpass_filtfilt): each column is
# filtered on its own, so the grouping changes no value.
_FILTER_COLUMNS = 8


def _as_float_columns(values: np.ndarray, times_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Values as float64 ``(F, N)`` (the values themselves when they are that already: read only)
    and times as float64 ``(F,)``."""
    values = np.asarray(values)
    times = np.asarray(times_s, dtype=np.float64)
    if values.ndim == 0 or times.shape != values.shape[:1]:
        raise ValueError(f"times_s has shape {times.shape}, expected {values.shape[:1]} to match values")
    if times.size > 1 and not np.all(np.diff(times) > 0):
        raise ValueError("times_s must be strictly increasing")
    n_columns = int(np.prod(values.shape[1:]))
    return values.reshape(values.shape[0], n_columns).astype(np.float64, copy=False), times


def _result_dtype(values: np.ndarray) -> np.dtype:
    """Keep a floating input's precision; anything else becomes float64."""
    dtype = np.asarray(values).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.dtype(np.float64)


def fill_gaps(values: np.ndarray, times_s: np.ndarray, max_gap_s: float = 0.25) -> np.ndarray:
    """Fill short interior runs of missing values by linear interpolation in time.

    Parameters
    ----------
    values : (F, ...) array
        Any quantity (landmark coordinates, angles in degrees); NaN (or any
        non-finite value) marks a missing sample. Each column is filled on
        its own.
    times_s : (F,) array
        Strictly increasing frame times in seconds; they need not be evenly
        spaced.
    max_gap_s : float
        Longest gap to fill, in seconds, measured between the two valid
        samples that bound it (so at 30 fps, 0.25 s bridges up to 6 missing
        frames). A gap is filled when that span is at most ``max_gap_s``.

    Returns
    -------
    ndarray
        Same shape as ``values`` (float, same precision if ``values`` was
        float). Filled samples lie on the straight line, in time, between
        the bounding valid samples; longer gaps and leading or trailing
        missing samples stay NaN; valid samples are unchanged.
    """
    flat, times = _as_float_columns(values, times_s)
    filled = np.empty_like(flat)
    # A dozen (F, columns) temporaries per block: a few columns at a time keeps
    # them small next to the values themselves, however long the clip.
    for start in range(0, flat.shape[1], _GAP_FILL_COLUMNS):
        block = slice(start, start + _GAP_FILL_COLUMNS)
        filled[:, block] = _fill_gap_columns(flat[:, block], times, max_gap_s)
    return filled.reshape(np.shape(values)).astype(_result_dtype(values), copy=False)


def _fill_gap_columns(flat: np.ndarray, times: np.ndarray, max_gap_s: float) -> np.ndarray:
    """:func:`fill_gaps` of a float64 ``(F, N)`` block."""
    n_frames = flat.shape[0]
    valid = np.isfinite(flat)
    frame = np.arange(n_frames)[:, None]
    prev = np.maximum.accumulate(np.where(valid, frame, -1), axis=0)
    nxt = np.minimum.accumulate(np.where(valid, frame, n_frames)[::-1], axis=0)[::-1]
    inside = ~valid & (prev >= 0) & (nxt < n_frames)
    prev_safe = np.where(inside, prev, 0)
    next_safe = np.where(inside, nxt, 0)
    t_prev, t_next = times[prev_safe], times[next_safe]
    # The tolerance keeps a span of exactly max_gap_s fillable despite rounding in the time stamps.
    fillable = inside & (t_next - t_prev <= max_gap_s + 1e-9)
    span = np.where(fillable, t_next - t_prev, 1.0)
    weight = (times[:, None] - t_prev) / span
    v_prev = np.take_along_axis(flat, prev_safe, axis=0)
    v_next = np.take_along_axis(flat, next_safe, axis=0)
    return np.where(fillable, v_prev + weight * (v_next - v_prev), flat)


def _finite_runs(valid: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` of every run of True in a 1-D bool array."""
    edges = np.diff(np.concatenate(([0], valid.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True))


def _butter_sos(cutoff_hz: float, order: int, fs_hz: float) -> np.ndarray:
    """Butterworth low-pass in second-order sections; a clear error above Nyquist."""
    # The relative margin makes a cut-off of exactly half the frame rate fail despite rounding.
    if not cutoff_hz < fs_hz / 2 * (1 - 1e-9):
        raise ValueError(
            f"cut-off {cutoff_hz:g} Hz must be below the Nyquist frequency {fs_hz / 2:g} Hz "
            f"(half the {fs_hz:g} Hz frame rate)"
        )
    from scipy.signal import butter

    return butter(order, cutoff_hz, btype="low", output="sos", fs=fs_hz)


def _min_filtfilt_length(sos: np.ndarray) -> int:
    """Shortest run sosfiltfilt accepts with its default padding (``padlen + 1``)."""
    trailing_zeros = min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return 3 * (2 * len(sos) + 1 - trailing_zeros) + 1


def _filter_run(block: np.ndarray, times: np.ndarray, dt: float, cutoff_hz: float, order: int) -> np.ndarray:
    """Zero-lag low-pass of one all-finite run ``(n, N)``; too short a run comes back unchanged."""
    from scipy.signal import sosfiltfilt

    intervals = np.diff(times)
    if np.all(np.abs(intervals - dt) <= _UNIFORM_RTOL * dt):
        sos = _butter_sos(cutoff_hz, order, 1.0 / dt)
        if block.shape[0] < _min_filtfilt_length(sos):
            return block
        return sosfiltfilt(sos, block, axis=0)
    # Variable frame rate: filter on a uniform grid spanning the run, then
    # read the result back at the true frame times.
    duration = times[-1] - times[0]
    n_grid = max(2, round(duration / dt) + 1)
    grid = np.linspace(times[0], times[-1], n_grid)
    sos = _butter_sos(cutoff_hz, order, (n_grid - 1) / duration)
    if n_grid < _min_filtfilt_length(sos):
        return block
    resampled = np.stack([np.interp(grid, times, column) for column in block.T], axis=1)
    smoothed = sosfiltfilt(sos, resampled, axis=0)
    return np.stack([np.interp(times, grid, column) for column in smoothed.T], axis=1)


def lowpass_filtfilt(
    values: np.ndarray,
    times_s: np.ndarray,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    order: int = 4,
    interval_s: float | None = None,
) -> np.ndarray:
    """Zero-lag Butterworth low-pass filter along time (axis 0).

    The filter runs forwards and backwards (:func:`scipy.signal.sosfiltfilt`
    on second-order sections), so peaks keep their timing, and the
    effective order is ``2 * order`` with the response at ``cutoff_hz``
    halved in amplitude (-6 dB) rather than the single pass's -3 dB.

    Parameters
    ----------
    values : (F, ...) array
        Any quantity; NaN (or any non-finite value) marks a missing sample.
    times_s : (F,) array
        Strictly increasing frame times in seconds.
    cutoff_hz : float
        Cut-off frequency in hertz. 6 Hz is the usual choice for human
        movement captured at video rates (most voluntary motion is below it).
    order : int
        Order of the Butterworth design for one pass.

    Returns
    -------
    ndarray
        Same shape as ``values`` (float, same precision if ``values`` was
        float); NaN wherever ``values`` was missing.

    Raises
    ------
    ValueError
        If ``cutoff_hz`` is not below the Nyquist frequency (half the frame
        rate) or not positive, or if the times are not strictly increasing.

    Notes
    -----
    * Each column is filtered separately over each of its contiguous runs of
      finite samples; the filter never reaches across a gap (use
      :func:`fill_gaps` first to bridge short ones).
    * The frame rate is taken from the median frame interval of the whole
      series (``interval_s``, seconds, when given: that of the clip the
      series is part of, so a part is filtered as the whole is). A run
      whose intervals all lie within 1 % of that median is filtered as
      uniformly sampled. Otherwise (variable frame rate) the run
      is linearly interpolated onto a uniform grid between its first and
      last time at about the median interval, filtered there, and linearly
      interpolated back to the original frame times.
    * A run shorter than sosfiltfilt's edge padding (``3 * (2 * n_sections +
      1)`` samples plus one, i.e. 16 frames for ``order=4``) cannot be
      filtered and is returned unfiltered.
    """
    flat, times = _as_float_columns(values, times_s)
    if not cutoff_hz > 0:
        raise ValueError(f"cut-off {cutoff_hz:g} Hz must be positive")
    out = np.full_like(flat, np.nan)
    if flat.shape[0] < 2:
        out[np.isfinite(flat)] = flat[np.isfinite(flat)]
        return out.reshape(np.shape(values)).astype(_result_dtype(values))
    dt = float(np.median(np.diff(times))) if interval_s is None else float(interval_s)
    # Checked up front so a bad cut-off is reported even when every run is too short to filter.
    _butter_sos(cutoff_hz, order, 1.0 / dt)
    valid = np.isfinite(flat)
    # Columns sharing a missing-data pattern (e.g. all landmarks of a person) are filtered together.
    patterns, inverse = np.unique(valid.T, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    for k, pattern in enumerate(patterns):
        # A few columns at a time: sosfiltfilt's padded copies and passes are (F, columns) each.
        same = np.flatnonzero(inverse == k)
        for first in range(0, same.size, _FILTER_COLUMNS):
            columns = same[first : first + _FILTER_COLUMNS]
            for start, stop in _finite_runs(pattern):
                block = flat[start:stop][:, columns]
                out[start:stop, columns] = _filter_run(block, times[start:stop], dt, cutoff_hz, order)
    return out.reshape(np.shape(values)).astype(_result_dtype(values), copy=False)


def _smoothing_factor(cutoff_hz: np.ndarray | float, dt: float) -> np.ndarray | float:
    """Weight of the new sample in an exponential smoother with this cut-off and interval."""
    time_constant = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + time_constant / dt)


class OneEuroFilter:
    """Speed-adaptive causal smoother for live streams (the "1 euro filter").

    An exponential smoother whose cut-off frequency rises with the signal's
    speed: ``cutoff = min_cutoff_hz + beta * |speed|``, where speed is the
    rate of change of the value (its units per second), itself smoothed with
    a fixed cut-off ``d_cutoff_hz``. A still signal is smoothed hard (little
    jitter); a moving one is followed closely (little lag). Method from
    Casiez, Roussel and Vogel, "1 euro filter", CHI 2012.

    Parameters
    ----------
    min_cutoff_hz : float
        Cut-off when the value is still, in hertz. Lower means less jitter
        and more lag at slow speeds.
    beta : float
        How fast the cut-off rises with speed, in hertz per (value unit per
        second). Raise it until fast movements stop lagging.
    d_cutoff_hz : float
        Fixed cut-off for the speed estimate, in hertz.

    Notes
    -----
    Call the filter once per frame with an array of any shape (the same
    shape every call) and the frame time in seconds; each element is
    filtered independently. A NaN element gives NaN and forgets that
    element's history, so it restarts from its next finite value. A call
    whose time is not later than the previous one returns the current
    estimate unchanged. Changing the array shape restarts the filter.
    """

    def __init__(self, min_cutoff_hz: float = 1.0, beta: float = 0.0, d_cutoff_hz: float = 1.0) -> None:
        if min_cutoff_hz <= 0 or d_cutoff_hz <= 0 or beta < 0:
            raise ValueError("min_cutoff_hz and d_cutoff_hz must be positive and beta non-negative")
        self.min_cutoff_hz = float(min_cutoff_hz)
        self.beta = float(beta)
        self.d_cutoff_hz = float(d_cutoff_hz)
        self.reset()

    def reset(self) -> None:
        """Forget all history; the next sample is returned as is."""
        self._value: np.ndarray | None = None
        self._speed: np.ndarray | None = None
        self._t_s = -math.inf

    def __call__(self, value: np.ndarray, t_s: float) -> np.ndarray:
        """Filter one sample taken at time ``t_s`` (seconds); returns the smoothed value."""
        x = np.asarray(value, dtype=np.float64)
        if self._value is None or self._speed is None or self._value.shape != x.shape:
            self._value = x.copy()
            self._speed = np.zeros_like(x)
            self._t_s = float(t_s)
            return x.copy()
        dt = float(t_s) - self._t_s
        if dt <= 0:
            return self._value.copy()
        fresh = np.isnan(self._value)
        raw_speed = np.where(fresh, 0.0, (x - self._value) / dt)
        speed = self._speed + _smoothing_factor(self.d_cutoff_hz, dt) * (raw_speed - self._speed)
        cutoff = self.min_cutoff_hz + self.beta * np.abs(speed)
        smoothed = self._value + _smoothing_factor(cutoff, dt) * (x - self._value)
        smoothed = np.where(fresh, x, smoothed)
        missing = np.isnan(x)
        self._value = smoothed
        self._speed = np.where(missing | fresh, 0.0, speed)
        self._t_s = float(t_s)
        return smoothed.copy()


def hampel_outliers(
    values: np.ndarray,
    times_s: np.ndarray,
    window_s: float,
    n_sigmas: float = 3.0,
    min_relative: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Hampel filter: samples far from the running median of their window.

    Parameters
    ----------
    values : (F,) any positive quantity (here segment lengths), NaN where unknown.
    times_s : (F,) frame times in seconds; their median interval turns
        ``window_s`` into a centred window of frames.
    window_s : window length, seconds.
    n_sigmas : threshold in robust standard deviations (1.4826 median absolute deviations).
    min_relative : the departure must also exceed this fraction of the
        running median, so a series that barely moves (MAD near 0) does not
        flag its ordinary jitter.

    Returns
    -------
    outlier : (F,) bool; a sample is judged only when at least half its
        window is known.
    ratio : (F,) float, value over its running median (NaN where not judged).
    """
    values = np.asarray(values, dtype=np.float64)
    times = np.asarray(times_s, dtype=np.float64)
    interval = float(np.median(np.diff(times))) if times.size >= 2 else math.nan
    half = max(1, round(window_s / 2 / interval)) if np.isfinite(interval) and interval > 0 else 1
    padded = np.pad(values, half, constant_values=np.nan)
    windows = sliding_window_view(padded, 2 * half + 1)
    enough = np.isfinite(windows).sum(axis=1) >= half + 1
    median, mad = np.empty(values.shape), np.empty(values.shape)
    # Each sample's window on its own: a few thousand at a time, as the working copies are a window each.
    for start in range(0, values.size, _HAMPEL_ROWS):
        rows = slice(start, start + _HAMPEL_ROWS)
        median[rows], mad[rows] = _median_and_mad(windows[rows], enough[rows])
    with np.errstate(invalid="ignore"):
        departure = np.abs(values - median)
        limit = np.maximum(n_sigmas * _MAD_TO_SD * mad, min_relative * np.abs(median))
        outlier = enough & np.isfinite(values) & (departure > limit)
        ratio = np.where(enough, values / median, np.nan)
    return outlier, ratio


# Samples of :func:`hampel_outliers` whose windows are worked on at a time.
_HAMPEL_ROWS = 4096


def _median_and_mad(windows: np.ndarray, enough: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and median absolute deviation of each row of ``windows`` (NaN ignored), NaN for the
    median where not ``enough`` (such rows are read as zeros for the deviation, as never judged)."""
    safe = np.where(enough[:, None], windows, 0.0)
    with np.errstate(invalid="ignore"):
        median = np.where(enough, np.nanmedian(safe, axis=1), np.nan)
        mad = np.nanmedian(np.abs(safe - np.where(enough, median, 0.0)[:, None]), axis=1)
    return median, mad
