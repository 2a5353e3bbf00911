"""Put curves of different lengths and x-grids onto one fixed grid."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from .._curve_checks import first_decrease, first_non_finite, first_true, interpolate_linear, non_finite_text
from .._validation import IntegerInterval, check_feature_names, check_range

__all__ = ["CurveResampler"]

# A grid point may lie outside a curve's x-range by this fraction of the
# curve's span (rounding in a file, an arange end point) and still count as
# inside; it then gets the curve's end value.
_RANGE_RTOL = 1e-6


class CurveResampler(TransformerMixin, BaseEstimator):
    """Resample curves of any length and x-spacing onto one fixed grid.

    Measured load–displacement (or stress–strain) curves come with their own
    number of points and their own x values. A model needs every curve as
    the same ``len(grid_)`` values of y at the same x: this transformer
    interpolates each curve at the points of one grid.

    Parameters
    ----------
    grid : array-like of shape (n_grid,), default=None
        The x values to resample at: at least 2, finite and strictly
        increasing. When given, ``n_points`` is ignored and ``x_range`` must
        be None. When None, ``fit`` builds
        ``np.linspace(lo, hi, n_points)``, see ``x_range``.
    n_points : int, default=181
        Number of grid points built by ``fit`` when ``grid`` is None (181 is
        the SPT load–displacement grid: 0 … 4.5 mm in steps of 0.025 mm).
    x_range : tuple (lo, hi) of float, default=None
        Ends of the grid built by ``fit`` when ``grid`` is None. When None,
        the range common to all training curves: ``lo`` is the largest first
        x and ``hi`` the smallest last x over the curves passed to ``fit``,
        so that no training curve needs extrapolating.
    kind : {"linear", "pchip"}, default="linear"
        Interpolation between a curve's points: straight lines (``np.interp``)
        or the monotonicity-preserving cubic of
        :class:`scipy.interpolate.PchipInterpolator`, which does not
        overshoot around the knee of a curve.
    extrapolate : {"error", "clip", "linear"}, default="error"
        What to do at grid points beyond a curve's x-range (by more than a
        millionth of the curve's span, which is treated as rounding):
        ``"error"`` raises a ``ValueError`` naming the curve, ``"clip"``
        holds the curve's first or last y value, ``"linear"`` continues the
        straight line through the curve's first two or last two points.

    Attributes
    ----------
    grid_ : ndarray of float64, shape (n_grid,)
        The x values every curve is resampled at; column ``j`` of the output
        is y at ``grid_[j]``.
    feature_names_in_ : ndarray of str
        Column names, when fitted on a DataFrame with string column names
        (``["displacement", "force"]`` for x arrays and y arrays); see Notes.

    See Also
    --------
    skmat.datasets.read_curve_table : Read curves from a CSV or Excel table.
    skmat.metrics.curve_mae : Per-curve errors of resampled predictions.

    Notes
    -----
    **Input.** ``X`` is a list (or tuple, 1-D object array, pandas Series,
    or one-column DataFrame) of ``(x, y)`` pairs, each ``x`` and ``y``
    1-D array-like of the same length, at least 2; or a two-column
    DataFrame of x arrays and y arrays; or a numeric array of shape
    ``(n, 2, m)`` holding ``x = X[i, 0]`` and ``y = X[i, 1]``. Every curve's
    x must be finite and strictly increasing, its y finite; the first bad
    curve is named by its position in ``X`` (and its index label for pandas
    input). Nothing passed in is modified.

    **No** ``n_features_in_``. A sample is a whole curve with its own number
    of points, not a row of features, so there is no input width that fit
    could record and transform could check consistently; the estimator
    therefore sets no ``n_features_in_``. The output width is
    ``len(grid_)``. A DataFrame's columns are read by position (x, then y),
    so their names are recorded as ``feature_names_in_`` and checked at
    transform as scikit-learn does: swapped or renamed columns raise its
    ``ValueError``.

    Output is float64, one row per curve; with ``set_output(transform=
    "pandas")`` it is a DataFrame whose columns are
    :meth:`get_feature_names_out`. When all curves share one x array (as
    simulated curves often do) they are interpolated in one vectorized step;
    otherwise curve by curve.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.preprocessing import CurveResampler
    >>> curves = [
    ...     (np.array([0.0, 1.0, 2.0]), np.array([0.0, 10.0, 20.0])),
    ...     (np.array([0.0, 0.5, 1.5, 2.5]), np.array([0.0, 4.0, 6.0, 8.0])),
    ... ]
    >>> resampler = CurveResampler(n_points=5)
    >>> resampler.fit_transform(curves)
    array([[ 0.,  5., 10., 15., 20.],
           [ 0.,  4.,  5.,  6.,  7.]])
    >>> resampler.grid_
    array([0. , 0.5, 1. , 1.5, 2. ])
    >>> resampler.get_feature_names_out()[:3]
    array(['y_at_0', 'y_at_0.5', 'y_at_1'], dtype=object)

    A fixed grid beyond a curve's end raises, unless told how to extend it:

    >>> CurveResampler(grid=[0.0, 1.0, 2.5]).fit_transform(curves)
    Traceback (most recent call last):
    ...
    ValueError: Curve 0 covers x from 0 to 2, but the grid runs from 0 to 2.5; ...
    >>> CurveResampler(grid=[0.0, 1.0, 2.5], extrapolate="clip").fit_transform(curves)
    array([[ 0., 10., 20.],
           [ 0.,  5.,  8.]])
    """

    _parameter_constraints: dict = {
        "grid": ["array-like", None],  # its values: _check_grid
        "n_points": [IntegerInterval(2, None, closed="left")],
        "x_range": ["array-like", None],  # its values: check_range
        "kind": [StrOptions({"linear", "pchip"})],
        "extrapolate": [StrOptions({"error", "clip", "linear"})],
    }

    def __init__(self, grid=None, *, n_points=181, x_range=None, kind="linear", extrapolate="error"):
        self.grid = grid
        self.n_points = n_points
        self.x_range = x_range
        self.kind = kind
        self.extrapolate = extrapolate

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------

    def _check_params(self):
        """The grid fixed by the parameters (valid by ``_parameter_constraints``), or None to build it at fit."""
        if self.grid is not None:
            if self.x_range is not None:
                raise ValueError(
                    f"Pass either grid or x_range, not both: got grid={self.grid!r} "
                    f"and x_range={self.x_range!r}."
                )
            return _check_grid(self.grid)
        n = self.n_points
        if self.x_range is not None:
            lo, hi = check_range("x_range", self.x_range, "lo", "hi")
            with np.errstate(over="ignore"):
                width = hi - lo
            if not np.isfinite(width):
                raise ValueError(
                    f"x_range={self.x_range!r} is too large to compute a grid on: its width "
                    "overflows float64."
                )
            return np.linspace(lo, hi, int(n))
        return None

    # ------------------------------------------------------------------
    # Estimator API
    # ------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fix the grid, and check the curves.

        Parameters
        ----------
        X : list of (x, y) pairs, Series, DataFrame or array of shape (n, 2, m)
            Curves, see Notes.
        y : ignored

        Returns
        -------
        self

        Raises
        ------
        ValueError
            For a bad parameter; for the first bad curve, naming it; when the
            training curves share no x-range (no ``grid`` or ``x_range``
            given); or, with ``extrapolate="error"``, when the grid goes
            beyond a training curve.
        """
        grid = self._check_params()
        curves = _Curves.from_input(X)
        check_feature_names(self, X, reset=True)
        if grid is None:
            grid = curves.common_grid(int(self.n_points))
        if self.extrapolate == "error":
            curves.check_covers(grid)
        self.grid_ = grid
        return self

    def transform(self, X):
        """Interpolate each curve at the points of ``grid_``.

        Parameters
        ----------
        X : list of (x, y) pairs, Series, DataFrame or array of shape (n, 2, m)
            Curves, see Notes.

        Returns
        -------
        ndarray of float64, shape (n_curves, n_grid)

        Raises
        ------
        ValueError
            Naming the first bad curve and what is wrong with it, or, with
            ``extrapolate="error"``, the first curve that ``grid_`` goes
            beyond.
        """
        check_is_fitted(self, "grid_")
        curves = _Curves.from_input(X)
        check_feature_names(self, X, reset=False)
        grid = self.grid_
        if self.extrapolate == "error":
            curves.check_covers(grid)
        return curves.resample(grid, kind=self.kind, extrapolate=self.extrapolate)

    def get_feature_names_out(self, input_features=None):
        """Names of the output columns: ``"y_at_<x>"`` for each grid point.

        Each x is written with the fewest significant digits (at least 6)
        that keep all names distinct.

        Parameters
        ----------
        input_features : ignored
            Accepted for the scikit-learn API; curves have no input columns.

        Returns
        -------
        ndarray of str objects, shape (n_grid,)
        """
        check_is_fitted(self, "grid_")
        return np.asarray(_grid_names(self.grid_), dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.requires_fit = True
        return tags


# ----------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------


def _check_grid(grid):
    if isinstance(grid, (str, bytes)):
        raise ValueError(f"grid must be an array of numbers, got the string {grid!r}.")
    try:
        values = np.array(grid, dtype=np.float64)  # a copy: grid_ is ours
    except (TypeError, ValueError) as exc:
        raise ValueError(f"grid must be an array of numbers: {exc}") from None
    if values.ndim != 1 or len(values) < 2:
        raise ValueError(f"grid must be 1-D with at least 2 points, got shape {values.shape}.")
    bad = first_non_finite(values)
    if bad is not None:
        raise ValueError(f"grid must be finite; grid[{bad[0]}] is {values[bad]}.")
    step = first_decrease(values)
    if step is not None:
        j = step[0] + 1
        raise ValueError(
            f"grid must be strictly increasing; grid[{j}]={values[j]:g} does not exceed "
            f"grid[{j - 1}]={values[j - 1]:g}."
        )
    return values


def _grid_names(grid):
    for digits in range(6, 18):
        names = [f"y_at_{value:.{digits}g}" for value in grid]
        if len(set(names)) == len(names):
            return names
    return [f"y_at_{value!r}" for value in grid]  # pragma: no cover - 17 digits are unique


def _is_pandas(obj):
    return hasattr(obj, "iloc") and hasattr(obj, "index")


def _label_text(labels, i):
    if labels is None:
        return ""
    return f" (index label {labels[i]!r})"


class _Curves:
    """Validated curves: x and y arrays, by curve, with names for messages."""

    def __init__(self, xs, ys, labels=None):
        self.xs = xs
        self.ys = ys
        self.labels = labels

    def name(self, i):
        return f"Curve {i}{_label_text(self.labels, i)}"

    # -- parsing -------------------------------------------------------

    @classmethod
    def from_input(cls, X):
        labels = None
        if isinstance(X, (str, bytes)):
            raise ValueError(f"Expected a list of (x, y) curves, got the string {X!r}.")
        if _is_pandas(X):
            if not _is_default_index(X.index):
                labels = list(X.index)
            if hasattr(X, "columns"):  # DataFrame
                if X.shape[1] == 1:
                    items = list(X.iloc[:, 0])
                elif X.shape[1] == 2:
                    items = list(zip(X.iloc[:, 0], X.iloc[:, 1], strict=True))
                else:
                    raise ValueError(
                        "Expected a DataFrame with one column of (x, y) pairs or two columns "
                        f"(x arrays, y arrays), got {X.shape[1]} columns {list(X.columns)!r}."
                    )
            else:
                items = list(X)
        elif isinstance(X, np.ndarray) and X.dtype != object:
            return cls._from_array(X)
        elif isinstance(X, np.ndarray) and X.ndim != 1:
            try:
                numeric = X.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    "Expected curves as a 1-D object array of (x, y) pairs or a numeric array "
                    f"of shape (n, 2, m), got an object array of shape {X.shape}."
                ) from None
            return cls._from_array(numeric)
        else:
            try:
                items = list(X)
            except TypeError:
                raise ValueError(
                    f"Expected a list of (x, y) curves, got {type(X).__name__}."
                ) from None
        if not items:
            raise ValueError("Expected at least one curve, got an empty input.")
        xs, ys = [], []
        for i, item in enumerate(items):
            x, y = _pair(item, i, labels)
            xs.append(x)
            ys.append(y)
        curves = cls(xs, ys, labels)
        curves._check_values()
        return curves

    @classmethod
    def _from_array(cls, X):
        if X.ndim != 3 or X.shape[1] != 2:
            hint = ""
            if X.ndim == 2:
                hint = (
                    "; a 2-D array is ambiguous (curves already on one grid?): pass "
                    "[(x, y) for each curve] or stack them as shape (n, 2, m)"
                )
            raise ValueError(
                f"Expected curves as an array of shape (n, 2, m), got shape {X.shape}{hint}."
            )
        if X.dtype.kind not in "iuf":
            raise ValueError(f"Expected a numeric array of curves, got dtype {X.dtype}.")
        if X.shape[0] == 0:
            raise ValueError("Expected at least one curve, got an empty input.")
        if X.shape[2] < 2:
            raise ValueError(
                f"Curve 0 has {X.shape[2]} point(s); at least 2 are needed (array shape {X.shape})."
            )
        values = X.astype(np.float64, copy=False)
        curves = cls(list(values[:, 0]), list(values[:, 1]))
        curves._check_values()
        return curves

    def _check_values(self):
        """Finite x and y, strictly increasing x: vectorized over all curves."""
        lengths = np.fromiter((len(x) for x in self.xs), dtype=np.intp, count=len(self.xs))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))

        def locate(k):
            i = int(np.searchsorted(starts, k, side="right") - 1)
            return i, int(k - starts[i])

        flat = {"x": np.concatenate(self.xs), "y": np.concatenate(self.ys)}
        for axis in ("x", "y"):
            bad = first_non_finite(flat[axis])
            if bad is not None:
                i, p = locate(bad[0])
                raise ValueError(f"{self.name(i)}: {axis} has {non_finite_text(flat[axis][bad])} at position {p}.")
        with np.errstate(over="ignore"):  # a range too large to compute is raised on below
            steps = ~(np.diff(flat["x"]) > 0)  # as first_decrease, with the steps between two curves left out
        steps[starts[1:] - 1] = False
        bad = first_true(steps)
        if bad is not None:
            i, p = locate(bad[0] + 1)
            x = self.xs[i]
            raise ValueError(
                f"{self.name(i)}: x must be strictly increasing, but x[{p}]={x[p]:g} does not "
                f"exceed x[{p - 1}]={x[p - 1]:g}."
            )
        first, last = self.ends()
        with np.errstate(over="ignore"):
            span = last - first
        bad = first_non_finite(span)
        if bad is not None:
            i = int(bad[0])
            raise ValueError(
                f"{self.name(i)}: x runs from {first[i]:g} to {last[i]:g}, a range too large to "
                "compute with (its width overflows float64); rescale x."
            )

    # -- grid ----------------------------------------------------------

    def ends(self):
        first = np.fromiter((x[0] for x in self.xs), dtype=np.float64, count=len(self.xs))
        last = np.fromiter((x[-1] for x in self.xs), dtype=np.float64, count=len(self.xs))
        return first, last

    def common_grid(self, n_points):
        first, last = self.ends()
        i_lo, i_hi = int(np.argmax(first)), int(np.argmin(last))
        lo, hi = first[i_lo], last[i_hi]
        if not lo < hi:
            raise ValueError(
                f"The curves share no x-range: {self.name(i_lo)} starts at x={lo:g} and "
                f"{self.name(i_hi)} ends at x={hi:g}; pass x_range or grid."
            )
        return np.linspace(lo, hi, n_points)

    def check_covers(self, grid):
        first, last = self.ends()
        tol = _RANGE_RTOL * (last - first)
        bad = np.flatnonzero((grid[0] < first - tol) | (grid[-1] > last + tol))
        if len(bad):
            i = int(bad[0])
            raise ValueError(
                f"{self.name(i)} covers x from {first[i]:g} to {last[i]:g}, but the grid runs "
                f"from {grid[0]:g} to {grid[-1]:g}; pass extrapolate='clip' or 'linear', or "
                "a grid (or x_range) inside every curve."
            )

    # -- interpolation -------------------------------------------------

    def _shared_x(self):
        x0 = self.xs[0]
        for x in self.xs[1:]:
            if len(x) != len(x0) or not np.array_equal(x, x0):
                return None
        return x0

    def resample(self, grid, *, kind, extrapolate):
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is raised on below
            try:
                out = self._resample(grid, kind=kind, extrapolate=extrapolate)
            except ValueError:  # scipy's PCHIP refuses slopes that overflowed
                if kind != "pchip":
                    raise
                self._raise_pchip_overflow(grid)
                raise
        return self._check_finite(out, grid, extrapolate)

    def _raise_pchip_overflow(self, grid):
        """Find the curve whose PCHIP derivatives overflow, and raise a ValueError naming it."""
        for i, (x, y) in enumerate(zip(self.xs, self.ys, strict=True)):
            try:
                _interpolate(x, y[None, :], grid, "pchip")
            except ValueError:
                raise ValueError(
                    f"{self.name(i)}: its values (x from {x[0]:g} to {x[-1]:g}, y from {y.min():g} "
                    f"to {y.max():g}) are too large for kind='pchip' (its slopes overflow float64); "
                    "rescale y (or x)."
                ) from None

    def _resample(self, grid, *, kind, extrapolate):
        x0 = self._shared_x()
        if x0 is not None:
            Y = np.stack(self.ys)
            out = _interpolate(x0, Y, grid, kind)
            _extend(out, grid, x0[None, [0, 1]], Y[:, [0, 1]], x0[None, [-2, -1]], Y[:, [-2, -1]],
                    extrapolate)
            return out
        out = np.empty((len(self.xs), len(grid)), dtype=np.float64)
        for i, (x, y) in enumerate(zip(self.xs, self.ys, strict=True)):
            out[i] = _interpolate(x, y[None, :], grid, kind)[0]
        first_x = np.stack([x[:2] for x in self.xs])
        first_y = np.stack([y[:2] for y in self.ys])
        last_x = np.stack([x[-2:] for x in self.xs])
        last_y = np.stack([y[-2:] for y in self.ys])
        _extend(out, grid, first_x, first_y, last_x, last_y, extrapolate)
        return out

    def _check_finite(self, out, grid, extrapolate):
        """``out``, or a ValueError naming the first curve whose resampled values overflowed."""
        bad = first_non_finite(out)
        if bad is None:
            return out
        i, j = (int(k) for k in bad)
        x, y = self.xs[i], self.ys[i]
        beyond = not x[0] <= grid[j] <= x[-1]
        cause = (
            "extrapolate='linear' beyond its ends"
            if beyond and extrapolate == "linear"
            else (
                f"its values (x from {x[0]:g} to {x[-1]:g}, y from {y.min():g} to {y.max():g}) "
                "are too large to interpolate"
            )
        )
        raise ValueError(
            f"{self.name(i)}: the resampled y at x={grid[j]:g} overflows float64: {cause}; "
            "rescale y (or x)."
        )


def _is_default_index(index):
    return (
        type(index).__name__ == "RangeIndex"
        and index.start == 0
        and index.step == 1
    )


def _pair(item, i, labels):
    where = f"Curve {i}{_label_text(labels, i)}"
    if isinstance(item, (str, bytes, dict)):
        raise ValueError(
            f"{where} is not an (x, y) pair: got {type(item).__name__}; pass a list of "
            "(x, y) pairs, e.g. [(x, y)] for one curve."
        )
    try:
        x_raw, y_raw = item
    except (TypeError, ValueError):
        if isinstance(item, np.ndarray):
            got = f"an array of shape {item.shape}"
        elif hasattr(item, "__len__"):
            got = f"a {type(item).__name__} of length {len(item)}"
        else:
            got = f"a {type(item).__name__}"
        raise ValueError(
            f"{where} is not an (x, y) pair: got {got}; pass a list of (x, y) pairs, "
            "e.g. [(x, y)] for one curve."
        ) from None
    x = _as_float_1d(x_raw, where, "x")
    y = _as_float_1d(y_raw, where, "y")
    if len(x) != len(y):
        raise ValueError(f"{where}: x has {len(x)} points but y has {len(y)}.")
    if len(x) < 2:
        raise ValueError(f"{where} has {len(x)} point(s); at least 2 are needed.")
    return x, y


def _as_float_1d(values, where, axis):
    if hasattr(values, "to_numpy"):  # pandas: nullable dtypes turn NA into NaN
        try:
            values = values.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: {axis} is not numeric.") from None
    array = np.asarray(values)
    if array.dtype.kind in "iuf":
        array = array.astype(np.float64, copy=False)
    elif array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{where}: {axis} is not numeric.") from None
    else:
        raise ValueError(f"{where}: {axis} is not numeric (dtype {array.dtype}).")
    if array.ndim != 1:
        raise ValueError(f"{where}: {axis} must be 1-D, got shape {array.shape}.")
    return array


def _interpolate(x, Y, grid, kind):
    """Y has one curve per row, all at x; values outside x are filled later."""
    if kind == "pchip":
        from scipy.interpolate import PchipInterpolator

        inside = np.clip(grid, x[0], x[-1])
        return np.atleast_2d(PchipInterpolator(x, Y, axis=1, extrapolate=False)(inside))
    if Y.shape[0] == 1:
        return np.interp(grid, x, Y[0])[None, :]
    # Linear, many curves at one x: one searchsorted for all of them (the kernel of
    # skmat.metrics.interpolate_curves); the ends are held, then overwritten by _extend.
    return interpolate_linear(Y, x[None, :], grid[None, :])


def _extend(out, grid, first_x, first_y, last_x, last_y, extrapolate):
    """Fill grid points beyond each curve: hold end values, or continue linearly."""
    before = np.broadcast_to(grid[None, :] < first_x[:, :1], out.shape)
    after = np.broadcast_to(grid[None, :] > last_x[:, 1:], out.shape)
    if not (before.any() or after.any()):
        return
    if extrapolate == "linear":
        slope0 = (first_y[:, 1] - first_y[:, 0]) / (first_x[:, 1] - first_x[:, 0])
        slope1 = (last_y[:, 1] - last_y[:, 0]) / (last_x[:, 1] - last_x[:, 0])
        head = first_y[:, :1] + slope0[:, None] * (grid[None, :] - first_x[:, :1])
        tail = last_y[:, 1:] + slope1[:, None] * (grid[None, :] - last_x[:, 1:])
    else:  # "clip", and "error" within the rounding tolerance
        head = np.broadcast_to(first_y[:, :1], out.shape)
        tail = np.broadcast_to(last_y[:, 1:], out.shape)
    out[before] = np.broadcast_to(head, out.shape)[before]
    out[after] = np.broadcast_to(tail, out.shape)[after]
