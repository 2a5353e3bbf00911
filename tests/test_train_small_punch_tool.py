"""tools/train_small_punch.py: the honest band coverage, and fold predictions that belong to another recipe."""

from __future__ import annotations

import argparse

import numpy as np
import pytest
from conftest import load_benchmark

tool = load_benchmark("train_small_punch", package="tools")


def test_each_fold_is_scored_with_the_factor_of_the_other_folds():
    folds = [np.array([0, 1]), np.array([2, 3])]
    z = np.array([[1.0, 1.0], [1.0, 1.0], [4.0, 4.0], [4.0, 4.0]])  # fold 1 errs four times as much
    one, two, per_fold = tool.band_scores(z, folds, coverage=0.95)
    # Fold 0 gets fold 1's factor (2: its z of 4 fits within 2σ), so all of fold 0 is within 1σ;
    # fold 1 gets fold 0's factor (0.5), so none of fold 1 is within even 2σ. No fold sets its own band.
    assert per_fold == [1.0, 0.0]
    assert (one, two) == (0.5, 0.5)


def test_saved_fold_predictions_of_another_recipe_are_refused(tmp_path):
    y = np.ones((4, 3))
    folds = [np.array([0, 1]), np.array([2, 3])]
    mine = argparse.Namespace(model="both", members=5, n_sim=4500, epochs=40, random_state=0)
    for k, test in enumerate(folds):
        np.savez(tmp_path / f"fold{k}.npz", test=test, mean=y[test], std=y[test], epochs=3,
                 recipe=tool.recipe(argparse.Namespace(**{**vars(mine), "model": "1D LSTM"})))
    with pytest.raises(SystemExit, match=r"fold0\.npz holds another fold or recipe; delete .* and rerun"):
        tool.out_of_fold(mine, None, np.zeros((4, 2)), y, folds, tmp_path)
    mean, std, epochs = tool.out_of_fold(argparse.Namespace(**{**vars(mine), "model": "1D LSTM"}), None,
                                         np.zeros((4, 2)), y, folds, tmp_path)
    assert epochs == [3, 3] and np.array_equal(mean, y)
