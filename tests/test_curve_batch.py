"""CurveBatch: encoded curves that scikit-learn splits by curve."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from sklearn.model_selection import KFold, cross_val_score, train_test_split

from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
from skmat.encoders import CurveBatch


def encoded(n=24, m=20, seed=0):
    rng = np.random.default_rng(seed)
    loads = rng.uniform(100, 900, (n, 1)) * np.sin(np.linspace(0, np.pi, m)) ** 2
    X = np.column_stack([loads, rng.uniform(0.4, 0.6, n)])
    return GramianAngularFieldEncoder(8, n_conditions=1).fit_transform(X), loads[:, ::4]


def test_encoder_returns_a_curve_batch():
    batch, _ = encoded()
    assert isinstance(batch, CurveBatch) and isinstance(batch, dict)
    assert len(batch) == 24 and batch.shape == (24,)
    assert sorted(batch.keys()) == ["conditions", "image", "sequence"]


@pytest.mark.parametrize(
    "key", [np.array([3, 1, 5]), [3, 1, 5], slice(2, 9, 3), np.arange(24) % 5 == 0, (np.array([0, 4]), Ellipsis)]
)
def test_indexing_selects_curves_in_every_entry(key):
    batch, _ = encoded()
    part = batch[key]
    rows = key[0] if isinstance(key, tuple) else (np.asarray(key) if isinstance(key, list) else key)
    assert isinstance(part, CurveBatch)
    for name in batch.keys():
        np.testing.assert_array_equal(part[name], batch[name][rows])


def test_integer_index_is_one_curve():
    batch, _ = encoded()
    row = batch[2]
    assert row["sequence"].shape == (8,) and row["image"].shape == (1, 8, 8)


def test_rows_must_agree():
    with pytest.raises(ValueError, match="one row per curve"):
        CurveBatch(sequence=np.zeros((3, 4)), conditions=np.zeros((2, 1)))


def test_sklearn_splitters_accept_encoded_curves():
    batch, y = encoded()
    X_train, X_test, y_train, y_test = train_test_split(batch, y, test_size=0.25, random_state=0)
    assert len(X_train) == 18 and len(X_test) == 6 and len(y_train) == 18
    model = SPTSeq2SeqRegressor(max_epochs=2, module__hidden_size=8, module__num_layers=1, module__num_heads=2,
                                verbose=0, random_state=0)
    scores = cross_val_score(model, batch, y, cv=KFold(3))
    assert scores.shape == (3,) and np.isfinite(scores).all()


def test_pickles_as_a_curve_batch():
    batch, _ = encoded()
    again = pickle.loads(pickle.dumps(batch))
    assert isinstance(again, CurveBatch) and len(again) == len(batch)
    np.testing.assert_array_equal(again["image"], batch["image"])
