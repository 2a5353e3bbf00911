"""Checking and shaping the image batches the periodic-table networks read."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.utils.validation import check_array

from .._curve_checks import first_bad_row  # re-exported: the networks import it from here

__all__ = ["as_image_batch", "check_fitted_shape", "first_bad_row"]

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
    """Raise if the images ``X`` differ in shape from those ``estimator`` was fitted on.

    The message names both ``(C, H, W)`` shapes and what differs: the
    number of values (scikit-learn's "X has n features, but ... is
    expecting m features"), or, for the same number, the channels or the
    height and width.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> fitted = SimpleNamespace(input_shape_=(1, 10, 8), n_features_in_=80)
    >>> check_fitted_shape(fitted, np.zeros((2, 1, 8, 10)))
    Traceback (most recent call last):
    ...
    ValueError: X has images of height x width 8 x 10, but SimpleNamespace was fitted on 10 x 8 ...
    """
    got, expected = tuple(X.shape[1:]), tuple(estimator.input_shape_)
    if got == expected:
        return
    name = type(estimator).__name__
    n_got = int(np.prod(got))
    shapes = f"(X: (C, H, W) = {got}; fit: {expected})"
    if n_got != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_got} features, but {name} is expecting {estimator.n_features_in_} features "
            f"as input {shapes}."
        )
    if got[0] != expected[0]:
        differs = f"{got[0]} channels, but {name} was fitted on {expected[0]}"
    else:
        differs = f"images of height x width {got[1]} x {got[2]}, but {name} was fitted on {expected[1]} x {expected[2]}"
    raise ValueError(
        f"X has {differs} {shapes}: the same {n_got} values per image in another layout; "
        "encode X as at fit (the same encoder and layout)."
    )
