"""Every gallery example runs to completion (the docs build runs them too).

The scripts that train for long are marked ``slow`` (``python -m pytest -m
slow``, which ``.ci/run`` runs after the default set); the quick ones stay in
the default run, so a broken gallery import or plotting call shows there.
"""

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("plot_*.py"))

# Gallery scripts run only with -m slow: they train for long or start a cluster (on the
# shared 2-core machine, 4-280 s each depending on the load; the default run's three, 0.3-19 s).
SLOW = {
    "plot_ptr_representations.py",  # trains a network per encoding
    "plot_ptr_transfer.py",  # pretrain, then a 200-epoch fine-tune
    "plot_matbench_steels.py",  # fine-tunes the pretrained network per fold
    "plot_matbench_metals.py",  # matminer featurizes 4,921 formulas
    "plot_ptr_quickstart.py",  # PTR-CNN on the paper's Heusler subset
    "plot_scaling_out.py",  # starts a Dask LocalCluster
}


@pytest.mark.parametrize(
    "path",
    [pytest.param(path, marks=pytest.mark.slow) if path.name in SLOW else path for path in EXAMPLES],
    ids=lambda p: p.name,
)
def test_example_runs(path, monkeypatch, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    try:
        runpy.run_path(str(path), run_name="__main__")
    finally:
        plt.close("all")


def test_there_is_a_gallery():
    assert EXAMPLES


def test_every_slow_example_exists():
    """A renamed script must be renamed in SLOW too, or it would quietly move into the default run."""
    assert SLOW <= {path.name for path in EXAMPLES}, sorted(SLOW - {path.name for path in EXAMPLES})
    assert {path.name for path in EXAMPLES} - SLOW, "no gallery script left in the default run"
