"""HurdleRegressor: a classifier for "is the target zero", a regressor for the rest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmat import HurdleRegressor


def zero_inflated(n=200, seed=0):
    """Half the targets 0 (x0 < 0), the others a line in x1 plus an offset."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = np.where(X[:, 0] < 0, 0.0, 2.0 + 1.5 * X[:, 1])
    return X, y


@parametrize_with_checks([HurdleRegressor(LogisticRegression(), Ridge())])
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_zeros_are_predicted_as_zeros_and_the_rest_by_the_regressor():
    X, y = zero_inflated()
    model = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, y)
    predicted = model.predict(X)
    assert model.zero_fraction_ == pytest.approx(np.mean(y == 0))
    assert np.mean(predicted[y == 0] == 0) > 0.95
    nonzero = (y != 0) & (predicted != 0)
    np.testing.assert_allclose(predicted[nonzero], y[nonzero], atol=1e-8)  # the regressor saw only the line


def test_beats_one_regressor_on_a_zero_inflated_target():
    X, y = zero_inflated(400)
    one = -cross_val_score(LinearRegression(), X, y, cv=5, scoring="neg_mean_absolute_error").mean()
    hurdle = -cross_val_score(HurdleRegressor(LogisticRegression(), LinearRegression()), X, y, cv=5,
                              scoring="neg_mean_absolute_error").mean()
    assert hurdle < 0.5 * one


def test_threshold_moves_samples_between_the_parts():
    X, y = zero_inflated()
    low = HurdleRegressor(LogisticRegression(), LinearRegression(), threshold=0.01).fit(X, y)
    high = clone(low).set_params(threshold=0.99).fit(X, y)
    assert np.sum(low.predict(X) == 0) < np.sum(high.predict(X) == 0)
    search = GridSearchCV(HurdleRegressor(LogisticRegression(), LinearRegression()),
                          {"threshold": [0.2, 0.5, 0.8]}, cv=3, scoring="neg_mean_absolute_error").fit(X, y)
    assert search.best_params_["threshold"] in (0.2, 0.5, 0.8)


def test_other_zero_value():
    X, y = zero_inflated()
    y = np.where(y == 0, -1.0, y)
    model = HurdleRegressor(LogisticRegression(), LinearRegression(), zero=-1.0).fit(X, y)
    assert model.zero_fraction_ == pytest.approx(np.mean(y == -1.0))
    assert set(np.unique(model.predict(X[y == -1]))) <= {-1.0} | set(model.predict(X[y == -1]))
    assert np.mean(model.predict(X[y == -1]) == -1.0) > 0.95


def test_all_nonzero_or_all_zero_targets():
    X, y = zero_inflated()
    only_values = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, y + 10)
    assert only_values.classifier_ is None and only_values.zero_fraction_ == 0
    np.testing.assert_allclose(only_values.predict(X), LinearRegression().fit(X, y + 10).predict(X))
    only_zeros = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, np.zeros(len(X)))
    assert only_zeros.regressor_ is None and only_zeros.zero_fraction_ == 1
    assert not only_zeros.predict(X).any()


def test_pipelines_and_dataframes_inside():
    X, y = zero_inflated()
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    model = HurdleRegressor(make_pipeline(StandardScaler(), LogisticRegression()),
                            make_pipeline(StandardScaler(), Ridge())).fit(frame, y)
    np.testing.assert_array_equal(model.predict(frame.iloc[:7]), model.predict(frame.iloc[:20])[:7])
    assert list(model.feature_names_in_) == ["a", "b", "c"]


def test_bad_input_is_named():
    X, y = zero_inflated()
    y_bad = y.copy()
    y_bad[17] = np.nan
    with pytest.raises(ValueError, match=r"y\[17\] is nan"):
        HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, y_bad)
    with pytest.raises(ValueError, match="'classifier' parameter .*predict_proba"):
        HurdleRegressor(Ridge(), LinearRegression()).fit(X, y)
    with pytest.raises(ValueError, match="must be a regressor"):
        HurdleRegressor(LogisticRegression(), LogisticRegression()).fit(X, y)
    with pytest.raises(ValueError, match="threshold"):
        HurdleRegressor(LogisticRegression(), LinearRegression(), threshold=1.5).fit(X, y)
    with pytest.raises(ValueError, match="200 samples but y has 10"):
        HurdleRegressor(LogisticRegression(), DummyRegressor()).fit(X, y[:10])


def test_input_is_not_mutated():
    X, y = zero_inflated()
    X0, y0 = X.copy(), y.copy()
    HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, y).predict(X)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_saved_and_loaded_in_a_pipeline_file(tmp_path):
    from skmat import load_pipeline, save_pipeline

    X, y = zero_inflated()
    model = make_pipeline(StandardScaler(), HurdleRegressor(LogisticRegression(), Ridge())).fit(X, y)
    save_pipeline(model, tmp_path / "hurdle.skmat")
    loaded = load_pipeline(tmp_path / "hurdle.skmat")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded[-1].zero_fraction_ == model[-1].zero_fraction_


def test_a_part_that_cannot_be_stored_is_named_at_save(tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier

    from skmat import save_pipeline

    X, y = zero_inflated()
    model = make_pipeline(HurdleRegressor(HistGradientBoostingClassifier(max_iter=3), Ridge())).fit(X, y)
    with pytest.raises(TypeError, match=r"classifier_.*HistGradientBoostingClassifier|classifier_.*cannot be stored"):
        save_pipeline(model, tmp_path / "no.skmat")
    assert not (tmp_path / "no.skmat").exists()


def test_a_crafted_file_cannot_put_code_inside_the_hurdle(tmp_path):
    """An attacker who re-signs the file and names a function as the classifier gets a refusal, not a call."""
    import io

    import torch

    from skmat import load_pipeline, save_pipeline
    from skmat.models._persistence import write_payload

    X, y = zero_inflated()
    save_pipeline(make_pipeline(HurdleRegressor(LogisticRegression(), Ridge())).fit(X, y), tmp_path / "h.skmat")
    payload = torch.load(tmp_path / "h.skmat", weights_only=True)
    payload.pop("content_sha256")
    step = payload["steps"][0]["object"]
    assert step["params"]["classifier"]["__object__"] == "sklearn.linear_model.LogisticRegression"
    step["params"]["classifier"] = {"__object__": "os:system", "params": {"command": "touch " + str(tmp_path / "x")}}
    buffer = io.BytesIO()
    write_payload(payload, buffer)  # a valid checksum, as an attacker who read the format would write it
    buffer.seek(0)
    with pytest.raises(ValueError, match="os:system"):
        load_pipeline(buffer)
    assert not (tmp_path / "x").exists()


def test_all_zero_targets_still_check_x_at_predict():
    """No part is fitted then; predict must refuse what a fitted part would, not return zeros for it."""
    X = np.arange(20.0)[:, None]
    model = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, np.zeros(20))
    assert model.n_features_in_ == 1
    np.testing.assert_array_equal(model.predict([[3.0], [4.0]]), [0.0, 0.0])
    with pytest.raises(ValueError, match="X has 5 features, but HurdleRegressor is expecting 1"):
        model.predict(np.ones((2, 5)))
    with pytest.raises(TypeError, match="single string 'abc'"):
        model.predict("abc")
    with pytest.raises(ValueError, match="numeric"):
        model.predict([["a"], ["b"]])
    with pytest.raises(ValueError, match="NaN"):
        model.predict([[np.nan]])

    frame = pd.DataFrame({"a": np.arange(6.0), "b": np.arange(6.0)})
    named = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(frame, np.zeros(6))
    assert list(named.feature_names_in_) == ["a", "b"]
    with pytest.raises(ValueError, match="feature names"):
        named.predict(frame.rename(columns={"b": "c"}))
    # A refit on nonzero targets forgets the recorded columns of the all-zero fit.
    refit = named.fit(np.ones((6, 3)), np.arange(6.0))
    assert refit.n_features_in_ == 3 and not hasattr(refit, "feature_names_in_")


def test_all_zero_targets_on_formulas_keep_accepting_formulas():
    formulas = ["Fe2O3", "NaCl", "Cu", "Al"]
    model = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(formulas, np.zeros(4))
    assert not hasattr(model, "n_features_in_")
    np.testing.assert_array_equal(model.predict(["Fe", "MgO"]), [0.0, 0.0])
    with pytest.raises(TypeError, match="single string 'Fe'"):
        model.predict("Fe")


def test_all_zero_model_is_saved_and_loaded(tmp_path):
    from skmat import load_pipeline, save_pipeline

    X = np.arange(20.0).reshape(-1, 2)
    model = make_pipeline(HurdleRegressor(LogisticRegression(), Ridge())).fit(X, np.zeros(10))
    save_pipeline(model, tmp_path / "zeros.skmat")
    loaded = load_pipeline(tmp_path / "zeros.skmat")
    np.testing.assert_array_equal(loaded.predict(X), np.zeros(10))
    with pytest.raises(ValueError, match="X has 3 features"):
        loaded.predict(np.ones((2, 3)))


@pytest.mark.parametrize("zero", [np.nan, np.inf, -np.inf])
def test_zero_must_be_finite(zero):
    X, y = zero_inflated()
    with pytest.raises(ValueError, match=rf"'zero' parameter .*Got {zero}"):
        HurdleRegressor(LogisticRegression(), LinearRegression(), zero=zero).fit(X, y)


def test_complex_targets_are_refused_naming_the_row():
    from sklearn.linear_model import LinearRegression, LogisticRegression

    X = np.arange(12.0)[:, None]
    y = np.r_[np.zeros(6), np.arange(1.0, 7.0)].astype(complex)
    y[8] += 2j
    with pytest.raises(ValueError, match=r"complex values \(\(3\+2j\) at row 8\)"):
        HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, y)
