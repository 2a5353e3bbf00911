"""The checks and the linear interpolation kernel shared by every module that reads curves.

Layer 0: numpy only, no other skmat module. Each check finds the first
offending entry and returns where it is; the caller words the error, so
that every message keeps naming its own parameter, curve and point.

Examples
--------
>>> import numpy as np
>>> first_non_finite(np.array([[0.0, 1.0], [2.0, np.nan]]))
(1, 1)
>>> first_decrease(np.array([0.0, 1.0, 1.0]))
(1,)
>>> interpolate_linear(np.array([[0.0, 10.0, 20.0]]), np.array([[0.0, 1.0, 2.0]]), np.array([[0.5, 1.5]]))
array([[ 5., 15.]])
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "first_true",
    "first_non_finite",
    "first_bad_row",
    "non_finite_text",
    "curves_named",
    "first_decrease",
    "interpolate_linear",
]


def first_true(mask):
    """Index of the first True of ``mask`` in C order, as a tuple, or None.

    A 1-D mask gives ``(i,)``; a mask of more dimensions is read as rows,
    ``mask.reshape(len(mask), -1)``, and gives ``(row, position)``.
    """
    mask = np.asarray(mask)
    flat = mask if mask.ndim == 1 else mask.reshape(len(mask), -1)
    if not flat.any():
        return None
    return tuple(int(k) for k in np.unravel_index(int(np.argmax(flat)), flat.shape))


def first_non_finite(array):
    """Index of the first NaN or infinity of ``array`` (as :func:`first_true`), or None if all are finite."""
    return first_true(~np.isfinite(array))


def first_bad_row(array):
    """Index of the first row of ``array`` with a NaN or an infinity, or None."""
    found = first_non_finite(array)
    return None if found is None else found[0]


def non_finite_text(value):
    """``"NaN"`` or ``"an infinite value (inf)"``: how messages name a non-finite ``value``."""
    return "NaN" if np.isnan(value) else f"an infinite value ({value})"


def curves_named(rows, values=None, fmt="{:.4g}", limit=10):
    """``"curves 2 (5.1), 7 (6) and 3 more"``: the first ``limit`` curve numbers, then a count of the rest.

    With ``values`` (indexed by curve), each number is followed by its value
    formatted with ``fmt``; one curve reads ``"curve 2"``.

    >>> curves_named([2, 7], values={2: 5.1, 7: 6.0})
    'curves 2 (5.1), 7 (6)'
    >>> curves_named(range(12), limit=2)
    'curves 0, 1 and 10 more'
    """
    rows = [int(row) for row in rows]
    shown = ", ".join(str(row) if values is None else f"{row} ({fmt.format(values[row])})" for row in rows[:limit])
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return f"curve{'s' if len(rows) > 1 else ''} {shown}{more}"


def first_decrease(grid):
    """Where a grid first fails to increase strictly, or None.

    For a 1-D ``grid`` ``(j,)`` with ``grid[j + 1] <= grid[j]``; for a 2-D
    one (a grid per row) ``(row, j)``. A NaN step counts as a failure.
    """
    grid = np.asarray(grid)
    return first_true(~(np.diff(grid, axis=-1) > 0))


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


def interpolate_linear(values, from_grid, to_grid, *, clip=True):
    """Linear interpolation of many curves at once, without a loop over them.

    Parameters
    ----------
    values : ndarray of shape (n, k)
        The curves, one per row, ``k >= 2``.
    from_grid : ndarray of shape (1, k) or (n, k)
        Where ``values`` are given: one strictly increasing grid for all
        curves, or one per row.
    to_grid : ndarray of shape (1, m) or (n, m)
        Where the curves are wanted, strictly increasing per row.
    clip : bool, default=True
        Hold the end values beyond a curve's grid (as :func:`numpy.interp`);
        False continues the end segments as straight lines.

    Returns
    -------
    ndarray of float64, shape (n, m)
        ``(1 - w) y_j + w y_j+1``: exactly ``y_j`` at ``w = 0`` and
        ``y_j+1`` at ``w = 1``, as :func:`numpy.interp`, and equal to it
        elsewhere to rounding. Nothing is checked here.
    """
    n_curves, n_points = values.shape
    j = np.clip(_segments(from_grid, to_grid), 0, n_points - 2)
    j = np.broadcast_to(j, (n_curves, j.shape[1]))
    x_full = np.broadcast_to(from_grid, (n_curves, n_points))
    x0 = np.take_along_axis(x_full, j, axis=1)
    x1 = np.take_along_axis(x_full, j + 1, axis=1)
    y0 = np.take_along_axis(values, j, axis=1)
    y1 = np.take_along_axis(values, j + 1, axis=1)
    w = (np.broadcast_to(to_grid, j.shape) - x0) / (x1 - x0)
    if clip:
        w = np.clip(w, 0.0, 1.0)
    return (1.0 - w) * y0 + w * y1
