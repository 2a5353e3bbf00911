"""perturb_small_punch: noise, zero offset and machine compliance of a test rig."""

from __future__ import annotations

import numpy as np
import pytest

from skmat.datasets import perturb_small_punch, simulate_small_punch


@pytest.fixture(scope="module")
def sim():
    return simulate_small_punch(strength_coefficient=[250.0, 500.0], hardening_exponent=[0.15, 0.4],
                                thickness=[1.0, 2.5])


def test_nothing_changes_without_perturbation(sim):
    np.testing.assert_allclose(perturb_small_punch(sim.force), sim.force, rtol=0, atol=1e-9)


def test_offset_shifts_the_curve(sim):
    step = sim.displacement[1] - sim.displacement[0]
    shifted = perturb_small_punch(sim.force, displacement_offset=2 * step)
    np.testing.assert_allclose(shifted[:, 2:], sim.force[:, :-2], rtol=1e-12)
    assert np.all(shifted[:, :2] == 0)  # before the recorded first contact


def test_compliance_lowers_the_initial_stiffness_and_keeps_the_peak(sim):
    soft = perturb_small_punch(sim.force, compliance=2e-5)
    stiffness = sim.force[:, 1] / sim.displacement[1]
    expected = 1.0 / (1.0 / stiffness + 2e-5)  # springs in series
    np.testing.assert_allclose(soft[:, 1] / sim.displacement[1], expected, rtol=0.05)
    np.testing.assert_allclose(soft.max(axis=1), sim.force.max(axis=1), rtol=0.01)


def test_noise_is_relative_and_seeded(sim):
    a = perturb_small_punch(sim.force, noise=0.02, random_state=0)
    b = perturb_small_punch(sim.force, noise=0.02, random_state=0)
    np.testing.assert_array_equal(a, b)
    ratio = a[:, 20:] / sim.force[:, 20:]
    assert 0.01 < ratio.std() < 0.03


def test_per_curve_levels_and_input_untouched(sim):
    force = sim.force.copy()
    out = perturb_small_punch(force, compliance=[0.0, 3e-5])
    np.testing.assert_array_equal(force, sim.force)
    np.testing.assert_allclose(out[0], sim.force[0], atol=1e-9)
    assert not np.allclose(out[1], sim.force[1])


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(noise=-0.1), "noise must be >= 0; got -0.1 for curve 0"),
     (dict(compliance=[0.0, -1e-5]), "compliance must be >= 0; got -1e-05 for curve 1"),
     (dict(compliance=1.0), "runs backwards"),
     (dict(displacement_offset=[0.0, 0.1, 0.2]), "one value per curve"),
     (dict(displacement=np.linspace(0, 1, 10)), "one value per point")],
)
def test_bad_input_is_named(sim, kwargs, match):
    with pytest.raises(ValueError, match=match):
        perturb_small_punch(sim.force, **kwargs)


def test_nan_force_names_the_curve(sim):
    force = sim.force.copy()
    force[1, 7] = np.nan
    with pytest.raises(ValueError, match="curve 1 at point 7"):
        perturb_small_punch(force)


def test_make_small_punch_test_draws_rig_levels_per_curve():
    from skmat.datasets import make_small_punch_test

    clean = make_small_punch_test(30, random_state=0)
    rigged = make_small_punch_test(30, random_state=0, rig={"noise": (0.01, 0.03), "compliance": (0.0, 1e-5),
                                                             "displacement_offset": 0.01})
    np.testing.assert_array_equal(rigged.target, clean.target)  # targets stay exact
    np.testing.assert_array_equal(rigged.params["thickness"], clean.params["thickness"])
    assert rigged.params["rig_noise"].between(0.01, 0.03).all()
    assert (rigged.params["rig_displacement_offset"] == 0.01).all()
    assert not np.allclose(rigged.data, clean.data)
    again = make_small_punch_test(30, random_state=0, rig={"noise": (0.01, 0.03), "compliance": (0.0, 1e-5),
                                                          "displacement_offset": 0.01})
    np.testing.assert_array_equal(again.data, rigged.data)


@pytest.mark.parametrize("rig", [{"wobble": 1.0}, {"noise": (0.03, 0.01)}, [0.01]])
def test_make_small_punch_test_rejects_bad_rig(rig):
    from skmat.datasets import make_small_punch_test

    with pytest.raises(ValueError, match="rig"):
        make_small_punch_test(5, random_state=0, rig=rig)
