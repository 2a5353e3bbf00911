"""SPTCorrectedInverseRegressor: the inverse fit with the simulator's error learned from reference runs."""

from __future__ import annotations

import io
import re
import warnings

import numpy as np
import pytest
import torch
from sklearn.pipeline import make_pipeline

from skmat import load_pipeline, save_pipeline
from skmat.datasets import load_small_punch_fem, make_small_punch_test
from skmat.models import SPTCorrectedInverseRegressor, SPTInverseFitRegressor
from skmat.models._persistence import write_payload
from skmat.models._simulator_correction import fit_force_correction, predict_force_correction

TEST = np.arange(40) % 4 == 0  # every fourth FE run held out (all thicknesses and materials on both sides)


@pytest.fixture(scope="module")
def fem():
    data = load_small_punch_fem(strain_grid="default")
    return np.column_stack([data.data, data.params["thickness"]]), data.target, data.params


@pytest.fixture(scope="module")
def fitted(fem):
    X, y, _ = fem
    return SPTCorrectedInverseRegressor().fit(X[~TEST], y[~TEST])


def plastic_mape(predicted, target):
    return np.median(np.abs(predicted[:, 2:] / target[:, 2:] - 1), axis=1)


def test_the_correction_beats_the_plain_inverse_fit_on_held_out_fe_runs(fem, fitted):
    X, y, params = fem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # one held-out run lies just outside the training materials
        corrected = plastic_mape(fitted.predict(X[TEST]), y[TEST])
        plain = plastic_mape(SPTInverseFitRegressor().fit(X[~TEST]).predict(X[TEST]), y[TEST])
        found = fitted.fit_parameters(X[TEST])
    assert np.median(corrected) < 0.5 * np.median(plain)
    assert np.median(corrected) < 0.01
    k_error = np.abs(found["strength_coefficient"] / params["strength_coefficient"][TEST].to_numpy() - 1)
    assert np.median(k_error) < 0.02


def test_training_materials_are_the_flow_law_of_each_target(fem, fitted):
    _, _, params = fem
    truth = params[["strength_coefficient", "hardening_exponent", "thickness"]].to_numpy()[~TEST]
    np.testing.assert_allclose(fitted.training_materials_, truth, rtol=0.01)
    assert (fitted.law_misfit_ < 0.005).all()


def test_on_the_simulators_own_curves_there_is_nothing_to_correct():
    spt = make_small_punch_test(24, random_state=3, strength_coefficient_range=(200.0, 500.0),
                                hardening_exponent_range=(0.1, 0.4))
    X = np.column_stack([spt.data, spt.params["thickness"]])
    model = SPTCorrectedInverseRegressor().fit(X[:16], spt.target[:16])
    ratio = predict_force_correction(model.force_correction_, np.column_stack(
        [np.log(model.training_materials_[:, 0]), model.training_materials_[:, 1:]]))
    assert np.abs(ratio).max() < 1e-3
    found = model.fit_parameters(X[16:])
    np.testing.assert_allclose(found["hardening_exponent"], spt.params["hardening_exponent"][16:], atol=2e-3)


def test_the_correction_is_scikit_learns_gaussian_process_as_plain_arrays():
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import RBF, ConstantKernel, WhiteKernel

    rng = np.random.default_rng(1)
    inputs = rng.uniform(size=(15, 3)) * [1.0, 0.4, 3.0] + [5.0, 0.1, 1.0]
    values = np.column_stack([np.sin(inputs[:, 0]), inputs[:, 1] * inputs[:, 2], np.zeros(15)])
    state = fit_force_correction(inputs, values)
    standard = (inputs - state["input_offset"]) / state["input_scale"]
    kernel = (ConstantKernel(state["amplitude"], "fixed") * RBF(state["length_scale"], "fixed")
              + WhiteKernel(state["noise"], "fixed"))
    reference = GaussianProcessRegressor(kernel, normalize_y=True, optimizer=None).fit(standard, values)
    new = rng.uniform(size=(6, 3)) * [1.0, 0.4, 3.0] + [5.0, 0.1, 1.0]
    np.testing.assert_allclose(predict_force_correction(state, new),
                               reference.predict((new - state["input_offset"]) / state["input_scale"]),
                               rtol=1e-6, atol=1e-9)


def test_the_band_is_proportional_to_the_stress_and_holds_the_held_out_points(fem, fitted):
    X, y, _ = fem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        stress, std = fitted.predict(X[TEST], return_std=True)
    assert stress.shape == std.shape == (10, 35)
    np.testing.assert_allclose(std, np.abs(stress) * fitted.band_scale_)
    assert 0.8 <= np.mean(np.abs(stress - y[TEST])[:, 2:] <= 2 * std[:, 2:]) <= 1.0
    assert fitted.cv_mape_.shape == (30,) and np.median(fitted.cv_mape_) < 2


def test_the_same_data_give_the_same_model_and_the_input_is_untouched(fem, fitted):
    X, y, _ = fem
    X_train, y_train = X[~TEST].copy(), y[~TEST].copy()
    again = SPTCorrectedInverseRegressor().fit(X_train, y_train)
    np.testing.assert_array_equal(X_train, X[~TEST])
    np.testing.assert_array_equal(y_train, y[~TEST])
    np.testing.assert_array_equal(again.band_scale_, fitted.band_scale_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        np.testing.assert_array_equal(again.predict(X[TEST]), fitted.predict(X[TEST]))


def test_saved_and_loaded_it_predicts_the_same(fem, fitted, tmp_path):
    X, _, _ = fem
    save_pipeline(make_pipeline(fitted), tmp_path / "corrected.skmat")
    loaded = load_pipeline(tmp_path / "corrected.skmat")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        # Equal to rounding: the loaded arrays may lie differently in memory, which changes the summation order.
        np.testing.assert_allclose(loaded.predict(X[TEST]), fitted.predict(X[TEST]), rtol=1e-9)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda c: c.__setitem__("weights", {"__ndarray__": torch.zeros(3, 181, dtype=torch.float64)}),
         "['weights'] has shape (3, 181); expected n = 30"),
        (lambda c: c.__setitem__("length_scale", {"__ndarray__": torch.tensor([1.0, -1.0, 1.0],
                                                                             dtype=torch.float64)}),
         "length scale, input scale or amplitude that is not positive"),
        (lambda c: c.pop("noise"), "is not a force correction"),
        (lambda c: c.__setitem__("amplitude", float("nan")), "['amplitude'] must be a finite float"),
    ],
)
def test_a_file_with_an_unusable_correction_is_refused_at_load(fem, fitted, edit, message, tmp_path):
    buffer = io.BytesIO()
    save_pipeline(make_pipeline(fitted), buffer)
    payload = torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)
    step = payload["steps"][0]["fitted"]
    correction = step["force_correction_"]
    edit(correction.get("__dict__", correction) if isinstance(correction, dict) else correction)
    payload.pop("content_sha256", None)
    write_payload(payload, tmp_path / "edited.skmat")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_pipeline(tmp_path / "edited.skmat")


def test_a_forged_band_is_refused_at_load(fem, fitted, tmp_path):
    buffer = io.BytesIO()
    save_pipeline(make_pipeline(fitted), buffer)
    payload = torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)
    payload["steps"][0]["fitted"]["band_scale_"] = {"__ndarray__": torch.ones(3, dtype=torch.float64)}
    payload.pop("content_sha256", None)
    write_payload(payload, tmp_path / "edited.skmat")
    with pytest.raises(ValueError, match=re.escape("band_scale_ must be a finite array of shape (35,)")):
        load_pipeline(tmp_path / "edited.skmat")


def test_curves_outside_the_training_runs_are_named_in_a_warning(fem):
    X, y, params = fem
    low = (params["strength_coefficient"] <= 250).to_numpy()  # train on the weak materials only
    model = SPTCorrectedInverseRegressor(band_folds=3).fit(X[low][:20], y[low][:20])
    strong = np.flatnonzero(~low)
    with pytest.warns(UserWarning, match=r"curves 0, 1, 2 lies outside the training runs' range \(K 200-250"):
        model.predict(X[strong[:3]])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda X, y: (X, None), "pass y"),
        (lambda X, y: (X[:3], y[:3]), "at least 4 training runs, got 3"),
        (lambda X, y: (X, np.where(np.arange(y.size).reshape(y.shape) == 40, np.nan, y)),
         "y has nan at row 1, strain point 5"),
        (lambda X, y: (X, np.where(np.arange(y.size).reshape(y.shape) == 36, -1.0, y)),
         "y has -1 MPa at row 1, strain point 1"),
        (lambda X, y: (X, np.where(np.arange(len(y))[:, None] == 2, 0.0, y)), "y is zero everywhere at row 2"),
    ],
)
def test_bad_targets_are_errors_naming_the_row(fem, change, message):
    X, y, _ = fem
    X_bad, y_bad = change(X[:8], y[:8])
    with pytest.raises(ValueError, match=re.escape(message)):
        SPTCorrectedInverseRegressor().fit(X_bad, y_bad)


def test_a_target_that_is_no_flow_law_curve_is_named_in_a_warning(fem):
    X, y, _ = fem
    y = y[:8].copy()
    y[5, 10:] *= 1.5  # a jump no hardening law makes
    with pytest.warns(UserWarning, match=r"misses the target curve 5 \("):
        SPTCorrectedInverseRegressor(band_folds=2).fit(X[:8], y)


def test_kilonewtons_are_refused_as_out_of_reach(fem, fitted):
    X, _, _ = fem
    in_kn = X[TEST].copy()
    in_kn[:, :-1] /= 1000
    with pytest.raises(ValueError, match="Wrong units"):
        fitted.predict(in_kn)
