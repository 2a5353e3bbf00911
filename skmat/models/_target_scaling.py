"""Target scaling fitted on training targets only ("whiten" or "bound")."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["TARGET_SCALINGS", "fit_target_scaling"]

TARGET_SCALINGS = ("whiten", "bound", None)


def fit_target_scaling(y, method):
    """Offset and scale per target column so that ``(y - offset) / scale`` is normalised.

    Parameters
    ----------
    y : ndarray of shape (n_samples, n_targets)
    method : {"whiten", "bound", None}
        ``"whiten"``: mean and standard deviation (zero mean, unit variance,
        the paper's best). ``"bound"``: minimum and range (maps to [0, 1]).
        ``None``: no scaling. A constant column keeps scale 1.

    Returns
    -------
    offset, scale : ndarray of shape (n_targets,)

    Examples
    --------
    >>> import numpy as np
    >>> offset, scale = fit_target_scaling(np.array([[1.0], [3.0]]), "whiten")
    >>> offset.tolist(), scale.tolist()
    ([2.0], [1.0])
    """
    if method == "whiten":
        offset, scale = _exact_mean_std(y)
    elif method == "bound":
        with np.errstate(over="ignore"):  # a range beyond float64 is reported by _check_finite_scale
            offset, scale = y.min(axis=0), np.ptp(y, axis=0)
    elif method is None:
        offset, scale = np.zeros(y.shape[1]), np.ones(y.shape[1])
    else:
        raise ValueError(f"target_scaling must be one of {TARGET_SCALINGS}, got {method!r}.")
    _check_finite_scale(y, scale, method)
    scale = np.where(scale > 0, scale, 1.0)
    return offset.astype(np.float64), scale.astype(np.float64)


def _check_finite_scale(y, scale, method):
    """Raise a ``ValueError`` naming the row of a column whose scale is not finite (a NaN, or a spread beyond float64)."""
    for column in np.flatnonzero(~np.isfinite(scale)):
        values = np.asarray(y, dtype=np.float64)[:, column]
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            raise ValueError(f"y contains {values[bad[0]]} at row {int(bad[0])} (target {column}).")
        row = int(np.argmax(np.abs(values)))
        raise ValueError(
            f"y spreads beyond float64's range in target {column} (value {values[row]:.6g} at row {row}), so "
            f"target_scaling={method!r} cannot be computed; rescale y (e.g. to other units) before fitting."
        )


def _exact_mean_std(y):
    """Column means and standard deviations from correctly rounded sums (``math.fsum``).

    ``ndarray.mean`` sums in SIMD blocks whose split depends on the
    buffer's memory alignment, so the same targets unpickled in a Dask
    worker could get a scale one bit apart; exact sums do not depend on it.
    """
    columns = np.asarray(y, dtype=np.float64).T
    moments = [_column_mean_std(column) for column in columns]
    return np.array([mean for mean, _ in moments]), np.array([std for _, std in moments])


#: Columns whose largest magnitude exceeds this are scaled down first: squared deviations would overflow.
_LARGEST_SQUARED = 2.0 ** 500


def _column_mean_std(column):
    """Mean and standard deviation (``ddof=0``) of one finite column; inf only if the deviation exceeds float64.

    Targets above ``2**500`` in magnitude (1e200 say) are divided by a
    power of two before the deviations are squared, and the results
    multiplied back: exact operations, so the figures are the same bits as
    without them wherever those would not overflow.
    """
    exponent = 0
    peak = float(np.max(np.abs(column)))
    if peak > _LARGEST_SQUARED:
        exponent = math.frexp(peak)[1]
        column = np.ldexp(column, -exponent)
    mean = math.fsum(column) / len(column)
    std = math.sqrt(math.fsum((column - mean) ** 2) / len(column))
    try:
        return math.ldexp(mean, exponent), math.ldexp(std, exponent)
    except OverflowError:  # a spread beyond float64 (values near ±1.8e308): inf, reported by the caller
        return math.ldexp(mean, exponent), math.inf
