"""``python tools/<script>.py`` has ``tools/`` on ``sys.path``: run the one bootstrap, ``benchmarks/_bootstrap.py``."""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[1] / "benchmarks" / "_bootstrap.py"))
