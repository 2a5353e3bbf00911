"""Linear interpolation of many curves from one strain grid to another, in one pass."""

from __future__ import annotations

import numpy as np

from ._curves import first_non_finite

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
        i, j, what = found
        raise ValueError(f"{_where(name, array, i)} has {what} at point {j}.")


def _check_increasing(name, grid):
    steps = np.diff(grid, axis=1)
    bad = ~(steps > 0)
    if bad.any():
        i, j = np.unravel_index(int(np.argmax(bad)), bad.shape)
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


def _segments(from_grid, to_grid):
    """Index j of the segment [x_j, x_j+1] of each row of from_grid holding each to_grid point.

    ``searchsorted(side="right") - 1`` per row, without a loop over rows:
    with one shared ``from_grid`` a single ``np.searchsorted``; with one grid
    per curve a stable sort of each row of ``[from_grid, to_grid]`` along
    the row (the ``from`` points first, so a tie counts as "at or before").
    """
    if from_grid.shape[0] == 1:
        return np.searchsorted(from_grid[0], to_grid, side="right") - 1
    n, k = from_grid.shape
    to_rows = np.broadcast_to(to_grid, (n, to_grid.shape[1]))
    merged = np.concatenate([from_grid, to_rows], axis=1)
    order = np.argsort(merged, axis=1, kind="stable")
    position = np.empty_like(order)
    np.put_along_axis(position, order, np.arange(merged.shape[1])[None, :], axis=1)
    # The m-th point of a strictly increasing to_grid row has m to-points before
    # it; the rest of the points before it are the from-points <= it.
    return position[:, k:] - np.arange(to_grid.shape[1])[None, :] - 1


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
    tol = _RANGE_RTOL * (last - first)
    outside = (to_grid < first - tol) | (to_grid > last + tol)
    if extrapolate == "error" and outside.any():
        i, j = np.unravel_index(int(np.argmax(outside)), outside.shape)
        lo, hi = first[min(i, len(first) - 1), 0], last[min(i, len(last) - 1), 0]
        value = to_grid[min(i, len(to_grid) - 1), j]
        where = f"to_strain of curve {i}" if outside.shape[0] > 1 else "to_strain"
        raise ValueError(
            f"{where} has {value:g} at point {j}, outside the curve's from_strain range "
            f"{lo:g} to {hi:g}; pass extrapolate='linear' or 'clip' to extend the curve."
        )

    j = np.clip(_segments(from_grid, to_grid), 0, n_points - 2)
    j = np.broadcast_to(j, (n_curves, j.shape[1]))
    x_full = np.broadcast_to(from_grid, (n_curves, n_points))
    x0 = np.take_along_axis(x_full, j, axis=1)
    x1 = np.take_along_axis(x_full, j + 1, axis=1)
    y0 = np.take_along_axis(values, j, axis=1)
    y1 = np.take_along_axis(values, j + 1, axis=1)
    w = (np.broadcast_to(to_grid, j.shape) - x0) / (x1 - x0)
    if extrapolate != "linear":  # "clip", and "error" within the rounding tolerance
        w = np.clip(w, 0.0, 1.0)
    out = (1.0 - w) * y0 + w * y1  # exactly y0 at w = 0 and y1 at w = 1, as np.interp
    return out[0] if one_curve else out
