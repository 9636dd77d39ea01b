"""Live webcam self-check: figures from each camera frame, counters, the frame processor.

:mod:`~posturecheck.app.live.figures` and :mod:`~posturecheck.app.live.counters`
are plain functions and classes on landmark arrays (tested without a camera);
:mod:`~posturecheck.app.live.processor` runs the model on the frames that
streamlit-webrtc hands over on its worker thread.
"""
