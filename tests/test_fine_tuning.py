"""warm_start fine-tuning and freeze_features for the network regressors."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

from skmat import GramianAngularFieldEncoder, PTRCNNRegressor, SPTSeq2SeqRegressor
from skmat.models import CurveMLP


def line_data(n, shift, seed):
    rng = np.random.default_rng(seed)
    X = rng.random((n, 16))
    y = X @ np.linspace(1.0, 2.0, 16) + shift * X[:, :4].sum(axis=1)
    return X, y


def mae(model, X, y):
    return float(np.mean(np.abs(model.predict(X) - y)))


@pytest.fixture(scope="module")
def pretrained():
    X, y = line_data(400, 0.0, 0)
    return PTRCNNRegressor(max_epochs=20, batch_size=64, module__n_filters=8, module__hidden_units=16, lr=3e-3,
                           verbose=0, random_state=0).fit(X, y)


def test_warm_start_fine_tuning_reduces_error_on_a_shifted_set(pretrained):
    X_new, y_new = line_data(60, 3.0, 1)
    X_test, y_test = line_data(300, 3.0, 2)
    before = mae(pretrained, X_test, y_test)
    offset, scale = pretrained.target_offset_.copy(), pretrained.target_scale_.copy()
    weights = {k: v.clone() for k, v in pretrained.module_.state_dict().items()}
    buffer = io.BytesIO()
    pretrained.save(buffer)
    buffer.seek(0)
    tuned = PTRCNNRegressor.load(buffer, warm_start=True, max_epochs=15, lr=1e-3)
    tuned.fit(X_new, y_new)
    after = mae(tuned, X_test, y_test)
    assert after < 0.7 * before, (before, after)
    # The fitted scaling is kept, and training started from the pretrained weights.
    np.testing.assert_array_equal(tuned.target_offset_, offset)
    np.testing.assert_array_equal(tuned.target_scale_, scale)
    assert len(tuned.history) == len(pretrained.history) + 15
    # ... which the original model still has.
    for key, value in pretrained.module_.state_dict().items():
        assert torch.equal(value, weights[key])


def test_cold_fit_resets_scaling_and_weights(pretrained):
    X_new, y_new = line_data(60, 3.0, 1)
    buffer = io.BytesIO()
    pretrained.save(buffer)
    buffer.seek(0)
    cold = PTRCNNRegressor.load(buffer, max_epochs=1)
    cold.fit(X_new, y_new)
    assert cold.target_offset_[0] == pytest.approx(y_new.mean())
    assert len(cold.history) == 1


def test_freeze_features_keeps_the_convolutions_fixed(pretrained):
    X_new, y_new = line_data(60, 3.0, 1)
    buffer = io.BytesIO()
    pretrained.save(buffer)
    buffer.seek(0)
    tuned = PTRCNNRegressor.load(buffer, warm_start=True, freeze_features=True, max_epochs=3)
    before = {k: v.clone() for k, v in tuned.module_.state_dict().items()}
    tuned.fit(X_new, y_new)
    after = {k: v.clone() for k, v in tuned.module_.state_dict().items()}
    assert tuned.frozen_parameters_ and all(n.startswith("features.") for n in tuned.frozen_parameters_)
    for name in before:
        unchanged = torch.equal(before[name], after[name])
        assert unchanged == name.startswith("features."), name
    # Unfreezing on the next warm fit trains everything again.
    tuned.set_params(freeze_features=False, max_epochs=1).fit(X_new, y_new)
    assert tuned.frozen_parameters_ == []
    assert not torch.equal(after["features.0.weight"], tuned.module_.state_dict()["features.0.weight"])


def spt_data(n, shift, seed):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, 24)
    strength = rng.uniform(1.0, 2.0, (n, 1))
    loads = strength * 1000 * np.sin(np.pi * x) ** 2
    stress = (strength + shift) * 300 * np.linspace(0.2, 1, 7) ** 0.2
    return loads, stress


def test_spt_regressor_fine_tunes_with_frozen_convolutions():
    small = dict(module__hidden_size=8, module__num_layers=1, module__num_heads=2, module__conv1d_channels=2,
                 verbose=0, random_state=0, lr=5e-3)
    encoder = GramianAngularFieldEncoder(8).fit(spt_data(200, 0.0, 0)[0])
    X, y = spt_data(200, 0.0, 0)
    model = SPTSeq2SeqRegressor(max_epochs=30, **small).fit(encoder.transform(X), y)
    X_new, y_new = spt_data(40, 0.5, 1)
    X_test, y_test = spt_data(200, 0.5, 2)
    before = mae(model, encoder.transform(X_test), y_test)
    conv = model.module_.conv1d.convs[0].weight.detach().clone()
    model.set_params(warm_start=True, freeze_features=True, max_epochs=20).fit(encoder.transform(X_new), y_new)
    after = mae(model, encoder.transform(X_test), y_test)
    assert after < 0.7 * before, (before, after)
    assert torch.equal(conv, model.module_.conv1d.convs[0].weight)
    assert {n.split(".")[0] for n in model.frozen_parameters_} == {"conv1d", "conv2d"}


def test_freeze_features_by_name_and_errors():
    X, y = spt_data(30, 0.0, 0)
    model = SPTSeq2SeqRegressor(module__hidden_size=8, module__num_layers=1, module__num_heads=2,
                                max_epochs=1, verbose=0, random_state=0, freeze_features=["conv1d", "encoder"])
    model.fit(X, y)
    assert {n.split(".")[0] for n in model.frozen_parameters_} == {"conv1d", "encoder"}
    with pytest.raises(ValueError, match="not submodules of GAFSeq2Seq"):
        model.set_params(freeze_features=["conv3d"]).fit(X, y)
    with pytest.raises(ValueError, match="CurveMLP declares no feature extractor"):
        SPTSeq2SeqRegressor(module=CurveMLP, max_epochs=1, verbose=0, freeze_features=True).fit(X, y)
    with pytest.raises(ValueError, match="'freeze_features' parameter of SPTSeq2SeqRegressor must be .* Got 3"):
        SPTSeq2SeqRegressor(max_epochs=1, verbose=0, freeze_features=3).fit(X, y)


def test_freeze_features_without_the_gaf_branch():
    X, y = spt_data(30, 0.0, 0)
    model = SPTSeq2SeqRegressor(module__hidden_size=8, module__num_layers=1, module__num_heads=2, max_epochs=1,
                                verbose=0, random_state=0, module__use_gaf=False, freeze_features=True).fit(X, y)
    assert {n.split(".")[0] for n in model.frozen_parameters_} == {"conv1d"}


def test_a_learning_rate_set_for_fine_tuning_is_used():
    """set_params(lr=...) on a fitted model starts the next fit's decay there, not at the old rate."""
    X, y = line_data(40, 0.0, 0)
    model = PTRCNNRegressor(max_epochs=2, module__n_filters=2, verbose=0, random_state=0).fit(X, y)
    assert model.optimizer_.param_groups[0]["initial_lr"] == 1e-3
    model.set_params(warm_start=True, max_epochs=3, lr=1e-4).fit(X, y)
    group = model.optimizer_.param_groups[0]
    assert group["initial_lr"] == 1e-4 and group["lr"] < 1e-4
    model.set_params(max_epochs=1).fit(X, y)  # lr unchanged: the next decay starts at 1e-4 again
    assert model.optimizer_.param_groups[0]["initial_lr"] == 1e-4


# ---------------------------------------------------------------- from_regressor


def test_from_regressor_copies_all_but_the_output_layer(pretrained):
    X, y = line_data(60, 3.0, 1)
    tuned = PTRCNNRegressor.from_regressor(pretrained, max_epochs=2, verbose=0, random_state=0)
    tuned.fit(X, y)
    source = pretrained.module_.state_dict()
    output = max(i for i, layer in enumerate(tuned.module_.predictor) if isinstance(layer, torch.nn.Linear))
    assert tuned.transferred_ and not any(name.startswith(f"predictor.{output}.") for name in tuned.transferred_)
    assert any(name.startswith("predictor.") for name in tuned.transferred_)  # the hidden layers come along
    assert tuned.module_.hparams["n_filters"] == pretrained.module_.hparams["n_filters"]  # architecture copied
    assert "features.0.weight" in tuned.transferred_ and "features.0.weight" in source


def test_from_regressor_with_frozen_features_trains_only_the_head(pretrained):
    X, y = line_data(60, 3.0, 1)
    tuned = PTRCNNRegressor.from_regressor(pretrained, freeze_features=True, max_epochs=3, verbose=0,
                                           random_state=0).fit(X, np.column_stack([y, -y]))
    for name, value in tuned.module_.state_dict().items():
        if name.startswith("features."):
            assert torch.equal(value, pretrained.module_.state_dict()[name]), name
    assert tuned.predict(X).shape == (60, 2)  # a new output layer for two targets


def test_from_regressor_features_only_and_clone(pretrained):
    from sklearn.base import clone
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    X, y = line_data(40, 0.0, 2)
    tuned = PTRCNNRegressor.from_regressor(make_pipeline(FunctionTransformer(), pretrained).fit(X, y),
                                           transfer="features", max_epochs=1, verbose=0)
    fitted = clone(tuned).fit(X, y)
    assert fitted.transferred_ and all(name.startswith("features.") for name in fitted.transferred_)


def test_from_regressor_on_another_image_shape_names_both(pretrained):
    X = np.random.default_rng(0).random((20, 12))
    tuned = PTRCNNRegressor.from_regressor(pretrained, max_epochs=1, verbose=0)
    with pytest.raises(ValueError, match=r"reads images of shape \(1, 1, 16\), but X has images of shape \(1, 1, 12\)"):
        tuned.fit(X, X.sum(axis=1))


# -- pretrained starts from any skmat network ------------------------------------------------------------------

SEQ = dict(module__hidden_size=8, module__num_layers=1, module__num_heads=2, module__conv1d_channels=2, verbose=0)


def curves(n, seed, n_points=30):
    rng = np.random.default_rng(seed)
    X = np.cumsum(rng.random((n, n_points)), axis=1)
    return X, X[:, ::3] * 0.5


@pytest.fixture(scope="module")
def seq2seq():
    X, y = curves(40, 0)
    return SPTSeq2SeqRegressor(max_epochs=2, random_state=0, **SEQ).fit(X, y)


def test_a_seq2seq_regressor_starts_from_another_copying_all_but_the_output_queries(seq2seq):
    from skmat.models._transfer import PretrainedNetwork, pretrained_network

    weights = pretrained_network(seq2seq)
    assert isinstance(weights, PretrainedNetwork) and weights.module is type(seq2seq.module_)
    X, _ = curves(30, 1)
    y = X[:, ::5]  # another number of output points
    tuned = SPTSeq2SeqRegressor.from_regressor(seq2seq, max_epochs=1, lr=0.0, random_state=0, verbose=0).fit(X, y)
    source = seq2seq.module_.state_dict()
    assert set(tuned.transferred_) == set(source) - {"queries"}
    for name in tuned.transferred_:
        torch.testing.assert_close(tuned.module_.state_dict()[name], source[name])
    assert tuned.module_.queries.shape == (6, 8)
    features = SPTSeq2SeqRegressor.from_regressor(seq2seq, transfer="features", freeze_features=True, max_epochs=1,
                                                  random_state=0, verbose=0).fit(X, y)
    assert features.transferred_ and all(name.startswith("conv1d.") for name in features.transferred_)
    assert {name.split(".")[0] for name in features.frozen_parameters_} == {"conv1d"}


def test_a_baseline_module_is_carried_over_and_the_input_layout_must_match():
    from skmat.models import GRUSeq2Seq

    X, y = curves(40, 0)
    gru = SPTSeq2SeqRegressor(module=GRUSeq2Seq, module__hidden_size=8, max_epochs=1, random_state=0, verbose=0)
    gru.fit(X, y)
    tuned = SPTSeq2SeqRegressor.from_regressor(gru, max_epochs=1, random_state=0, verbose=0)
    assert tuned.module is GRUSeq2Seq
    assert tuned.fit(X, y).transferred_
    with pytest.raises(ValueError, match=r"reads inputs with sequence_length=30, but X has sequence_length=20"):
        clone_of = SPTSeq2SeqRegressor.from_regressor(gru, max_epochs=1, verbose=0)
        clone_of.fit(X[:, :20], y)
    with pytest.raises(ValueError, match="pretrained network is a GRUSeq2Seq, but module is"):
        SPTSeq2SeqRegressor(pretrained=tuned.pretrained, max_epochs=1, verbose=0).fit(X, y)


def test_an_image_network_does_not_start_from_a_curve_network(seq2seq):
    from skmat.models import PTRCNNClassifier

    images = np.zeros((4, 1, 5, 16), np.float32)
    with pytest.raises(ValueError, match=r"does not read the inputs of PTRCNNClassifier"):
        PTRCNNClassifier.from_regressor(seq2seq, max_epochs=1, verbose=0).fit(images, [0, 1, 0, 1])


def test_a_model_started_from_a_seq2seq_network_saves_and_loads(seq2seq, monkeypatch):
    import skmat.models
    from skmat.models._transfer import PretrainedNetwork

    monkeypatch.setattr(skmat.models, "PretrainedNetwork", PretrainedNetwork, raising=False)  # until exported
    X, y = curves(30, 1)
    tuned = SPTSeq2SeqRegressor.from_regressor(seq2seq, max_epochs=1, random_state=0, verbose=0).fit(X, y)
    buffer = io.BytesIO()
    tuned.save(buffer)
    buffer.seek(0)
    loaded = SPTSeq2SeqRegressor.load(buffer)
    assert isinstance(loaded.pretrained, PretrainedNetwork)
    np.testing.assert_array_equal(loaded.predict(X), tuned.predict(X))
