"""scikit-learn's common checks for the network estimators, on 2-D input.

PTRCNNRegressor and PTRCNNClassifier read a 2-D array ``(n, F)`` as a
``1 x F`` line image and SPTSeq2SeqRegressor as ``n`` bare curves, so
sklearn's full check suite applies to all three. The encoders take strings
and are checked in ``test_common_encoders.py``.

Each estimator gets the smallest training budget found to pass the learning
checks (``check_regressors_train``: training R² > 0.5;
``check_classifiers_train``: training accuracy > 0.83) with a margin on
every seed tried, not just the seed 0 the checks use. Measured with one
torch thread, worst of random_state 0-9 (threshold in brackets):

=====================  ==============================================  ===============
estimator              budget                                          worst seed
=====================  ==============================================  ===============
PTRCNNRegressor        10 epochs, 8 filters, 16 hidden units, lr 1e-2  R² 0.77 (0.5)
PTRCNNClassifier       10 epochs, 8 filters, 16 hidden units, lr 1e-2  acc 0.93 (0.83)
SPTSeq2SeqRegressor    40 epochs, hidden size 16, 1 layer, lr 1e-2,    R² 0.68 (0.5)
                       no dropout
=====================  ==============================================  ===============

Smaller budgets fail or pass by a hair: with 8 epochs the classifier
reaches only 0.833 on one seed; with 4 filters the PTR regressor stays at
R² 0 on seed 0 (alone it would pass with 5 epochs, R² 0.67 on random_state
0-4, but it shares the classifier's budget at no measurable cost); the SPT
network reaches only R² 0.48 with 40 epochs and hidden size 8, and 0.48
with 30 epochs and hidden size 16.

The only expected failures left are caused by skorch's design; they are
listed per estimator below and run strictly (``xfail_strict = true`` in
pyproject.toml), so a check that starts passing fails the suite until its
entry is removed.

One check runs at float32 precision instead of float64:
``check_methods_subset_invariance`` compares ``predict(X)`` with ``predict``
on one row at a time to ``atol=rtol=1e-7``, below float32's resolution
(eps 1.2e-7). torch picks different kernels for a batch of 1 and of 20, so
even a Conv1d differs by one ulp between them; through the SPT network and
the target whitening that is up to 2.8e-7 at predictions near 1.8, failing
or passing by a hair depending on the seed and the number of BLAS threads.
The check runs with a tolerance of a few float32 ulps, which still catches
a prediction that depends on the other rows of the batch.
"""

import functools

import numpy as np
import pytest
import sklearn.utils.estimator_checks as sklearn_checks
from sklearn.utils.estimator_checks import estimator_checks_generator, parametrize_with_checks

from skmat import PTRCNNClassifier, PTRCNNRegressor, SPTSeq2SeqRegressor

_SKORCH_INIT_ATTRIBUTES = (
    "skorch's NeuralNet.__init__ sets history_, initialized_ and virtual_params_ and "
    "stores every module__* keyword argument as an attribute of that name; clone() and "
    "get_params() still round-trip (check_estimator_cloneable and "
    "check_get_params_invariance pass)."
)
_SKORCH_PRIVATE_PARAMS = (
    "skorch's get_params() returns every attribute not ending in '_', including the "
    "private set _params_to_validate; the check sets it to a float and the next "
    "set_params() call fails on '.add' of that float."
)

# One table of expected failures per estimator: check name -> reason.
EXPECTED_FAILED_CHECKS = {
    PTRCNNRegressor: {
        "check_no_attributes_set_in_init": _SKORCH_INIT_ATTRIBUTES,
        "check_set_params": _SKORCH_PRIVATE_PARAMS,
    },
    PTRCNNClassifier: {
        "check_no_attributes_set_in_init": _SKORCH_INIT_ATTRIBUTES,
        "check_set_params": _SKORCH_PRIVATE_PARAMS,
    },
    SPTSeq2SeqRegressor: {
        "check_no_attributes_set_in_init": _SKORCH_INIT_ATTRIBUTES,
        "check_set_params": _SKORCH_PRIVATE_PARAMS,
    },
}


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS[type(estimator)]


def _ptr_regressor():
    return PTRCNNRegressor(
        max_epochs=10,
        batch_size=32,
        lr=1e-2,
        module__n_filters=8,
        module__hidden_units=16,
        random_state=0,
    )


def _ptr_classifier():
    return PTRCNNClassifier(
        max_epochs=10,
        batch_size=32,
        lr=1e-2,
        module__n_filters=8,
        module__hidden_units=16,
        random_state=0,
    )


def _seq2seq_regressor():
    return SPTSeq2SeqRegressor(
        max_epochs=40,
        batch_size=32,
        lr=1e-2,
        module__hidden_size=16,
        module__num_layers=1,
        module__num_heads=2,
        module__conv1d_channels=2,
        module__dropout=0.0,
        random_state=0,
    )


ESTIMATORS = [_ptr_regressor(), _seq2seq_regressor(), _ptr_classifier()]


def _check_name(check):
    return getattr(check, "func", check).__name__


# Checks whose float64 tolerance is replaced by FLOAT32_TOLERANCE (see above).
FLOAT32_CHECKS = {"check_methods_subset_invariance"}
FLOAT32_TOLERANCE = 8 * float(np.finfo(np.float32).eps)  # about 1e-6


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check, monkeypatch):
    if _check_name(check) in FLOAT32_CHECKS:
        float32_allclose = functools.partial(
            sklearn_checks.assert_allclose, rtol=FLOAT32_TOLERANCE, atol=FLOAT32_TOLERANCE
        )

        def assert_allclose(actual, desired, rtol=None, atol=None, **kwargs):
            return float32_allclose(actual, desired, **kwargs)

        monkeypatch.setattr(sklearn_checks, "assert_allclose", assert_allclose)
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda est: type(est).__name__)
def test_special_cases_name_checks_that_run(estimator):
    # A renamed or dropped sklearn check would leave a stale entry that does
    # nothing; strict xfail only catches entries whose check still runs.
    names = {_check_name(check) for _, check in estimator_checks_generator(estimator)}
    stale = (set(EXPECTED_FAILED_CHECKS[type(estimator)]) | FLOAT32_CHECKS) - names
    assert not stale, f"{type(estimator).__name__}: no such check {sorted(stale)}"
