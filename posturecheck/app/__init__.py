"""The Streamlit app behind ``posturecheck app`` and ``streamlit run app.py``.

Pages live in :mod:`posturecheck.app.views`, one small module each, started
by the scripts in ``page_scripts`` (not named ``pages``: Streamlit would
take a ``pages`` folder beside the main script for pages of its own); the live
webcam glue in :mod:`posturecheck.app.webrtc`. Settings are read here, at
the edge, and passed inward as :class:`~posturecheck.analyze.AnalyzeOptions`
and :class:`~posturecheck.measures.pipeline.MeasureOptions`. Nothing leaves
the machine: uploads, results and camera frames stay in this process and its
temporary folder.
"""
