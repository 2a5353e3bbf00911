"""A fit whose training loss becomes NaN or infinite stops with an error instead of returning NaN predictions."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV

from skmat import PTRCNNRegressor, SPTSeq2SeqRegressor
from skmat.models import NonFiniteLossError, PTRCNNClassifier

RNG = np.random.default_rng(0)
X = RNG.random((40, 16))
SMALL_PTR = dict(module__n_filters=4, module__hidden_units=8, verbose=0, random_state=0)
SMALL_S2S = dict(module__hidden_size=8, module__num_layers=1, module__num_heads=2, verbose=0, random_state=0)

CASES = {
    "regressor": (PTRCNNRegressor, SMALL_PTR, np.arange(40.0)),
    "classifier": (PTRCNNClassifier, SMALL_PTR, np.arange(40) > 20),
    "seq2seq": (SPTSeq2SeqRegressor, SMALL_S2S, np.cumsum(X, axis=1)[:, ::4]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_diverging_fit_names_the_epoch_and_suggests_a_lower_lr(name):
    cls, params, y = CASES[name]
    with pytest.raises(NonFiniteLossError, match=r"loss became (nan|inf) at epoch \d+, batch \d+.*lower lr"):
        cls(lr=1e6, max_epochs=5, **params).fit(X, y)


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_ordinary_fit_is_not_stopped(name):
    cls, params, y = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the collapse warning is not what this test is about
        model = cls(max_epochs=2, **params).fit(X, y)
    assert np.isfinite(model.predict(X).astype(float)).all()


def test_the_check_can_be_switched_off():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = PTRCNNRegressor(lr=1e6, max_epochs=3, callbacks__finite_loss=None, **SMALL_PTR)
        model.fit(X, np.arange(40.0))
    assert np.isnan(model.predict(X)).all()


def test_a_grid_search_reports_the_diverging_fit():
    search = GridSearchCV(PTRCNNRegressor(max_epochs=3, **SMALL_PTR), {"lr": [1e-3, 1e6]}, cv=2,
                          error_score="raise")
    with pytest.raises(NonFiniteLossError, match="lr=1e\\+06"):
        search.fit(X, np.arange(40.0))


def test_it_is_a_floating_point_error():
    assert issubclass(NonFiniteLossError, FloatingPointError)
