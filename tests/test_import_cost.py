"""``import skmat`` stays light: the scale-out extras (Dask, Accelerate) load only when used."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_import_skmat_loads_neither_torch_nor_the_scale_out_extras():
    out = _run("""
        import sys
        import skmat
        heavy = ("torch", "skorch", "pandas", "dask", "distributed", "accelerate")
        print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
    """)
    assert out == "[]"


def test_fitting_a_network_does_not_load_dask_or_accelerate():
    out = _run("""
        import sys
        import numpy as np
        from skmat import PTRCNNRegressor
        from skmat.models import AcceleratedPTRCNNRegressor  # the class, not Accelerate itself
        X = np.random.default_rng(0).random((30, 5, 16), dtype=np.float32)
        PTRCNNRegressor(max_epochs=1, module__n_filters=4, verbose=0, n_threads=1).fit(X, X.sum((1, 2)))
        print(sorted({m.split(".")[0] for m in sys.modules} & {"dask", "distributed", "accelerate"}))
    """)
    assert out == "[]"


def test_encoding_formulas_loads_no_data_set_simulator_or_torch():
    """Imports run downward: an encoder needs the element table, not skmat.datasets or the small punch simulator."""
    out = _run("""
        import sys
        from skmat import PeriodicTableEncoder
        PeriodicTableEncoder().fit_transform(["Fe2O3"])
        loaded = sorted(m for m in sys.modules if m.startswith(("skmat.datasets", "skmat.models", "torch"))
                        or m in ("skmat._small_punch._simulator", "skmat._small_punch._calibration"))
        print(loaded)
    """)
    assert out == "[]"
