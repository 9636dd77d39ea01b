"""The reports' plots, drawn with matplotlib (no pyplot, no display needed): measures over a
clip's time (``measures_over_time``) and one figure over a client's visits (``measure_over_visits``).

The app draws the same two kinds interactively with Plotly (:mod:`posturecheck.app.plots`).
"""
