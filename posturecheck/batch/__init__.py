"""Many inputs at once: ``posturecheck batch``.

Each input goes through the same :func:`posturecheck.analyze.analyze_file`
as ``posturecheck analyze``, into a result folder of its own; an engine runs
these jobs on the cores of this machine (``engines/local.py``) or on a Ray
cluster (``engines/ray.py``), and the driver writes one table of key figures
(``batch.csv``) and one record of what happened (``batch.json``).

Modules: ``inputs`` (clips, photos, folders, CSV manifests), ``naming``
(result folder names), ``job`` (the per-input function the engines run),
``resume`` (what a finished result folder records), ``table`` (batch.csv and
batch.json), ``run`` (the driver), ``cli`` (the sub-command).
"""
