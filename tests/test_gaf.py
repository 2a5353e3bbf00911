"""GramianAngularFieldEncoder: pyts's numbers, float32 images, sklearn conventions.

pyts is only the reference here, never a dependency: it is imported once, in a
module-scoped fixture, with ``NUMBA_DISABLE_JIT=1`` (its import otherwise
compiles numba functions for 40–60 s), and the comparisons run on small inputs
so that its pure-Python loops stay fast.
"""

from __future__ import annotations

import math
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmat.encoders import GramianAngularFieldEncoder
from skmat.encoders import _gaf

N_CURVES, N_POINTS = 20, 60


@pytest.fixture(scope="module")
def pyts_gaf():
    """pyts.image.GramianAngularField, imported without numba's JIT (~2.5 s, not ~50 s)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NUMBA_DISABLE_JIT", "1")  # read when numba is first imported
        module = pytest.importorskip("pyts.image")
    return module.GramianAngularField


def random_curves(n=N_CURVES, length=N_POINTS, seed=0):
    return np.random.default_rng(seed).normal(size=(n, length)) * 50.0 + 10.0


def load_curves(n=N_CURVES, length=N_POINTS, seed=1):
    """Monotone rise then softening, like small punch test load–displacement curves."""
    rng = np.random.default_rng(seed)
    d = np.linspace(0.0, 2.5, length)
    peak = rng.uniform(400.0, 6000.0, (n, 1))
    x = d / rng.uniform(1.1, 2.0, (n, 1))
    return peak * (x * np.exp(1.0 - x)) ** rng.uniform(0.8, 2.0, (n, 1))


def images_of(encoder, X):
    return encoder.fit(X).transform(X)


# ---------------------------------------------------------------- pyts's numbers


@pytest.mark.parametrize("overlapping", [False, True])
@pytest.mark.parametrize("sample_range", [(-1, 1), (0, 1), (-0.5, 0.8)])
@pytest.mark.parametrize("image_size", [N_POINTS, 1.0, 0.5, 0.1, 17, 0.33, 59, 1])
@pytest.mark.parametrize("method", ["summation", "difference"])
def test_matches_pyts(pyts_gaf, method, image_size, sample_range, overlapping):
    reference = pyts_gaf(image_size=image_size, method=method, sample_range=sample_range,
                         overlapping=overlapping)
    encoder = GramianAngularFieldEncoder(image_size, method=method, sample_range=sample_range,
                                         overlapping=overlapping, output="image")
    for X in (random_curves(), load_curves()):
        ours = encoder.fit_transform(X)
        theirs = reference.transform(X)
        assert ours.dtype == np.float32
        assert ours.shape == (len(X), 1, *theirs.shape[1:])
        assert encoder.image_size_ == theirs.shape[1]
        np.testing.assert_allclose(ours[:, 0], theirs, rtol=0, atol=1e-5)


@pytest.mark.parametrize("method", ["summation", "difference"])
def test_matches_pyts_without_scaling(pyts_gaf, method):
    X = np.tanh(random_curves() / 40.0)
    X[0, :] = 1.0  # the bounds themselves are allowed
    X[1, :] = -1.0
    for image_size in (N_POINTS, 13):
        ours = images_of(GramianAngularFieldEncoder(image_size, method=method, sample_range=None,
                                                       output="image"), X)
        theirs = pyts_gaf(image_size=image_size, method=method, sample_range=None).transform(X)
        np.testing.assert_allclose(ours[:, 0], theirs, rtol=0, atol=1e-5)


@pytest.mark.parametrize("sample_range", [(-1, 1), (0, 1), (0.2, 0.5)])
@pytest.mark.parametrize("method", ["summation", "difference"])
def test_constant_curves_follow_pyts(pyts_gaf, method, sample_range):
    """A constant curve becomes sample_range[0] everywhere, as in pyts: no NaN, no error."""
    X = load_curves(n=4)
    X[1] = 250.0
    X[3] = 0.0
    X[2] = 7.0 + 1e-15 * (np.arange(N_POINTS) % 2)  # range 8.9e-16 < 10 * eps: constant to sklearn
    encoder = GramianAngularFieldEncoder(0.5, method=method, sample_range=sample_range, output="image")
    ours = images_of(encoder, X)
    theirs = pyts_gaf(image_size=0.5, method=method, sample_range=sample_range).transform(X)
    assert np.isfinite(ours).all()
    np.testing.assert_allclose(ours[:, 0], theirs, rtol=0, atol=1e-5)
    low = sample_range[0]
    expected = 2 * low**2 - 1 if method == "summation" else 0.0
    for row in (1, 2, 3):
        np.testing.assert_allclose(ours[row], expected, atol=1e-6)


def test_paa_windows_as_pyts_segmentation(pyts_gaf):
    from pyts.utils import segmentation

    for n_timestamps in (2, 7, 60, 181):
        for n_windows in sorted({1, 2, 3, n_timestamps // 3 or 1, n_timestamps - 1, n_timestamps}):
            if n_windows < 1 or n_windows >= n_timestamps:
                continue
            window = -(-n_timestamps // n_windows)
            for overlapping in (False, True):
                start, end, _ = segmentation(n_timestamps, window, overlapping, n_windows)
                ours = _gaf._paa_windows(n_timestamps, n_windows, overlapping)
                np.testing.assert_array_equal(ours[0], start)
                np.testing.assert_array_equal(ours[1], end)


def test_paa_windows_small_example():
    # 10 points in 4 windows: tiling windows of 2-3 points, or fixed windows of 3.
    starts, ends = _gaf._paa_windows(10, 4, overlapping=False)
    assert starts.tolist() == [0, 2, 5, 7] and ends.tolist() == [2, 5, 7, 10]
    starts, ends = _gaf._paa_windows(10, 4, overlapping=True)
    assert starts.tolist() == [0, 3, 5, 7] and ends.tolist() == [3, 6, 8, 10]


def test_image_size_float_is_rounded_up_like_pyts(pyts_gaf):
    X = random_curves(length=50)
    encoder = GramianAngularFieldEncoder(0.14, output="image").fit(X)
    assert encoder.image_size_ == math.ceil(0.14 * 50) == 8  # 0.14 * 50 = 7.000000000000001
    np.testing.assert_allclose(encoder.transform(X)[:, 0], pyts_gaf(image_size=0.14).transform(X),
                               rtol=0, atol=1e-5)


def test_constant_raw_curve_is_constant_whatever_the_window_sums():
    X = np.full((2, 50), 1234.567)
    X[1] = np.linspace(0, 1, 50)
    for image_size in (7, 0.33, 50):
        out = images_of(GramianAngularFieldEncoder(image_size, output="image"), X)
        np.testing.assert_array_equal(out[0], 1.0)


# ---------------------------------------------------------------- the formulas, without pyts


@pytest.mark.parametrize("method", ["summation", "difference"])
def test_formula_and_signs(method):
    X = load_curves(n=5)
    encoder = GramianAngularFieldEncoder(12, method=method, sample_range=(0, 1), output="image").fit(X)
    ours = encoder.transform(X)[:, 0]
    paa = _gaf._paa(X, 12, False)
    x = (paa - paa.min(1, keepdims=True)) / np.ptp(paa, axis=1, keepdims=True)
    phi = np.arccos(np.clip(x, -1, 1))
    if method == "summation":
        expected = np.cos(phi[:, :, None] + phi[:, None, :])
    else:
        expected = np.sin(phi[:, :, None] - phi[:, None, :])
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-5)


def test_summation_symmetric_difference_antisymmetric():
    X = random_curves()
    gasf = images_of(GramianAngularFieldEncoder(output="image"), X)[:, 0]
    gadf = images_of(GramianAngularFieldEncoder(method="difference", output="image"), X)[:, 0]
    np.testing.assert_allclose(gasf, gasf.transpose(0, 2, 1), atol=1e-6)
    np.testing.assert_allclose(gadf, -gadf.transpose(0, 2, 1), atol=1e-6)
    np.testing.assert_allclose(np.diagonal(gadf, axis1=1, axis2=2), 0.0, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_float32_output_shape(dtype):
    X = (random_curves(n=7, length=30) * 10).astype(dtype)
    for image_size, side in ((1.0, 30), (0.5, 15), (9, 9), (1, 1)):
        encoder = GramianAngularFieldEncoder(image_size, output="image").fit(X)
        images = encoder.transform(X)
        assert images.dtype == np.float32
        assert images.shape == (7, *encoder.image_shape_)
        assert encoder.image_shape_ == (1, side, side)
        out = GramianAngularFieldEncoder(image_size).fit(X).transform(X)
        assert out["image"].dtype == out["sequence"].dtype == np.float32
        assert out["image"].shape == (7, 1, side, side) and out["sequence"].shape == (7, side)


def test_single_timestamp():
    out = images_of(GramianAngularFieldEncoder(output="image"), np.arange(5.0)[:, None])
    assert out.shape == (5, 1, 1, 1)
    np.testing.assert_array_equal(out, 1.0)  # constant curves: x = -1, cos(2 pi) = 1


def assert_same_output(a, b):
    """Equal encoder outputs: two arrays, or two dicts with the same keys and equal arrays."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and sorted(a) == sorted(b)
        for key in a:
            assert a[key].dtype == b[key].dtype, key
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
    else:
        assert not isinstance(b, dict)
        np.testing.assert_array_equal(a, b)


def test_chunks_give_the_same_images(monkeypatch):
    X = random_curves(n=45, length=25)
    X_conditions = np.column_stack([X, np.arange(45.0)])
    for encoder, data in ((GramianAngularFieldEncoder(0.6, method="difference", output="image"), X),
                          (GramianAngularFieldEncoder(0.6, method="difference"), X),
                          (GramianAngularFieldEncoder(0.6, n_conditions=1), X_conditions)):
        whole = images_of(encoder, data)
        monkeypatch.setattr(_gaf, "_CHUNK", 4)
        chunked = images_of(clone(encoder), data)
        monkeypatch.undo()
        assert_same_output(chunked, whole)


def test_input_not_modified():
    X = random_curves()
    X_copy = X.copy()
    for sample_range in ((-1, 1), None):
        data = np.tanh(X) if sample_range is None else X
        before = data.copy()
        for output in ("dict", "image"):
            images_of(GramianAngularFieldEncoder(sample_range=sample_range, output=output), data)
            np.testing.assert_array_equal(data, before)
        out = images_of(GramianAngularFieldEncoder(sample_range=sample_range, n_conditions=2), data)
        np.testing.assert_array_equal(data, before)
        out["conditions"][:] = -7.0  # the conditions are a copy, not a view of X
        np.testing.assert_array_equal(data, before)
    np.testing.assert_array_equal(X, X_copy)


@settings(max_examples=60, deadline=None)
@given(
    X=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 24)),
             elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)),
    method=st.sampled_from(["summation", "difference"]),
    image_size=st.floats(0.01, 1.0),
    overlapping=st.booleans(),
)
def test_images_are_finite_and_bounded(X, method, image_size, overlapping):
    encoder = GramianAngularFieldEncoder(image_size, method=method, overlapping=overlapping, output="image")
    out = images_of(encoder, X)
    assert np.isfinite(out).all()
    assert np.abs(out).max() <= 1 + 1e-6


# ---------------------------------------------------------------- the dict output


def test_dict_output_keys_shapes_and_dtypes():
    X = load_curves()
    images = images_of(GramianAngularFieldEncoder(16, output="image"), X)
    encoder = GramianAngularFieldEncoder(16)
    assert encoder.output == "dict"  # the default
    out = images_of(encoder, X)
    assert isinstance(out, dict) and list(out) == ["image", "sequence"]  # no conditions with k = 0
    assert out["image"].shape == (N_CURVES, 1, 16, 16) and out["image"].dtype == np.float32
    assert out["sequence"].shape == (N_CURVES, 16) and out["sequence"].dtype == np.float32
    assert encoder.image_shape_ == (1, 16, 16)
    # The image of the dict is the image of output="image", to the bit.
    np.testing.assert_array_equal(out["image"], images)
    # The sequence is the PAA curve over the fitted global scale.
    paa = _gaf._paa(X, 16, False)
    assert encoder.sequence_scale_ == pytest.approx(np.abs(paa).max())
    np.testing.assert_allclose(out["sequence"], paa / encoder.sequence_scale_, rtol=1e-6)
    assert not np.shares_memory(out["image"], out["sequence"])
    # The amplitude that the per-curve scaling of the image loses is in the sequence.
    np.testing.assert_allclose(out["sequence"].max(axis=1), X.max(axis=1) / X.max(), rtol=0.05)


def test_dict_output_with_full_length_sequence_is_the_scaled_curve():
    X = load_curves(n=4, length=12)
    out = images_of(GramianAngularFieldEncoder(1.0), X)  # one window per point: no averaging
    np.testing.assert_allclose(out["sequence"], X / np.abs(X).max(), rtol=1e-6)


def test_global_sequence_scale_is_fitted_on_train_only():
    X_train = load_curves(n=10, seed=3)
    X_test = 3.0 * load_curves(n=5, seed=4)
    encoder = GramianAngularFieldEncoder(20).fit(X_train)
    scale = encoder.sequence_scale_
    assert scale == pytest.approx(np.abs(_gaf._paa(X_train, 20, False)).max())
    sequences = encoder.transform(X_test)["sequence"]
    assert encoder.sequence_scale_ == scale
    np.testing.assert_allclose(sequences, _gaf._paa(X_test, 20, False) / scale, rtol=1e-6)
    assert sequences.max() > 1.5  # not clipped, not refitted on the test curves


def test_sequence_scaling_none_keeps_raw_values():
    X = load_curves(n=4)
    encoder = GramianAngularFieldEncoder(12, sequence_scaling=None).fit(X)
    assert encoder.sequence_scale_ == 1.0
    sequences = encoder.transform(X)["sequence"]
    np.testing.assert_allclose(sequences, _gaf._paa(X, 12, False), rtol=1e-6)


def test_all_zero_training_curves_give_unit_scale():
    encoder = GramianAngularFieldEncoder().fit(np.zeros((3, 8)))
    assert encoder.sequence_scale_ == 1.0
    out = encoder.transform(np.ones((2, 8)))
    assert np.isfinite(out["image"]).all() and np.isfinite(out["sequence"]).all()
    np.testing.assert_array_equal(out["sequence"], 1.0)


def test_conditions_pass_through_unscaled():
    rng = np.random.default_rng(0)
    curves = rng.random((5, 40))
    thickness = rng.uniform(1, 4, (5, 2))
    X = np.column_stack([curves, thickness])
    X_before = X.copy()
    with_conditions = GramianAngularFieldEncoder(8, n_conditions=2).fit(X)
    plain = GramianAngularFieldEncoder(8).fit(curves)
    assert with_conditions.n_features_in_ == 42 and with_conditions.image_shape_ == (1, 8, 8)
    assert with_conditions.sequence_scale_ == plain.sequence_scale_  # fitted on the curve points only
    out = with_conditions.transform(X)
    assert list(out) == ["image", "sequence", "conditions"]
    assert out["conditions"].shape == (5, 2) and out["conditions"].dtype == np.float64
    np.testing.assert_array_equal(out["conditions"], thickness)  # unscaled, not rounded to float32
    reference = plain.transform(curves)
    np.testing.assert_array_equal(out["image"], reference["image"])
    np.testing.assert_array_equal(out["sequence"], reference["sequence"])
    np.testing.assert_array_equal(X, X_before)


def test_conditions_do_not_change_the_image_or_sequence():
    curves = load_curves(n=6)
    encoder = GramianAngularFieldEncoder(10, n_conditions=1)
    thin = encoder.fit(np.column_stack([curves, np.full(6, 0.5)])).transform(
        np.column_stack([curves, np.full(6, 0.5)]))
    thick = encoder.transform(np.column_stack([curves, np.full(6, 1e6)]))
    np.testing.assert_array_equal(thin["image"], thick["image"])
    np.testing.assert_array_equal(thin["sequence"], thick["sequence"])
    np.testing.assert_array_equal(thick["conditions"], 1e6)


def test_many_conditions():
    # More conditions than image points: no limit from the image size (the
    # old packed-rows layout needed k < image_size).
    rng = np.random.default_rng(2)
    curves, conditions = load_curves(n=5, length=40), rng.normal(size=(5, 20)) * 100
    encoder = GramianAngularFieldEncoder(8, n_conditions=20)
    out = encoder.fit_transform(np.column_stack([curves, conditions]))
    assert encoder.image_size_ == 8 and encoder.n_features_in_ == 60
    assert out["image"].shape == (5, 1, 8, 8) and out["sequence"].shape == (5, 8)
    np.testing.assert_array_equal(out["conditions"], conditions)
    np.testing.assert_array_equal(out["image"], GramianAngularFieldEncoder(8).fit_transform(curves)["image"])
    # image_size=1.0 resolves against the curve points, not the conditions.
    assert GramianAngularFieldEncoder(1.0, n_conditions=20).fit(
        np.column_stack([curves, conditions])).image_size_ == 40


def test_dict_output_in_a_pipeline_with_the_regressor():
    pytest.importorskip("torch")
    from skmat import SPTSeq2SeqRegressor
    from skmat.datasets import make_small_punch_test

    spt = make_small_punch_test(40, random_state=0)
    tiny = dict(max_epochs=1, module__hidden_size=8, module__num_layers=1, module__num_heads=2,
                module__conv1d_channels=2, verbose=0, random_state=0)
    model = make_pipeline(GramianAngularFieldEncoder(16), SPTSeq2SeqRegressor(**tiny))
    pred = model.fit(spt.data, spt.target).predict(spt.data[:3])
    assert pred.shape == (3, 35) and np.isfinite(pred).all()
    assert model[-1].uses_image_ and model[-1].sequence_length_ == 16
    X = np.column_stack([spt.data, spt.params["thickness"]])
    model = make_pipeline(GramianAngularFieldEncoder(16, n_conditions=1), SPTSeq2SeqRegressor(**tiny))
    assert model.fit(X, spt.target).predict(X[:3]).shape == (3, 35)
    assert model[-1].n_conditions_ == 1


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_name_the_curve(bad):
    X = random_curves()
    X[3, 7] = bad
    X[5, 2] = bad
    with pytest.raises(ValueError, match=r"curve 3 .*timestamp 7"):
        GramianAngularFieldEncoder().fit(X)
    encoder = GramianAngularFieldEncoder().fit(random_curves())
    with pytest.raises(ValueError, match=r"NaN or inf: curve 3 .*timestamp 7"):
        encoder.transform(X)


def test_non_finite_condition_names_the_curve():
    X = np.column_stack([random_curves(), np.ones(N_CURVES)])
    X[6, -1] = np.nan
    with pytest.raises(ValueError, match=rf"curve 6 .*condition column 0 \(column {N_POINTS} of X\)"):
        GramianAngularFieldEncoder(n_conditions=1).fit(X)


def test_unscaled_values_outside_unit_interval_name_the_curve():
    X = np.tanh(random_curves())
    X[4, :] = 1.5
    with pytest.raises(ValueError, match=r"sample_range=None.*curve 4"):
        images_of(GramianAngularFieldEncoder(sample_range=None, output="image"), X)


def test_wrong_number_of_timestamps_at_transform():
    encoder = GramianAngularFieldEncoder().fit(random_curves(length=60))
    msg = "X has 50 features, but GramianAngularFieldEncoder is expecting 60 features as input"
    with pytest.raises(ValueError, match=msg):
        encoder.transform(random_curves(length=50))


def test_transform_before_fit():
    with pytest.raises(NotFittedError):
        GramianAngularFieldEncoder().transform(random_curves())


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"image_size": 0}, ValueError, r"'image_size' parameter of GramianAngularFieldEncoder must be an int in the range \[1, inf\) or a float in the range \(0.0, 1.0\]. Got 0 instead"),
        ({"image_size": N_POINTS + 1}, ValueError, "n_features = 60"),
        ({"image_size": 0.0}, ValueError, r"'image_size' parameter of GramianAngularFieldEncoder must be an int in the range \[1, inf\) or a float in the range \(0.0, 1.0\]. Got 0.0 instead"),
        ({"image_size": 1.5}, ValueError, r"'image_size' parameter of GramianAngularFieldEncoder must be an int in the range \[1, inf\) or a float in the range \(0.0, 1.0\]. Got 1.5 instead"),
        ({"image_size": "10"}, TypeError, r"'image_size' parameter of GramianAngularFieldEncoder must be an int in the range \[1, inf\) or a float in the range \(0.0, 1.0\]. Got '10' instead"),
        ({"image_size": True}, TypeError, r"'image_size' parameter of GramianAngularFieldEncoder must be an int in the range \[1, inf\) or a float in the range \(0.0, 1.0\]. Got True instead"),
        ({"method": "s"}, ValueError, r"'method' parameter of GramianAngularFieldEncoder must be a str among .*Got 's' instead"),
        ({"sample_range": (-2, 1)}, ValueError, "-1 <= min < max <= 1"),
        ({"sample_range": (0.5, 0.5)}, ValueError, "-1 <= min < max <= 1"),
        ({"sample_range": (0,)}, ValueError, "-1 <= min < max <= 1"),
        ({"sample_range": "unit"}, ValueError, "-1 <= min < max <= 1"),
        ({"overlapping": "yes"}, TypeError, r"'overlapping' parameter of GramianAngularFieldEncoder must be an instance of 'bool'.*Got 'yes' instead"),
        ({"output": "images"}, ValueError, r"'output' parameter of GramianAngularFieldEncoder must be a str among .*Got 'images' instead"),
        ({"output": None}, ValueError, r"'output' parameter of GramianAngularFieldEncoder must be a str among .*Got None instead"),
        ({"output": True}, ValueError, r"'output' parameter of GramianAngularFieldEncoder must be a str among .*Got True instead"),
        ({"sequence_scaling": "local"}, ValueError, r"'sequence_scaling' parameter of GramianAngularFieldEncoder must be a str among \{'global'\} or None. Got 'local' instead"),
    ],
)
def test_invalid_params_raise_at_fit(params, error, match):
    encoder = GramianAngularFieldEncoder(**params)  # __init__ only stores them
    with pytest.raises(error, match=match):
        encoder.fit(random_curves())


# ---------------------------------------------------------------- sklearn


# Every common check passes with output="image" (the checks expect an array
# from transform; the default dict output is tested above and with the
# regressor): the encoder takes the numeric 2-D X the checks feed (1
# timestamp included: image_size=1.0 and 1 resolve to 1 x 1 images),
# declares preserves_dtype=["float32"] (its output is float32 whatever the
# input) and opts out of set_output. Expected failures, with a reason each,
# would go here.
EXPECTED_FAILED_CHECKS: dict[str, str] = {}


@parametrize_with_checks(
    [
        GramianAngularFieldEncoder(output="image"),
        GramianAngularFieldEncoder(0.5, method="difference", overlapping=True, output="image"),
        GramianAngularFieldEncoder(1, sample_range=(0, 1), sequence_scaling=None, output="image"),
    ],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_api(estimator, check):
    check(estimator)


@pytest.mark.parametrize("output", ["dict", "image"])
def test_pickle_round_trip(output):
    X = load_curves()
    encoder = GramianAngularFieldEncoder(0.25, method="difference", output=output).fit(X)
    restored = pickle.loads(pickle.dumps(encoder))
    assert_same_output(restored.transform(X), encoder.transform(X))
    assert restored.sequence_scale_ == encoder.sequence_scale_
    assert restored.output == output


def _flatten(images):
    return images.reshape(len(images), -1)


class _FlattenDict(TransformerMixin, BaseEstimator):
    """Image pixels, then sequence, then conditions, as one row per curve (for linear models)."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        parts = [X["image"], X["sequence"], X.get("conditions", np.zeros((len(X["image"]), 0)))]
        return np.hstack([part.reshape(len(part), -1) for part in parts])


@pytest.mark.parametrize("output", ["dict", "image"])
def test_pipeline_and_grid_search(output):
    X = load_curves(n=40, length=40, seed=5)
    y = X.max(axis=1) / 1000.0
    flatten = _FlattenDict() if output == "dict" else FunctionTransformer(_flatten)
    pipe = make_pipeline(GramianAngularFieldEncoder(8, output=output), flatten, Ridge())
    assert pipe.fit(X, y).predict(X).shape == (40,)
    search = GridSearchCV(pipe, {"gramianangularfieldencoder__image_size": [4, 0.25],
                                 "gramianangularfieldencoder__method": ["summation", "difference"]},
                          cv=2)
    search.fit(X, y)
    assert search.best_params_["gramianangularfieldencoder__image_size"] in (4, 0.25)
    pickle.loads(pickle.dumps(search.best_estimator_)).predict(X)


def test_dataframe_input_records_feature_names():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(random_curves(n=4, length=6), columns=[f"d{i}" for i in range(6)])
    encoder = GramianAngularFieldEncoder().fit(X)
    assert encoder.feature_names_in_.tolist() == list(X.columns)
    out = encoder.transform(X)
    assert out["image"].shape == (4, 1, 6, 6) and out["sequence"].shape == (4, 6)
    assert GramianAngularFieldEncoder(output="image").fit(X).transform(X).shape == (4, 1, 6, 6)
    X["thickness"] = [0.5, 0.5, 1.0, 1.0]
    out = GramianAngularFieldEncoder(n_conditions=1).fit(X).transform(X)
    assert out["image"].shape == (4, 1, 6, 6)
    np.testing.assert_array_equal(out["conditions"][:, 0], X["thickness"])


# ---------------------------------------------------------------- no pyts, no numba


def test_import_and_use_load_neither_pyts_nor_numba():
    code = textwrap.dedent(
        """
        import sys
        import numpy as np
        import skmat
        encoder = skmat.GramianAngularFieldEncoder(image_size=8)
        out = encoder.fit_transform(np.random.default_rng(0).normal(size=(5, 30)))
        assert out["image"].shape == (5, 1, 8, 8), out["image"].shape
        assert out["sequence"].shape == (5, 8), out["sequence"].shape
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("pyts", "numba"))
        assert not loaded, loaded
        print("ok")
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


# ---------------------------------------------------------------- the benchmark script


def test_benchmark_script_smoke(pyts_gaf, tmp_path, capsys, monkeypatch):
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "gaf_speed.py"
    spec = importlib.util.spec_from_file_location("gaf_speed", script)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "gaf_speed", module)  # for its dataclass
    spec.loader.exec_module(module)
    out = tmp_path / "gaf_speed.md"
    status = module.main(["--n", "12", "--length", "30", "--image-size", "10", "--repeats", "1",
                          "--min-ratio", "0", "--out", str(out)])
    assert status == 0
    text = out.read_text()
    assert "Command:" in text and "| summation | skmat" in text and "PASS" in text
    assert "max abs diff" in capsys.readouterr().out


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(n_conditions=1, output="image"), "n_conditions=1 needs output='dict'"),
        (dict(n_conditions=-1), r"'n_conditions' parameter of GramianAngularFieldEncoder must be an int in the range \[0, inf\). Got -1 instead"),
        (dict(n_conditions=1.0), r"'n_conditions' parameter of GramianAngularFieldEncoder must be an int in the range \[0, inf\). Got 1.0 instead"),
        (dict(n_conditions=True), r"'n_conditions' parameter of GramianAngularFieldEncoder must be an int in the range \[0, inf\). Got True instead"),
        (dict(n_conditions=20), "n_conditions=20 leaves no curve points"),
        (dict(n_conditions=25), "n_conditions=25 leaves no curve points"),
        (dict(n_conditions=15), "n_features = 5"),  # 5 curve points left for 8 image points
    ],
)
def test_invalid_conditions_are_rejected(params, match):
    with pytest.raises(ValueError, match=match):
        GramianAngularFieldEncoder(**{"image_size": 8, **params}).fit(np.random.rand(3, 20))


def test_text_and_ragged_rows_are_errors_naming_the_cell_and_lengths():
    X = np.sin(np.linspace(0, 3, 12))[None].repeat(3, axis=0) * np.arange(1, 4)[:, None]
    encoder = GramianAngularFieldEncoder(4).fit(X)
    cells = X.astype(object)
    cells[1, 4] = "a"
    with pytest.raises(ValueError, match=r"expects numbers in X, but curve 1 \(row 1\) has 'a' at column 4\."):
        encoder.transform(cells)
    frame = pd.DataFrame(cells, columns=[f"F{j}" for j in range(12)])
    with pytest.raises(ValueError, match=r"curve 1 \(row 1\) has 'a' at column 4 \('F4'\)"):
        encoder.transform(frame)
    with pytest.raises(ValueError, match="curve 0 has 12 values and curve 2 has 11"):
        encoder.transform([list(X[0]), list(X[1]), list(X[2][:-1])])


def test_the_batch_carries_the_raw_curves_without_conditions_and_slices_them():
    X = np.column_stack([np.arange(24.0).reshape(3, 8), [1.0, 2.0, 3.0]])
    batch = GramianAngularFieldEncoder(4, n_conditions=1).fit_transform(X)
    np.testing.assert_array_equal(batch.curves, X[:, :-1])
    np.testing.assert_array_equal(batch[np.array([2, 0])].curves, X[[2, 0], :-1])
