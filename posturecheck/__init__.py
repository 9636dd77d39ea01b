"""posturecheck: posture and hip-flexion measurements from ordinary video.

Imports point one way: front ends (``cli``, ``app.py``) -> assessments ->
measurements -> the pose time-series type in :mod:`posturecheck.pose.series`.
"""

__version__ = "0.1.0"
