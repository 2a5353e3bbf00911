"""Per-curve errors of predicted curves, their summary, and scorers."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.metrics import make_scorer

from .._curve_checks import first_non_finite, non_finite_text

__all__ = [
    "curve_mae",
    "curve_mape",
    "curve_r2",
    "curve_scorers",
    "max_curve_mae_scorer",
    "median_curve_mae_scorer",
    "median_curve_mape_scorer",
    "median_curve_r2_scorer",
    "min_curve_r2_scorer",
    "summarize_curve_errors",
]

DEFAULT_EPS = 1e-8


def _check_curves(y_true, y_pred):
    """Both as float64 (n_curves, n_points); a 1-D input is one curve."""
    arrays = []
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if hasattr(values, "to_numpy"):  # pandas; nullable NA becomes NaN
            values = values.to_numpy(dtype=np.float64, na_value=np.nan)
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must be numeric curves on one grid, shape (n_curves, n_points); "
                "resample curves of different lengths first (skmat.preprocessing.CurveResampler)."
            ) from None
        if array.ndim == 1:
            array = array[None, :]
        if array.ndim != 2:
            raise ValueError(
                f"{name} must be 2-D, shape (n_curves, n_points), got shape {array.shape}."
            )
        arrays.append(array)
    true, pred = arrays
    if true.shape != pred.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape, got {true.shape} and {pred.shape}."
        )
    if true.size == 0:
        raise ValueError(f"Expected at least one curve of at least one point, got shape {true.shape}.")
    for name, array in (("y_true", true), ("y_pred", pred)):
        found = first_non_finite(array)
        if found is not None:
            i, j = found
            raise ValueError(f"{name} has {non_finite_text(array[i, j])} in curve {i} at point {j}.")
    return true, pred


def _check_overflow(values, what, metric):
    """``values`` (one per curve), or a ValueError naming the first curve where ``what`` overflowed."""
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        i = int(bad[0])
        raise ValueError(
            f"Curve {i}: its {what} overflow float64, so its {metric} cannot be computed; the "
            "values of y_true or y_pred are too large: rescale them."
        )
    return values


def _check_eps(eps):
    if not isinstance(eps, numbers.Real) or isinstance(eps, bool) or not eps >= 0:
        raise ValueError(f"eps must be a number >= 0, got {eps!r}.")


_POINTS_DOC = "None, a slice, or a 1-D array of booleans (one per point) or of point indices"


def _points_array(points):
    """``points`` as a slice or a 1-D bool or integer array; ValueError for anything else."""
    if isinstance(points, slice):
        return points
    if isinstance(points, (str, bytes, numbers.Number)):
        raise ValueError(f"points must be {_POINTS_DOC}, got {points!r}.")
    array = np.asarray(points)
    if array.ndim != 1:
        raise ValueError(f"points must be {_POINTS_DOC}, got shape {array.shape}.")
    if array.dtype != bool and array.dtype.kind not in "iu":
        if len(array):
            raise ValueError(f"points must be {_POINTS_DOC}, got an array of dtype {array.dtype}.")
        array = array.astype(np.intp)  # [] selects nothing, said below
    return array


def _select_points(points, n_points):
    """Column indices of the scored points; ``None`` for all of them."""
    if points is None:
        return None
    points = _points_array(points)
    if isinstance(points, slice):
        index = np.arange(n_points)[points]
    elif points.dtype == bool:
        if len(points) != n_points:
            raise ValueError(
                f"points is a boolean mask of {len(points)} values but the curves have {n_points} points."
            )
        index = np.flatnonzero(points)
    else:
        out = (points >= n_points) | (points < -n_points)
        if out.any():
            raise ValueError(f"points has index {points[out][0]}, but the curves have {n_points} points.")
        index = points.astype(np.intp) % n_points if n_points else points
    if len(index) == 0:
        raise ValueError(f"points selects none of the {n_points} points of the curves.")
    return index


def _checked(y_true, y_pred, points):
    """Both as validated float64 (n_curves, n_points), reduced to the scored points."""
    true, pred = _check_curves(y_true, y_pred)
    index = _select_points(points, true.shape[1])
    if index is None:
        return true, pred
    return true[:, index], pred[:, index]


def curve_mae(y_true, y_pred, *, points=None):
    """Mean absolute error of each curve.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_curves, n_points)
        True and predicted curves on one grid (e.g. the output of
        :class:`~skmat.preprocessing.CurveResampler`). A 1-D input is one
        curve. For true curves with their own x points, interpolate the
        prediction onto them first (:func:`interpolate_curves`).
    points : slice, array-like of bool or int, or None, default=None
        The points of each curve that are scored: ``None`` for all, or a
        selection of the columns, e.g. ``slice(2, None)`` for the plastic
        points of :func:`~skmat.datasets.load_small_punch_fem` (all but
        strain 0 and the yield point), or a boolean mask of shape
        (n_points,).

    Returns
    -------
    ndarray of float64, shape (n_curves,)
        ``mean(|y_true[i] - y_pred[i]|)`` over the points of curve ``i``, in
        the unit of ``y`` (MPa for stress).

    Raises
    ------
    ValueError
        If the shapes differ (both are named), a value is NaN or infinite
        (the array, curve and point are named), ``points`` is invalid or
        selects no point, or the values of a curve are too large for its
        error to be computed in float64 (the curve is named).

    See Also
    --------
    summarize_curve_errors : Min, median and max over the curves.
    interpolate_curves : Move predictions onto the true curves' own x points.

    Examples
    --------
    >>> from skmat.metrics import curve_mae
    >>> curve_mae([[0, 100, 200], [0, 50, 60]], [[0, 110, 200], [3, 50, 60]])
    array([3.33333333, 1.        ])
    >>> curve_mae([[0, 100, 200], [0, 50, 60]], [[0, 110, 200], [3, 50, 60]], points=slice(1, None))
    array([5., 0.])
    """
    true, pred = _checked(y_true, y_pred, points)
    with np.errstate(over="ignore", invalid="ignore"):
        mae = np.abs(true - pred).mean(axis=1)
    return _check_overflow(mae, "absolute errors", "MAE")


def curve_mape(y_true, y_pred, *, eps=DEFAULT_EPS, points=None):
    """Mean absolute percentage error of each curve, as a fraction.

    Points where the true curve is (numerically) zero have no relative
    error: they are left out of their curve's mean. Every SPT stress–strain
    curve starts with stress 0 at strain 0, and every load–displacement
    curve with force 0 at displacement 0.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_curves, n_points)
        True and predicted curves on one grid. A 1-D input is one curve.
    eps : float, default=1e-8
        Points with ``|y_true| <= eps`` are left out. It is in the unit of
        ``y``: the default leaves out only zeros (and rounding noise around
        them); raise it to leave out the noisy foot of a measured curve,
        e.g. ``eps=1.0`` for forces in N.
    points : slice, array-like of bool or int, or None, default=None
        The points of each curve that are scored (before ``eps`` leaves
        out zeros): ``None`` for all, or a selection of the columns, e.g.
        ``slice(2, None)`` for the plastic points of
        :func:`~skmat.datasets.load_small_punch_fem` (all but strain 0 and
        the yield point), or a boolean mask of shape (n_points,).

    Returns
    -------
    ndarray of float64, shape (n_curves,)
        ``mean(|y_true - y_pred| / |y_true|)`` over the points of each curve
        with ``|y_true| > eps``; 0.05 means 5 %.

    Raises
    ------
    ValueError
        For the reasons of :func:`curve_mae`, for a negative ``eps``, and
        when every scored point of a curve is left out (the curve is named): a
        relative error of a zero curve is undefined, and is never returned
        as NaN.

    Examples
    --------
    >>> from skmat.metrics import curve_mape
    >>> curve_mape([[0, 100, 200]], [[5, 110, 190]])  # the point at 0 is left out
    array([0.075])
    >>> curve_mape([[0, 100, 200]], [[5, 110, 190]], points=[2])
    array([0.05])
    """
    _check_eps(eps)
    true, pred = _checked(y_true, y_pred, points)
    scale = np.abs(true)
    used = scale > eps
    n_used = used.sum(axis=1)
    if not n_used.all():
        i = int(np.argmin(n_used))
        raise ValueError(
            f"Curve {i} of y_true has no point with |y| > eps={eps:g}, so its percentage "
            "error is undefined; use curve_mae for it, or a smaller eps."
        )
    with np.errstate(over="ignore", invalid="ignore"):
        ratio = np.divide(np.abs(true - pred), scale, out=np.zeros_like(scale), where=used)
        mape = ratio.sum(axis=1) / n_used
    return _check_overflow(mape, "absolute errors", "MAPE")


def curve_r2(y_true, y_pred, *, points=None):
    """Coefficient of determination R² of each curve.

    ``R²_i = 1 - Σ_t (y_true[i, t] - y_pred[i, t])² / Σ_t (y_true[i, t] - ȳ_i)²``
    with ``ȳ_i`` the mean of true curve ``i``: how much better the
    prediction is than the curve's own mean (1 is perfect; it can be
    negative). These per-curve values are what the SPT Seq2Seq paper's
    Table II summarizes as max and min R².

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_curves, n_points)
        True and predicted curves on one grid. A 1-D input is one curve.
    points : slice, array-like of bool or int, or None, default=None
        The points of each curve that are scored, as for :func:`curve_mae`;
        ``ȳ_i`` is their mean.

    Returns
    -------
    ndarray of float64, shape (n_curves,)

    Raises
    ------
    ValueError
        For the reasons of :func:`curve_mae`.

    Notes
    -----
    R² of a constant true curve (including a curve of one point) has a zero
    denominator. As :func:`sklearn.metrics.r2_score` with
    ``force_finite=True`` does, it is then 1.0 if the prediction is exact
    and 0.0 otherwise, never NaN or -inf.

    Examples
    --------
    >>> from skmat.metrics import curve_r2
    >>> curve_r2([[0, 1, 2, 3], [5, 5, 5, 5]], [[0, 1, 2, 4], [5, 5, 5, 5]])
    array([0.8, 1. ])
    """
    true, pred = _checked(y_true, y_pred, points)
    with np.errstate(over="ignore", invalid="ignore"):
        residual = ((true - pred) ** 2).sum(axis=1)
        total = ((true - true.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    _check_overflow(np.where(np.isfinite(residual), total, np.inf), "sums of squares", "R²")
    constant = total == 0
    r2 = 1.0 - np.divide(residual, total, out=np.ones_like(total), where=~constant)
    r2[constant] = np.where(residual[constant] == 0, 1.0, 0.0)
    return r2


def summarize_curve_errors(y_true, y_pred, *, eps=DEFAULT_EPS, points=None):
    """Min, median, mean and max over the curves of MAE, MAPE and R².

    The summary of the SPT Seq2Seq paper's Table II (which reports the max
    and min of per-curve MAE and R² over the 500 test curves).

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_curves, n_points)
        True and predicted curves on one grid. A 1-D input is one curve.
    eps : float, default=1e-8
        Passed to :func:`curve_mape`.
    points : slice, array-like of bool or int, or None, default=None
        The points of each curve that are scored, as for :func:`curve_mae`.

    Returns
    -------
    pandas.DataFrame
        Index ``["MAE", "MAPE", "R2"]``, columns
        ``["min", "median", "mean", "max"]``. MAE is in the unit of ``y``,
        MAPE a fraction. The worst curve is the max of MAE and MAPE and the
        min of R².

    Raises
    ------
    ValueError
        For the reasons of :func:`curve_mae` and :func:`curve_mape`.

    Examples
    --------
    >>> from skmat.metrics import summarize_curve_errors
    >>> y_true = [[0, 100, 200], [0, 50, 100], [0, 400, 800]]
    >>> y_pred = [[0, 110, 200], [0, 50, 100], [0, 380, 790]]
    >>> summarize_curve_errors(y_true, y_pred).round(4)
            min  median    mean    max
    MAE   0.000  3.3333  4.4444  10.00
    MAPE  0.000  0.0312  0.0271   0.05
    R2    0.995  0.9984  0.9978   1.00
    """
    import pandas as pd

    true, pred = _checked(y_true, y_pred, points)
    per_curve = {
        "MAE": curve_mae(true, pred),
        "MAPE": curve_mape(true, pred, eps=eps),
        "R2": curve_r2(true, pred),
    }
    return pd.DataFrame(
        {
            "min": [values.min() for values in per_curve.values()],
            "median": [np.median(values) for values in per_curve.values()],
            "mean": [values.mean() for values in per_curve.values()],
            "max": [values.max() for values in per_curve.values()],
        },
        index=list(per_curve),
    )


# ----------------------------------------------------------------------
# Scorers: module-level functions, so that they pickle for n_jobs > 1
# ----------------------------------------------------------------------


def _median_curve_mae(y_true, y_pred, *, points=None):
    """Median over the curves of :func:`curve_mae` (lower is better)."""
    return float(np.median(curve_mae(y_true, y_pred, points=points)))


def _max_curve_mae(y_true, y_pred, *, points=None):
    """MAE of the worst curve: max over the curves of :func:`curve_mae`."""
    return float(np.max(curve_mae(y_true, y_pred, points=points)))


def _median_curve_mape(y_true, y_pred, *, eps=DEFAULT_EPS, points=None):
    """Median over the curves of :func:`curve_mape` (lower is better)."""
    return float(np.median(curve_mape(y_true, y_pred, eps=eps, points=points)))


def _median_curve_r2(y_true, y_pred, *, points=None):
    """Median over the curves of :func:`curve_r2` (higher is better)."""
    return float(np.median(curve_r2(y_true, y_pred, points=points)))


def _min_curve_r2(y_true, y_pred, *, points=None):
    """R² of the worst curve: min over the curves of :func:`curve_r2`."""
    return float(np.min(curve_r2(y_true, y_pred, points=points)))


#: Scorer: minus the median per-curve MAE (scikit-learn maximizes scores).
median_curve_mae_scorer = make_scorer(_median_curve_mae, greater_is_better=False)
#: Scorer: minus the per-curve MAE of the worst curve.
max_curve_mae_scorer = make_scorer(_max_curve_mae, greater_is_better=False)
#: Scorer: minus the median per-curve MAPE, with the default ``eps``.
median_curve_mape_scorer = make_scorer(_median_curve_mape, greater_is_better=False)
#: Scorer: the median per-curve R².
median_curve_r2_scorer = make_scorer(_median_curve_r2)
#: Scorer: the R² of the worst curve.
min_curve_r2_scorer = make_scorer(_min_curve_r2)


def curve_scorers(*, eps=DEFAULT_EPS, points=None):
    """Scorers of per-curve errors, by name, for ``cross_validate`` and searches.

    Each scorer computes a per-curve error on the held-out curves and
    reduces it over the curves: the median (the typical curve) or the worst
    curve (Table II of the SPT Seq2Seq paper reports both extremes). As for
    all scikit-learn scorers, greater is better, so errors are negated:
    ``-test_median_curve_mae`` is the median MAE.

    Parameters
    ----------
    eps : float, default=1e-8
        Passed to :func:`curve_mape` by the MAPE scorer.
    points : slice, array-like of bool or int, or None, default=None
        The points of each curve that are scored by every scorer, as for
        :func:`curve_mae`.

    Returns
    -------
    dict of str to scorer
        ``"median_curve_mae"``, ``"max_curve_mae"``, ``"median_curve_mape"``,
        ``"median_curve_r2"`` and ``"min_curve_r2"``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import cross_validate
    >>> from skmat.metrics import curve_scorers
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 3))
    >>> Y = X @ rng.normal(size=(3, 20)) + 5.0  # 40 curves of 20 points
    >>> scores = cross_validate(Ridge(alpha=1e-6), X, Y, cv=4, scoring=curve_scorers())
    >>> sorted(scores)[2:]
    ['test_max_curve_mae', 'test_median_curve_mae', 'test_median_curve_mape',
     'test_median_curve_r2', 'test_min_curve_r2']
    >>> bool(np.all(scores["test_min_curve_r2"] > 0.999))
    True
    """
    _check_eps(eps)
    if points is not None:
        _points_array(points)  # the rest is checked against the curves
        kw = {"points": points}
        return {
            "median_curve_mae": make_scorer(_median_curve_mae, greater_is_better=False, **kw),
            "max_curve_mae": make_scorer(_max_curve_mae, greater_is_better=False, **kw),
            "median_curve_mape": make_scorer(_median_curve_mape, greater_is_better=False, eps=eps, **kw),
            "median_curve_r2": make_scorer(_median_curve_r2, **kw),
            "min_curve_r2": make_scorer(_min_curve_r2, **kw),
        }
    if eps == DEFAULT_EPS:
        mape = median_curve_mape_scorer
    else:
        mape = make_scorer(_median_curve_mape, greater_is_better=False, eps=eps)
    return {
        "median_curve_mae": median_curve_mae_scorer,
        "max_curve_mae": max_curve_mae_scorer,
        "median_curve_mape": mape,
        "median_curve_r2": median_curve_r2_scorer,
        "min_curve_r2": min_curve_r2_scorer,
    }
