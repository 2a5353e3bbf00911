"""Rows of any input a skmat meta-estimator passes on: arrays, sparse matrices, DataFrames, CurveBatches, dicts, lists."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["n_rows", "take_rows"]


def take_rows(X, rows):
    """Rows ``rows`` of ``X`` (``None``: all of ``X``), in the same kind of container.

    A plain dict of per-row arrays is indexed entry by entry (a CurveBatch
    indexes its rows itself); a sparse matrix is read as CSR; another
    array-like (anything with ``__array__``) becomes an ndarray first.
    """
    if rows is None:
        return X
    if hasattr(X, "iloc"):
        return X.iloc[rows]
    if type(X) is dict:
        return {key: take_rows(value, rows) for key, value in X.items()}
    if isinstance(X, (list, tuple)):
        return [X[index] for index in rows]
    if hasattr(X, "tocsr"):  # scipy.sparse: not every format supports row indexing
        return X.tocsr()[rows]
    if not isinstance(X, (np.ndarray, Mapping)) and hasattr(X, "__array__"):
        return np.asarray(X)[rows]
    return X[rows]


def n_rows(X):
    """Number of rows of ``X``, for every input :func:`take_rows` reads."""
    if type(X) is dict:
        return len(next(iter(X.values()))) if X else 0
    shape = getattr(X, "shape", None)
    if shape is None and hasattr(X, "__array__") and not isinstance(X, (list, tuple)):
        shape = np.asarray(X).shape
    return int(shape[0]) if shape is not None else len(X)
