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
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from skmat.encoders import GramianAngularFieldEncoder, split_gaf_and_sequence
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
                                         overlapping=overlapping)
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
        ours = images_of(GramianAngularFieldEncoder(image_size, method=method, sample_range=None), X)
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
    encoder = GramianAngularFieldEncoder(0.5, method=method, sample_range=sample_range)
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
    encoder = GramianAngularFieldEncoder(0.14).fit(X)
    assert encoder.image_size_ == math.ceil(0.14 * 50) == 8  # 0.14 * 50 = 7.000000000000001
    np.testing.assert_allclose(encoder.transform(X)[:, 0], pyts_gaf(image_size=0.14).transform(X),
                               rtol=0, atol=1e-5)


def test_constant_raw_curve_is_constant_whatever_the_window_sums():
    X = np.full((2, 50), 1234.567)
    X[1] = np.linspace(0, 1, 50)
    for image_size in (7, 0.33, 50):
        out = images_of(GramianAngularFieldEncoder(image_size), X)
        np.testing.assert_array_equal(out[0], 1.0)


# ---------------------------------------------------------------- the formulas, without pyts


@pytest.mark.parametrize("method", ["summation", "difference"])
def test_formula_and_signs(method):
    X = load_curves(n=5)
    encoder = GramianAngularFieldEncoder(12, method=method, sample_range=(0, 1)).fit(X)
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
    gasf = images_of(GramianAngularFieldEncoder(), X)[:, 0]
    gadf = images_of(GramianAngularFieldEncoder(method="difference"), X)[:, 0]
    np.testing.assert_allclose(gasf, gasf.transpose(0, 2, 1), atol=1e-6)
    np.testing.assert_allclose(gadf, -gadf.transpose(0, 2, 1), atol=1e-6)
    np.testing.assert_allclose(np.diagonal(gadf, axis1=1, axis2=2), 0.0, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_float32_output_shape(dtype):
    X = (random_curves(n=7, length=30) * 10).astype(dtype)
    for image_size, side in ((1.0, 30), (0.5, 15), (9, 9), (1, 1)):
        for keep_sequence in (False, True):
            encoder = GramianAngularFieldEncoder(image_size, keep_sequence=keep_sequence).fit(X)
            out = encoder.transform(X)
            assert out.dtype == np.float32
            assert out.shape == (7, *encoder.image_shape_)
            assert encoder.image_shape_ == (1, side + keep_sequence, side)


def test_single_timestamp():
    out = images_of(GramianAngularFieldEncoder(), np.arange(5.0)[:, None])
    assert out.shape == (5, 1, 1, 1)
    np.testing.assert_array_equal(out, 1.0)  # constant curves: x = -1, cos(2 pi) = 1


def test_chunks_give_the_same_images(monkeypatch):
    X = random_curves(n=45, length=25)
    for keep_sequence in (False, True):
        encoder = GramianAngularFieldEncoder(0.6, method="difference", keep_sequence=keep_sequence)
        whole = images_of(encoder, X)
        monkeypatch.setattr(_gaf, "_CHUNK", 4)
        chunked = images_of(clone(encoder), X)
        monkeypatch.undo()
        np.testing.assert_array_equal(chunked, whole)


def test_input_not_modified():
    X = random_curves()
    X_copy = X.copy()
    for sample_range in ((-1, 1), None):
        data = np.tanh(X) if sample_range is None else X
        before = data.copy()
        images_of(GramianAngularFieldEncoder(sample_range=sample_range, keep_sequence=True), data)
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
    out = images_of(GramianAngularFieldEncoder(image_size, method=method, overlapping=overlapping), X)
    assert np.isfinite(out).all()
    assert np.abs(out).max() <= 1 + 1e-6


# ---------------------------------------------------------------- keep_sequence


def test_keep_sequence_layout_and_split():
    X = load_curves()
    plain = images_of(GramianAngularFieldEncoder(16), X)
    encoder = GramianAngularFieldEncoder(16, keep_sequence=True)
    out = images_of(encoder, X)
    assert out.shape == (N_CURVES, 1, 17, 16)
    np.testing.assert_allclose(out[:, :, :16, :], plain, rtol=0, atol=1e-7)
    paa = _gaf._paa(X, 16, False)
    assert encoder.sequence_scale_ == pytest.approx(np.abs(paa).max())
    np.testing.assert_allclose(out[:, 0, 16, :], paa / np.abs(paa).max(), rtol=1e-6)

    images, sequences = split_gaf_and_sequence(out)
    assert images.shape == (N_CURVES, 1, 16, 16) and sequences.shape == (N_CURVES, 16)
    np.testing.assert_array_equal(images, out[:, :, :16])
    np.testing.assert_array_equal(sequences, out[:, 0, 16])
    assert np.shares_memory(images, out) and np.shares_memory(sequences, out)
    # The amplitude that the per-curve scaling of the image loses is in the sequence.
    np.testing.assert_allclose(sequences.max(axis=1), X.max(axis=1) / X.max(), rtol=0.05)


def test_split_rejects_other_shapes():
    for shape in [(3, 1, 4, 4), (3, 2, 5, 4), (3, 5, 4), (5, 4)]:
        with pytest.raises(ValueError, match="keep_sequence=True"):
            split_gaf_and_sequence(np.zeros(shape, dtype=np.float32))


def test_split_works_on_torch_batches():
    torch = pytest.importorskip("torch")
    out = images_of(GramianAngularFieldEncoder(8, keep_sequence=True), load_curves(n=3))
    images, sequences = split_gaf_and_sequence(torch.from_numpy(out))
    assert tuple(images.shape) == (3, 1, 8, 8) and tuple(sequences.shape) == (3, 8)
    np.testing.assert_array_equal(sequences.numpy(), out[:, 0, 8])


def test_global_sequence_scale_is_fitted_on_train_only():
    X_train = load_curves(n=10, seed=3)
    X_test = 3.0 * load_curves(n=5, seed=4)
    encoder = GramianAngularFieldEncoder(20, keep_sequence=True).fit(X_train)
    scale = encoder.sequence_scale_
    assert scale == pytest.approx(np.abs(_gaf._paa(X_train, 20, False)).max())
    _, sequences = split_gaf_and_sequence(encoder.transform(X_test))
    assert encoder.sequence_scale_ == scale
    np.testing.assert_allclose(sequences, _gaf._paa(X_test, 20, False) / scale, rtol=1e-6)
    assert sequences.max() > 1.5  # not clipped, not refitted on the test curves


def test_sequence_scaling_none_keeps_raw_values():
    X = load_curves(n=4)
    encoder = GramianAngularFieldEncoder(12, keep_sequence=True, sequence_scaling=None).fit(X)
    assert encoder.sequence_scale_ == 1.0
    _, sequences = split_gaf_and_sequence(encoder.transform(X))
    np.testing.assert_allclose(sequences, _gaf._paa(X, 12, False), rtol=1e-6)


def test_all_zero_training_curves_give_unit_scale():
    encoder = GramianAngularFieldEncoder(keep_sequence=True).fit(np.zeros((3, 8)))
    assert encoder.sequence_scale_ == 1.0
    assert np.isfinite(encoder.transform(np.ones((2, 8)))).all()


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


def test_unscaled_values_outside_unit_interval_name_the_curve():
    X = np.tanh(random_curves())
    X[4, :] = 1.5
    with pytest.raises(ValueError, match=r"sample_range=None.*curve 4"):
        images_of(GramianAngularFieldEncoder(sample_range=None), X)


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
        ({"image_size": 0}, ValueError, "between 1 and the number of timestamps"),
        ({"image_size": N_POINTS + 1}, ValueError, "n_features = 60"),
        ({"image_size": 0.0}, ValueError, r"in \(0, 1\]"),
        ({"image_size": 1.5}, ValueError, r"in \(0, 1\]"),
        ({"image_size": "10"}, TypeError, "int or a float"),
        ({"image_size": True}, TypeError, "int or a float"),
        ({"method": "s"}, ValueError, "method must be one of"),
        ({"sample_range": (-2, 1)}, ValueError, "-1 <= min < max <= 1"),
        ({"sample_range": (0.5, 0.5)}, ValueError, "-1 <= min < max <= 1"),
        ({"sample_range": (0,)}, ValueError, "-1 <= min < max <= 1"),
        ({"sample_range": "unit"}, ValueError, "-1 <= min < max <= 1"),
        ({"overlapping": "yes"}, TypeError, "overlapping must be True or False"),
        ({"keep_sequence": 1}, TypeError, "keep_sequence must be True or False"),
        ({"sequence_scaling": "local"}, ValueError, "sequence_scaling must be one of"),
    ],
)
def test_invalid_params_raise_at_fit(params, error, match):
    encoder = GramianAngularFieldEncoder(**params)  # __init__ only stores them
    with pytest.raises(error, match=match):
        encoder.fit(random_curves())


# ---------------------------------------------------------------- sklearn


# Every common check passes: the encoder takes the numeric 2-D X the checks
# feed (1 timestamp included: image_size=1.0 and 1 resolve to 1 x 1 images),
# declares preserves_dtype=["float32"] (its output is float32 whatever the
# input) and opts out of set_output. Expected failures, with a reason each,
# would go here.
EXPECTED_FAILED_CHECKS: dict[str, str] = {}


@parametrize_with_checks(
    [
        GramianAngularFieldEncoder(),
        GramianAngularFieldEncoder(0.5, method="difference", overlapping=True),
        GramianAngularFieldEncoder(1, sample_range=(0, 1), keep_sequence=True),
    ],
    expected_failed_checks=lambda estimator: EXPECTED_FAILED_CHECKS,
)
def test_sklearn_api(estimator, check):
    check(estimator)


def test_pickle_round_trip():
    X = load_curves()
    encoder = GramianAngularFieldEncoder(0.25, method="difference", keep_sequence=True).fit(X)
    restored = pickle.loads(pickle.dumps(encoder))
    np.testing.assert_array_equal(restored.transform(X), encoder.transform(X))
    assert restored.sequence_scale_ == encoder.sequence_scale_


def _flatten(images):
    return images.reshape(len(images), -1)


def test_pipeline_and_grid_search():
    X = load_curves(n=40, length=40, seed=5)
    y = X.max(axis=1) / 1000.0
    pipe = make_pipeline(GramianAngularFieldEncoder(8, keep_sequence=True),
                         FunctionTransformer(_flatten), Ridge())
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
    assert encoder.transform(X).shape == (4, 1, 6, 6)


# ---------------------------------------------------------------- no pyts, no numba


def test_import_and_use_load_neither_pyts_nor_numba():
    code = textwrap.dedent(
        """
        import sys
        import numpy as np
        import skmat
        encoder = skmat.GramianAngularFieldEncoder(image_size=8, keep_sequence=True)
        out = encoder.fit_transform(np.random.default_rng(0).normal(size=(5, 30)))
        assert out.shape == (5, 1, 9, 8), out.shape
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


def test_conditions_pass_through_unscaled_in_their_own_row():
    from skmat.encoders import split_gaf_and_sequence, split_gaf_conditions

    rng = np.random.default_rng(0)
    curves = rng.random((5, 40))
    thickness = rng.uniform(1, 4, (5, 2))
    X = np.column_stack([curves, thickness])
    with_conditions = GramianAngularFieldEncoder(8, keep_sequence=True, n_conditions=2).fit(X)
    plain = GramianAngularFieldEncoder(8, keep_sequence=True).fit(curves)
    out = with_conditions.transform(X)
    assert out.shape == (5, 1, 10, 8) and with_conditions.image_shape_ == (1, 10, 8)
    images, sequences = split_gaf_and_sequence(out)
    ref_images, ref_sequences = split_gaf_and_sequence(plain.transform(curves))
    np.testing.assert_array_equal(images, ref_images)
    np.testing.assert_array_equal(sequences, ref_sequences)
    np.testing.assert_allclose(split_gaf_conditions(out), thickness, rtol=1e-6)
    assert np.all(out[:, 0, 9, 0] == 2) and np.all(out[:, 0, 9, 3:] == 0)


@pytest.mark.parametrize("params", [dict(n_conditions=1), dict(n_conditions=-1, keep_sequence=True),
                                    dict(n_conditions=8, keep_sequence=True, image_size=8)])
def test_invalid_conditions_are_rejected(params):
    with pytest.raises(ValueError, match="n_conditions"):
        GramianAngularFieldEncoder(**{"image_size": 8, **params}).fit(np.random.rand(3, 20))
