"""Overlays drawn on frames. Drawing never measures anything."""
