"""A two-part (hurdle) regressor for targets that are exactly zero for many samples, like band gaps of metals."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, _fit_context, clone, is_classifier
from sklearn.base import is_regressor
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.validation import check_is_fitted, check_array, column_or_1d, validate_data

from ._rows import n_rows, take_rows
from ._scaled_net import check_real_targets

__all__ = ["HurdleRegressor"]


class HurdleRegressor(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """Predict a target that is exactly ``zero`` for a share of the samples: a classifier, then a regressor.

    A regressor fitted to such a target (about half the band gaps of
    Matbench's ``expt_gap`` are 0 eV: metals) spreads its predictions for the
    zero samples above zero and bends its fit of the others towards them.
    The hurdle model splits the two questions: ``classifier`` learns whether
    the target is nonzero (on every training sample), ``regressor`` learns
    its value on the nonzero samples only, and a prediction is ``zero``
    where the classifier's probability of "nonzero" is below ``threshold``,
    and the regressor's value elsewhere.

    Any scikit-learn classifier with ``predict_proba`` and any regressor
    work, including pipelines (e.g. learned features plus a gradient
    booster); ``X`` is passed to both as given (arrays, DataFrames, lists of
    formulas).

    Parameters
    ----------
    classifier : classifier with ``predict_proba``
        Fitted (as a clone) on ``y != zero``.
    regressor : regressor
        Fitted (as a clone) on the samples where ``y != zero``.
    zero : float, default=0.0
        The value that marks the "hurdle" class (compared exactly); finite.
    threshold : float in (0, 1), default=0.5
        The probability of "nonzero" from which the regressor's value is
        predicted. 0.5 follows the classifier's own labels; for the mean
        absolute error, the best threshold is where a wrong zero costs as
        much as a wrong value, which cross-validation can choose
        (``GridSearchCV`` over ``threshold``).

    Attributes
    ----------
    classifier_ : classifier or None
        Fitted; ``None`` if every training target was nonzero (then the
        regressor predicts every sample).
    regressor_ : regressor or None
        Fitted; ``None`` if every training target was ``zero`` (then every
        prediction is ``zero``).
    zero_fraction_ : float
        Share of training targets equal to ``zero``.
    n_features_in_ : int
        Only when the classifier or regressor defines it, or, if every
        training target was ``zero``, when ``X`` was a 2-D table.
    feature_names_in_ : ndarray of str
        Likewise, only when ``X`` had column names.

    See Also
    --------
    sklearn.compose.TransformedTargetRegressor : another wrapper that changes what the regressor sees.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression, LogisticRegression
    >>> from skmat.models import HurdleRegressor
    >>> X = np.arange(20.0).reshape(-1, 1)
    >>> y = np.where(X[:, 0] < 10, 0.0, X[:, 0] - 5)   # zero, then a line
    >>> model = HurdleRegressor(LogisticRegression(), LinearRegression()).fit(X, y)
    >>> model.zero_fraction_
    0.5
    >>> np.round(model.predict([[2.0], [15.0]]), 6)
    array([ 0., 10.])
    """

    _parameter_constraints = {
        "classifier": [HasMethods(["fit", "predict_proba"])],
        "regressor": [HasMethods(["fit", "predict"])],
        "zero": [Interval(numbers.Real, None, None, closed="neither")],  # finite: nan equals no target
        "threshold": [Interval(numbers.Real, 0.0, 1.0, closed="neither")],
    }

    def __init__(self, classifier, regressor, *, zero=0.0, threshold=0.5):
        self.classifier = classifier
        self.regressor = regressor
        self.zero = zero
        self.threshold = threshold

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Fit the classifier on ``y != zero`` and the regressor on the nonzero samples.

        Parameters
        ----------
        X : array-like, DataFrame or list of length n_samples
        y : array-like of shape (n_samples,)
            Finite numbers.
        **fit_params
            Passed to both ``fit`` calls.

        Returns
        -------
        self
        """
        if not is_classifier(self.classifier):
            raise ValueError(f"HurdleRegressor's classifier must be a classifier, got {self.classifier!r}.")
        if not is_regressor(self.regressor):
            raise ValueError(f"HurdleRegressor's regressor must be a regressor, got {self.regressor!r}.")
        check_real_targets(y)  # casting to float would drop an imaginary part with only a numpy warning
        y = column_or_1d(np.asarray(y, dtype=float), warn=True)
        n_samples = self._n_samples(X, "fit")
        if n_samples == 0:
            raise ValueError("HurdleRegressor got 0 samples; fitting needs at least one.")
        if len(y) != n_samples:
            raise ValueError(f"X has {n_samples} samples but y has {len(y)}.")
        bad = np.flatnonzero(~np.isfinite(y))
        if bad.size:
            raise ValueError(f"y must be finite; y[{bad[0]}] is {float(y[bad[0]])} ({bad.size} such values).")
        nonzero = y != self.zero
        self.zero_fraction_ = float(1.0 - nonzero.mean())
        self.classifier_ = None
        self.regressor_ = None
        for key in ("n_features_in_", "feature_names_in_", "_numeric_X_"):  # from an earlier fit
            vars(self).pop(key, None)
        if nonzero.any() and not nonzero.all():
            self.classifier_ = clone(self.classifier).fit(X, nonzero, **fit_params)
        if nonzero.any():
            rows = np.flatnonzero(nonzero)
            self.regressor_ = clone(self.regressor).fit(take_rows(X, rows), y[rows], **fit_params)
        fitted = self.regressor_ if self.regressor_ is not None else self.classifier_
        if fitted is None:
            self._record_columns(X)
        if hasattr(fitted, "n_features_in_"):
            self.n_features_in_ = fitted.n_features_in_
        if hasattr(fitted, "feature_names_in_"):
            self.feature_names_in_ = fitted.feature_names_in_
        return self

    def predict_nonzero_proba(self, X):
        """The classifier's probability that each sample's target is not ``zero``.

        Parameters
        ----------
        X : array-like, DataFrame or list of length n_samples

        Returns
        -------
        ndarray of shape (n_samples,)
            1 for every sample if every training target was nonzero, 0 if
            none was.
        """
        check_is_fitted(self, "zero_fraction_")
        if self.classifier_ is None and self.regressor_ is None:
            return np.zeros(self._check_constant_input(X))
        if self.classifier_ is None:
            return np.ones(self._n_samples(X, "predict"))
        classes = list(self.classifier_.classes_)
        return np.asarray(self.classifier_.predict_proba(X))[:, classes.index(True)]

    def _n_samples(self, X, method):
        """Rows of ``X``; a bare string is not a list of samples."""
        if isinstance(X, (str, bytes)):
            raise TypeError(
                f"{type(self).__name__}.{method}: X is the single string {X!r}; pass a list or array of samples "
                f"(e.g. [{X!r}] for one formula)."
            )
        return n_rows(X)

    def _record_columns(self, X):
        """Every target is zero, so no part saw ``X``: record its columns, for predict to check as a part would.

        Only a 2-D table (array, sparse matrix, DataFrame, list of rows) has
        columns; formulas, curves and dicts are left as they are.
        """
        shape = getattr(X, "shape", None)
        if shape is None and isinstance(X, (list, tuple)):
            try:
                shape = np.shape(X)
            except ValueError:  # ragged rows
                shape = None
        if shape is None or len(shape) != 2:
            return
        validate_data(self, X, reset=True, skip_check_array=True)
        try:
            check_array(X, accept_sparse=True, dtype="numeric", ensure_all_finite=False)
        except (TypeError, ValueError):
            self._numeric_X_ = False
        else:
            self._numeric_X_ = True

    def _check_constant_input(self, X):
        """Check ``X`` at predict when every training target was ``zero``, as a fitted part would; its rows.

        No part was fitted, so nothing else would look at ``X``: a 2-D table
        at fit must be one again, numeric, with as many columns (and the same
        names); other inputs (formulas, curves) must at least be samples.
        """
        n_samples = self._n_samples(X, "predict")
        if hasattr(self, "n_features_in_"):
            from sklearn.utils import get_tags

            numeric = getattr(self, "_numeric_X_", True)
            finite = numeric and not get_tags(self).input_tags.allow_nan
            X = validate_data(self, X, reset=False, accept_sparse=True, dtype="numeric" if numeric else None,
                              ensure_all_finite=finite)
            n_samples = X.shape[0]
        return n_samples

    def predict(self, X):
        """``zero`` where the probability of nonzero is below ``threshold``, the regressor's value elsewhere.

        Parameters
        ----------
        X : array-like, DataFrame or list of length n_samples

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        proba = self.predict_nonzero_proba(X)
        predicted = np.full(len(proba), float(self.zero))
        rows = np.flatnonzero(proba >= self.threshold)
        if rows.size:
            predicted[rows] = np.ravel(self.regressor_.predict(take_rows(X, rows)))
        return predicted

    def __sklearn_tags__(self):
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        parts = [get_tags(self.classifier), get_tags(self.regressor)]
        tags.input_tags.sparse = all(part.input_tags.sparse for part in parts)
        tags.input_tags.allow_nan = all(part.input_tags.allow_nan for part in parts)
        return tags
