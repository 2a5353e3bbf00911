"""The small punch simulator's fitted constants: one object, passed as ``constants=``, and refittable."""

from dataclasses import FrozenInstanceError, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skmat.datasets import (
    DEFAULT_CONSTANTS,
    PAPER_FIGURES_CONSTANTS,
    SimulatorConstants,
    calibrate_small_punch,
    load_small_punch_fem,
    make_small_punch_test,
    simulate_small_punch,
)

RESULTS = Path(__file__).resolve().parents[1] / "benchmarks" / "results" / "spt_calibration.csv"
MATERIALS = dict(hardening_exponent=[0.1, 0.3], thickness=[1.0, 3.0], strength_coefficient=[200.0, 500.0])


def test_defaults_are_used_when_constants_is_none():
    a = simulate_small_punch(**MATERIALS)
    b = simulate_small_punch(**MATERIALS, constants=DEFAULT_CONSTANTS)
    np.testing.assert_array_equal(a.force, b.force)
    assert a.constants is DEFAULT_CONSTANTS


@pytest.mark.parametrize("name", SimulatorConstants.names())
def test_every_constant_changes_the_curves_but_not_the_target(name):
    base = simulate_small_punch(**MATERIALS)
    value = getattr(DEFAULT_CONSTANTS, name)
    changed = replace(DEFAULT_CONSTANTS, **{name: value * 1.5 + 0.05 if np.isfinite(value) else 2.0})
    sim = simulate_small_punch(**MATERIALS, constants=changed)
    assert not np.allclose(sim.force, base.force, rtol=1e-4)
    np.testing.assert_array_equal(sim.stress, base.stress)
    assert sim.constants == changed


def test_make_small_punch_test_passes_constants_through():
    changed = replace(DEFAULT_CONSTANTS, localisation=3.0)
    a = make_small_punch_test(20, random_state=0)
    b = make_small_punch_test(20, random_state=0, constants=changed)
    assert a.constants == DEFAULT_CONSTANTS and b.constants == changed
    assert not np.allclose(a.data, b.data)
    np.testing.assert_array_equal(a.target, b.target)
    np.testing.assert_array_equal(a.params, b.params)


def test_constants_are_frozen_and_validated():
    with pytest.raises(FrozenInstanceError):
        DEFAULT_CONSTANTS.localisation = 1.0
    with pytest.raises(ValueError, match=r"SimulatorConstants.localisation must be finite and > 0, got -1"):
        replace(DEFAULT_CONSTANTS, localisation=-1.0)
    with pytest.raises(ValueError, match=r"deep_plate_factor must be finite and >= 0, got nan"):
        replace(DEFAULT_CONSTANTS, deep_plate_factor=float("nan"))
    with pytest.raises(TypeError, match="must be a real number"):
        replace(DEFAULT_CONSTANTS, localisation="2")
    with pytest.raises(TypeError, match="constants must be a SimulatorConstants or None, got dict"):
        simulate_small_punch(**MATERIALS, constants={"localisation": 2.0})
    with pytest.raises(TypeError, match="constants must be a SimulatorConstants"):
        make_small_punch_test(5, constants=(1, 2))
    assert SimulatorConstants(**DEFAULT_CONSTANTS.as_dict()) == DEFAULT_CONSTANTS


# --- calibrate_small_punch --------------------------------------------------------------------------

# Few curves on a coarse grid: a fit takes well under a second.
ROUND_TRIP = dict(thickness=[1.0, 1.0, 2.5, 4.0], hardening_exponent=[0.1, 0.4, 0.2, 0.3],
                  strength_coefficient=[200.0, 300.0, 500.0, 250.0])
COARSE = np.linspace(0.0, 4.5, 61)
PERTURBED = {"shear_stiffness_factor": 0.7, "localisation": 1.25, "localisation_growth": 0.85}


def _true_constants():
    true = replace(DEFAULT_CONSTANTS, **{k: getattr(DEFAULT_CONSTANTS, k) * f for k, f in PERTURBED.items()})
    return true if np.isfinite(true.membrane_onset) else replace(true, membrane_onset=1.7)


@pytest.mark.parametrize("start_factor", [1.0, 3.0, 0.3])
def test_calibrate_recovers_known_constants_from_any_start(start_factor):
    true = _true_constants()
    sim = simulate_small_punch(**ROUND_TRIP, displacement=COARSE, constants=true)
    # the unperturbed values, times start_factor; the other constants as in the truth
    start = replace(true, **{k: getattr(true, k) / f * start_factor for k, f in PERTURBED.items()})
    fitted, result = calibrate_small_punch(COARSE, sim.force, **ROUND_TRIP, start=start, fit=list(PERTURBED),
                                           loss="linear", return_result=True)
    for name in SimulatorConstants.names():
        assert getattr(fitted, name) == pytest.approx(getattr(true, name), rel=1e-4), name
    assert result.success and result.fit == tuple(PERTURBED)
    assert np.all(result.nrmse < 1e-5) and np.all(result.nrmse_start > result.nrmse)


def test_calibrate_with_yield_stress_and_robust_loss():
    true = _true_constants()
    sim = simulate_small_punch(**ROUND_TRIP, displacement=COARSE, constants=true)
    fitted = calibrate_small_punch(COARSE, sim.force, thickness=ROUND_TRIP["thickness"],
                                   hardening_exponent=ROUND_TRIP["hardening_exponent"], yield_stress=sim.yield_stress,
                                   fit=("localisation",), start=replace(true, localisation=1.0))
    assert fitted.localisation == pytest.approx(true.localisation, rel=1e-4)


def test_calibrate_fits_an_infinite_start_from_a_finite_value():
    """membrane_onset=inf (the paper-figures model's cone) cannot start a logarithmic search."""
    true = _true_constants()
    sim = simulate_small_punch(**ROUND_TRIP, displacement=COARSE, constants=true)
    fitted = calibrate_small_punch(COARSE, sim.force, **ROUND_TRIP, fit=["membrane_onset"],
                                   start=replace(true, membrane_onset=float("inf")), loss="linear")
    assert fitted.membrane_onset == pytest.approx(true.membrane_onset, rel=1e-3)


def test_calibrate_one_curve_as_1d():
    true = _true_constants()
    sim = simulate_small_punch(hardening_exponent=0.2, thickness=1.5, strength_coefficient=300.0,
                               displacement=COARSE, constants=true)
    fitted = calibrate_small_punch(COARSE, sim.force[0], thickness=1.5, hardening_exponent=0.2,
                                   strength_coefficient=300.0, fit="localisation", loss="linear",
                                   start=replace(true, localisation=1.0))
    assert fitted.localisation == pytest.approx(true.localisation, rel=1e-4)


@pytest.mark.parametrize(
    "change, error, message",
    [
        (dict(force=lambda f: np.where(np.arange(61) == 7, np.nan, f)), ValueError,
         r"force must be finite; curve 0 has nan at point 7"),
        (dict(force=lambda f: f[:, :-1]), ValueError, r"force has 60 points per curve but displacement has 61"),
        (dict(force=lambda f: f[None]), ValueError, r"force must be 1-D .* or 2-D"),
        (dict(force=lambda f: np.vstack([f[:1], 0 * f[1:2], f[2:]])), ValueError,
         r"positive maximum in every curve; curve 1"),
        (dict(displacement=COARSE[::-1]), ValueError, "displacement must be 1-D, finite, >= 0 and strictly increasing"),
        (dict(thickness=[1.0, 2.0]), ValueError, r"one value per curve \(4\)"),
        (dict(thickness=[1.0, 1.0, 2.5, 9.0]), ValueError, r"thickness must be in \(0, 7.48\] mm .*sample 3"),
        (dict(hardening_exponent=[0.1, np.nan, 0.2, 0.3]), ValueError, r"hardening_exponent .*nan for sample 1"),
        (dict(fit=["localisation", "stiffness"]), ValueError, r"unknown: \['stiffness'\]"),
        (dict(fit=[]), ValueError, "fit must be 'all' or distinct names"),
        (dict(fit=["localisation", "localisation"]), ValueError, "fit must be 'all' or distinct names"),
        (dict(start={"localisation": 2.0}), TypeError, "constants must be a SimulatorConstants"),
        (dict(geometry="ball"), ValueError, "geometry must be one of"),
        (dict(f_scale=0.0), ValueError, "f_scale must be finite and > 0"),
    ],
)
def test_calibrate_rejects_bad_input(change, error, message):
    force = simulate_small_punch(**ROUND_TRIP, displacement=COARSE).force
    kwargs = dict(ROUND_TRIP, fit=["localisation"], max_nfev=2)
    displacement = change.pop("displacement", COARSE) if "displacement" in change else COARSE
    if "force" in change:
        force = change.pop("force")(force)
    kwargs.update(change)
    with pytest.raises(error, match=message):
        calibrate_small_punch(displacement, force, **kwargs)


# --- the committed refit -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fem():
    data = load_small_punch_fem()
    p = data.params
    data.materials = dict(thickness=p.thickness.to_numpy(), hardening_exponent=p.hardening_exponent.to_numpy(),
                          strength_coefficient=p.strength_coefficient.to_numpy())
    return data


def _median_nrmse(constants, fem):
    force = simulate_small_punch(**fem.materials, displacement=fem.displacement, constants=constants).force
    return 100 * np.median(np.sqrt(np.mean((force - fem.data) ** 2, axis=1)) / fem.data.max(axis=1))


def test_defaults_are_the_refit_on_the_bundled_finite_element_runs(fem):
    assert SimulatorConstants() == DEFAULT_CONSTANTS
    fitted = calibrate_small_punch(fem.displacement, fem.data, **fem.materials, start=PAPER_FIGURES_CONSTANTS)
    for name in SimulatorConstants.names():  # the defaults are the refit rounded to 4 significant digits
        assert getattr(DEFAULT_CONSTANTS, name) == pytest.approx(getattr(fitted, name), rel=1e-3), name


def test_committed_constants_reproduce_the_reported_errors(fem):
    rows = pd.read_csv(RESULTS, comment="#").set_index(["constants", "evaluation"])
    reported = rows["nrmse_median_pct"]
    assert _median_nrmse(DEFAULT_CONSTANTS, fem) == pytest.approx(reported["refit (defaults)", "in sample"], abs=0.01)
    assert _median_nrmse(PAPER_FIGURES_CONSTANTS, fem) == pytest.approx(
        reported["paper figures (before)", "in sample"], abs=0.01)
    # the goal, out of sample
    assert reported["refit (defaults)", "5-fold"] <= 3.0
