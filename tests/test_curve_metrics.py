"""Per-curve MAE, MAPE and R², their Table II summary, the scorers, and interpolate_curves."""

from __future__ import annotations

import pickle
import warnings

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
    interpolate_curves,
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


# --------------------------------------------------------------------------
# interpolate_curves
# --------------------------------------------------------------------------


def random_grids(n=30, t=35, t_new=20, seed=0):
    """Per-curve increasing grids on [0, 1], the new points inside, some on old points."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 1.0, size=(n, t)), axis=1)
    x[:, 0], x[:, -1] = 0.0, 1.0
    y = np.cumsum(rng.uniform(1, 50, size=(n, t)), axis=1)
    inside = rng.uniform(0.0, 1.0, size=(n, t_new - 4))
    x_new = np.sort(np.concatenate([inside, x[:, [0, 5, 17, -1]]], axis=1), axis=1)
    return x, y, x_new


def np_interp_rows(y, x, x_new):
    x = np.broadcast_to(x, y.shape)
    x_new = np.broadcast_to(x_new, (len(y), np.shape(x_new)[-1]))
    return np.stack([np.interp(b, a, c) for a, c, b in zip(x, y, x_new, strict=True)])


@pytest.mark.parametrize("per_curve_from", [False, True])
@pytest.mark.parametrize("per_curve_to", [False, True])
def test_interpolate_curves_matches_np_interp(per_curve_from, per_curve_to):
    x, y, x_new = random_grids()
    from_strain = x if per_curve_from else x[0]
    to_strain = x_new if per_curve_to else x_new[0]
    out = interpolate_curves(y, from_strain, to_strain)
    assert out.shape == (30, 20) and out.dtype == np.float64
    np.testing.assert_allclose(out, np_interp_rows(y, from_strain, to_strain), rtol=1e-13, atol=1e-12)


def test_interpolate_curves_is_exact_on_the_curves_own_points():
    x, y, _ = random_grids()
    np.testing.assert_array_equal(interpolate_curves(y, x, x), y)
    np.testing.assert_array_equal(interpolate_curves(y, x[0], x[0]), y)


def test_interpolate_curves_one_curve_and_pandas():
    x, y, x_new = random_grids(n=1)
    out = interpolate_curves(y[0], x[0], x_new[0])
    assert out.shape == (20,)
    np.testing.assert_allclose(out, np.interp(x_new[0], x[0], y[0]), rtol=1e-13)
    frame = pd.DataFrame(np.vstack([y, 2 * y]))
    out = interpolate_curves(frame, pd.Series(x[0]), x_new[0])
    np.testing.assert_allclose(out[1], 2 * out[0])


def test_interpolate_curves_has_no_loop_over_curves(monkeypatch):
    x, y, x_new = random_grids(n=200)
    expected = np_interp_rows(y, x, x_new)

    def forbidden(*args, **kwargs):
        raise AssertionError("np.interp called")

    monkeypatch.setattr(np, "interp", forbidden)
    np.testing.assert_allclose(interpolate_curves(y, x, x_new), expected, rtol=1e-13, atol=1e-12)


def test_interpolate_curves_extrapolation():
    y = np.array([[0.0, 10.0, 20.0], [0.0, 100.0, 150.0]])
    grid = [0.0, 1.0, 2.0]
    np.testing.assert_allclose(
        interpolate_curves(y, grid, [-1.0, 2.5], extrapolate="linear"), [[-10.0, 25.0], [-100.0, 175.0]]
    )
    np.testing.assert_allclose(
        interpolate_curves(y, grid, [-1.0, 2.5], extrapolate="clip"), [[0.0, 20.0], [0.0, 150.0]]
    )
    # Within a millionth of the span: rounding, held at the end value.
    np.testing.assert_array_equal(interpolate_curves(y, grid, [0.0, 2.0 + 1e-7]), [[0.0, 20.0], [0.0, 150.0]])


def test_interpolate_curves_out_of_range_names_the_curve():
    y = np.array([[0.0, 10.0, 20.0], [0.0, 100.0, 150.0]])
    message = (
        r"to_strain of curve 1 has 2.5 at point 2, outside the curve's from_strain range 0 to 2; "
        r"pass extrapolate='linear'"
    )
    with pytest.raises(ValueError, match=message):
        interpolate_curves(y, [0.0, 1.0, 2.0], [[0.5, 1.0, 1.5], [0.5, 1.0, 2.5]])
    message = r"to_strain of curve 1 has 1.5 at point 1, outside the curve's from_strain range 0 to 1"
    with pytest.raises(ValueError, match=message):
        interpolate_curves(y, [[0.0, 1.0, 2.0], [0.0, 0.5, 1.0]], [0.5, 1.5])
    message = r"^to_strain has -0.1 at point 0, outside the curve's from_strain range 0 to 2"
    with pytest.raises(ValueError, match=message):
        interpolate_curves(y, [0.0, 1.0, 2.0], [-0.1, 1.0])


def test_interpolate_curves_grids_must_increase():
    y = np.zeros((3, 4))
    from_strain = np.tile([0.0, 1.0, 2.0, 3.0], (3, 1))
    from_strain[2, 2] = 1.0
    message = r"from_strain of curve 2 must be strictly increasing, but point 2 \(1\) follows point 1 \(1\)"
    with pytest.raises(ValueError, match=message):
        interpolate_curves(y, from_strain, [0.5])
    message = r"^to_strain must be strictly increasing, but point 1 \(0.2\) follows point 0 \(0.5\)"
    with pytest.raises(ValueError, match=message):
        interpolate_curves(y, [0.0, 1.0, 2.0, 3.0], [0.5, 0.2])
    with pytest.raises(ValueError, match=r"to_strain of curve 1 must be strictly increasing"):
        interpolate_curves(y, [0.0, 1.0, 2.0, 3.0], [[0.1, 0.2], [0.2, 0.2], [0.1, 0.2]])


def test_interpolate_curves_bad_values_and_shapes():
    y = np.array([[0.0, 10.0, 20.0], [0.0, 100.0, 150.0]])
    grid = [0.0, 1.0, 2.0]
    bad = y.copy()
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"y of curve 1 has NaN at point 2"):
        interpolate_curves(bad, grid, [0.5])
    with pytest.raises(ValueError, match=r"^from_strain has an infinite value \(inf\) at point 2"):
        interpolate_curves(y, [0.0, 1.0, np.inf], [0.5])
    with pytest.raises(ValueError, match=r"from_strain has 3 rows but y has 2 curves"):
        interpolate_curves(y, np.tile(grid, (3, 1)), [0.5])
    with pytest.raises(ValueError, match=r"to_strain has 3 rows but y has 2 curves"):
        interpolate_curves(y, grid, np.tile([0.5], (3, 1)))
    with pytest.raises(ValueError, match=r"from_strain has 2 points but the curves of y have 3"):
        interpolate_curves(y, [0.0, 1.0], [0.5])
    with pytest.raises(ValueError, match=r"y must hold at least one curve of at least 2 points"):
        interpolate_curves(np.zeros((2, 1)), [0.0], [0.0])
    with pytest.raises(ValueError, match=r"to_strain has no points"):
        interpolate_curves(y, grid, [])
    with pytest.raises(ValueError, match=r"y must be 1-D .* got shape \(2, 3, 1\)"):
        interpolate_curves(y[..., None], grid, [0.5])
    with pytest.raises(ValueError, match=r"from_strain must be numeric"):
        interpolate_curves(y, ["a", "b", "c"], [0.5])
    with pytest.raises(ValueError, match=r"extrapolate must be one of \['error', 'clip', 'linear'\]"):
        interpolate_curves(y, grid, [0.5], extrapolate="nearest")


def test_interpolate_curves_does_not_change_its_inputs():
    x, y, x_new = random_grids()
    copies = [a.copy() for a in (x, y, x_new)]
    for a in (x, y, x_new):
        a.flags.writeable = False
    interpolate_curves(y, x, x_new)
    for a, c in zip((x, y, x_new), copies, strict=True):
        np.testing.assert_array_equal(a, c)


# --------------------------------------------------------------------------
# points: score a selection of each curve's points
# --------------------------------------------------------------------------

PER_CURVE = [curve_mae, curve_mape, curve_r2]


@pytest.mark.parametrize("metric", PER_CURVE, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "points, columns",
    [
        (slice(2, None), slice(2, None)),
        (slice(None, None, 2), slice(None, None, 2)),
        (np.arange(35) >= 2, slice(2, None)),
        ([0, 5, 34], [0, 5, 34]),
        ([-1, -2], [34, 33]),
        (np.array([3], dtype=np.uint8), [3]),
        (None, slice(None)),
    ],
    ids=["slice", "step", "mask", "indices", "negative", "uint8", "none"],
)
def test_points_equal_scoring_the_selected_columns(metric, points, columns):
    true, pred = random_curves()
    np.testing.assert_allclose(
        metric(true, pred, points=points), metric(true[:, columns], pred[:, columns]), rtol=1e-14
    )


def test_points_in_the_summary():
    true, pred = random_curves()
    pd.testing.assert_frame_equal(
        summarize_curve_errors(true, pred, eps=2.0, points=slice(2, None)),
        summarize_curve_errors(true[:, 2:], pred[:, 2:], eps=2.0),
    )


def test_points_by_hand_plastic_points():
    # Leaving out the first two points of Y_TRUE / Y_PRED: curve 0 (10/200 + 0) / 2, curve 1 (0 + 40/600) / 2.
    np.testing.assert_allclose(curve_mape(Y_TRUE, Y_PRED, points=slice(2, None)), [0.025, 40 / 600 / 2])
    np.testing.assert_allclose(curve_mae(Y_TRUE, Y_PRED, points=slice(2, None)), [5.0, 20.0])


def test_points_are_chosen_before_eps():
    with pytest.raises(ValueError, match=r"Curve 0 of y_true has no point with \|y\| > eps"):
        curve_mape(Y_TRUE, Y_PRED, points=[0])


@pytest.mark.parametrize("metric", ALL_METRICS, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "points, message",
    [
        (np.ones(3, dtype=bool), r"points is a boolean mask of 3 values but the curves have 4 points"),
        ([4], r"points has index 4, but the curves have 4 points"),
        ([-5], r"points has index -5, but the curves have 4 points"),
        (slice(5, None), r"points selects none of the 4 points of the curves"),
        ([], r"points selects none of the 4 points"),
        (np.zeros(4, dtype=bool), r"points selects none of the 4 points"),
        (2, r"points must be None, a slice, or a 1-D array .* got 2"),
        ("2:", r"points must be None, a slice, .* got '2:'"),
        ([[0, 1]], r"points must be .* got shape \(1, 2\)"),
        ([0.0, 1.0], r"points must be .* got an array of dtype float64"),
    ],
)
def test_bad_points(metric, points, message):
    with pytest.raises(ValueError, match=message):
        metric(Y_TRUE, Y_PRED, points=points)


def test_scorers_with_points():
    X, Y = curve_regression(seed=4)
    model = Ridge().fit(X, Y)
    pred = model.predict(X)
    scorers = curve_scorers(eps=1.0, points=slice(2, None))
    expected = {
        "median_curve_mae": -np.median(curve_mae(Y[:, 2:], pred[:, 2:])),
        "max_curve_mae": -np.max(curve_mae(Y[:, 2:], pred[:, 2:])),
        "median_curve_mape": -np.median(curve_mape(Y[:, 2:], pred[:, 2:], eps=1.0)),
        "median_curve_r2": np.median(curve_r2(Y[:, 2:], pred[:, 2:])),
        "min_curve_r2": np.min(curve_r2(Y[:, 2:], pred[:, 2:])),
    }
    for name, scorer in scorers.items():
        assert scorer(model, X, Y) == pytest.approx(expected[name]), name
        assert pickle.loads(pickle.dumps(scorer))(model, X, Y) == scorer(model, X, Y), name
    assert curve_scorers(points=slice(2, None))["median_curve_r2"] is not median_curve_r2_scorer
    scores = cross_validate(Ridge(), X, Y, cv=3, scoring=curve_scorers(points=np.arange(35) > 1))
    assert np.all(scores["test_median_curve_r2"] > 0.9)


@pytest.mark.parametrize("points", [2, "plastic", [[1, 2]], [0.5]])
def test_curve_scorers_reject_bad_points_at_once(points):
    with pytest.raises(ValueError, match="points must be None, a slice"):
        curve_scorers(points=points)


@pytest.mark.parametrize(
    "metric, y_true, y_pred, match",
    [
        (
            curve_r2,
            [[0.0, 1.0, 2.0], [1e200, -1e200, 0.0]],
            [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]],
            "Curve 1: its sums of squares overflow float64, so its R²",
        ),
        (curve_r2, [[1e308, 1e308, 1e308]], [[0.0, 0.0, 0.0]], "Curve 0: its sums of squares overflow"),
        (
            curve_mae,
            [[0.0, 1.0], [1e308, -1e308]],
            [[0.0, 1.0], [-1e308, 1e308]],
            "Curve 1: its absolute errors overflow float64, so its MAE",
        ),
        (
            curve_mape,
            [[1.0, 1.0], [1e308, 1e308]],
            [[1.0, 1.0], [-1e308, 0.0]],
            "Curve 1: its absolute errors overflow float64, so its MAPE",
        ),
        (summarize_curve_errors, [[1e200, -1e200, 0.0]], [[0.0, 0.0, 0.0]], "Curve 0: its sums of squares"),
    ],
)
def test_errors_too_large_to_compute_are_named(metric, y_true, y_pred, match):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=match):
            metric(y_true, y_pred)


def test_large_but_computable_errors_stay_finite():
    y_true, y_pred = [[1e200, -1e200, 0.0]], [[0.0, 0.0, 0.0]]
    assert np.allclose(curve_mae(y_true, y_pred), [2e200 / 3])
    assert np.array_equal(curve_mape([[1e308, 1e308]], [[0.0, 1e308]]), [0.5])
    big = np.array([[1e150, 2e150, 3e150]])
    assert np.allclose(curve_r2(big, big * 1.01), r2_score(big[0] / 1e150, big[0] * 1.01 / 1e150))


def test_interpolate_curves_names_a_strain_range_too_large():
    too_large = r"from_strain runs from -1e\+308 to 1e\+308, a range too large"
    with warnings.catch_warnings(), pytest.raises(ValueError, match=too_large):
        warnings.simplefilter("error")
        interpolate_curves([0.0, 1.0, 2.0], [-1e308, 0.0, 1e308], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"from_strain of curve 1 runs from"):
        interpolate_curves([[0.0, 1.0], [0.0, 1.0]], [[0.0, 1.0], [-1e308, 1e308]], [[0.5], [0.0]])


def test_interpolate_curves_names_an_overflowing_extrapolation():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"Interpolating curve 1 at to_strain -1e\+308 \(point 0\) overflows"):
            interpolate_curves([[0.0, 1.0], [0.0, 1e300]], [0.0, 1.0], [-1e308, 0.5], extrapolate="linear")
        with pytest.raises(ValueError, match="Interpolating the curve at to_strain"):
            interpolate_curves([0.0, 1e300], [0.0, 1.0], [-1e308], extrapolate="linear")
