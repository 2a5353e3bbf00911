"""CurveResampler: values, input kinds, errors, and the scikit-learn API.

The resampler declares ``input_tags.two_d_array = False`` (its input is a
list of curves), so ``parametrize_with_checks`` would run no common check.
As in ``test_common_encoders.py``: the generic checks that do not feed numeric
2-D data run directly from ``SKLEARN_CHECKS``; those that need a numeric 2-D
``X`` are listed in ``SKIPPED_CHECKS`` with the reason and the test below that
guards the same property on curves (``test_relocated_tests.py`` checks that
every test named there exists).
"""

from __future__ import annotations

import copy
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_checks as ec
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted
from transformer_contract import (
    CHECKS_FOR_ANY_INPUT,
    assert_fit_is_idempotent,
    assert_fit_transform_equals_fit_then_transform,
    assert_rows_are_transformed_independently,
    assert_transform_does_not_change_state,
)

import skmat
from skmat.preprocessing import CurveResampler


def make_curves():
    """Three curves of different lengths and spacings, y = 2x + curve number."""
    xs = [np.linspace(0.0, 4.5, 181), np.array([0.0, 0.3, 1.0, 2.2, 4.6]), np.linspace(-0.1, 5.0, 50)]
    return [(x, 2.0 * x + i) for i, x in enumerate(xs)]


CURVES = make_curves()


# --------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------


def test_default_grid_is_the_range_common_to_all_training_curves():
    resampler = CurveResampler(n_points=10).fit(CURVES)
    np.testing.assert_allclose(resampler.grid_, np.linspace(0.0, 4.5, 10))
    out = resampler.transform(CURVES)
    assert out.shape == (3, 10) and out.dtype == np.float64
    expected = 2.0 * resampler.grid_[None, :] + np.arange(3)[:, None]
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_default_n_points_is_the_spt_grid():
    resampler = CurveResampler().fit(CURVES)
    assert resampler.grid_.shape == (181,)
    np.testing.assert_allclose(np.diff(resampler.grid_), 0.025)


def test_hand_computed_linear_interpolation():
    curves = [([0.0, 1.0, 3.0], [0.0, 10.0, 30.0]), ([0.0, 2.0, 3.0], [1.0, 5.0, 4.0])]
    out = CurveResampler(grid=[0.0, 0.5, 1.5, 2.5, 3.0]).fit_transform(curves)
    np.testing.assert_allclose(out, [[0.0, 5.0, 15.0, 25.0, 30.0], [1.0, 2.0, 4.0, 4.5, 4.0]])


def test_x_range_sets_the_ends_of_the_built_grid():
    resampler = CurveResampler(n_points=5, x_range=(1, 3)).fit(CURVES)
    np.testing.assert_allclose(resampler.grid_, [1.0, 1.5, 2.0, 2.5, 3.0])


def test_given_grid_is_used_and_copied():
    grid = np.array([0.0, 1.0, 2.0])
    resampler = CurveResampler(grid=grid, n_points=99).fit(CURVES)
    np.testing.assert_array_equal(resampler.grid_, grid)
    assert resampler.grid_ is not grid
    grid[0] = -5.0  # the user's array changes later: the fitted grid does not
    assert resampler.grid_[0] == 0.0
    assert resampler.grid is grid  # the parameter is stored as given


def test_grid_beyond_a_curve_raises_naming_the_curve():
    resampler = CurveResampler(grid=np.linspace(0, 4.6, 5)).fit(CURVES[1:])
    with pytest.raises(ValueError, match=r"Curve 0 covers x from 0 to 4.5, but the grid runs from 0 to 4.6"):
        resampler.transform(CURVES)
    with pytest.raises(ValueError, match="Curve 0 covers x"):
        CurveResampler(grid=np.linspace(0, 4.6, 5)).fit(CURVES)


def test_grid_within_rounding_of_a_curve_end_is_not_extrapolation():
    x = np.linspace(0.0, 4.5, 181)
    grid = np.linspace(0.0, 4.5 + 1e-9, 7)
    out = CurveResampler(grid=grid).fit_transform([(x, x**2)])
    assert out[0, -1] == pytest.approx(4.5**2)


def test_clip_holds_end_values_and_linear_extends_the_end_segments():
    curves = [([1.0, 2.0, 4.0], [10.0, 20.0, 30.0])]
    grid = [0.0, 1.0, 3.0, 5.0]
    clipped = CurveResampler(grid=grid, extrapolate="clip").fit_transform(curves)
    np.testing.assert_allclose(clipped, [[10.0, 10.0, 25.0, 30.0]])
    extended = CurveResampler(grid=grid, extrapolate="linear").fit_transform(curves)
    np.testing.assert_allclose(extended, [[0.0, 10.0, 25.0, 35.0]])


@pytest.mark.parametrize("extrapolate", ["clip", "linear"])
@pytest.mark.parametrize("kind", ["linear", "pchip"])
def test_shared_x_fast_path_matches_curve_by_curve(kind, extrapolate):
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(0, 4, 30))
    ys = rng.normal(size=(6, 30)).cumsum(axis=1)
    grid = np.linspace(-0.5, 4.5, 41)
    resampler = CurveResampler(grid=grid, kind=kind, extrapolate=extrapolate).fit([(x, ys[0])])
    shared = resampler.transform([(x, y) for y in ys])  # one x for all: vectorized
    one_by_one = np.vstack([resampler.transform([(x, y)]) for y in ys])
    np.testing.assert_allclose(shared, one_by_one, rtol=1e-12, atol=1e-12)
    # A perturbed x on one curve forces the per-curve loop for all of them.
    mixed = resampler.transform([(x, ys[0]), (x + 1e-12, ys[1])] + [(x, y) for y in ys[2:]])
    np.testing.assert_allclose(mixed, shared, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=30),
        min_size=1,
        max_size=5,
    ),
    st.integers(2, 40),
)
def test_linear_matches_np_interp(ys, n_points):
    curves = []
    for i, y in enumerate(ys):
        x = np.cumsum(np.linspace(0.5, 1.5, len(y))) - 0.5 * i / len(ys)
        curves.append((x, np.asarray(y)))
    resampler = CurveResampler(n_points=n_points).fit(curves)
    out = resampler.transform(curves)
    for row, (x, y) in zip(out, curves, strict=True):
        np.testing.assert_allclose(row, np.interp(resampler.grid_, x, y), rtol=1e-12, atol=1e-9)


def test_pchip_goes_through_the_points_and_keeps_monotone_curves_monotone():
    x = np.array([0.0, 0.1, 0.2, 1.0, 3.0, 4.5])
    y = np.array([0.0, 400.0, 480.0, 520.0, 1500.0, 1600.0])  # a knee, then hardening
    resampler = CurveResampler(grid=x, kind="pchip").fit([(x, y)])
    np.testing.assert_allclose(resampler.transform([(x, y)])[0], y)
    fine = CurveResampler(grid=np.linspace(0, 4.5, 400), kind="pchip").fit_transform([(x, y)])[0]
    assert np.all(np.diff(fine) >= 0)
    assert fine.max() <= y.max() + 1e-9


def test_integer_input_gives_float64():
    out = CurveResampler(grid=[0, 1, 2]).fit_transform([([0, 1, 2], [0, 5, 7])])
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[0.0, 5.0, 7.0]])


# --------------------------------------------------------------------------
# Input kinds
# --------------------------------------------------------------------------


def _as_lists(curves):
    return [[list(x), list(y)] for x, y in curves]


def _object_array(curves):
    array = np.empty(len(curves), dtype=object)
    array[:] = curves
    return array


INPUT_KINDS = {
    "list of tuples": lambda c: c,
    "tuple of tuples": tuple,
    "list of lists": _as_lists,
    "list of (2, m) arrays": lambda c: [np.vstack(pair) for pair in c],
    "object array": _object_array,
    "Series": lambda c: pd.Series(c),
    "one-column DataFrame": lambda c: pd.DataFrame({"curve": pd.Series(c)}),
    "two-column DataFrame": lambda c: pd.DataFrame({"dis": [x for x, _ in c], "force": [y for _, y in c]}),
    "pairs of Series": lambda c: [(pd.Series(x), pd.Series(y)) for x, y in c],
}


@pytest.mark.parametrize("kind", INPUT_KINDS)
def test_input_kinds_give_the_same_output(kind):
    expected = CurveResampler(n_points=11).fit(CURVES).transform(CURVES)
    X = INPUT_KINDS[kind](CURVES)
    np.testing.assert_allclose(CurveResampler(n_points=11).fit_transform(X), expected, atol=1e-12)


def test_three_d_array_input():
    x = np.linspace(0, 1, 7)
    X = np.stack([np.vstack([x, x * (i + 1)]) for i in range(4)])  # (4, 2, 7)
    out = CurveResampler(n_points=3).fit_transform(X)
    np.testing.assert_allclose(out, [[0, 0.5 * k, k] for k in range(1, 5)])
    out_int = CurveResampler(grid=[0, 1]).fit_transform(np.array([[[0, 1], [3, 4]]]))
    np.testing.assert_array_equal(out_int, [[3.0, 4.0]])


def test_read_only_input_is_accepted_and_nothing_is_mutated():
    # pandas 3 (copy-on-write) hands out read-only arrays from .to_numpy().
    curves = [(x.copy(), y.copy()) for x, y in CURVES]
    for x, y in curves:
        x.flags.writeable = False
        y.flags.writeable = False
    before = copy.deepcopy(curves)
    resampler = CurveResampler(grid=np.linspace(0, 4.5, 9), extrapolate="linear")
    out = resampler.fit_transform(curves)
    assert out.flags.writeable
    for (x, y), (x0, y0) in zip(curves, before, strict=True):
        np.testing.assert_array_equal(x, x0)
        np.testing.assert_array_equal(y, y0)
    X = np.stack([np.vstack([np.linspace(0, 1, 5), np.arange(5.0)])] * 2)
    X.flags.writeable = False
    CurveResampler(n_points=3).fit_transform(X)


def test_series_labels_appear_in_messages():
    bad = pd.Series([CURVES[0], ([0.0, 1.0], [0.0, np.nan])], index=["S1", "S2"])
    with pytest.raises(ValueError, match=r"Curve 1 \(index label 'S2'\): y has NaN at position 1"):
        CurveResampler().fit(bad)


def test_set_output_pandas_gives_named_columns():
    resampler = CurveResampler(grid=[0.0, 0.025, 0.05]).set_output(transform="pandas")
    out = resampler.fit_transform(CURVES)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["y_at_0", "y_at_0.025", "y_at_0.05"]


def test_in_a_pipeline_and_a_grid_search():
    rng = np.random.default_rng(1)
    curves, target = [], []
    for _ in range(30):
        k = rng.uniform(1, 3)
        x = np.sort(rng.uniform(0, 1, rng.integers(8, 20)))
        x[0], x[-1] = 0.0, 1.0
        curves.append((x, k * x))
        target.append(k)
    pipe = make_pipeline(CurveResampler(n_points=5), Ridge(alpha=1e-8))
    scores = cross_validate(pipe, curves, np.array(target), cv=3)
    assert np.all(scores["test_score"] > 0.999)
    search = GridSearchCV(pipe, {"curveresampler__n_points": [3, 9]}, cv=3).fit(curves, target)
    assert search.best_estimator_[0].grid_.shape in {(3,), (9,)}
    names = pipe.fit(curves, target)[:-1].get_feature_names_out()
    assert list(names) == ["y_at_0", "y_at_0.25", "y_at_0.5", "y_at_0.75", "y_at_1"]


def test_top_level_lazy_names():
    assert skmat.CurveResampler is CurveResampler
    assert "CurveResampler" in dir(skmat)
    assert skmat.preprocessing.CurveResampler is CurveResampler
    assert callable(skmat.metrics.curve_mae)


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------

GOOD = ([0.0, 1.0, 2.0], [0.0, 1.0, 2.0])

BAD_CURVES = [
    ("x NaN", ([0.0, np.nan, 2.0], [0.0, 1.0, 2.0]), r"Curve 1: x has NaN at position 1"),
    ("y inf", ([0.0, 1.0, 2.0], [0.0, 1.0, np.inf]),
     r"Curve 1: y has an infinite value \(inf\) at position 2"),
    ("x -inf", ([-np.inf, 1.0, 2.0], [0.0, 1.0, 2.0]),
     r"Curve 1: x has an infinite value \(-inf\) at position 0"),
    ("x repeats", ([0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 2.0, 3.0]),
     r"Curve 1: x must be strictly increasing, but x\[2\]=1 does not exceed x\[1\]=1"),
    ("x decreases", ([0.0, 2.0, 1.0], [0.0, 1.0, 2.0]), r"Curve 1: .*x\[2\]=1 does not exceed x\[1\]=2"),
    ("lengths", ([0.0, 1.0, 2.0], [0.0, 1.0]), r"Curve 1: x has 3 points but y has 2"),
    ("one point", ([0.0], [1.0]), r"Curve 1 has 1 point\(s\); at least 2 are needed"),
    ("no point", ([], []), r"Curve 1 has 0 point\(s\)"),
    ("2-D x", ([[0.0, 1.0]], [[0.0, 1.0]]), r"Curve 1: x must be 1-D, got shape \(1, 2\)"),
    ("text x", (["a", "b"], [0.0, 1.0]), r"Curve 1: x is not numeric"),
    ("object text y", ([0.0, 1.0], np.array(["a", 1.0], dtype=object)), r"Curve 1: y is not numeric"),
    ("complex y", ([0.0, 1.0], [1j, 2.0]), r"Curve 1: y is not numeric \(dtype complex128\)"),
    ("NA in nullable y", ([0.0, 1.0], pd.Series([1.0, None], dtype="Float64")),
     r"Curve 1: y has NaN at position 1"),
    ("triple", ([0.0, 1.0], [0.0, 1.0], [0.0, 1.0]),
     r"Curve 1 is not an \(x, y\) pair: got a tuple of length 3"),
    ("bare array", np.arange(5.0), r"Curve 1 is not an \(x, y\) pair: got an array of shape \(5,\)"),
    ("number", 3.0, r"Curve 1 is not an \(x, y\) pair: got a float"),
    ("string", "curve.csv", r"Curve 1 is not an \(x, y\) pair: got str"),
]


@pytest.mark.parametrize("label, curve, message", BAD_CURVES, ids=[b[0] for b in BAD_CURVES])
def test_bad_curve_raises_naming_it_in_fit_and_transform(label, curve, message):
    with pytest.raises(ValueError, match=message):
        CurveResampler().fit([GOOD, curve])
    resampler = CurveResampler().fit([GOOD])
    with pytest.raises(ValueError, match=message):
        resampler.transform([GOOD, curve])


BAD_INPUTS = [
    ("string", "curves.csv", "got the string 'curves.csv'"),
    ("empty list", [], "at least one curve"),
    ("empty 3-D", np.zeros((0, 2, 5)), "at least one curve"),
    ("2-D array", np.zeros((4, 5)), r"shape \(n, 2, m\), got shape \(4, 5\); a 2-D array is ambiguous"),
    ("3-D wrong middle", np.zeros((4, 3, 5)), r"got shape \(4, 3, 5\)"),
    ("3-D one point", np.zeros((4, 2, 1)), r"Curve 0 has 1 point"),
    ("3-D complex", np.zeros((1, 2, 3), dtype=complex), "numeric array of curves, got dtype complex128"),
    ("3-D object text", np.full((1, 2, 3), "a", dtype=object), r"object array of shape \(1, 2, 3\)"),
    ("3-D object NaN", np.array([[[0, 1, 2], [0, None, 1]]], dtype=object),
     r"Curve 0: y has NaN at position 1"),
    ("number", 5, "got int"),
    ("wide DataFrame", pd.DataFrame({"a": [1], "b": [2], "c": [3]}), "got 3 columns"),
    ("3-D NaN", np.array([[[0.0, 1.0, 2.0], [0.0, np.nan, 1.0]]]), r"Curve 0: y has NaN at position 1"),
    ("3-D x decreasing", np.array([[[0.0, 2.0, 1.0], [0.0, 1.0, 1.0]]]), r"Curve 0: x must be strictly"),
]


@pytest.mark.parametrize("label, X, message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_raises(label, X, message):
    with pytest.raises(ValueError, match=message):
        CurveResampler().fit(X)


def test_curves_without_a_common_range_raise():
    curves = [([0.0, 1.0], [0.0, 1.0]), ([2.0, 3.0], [0.0, 1.0]), ([0.5, 4.0], [0.0, 1.0])]
    with pytest.raises(ValueError, match=r"share no x-range: Curve 1 starts at x=2 and Curve 0 ends at x=1; "
                                         "pass x_range or grid"):
        CurveResampler().fit(curves)
    CurveResampler(x_range=(0, 4), extrapolate="clip").fit(curves)  # told what to do


BAD_PARAMS = [
    ({"kind": "cubic"}, r"'kind' parameter of CurveResampler must be a str among .*'pchip'.*Got 'cubic' instead"),
    ({"extrapolate": "nearest"}, r"'extrapolate' parameter of CurveResampler must be a str among .*Got 'nearest' instead"),
    ({"extrapolate": None}, r"'extrapolate' parameter of CurveResampler must be a str among .*Got None instead"),
    ({"n_points": 1}, r"'n_points' parameter of CurveResampler must be an int in the range \[2, inf\). Got 1 instead"),
    ({"n_points": 10.0}, r"'n_points' parameter of CurveResampler must be an int in the range \[2, inf\). Got 10.0 instead"),
    ({"n_points": True}, r"'n_points' parameter of CurveResampler must be an int in the range \[2, inf\). Got True instead"),
    ({"x_range": (2, 1)}, r"x_range must be finite with lo < hi, got \(2, 1\)"),
    ({"x_range": (0, np.inf)}, "x_range must be finite"),
    ({"x_range": 3}, r"'x_range' parameter of CurveResampler must be an array-like or None. Got 3 instead"),
    ({"x_range": ("a", 1)}, "x_range must be a pair"),
    ({"grid": [0, 1], "x_range": (0, 1)}, "Pass either grid or x_range, not both"),
    ({"grid": [0.0, 2.0, 1.0]}, r"grid must be strictly increasing; grid\[2\]=1 does not exceed grid\[1\]=2"),
    ({"grid": [0.0, np.nan]}, r"grid must be finite; grid\[1\] is nan"),
    ({"grid": [1.0]}, r"grid must be 1-D with at least 2 points, got shape \(1,\)"),
    ({"grid": [[0.0, 1.0]]}, r"grid must be 1-D"),
    ({"grid": ["a", "b"]}, "grid must be an array of numbers"),
    ({"grid": "0:1"}, r"'grid' parameter of CurveResampler must be an array-like or None. Got '0:1' instead"),
]


@pytest.mark.parametrize("params, message", BAD_PARAMS)
def test_bad_params_raise_at_fit(params, message):
    resampler = CurveResampler(**params)  # __init__ only stores
    with pytest.raises(ValueError, match=message):
        resampler.fit(CURVES)


# --------------------------------------------------------------------------
# scikit-learn API
# --------------------------------------------------------------------------

ESTIMATORS = [
    ("default", CurveResampler()),
    ("grid-pchip-clip", CurveResampler(grid=np.linspace(0, 4.5, 19), kind="pchip", extrapolate="clip")),
    ("x_range-linear", CurveResampler(n_points=7, x_range=(0.0, 5.0), extrapolate="linear")),
]
ESTIMATOR_IDS = [row[0] for row in ESTIMATORS]
parametrize_estimators = pytest.mark.parametrize(
    "estimator", [row[1] for row in ESTIMATORS], ids=ESTIMATOR_IDS
)

SKLEARN_CHECKS = CHECKS_FOR_ANY_INPUT

_NUMERIC = "feeds a numeric 2-D X (make_blobs & co.), not a list of (x, y) curves"
SKIPPED_CHECKS = {
    "check_estimators_overwrite_params": f"{_NUMERIC}; see test_fit_does_not_change_params",
    "check_dont_overwrite_parameters": f"{_NUMERIC}; see test_fit_sets_only_trailing_underscore_attributes",
    "check_estimators_fit_returns_self": f"{_NUMERIC}; see test_fit_returns_self",
    "check_estimators_unfitted": "only looks at predict/decision_function, which a transformer lacks; "
                                 "see test_transform_before_fit_raises_not_fitted",
    "check_fit_check_is_fitted": f"{_NUMERIC}; see test_check_is_fitted_after_fit",
    "check_estimators_pickle": f"{_NUMERIC}; see test_pickle_round_trip",
    "check_fit_idempotent": f"{_NUMERIC}; see test_fit_is_idempotent",
    "check_dict_unchanged": f"{_NUMERIC}; see test_transform_does_not_change_state",
    "check_methods_subset_invariance": f"{_NUMERIC}; see test_curves_are_resampled_independently",
    "check_methods_sample_order_invariance": f"{_NUMERIC}; see test_curves_are_resampled_independently",
    "check_n_features_in": "a curve has no fixed number of input features: the resampler sets no "
                           "n_features_in_ by design; see test_no_n_features_in",
    "check_n_features_in_after_fitting": "returns at once for two_d_array=False; no n_features_in_",
    "check_transformer_general": f"{_NUMERIC}; see test_fit_transform_equals_fit_then_transform",
    "check_transformer_data_not_an_array": f"{_NUMERIC}; input kinds: test_input_kinds_give_the_same_output",
    "check_transformer_preserve_dtypes": "output is float64 whatever the input; "
                                         "see test_integer_input_gives_float64",
    "check_estimators_dtypes": _NUMERIC,
    "check_dtype_object": f"{_NUMERIC}; object arrays of pairs are in test_input_kinds_give_the_same_output",
    "check_f_contiguous_array_estimator": _NUMERIC,
    "check_inplace_ensure_writeable": f"{_NUMERIC}; read-only input: "
                                      "test_read_only_input_is_accepted_and_nothing_is_mutated",
    "check_readonly_memmap_input": f"{_NUMERIC}; see test_read_only_input_is_accepted_and_nothing_is_mutated",
    "check_pipeline_consistency": f"{_NUMERIC}; see test_in_a_pipeline_and_a_grid_search",
    "check_fit2d_predict1d": _NUMERIC,
    "check_fit2d_1sample": "expects sklearn's 'n_samples=1' error; one curve is a valid input",
    "check_fit1d": "a 1-D object array of curves is a valid input",
    "check_estimators_nan_inf": "numeric 2-D NaN/inf; NaN and inf in curves are in "
                                "test_bad_curve_raises_naming_it_in_fit_and_transform",
    "check_estimators_empty_data_messages": "expects sklearn's wording; empty input is in "
                                            "test_bad_input_raises",
    "check_complex_data": "complex curves are in test_bad_curve_raises_naming_it_in_fit_and_transform",
    "check_transformers_unfitted_stateless": "the resampler is stateful (requires_fit=True)",
    "check_param_validation": "parameters are validated in fit by hand, without _parameter_constraints; "
                              "see test_bad_params_raise_at_fit",
    "check_positive_only_tag_during_fit": _NUMERIC,
    "check_estimator_sparse_array": "sparse numeric input; curves are (x, y) pairs",
    "check_estimator_sparse_matrix": "sparse numeric input; curves are (x, y) pairs",
    "check_estimator_sparse_tag": "sparse numeric input; curves are (x, y) pairs",
    "check_requires_y_none": _NUMERIC,
    "check_fit_score_takes_y": f"{_NUMERIC}; fit(X, y) accepting y is in test_fit_returns_self",
    "check_transformer_get_feature_names_out": "returns at once for two_d_array=False; "
                                               "see test_get_feature_names_out",
    "check_transformer_get_feature_names_out_pandas": "returns at once for two_d_array=False; "
                                                      "see test_set_output_pandas_gives_named_columns",
    "check_dataframe_column_names_consistency": "returns at once for two_d_array=False; see "
                                                "test_feature_names.py::test_curve_resampler_checks_column_names",
    "check_set_output_transform": "returns at once for two_d_array=False; "
                                  "see test_set_output_pandas_gives_named_columns",
}


def test_check_names_exist_in_installed_sklearn():
    names = [c.__name__ for c in SKLEARN_CHECKS] + list(SKIPPED_CHECKS)
    for name in names:
        assert hasattr(ec, name), f"{name} is gone from sklearn.utils.estimator_checks"
    assert len(set(names)) == len(names)


@parametrize_estimators
@pytest.mark.parametrize("check", SKLEARN_CHECKS, ids=lambda c: c.__name__)
def test_sklearn_check(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        check(type(estimator).__name__, estimator)


def test_tags():
    tags = get_tags(CurveResampler())
    assert tags.input_tags.two_d_array is False
    assert tags.input_tags.three_d_array is True
    assert tags.requires_fit is True
    assert tags.transformer_tags is not None


@parametrize_estimators
def test_fit_returns_self(estimator):
    est = clone(estimator)
    assert est.fit(CURVES) is est
    assert est.fit(CURVES, y=np.arange(3)) is est
    assert est.fit(CURVES, None) is est


@parametrize_estimators
def test_fit_does_not_change_params(estimator):
    est = clone(estimator)
    before = copy.deepcopy(est.get_params())
    est.fit(CURVES)
    est.transform(CURVES)
    after = est.get_params()
    assert set(after) == set(before)
    for name, value in before.items():
        assert joblib.hash(after[name]) == joblib.hash(value), name


@parametrize_estimators
def test_fit_sets_only_trailing_underscore_attributes(estimator):
    est = clone(estimator)
    public_before = {k: v for k, v in vars(est).items() if not k.startswith("_")}
    est.fit(CURVES)
    public_after = {k: v for k, v in vars(est).items() if not k.startswith("_")}
    added = set(public_after) - set(public_before)
    assert added == {"grid_"}
    for k, v in public_before.items():
        assert public_after[k] is v, f"fit replaced the parameter {k}"


@parametrize_estimators
def test_no_n_features_in(estimator):
    est = clone(estimator).fit(CURVES)
    assert not hasattr(est, "n_features_in_")
    assert not hasattr(est, "feature_names_in_")
    est.fit(pd.Series(CURVES, name="curves"))
    assert not hasattr(est, "feature_names_in_")


@parametrize_estimators
def test_transform_before_fit_raises_not_fitted(estimator):
    est = clone(estimator)
    with pytest.raises(NotFittedError):
        est.transform(CURVES)
    with pytest.raises(NotFittedError):
        est.get_feature_names_out()
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


@parametrize_estimators
def test_check_is_fitted_after_fit(estimator):
    est = clone(estimator).fit(CURVES)
    check_is_fitted(est)
    check_is_fitted(est, "grid_")


@parametrize_estimators
def test_clone_gives_equal_params_and_an_unfitted_copy(estimator):
    fitted = clone(estimator).fit(CURVES)
    cloned = clone(fitted)
    assert not hasattr(cloned, "grid_")
    assert joblib.hash(cloned.get_params()) == joblib.hash(fitted.get_params())
    np.testing.assert_array_equal(cloned.fit_transform(CURVES), fitted.transform(CURVES))


@parametrize_estimators
def test_pickle_round_trip(estimator):
    est = clone(estimator).fit(CURVES)
    restored = pickle.loads(pickle.dumps(est))
    assert joblib.hash(restored.get_params()) == joblib.hash(est.get_params())
    np.testing.assert_array_equal(restored.grid_, est.grid_)
    np.testing.assert_array_equal(restored.transform(CURVES), est.transform(CURVES))
    np.testing.assert_array_equal(restored.get_feature_names_out(), est.get_feature_names_out())
    unfitted = pickle.loads(pickle.dumps(clone(estimator)))
    assert joblib.hash(unfitted.get_params()) == joblib.hash(estimator.get_params())


@parametrize_estimators
def test_fit_is_idempotent(estimator):
    assert_fit_is_idempotent(estimator, CURVES)


@parametrize_estimators
def test_fit_transform_equals_fit_then_transform(estimator):
    assert_fit_transform_equals_fit_then_transform(estimator, CURVES)


@parametrize_estimators
def test_transform_does_not_change_state(estimator):
    assert_transform_does_not_change_state(estimator, CURVES)


@parametrize_estimators
def test_curves_are_resampled_independently(estimator):
    assert_rows_are_transformed_independently(estimator, CURVES, rtol=1e-12)


@parametrize_estimators
def test_get_feature_names_out(estimator):
    est = clone(estimator).fit(CURVES)
    names = est.get_feature_names_out()
    assert names.dtype == object
    assert len(names) == len(est.grid_) == len(set(names))
    assert all(isinstance(n, str) and n.startswith("y_at_") for n in names)
    np.testing.assert_array_equal(est.get_feature_names_out(["ignored"]), names)


def test_feature_names_keep_close_grid_points_apart():
    grid = [0.0, 1.0, 1.0000001, 1.0000002]
    est = CurveResampler(grid=grid).fit([([0.0, 2.0], [0.0, 1.0])])
    names = list(est.get_feature_names_out())
    assert names == ["y_at_0", "y_at_1", "y_at_1.0000001", "y_at_1.0000002"]
    spt = CurveResampler(grid=np.linspace(0, 4.5, 181)).fit([([0.0, 4.5], [0.0, 1.0])])
    assert list(spt.get_feature_names_out()[:4]) == ["y_at_0", "y_at_0.025", "y_at_0.05", "y_at_0.075"]


def test_an_x_range_too_large_to_compute_is_named():
    X = [([0.0, 1.0, 2.0], [0.0, 1.0, 2.0]), (np.array([-1e308, 0.0, 1e308]), np.array([0.0, 1.0, 2.0]))]
    too_large = r"Curve 1: x runs from -1e\+308 to 1e\+308, a range too large"
    with warnings.catch_warnings(), pytest.raises(ValueError, match=too_large):
        warnings.simplefilter("error")
        CurveResampler(n_points=3).fit(X)
    fitted = CurveResampler(grid=[0.0, 1.0]).fit(X[:1])
    with pytest.raises(ValueError, match="Curve 1: x runs from"):
        fitted.transform(X)


def test_an_x_range_parameter_too_large_to_compute_is_named():
    est = CurveResampler(n_points=3, x_range=(-1e308, 1e308), extrapolate="clip")
    with pytest.raises(ValueError, match=r"x_range=\(-1e\+308, 1e\+308\) is too large"):
        est.fit([([0.0, 1.0], [0.0, 1.0])])


@pytest.mark.parametrize("shared_x", [True, False])
def test_y_values_too_large_to_interpolate_are_named(shared_x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X = [([0.0, 1.0], [0.0, 1.0]), ([0.0, 1.0] if shared_x else [0.0, 1.5], [-1e308, 1e308])]
        est = CurveResampler(grid=[0.0, 0.5, 1.0])
        if shared_x:  # interpolated as y0 (1 - t) + y1 t: finite
            assert np.all(np.isfinite(est.fit_transform(X)))
        else:
            with pytest.raises(ValueError, match=r"Curve 1: the resampled y at x=0.5 overflows"):
                est.fit_transform(X)


def test_linear_extrapolation_that_overflows_is_named():
    est = CurveResampler(grid=[-1e308, 0.0, 1.0], extrapolate="linear")
    overflow = r"Curve 0: the resampled y at x=-1e\+308 overflows .*extrapolate='linear'"
    with pytest.raises(ValueError, match=overflow):
        est.fit_transform([([0.0, 1.0], [0.0, 1e300])])
    clip = CurveResampler(grid=[-1e308, 0.0, 1.0], extrapolate="clip")
    clipped = clip.fit_transform([([0.0, 1.0], [0.0, 1e300])])
    assert np.array_equal(clipped, [[0.0, 0.0, 1e300]])


@pytest.mark.parametrize(
    "x, y",
    [([0.0, 1.0, 2.0], [-1e308, 1e308, -1e308]), ([0.0, 8e307, 1.6e308], [0.0, 1.0, 2.0])],
)
def test_pchip_slopes_too_large_are_named(x, y):
    X = [([0.0, 1.0, 2.0], [0.0, 1.0, 2.0]), (x, y)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"Curve 1: its values .* too large for kind='pchip'"):
            CurveResampler(grid=[0.0, 1.0], kind="pchip").fit_transform(X)
