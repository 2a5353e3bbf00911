"""PretrainedFeatures: a pretrained network's learned representation as features for scikit-learn models."""

from __future__ import annotations

import copy
import io

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.pipeline import FeatureUnion, Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skmat import FormulaError, load_pretrained
from skmat.models import PretrainedFeatures, load_pipeline, save_pipeline

FORMULAS = ["Fe2O3", "NaCl", "MgO", "Al2O3", "SiO2", "GaAs", "ZnO", "TiO2"]
TARGET = [2.0, 8.5, 7.8, 8.8, 9.0, 1.4, 3.4, 3.2]


@pytest.fixture(scope="module")
def user_network():
    """A fitted pipeline (encoder + network) a user holds; the tests check it is never changed."""
    return load_pretrained("oqmd")


@pytest.fixture(scope="module")
def hidden():
    return PretrainedFeatures().fit(FORMULAS).transform(FORMULAS)


@pytest.mark.parametrize(
    "layer, width, name",
    [("hidden", 192, "oqmd_hidden_0"), ("conv", 3360, "oqmd_conv_0"), (0, 192, "oqmd_hidden0_0"),
     (1, 192, "oqmd_hidden1_0")],
)
def test_shapes_and_names_per_layer(layer, width, name):
    features = PretrainedFeatures(layer=layer).fit(FORMULAS[:3])
    out = features.transform(FORMULAS[:3])
    assert out.shape == (3, width) and out.dtype == np.float32
    assert features.n_features_out_ == width and features.n_features_in_ == 1
    names = features.get_feature_names_out()
    assert len(names) == width and names[0] == name and len(set(names)) == width


def test_hidden_is_the_last_hidden_layer_after_its_activation(hidden):
    assert np.array_equal(PretrainedFeatures(layer=1).fit(FORMULAS).transform(FORMULAS), hidden)
    assert (hidden >= 0).all()  # after the ReLU
    first = PretrainedFeatures(layer=0).fit(FORMULAS).transform(FORMULAS)
    assert not np.array_equal(first, hidden)


def test_features_are_the_networks_own_activations(hidden, user_network):
    """The last hidden layer times the output layer is the network's (scaled) prediction."""
    module = copy.deepcopy(user_network[-1].module_).eval()  # in training mode it runs in bfloat16
    with torch.no_grad():
        output = module.predictor[-1](torch.from_numpy(hidden)).numpy()
        direct = module(torch.from_numpy(user_network[0].transform(FORMULAS))).numpy()
    np.testing.assert_allclose(output, direct, rtol=1e-5, atol=1e-5)


def test_deterministic(hidden):
    again = PretrainedFeatures().fit(["Fe2O3"])
    assert np.array_equal(again.transform(FORMULAS), hidden)
    assert np.array_equal(again.transform(FORMULAS), again.transform(FORMULAS))
    np.testing.assert_allclose(PretrainedFeatures(batch_size=3).fit(FORMULAS).transform(FORMULAS), hidden,
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(again.transform(FORMULAS[2:3])[0], hidden[2], rtol=1e-5, atol=1e-5)


def test_bad_layer_names_the_value():
    with pytest.raises(ValueError, match=r"'layer' parameter of PretrainedFeatures .* Got 'last' instead"):
        PretrainedFeatures(layer="last").fit(FORMULAS)
    with pytest.raises(ValueError, match=r"layer=7 is out of range: the network has 2 fully connected hidden "
                                         r"layers \(layer 0 to 1"):
        PretrainedFeatures(layer=7).fit(FORMULAS)
    with pytest.raises(ValueError, match=r"'layer' parameter .* Got -1 instead"):
        PretrainedFeatures(layer=-1).fit(FORMULAS)


def test_bad_network():
    with pytest.raises(ValueError, match=r"network='nope' is not a shipped composition network .*'oqmd'"):
        PretrainedFeatures(network="nope").fit(FORMULAS)
    with pytest.raises(ValueError, match="must be a fitted skmat network"):
        PretrainedFeatures(network=make_pipeline(StandardScaler())).fit(FORMULAS)
    with pytest.raises(NotFittedError):
        PretrainedFeatures().transform(FORMULAS)


def test_unseen_element_names_formula_and_row():
    features = PretrainedFeatures().fit(FORMULAS)
    with pytest.raises(FormulaError, match=r"Formula 'NeO2' at row 1 has element Ne, which the pretrained network "
                                           r"'oqmd' has not seen"):
        features.transform(["Fe2O3", "NeO2"])
    with pytest.raises(FormulaError, match=r"'Fe2Q' at row 2"):
        features.transform(["Fe2O3", "NaCl", "Fe2Q"])


def test_pipeline_with_gradient_boosting():
    model = make_pipeline(PretrainedFeatures(), HistGradientBoostingRegressor(max_iter=10, min_samples_leaf=2))
    predictions = model.fit(FORMULAS, TARGET).predict(["CuO", "NaCl"])
    assert predictions.shape == (2,) and np.isfinite(predictions).all()


def test_feature_union_and_column_transformer(hidden):
    length = FunctionTransformer(lambda X: np.array([[len(f)] for f in np.ravel(X)], dtype=float),
                                 feature_names_out=lambda transformer, names: np.array(["length"]))
    union = FeatureUnion([("ptr", PretrainedFeatures()), ("length", make_pipeline(length, StandardScaler()))])
    out = union.fit_transform(FORMULAS)
    assert out.shape == (8, 193)
    np.testing.assert_array_equal(out[:, :192], hidden)
    names = union.get_feature_names_out()
    assert names[0] == "ptr__oqmd_hidden_0" and names[-1] == "length__length"

    frame = pd.DataFrame({"formula": FORMULAS, "temperature": np.arange(8.0)})
    columns = ColumnTransformer([("ptr", PretrainedFeatures(), "formula"), ("rest", "passthrough", ["temperature"])])
    out = columns.fit_transform(frame)
    assert out.shape == (8, 193)
    np.testing.assert_array_equal(out[:, :192], hidden)
    by_list = ColumnTransformer([("ptr", PretrainedFeatures(), ["formula"])]).fit(frame)
    assert by_list.named_transformers_["ptr"].feature_names_in_.tolist() == ["formula"]
    np.testing.assert_array_equal(by_list.transform(frame), hidden)


def test_grid_search_over_layer_and_cross_validate():
    model = make_pipeline(PretrainedFeatures(), Ridge())
    search = GridSearchCV(model, {"pretrainedfeatures__layer": ["hidden", 0, "conv"]}, cv=2,
                          scoring="neg_mean_absolute_error").fit(FORMULAS, TARGET)
    assert search.best_params_["pretrainedfeatures__layer"] in ("hidden", 0, "conv")
    scores = cross_validate(model, np.array(FORMULAS, dtype=object), TARGET, cv=2)
    assert np.isfinite(scores["test_score"]).all()


def test_pandas_output(hidden):
    series = pd.Series(FORMULAS, index=[f"row{i}" for i in range(8)])
    out = PretrainedFeatures().set_output(transform="pandas").fit(series).transform(series)
    assert isinstance(out, pd.DataFrame) and list(out.index) == list(series.index)
    assert list(out.columns) == [f"oqmd_hidden_{j}" for j in range(192)]
    np.testing.assert_array_equal(out.to_numpy(), hidden)


def test_feature_names_in_follow_sklearn():
    frame = pd.DataFrame({"formula": FORMULAS})
    features = PretrainedFeatures().fit(frame)
    assert features.feature_names_in_.tolist() == ["formula"]
    assert features.get_feature_names_out(["formula"])[0] == "oqmd_hidden_0"
    with pytest.raises(ValueError, match="feature names should match"):
        features.transform(pd.DataFrame({"composition": FORMULAS}))
    assert not hasattr(PretrainedFeatures().fit(FORMULAS), "feature_names_in_")


def test_clone_keeps_the_network_fixed(user_network):
    features = PretrainedFeatures(network=user_network, layer=0, batch_size=4)
    copied = clone(features)
    assert copied.network is user_network  # not an unfitted clone of it
    assert copied.get_params() == features.get_params()
    assert "network__encode" not in features.get_params(deep=True)
    out = copied.fit(FORMULAS).transform(FORMULAS)
    np.testing.assert_array_equal(out, PretrainedFeatures(layer=0).fit(FORMULAS).transform(FORMULAS))
    assert copied.get_feature_names_out()[0] == "network_hidden0_0"
    assert not hasattr(clone(PretrainedFeatures().fit(FORMULAS)), "network_")


def test_user_pipeline_and_input_not_mutated(user_network):
    before = {key: value.clone() for key, value in user_network[-1].module_.state_dict().items()}
    params = user_network.get_params(deep=False)
    user_network[-1].module_.train()  # a network left in training mode stays so; the features are in eval mode
    formulas = list(FORMULAS)
    features = PretrainedFeatures(network=user_network).fit(formulas)
    out = features.transform(formulas)
    assert formulas == FORMULAS
    assert features.network_ is not user_network
    assert user_network[-1].module_.training
    user_network[-1].module_.eval()
    after = user_network[-1].module_.state_dict()
    assert all(torch.equal(before[key], after[key]) for key in before)
    assert user_network.get_params(deep=False) == params
    assert not any(module._forward_hooks or module._forward_pre_hooks for module in user_network[-1].module_.modules())
    np.testing.assert_array_equal(out, PretrainedFeatures().fit(formulas).transform(formulas))


def test_save_and_load_a_shipped_network_by_name():
    model = make_pipeline(PretrainedFeatures(layer=0), StandardScaler(), Ridge()).fit(FORMULAS, TARGET)
    buffer = io.BytesIO()
    save_pipeline(model, buffer)
    assert buffer.tell() < 100_000  # the name, not the 3 MB of weights
    buffer.seek(0)
    loaded = load_pipeline(buffer)
    assert np.array_equal(loaded.predict(["CuO", "NaCl"]), model.predict(["CuO", "NaCl"]))
    features = loaded[0]
    assert features.network == "oqmd" and features.layer == 0
    assert features.network_sha256_ == model[0].network_sha256_


def test_load_refuses_another_shipped_file():
    model = make_pipeline(PretrainedFeatures(), Ridge()).fit(FORMULAS, TARGET)
    stale = copy.deepcopy(model)
    stale[0].network_sha256_ = "0" * 64
    buffer = io.BytesIO()
    save_pipeline(stale, buffer)
    buffer.seek(0)
    with pytest.raises(ValueError, match=r"fitted with the shipped network 'oqmd' of SHA-256 000000000000.*Refit"):
        load_pipeline(buffer)


def test_saving_a_user_pipeline_network_is_refused(user_network):
    model = make_pipeline(PretrainedFeatures(network=user_network), Ridge()).fit(FORMULAS, TARGET)
    with pytest.raises(TypeError, match="network given as a Pipeline cannot be saved.*load_pipeline"):
        save_pipeline(model, io.BytesIO())


def test_a_network_with_a_learned_element_embedding_gives_its_features():
    """The embedding is the first layer of ``features``, so the layers read one by one are the network's own."""
    from skmat import PeriodicTableEncoder, PTRCNNRegressor

    encoder = PeriodicTableEncoder(layout="full", amounts="fraction", absent_value=0)
    network = make_pipeline(encoder, PTRCNNRegressor(max_epochs=2, module__n_filters=4, module__hidden_units=8,
                                                     module__element_embedding=3, random_state=0, verbose=0))
    network.fit(FORMULAS, TARGET)
    hidden = PretrainedFeatures(network=network).fit(FORMULAS).transform(FORMULAS)
    module = copy.deepcopy(network[-1].module_).eval()
    with torch.no_grad():
        output = module.predictor[-1](torch.from_numpy(hidden)).numpy()
        direct = module(torch.from_numpy(encoder.transform(FORMULAS))).numpy()
    np.testing.assert_allclose(output, direct, rtol=1e-5, atol=1e-5)
    conv = PretrainedFeatures(network=network, layer="conv").fit(FORMULAS)
    assert conv.n_features_out_ == 4 * 5 * 14  # the 9 x 18 image after the three convolutions, not the embedding
