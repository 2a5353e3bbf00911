"""Checking and shaping the image batches the periodic-table networks read."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.utils.validation import check_array

__all__ = ["as_image_batch", "check_fitted_shape", "first_bad_row"]


def first_bad_row(array):
    """Index of the first row with NaN or infinity, or None."""
    bad = ~np.isfinite(array.reshape(len(array), -1)).all(axis=1)
    return int(np.flatnonzero(bad)[0]) if bad.any() else None


def as_image_batch(X, owner):
    """Float32 images ``(n, C, H, W)`` from images, stacks ``(n, H, W)`` or flat ``(n, F)``.

    A flat row is read as a ``1 x F`` line image. ``owner`` (the estimator's
    name) is used in error messages; strings (unencoded formulas), NaN and
    infinity are rejected with the offending row.

    Examples
    --------
    >>> import numpy as np
    >>> as_image_batch(np.zeros((2, 58)), "PTRCNNRegressor").shape
    (2, 1, 1, 58)
    """
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    if isinstance(X, np.ndarray) and X.dtype.kind in "OUS" and X.ndim >= 1 and X.size:
        first = X.reshape(-1)[0]
        if isinstance(first, str):
            raise ValueError(
                f"{owner} expects numeric images, got strings such as {first!r}; "
                "encode formulas first, e.g. with PeriodicTableEncoder."
            )
    X = check_array(
        X,
        accept_sparse=False,
        dtype=np.float32,
        allow_nd=True,
        ensure_all_finite=False,
        input_name="X",
    )
    row = first_bad_row(X)
    if row is not None:
        raise ValueError(f"X contains NaN or infinity at row {row}.")
    if X.ndim == 2:
        return X[:, None, None, :]
    if X.ndim == 3:
        return X[:, None, :, :]
    if X.ndim == 4:
        return X
    raise ValueError(f"Expected X of shape (n, C, H, W), (n, H, W) or (n, F); got shape {X.shape}.")


def check_fitted_shape(estimator, X):
    """Raise if the images ``X`` differ in shape from those ``estimator`` was fitted on."""
    if tuple(X.shape[1:]) != estimator.input_shape_:
        raise ValueError(
            f"X has {int(np.prod(X.shape[1:]))} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input (image shape "
            f"{tuple(X.shape[1:])}; the model was fitted on {estimator.input_shape_})."
        )
