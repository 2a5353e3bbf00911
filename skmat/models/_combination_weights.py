"""The weights of a weighted mean of several models' predictions that minimise its absolute error."""

from __future__ import annotations

import numpy as np

__all__ = ["least_absolute_error_weights", "least_absolute_error_weights_by_group"]


def least_absolute_error_weights(predictions, target):
    """Non-negative weights summing to one that minimise ``mean(|predictions @ w - target|)``.

    The fit is an exact linear program, as in least-absolute-deviation
    (median) regression: each row's error is written ``over - under``, both
    non-negative, so that ``predictions @ w + under - over = target``; the
    program minimises the sum of ``over + under`` subject to ``w >= 0`` and
    ``sum(w) = 1``, solved by SciPy's HiGHS. Being an absolute error, a few
    wild targets move the weights far less than they would a least-squares
    fit.

    Parameters
    ----------
    predictions : array-like of shape (n_samples, n_models)
        One column per model.
    target : array-like of shape (n_samples,)

    Returns
    -------
    weights : ndarray of shape (n_models,)
        Non-negative, summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.models._combination_weights import least_absolute_error_weights
    >>> predictions = np.array([[1.0, 3.0], [2.0, 0.0], [0.0, 4.0], [5.0, 1.0]])
    >>> target = predictions @ [0.25, 0.75]
    >>> np.round(least_absolute_error_weights(predictions, target), 6)
    array([0.25, 0.75])
    """
    from scipy.optimize import linprog
    from scipy.sparse import csr_matrix, hstack, identity, vstack

    predictions = np.asarray(predictions, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    n, k = predictions.shape
    cost = np.concatenate([np.zeros(k), np.ones(2 * n)])
    rows = hstack([csr_matrix(predictions), identity(n), -identity(n)])
    sums_to_one = csr_matrix(np.concatenate([np.ones(k), np.zeros(2 * n)])[None, :])
    result = linprog(cost, A_eq=vstack([rows, sums_to_one]).tocsr(), b_eq=np.concatenate([target, [1.0]]),
                     bounds=[(0, None)] * (k + 2 * n), method="highs")
    if not result.success:
        raise RuntimeError(f"The least-absolute-error weight fit failed: {result.message}")
    weights = np.clip(result.x[:k], 0, None)
    return weights / weights.sum()


def least_absolute_error_weights_by_group(predictions, target, groups, n_groups, min_group_size):
    """:func:`least_absolute_error_weights` fitted apart on the rows of each group.

    A group with fewer than ``min_group_size`` rows (none at all, or too few
    to fit the weights to more than their noise) takes the weights fitted on
    all rows.

    Parameters
    ----------
    predictions : array-like of shape (n_samples, n_models)
        One column per model.
    target : array-like of shape (n_samples,)
    groups : ndarray of int, shape (n_samples,)
        Each row's group, from 0 to ``n_groups - 1``.
    n_groups : int
    min_group_size : int

    Returns
    -------
    weights : ndarray of shape (n_groups, n_models)
        Each group's weights: non-negative, summing to one.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.models._combination_weights import least_absolute_error_weights_by_group
    >>> predictions = np.random.default_rng(0).normal(size=(40, 2))
    >>> groups = np.repeat([0, 1], 20)
    >>> target = np.where(groups == 0, predictions[:, 0], predictions[:, 1])
    >>> np.round(least_absolute_error_weights_by_group(predictions, target, groups, 3, 10), 6)[:2]
    array([[1., 0.],
           [0., 1.]])
    """
    predictions = np.asarray(predictions, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    overall = least_absolute_error_weights(predictions, target)
    return np.stack([least_absolute_error_weights(predictions[groups == g], target[groups == g])
                     if np.count_nonzero(groups == g) >= min_group_size else overall for g in range(n_groups)])
