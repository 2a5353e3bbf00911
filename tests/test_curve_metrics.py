"""Per-curve MAE, MAPE and R², their Table II summary, and the scorers."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.metrics import mean_absolute_error, mean_absolute_percentage_error, r2_score
from sklearn.model_selection import GridSearchCV, KFold, cross_validate

from skmat.metrics import (
    curve_mae,
    curve_mape,
    curve_r2,
    curve_scorers,
    max_curve_mae_scorer,
    median_curve_mae_scorer,
    median_curve_mape_scorer,
    median_curve_r2_scorer,
    min_curve_r2_scorer,
    summarize_curve_errors,
)

# Two stress-strain-like curves starting at stress 0, hand-checked below.
Y_TRUE = np.array([[0.0, 100.0, 200.0, 300.0], [0.0, 400.0, 500.0, 600.0]])
Y_PRED = np.array([[0.0, 110.0, 190.0, 300.0], [40.0, 400.0, 500.0, 560.0]])


def random_curves(n=12, t=35, seed=0):
    rng = np.random.default_rng(seed)
    true = np.cumsum(rng.uniform(1, 50, size=(n, t)), axis=1)
    pred = true + rng.normal(scale=5.0, size=(n, t))
    return true, pred


# --------------------------------------------------------------------------
# Hand-computed values
# --------------------------------------------------------------------------


def test_mae_by_hand():
    # Curve 0: |0| + |10| + |10| + |0| = 20 over 4 points; curve 1: (40 + 40) / 4.
    np.testing.assert_allclose(curve_mae(Y_TRUE, Y_PRED), [5.0, 20.0])


def test_mape_by_hand_leaves_out_the_zero_point():
    # Curve 0: (10/100 + 10/200 + 0/300) / 3; curve 1: (0 + 0 + 40/600) / 3.
    np.testing.assert_allclose(curve_mape(Y_TRUE, Y_PRED), [0.15 / 3, (40 / 600) / 3])


def test_r2_by_hand():
    # Curve 0: mean 150, SS_tot = 150² + 50² + 50² + 150² = 50000, SS_res = 200.
    # Curve 1: mean 375, SS_tot = 375² + 25² + 125² + 225² = 207500, SS_res = 3200.
    np.testing.assert_allclose(curve_r2(Y_TRUE, Y_PRED), [1 - 200 / 50000, 1 - 3200 / 207500])


def test_perfect_prediction():
    true, _ = random_curves()
    np.testing.assert_array_equal(curve_mae(true, true), 0.0)
    np.testing.assert_array_equal(curve_mape(true, true), 0.0)
    np.testing.assert_array_equal(curve_r2(true, true), 1.0)
    summary = summarize_curve_errors(true, true)
    np.testing.assert_array_equal(summary.loc["MAE"], 0.0)
    np.testing.assert_array_equal(summary.loc["R2"], 1.0)


def test_agrees_with_sklearn_curve_by_curve():
    true, pred = random_curves()
    # Curves as columns: sklearn's multioutput "raw_values" is then per curve.
    np.testing.assert_allclose(
        curve_mae(true, pred), mean_absolute_error(true.T, pred.T, multioutput="raw_values")
    )
    np.testing.assert_allclose(curve_r2(true, pred), r2_score(true.T, pred.T, multioutput="raw_values"))
    np.testing.assert_allclose(
        curve_mape(true, pred), mean_absolute_percentage_error(true.T, pred.T, multioutput="raw_values")
    )


def test_constant_true_curve_r2_follows_sklearn_force_finite():
    true = np.array([[5.0, 5.0, 5.0], [5.0, 5.0, 5.0], [0.0, 1.0, 2.0]])
    pred = np.array([[5.0, 5.0, 5.0], [5.0, 6.0, 5.0], [0.0, 1.0, 2.0]])
    r2 = curve_r2(true, pred)
    np.testing.assert_array_equal(r2, [1.0, 0.0, 1.0])
    assert np.all(np.isfinite(r2))
    for i in range(2):
        assert r2[i] == r2_score(true[i], pred[i])  # force_finite=True is sklearn's default


def test_r2_can_be_negative():
    assert curve_r2([[0.0, 1.0, 2.0]], [[2.0, 1.0, 0.0]])[0] == pytest.approx(-3.0)


def test_one_dimensional_input_is_one_curve():
    assert curve_mae(Y_TRUE[0], Y_PRED[0]).shape == (1,)
    np.testing.assert_allclose(curve_r2(Y_TRUE[1], Y_PRED[1]), curve_r2(Y_TRUE, Y_PRED)[1:])


def test_eps_leaves_out_small_true_values():
    true = [[0.5, 10.0, 20.0]]
    pred = [[1.5, 11.0, 20.0]]
    np.testing.assert_allclose(curve_mape(true, pred), [(2.0 + 0.1 + 0.0) / 3])
    np.testing.assert_allclose(curve_mape(true, pred, eps=1.0), [0.05])
    np.testing.assert_allclose(curve_mape([[-10.0, 10.0]], [[-11.0, 9.0]]), [0.1])  # |y| for negatives


def test_mape_of_a_zero_curve_raises_instead_of_nan():
    with pytest.raises(ValueError, match=r"Curve 1 of y_true has no point with \|y\| > eps=1e-08"):
        curve_mape([[0.0, 1.0], [0.0, 0.0]], [[0.0, 1.0], [0.0, 0.1]])
    with pytest.raises(ValueError, match=r"Curve 0 of y_true has no point with \|y\| > eps=5"):
        curve_mape([[0.0, 1.0]], [[0.0, 1.0]], eps=5)


@pytest.mark.parametrize("eps", [-1.0, np.nan, "1e-3", None, True])
def test_bad_eps(eps):
    with pytest.raises(ValueError, match="eps must be a number >= 0"):
        curve_mape(Y_TRUE, Y_PRED, eps=eps)
    with pytest.raises(ValueError, match="eps must be a number >= 0"):
        curve_scorers(eps=eps)


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------

ALL_METRICS = [curve_mae, curve_mape, curve_r2, summarize_curve_errors]


@pytest.mark.parametrize("metric", ALL_METRICS, ids=lambda f: f.__name__)
def test_shape_mismatch_names_both_shapes(metric):
    with pytest.raises(ValueError, match=r"same shape, got \(2, 4\) and \(2, 3\)"):
        metric(Y_TRUE, Y_PRED[:, :3])
    message = r"y_pred must be 2-D, shape \(n_curves, n_points\), got shape \(2, 4, 1\)"
    with pytest.raises(ValueError, match=message):
        metric(Y_TRUE, Y_PRED[..., None])


@pytest.mark.parametrize("metric", ALL_METRICS, ids=lambda f: f.__name__)
def test_nan_and_inf_name_the_curve_and_point(metric):
    pred = Y_PRED.copy()
    pred[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"y_pred has NaN in curve 1 at point 2"):
        metric(Y_TRUE, pred)
    true = Y_TRUE.copy()
    true[0, 3] = -np.inf
    with pytest.raises(ValueError, match=r"y_true has an infinite value \(-inf\) in curve 0 at point 3"):
        metric(true, Y_PRED)


@pytest.mark.parametrize("metric", ALL_METRICS, ids=lambda f: f.__name__)
def test_bad_inputs(metric):
    with pytest.raises(ValueError, match="at least one curve of at least one point"):
        metric(np.zeros((0, 5)), np.zeros((0, 5)))
    with pytest.raises(ValueError, match="y_true must be numeric curves on one grid"):
        metric([[0.0, 1.0], [0.0]], [[0.0, 1.0], [0.0]])  # ragged: resample first
    with pytest.raises(ValueError, match="y_pred must be numeric"):
        metric([["0", "1"]], [["a", "b"]])


def test_pandas_and_read_only_inputs():
    true = pd.DataFrame(Y_TRUE)
    pred = Y_PRED.copy()
    pred.flags.writeable = False  # as pandas 3 copy-on-write hands them out
    np.testing.assert_allclose(curve_mae(true, pred), [5.0, 20.0])
    nullable = pd.DataFrame(Y_TRUE).astype("Float64")
    nullable.iloc[1, 1] = pd.NA
    with pytest.raises(ValueError, match="y_true has NaN in curve 1 at point 1"):
        curve_r2(nullable, Y_PRED)


def test_inputs_are_not_changed():
    true, pred = Y_TRUE.copy(), Y_PRED.copy()
    for metric in ALL_METRICS:
        metric(true, pred)
    np.testing.assert_array_equal(true, Y_TRUE)
    np.testing.assert_array_equal(pred, Y_PRED)


# --------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------


def test_summary_table():
    true, pred = random_curves(n=9)
    summary = summarize_curve_errors(true, pred, eps=2.0)
    assert isinstance(summary, pd.DataFrame)
    assert list(summary.index) == ["MAE", "MAPE", "R2"]
    assert list(summary.columns) == ["min", "median", "mean", "max"]
    for name, values in (
        ("MAE", curve_mae(true, pred)),
        ("MAPE", curve_mape(true, pred, eps=2.0)),
        ("R2", curve_r2(true, pred)),
    ):
        np.testing.assert_allclose(
            summary.loc[name], [values.min(), np.median(values), values.mean(), values.max()]
        )
    assert summary.notna().all().all()


def test_summary_by_hand():
    summary = summarize_curve_errors(Y_TRUE, Y_PRED)
    assert summary.loc["MAE", "min"] == 5.0 and summary.loc["MAE", "max"] == 20.0
    assert summary.loc["MAE", "median"] == 12.5
    assert summary.loc["R2", "max"] == pytest.approx(1 - 200 / 50000)


# --------------------------------------------------------------------------
# Scorers
# --------------------------------------------------------------------------


def curve_regression(n=60, t=35, seed=0):
    """X (n, 4) -> Y (n, t): stress curves from 4 parameters, plus noise."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.5, 2.0, size=(n, 4))
    strain = np.linspace(0.0, 1.0, t)
    Y = 100.0 * X[:, :1] * strain[None, :] + 50.0 * X[:, 1:2] * strain[None, :] ** 2
    Y[:, 0] = 0.0  # stress 0 at strain 0, as in the SPT data
    return X, Y + rng.normal(scale=0.5, size=Y.shape) * (strain > 0)


def test_cross_validate_with_curve_scorers():
    X, Y = curve_regression()
    scoring = curve_scorers()
    assert set(scoring) == {"median_curve_mae", "max_curve_mae", "median_curve_mape", "median_curve_r2",
                            "min_curve_r2"}
    cv = KFold(4, shuffle=True, random_state=0)
    scores = cross_validate(Ridge(alpha=1e-3), X, Y, cv=cv, scoring=scoring, return_estimator=True,
                            return_indices=True)
    assert np.all(scores["test_median_curve_mae"] < 0)  # errors are negated
    assert np.all(scores["test_median_curve_mape"] < 0)
    assert np.all(scores["test_max_curve_mae"] <= scores["test_median_curve_mae"])
    assert np.all(scores["test_min_curve_r2"] <= scores["test_median_curve_r2"])
    assert np.all(scores["test_median_curve_r2"] > 0.9)
    # Each score is the reduction of the per-curve metric on that fold's test curves.
    folds = zip(scores["estimator"], scores["indices"]["test"], strict=True)
    for fold, (estimator, test) in enumerate(folds):
        pred = estimator.predict(X[test])
        assert scores["test_median_curve_mae"][fold] == pytest.approx(-np.median(curve_mae(Y[test], pred)))
        assert scores["test_max_curve_mae"][fold] == pytest.approx(-np.max(curve_mae(Y[test], pred)))
        assert scores["test_median_curve_mape"][fold] == pytest.approx(-np.median(curve_mape(Y[test], pred)))
        assert scores["test_median_curve_r2"][fold] == pytest.approx(np.median(curve_r2(Y[test], pred)))
        assert scores["test_min_curve_r2"][fold] == pytest.approx(np.min(curve_r2(Y[test], pred)))


def test_module_level_scorers_and_grid_search():
    X, Y = curve_regression(seed=1)
    model = Ridge().fit(X, Y)
    pred = model.predict(X)
    assert median_curve_mae_scorer(model, X, Y) == pytest.approx(-np.median(curve_mae(Y, pred)))
    assert max_curve_mae_scorer(model, X, Y) == pytest.approx(-np.max(curve_mae(Y, pred)))
    assert median_curve_mape_scorer(model, X, Y) == pytest.approx(-np.median(curve_mape(Y, pred)))
    assert median_curve_r2_scorer(model, X, Y) == pytest.approx(np.median(curve_r2(Y, pred)))
    assert min_curve_r2_scorer(model, X, Y) == pytest.approx(np.min(curve_r2(Y, pred)))
    search = GridSearchCV(
        Ridge(), {"alpha": [1e-3, 1e3]}, scoring=curve_scorers(), refit="median_curve_mae", cv=3
    )
    search.fit(X, Y)
    assert search.best_params_ == {"alpha": 1e-3}


def test_scorer_eps_is_passed_to_mape():
    X, Y = curve_regression(seed=2)
    model = Ridge().fit(X, Y)
    pred = model.predict(X)
    scorer = curve_scorers(eps=30.0)["median_curve_mape"]
    assert scorer(model, X, Y) == pytest.approx(-np.median(curve_mape(Y, pred, eps=30.0)))
    assert curve_scorers()["median_curve_mape"] is median_curve_mape_scorer


def test_scorers_pickle_for_parallel_jobs():
    X, Y = curve_regression(seed=3)
    model = Ridge().fit(X, Y)
    for name, scorer in curve_scorers(eps=1.0).items():
        restored = pickle.loads(pickle.dumps(scorer))
        assert restored(model, X, Y) == scorer(model, X, Y), name
