"""The Table II baselines (CurveMLP, GRUSeq2Seq, TransformerSeq2Seq) inside SPTSeq2SeqRegressor."""

import inspect
import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
from skmat.datasets import make_small_punch_test
from skmat.models import CurveMLP, GRUSeq2Seq, TransformerSeq2Seq

MODULES = [CurveMLP, GRUSeq2Seq, TransformerSeq2Seq]

# Small sizes per baseline, as module constructor keywords.
TINY = {
    CurveMLP: dict(hidden_sizes=(16,)),
    GRUSeq2Seq: dict(conv1d_channels=2, hidden_size=8, num_layers=1),
    TransformerSeq2Seq: dict(conv1d_channels=2, d_model=8, nhead=2, num_layers=1, dim_feedforward=16),
}


def tiny(module, **params):
    defaults = dict(module=module, max_epochs=2, batch_size=32, random_state=0, verbose=0,
                    **{f"module__{key}": value for key, value in TINY[module].items()})
    return SPTSeq2SeqRegressor(**{**defaults, **params})


def pipeline(module, **params):
    return Pipeline([("gaf", GramianAngularFieldEncoder(16)), ("s2s", tiny(module, **params))])


@pytest.fixture(scope="module")
def spt():
    return make_small_punch_test(120, random_state=0)


@pytest.mark.parametrize("module", MODULES)
def test_constructor_fits_the_regressor(module):
    params = list(inspect.signature(module).parameters.values())
    assert [p.name for p in params[:2]] == ["sequence_length", "n_outputs"]
    assert [p.default for p in params[:2]] == [181, 35]
    assert all(p.kind is p.KEYWORD_ONLY and p.default is not p.empty for p in params[2:])
    assert "use_gaf" not in inspect.signature(module).parameters


@pytest.mark.parametrize("module", MODULES)
def test_shapes_with_and_without_image_and_the_image_is_ignored(module):
    torch.manual_seed(0)
    net = module(16, 10, **TINY[module]).eval()
    assert "image" not in net.input_keys
    sequence, image = torch.randn(3, 16), torch.randn(3, 1, 16, 16)
    out = net(sequence=sequence, image=image)
    assert out.shape == (3, 10)
    torch.testing.assert_close(net(sequence=sequence), out)
    torch.testing.assert_close(net(sequence=sequence, image=torch.randn(3, 1, 16, 16)), out)
    with pytest.raises(ValueError, match="built for 0 test conditions but the input has 2"):
        net(sequence=sequence, conditions=torch.randn(3, 2))
    conditioned = module(16, 10, n_conditions=2, **TINY[module]).eval()
    assert conditioned(sequence=sequence, image=image, conditions=torch.randn(3, 2)).shape == (3, 10)
    with pytest.raises(ValueError, match="built for 2 test conditions but the input has 0"):
        conditioned(sequence=sequence, image=image)


@pytest.mark.parametrize("module", [CurveMLP, TransformerSeq2Seq])
def test_wrong_sequence_length_is_named(module):
    net = module(16, 10, **TINY[module])
    with pytest.raises(ValueError, match=r"Expected sequences of shape \(B, 16\); got \(2, 20\)"):
        net(sequence=torch.randn(2, 20))


def test_documented_defaults_and_checks():
    mlp = CurveMLP()
    assert [layer.out_features for layer in mlp.mlp if isinstance(layer, torch.nn.Linear)] == [256, 256, 35]
    assert mlp.mlp[0].in_features == 181
    gru = GRUSeq2Seq()
    assert gru.encoder.hidden_size == 128 and gru.encoder.num_layers == 2 and gru.decoder.num_layers == 2
    assert [conv.kernel_size[0] for conv in gru.features.convs] == [3, 5, 7]
    assert not hasattr(gru, "attention")
    transformer = TransformerSeq2Seq()
    assert transformer.projection.out_features == 64
    assert len(transformer.encoder.layers) == 2 and len(transformer.decoder.layers) == 2
    assert transformer.input_positions.shape == (181, 64) and transformer.queries.shape == (35, 64)
    with pytest.raises(ValueError, match="divisible"):
        TransformerSeq2Seq(d_model=10, nhead=4)
    with pytest.raises(ValueError, match="odd"):
        GRUSeq2Seq(kernel_sizes=(3, 4))


@pytest.mark.parametrize("module", MODULES)
def test_bare_curves_fit_and_are_reproducible(spt, module):
    X, y = spt.data, spt.target
    net = tiny(module).fit(X, y)
    assert net.sequence_length_ == 181 and not net.uses_image_ and net.n_conditions_ == 0
    assert isinstance(net.module_, module) and net.module_.sequence_length == 181
    a = net.predict(X)
    assert a.shape == (120, 35) and np.isfinite(a).all()
    np.testing.assert_array_equal(tiny(module).fit(X, y).predict(X), a)
    assert not np.allclose(tiny(module, random_state=1).fit(X, y).predict(X), a)


@pytest.mark.parametrize("module", MODULES)
def test_gaf_pipeline_clone_and_pickle(spt, module):
    model = pipeline(module)
    assert clone(model).get_params()["s2s__module"] is module
    model.fit(spt.data, spt.target)
    net = model.named_steps["s2s"]
    assert net.sequence_length_ == 16 and net.module_.sequence_length == 16
    assert not net.uses_image_  # the baselines leave the image aside
    pred = model.predict(spt.data[:5])
    assert pred.shape == (5, 35) and np.isfinite(pred).all()
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(spt.data), model.predict(spt.data))
    refit = clone(model).fit(spt.data, spt.target)
    np.testing.assert_array_equal(refit.predict(spt.data), model.predict(spt.data))


@pytest.mark.parametrize("module", MODULES)
def test_conditions_are_used(spt, module):
    X = np.column_stack([spt.data, spt.params.thickness])
    model = Pipeline([
        ("gaf", GramianAngularFieldEncoder(16, n_conditions=1)),
        ("s2s", tiny(module)),
    ]).fit(X, spt.target)
    assert model.named_steps["s2s"].n_conditions_ == 1
    assert model.named_steps["s2s"].module_.n_conditions == 1
    thin, thick = X[:4].copy(), X[:4].copy()
    thin[:, -1], thick[:, -1] = 1.0, 4.0
    assert not np.allclose(model.predict(thin), model.predict(thick))


@pytest.mark.parametrize("module", MODULES)
def test_encoder_dict_and_bare_curves_give_the_same_model(spt, module):
    encoded = GramianAngularFieldEncoder(16).fit_transform(spt.data)
    net = tiny(module).fit(encoded, spt.target)
    assert not net.uses_image_ and net.sequence_length_ == 16
    pred = net.predict(encoded)
    assert pred.shape == (120, 35) and np.isfinite(pred).all()
    # The image is not read: the sequence alone, as a dict or bare, is the same input.
    np.testing.assert_array_equal(net.predict({"sequence": encoded["sequence"]}), pred)
    np.testing.assert_array_equal(net.predict(encoded["sequence"]), pred)
    np.testing.assert_array_equal(tiny(module).fit(encoded["sequence"], spt.target).predict(encoded), pred)
    with pytest.raises(ValueError, match="expecting 16 features"):
        net.predict(spt.data)


@pytest.mark.parametrize("module", MODULES)
def test_conditions_mismatch_is_named(spt, module):
    X = np.column_stack([spt.data, spt.params.thickness])
    encoded = GramianAngularFieldEncoder(16, n_conditions=1).fit_transform(X)
    net = tiny(module, max_epochs=1).fit(encoded, spt.target)
    with pytest.raises(ValueError, match="X has 0 test conditions, but SPTSeq2SeqRegressor was fitted with 1"):
        net.predict({"sequence": encoded["sequence"]})
    with pytest.raises(ValueError, match="X has 2 test conditions"):
        net.predict({**encoded, "conditions": np.ones((120, 2))})


def test_grid_search_over_a_module_parameter(spt):
    grid = {"s2s__module__hidden_size": [4, 8]}
    search = GridSearchCV(pipeline(GRUSeq2Seq, max_epochs=1), grid, cv=2, scoring="neg_mean_absolute_error")
    search.fit(spt.data, spt.target)
    assert len(search.cv_results_["params"]) == 2
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.named_steps["s2s"].module_.encoder.hidden_size in (4, 8)


def test_curve_mlp_learns_better_than_the_mean_curve():
    spt = make_small_punch_test(600, random_state=1)
    X, y = spt.data, spt.target
    model = SPTSeq2SeqRegressor(module=CurveMLP, max_epochs=30, random_state=0)
    model.fit(X[:500], y[:500])
    error = np.abs(model.predict(X[500:]) - y[500:]).mean()
    baseline = np.abs(y[500:] - y[:500].mean(axis=0)).mean()
    assert error < 0.75 * baseline, (error, baseline)


@pytest.mark.parametrize("module", MODULES)
def test_curves_far_outside_the_training_load_level_warn(spt, module):
    model = pipeline(module, max_epochs=1).fit(spt.data, spt.target)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(spt.data[:4])
    scaled = spt.data[:4].copy()
    scaled[1] *= 1000.0
    with pytest.warns(UserWarning, match=r"peak of curve 1 \(.*\) lies more than a factor 2 outside"):
        model.predict(scaled)
