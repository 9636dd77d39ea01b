"""Keeping a running WebRTC stream alive across the reruns that follow its connection.

streamlit-webrtc 0.79 (``component._get_or_create_context``) resets a stream's
context, stopping its worker, when Streamlit's script-run counter has moved
on by more than one since the context was last rendered ("was not rendered
for N script runs; resetting stale state"). The check is meant for a page
that was left and come back to. But the counter is advanced on the server's
event-loop thread when a finished run's message is sent, not when the run
ends, so in the burst of reruns right after the connection comes up two
runs can read the same count and the next one sees a jump of two although
every run rendered the stream: the worker is stopped a moment after it
started and no frame is processed (about one connection in four here).

The app knows directly whether the person stayed on the page: the previous
script run started on it. While that holds, :func:`keep_stream_alive`
clears the stored count so the library's check is skipped for that run;
leaving the page still stops the worker, through the library's own
page-change observer, and coming back from another page still gets the
library's reset.
"""

from __future__ import annotations

import streamlit as st


def keep_stream_alive(key: str, stayed_on_page: bool) -> None:
    """Skip streamlit-webrtc's stale-context check for ``key`` while the user stayed on its page.

    Call it just before ``webrtc_streamer(key=key, ...)``. Does nothing on
    the first render, after the user came from another page, or if a
    future streamlit-webrtc no longer keeps the count.
    """
    context = st.session_state.get(key)
    if stayed_on_page and context is not None and hasattr(context, "_last_rendered_run_count"):
        context._last_rendered_run_count = None
