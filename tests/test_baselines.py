"""Kernel ridge baselines run through the same Pipeline / cross_validate harness."""

import numpy as np
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.kernel_ridge import KernelRidge
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmat import MendeleevLineEncoder, PeriodicTableEncoder
from skmat.datasets import load_oqmd_heusler


@pytest.fixture(scope="module")
def data():
    X, y = load_oqmd_heusler(subset="paper", outliers="drop", return_X_y=True)
    index = np.random.default_rng(0).permutation(len(X))[:900]
    return X[index], y[index]


@pytest.mark.parametrize(
    "encoder",
    [MendeleevLineEncoder(output="flat"), PeriodicTableEncoder(output="flat")],
    ids=["mendeleev-line", "flat-table"],
)
def test_kernel_ridge_beats_the_mean(data, encoder):
    X, y = data
    model = Pipeline([
        ("encode", encoder),
        ("krr", TransformedTargetRegressor(KernelRidge(kernel="laplacian", alpha=0.01, gamma=0.03),
                                           transformer=StandardScaler())),
    ])
    result = cross_validate(model, X, y, cv=KFold(3), scoring="neg_mean_absolute_error",
                            return_estimator=True)
    mean_baseline = np.mean([np.abs(y - y.mean(axis=0)).mean()])
    assert -result["test_score"].mean() < 0.7 * mean_baseline
    fitted = result["estimator"][0].named_steps["encode"]
    assert len(fitted.get_feature_names_out()) == fitted.transform(X[:1]).shape[1]
