"""scikit-learn API conventions for every encoder, run on formula data.

The encoders declare ``input_tags.two_d_array = False`` and ``string = True``,
so ``parametrize_with_checks`` would run no common check at all. Instead:

* the estimator-generic checks of ``sklearn.utils.estimator_checks`` that do
  not feed numeric data are run directly, from one table (``SKLEARN_CHECKS``);
* the checks that need a numeric 2-D ``X`` are listed in ``SKIPPED_CHECKS``
  with the reason, and the property each one guards is tested below on
  formulas instead (``test_*`` functions after the table;
  ``test_relocated_tests.py`` checks that every test named there exists);
* one row of ``ESTIMATORS`` per estimator, with the checks skipped for that
  estimator alone, if any.
"""

from __future__ import annotations

import copy
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks as ec
from sklearn.utils import get_tags
from sklearn.utils.validation import check_is_fitted
from transformer_contract import (
    CHECKS_FOR_ANY_INPUT,
    assert_fit_is_idempotent,
    assert_fit_transform_equals_fit_then_transform,
    assert_rows_are_transformed_independently,
    assert_transform_does_not_change_state,
)

from skmat import MendeleevLineEncoder, PeriodicTableEncoder, RandomTableEncoder

FORMULAS = ["Co2MnSi", "Fe2TiAl", "Ta(MnB2)2", "Cu2 Mn Al", "Ni2MnGa", "Co2FeSi"]

# One row per estimator: an id, the instance, and checks skipped for it alone.
ESTIMATORS = [
    ("PeriodicTableEncoder", PeriodicTableEncoder(), {}),
    ("PeriodicTableEncoder-full-flat", PeriodicTableEncoder(layout="full", output="flat"), {}),
    ("PeriodicTableEncoder-fraction-x20",
     PeriodicTableEncoder(amounts="fraction", scale=20.0, absent_value=-0.1), {}),
    ("RandomTableEncoder", RandomTableEncoder(random_state=0), {}),
    ("RandomTableEncoder-full-flat",
     RandomTableEncoder(layout="full", random_state=1, output="flat"), {}),
    ("MendeleevLineEncoder", MendeleevLineEncoder(), {}),
    ("MendeleevLineEncoder-random-all",
     MendeleevLineEncoder(order="random", elements="all", random_state=0, output="flat"), {}),
]
ESTIMATOR_IDS = [row[0] for row in ESTIMATORS]

SKLEARN_CHECKS = CHECKS_FOR_ANY_INPUT

_NUMERIC = "feeds a numeric 2-D X (make_blobs & co.), not a column of formulas"
# Checks that cannot run on a formula encoder, with the reason; where the
# property still matters, the test that covers it on formulas is named.
SKIPPED_CHECKS = {
    "check_estimators_overwrite_params": f"{_NUMERIC}; see test_fit_does_not_change_params",
    "check_dont_overwrite_parameters": f"{_NUMERIC}; see test_fit_sets_only_trailing_underscore_attributes",
    "check_estimators_fit_returns_self": f"{_NUMERIC}; see test_fit_returns_self",
    "check_estimators_unfitted": "only looks at predict/decision_function, which encoders lack; "
                                 "see test_transform_before_fit_raises_not_fitted",
    "check_fit_check_is_fitted": f"{_NUMERIC}; see test_check_is_fitted_after_fit",
    "check_estimators_pickle": f"{_NUMERIC}; see test_pickle_round_trip",
    "check_fit_idempotent": f"{_NUMERIC}; see test_fit_is_idempotent",
    "check_dict_unchanged": f"{_NUMERIC}; see test_transform_does_not_change_state",
    "check_methods_subset_invariance": f"{_NUMERIC}; see test_rows_are_encoded_independently",
    "check_methods_sample_order_invariance": f"{_NUMERIC}; see test_rows_are_encoded_independently",
    "check_n_features_in": f"{_NUMERIC}; see test_n_features_in_and_feature_names_in",
    "check_transformer_general": f"{_NUMERIC}; see test_fit_transform_equals_fit_then_transform",
    "check_transformer_data_not_an_array": f"{_NUMERIC}; input kinds are in test_encoders.py",
    "check_transformer_preserve_dtypes": "output is float32 by design whatever the input "
                                         "(it is a CNN input), input is strings",
    "check_estimators_dtypes": f"{_NUMERIC}",
    "check_dtype_object": "feeds numbers as an object array; strings are the only valid input",
    "check_f_contiguous_array_estimator": f"{_NUMERIC}",
    "check_inplace_ensure_writeable": f"{_NUMERIC}",
    "check_readonly_memmap_input": f"{_NUMERIC}",
    "check_pipeline_consistency": f"{_NUMERIC}; see test_encoders.py::test_pipeline_and_grid_search",
    "check_fit2d_predict1d": f"{_NUMERIC}",
    "check_fit2d_1sample": "expects sklearn's 'n_samples=1' error; one formula is a valid input",
    "check_fit1d": "expects a ValueError for 1-D X; a 1-D column of formulas is the main input",
    "check_estimators_nan_inf": "numeric NaN/inf; missing formulas are tested in test_formula.py",
    "check_estimators_empty_data_messages": "expects sklearn's wording; empty input is "
                                            "tested in test_encoders.py::test_bad_input_kinds_raise",
    "check_complex_data": "complex numbers are never formulas; tested as non-strings in test_formula.py",
    "check_transformers_unfitted_stateless": "the encoders are stateful (requires_fit=True)",
    "check_positive_only_tag_during_fit": f"{_NUMERIC}",
    "check_estimator_sparse_array": "sparse numeric input; formulas are strings",
    "check_estimator_sparse_matrix": "sparse numeric input; formulas are strings",
    "check_estimator_sparse_tag": "sparse numeric input; formulas are strings",
    "check_requires_y_none": f"{_NUMERIC}",
    "check_fit_score_takes_y": f"{_NUMERIC}; fit(X, y) accepting y is in test_fit_returns_self",
    "check_transformer_get_feature_names_out": "returns at once for two_d_array=False; see "
                                               "test_get_feature_names_out",
    "check_transformer_get_feature_names_out_pandas": "returns at once for two_d_array=False; see "
                                                      "test_get_feature_names_out",
    "check_dataframe_column_names_consistency": "returns at once for two_d_array=False; see "
                                                "test_n_features_in_and_feature_names_in",
    "check_n_features_in_after_fitting": "returns at once for two_d_array=False",
    "check_set_output_transform": "returns at once for two_d_array=False; see "
                                  "test_encoders.py::test_flat_output_follows_set_output_in_transform_and_fit_transform",
}

ALL_CHECK_NAMES = [c.__name__ for c in SKLEARN_CHECKS] + list(SKIPPED_CHECKS)


def test_check_names_exist_in_installed_sklearn():
    for name in ALL_CHECK_NAMES:
        assert hasattr(ec, name), f"{name} is gone from sklearn.utils.estimator_checks"
    assert len(set(ALL_CHECK_NAMES)) == len(ALL_CHECK_NAMES)
    for _, _, skipped in ESTIMATORS:
        assert set(skipped) <= {c.__name__ for c in SKLEARN_CHECKS}


@pytest.mark.parametrize("estimator_id, estimator, skipped", ESTIMATORS, ids=ESTIMATOR_IDS)
@pytest.mark.parametrize("check", SKLEARN_CHECKS, ids=lambda c: c.__name__)
def test_sklearn_check(estimator_id, estimator, skipped, check):
    if check.__name__ in skipped:
        pytest.skip(skipped[check.__name__])
    with warnings.catch_warnings():
        # check_set_params warns when set_params validates; ours never does.
        warnings.simplefilter("error", UserWarning)
        check(type(estimator).__name__, estimator)


# --------------------------------------------------------------------------
# The properties behind the skipped checks, on formulas
# --------------------------------------------------------------------------

parametrize_estimators = pytest.mark.parametrize(
    "estimator", [row[1] for row in ESTIMATORS], ids=ESTIMATOR_IDS
)


@parametrize_estimators
def test_tags(estimator):
    tags = get_tags(estimator)
    assert tags.input_tags.string is True
    assert tags.input_tags.two_d_array is False
    assert tags.requires_fit is True
    assert tags.transformer_tags is not None
    assert not is_regressor(estimator)


@parametrize_estimators
def test_fit_returns_self(estimator):
    est = clone(estimator)
    assert est.fit(FORMULAS) is est
    assert est.fit(FORMULAS, y=np.arange(len(FORMULAS))) is est
    assert est.fit(FORMULAS, None) is est


@parametrize_estimators
def test_fit_does_not_change_params(estimator):
    est = clone(estimator)
    before = copy.deepcopy(est.get_params())
    est.fit(FORMULAS)
    est.transform(FORMULAS)
    after = est.get_params()
    assert set(after) == set(before)
    for name, value in before.items():
        assert joblib.hash(after[name]) == joblib.hash(value), name


@parametrize_estimators
def test_fit_sets_only_trailing_underscore_attributes(estimator):
    est = clone(estimator)
    public_before = {k: v for k, v in vars(est).items() if not k.startswith("_")}
    est.fit(FORMULAS)
    public_after = {k: v for k, v in vars(est).items() if not k.startswith("_")}
    added = set(public_after) - set(public_before)
    assert added, "fit must set fitted attributes"
    assert all(k.endswith("_") for k in added), added
    assert {"layout_", "image_shape_", "n_features_in_"} <= added
    for k, v in public_before.items():
        assert public_after[k] is v, f"fit replaced the parameter {k}"


@parametrize_estimators
def test_transform_before_fit_raises_not_fitted(estimator):
    est = clone(estimator)
    with pytest.raises(NotFittedError):
        est.transform(FORMULAS)
    with pytest.raises(NotFittedError):
        est.get_feature_names_out()
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


@parametrize_estimators
def test_check_is_fitted_after_fit(estimator):
    est = clone(estimator).fit(FORMULAS)
    check_is_fitted(est)
    check_is_fitted(est, "layout_")


@parametrize_estimators
def test_clone_gives_equal_params_and_an_unfitted_copy(estimator):
    fitted = clone(estimator).fit(FORMULAS)
    cloned = clone(fitted)
    assert cloned is not fitted
    assert cloned.get_params() == fitted.get_params()
    assert not hasattr(cloned, "layout_")
    with pytest.raises(NotFittedError):
        cloned.transform(FORMULAS)
    np.testing.assert_array_equal(cloned.fit_transform(FORMULAS), fitted.transform(FORMULAS))


@parametrize_estimators
def test_pickle_round_trip(estimator):
    est = clone(estimator).fit(FORMULAS)
    expected = est.transform(FORMULAS)
    restored = pickle.loads(pickle.dumps(est))
    assert type(restored) is type(est)
    assert restored.get_params() == est.get_params()
    np.testing.assert_array_equal(restored.transform(FORMULAS), expected)
    np.testing.assert_array_equal(restored.get_feature_names_out(), est.get_feature_names_out())
    assert restored.image_shape_ == est.image_shape_
    # Unfitted estimators pickle too.
    assert pickle.loads(pickle.dumps(clone(estimator))).get_params() == estimator.get_params()


@parametrize_estimators
def test_fit_is_idempotent(estimator):
    est, first = assert_fit_is_idempotent(estimator, FORMULAS)
    # Fitting on other formulas changes nothing: the layout comes from params.
    np.testing.assert_array_equal(est.fit(["Fe"]).transform(FORMULAS), first)


@parametrize_estimators
def test_fit_transform_equals_fit_then_transform(estimator):
    assert_fit_transform_equals_fit_then_transform(estimator, FORMULAS)


@parametrize_estimators
def test_transform_does_not_change_state(estimator):
    assert_transform_does_not_change_state(estimator, FORMULAS)


@parametrize_estimators
def test_rows_are_encoded_independently(estimator):
    assert_rows_are_transformed_independently(estimator, FORMULAS)


@parametrize_estimators
def test_n_features_in_and_feature_names_in(estimator):
    est = clone(estimator).fit(pd.DataFrame({"composition": FORMULAS}))
    assert est.n_features_in_ == 1
    np.testing.assert_array_equal(est.feature_names_in_, ["composition"])
    est.fit(FORMULAS)
    assert est.n_features_in_ == 1
    assert not hasattr(est, "feature_names_in_")


@parametrize_estimators
def test_get_feature_names_out(estimator):
    est = clone(estimator).fit(FORMULAS)
    names = est.get_feature_names_out()
    n_cells = int(np.prod(est.image_shape_))
    assert len(names) == n_cells
    assert len(set(names)) == n_cells
    assert all(isinstance(n, str) for n in names)
    # input_features is checked as scikit-learn does: one name, the fitted one if any.
    np.testing.assert_array_equal(est.get_feature_names_out(["formula"]), names)
    flat = clone(estimator).set_params(output="flat").fit_transform(FORMULAS)
    assert flat.shape == (len(FORMULAS), n_cells)


@parametrize_estimators
def test_repr_and_set_params_round_trip(estimator):
    est = clone(estimator)
    assert type(est).__name__ in repr(est)
    params = est.get_params()
    est.set_params(scale=3.0)
    assert est.get_params()["scale"] == 3.0
    est.set_params(**params)
    assert est.get_params() == params
