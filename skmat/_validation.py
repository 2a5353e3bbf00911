"""Input checks shared by the formula encoders."""

from __future__ import annotations

import numpy as np

__all__ = ["formula_column"]


def formula_column(X):
    """Return the formulas in ``X`` as a 1-D object array, without copying user data.

    Accepts a list or tuple of strings, a 1-D or ``(n, 1)`` array, a pandas
    Series, or a one-column DataFrame (as ``ColumnTransformer`` passes a column
    selected by a list).

    Returns
    -------
    formulas : ndarray of object, shape (n_samples,)
    feature_names : ndarray of str or None
        The column name when ``X`` is a DataFrame.

    Raises
    ------
    ValueError
        If ``X`` is a single string, has more than one column or is empty.
    """
    feature_names = None
    if isinstance(X, str):
        raise ValueError(
            f"Expected a column of formulas, got the single string {X!r}; "
            "wrap it in a list: [formula]."
        )
    if hasattr(X, "iloc") and hasattr(X, "columns"):  # DataFrame
        if X.shape[1] != 1:
            raise ValueError(
                f"Expected one column of formulas, got a DataFrame with {X.shape[1]} "
                f"columns {list(X.columns)!r}; select the formula column."
            )
        feature_names = np.asarray([str(X.columns[0])], dtype=object)
        values = X.iloc[:, 0].to_numpy(dtype=object)
    elif hasattr(X, "iloc"):  # Series
        values = X.to_numpy(dtype=object)
    else:
        values = np.asarray(X, dtype=object)
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
        elif values.ndim != 1:
            raise ValueError(
                f"Expected a 1-D column of formulas or shape (n, 1), got shape {values.shape}."
            )
    if len(values) == 0:
        raise ValueError("Expected at least one formula, got an empty input.")
    return values, feature_names
