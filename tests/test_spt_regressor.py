"""SPTSeq2SeqRegressor and the GAFSeq2Seq network."""

import pickle

import warnings

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
from skmat.models import GAFSeq2Seq


def tiny(**params):
    defaults = dict(max_epochs=2, batch_size=32, module__hidden_size=8, module__num_layers=1,
                    module__num_heads=2, module__conv1d_channels=2, module__conv2d_channels=2,
                    random_state=0, verbose=0)
    return SPTSeq2SeqRegressor(**{**defaults, **params})


def pipeline(**params):
    return Pipeline([("gaf", GramianAngularFieldEncoder(16)), ("s2s", tiny(**params))])


@pytest.fixture(scope="module")
def spt():
    return make_small_punch_test(120, random_state=0)


@pytest.fixture(scope="module")
def with_thickness(spt):
    """Curves with the thickness as a trailing column, and their encoding (n_conditions=1)."""
    X = np.column_stack([spt.data, spt.params.thickness])
    return X, GramianAngularFieldEncoder(16, n_conditions=1).fit_transform(X)


def test_network_shapes_and_ablations():
    sequence, image = torch.randn(3, 16), torch.randn(3, 1, 16, 16)
    for use_gaf in (True, False):
        for use_attention in (True, False):
            net = GAFSeq2Seq(16, 35, use_gaf=use_gaf, use_attention=use_attention, hidden_size=8,
                             num_layers=2, num_heads=2)
            assert net(sequence=sequence, image=image).shape == (3, 35)
            assert hasattr(net, "conv2d") == use_gaf
            assert hasattr(net, "attention") == use_attention
            assert ("image" in net.input_keys) == use_gaf
    assert GAFSeq2Seq(16, 10, use_gaf=False, hidden_size=8, num_heads=2)(sequence=torch.randn(2, 16)).shape == (2, 10)
    with pytest.raises(ValueError, match="divisible"):
        GAFSeq2Seq(hidden_size=10, num_heads=4)


def test_network_inputs_by_key():
    torch.manual_seed(0)
    sequence, image, conditions = torch.randn(3, 16), torch.randn(3, 1, 16, 16), torch.randn(3, 2)
    with_gaf = GAFSeq2Seq(16, 10, hidden_size=8, num_layers=1, num_heads=2).eval()
    with pytest.raises(ValueError, match="use_gaf=True needs GAF images"):
        with_gaf(sequence=sequence)
    out = with_gaf(sequence=sequence, image=image)
    assert not torch.allclose(with_gaf(sequence=sequence, image=torch.randn(3, 1, 16, 16)), out)
    without_gaf = GAFSeq2Seq(16, 10, use_gaf=False, hidden_size=8, num_layers=1, num_heads=2).eval()
    torch.testing.assert_close(without_gaf(sequence=sequence, image=image), without_gaf(sequence=sequence))
    conditioned = GAFSeq2Seq(16, 10, n_conditions=2, hidden_size=8, num_layers=1, num_heads=2).eval()
    assert conditioned(sequence=sequence, image=image, conditions=conditions).shape == (3, 10)
    with pytest.raises(ValueError, match="built for 2 test conditions but the input has 0"):
        conditioned(sequence=sequence, image=image)
    with pytest.raises(ValueError, match="built for 0 test conditions but the input has 2"):
        with_gaf(sequence=sequence, image=image, conditions=conditions)


def test_paper_sizes_by_default():
    net = GAFSeq2Seq()
    assert net.encoder.num_layers == 5 and net.decoder.num_layers == 5
    assert net.encoder.hidden_size == 128
    assert [c.kernel_size[0] for c in net.conv1d.convs] == [3, 5, 7]


def test_pipeline_fits_and_predicts_curves(spt):
    model = pipeline().fit(spt.data, spt.target)
    pred = model.predict(spt.data[:5])
    assert pred.shape == (5, 35) and np.isfinite(pred).all()
    net = model.named_steps["s2s"]
    assert net.sequence_length_ == net.n_features_in_ == 16
    assert net.uses_image_ and net.n_conditions_ == 0
    assert net.module_.use_gaf and net.n_outputs_ == 35


def test_bare_curves_give_the_1d_lstm_ablation(spt):
    net = tiny().fit(spt.data, spt.target)
    assert net.sequence_length_ == 181 and not net.uses_image_ and net.n_conditions_ == 0
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
        ("gaf", GramianAngularFieldEncoder(16)),
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
    images = GramianAngularFieldEncoder(16, output="image").fit_transform(spt.data)
    assert images.shape == (120, 1, 16, 16)
    for images_alone in (images, images[:, 0]):  # (n, 1, s, s) and (n, s, s)
        with pytest.raises(ValueError, match="output='dict'"):
            tiny().fit(images_alone, spt.target)
    with pytest.raises(ValueError, match=r"Unknown keys \['images'\]"):
        tiny().fit({"sequence": spt.data, "images": images}, spt.target)
    with pytest.raises(ValueError, match="must have a 'sequence' entry"):
        tiny().fit({"image": images}, spt.target)
    with pytest.raises(NotFittedError):
        tiny().predict(spt.data)
    net = tiny().fit(spt.data, spt.target)
    with pytest.raises(ValueError, match="expecting 181 features"):
        net.predict(spt.data[:, :100])
    with pytest.raises(ValueError, match="output='dict'"):
        net.predict(images)


def test_thickness_as_a_condition(spt):
    X = np.column_stack([spt.data, spt.params.thickness])
    model = Pipeline([
        ("gaf", GramianAngularFieldEncoder(16, n_conditions=1)),
        ("s2s", tiny()),
    ]).fit(X, spt.target)
    net = model.named_steps["s2s"]
    assert net.n_conditions_ == 1 and net.module_.n_conditions == 1
    assert net.condition_offset_[0] == pytest.approx(spt.params.thickness.mean(), rel=1e-5)
    thin, thick = X[:4].copy(), X[:4].copy()
    thin[:, -1], thick[:, -1] = 1.0, 4.0
    assert not np.allclose(model.predict(thin), model.predict(thick))  # the condition is used
    np.testing.assert_array_equal(X[:, -1], spt.params.thickness)  # not mutated


# ---------------------------------------------------------------- the dict input


def test_fit_predict_mismatch_is_named(spt, with_thickness):
    X, encoded = with_thickness
    net = tiny().fit(encoded, spt.target)
    assert net.sequence_length_ == 16 and net.n_conditions_ == 1 and net.uses_image_
    # Another image size: another sequence length.
    other_size = GramianAngularFieldEncoder(8, n_conditions=1).fit_transform(X)
    message = "X has 8 features, but SPTSeq2SeqRegressor is expecting 16 features"
    with pytest.raises(ValueError, match=message):
        net.predict(other_size)
    with pytest.raises(ValueError, match=message):
        net.partial_fit(other_size, spt.target)
    # Another number of conditions: two, or none.
    two = GramianAngularFieldEncoder(16, n_conditions=2).fit_transform(np.column_stack([X, np.ones(len(X))]))
    with pytest.raises(ValueError, match="X has 2 test conditions, but SPTSeq2SeqRegressor was fitted with 1"):
        net.predict(two)
    none = GramianAngularFieldEncoder(16).fit_transform(spt.data)
    with pytest.raises(ValueError, match="X has 0 test conditions, but SPTSeq2SeqRegressor was fitted with 1"):
        net.predict(none)
    # Fitted on images, predicting without.
    with pytest.raises(ValueError, match="fitted on GAF images, but X has none"):
        net.predict({"sequence": encoded["sequence"], "conditions": encoded["conditions"]})
    # And the other way round: fitted without conditions, predicting with one.
    plain = tiny(max_epochs=1).fit(none, spt.target)
    with pytest.raises(ValueError, match="X has 1 test conditions, but SPTSeq2SeqRegressor was fitted with 0"):
        plain.predict(encoded)
    assert net.predict(encoded).shape == (120, 35)  # the failed calls left the model usable


def test_hand_written_dict(spt, with_thickness):
    X, encoded = with_thickness
    thickness = spt.params.thickness  # a pandas Series: one condition, 1-D
    model = Pipeline([("gaf", GramianAngularFieldEncoder(16, n_conditions=1)), ("s2s", tiny())])
    expected = model.fit(X, spt.target).predict(X)
    by_hand = {"sequence": encoded["sequence"].astype(np.float64), "image": encoded["image"],
               "conditions": thickness}
    net = tiny().fit(by_hand, spt.target)
    assert net.sequence_length_ == 16 and net.uses_image_ and net.n_conditions_ == 1
    np.testing.assert_array_equal(net.predict(by_hand), expected)  # the encoder's dict, written by hand
    # Sequence and conditions only: any curves, no image (the 1-D branch alone).
    curves = {"sequence": spt.data, "conditions": thickness.to_numpy()[:, None]}
    net = tiny().fit(curves, spt.target)
    assert net.sequence_length_ == 181 and not net.uses_image_ and net.n_conditions_ == 1
    assert not net.module_.use_gaf and net.module_.n_conditions == 1
    pred = net.predict(curves)
    assert pred.shape == spt.target.shape and np.isfinite(pred).all()
    # Whole sets, as the rounding of a batch depends on its size.
    one_d = {"sequence": spt.data, "conditions": thickness.to_numpy()}
    np.testing.assert_array_equal(net.predict(one_d), pred)  # (n,) is (n, 1)
    tensors = {"sequence": torch.from_numpy(spt.data), "conditions": torch.from_numpy(thickness.to_numpy())}
    np.testing.assert_array_equal(net.predict(tensors), pred)
    with pytest.raises(ValueError, match=r"X\['conditions'\] has 5 rows but X\['sequence'\] has 120"):
        net.predict({"sequence": spt.data, "conditions": thickness.to_numpy()[:5]})
    with pytest.raises(ValueError, match=r"X\['image'\] must have shape \(n, 1, s, s\) with s = 181"):
        net.predict({**curves, "image": encoded["image"]})


def test_ablation_reads_the_encoder_dict_and_bare_curves(spt):
    encoded = GramianAngularFieldEncoder(16).fit_transform(spt.data)
    net = tiny(module__use_gaf=False).fit(encoded, spt.target)
    assert not net.uses_image_ and not net.module_.use_gaf and not hasattr(net.module_, "conv2d")
    pred = net.predict(encoded)
    assert pred.shape == (120, 35) and np.isfinite(pred).all()
    # The image is not read, at fit or predict: the sequence alone gives the same model.
    np.testing.assert_array_equal(net.predict({"sequence": encoded["sequence"]}), pred)
    np.testing.assert_array_equal(net.predict(encoded["sequence"]), pred)
    alone = tiny(module__use_gaf=False).fit(encoded["sequence"], spt.target)
    np.testing.assert_array_equal(alone.predict(encoded), pred)
    # Bare curves through a pipeline-free regressor.
    bare = tiny(module__use_gaf=False).fit(spt.data, spt.target)
    assert bare.sequence_length_ == 181 and bare.predict(spt.data[:4]).shape == (4, 35)


def test_non_finite_entries_name_the_key_and_curve(spt, with_thickness):
    _, encoded = with_thickness
    bad = {key: value.copy() for key, value in encoded.items()}
    bad["conditions"][5, 0] = np.nan
    with pytest.raises(ValueError, match=r"X\['conditions'\] contains NaN or infinity: curve 5 "):
        tiny().fit(bad, spt.target)
    net = tiny(max_epochs=1).fit(encoded, spt.target)
    with pytest.raises(ValueError, match=r"X\['conditions'\] contains NaN or infinity: curve 5 "):
        net.predict(bad)
    bad = {key: value.copy() for key, value in encoded.items()}
    bad["sequence"][9, 2] = np.inf
    with pytest.raises(ValueError, match=r"X\['sequence'\] contains NaN or infinity: curve 9 "):
        net.predict(bad)
    bad = {key: value.copy() for key, value in encoded.items()}
    bad["image"][11, 0, 3, 4] = np.nan
    with pytest.raises(ValueError, match=r"X\['image'\] contains NaN or infinity: curve 11 "):
        net.predict(bad)


def test_user_dict_not_mutated(spt, with_thickness):
    _, encoded = with_thickness
    for X in (encoded, {"sequence": encoded["sequence"], "conditions": encoded["conditions"].astype(np.float32)}):
        before = {key: (value, value.copy()) for key, value in X.items()}
        net = tiny(max_epochs=1).fit(X, spt.target)
        net.predict(X)
        net.partial_fit(X, spt.target)
        assert list(X) == list(before)
        for key, (value, copy) in before.items():
            assert X[key] is value
            assert X[key].dtype == copy.dtype and X[key].shape == copy.shape
            np.testing.assert_array_equal(X[key], copy)


def test_conditions_outside_the_training_range_warn_naming_the_curves(spt):
    X = np.column_stack([spt.data, spt.params["thickness"]])
    model = pipeline(module__num_layers=1).set_params(gaf__n_conditions=1).fit(X, spt.target)
    low, high = spt.params["thickness"].min(), spt.params["thickness"].max()
    inside = X[:3].copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(inside)
    outside = X[:3].copy()
    outside[1, -1] = high * 1.5
    outside[2, -1] = low / 2
    with pytest.warns(UserWarning, match=r"condition 0 of curves 1 \(.*\), 2 \(.*\) lies outside the range"):
        model.predict(outside)


def test_negative_forces_after_fitting_on_load_curves_are_named(spt):
    model = tiny().fit(spt.data, spt.target)
    assert model.nonnegative_input_
    bad = spt.data[:3].copy()
    bad[2, 40] = -0.5 * bad[2].max()
    with pytest.raises(ValueError, match="curve 2 has .* at point 40"):
        model.predict(bad)
    noisy = spt.data[:3].copy()
    noisy[:, 1] = -0.001 * noisy.max(axis=1)  # noise at first contact is fine
    assert model.predict(noisy).shape == (3, spt.target.shape[1])
    standardised = tiny().fit(spt.data - spt.data.mean(), spt.target)  # curves that were never >= 0
    assert not standardised.nonnegative_input_
    standardised.predict(bad - spt.data.mean())


def test_curves_far_outside_the_training_load_level_warn_naming_them(spt):
    model = pipeline().fit(spt.data, spt.target)
    net = model.named_steps["s2s"]
    peaks = np.abs(model.named_steps["gaf"].transform(spt.data)["sequence"]).max(axis=1)
    np.testing.assert_allclose(net.peak_range_, [peaks.min(), peaks.max()])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        in_range = model.predict(spt.data[:5])
        model.predict(spt.data[:5] * 1.5)  # within the factor 2 of the training peaks
    milli = spt.data[:8].copy()
    milli[[2, 5]] *= 1000.0  # mN given for N
    with pytest.warns(UserWarning, match=r"peak of curves 2 \(.*\), 5 \(.*\) lies more than a factor 2 outside "
                                         r"the peaks seen at fit"):
        far = model.predict(milli)
    # The scale reaches the network through the sequence: the prediction changes.
    assert not np.allclose(far[[2]], model.predict(spt.data[2:3]))
    np.testing.assert_array_equal(far[:2], in_range[:2])
    # Bare curves are read as they are; the list of curves is capped.
    bare = tiny(max_epochs=1).fit(spt.data, spt.target)
    assert bare.peak_range_[1] == pytest.approx(spt.data.max(), rel=1e-6)
    with pytest.warns(UserWarning, match=r"curves 0 \(.*\), 1 .*, 4 \(.*\) and 3 more lies more than"):
        bare.predict(spt.data[:8] / 1000.0)  # kN given for N
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bare.predict(spt.data[:8])


def test_ragged_curves_and_text_in_fit_are_errors_naming_the_curves():
    y = np.zeros((2, 3))
    with pytest.raises(ValueError, match="curve 0 has 4 values and curve 1 has 3"):
        SPTSeq2SeqRegressor(verbose=0).fit([[0.0, 1.0, 2.0, 1.0], [0.0, 1.0, 2.0]], y)
    with pytest.raises(ValueError, match=r"curve 1 \(row 1\) has 'a' at column 2"):
        SPTSeq2SeqRegressor(verbose=0).fit([[0.0, 1.0, 2.0], [0.0, 1.0, "a"]], y)
