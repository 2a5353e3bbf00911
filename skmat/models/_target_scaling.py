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
        offset, scale = y.mean(axis=0), y.std(axis=0)
    elif method == "bound":
        offset, scale = y.min(axis=0), np.ptp(y, axis=0)
    elif method is None:
        offset, scale = np.zeros(y.shape[1]), np.ones(y.shape[1])
    else:
        raise ValueError(f"target_scaling must be one of {TARGET_SCALINGS}, got {method!r}.")
    scale = np.where(scale > 0, scale, 1.0)
    return offset.astype(np.float64), scale.astype(np.float64)
