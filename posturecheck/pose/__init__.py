"""Pose extraction and the pose time-series type everything else reads."""
