"""Linear interpolation of many curves from one strain grid to another, in one pass."""

from __future__ import annotations

import numpy as np

from .._curve_checks import first_decrease, first_non_finite, first_true, interpolate_linear, non_finite_text

__all__ = ["interpolate_curves"]

_EXTRAPOLATE = ("error", "clip", "linear")
# Grid points beyond a curve's range by at most this fraction of its span are rounding.
_RANGE_RTOL = 1e-6


def _as_float(name, values):
    if hasattr(values, "to_numpy"):  # pandas; nullable NA becomes NaN
        values = values.to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric, of shape (n_points,) or (n_curves, n_points).") from None
    if array.ndim not in (1, 2):
        what = "(one curve) or 2-D (one curve per row)" if name == "y" else (
            "(one grid for all curves) or 2-D (one grid per curve)"
        )
        raise ValueError(f"{name} must be 1-D {what}, got shape {array.shape}.")
    return array


def _where(name, array, i):
    return f"{name} of curve {i}" if array.shape[0] > 1 or name == "y" else name


def _check_finite(name, array):
    found = first_non_finite(array)
    if found is not None:
        i, j = found
        raise ValueError(f"{_where(name, array, i)} has {non_finite_text(array[i, j])} at point {j}.")


def _check_increasing(name, grid):
    found = first_decrease(grid)
    if found is not None:
        i, j = found
        raise ValueError(
            f"{_where(name, grid, i)} must be strictly increasing, but point {j + 1} "
            f"({grid[i, j + 1]:g}) follows point {j} ({grid[i, j]:g})."
        )


def _check_rows(name, array, n_curves):
    """A per-curve grid, shape (m, k) with m > 1, needs one row per curve."""
    if array.shape[0] != n_curves:
        raise ValueError(
            f"{name} has {array.shape[0]} rows but y has {n_curves} curves; pass one grid "
            "for all curves (1-D) or one row per curve."
        )


def interpolate_curves(y, from_strain, to_strain, *, extrapolate="error"):
    """Interpolate curves linearly from their strain points to other strain points.

    The tool to score a model that predicts on one strain grid against true
    curves that each have their own strain points, like the finite-element
    runs of :func:`~skmat.datasets.load_small_punch_fem`: interpolate the
    *prediction* onto the true curves' points, and never resample the truth.
    All curves are interpolated at once (one ``searchsorted``, or one sort
    per row for per-curve grids), without a Python loop over the curves.

    Parameters
    ----------
    y : array-like of shape (n_curves, n_points) or (n_points,)
        The curves, one per row; ``y[i, j]`` is curve ``i`` at
        ``from_strain[j]`` (or ``from_strain[i, j]``). A 1-D ``y`` is one
        curve.
    from_strain : array-like of shape (n_points,) or (n_curves, n_points)
        Where ``y`` is given: one grid for all curves, or one row per curve.
        Each must be strictly increasing.
    to_strain : array-like of shape (n_new,) or (n_curves, n_new)
        Where the curves are wanted: one grid for all curves, or one row per
        curve. Each must be strictly increasing.
    extrapolate : {"error", "clip", "linear"}, default="error"
        What to do at points of ``to_strain`` outside a curve's
        ``from_strain`` range (by more than a millionth of its span, which
        is treated as rounding and held at the end value): ``"error"``
        raises a ``ValueError`` naming the curve and the point, ``"clip"``
        holds the curve's first or last value, ``"linear"`` continues the
        straight line through its first two or last two points.

    Returns
    -------
    ndarray of float64, shape (n_curves, n_new), or (n_new,) for a 1-D ``y``
        The curves at ``to_strain``.

    Raises
    ------
    ValueError
        If a grid is not strictly increasing, or a value is NaN or infinite
        (the grid or ``y``, the curve and the point are named); if the shapes
        do not fit together; or, with ``extrapolate="error"``, if a point of
        ``to_strain`` lies outside the range of its curve (named, with the
        point and the range).

    See Also
    --------
    skmat.preprocessing.CurveResampler : Resample (x, y) curves of any lengths onto one grid.
    curve_mape : Score the interpolated prediction against the truth.

    Notes
    -----
    Linear interpolation between neighbouring points, exactly as
    :func:`numpy.interp` does curve by curve (to rounding).

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.metrics import interpolate_curves
    >>> y = np.array([[0.0, 10.0, 20.0], [0.0, 100.0, 150.0]])
    >>> interpolate_curves(y, [0.0, 1.0, 2.0], [0.5, 1.5])
    array([[  5.,  15.],
           [ 50., 125.]])

    One grid per curve, e.g. the strain points of finite-element runs:

    >>> interpolate_curves(y, [0.0, 1.0, 2.0], [[0.5, 2.0], [0.25, 1.0]])
    array([[  5.,  20.],
           [ 25., 100.]])
    >>> interpolate_curves(y, [0.0, 1.0, 2.0], [[0.5, 2.1], [0.25, 1.0]])
    Traceback (most recent call last):
        ...
    ValueError: to_strain of curve 0 has 2.1 at point 1, outside the curve's from_strain range 0 to 2; ...
    >>> interpolate_curves(y, [0.0, 1.0, 2.0], [[0.5, 2.1], [0.25, 1.0]], extrapolate="linear")
    array([[  5.,  21.],
           [ 25., 100.]])
    """
    if not isinstance(extrapolate, str) or extrapolate not in _EXTRAPOLATE:
        raise ValueError(f"extrapolate must be one of {list(_EXTRAPOLATE)}, got {extrapolate!r}.")
    values = _as_float("y", y)
    one_curve = values.ndim == 1
    values = np.atleast_2d(values)
    n_curves, n_points = values.shape
    if n_curves == 0 or n_points < 2:
        raise ValueError(f"y must hold at least one curve of at least 2 points, got shape {values.shape}.")
    grids = {}
    for name, grid in (("from_strain", from_strain), ("to_strain", to_strain)):
        grid = np.atleast_2d(_as_float(name, grid))
        if grid.shape[1] == 0:
            raise ValueError(f"{name} has no points.")
        _check_finite(name, grid)
        with np.errstate(over="ignore"):  # a step too large to compute is raised on below
            _check_increasing(name, grid)
        if grid.shape[0] > 1:
            _check_rows(name, grid, n_curves)
        grids[name] = grid  # (1, k): one grid shared by all curves
    from_grid, to_grid = grids["from_strain"], grids["to_strain"]
    if from_grid.shape[1] != n_points:
        raise ValueError(
            f"from_strain has {from_grid.shape[1]} points but the curves of y have {n_points}."
        )
    _check_finite("y", values)

    first, last = from_grid[:, :1], from_grid[:, -1:]
    with np.errstate(over="ignore"):
        span = last - first
    found = first_non_finite(span)
    if found is not None:
        i = found[0]
        raise ValueError(
            f"{_where('from_strain', from_grid, i)} runs from {first[i, 0]:g} to {last[i, 0]:g}, a "
            "range too large to compute with (its width overflows float64); rescale the strains."
        )
    tol = _RANGE_RTOL * (last - first)
    outside = (to_grid < first - tol) | (to_grid > last + tol)
    found = first_true(outside) if extrapolate == "error" else None
    if found is not None:
        i, j = found
        lo, hi = first[min(i, len(first) - 1), 0], last[min(i, len(last) - 1), 0]
        value = to_grid[min(i, len(to_grid) - 1), j]
        where = f"to_strain of curve {i}" if outside.shape[0] > 1 else "to_strain"
        raise ValueError(
            f"{where} has {value:g} at point {j}, outside the curve's from_strain range "
            f"{lo:g} to {hi:g}; pass extrapolate='linear' or 'clip' to extend the curve."
        )

    # "clip", and "error" within the rounding tolerance, hold the end values
    with np.errstate(over="ignore", invalid="ignore"):  # an overflow is raised on below
        out = interpolate_linear(values, from_grid, to_grid, clip=extrapolate != "linear")
    found = first_non_finite(out)
    if found is not None:
        i, j = found
        where = "the curve" if one_curve else f"curve {i}"
        value = to_grid[min(i, len(to_grid) - 1), j]
        raise ValueError(
            f"Interpolating {where} at to_strain {value:g} (point {j}) overflows float64: its "
            "values are too large to compute with; rescale y (or the strains)."
        )
    return out[0] if one_curve else out
