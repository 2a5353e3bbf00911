"""perturb_small_punch: noise, zero offset and machine compliance of a test rig."""

from __future__ import annotations

import warnings

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


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(noise=1e308), r"noise must be <= 1 .*got 1e\+308 for curve 0"),
     (dict(noise=[0.01, 2.0]), r"noise must be <= 1 .*got 2.0 for curve 1"),
     (dict(noise="a"), r"noise must be a number or one number per curve, got 'a'"),
     (dict(displacement_offset=100.0), r"displacement_offset must be within ±2.25 mm .*got 100.0 for curve 0"),
     (dict(displacement_offset=[0.0, 1e308]), r"displacement_offset must be within ±2.25 mm .*1e\+308 for curve 1"),
     (dict(displacement_offset=-2.5), r"displacement_offset must be within ±2.25 mm .*got -2.5 for curve 0"),
     (dict(displacement_offset=np.inf), r"displacement_offset must be finite; got inf for curve 0"),
     (dict(compliance=1e308), r"compliance must be at most \S+ mm/N here: .*got 1e\+308 for curve 0"),
     (dict(displacement=np.full(181, np.nan)), "displacement must be finite and increasing"),
     (dict(displacement=["a"] * 181), "displacement must be an array of numbers")],
)
def test_absurd_rig_levels_are_named(sim, kwargs, match):
    with pytest.raises(ValueError, match=match):
        perturb_small_punch(sim.force, **kwargs)


def test_compliance_may_shift_a_curve_by_half_the_grid_at_most():
    u = np.linspace(0, 4.5, 181)
    ramp = np.vstack([1000.0 * u, 2000.0 * u])  # no softening: the recorded displacement never runs backwards
    perturb_small_punch(ramp, u, compliance=[4.9e-4, 2.4e-4])
    with pytest.raises(ValueError, match=r"compliance must be at most 0.00025 mm/N here: the deflection at the "
                                         r"curve's maximum force, 9000 N, .* 2.25 mm .*got 0.0003 for curve 1"):
        perturb_small_punch(ramp, u, compliance=[4.9e-4, 3e-4])


def test_largest_levels_keep_the_curves(sim):
    # Up to the limits the recorded curve is finite and keeps part of its load.
    span = sim.displacement[-1]
    limit = 0.5 * span / sim.force.max(axis=1)
    for kwargs in (dict(displacement_offset=0.5 * span), dict(displacement_offset=-0.5 * span),
                   dict(compliance=0.999 * limit, displacement_offset=0.02), dict(noise=1.0, random_state=0)):
        out = perturb_small_punch(sim.force, **kwargs)
        assert np.isfinite(out).all() and (out.max(axis=1) > 0).all()


def test_degenerate_force_input_is_refused(sim):
    force = sim.force.copy()
    force[1] = 0.0
    with pytest.raises(ValueError, match="force curve 1 has no force > 0"):
        perturb_small_punch(force)
    with pytest.raises(ValueError, match=r"force must have shape \(n, m\) with m >= 2 points"):
        perturb_small_punch(sim.force[:, :1], displacement=[0.0])
    with pytest.raises(ValueError, match="force must be an"):
        perturb_small_punch([["a", "b"]], displacement=[0.0, 1.0])


def test_fuzz_perturb_small_punch_returns_finite_curves_or_raises_value_error(sim):
    """Random rig levels, typical or absurd (extreme magnitudes, signs, NaN, infinity, text): finite or ValueError."""
    rng = np.random.default_rng(0)
    odd = (0.0, -1.0, 1e-300, 1e308, -1e308, np.nan, np.inf, "a", None, [[0.1]])
    typical = {"noise": (0.0, 0.02, 1.0), "displacement_offset": (0.0, 0.02, -0.03, 2.0),
               "compliance": (0.0, 1e-5, 5e-5)}
    successes = 0
    for _ in range(300):
        kwargs = {}
        for name, values in typical.items():
            r = rng.random()
            if r < 0.5:
                kwargs[name] = values[rng.integers(len(values))]
            elif r < 0.6:
                kwargs[name] = float(rng.choice([-1.0, 1.0]) * 10.0 ** rng.uniform(-320, 308))
            elif r < 0.7:
                kwargs[name] = [values[rng.integers(len(values))], odd[rng.integers(len(odd))]]
            elif r < 0.8:
                kwargs[name] = odd[rng.integers(len(odd))]
        scale = 10.0 ** rng.choice([0, 0, 0, -300, 300])
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            try:
                out = perturb_small_punch(sim.force * scale, random_state=0, **kwargs)
            except ValueError:
                continue
        successes += 1
        assert np.isfinite(out).all() and (out.max(axis=1) > 0).all(), kwargs
    assert 30 < successes < 270
