"""The Streamlit app behind ``posturecheck app`` and ``streamlit run app.py``.

Pages live in :mod:`posturecheck.app.pages`, one small module each; the live
webcam processing in :mod:`posturecheck.app.live`. Settings are read here, at
the edge, and passed inward as :class:`~posturecheck.analyze.AnalyzeOptions`
and :class:`~posturecheck.measures.pipeline.MeasureOptions`. Nothing leaves
the machine: uploads, results and camera frames stay in this process and its
temporary folder.
"""
