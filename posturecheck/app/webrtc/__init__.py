"""The live page's WebRTC glue: frames from streamlit-webrtc through the live core, and the stream kept alive.

:mod:`~posturecheck.app.webrtc.processor` hands each browser frame to the
live core (:mod:`posturecheck.live`) on streamlit-webrtc's worker thread;
:mod:`~posturecheck.app.webrtc.streamer` works around the library's stale-stream reset.
"""
