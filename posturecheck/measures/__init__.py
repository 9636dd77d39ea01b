"""Measurements: pure functions on landmark arrays, each with a written convention.

Nothing here imports Streamlit, OpenCV windows or a database.
"""
