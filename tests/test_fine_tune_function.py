"""skmat.models.fine_tune: a copy trained further on a few samples, with the epoch count chosen on held-out rows."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skmat import PTRCNNRegressor
from skmat.models import DeepEnsembleRegressor, fine_tune


def line_data(n, shift, seed):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 16))
    y = X @ np.linspace(1.0, 2.0, 16) + shift * X[:, :4].sum(axis=1)
    return X, y


def mae(model, X, y):
    return float(np.mean(np.abs(model.predict(X) - y)))


SMALL = dict(batch_size=64, module__n_filters=8, module__hidden_units=16, lr=3e-3, verbose=0, random_state=0)


@pytest.fixture(scope="module")
def base():
    X, y = line_data(400, 0.0, 0)
    return PTRCNNRegressor(max_epochs=20, **SMALL).fit(X, y)


def weights(network):
    return {key: value.clone() for key, value in network.module_.state_dict().items()}


def test_a_shifted_set_is_learned_and_the_model_given_is_left_alone(base):
    X_new, y_new = line_data(40, 3.0, 1)
    X_test, y_test = line_data(300, 3.0, 2)
    before = weights(base)
    params = base.get_params(deep=False)
    tuned, report = fine_tune(base, X_new, y_new, return_report=True)
    assert tuned is not base
    assert all(torch.equal(before[k], v) for k, v in base.module_.state_dict().items())
    assert base.get_params(deep=False) == params
    assert 1 <= report["epochs"] <= 30 and len(report["holdout_mae"]) == 31 and len(report["holdout_rows"]) == 8
    assert report["holdout_mae"][report["epochs"]] == min(report["holdout_mae"])
    assert mae(tuned, X_test, y_test) < 0.7 * mae(base, X_test, y_test)
    # The copy keeps the model's own settings: a later fit is an ordinary one.
    assert tuned.get_params()["lr"] == base.lr and tuned.warm_start is False and tuned.max_epochs == base.max_epochs
    assert [name for name, _ in tuned.callbacks_] == [name for name, _ in base.callbacks_]


def test_seeded_and_repeatable(base):
    X_new, y_new = line_data(40, 3.0, 1)
    first = fine_tune(base, X_new, y_new, max_epochs=5)
    second = fine_tune(base, X_new, y_new, max_epochs=5)
    np.testing.assert_array_equal(first.predict(X_new), second.predict(X_new))


def test_without_holdout_trains_the_given_epochs(base):
    X_new, y_new = line_data(40, 3.0, 1)
    tuned, report = fine_tune(base, X_new, y_new, max_epochs=3, holdout=0, return_report=True)
    assert report == {"epochs": 3, "holdout_mae": None, "holdout_rows": None}
    assert len(tuned.history) == len(base.history) + 3


def test_nothing_to_learn_returns_the_model_unchanged_with_a_warning(base):
    X_new, _ = line_data(40, 0.0, 1)
    y_same = base.predict(X_new)  # the model is already exact on these rows
    with pytest.warns(UserWarning, match="no epoch improved"):
        tuned, report = fine_tune(base, X_new, y_same, max_epochs=3, lr_factor=1.0, return_report=True)
    assert report["epochs"] == 0
    np.testing.assert_array_equal(tuned.predict(X_new), base.predict(X_new))


def test_pipeline_trains_only_its_last_step(base):
    X, y = line_data(400, 0.0, 0)
    model = make_pipeline(StandardScaler(), PTRCNNRegressor(max_epochs=10, **SMALL)).fit(X, y)
    X_new, y_new = line_data(40, 3.0, 1)
    tuned = fine_tune(model, X_new + 5.0, y_new, max_epochs=3)
    # The scaler keeps what it learned on the large set (a refit on X_new + 5 would centre them).
    np.testing.assert_array_equal(tuned[0].mean_, model[0].mean_)
    assert tuned[0] is not model[0] and len(tuned[-1].history) > len(model[-1].history)


def test_ensemble_members_all_train(base):
    X, y = line_data(200, 0.0, 0)
    ensemble = DeepEnsembleRegressor(PTRCNNRegressor(max_epochs=5, **SMALL), n_estimators=2, random_state=0).fit(X, y)
    X_new, y_new = line_data(40, 3.0, 1)
    tuned, report = fine_tune(ensemble, X_new, y_new, max_epochs=3, return_report=True)
    assert len(report["holdout_mae"]) == 2
    if report["epochs"]:
        assert all(len(t.history) > len(m.history) for t, m in zip(tuned.estimators_, ensemble.estimators_))
    mean, std = tuned.predict(X_new, return_std=True)
    assert mean.shape == (40,) and std.shape == (40,)


def test_bad_arguments_are_named(base):
    X_new, y_new = line_data(40, 3.0, 1)
    with pytest.raises(ValueError, match="max_epochs"):
        fine_tune(base, X_new, y_new, max_epochs=0)
    with pytest.raises(ValueError, match="lr_factor"):
        fine_tune(base, X_new, y_new, lr_factor=0)
    with pytest.raises(ValueError, match="holdout"):
        fine_tune(base, X_new, y_new, holdout=1.0)
    with pytest.raises(ValueError, match="40 samples but y has 39"):
        fine_tune(base, X_new, y_new[:-1])
    with pytest.raises(TypeError, match="StandardScaler"):
        fine_tune(StandardScaler().fit(X_new), X_new, y_new)
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        fine_tune(PTRCNNRegressor(), X_new, y_new)


def test_a_model_fitted_here_and_the_same_model_loaded_fine_tune_alike(tmp_path):
    from skmat import load_pipeline, save_pipeline

    X, y = line_data(300, 0.0, 0)
    fitted = make_pipeline(StandardScaler(), PTRCNNRegressor(max_epochs=10, **SMALL)).fit(X, y)
    save_pipeline(fitted, tmp_path / "model.skmat")
    loaded = load_pipeline(tmp_path / "model.skmat")
    assert len(fitted[-1].optimizer_.state_dict()["state"]) > len(loaded[-1].optimizer_.state_dict()["state"])
    X_new, y_new = line_data(40, 3.0, 1)
    a, report_a = fine_tune(fitted, X_new, y_new, max_epochs=4, return_report=True)
    b, report_b = fine_tune(loaded, X_new, y_new, max_epochs=4, return_report=True)
    assert report_a == report_b
    np.testing.assert_array_equal(a.predict(X_new), b.predict(X_new))


@pytest.mark.parametrize("name", ["batch_size", "max_epochs"])
@pytest.mark.parametrize("flag", [True, np.True_])
def test_a_bool_is_not_an_integer(base, name, flag):
    """batch_size=True passed the check and failed later inside torch."""
    X_new, y_new = line_data(40, 3.0, 1)
    with pytest.raises(ValueError, match=rf"{name} must be an integer >= 1, got (np\.)?True"):
        fine_tune(base, X_new, y_new, **{name: flag})


def held_out_rows(n, holdout=0.2, random_state=0):
    """The rows fine_tune holds out (its draw, repeated here so that no training is needed to know them)."""
    return np.sort(np.random.default_rng(random_state).permutation(n)[:max(1, round(holdout * n))])


def test_a_bad_target_is_named_by_its_row_before_rows_are_held_out(base):
    """A NaN in a held-out row came back as "no epoch improved (nan before ...)"; in a kept row as its subset row."""
    X_new, y_new = line_data(40, 3.0, 1)
    held = held_out_rows(40)
    kept = np.setdiff1d(np.arange(40), held)
    for row, value, text in [(held[0], np.nan, "NaN"), (kept[5], np.nan, "NaN"),
                             (kept[-1], np.inf, r"an infinite value \(inf\)")]:
        y_bad = y_new.copy()
        y_bad[row] = value
        with pytest.raises(ValueError, match=rf"fine_tune: y contains {text} at row {row};"):
            fine_tune(base, X_new, y_bad, max_epochs=1)
    with pytest.raises(ValueError, match=r"y must be numeric"):
        fine_tune(base, X_new, np.array(["a"] * 40), max_epochs=1)
    with pytest.raises(ValueError, match=r"y has 2 target\(s\) per row \(shape \(40, 2\)\), but the model was fitted"):
        fine_tune(base, X_new, np.column_stack([y_new, y_new]), max_epochs=1)


def test_a_column_target_of_a_one_target_model_is_scored_row_by_row(base):
    """y of shape (n, 1) against predictions of shape (n,) broadcast to an (n, n) error that chose the epochs."""
    X_new, y_new = line_data(40, 3.0, 1)
    held = held_out_rows(40)
    tuned_column, report_column = fine_tune(base, X_new, y_new[:, None], max_epochs=3, return_report=True)
    tuned, report = fine_tune(base, X_new, y_new, max_epochs=3, return_report=True)
    assert report_column["holdout_mae"][0] == pytest.approx(np.mean(np.abs(base.predict(X_new[held]) - y_new[held])))
    assert report_column == report
    np.testing.assert_array_equal(tuned_column.predict(X_new), tuned.predict(X_new))
    assert tuned_column.predict(X_new).shape == (40,)


def test_the_holdout_error_never_broadcasts():
    from skmat.models._fine_tune import _mae

    assert _mae(np.zeros(3), np.ones((3, 1))) == 1.0
    with pytest.raises(ValueError, match=r"predictions have shape \(3, 1\) but the targets \(3, 2\)"):
        _mae(np.zeros(3), np.ones((3, 2)))
