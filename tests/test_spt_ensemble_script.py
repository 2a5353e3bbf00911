"""benchmarks/spt_ensemble.py: the calibration helpers, and a tiny run end to end (slow)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks import spt_ensemble


def test_coverage_counts_points_within_one_and_two_sigma():
    y = np.zeros(8)
    mean = np.array([0.5, 1.5, 2.5, 0.0, -0.9, -1.9, -2.1, 3.0])
    one, two, z = spt_ensemble.coverage(y, mean, np.ones(8))
    assert (one, two) == (3 / 8, 5 / 8)
    assert spt_ensemble.coverage(y, mean, np.ones(8), scale=1.2)[1] == 6 / 8
    np.testing.assert_allclose(z, np.abs(mean))


def test_the_scale_puts_the_target_share_within_two_sigma():
    z = np.random.default_rng(0).exponential(size=10_000)
    scale = spt_ensemble.scale_for_2sigma(z)
    assert np.mean(z / scale <= 2) == pytest.approx(0.95, abs=0.002)
    assert spt_ensemble.scale_for_2sigma(np.zeros(10)) > 0  # never a zero spread


@pytest.mark.slow
def test_a_tiny_run_writes_one_row_per_fold_and_resumes(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(spt_ensemble, "CACHE", tmp_path / "cache")
    out = tmp_path / "spt_ensemble.csv"
    argv = ["--n-sim", "60", "--epochs", "1", "--members", "2", "--folds", "2", "--out", str(out)]
    spt_ensemble.main(argv)
    table = pd.read_csv(out, comment="#")
    assert list(table["fold"]) == [0, 1] and (table["n_test"] == 20).all()
    assert ((table["coverage_2sigma"] >= 0) & (table["coverage_2sigma"] <= 1)).all()
    assert (table["std_scale"] > 0).all() and (table["fine_tune_epochs"] <= 30).all()
    spt_ensemble.main(argv)
    assert "skip fold 1" in capsys.readouterr().out
    assert len(pd.read_csv(out, comment="#")) == 2
