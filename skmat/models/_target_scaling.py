"""Target scaling fitted on training targets only ("whiten" or "bound")."""

from __future__ import annotations

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
        offset, scale = y.min(axis=0), np.ptp(y, axis=0)
    elif method is None:
        offset, scale = np.zeros(y.shape[1]), np.ones(y.shape[1])
    else:
        raise ValueError(f"target_scaling must be one of {TARGET_SCALINGS}, got {method!r}.")
    scale = np.where(scale > 0, scale, 1.0)
    return offset.astype(np.float64), scale.astype(np.float64)


def _exact_mean_std(y):
    """Column means and standard deviations from correctly rounded sums (``math.fsum``).

    ``ndarray.mean`` sums in SIMD blocks whose split depends on the
    buffer's memory alignment, so the same targets unpickled in a Dask
    worker could get a scale one bit apart; exact sums do not depend on it.
    """
    import math

    columns = np.asarray(y, dtype=np.float64).T
    n = columns.shape[1]
    offset = np.array([math.fsum(column) / n for column in columns])
    scale = np.array([math.sqrt(math.fsum((column - mu) ** 2) / n) for column, mu in zip(columns, offset)])
    return offset, scale
