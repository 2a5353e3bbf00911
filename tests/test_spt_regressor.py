"""SPTSeq2SeqRegressor and the SPTSeq2Seq network."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import Pipeline

from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
from skmat.datasets import make_small_punch_test
from skmat.metrics import curve_scorers
from skmat.models import SPTSeq2Seq


def tiny(**params):
    defaults = dict(max_epochs=2, batch_size=32, module__hidden_size=8, module__num_layers=1,
                    module__num_heads=2, module__conv1d_channels=2, module__conv2d_channels=2,
                    random_state=0)
    return SPTSeq2SeqRegressor(**{**defaults, **params})


def pipeline(**params):
    return Pipeline([("gaf", GramianAngularFieldEncoder(16, keep_sequence=True)), ("s2s", tiny(**params))])


@pytest.fixture(scope="module")
def spt():
    return make_small_punch_test(120, random_state=0)


def test_network_shapes_and_ablations():
    x = torch.randn(3, 1, 17, 16)
    for use_gaf in (True, False):
        for use_attention in (True, False):
            net = SPTSeq2Seq(16, 35, use_gaf=use_gaf, use_attention=use_attention, hidden_size=8,
                             num_layers=2, num_heads=2)
            assert net(x).shape == (3, 35)
            assert hasattr(net, "conv2d") == use_gaf
            assert hasattr(net, "attention") == use_attention
    assert SPTSeq2Seq(16, 10, use_gaf=False, hidden_size=8, num_heads=2)(torch.randn(2, 1, 1, 16)).shape == (2, 10)
    with pytest.raises(ValueError, match="divisible"):
        SPTSeq2Seq(hidden_size=10, num_heads=4)


def test_paper_sizes_by_default():
    net = SPTSeq2Seq()
    assert net.encoder.num_layers == 5 and net.decoder.num_layers == 5
    assert net.encoder.hidden_size == 128
    assert [c.kernel_size[0] for c in net.conv1d.convs] == [3, 5, 7]


def test_pipeline_fits_and_predicts_curves(spt):
    model = pipeline().fit(spt.data, spt.target)
    pred = model.predict(spt.data[:5])
    assert pred.shape == (5, 35) and np.isfinite(pred).all()
    net = model.named_steps["s2s"]
    assert net.input_shape_ == (1, 17, 16)
    assert net.module_.use_gaf and net.n_outputs_ == 35


def test_bare_curves_give_the_1d_lstm_ablation(spt):
    net = tiny().fit(spt.data, spt.target)
    assert net.input_shape_ == (1, 1, 181)
    assert not net.module_.use_gaf
    with pytest.raises(ValueError, match="use_gaf=True needs GAF images"):
        tiny(module__use_gaf=True).fit(spt.data, spt.target)


def test_attention_can_be_switched_off(spt):
    net = pipeline(module__use_attention=False).fit(spt.data, spt.target).named_steps["s2s"]
    assert not hasattr(net.module_, "attention")


def test_input_and_target_scaling_fitted_on_training_data(spt):
    net = tiny().fit(spt.data[:100], spt.target[:100])
    assert net.input_offset_ == pytest.approx(spt.data[:100].astype(np.float32).mean(), rel=1e-4)
    np.testing.assert_allclose(net.target_offset_, spt.target[:100].mean(axis=0))


def test_inputs_not_mutated_and_reproducible(spt):
    X, y = spt.data.copy(), spt.target.copy()
    a = pipeline().fit(X, y).predict(X)
    np.testing.assert_array_equal(X, spt.data)
    np.testing.assert_array_equal(y, spt.target)
    b = pipeline().fit(X, y).predict(X)
    np.testing.assert_array_equal(a, b)
    c = pipeline(random_state=1).fit(X, y).predict(X)
    assert not np.allclose(a, c)


def test_learns_better_than_the_mean_curve():
    spt = make_small_punch_test(600, random_state=1)
    X, y = spt.data, spt.target
    model = Pipeline([
        ("gaf", GramianAngularFieldEncoder(16, keep_sequence=True)),
        ("s2s", SPTSeq2SeqRegressor(max_epochs=12, module__hidden_size=32, module__num_layers=1,
                                    module__num_heads=2, random_state=0)),
    ])
    model.fit(X[:500], y[:500])
    error = np.abs(model.predict(X[500:]) - y[500:]).mean()
    baseline = np.abs(y[500:] - y[:500].mean(axis=0)).mean()
    assert error < 0.75 * baseline, (error, baseline)


def test_clone_pickle_cross_validate_grid_search(spt):
    model = pipeline()
    assert clone(model).get_params()["s2s__module__hidden_size"] == 8
    model.fit(spt.data, spt.target)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(spt.data), model.predict(spt.data))
    scores = cross_validate(pipeline(), spt.data, spt.target, cv=KFold(2), scoring=curve_scorers())
    assert np.isfinite(scores["test_median_curve_mae"]).all()
    grid = {"gaf__image_size": [8, 16], "s2s__module__use_attention": [True, False]}
    search = GridSearchCV(pipeline(max_epochs=1), grid, cv=2, scoring="neg_mean_absolute_error")
    search.fit(spt.data, spt.target)
    assert len(search.cv_results_["params"]) == 4


def test_bad_input_is_named(spt):
    X = spt.data.copy()
    X[7, 3] = np.nan
    with pytest.raises(ValueError, match="curve 7"):
        tiny().fit(X, spt.target)
    with pytest.raises(ValueError, match="keep_sequence"):
        tiny().fit(GramianAngularFieldEncoder(16).fit_transform(spt.data), spt.target)
    with pytest.raises(NotFittedError):
        tiny().predict(spt.data)
    net = tiny().fit(spt.data, spt.target)
    with pytest.raises(ValueError, match="expecting 181 features"):
        net.predict(spt.data[:, :100])


def test_thickness_as_a_condition(spt):
    X = np.column_stack([spt.data, spt.params.thickness])
    model = Pipeline([
        ("gaf", GramianAngularFieldEncoder(16, keep_sequence=True, n_conditions=1)),
        ("s2s", tiny()),
    ]).fit(X, spt.target)
    net = model.named_steps["s2s"]
    assert net.n_conditions_ == 1 and net.module_.n_conditions == 1
    assert net.condition_offset_[0] == pytest.approx(spt.params.thickness.mean(), rel=1e-5)
    thin, thick = X[:4].copy(), X[:4].copy()
    thin[:, -1], thick[:, -1] = 1.0, 4.0
    assert not np.allclose(model.predict(thin), model.predict(thick))  # the condition is used
    np.testing.assert_array_equal(X[:, -1], spt.params.thickness)  # not mutated
