"""What every skmat transformer promises about fit and transform, checked the same way for formulas and curves.

Each function takes an unfitted transformer and a list of rows ``X`` (formulas,
or ``(x, y)`` curves) and fails with a message naming what broke.
"""

from __future__ import annotations

import copy

import joblib
import numpy as np
from sklearn.base import clone
from sklearn.utils import estimator_checks as ec

#: The checks of sklearn.utils.estimator_checks that hold for any input (they build no numeric X of their own),
#: so they run on transformers of formulas and of curves alike.
CHECKS_FOR_ANY_INPUT = [
    ec.check_estimator_cloneable,
    ec.check_estimator_repr,
    ec.check_no_attributes_set_in_init,
    ec.check_parameters_default_constructible,
    ec.check_get_params_invariance,
    ec.check_set_params,
    ec.check_do_not_raise_errors_in_init_or_set_params,
    ec.check_mixin_order,
    ec.check_valid_tag_types,
    ec.check_estimator_tags_renamed,
    ec.check_get_feature_names_out_error,
    ec.check_transformers_unfitted,
]


def assert_fit_is_idempotent(estimator, X):
    """Fitting twice on the same rows gives the same transform."""
    est = clone(estimator)
    first = est.fit(X).transform(X)
    second = est.fit(X).transform(X)
    np.testing.assert_array_equal(first, second)
    return est, first


def assert_fit_transform_equals_fit_then_transform(estimator, X):
    """``fit_transform`` is ``fit`` then ``transform``, to the bit."""
    np.testing.assert_array_equal(clone(estimator).fit_transform(X), clone(estimator).fit(X).transform(X))


def assert_transform_does_not_change_state(estimator, X):
    """``transform`` (of all rows, then of the first) leaves every attribute as ``fit`` set it, and adds none."""
    est = clone(estimator).fit(X)
    state = {k: copy.deepcopy(v) for k, v in vars(est).items()}
    est.transform(X)
    est.transform(X[:1])
    assert set(vars(est)) == set(state)
    for k, v in state.items():
        assert joblib.hash(vars(est)[k]) == joblib.hash(v), k


def assert_rows_are_transformed_independently(estimator, X, rtol=0.0):
    """A row's output does not depend on the other rows in the call, nor on their order."""
    est = clone(estimator).fit(X)
    full = est.transform(X)
    for i, row in enumerate(X):
        np.testing.assert_allclose(est.transform([row])[0], full[i], rtol=rtol, atol=0)
    order = np.random.RandomState(0).permutation(len(X))
    np.testing.assert_allclose(est.transform([X[i] for i in order]), full[order], rtol=rtol, atol=0)
