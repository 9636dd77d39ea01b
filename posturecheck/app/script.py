"""The script Streamlit runs for ``posturecheck app`` (the package's copy of the top-level ``app.py``)."""

from posturecheck.app.main import run

run()
