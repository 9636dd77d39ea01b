"""The live measuring core shared by ``posturecheck webcam`` and the app's live page.

Plain functions and classes on camera frames and landmark arrays, with no
window and no web page: :mod:`~posturecheck.live.frame_figures` (one frame's
figures and set-up guidance), :mod:`~posturecheck.live.counters` (held
highest values, knee raises, steady stance), :mod:`~posturecheck.live.capture`
(the standing check's seconds), :mod:`~posturecheck.live.overlay` (the figures
drawn on the picture), :mod:`~posturecheck.live.guidance` (the set-up words),
and :mod:`~posturecheck.live.session`, which runs a camera stream's frames
through all of them. The front ends put them on a screen: the app through
:mod:`posturecheck.app.webrtc`, the command line through
:mod:`posturecheck.cli_webcam`.
"""
