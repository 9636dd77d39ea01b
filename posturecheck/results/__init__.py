"""An analysis's results read back from its folder: the folder and the files beside its summary
(``folder``), and its per-frame measures recomputed as the summary was made (``recompute``).

The summary file's own typed form is :mod:`posturecheck.summary_schema`; the results are
written by :mod:`posturecheck.analyze`.
"""
