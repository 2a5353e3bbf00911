"""Make the repository importable when a script is run as a file: the one ``sys.path`` change of benchmarks/ and tools/.

``python benchmarks/<script>.py`` (or ``python tools/<script>.py``) puts the
script's folder on ``sys.path``, not the repository root, so ``benchmarks``
and ``tools`` are not importable as packages. Such a script starts with::

    if __name__ == "__main__" and not __package__:  # run as a file, not imported
        import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

and then imports ``benchmarks._common``, ``tools.pretrain`` and so on by
their package names. ``tools/_bootstrap.py`` runs this file. The root goes
first on ``sys.path``, as ``python -m benchmarks.<script>`` from the root
would put it; the script's folder stays (Dask's spawned workers re-run the
script and import this module again).
"""

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
