"""Gap filling, zero-lag low-pass and the One Euro filter, on signals with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posturecheck.measures.filtering import OneEuroFilter, fill_gaps, hampel_outliers, lowpass_filtfilt

FPS = 30.0


def _times(n: int, fps: float = FPS) -> np.ndarray:
    return np.arange(n) / fps


def _noisy_sine(times: np.ndarray, freq_hz: float = 1.0, noise: float = 0.2, seed: int = 0):
    clean = np.sin(2 * np.pi * freq_hz * times)
    rng = np.random.default_rng(seed)
    return clean, clean + rng.normal(0.0, noise, times.shape)


# --- fill_gaps ---------------------------------------------------------------------------------


def test_fill_gaps_linear_signal_exact_and_long_gap_stays_nan():
    t = _times(60)
    values = 2.0 * t + 1.0
    holed = values.copy()
    holed[10:13] = np.nan  # 3 frames: bounding span 4/30 s
    holed[30:40] = np.nan  # 10 frames: span 11/30 s > 0.25 s
    filled = fill_gaps(holed, t, max_gap_s=0.25)
    np.testing.assert_allclose(filled[10:13], values[10:13], atol=1e-12)
    assert np.isnan(filled[30:40]).all()
    np.testing.assert_array_equal(filled[~np.isnan(holed)], holed[~np.isnan(holed)])


def test_fill_gaps_leading_and_trailing_stay_nan():
    t = _times(10)
    holed = t.copy()
    holed[:2] = np.nan
    holed[-3:] = np.nan
    filled = fill_gaps(holed, t)
    assert np.isnan(filled[:2]).all() and np.isnan(filled[-3:]).all()
    np.testing.assert_array_equal(filled[2:-3], t[2:-3])


def test_fill_gaps_uses_time_not_frame_count():
    # Variable frame rate: the missing sample sits 0.9 of the way through the gap in time.
    t = np.array([0.0, 0.1, 0.19, 0.2, 0.3])
    holed = 10.0 * t
    holed[2] = np.nan
    filled = fill_gaps(holed, t, max_gap_s=0.1)
    assert filled[2] == pytest.approx(1.9)
    # The same gap is left alone when the bounding span (0.1 s) exceeds the limit.
    assert np.isnan(fill_gaps(holed, t, max_gap_s=0.09)[2])


def test_fill_gaps_boundary_span_exactly_max_gap_is_filled():
    t = _times(20)
    holed = t.copy()
    holed[5:11] = np.nan  # span from frame 4 to 11 = 7/30 s
    assert not np.isnan(fill_gaps(holed, t, max_gap_s=7 / 30)).any()
    assert np.isnan(fill_gaps(holed, t, max_gap_s=6.9 / 30)[5:11]).all()


def test_fill_gaps_columns_independent_for_landmark_shape():
    t = _times(12)
    values = np.stack([t, -t, 3 * t], axis=1).reshape(12, 1, 3).astype(np.float32)
    holed = values.copy()
    holed[4:6, 0, 0] = np.nan
    holed[2:11, 0, 1] = np.nan  # too long
    filled = fill_gaps(holed, t)
    assert filled.shape == values.shape and filled.dtype == np.float32
    np.testing.assert_allclose(filled[:, 0, 0], values[:, 0, 0], atol=1e-6)
    assert np.isnan(filled[2:11, 0, 1]).all()
    np.testing.assert_array_equal(filled[:, 0, 2], values[:, 0, 2])


def test_fill_gaps_rejects_mismatched_times():
    with pytest.raises(ValueError):
        fill_gaps(np.zeros(5), np.arange(4.0))
    with pytest.raises(ValueError):
        fill_gaps(np.zeros(3), np.array([0.0, 0.2, 0.1]))


# --- lowpass_filtfilt --------------------------------------------------------------------------


def test_lowpass_reduces_noise_on_sinusoid():
    t = _times(300)
    clean, noisy = _noisy_sine(t)
    smooth = lowpass_filtfilt(noisy, t, cutoff_hz=2.0)
    raw_rms = np.sqrt(np.mean((noisy - clean) ** 2))
    smooth_rms = np.sqrt(np.mean((smooth - clean) ** 2))
    assert smooth_rms < 0.45 * raw_rms


def test_lowpass_has_no_phase_lag():
    t = _times(300)
    clean, noisy = _noisy_sine(t, freq_hz=0.5, noise=0.05)
    smooth = lowpass_filtfilt(noisy, t, cutoff_hz=3.0)
    inner = slice(30, 270)  # away from the edges
    peaks_clean = (
        np.flatnonzero((clean[1:-1] > clean[:-2]) & (clean[1:-1] >= clean[2:]) & (clean[1:-1] > 0.9)) + 1
    )
    for peak in peaks_clean[(peaks_clean > inner.start) & (peaks_clean < inner.stop)]:
        window = slice(peak - 10, peak + 11)
        found = window.start + int(np.argmax(smooth[window]))
        assert abs(found - peak) <= 1


def test_lowpass_keeps_nan_and_filters_each_run():
    t = _times(200)
    clean, noisy = _noisy_sine(t, noise=0.1, seed=1)
    noisy[90:100] = np.nan
    smooth = lowpass_filtfilt(noisy, t, cutoff_hz=4.0)
    assert np.isnan(smooth[90:100]).all()
    assert np.isfinite(np.delete(smooth, np.arange(90, 100))).all()
    for run in (slice(10, 80), slice(110, 190)):
        assert np.sqrt(np.mean((smooth[run] - clean[run]) ** 2)) < 0.5 * 0.1


def test_lowpass_short_run_left_unfiltered():
    t = _times(100)
    _, noisy = _noisy_sine(t, seed=2)
    noisy[10] = np.nan
    noisy[20] = np.nan  # run 11..19 has 9 samples: too short for order 4
    smooth = lowpass_filtfilt(noisy, t)
    np.testing.assert_array_equal(smooth[11:20], noisy[11:20])
    assert not np.allclose(smooth[30:90], noisy[30:90])


def test_lowpass_variable_frame_rate_smooths_without_distortion():
    rng = np.random.default_rng(3)
    intervals = rng.uniform(0.6, 1.4, 399) / FPS
    t = np.concatenate(([0.0], np.cumsum(intervals)))
    clean = np.sin(2 * np.pi * 0.8 * t)
    noisy = clean + rng.normal(0.0, 0.1, t.shape)
    smooth = lowpass_filtfilt(noisy, t, cutoff_hz=2.0)
    inner = slice(20, -20)
    assert np.sqrt(np.mean((smooth[inner] - clean[inner]) ** 2)) < 0.45 * 0.1
    # A clean slow sinusoid passes through the resample/filter/resample path almost unchanged.
    passed = lowpass_filtfilt(clean, t, cutoff_hz=6.0)
    np.testing.assert_allclose(passed[inner], clean[inner], atol=0.01)


def test_lowpass_multidimensional_and_dtype():
    t = _times(120)
    clean, noisy = _noisy_sine(t, noise=0.1, seed=4)
    values = np.stack([noisy, 2 * noisy], axis=1).reshape(120, 1, 2).astype(np.float32)
    smooth = lowpass_filtfilt(values, t, cutoff_hz=4.0)
    assert smooth.shape == values.shape and smooth.dtype == np.float32
    np.testing.assert_allclose(smooth[:, 0, 1], 2 * smooth[:, 0, 0], rtol=1e-5, atol=1e-6)


def test_lowpass_cutoff_above_nyquist_is_a_clear_error():
    t = _times(100)
    with pytest.raises(ValueError, match="Nyquist"):
        lowpass_filtfilt(np.zeros(100), t, cutoff_hz=15.0)  # exactly Nyquist at 30 fps
    with pytest.raises(ValueError, match="positive"):
        lowpass_filtfilt(np.zeros(100), t, cutoff_hz=0.0)


# --- OneEuroFilter -----------------------------------------------------------------------------


def _ema(values: np.ndarray, times: np.ndarray, cutoff_hz: float) -> np.ndarray:
    out = np.empty_like(values)
    out[0] = values[0]
    for i in range(1, len(values)):
        dt = times[i] - times[i - 1]
        alpha = 1.0 / (1.0 + 1.0 / (2 * math.pi * cutoff_hz * dt))
        out[i] = out[i - 1] + alpha * (values[i] - out[i - 1])
    return out


def _run(filt: OneEuroFilter, values: np.ndarray, times: np.ndarray) -> np.ndarray:
    return np.array([filt(np.array(v), t) for v, t in zip(values, times, strict=True)])


def test_one_euro_converges_to_constant():
    t = _times(120)
    out = _run(OneEuroFilter(min_cutoff_hz=1.0, beta=0.5), np.full(120, 3.0), t)
    np.testing.assert_allclose(out, 3.0)
    step = np.where(t < 1.0, 0.0, 5.0)
    out = _run(OneEuroFilter(min_cutoff_hz=1.0, beta=0.0), step, t)
    assert out[-1] == pytest.approx(5.0, abs=1e-3)


def test_one_euro_less_lag_than_ema_at_same_jitter():
    rng = np.random.default_rng(5)
    t = _times(300)
    jitter = rng.normal(0.0, 0.01, t.shape)
    still = 1.0 + jitter
    euro = OneEuroFilter(min_cutoff_hz=1.0, beta=2.0, d_cutoff_hz=1.0)
    euro_still = _run(euro, still, t)
    ema_still = _ema(still, t, cutoff_hz=1.0)
    # Same jitter reduction when still (the adaptive cut-off stays near its minimum).
    assert np.std(euro_still[60:]) <= 1.2 * np.std(ema_still[60:])
    assert np.std(euro_still[60:]) < 0.5 * np.std(jitter)
    # On a ramp at 1 unit/s, the One Euro filter trails far less.
    ramp = t * 1.0 + jitter
    lag_euro = np.mean(t[150:] - _run(OneEuroFilter(1.0, 2.0, 1.0), ramp, t)[150:])
    lag_ema = np.mean(t[150:] - _ema(ramp, t, cutoff_hz=1.0)[150:])
    assert lag_ema == pytest.approx(1 / (2 * math.pi), rel=0.1)
    assert lag_euro < 0.4 * lag_ema


def test_one_euro_nan_resets_element_and_arrays_of_any_shape():
    filt = OneEuroFilter(min_cutoff_hz=0.5)
    assert np.array_equal(filt(np.zeros((2, 3)), 0.0), np.zeros((2, 3)))
    first = filt(np.ones((2, 3)), 1 / 30)
    assert np.all((first > 0) & (first < 1))
    sample = np.ones((2, 3))
    sample[0, 0] = np.nan
    out = filt(sample, 2 / 30)
    assert np.isnan(out[0, 0]) and np.isfinite(out[1:]).all()
    restarted = filt(np.full((2, 3), 7.0), 3 / 30)
    assert restarted[0, 0] == 7.0  # fresh start after the gap
    assert restarted[1, 1] < 7.0  # still smoothing


def test_one_euro_repeated_time_returns_current_estimate():
    filt = OneEuroFilter()
    filt(np.array(1.0), 0.0)
    assert filt(np.array(100.0), 0.0) == 1.0


def test_empty_series_passes_through():
    assert fill_gaps(np.zeros((0, 33, 3)), np.zeros(0)).shape == (0, 33, 3)
    assert lowpass_filtfilt(np.zeros((0, 2)), np.zeros(0)).shape == (0, 2)


def test_hampel_outliers_of_a_segment_length() -> None:
    times = np.arange(60) / 30
    length = 0.40 + 0.01 * np.sin(np.arange(60))  # 2.5 % jitter
    length[30] = 0.26
    outlier, ratio = hampel_outliers(length, times, window_s=1.0, min_relative=0.25)
    assert np.flatnonzero(outlier).tolist() == [30]
    assert ratio[30] == pytest.approx(0.26 / 0.40, abs=0.03)


def test_hampel_outliers_need_half_the_window_known_and_the_relative_floor() -> None:
    times = np.arange(60) / 30
    flat = np.full(60, 0.40)
    flat[30] = 0.41  # MAD is 0: without a floor any change would be an outlier
    assert np.flatnonzero(hampel_outliers(flat, times, window_s=1.0)[0]).tolist() == [30]
    assert not hampel_outliers(flat, times, window_s=1.0, min_relative=0.05)[0].any()
    sparse = np.full(60, np.nan)
    sparse[[10, 20, 30]] = [0.4, 0.1, 0.4]  # too little known around each to judge
    outlier, ratio = hampel_outliers(sparse, times, window_s=1.0)
    assert not outlier.any() and np.isnan(ratio).all()
