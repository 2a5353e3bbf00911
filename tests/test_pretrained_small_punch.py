"""The shipped small punch models: loading, the band, the range of validity, fine-tuning in one call."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest
from sklearn.pipeline import Pipeline

import skmat
from skmat.datasets import DEFAULT_STRAIN, load_small_punch_fem
from skmat.models import DeepEnsembleRegressor, PretrainedFeatures, SPTCorrectedInverseRegressor

NAMES = skmat.available_pretrained("small_punch")
DEFAULT = "small-punch-flat5.5"
NETWORK = f"{DEFAULT}-networks"  # the fine-tunable ensemble of networks
NETWORKS = [name for name in NAMES if name != DEFAULT]


@pytest.fixture(scope="module")
def fem():
    data = load_small_punch_fem(strain_grid="default")
    X = np.column_stack([data.data, data.params["thickness"].to_numpy()])
    return X, data.target


def messages(caught):
    return [str(w.message) for w in caught]


def test_the_default_and_the_papers_model_are_shipped():
    assert sorted(NAMES) == [DEFAULT, f"{DEFAULT}-gaf-seq2seq", NETWORK]
    assert isinstance(skmat.load_pretrained(DEFAULT)[-1], SPTCorrectedInverseRegressor)
    # The networks' ensemble joins five networks of each kind; the paper's model is all GAF-Seq2Seq.
    uses_image = [member.uses_image_ for member in skmat.load_pretrained(NETWORK)[-1].estimators_]
    assert sorted(uses_image) == [False] * 5 + [True] * 5
    paper = skmat.load_pretrained(f"{DEFAULT}-gaf-seq2seq")[-1].estimators_
    assert [member.uses_image_ for member in paper] == [True] * 5


@pytest.mark.parametrize("name", NETWORKS)
def test_predicts_curves_with_a_band_close_to_the_fe_runs(name, fem):
    X, y = fem
    model = skmat.load_pretrained(name)
    assert isinstance(model, Pipeline) and isinstance(model[-1], DeepEnsembleRegressor)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the bundled runs are inside the range of validity: no warning
        mean, std = model.predict(X[:12], return_std=True)
    assert mean.shape == std.shape == (12, len(DEFAULT_STRAIN))
    assert np.isfinite(mean).all() and (std[:, 1:] > 0).all()
    # Fine-tuned on these runs: within a few percent of them (plastic points).
    error = np.median(np.abs(mean[:, 2:] / y[:12, 2:] - 1))
    assert error < 0.03
    # The band is the members' spread times the factor the manifest records.
    info = skmat.pretrained_info(name)
    assert np.allclose(model[-1].std_scale_, info["std_scale"], rtol=1e-4)  # recorded to 4 decimals
    _, raw = model[-1]._members_mean_std(model[:-1].transform(X[:12]))
    assert np.allclose(std, raw * model[-1].std_scale_)


@pytest.mark.parametrize("name", NETWORKS)
def test_info_records_recipe_scores_and_range_of_validity(name):
    info = skmat.pretrained_info(name)
    assert info["task"] == "small_punch" and info["units"] == "MPa"
    assert np.allclose(info["strain"], DEFAULT_STRAIN, rtol=0, atol=1e-6)  # recorded to 6 decimals
    assert info["training"]["commands"][0].startswith("python tools/train_small_punch.py")
    assert info["training"]["fine_tune"]["lr_factor"] == 0.05
    validity = info["validity"]
    assert validity["thickness_mm"] == pytest.approx([1.0, 4.0], abs=0.01)  # the simulated range
    assert validity["finite_element"]["hardening_exponent"] == [0.1, 0.48]
    assert validity["geometry"]["clamp_radius_mm"] == 6.5
    scores = info["scores"]
    assert 0 < scores["mape_median_pct"] < 5
    assert 0.8 < scores["coverage_2sigma"] <= 1.0
    assert set(scores["figures_median_ape_pct"]) == {"yield_strength", "tensile_strength", "strength_coefficient",
                                                     "hardening_exponent"}
    assert (skmat.models._shipped._DEFAULT_ESTIMATOR != info["estimator"]
            and info["estimator"].endswith("DeepEnsembleRegressor"))


def test_forces_in_kilonewtons_are_a_warning_naming_the_curves(fem):
    X, _ = fem
    model = skmat.load_pretrained(NETWORK)
    in_kn = X[:3].copy()
    in_kn[:, :-1] /= 1000.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.predict(in_kn)
    text = " ".join(messages(caught))
    assert "curves 0 (" in text and ", 2 (" in text and "other units than at fit" in text
    # Quoted in the units the curves were given in (kN here), against the training peaks in N.
    peaks = np.abs(in_kn[:, :-1]).max(axis=1)
    quoted = [float(v) for v in re.findall(r"curves 0 \(([0-9.e+-]+)\), 1 \(([0-9.e+-]+)\)", text)[0]]
    assert quoted == pytest.approx(peaks[:2], rel=0.1)
    low, high = (float(v) for v in re.search(r"seen at fit \[([0-9.e+-]+), ([0-9.e+-]+)\]", text).groups())
    assert 500 < low < 5_000 and 20_000 < high < 200_000
    # Every member reads the same curves: the ensemble says it once, not once per member.
    assert sum("other units than at fit" in m for m in messages(caught)) == 1


def test_thickness_outside_the_range_is_a_warning_naming_the_curve(fem):
    X, _ = fem
    model = skmat.load_pretrained(NETWORK)
    thick = X[:2].copy()
    thick[1, -1] = 6.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.predict(thick)
    text = " ".join(messages(caught))
    assert "condition 0 of curve 1 (6)" in text and "extrapolation" in text
    assert "curve 0" not in text


@pytest.mark.filterwarnings("ignore:fine_tune. no epoch improved:UserWarning")  # 2 epochs on 5 rows may not
def test_fine_tuning_on_a_labs_runs_is_one_call_and_leaves_the_shipped_model_alone(fem):
    X, y = fem
    model = skmat.load_pretrained(NETWORK)
    before = model.predict(X[30:])
    tuned, report = skmat.fine_tune(model, X[:6], y[:6], max_epochs=2, return_report=True)
    assert report["epochs"] in (0, 1, 2)
    assert np.array_equal(model.predict(X[30:]), before)
    assert np.allclose(tuned[-1].std_scale_, model[-1].std_scale_)  # the band keeps its calibration
    assert tuned.predict(X[30:]).shape == before.shape


def test_composition_features_refuse_a_small_punch_model():
    with pytest.raises(ValueError, match=f"network='{DEFAULT}' is not a shipped composition network"):
        PretrainedFeatures(network=DEFAULT).fit(["Fe2O3"])


# -- the checks read the forces as given (the audit's attacks) ------------------------------------


@pytest.fixture(scope="module")
def simulated():
    spt = skmat.datasets.make_small_punch_test(6, random_state=0)
    return np.column_stack([spt.data, spt.params["thickness"]])


def test_a_negative_force_is_checked_on_the_raw_curve_in_newtons(simulated):
    model = skmat.load_pretrained(NETWORK)
    bad = simulated.copy()
    bad[1, 3] = -5000.0  # 7 % of the curve's peak: once averaged away in the encoder's windows
    with pytest.raises(ValueError, match=r"curve 1 has -5000 at column 3 \(its maximum is 7.315e\+04\)"):
        model.predict(bad)
    bad = simulated.copy()
    bad[1, :-1] *= -1
    with pytest.raises(ValueError, match=r"curve 1 has -3681 at column 1 \(its maximum is 7.315e\+04\)"):
        model.predict(bad)


@pytest.mark.parametrize("thickness", [0.0, -0.5])
def test_an_impossible_thickness_is_an_error_naming_the_curve(simulated, thickness):
    model = skmat.load_pretrained(NETWORK)
    bad = simulated.copy()
    bad[2, -1] = thickness
    with pytest.raises(ValueError, match=rf"condition 0 of curve 2 is {thickness:g}, but it was > 0 in every curve"):
        model.predict(bad)
    bad[2, -1] = 500.0  # positive, far out: still a warning only
    with pytest.warns(UserWarning, match=r"condition 0 of curve 2 \(500\) lies outside the range"):
        model.predict(bad)


def _not_load_curves(simulated):
    odd = simulated.copy()
    odd[0, :-1] = 5000.0
    odd[1, :-1] = simulated[1, -2::-1]  # backwards: its peak near displacement 0
    odd[2, :-1] = np.random.default_rng(0).uniform(0, 5e4, odd.shape[1] - 1)
    odd[2, 0] = 0.0  # noise that starts at zero: only its variation tells
    return odd


def test_curves_that_are_not_load_curves_get_a_warning_naming_them(simulated):
    model = skmat.load_pretrained(NETWORK)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.predict(_not_load_curves(simulated))
    text = " ".join(messages(caught))
    assert "curves 0 (first force 5000, peak 5000), 1 (first force" in text and "start above 0.6" in text
    assert re.search(r"curve 2 \(\d+ peaks\) goes up and down", text)
    assert "curve 3" not in text


def test_the_load_curve_rule_never_fires_on_fe_runs_nor_on_simulated_rigs(fem):
    from skmat._small_punch._curve_input import warn_not_load_curves

    rig = {"noise": (0.0, 0.1), "displacement_offset": (-0.1, 0.1), "compliance": (0.0, 1e-5)}
    batches = [fem[0][:, :-1]] + [
        np.asarray(skmat.datasets.make_small_punch_test(1000, random_state=seed, **kw).data)
        for seed, kw in enumerate([{}, {"noise": 0.2}, {"rig": rig}, {"rig": rig, "thickness_range": (0.3, 1.0)}])
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for curves in batches:
            warn_not_load_curves(curves, "Model")


@pytest.mark.parametrize("name", [DEFAULT, NETWORK])
def test_ragged_curves_are_an_error_naming_their_lengths(name, simulated):
    model = skmat.load_pretrained(name)
    with pytest.raises(ValueError, match="curve 0 has 182 values and curve 1 has 179"):
        model.predict([list(simulated[0]), list(simulated[1][:-3])])


# -- the default: the inverse fit with the simulator's error learned from the FE runs ----------------


def test_the_default_predicts_the_fe_runs_with_a_band_and_no_warning(fem):
    X, y = fem
    model = skmat.load_pretrained(DEFAULT)
    assert [name for name, _ in model.steps] == ["model"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the bundled runs are the ones it learned from: no warning
        mean, std = model.predict(X, return_std=True)
    assert mean.shape == std.shape == (40, len(DEFAULT_STRAIN))
    assert np.median(np.abs(mean[:, 2:] / y[:, 2:] - 1)) < 0.005  # in sample: fitted on these runs
    np.testing.assert_allclose(std, np.abs(mean) * model[-1].band_scale_)
    assert (std[:, 2:] > 0).all()


def test_the_defaults_info_records_its_tool_scores_and_range():
    info = skmat.pretrained_info(DEFAULT)
    assert info["estimator"] == "skmat.SPTCorrectedInverseRegressor" and info["task"] == "small_punch"
    assert info["training"]["commands"][0].startswith("python tools/train_corrected_inverse.py")
    assert np.allclose(info["strain"], DEFAULT_STRAIN, rtol=0, atol=1e-6)
    scores = info["scores"]
    assert 0 < scores["mape_median_pct"] < 0.8  # out of fold, with the networks' folds
    assert 0.9 <= scores["coverage_2sigma"] <= 0.98
    validity = info["validity"]
    assert validity["thickness_mm"] == [1.0, 4.0]
    assert validity["hardening_exponent"] == pytest.approx([0.1, 0.48], abs=0.002)  # fitted to the curves
    assert validity["strength_coefficient_MPa"] == pytest.approx([200, 550], rel=0.01)
    assert info["size_bytes"] < 1_000_000


def test_the_default_refuses_kilonewtons_naming_the_curves(fem):
    X, _ = fem
    in_kn = X[:3].copy()
    in_kn[:, :-1] /= 1000.0
    with pytest.raises(ValueError, match=r"cannot fit curves \[0, 1, 2\].*Wrong units\? The forces must be in N"):
        skmat.load_pretrained(DEFAULT).predict(in_kn)


def test_the_default_names_curves_outside_what_it_learned_and_refuses_impossible_ones(fem, simulated):
    X, _ = fem
    model = skmat.load_pretrained(DEFAULT)
    thick = X[:2].copy()
    thick[1, -1] = 6.0
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.predict(thick)
    text = " ".join(messages(caught))
    assert "curve 1 lies outside the training runs' range" in text and "curve 0" not in text
    bad = simulated.copy()
    bad[2, -1] = 0.0
    with pytest.raises(ValueError, match=r"The thickness of curve 2 is 0 mm"):
        model.predict(bad)
    bad = simulated.copy()
    bad[1, 3] = -5000.0
    with pytest.raises(ValueError, match=r"curve 1 has -5000 at point 3"):
        model.predict(bad)


def test_fine_tune_on_the_default_says_how_to_learn_from_a_labs_runs(fem):
    X, y = fem
    with pytest.raises(TypeError, match=r"fit a new SPTCorrectedInverseRegressor on the bundled runs .* and yours"):
        skmat.fine_tune(skmat.load_pretrained(DEFAULT), X[:6], y[:6])
    # What it says, in one call: the bundled runs and a lab's own (here six of them again) together.
    lab = SPTCorrectedInverseRegressor().fit(np.vstack([X, X[:6]]), np.vstack([y, y[:6]]))
    assert lab.training_materials_.shape == (46, 3)
