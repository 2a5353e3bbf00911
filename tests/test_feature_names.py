"""``feature_names_in_`` as scikit-learn sets and checks it, for every skmat estimator.

Fitted on a DataFrame with string column names, each estimator keeps the
names and, on transform / predict, raises scikit-learn's ``ValueError`` for
other names and gives its ``UserWarning`` for input without names (and the
reverse). Fitted on lists, arrays or dicts it has no ``feature_names_in_``.
Saved models and pipelines keep the names.
"""

from __future__ import annotations

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import check_dataframe_column_names_consistency

from skmat import (
    GramianAngularFieldEncoder,
    MendeleevLineEncoder,
    PeriodicTableEncoder,
    PTRCNNClassifier,
    PTRCNNRegressor,
    RandomTableEncoder,
    SPTInverseFitRegressor,
    SPTSeq2SeqRegressor,
)
from skmat.datasets import make_small_punch_test
from skmat.models import CurveMLP, GRUSeq2Seq, load_pipeline, save_pipeline
from skmat.preprocessing import CurveResampler

MISMATCH = "The feature names should match those that were passed during fit"
LOST_NAMES = "X does not have valid feature names, but {} was fitted with feature names"
NEW_NAMES = "X has feature names, but {} was fitted without feature names"

FORMULAS = ["Co2MnSi", "Fe2TiAl", "Cu2MnAl", "Ni2MnGa", "Co2FeSi", "Fe2VAl"]
RNG = np.random.default_rng(0)
FLAT = RNG.random((16, 16))  # under 20 rows: no collapse check on these one-epoch fits
FLAT_COLUMNS = [f"cell_{j}" for j in range(16)]



def reloaded_pipeline(model):
    """``model`` after a round trip through save_pipeline / load_pipeline."""
    buffer = io.BytesIO()
    save_pipeline(model, buffer)
    buffer.seek(0)
    return load_pipeline(buffer)

def frame(values, prefix):
    return pd.DataFrame(values, columns=[f"{prefix}{j}" for j in range(np.shape(values)[1])])


def no_warning(call, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call(*args)


def assert_names_checked(method, X_frame, renamed, bare, name):
    """Same names pass silently; other names raise; no names warn."""
    no_warning(method, X_frame)
    with pytest.raises(ValueError, match=MISMATCH):
        method(renamed)
    with pytest.warns(UserWarning, match=LOST_NAMES.format(name)):
        method(bare)


def assert_names_kept(original, restored):
    assert isinstance(restored.feature_names_in_, np.ndarray)
    assert restored.feature_names_in_.dtype == object
    assert all(isinstance(n, str) for n in restored.feature_names_in_)
    np.testing.assert_array_equal(restored.feature_names_in_, original.feature_names_in_)


# -- formula encoders ---------------------------------------------------------

ENCODERS = [PeriodicTableEncoder(), MendeleevLineEncoder(), RandomTableEncoder(random_state=0)]


@pytest.mark.parametrize("encoder", ENCODERS, ids=lambda e: type(e).__name__)
def test_formula_encoders_check_the_column_name(encoder):
    fitted = encoder.fit(pd.DataFrame({"formula": FORMULAS}))
    np.testing.assert_array_equal(fitted.feature_names_in_, ["formula"])
    assert_names_checked(fitted.transform, pd.DataFrame({"formula": FORMULAS}),
                         pd.DataFrame({"composition": FORMULAS}), FORMULAS, type(encoder).__name__)
    # A Series has no feature names for scikit-learn either.
    with pytest.warns(UserWarning, match=LOST_NAMES.format(type(encoder).__name__)):
        fitted.transform(pd.Series(FORMULAS, name="formula"))
    for bare in (FORMULAS, np.array(FORMULAS, dtype=object)[:, None], pd.Series(FORMULAS, name="formula"),
                 pd.DataFrame({0: FORMULAS})):  # a non-string column name is no feature name
        refitted = encoder.fit(bare)
        assert not hasattr(refitted, "feature_names_in_")
        no_warning(refitted.transform, FORMULAS)
    with pytest.warns(UserWarning, match=NEW_NAMES.format(type(encoder).__name__)):
        refitted.transform(pd.DataFrame({"formula": FORMULAS}))


def test_encoder_names_survive_a_pipeline_file():
    y = np.arange(len(FORMULAS), dtype=float)
    X = pd.DataFrame({"formula": FORMULAS})
    model = make_pipeline(PeriodicTableEncoder(output="flat"),
                          PTRCNNRegressor(max_epochs=1, module__n_filters=2, module__hidden_units=4,
                                          verbose=0, random_state=0)).fit(X, y)
    restored = reloaded_pipeline(model)
    assert_names_kept(model[0], restored[0])
    np.testing.assert_array_equal(no_warning(restored.predict, X), model.predict(X))
    with pytest.raises(ValueError, match=MISMATCH):
        restored.predict(X.rename(columns={"formula": "composition"}))


# -- curve transformers -------------------------------------------------------


def test_gaf_encoder_checks_column_names():
    curves = frame(RNG.random((5, 12)), "d")
    encoder = GramianAngularFieldEncoder(6).fit(curves)
    np.testing.assert_array_equal(encoder.feature_names_in_, curves.columns)
    assert_names_checked(encoder.transform, curves, frame(curves.to_numpy(), "x"),
                         curves.to_numpy(), "GramianAngularFieldEncoder")
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        encoder.transform(curves[curves.columns[::-1]])
    assert not hasattr(encoder.fit(curves.to_numpy()), "feature_names_in_")


def test_curve_resampler_checks_column_names():
    x = np.linspace(0.0, 2.0, 9)
    curves = pd.DataFrame({"displacement": [x, x + 0.1], "force": [x**2, 3 * x]})
    resampler = CurveResampler(n_points=5).fit(curves)
    np.testing.assert_array_equal(resampler.feature_names_in_, ["displacement", "force"])
    pairs = list(zip(curves["displacement"], curves["force"]))
    assert_names_checked(resampler.transform, curves,
                         curves.rename(columns={"force": "load"}), pairs, "CurveResampler")
    # Columns are read by position: swapped columns would swap x and y.
    with pytest.raises(ValueError, match="Feature names must be in the same order"):
        resampler.transform(curves[["force", "displacement"]])
    assert not hasattr(resampler.fit(pairs), "feature_names_in_")
    assert not hasattr(resampler, "n_features_in_")


# -- networks -----------------------------------------------------------------


def _ptr_regressor():
    return PTRCNNRegressor(max_epochs=1, module__n_filters=2, module__hidden_units=4, verbose=0, random_state=0)


def _ptr_classifier():
    return PTRCNNClassifier(max_epochs=1, module__n_filters=2, module__hidden_units=4, verbose=0, random_state=0)


@pytest.mark.parametrize("make, y", [(_ptr_regressor, FLAT.sum(axis=1)),
                                      (_ptr_classifier, FLAT[:, 0] > 0.5)], ids=["regressor", "classifier"])
def test_ptr_networks_check_column_names_and_save_them(make, y):
    X = pd.DataFrame(FLAT, columns=FLAT_COLUMNS)
    net = make().fit(X, y)
    name = type(net).__name__
    np.testing.assert_array_equal(net.feature_names_in_, FLAT_COLUMNS)
    assert net.n_features_in_ == 16
    assert_names_checked(net.predict, X, frame(FLAT, "x"), FLAT, name)
    buffer = io.BytesIO()
    net.save(buffer)
    buffer.seek(0)
    restored = type(net).load(buffer)
    assert_names_kept(net, restored)
    np.testing.assert_array_equal(no_warning(restored.predict, X), net.predict(X))
    with pytest.raises(ValueError, match=MISMATCH):
        restored.predict(frame(FLAT, "x"))
    # Refitted on an array: no names any more, and a DataFrame gets sklearn's warning.
    refitted = net.fit(FLAT, y)
    assert not hasattr(refitted, "feature_names_in_")
    with pytest.warns(UserWarning, match=NEW_NAMES.format(name)):
        refitted.predict(X)


def test_ptr_networks_images_have_no_names():
    images = FLAT.reshape(16, 1, 4, 4)
    net = _ptr_regressor().fit(images, FLAT.sum(axis=1))
    assert not hasattr(net, "feature_names_in_")
    no_warning(net.predict, images)


@pytest.fixture(scope="module")
def spt():
    return make_small_punch_test(24, random_state=0)


@pytest.mark.parametrize("module", [None, CurveMLP, GRUSeq2Seq], ids=["GAFSeq2Seq", "CurveMLP", "GRUSeq2Seq"])
def test_spt_regressor_checks_curve_column_names_and_saves_them(spt, module):
    sizes = {None: dict(module__hidden_size=4, module__num_layers=1, module__num_heads=2,
                        module__conv1d_channels=2),
             CurveMLP: dict(module=CurveMLP, module__hidden_sizes=(4,)),
             GRUSeq2Seq: dict(module=GRUSeq2Seq, module__conv1d_channels=2, module__hidden_size=4,
                              module__num_layers=1)}[module]
    X = frame(spt.data, "force_")
    net = SPTSeq2SeqRegressor(max_epochs=1, verbose=0, random_state=0, **sizes).fit(X, spt.target)
    np.testing.assert_array_equal(net.feature_names_in_, X.columns)
    assert net.n_features_in_ == len(X.columns)
    assert_names_checked(net.predict, X, frame(spt.data, "f"), spt.data, "SPTSeq2SeqRegressor")
    buffer = io.BytesIO()
    net.save(buffer)
    buffer.seek(0)
    restored = SPTSeq2SeqRegressor.load(buffer)
    assert_names_kept(net, restored)
    np.testing.assert_array_equal(no_warning(restored.predict, X), net.predict(X))
    # A dict (the encoder's output, or written by hand) has no names: refitting drops them.
    refitted = net.fit({"sequence": spt.data}, spt.target)
    assert not hasattr(refitted, "feature_names_in_")
    no_warning(refitted.predict, {"sequence": spt.data})


def test_gaf_pipeline_file_keeps_the_encoder_names(spt):
    X = frame(spt.data, "force_")
    model = make_pipeline(GramianAngularFieldEncoder(8),
                          SPTSeq2SeqRegressor(max_epochs=1, module__hidden_size=4, module__num_layers=1,
                                              module__num_heads=2, module__conv1d_channels=2,
                                              module__conv2d_channels=2, verbose=0, random_state=0))
    model.fit(X, spt.target)
    assert not hasattr(model[-1], "feature_names_in_")  # it reads the encoder's dict
    restored = reloaded_pipeline(model)
    assert_names_kept(model[0], restored[0])
    np.testing.assert_array_equal(no_warning(restored.predict, X), model.predict(X))
    with pytest.raises(ValueError, match=MISMATCH):
        restored.predict(frame(spt.data, "f"))


def test_inverse_fit_checks_column_names(spt):
    table = np.column_stack([spt.data[:2], spt.params["thickness"][:2]])
    X = frame(table, "c")
    model = SPTInverseFitRegressor().fit(X)
    np.testing.assert_array_equal(model.feature_names_in_, X.columns)
    with pytest.raises(ValueError, match=MISMATCH):
        model.predict(frame(table, "x"))
    with pytest.warns(UserWarning, match=LOST_NAMES.format("SPTInverseFitRegressor")):
        model.fit_parameters(table)
    refitted = model.fit({"sequence": spt.data[:2], "conditions": spt.params["thickness"][:2]})
    assert not hasattr(refitted, "feature_names_in_")


@pytest.mark.parametrize("estimator", [
    _ptr_regressor(),
    _ptr_classifier(),
    SPTSeq2SeqRegressor(max_epochs=1, module__hidden_size=4, module__num_layers=1, module__num_heads=2,
                        module__conv1d_channels=2, verbose=0, random_state=0),
    GramianAngularFieldEncoder(),
], ids=lambda e: type(e).__name__)
def test_sklearn_column_names_check(estimator):
    """scikit-learn's own check (not among those parametrize_with_checks runs here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the check's tiny fits may collapse
        check_dataframe_column_names_consistency(type(estimator).__name__, estimator)


# -- image shapes -------------------------------------------------------------


def test_image_shape_mismatch_names_the_shapes():
    images = FLAT.reshape(16, 1, 4, 4)
    net = _ptr_regressor().fit(np.tile(images, (1, 1, 2, 1)), FLAT.sum(axis=1))  # (1, 8, 4)
    with pytest.raises(ValueError, match=r"height x width 4 x 8, but PTRCNNRegressor was fitted on 8 x 4"):
        net.predict(np.zeros((2, 1, 4, 8)))
    with pytest.raises(ValueError, match=r"X has 2 channels, but PTRCNNRegressor was fitted on 1"):
        net.predict(np.zeros((2, 2, 4, 4)))
    with pytest.raises(ValueError, match=r"X has 16 features, but PTRCNNRegressor is expecting 32 features"):
        net.predict(images)
    classifier = _ptr_classifier().fit(images, FLAT[:, 0] > 0.5)
    with pytest.raises(ValueError, match=r"X has images of height x width 1 x 16, but PTRCNNClassifier"):
        classifier.predict(FLAT)
