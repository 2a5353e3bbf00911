"""Input and parameter checks shared by skmat's estimators (formula columns, feature names, integer parameters)."""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import _check_feature_names

__all__ = ["check_feature_names", "check_range", "formula_column", "IntegerInterval"]


class IntegerInterval(Interval):
    """scikit-learn's ``Interval(Integral, left, right, closed=...)`` for a ``_parameter_constraints`` entry, refusing booleans.

    ``True`` is an :class:`numbers.Integral` to Python, so scikit-learn's
    interval accepts it as 1; skmat's integer parameters (a number of
    conditions, of points, of starts) do not. The error is scikit-learn's
    ``InvalidParameterError`` ("The 'n_points' parameter of CurveResampler
    must be an int in the range [2, inf). Got True instead.").

    Examples
    --------
    >>> IntegerInterval(0, None, closed="left").is_satisfied_by(True)
    False
    >>> IntegerInterval(0, None, closed="left").is_satisfied_by(3)
    True
    """

    def __init__(self, left, right, *, closed):
        super().__init__(Integral, left, right, closed=closed)

    def is_satisfied_by(self, val):
        return not isinstance(val, (bool, np.bool_)) and super().is_satisfied_by(val)


def check_range(name, value, low="low", high="high"):
    """``value`` as a pair of floats ``(low, high)``, finite with ``low < high``; else a ``ValueError`` naming ``name``.

    ``low`` and ``high`` are how the messages name the two ends.

    Examples
    --------
    >>> check_range("x_range", [1, 2.5], "lo", "hi")
    (1.0, 2.5)
    >>> check_range("bounds", (3, 1))
    Traceback (most recent call last):
    ...
    ValueError: bounds must be finite with low < high, got (3, 1).
    """
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair ({low}, {high}) of numbers, got {value!r}.") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be finite with {low} < {high}, got {value!r}.")
    return lo, hi


def check_feature_names(estimator, X, *, reset):
    """Set (``reset=True``) or check ``estimator.feature_names_in_`` from the columns of ``X``.

    scikit-learn's own rule, :func:`sklearn.utils.validation._check_feature_names`
    (what ``validate_data`` runs first): a DataFrame whose column names are
    all strings has feature names; any other input (list, array, Series,
    dict, tensor) has none. At fit the names are stored, or a stale
    ``feature_names_in_`` deleted; afterwards different names raise
    scikit-learn's ``ValueError`` ("The feature names should match those
    that were passed during fit"), and input with names for an estimator
    fitted without them, or the reverse, gets scikit-learn's
    ``UserWarning``.

    Only the names: skmat's estimators read formula columns, images and
    dicts of curves, whose number of features ``validate_data`` cannot
    count, so each sets ``n_features_in_`` itself.
    """
    _check_feature_names(estimator, X, reset=reset)


def formula_column(X):
    """Return the formulas in ``X`` as a 1-D object array, without copying user data.

    Accepts a list or tuple of strings, a 1-D or ``(n, 1)`` array, a pandas
    Series, or a one-column DataFrame (as ``ColumnTransformer`` passes a column
    selected by a list).

    Returns
    -------
    formulas : ndarray of object, shape (n_samples,)

    Raises
    ------
    ValueError
        If ``X`` is a single string, has more than one column or is empty.
    """
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
    return values
