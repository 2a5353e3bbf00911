"""The small punch test simulator: physics sanity, reference figures, validation."""

import dataclasses
import itertools
import warnings

import numpy as np
import pytest
from conftest import load_benchmark

from skmat.datasets import DEFAULT_CONSTANTS, make_small_punch_test, simulate_small_punch
from skmat._small_punch._simulator import DEFAULT_THICKNESS, PAPER_HARDENING_EXPONENT, PAPER_STRENGTH_COEFFICIENT
from skmat._small_punch._mechanics import GEOMETRIES, max_thickness, punch_force, reach

@pytest.fixture(scope="module")
def reference():
    return load_benchmark("spt_reference")


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
        (dict(thickness=[1.0, 4.0, 7.6]),
         r"thickness must be in \(0, 7.48\] mm for geometry 'paper' .*got 7.6 for sample 2"),
        (dict(thickness=[0.5, 1.6], geometry="en10371"),
         r"thickness must be in \(0, 1.489\] mm for geometry 'en10371' .*got 1.6 for sample 1"),
        (dict(thickness=10.0), r"thickness .*got 10.0 for sample 0"),
        (dict(hardening_exponent=[0.2, 1.5]), r"hardening_exponent must be in \[0, 1\] .*got 1.5 for sample 1"),
        (dict(strength_coefficient=[500.0, 7001.0]),
         r"strength_coefficient must be in \(0, 7000\] MPa .*elastic_modulus / 10 .*got 7001.0 for sample 1"),
        (dict(strength_coefficient=None, yield_stress=[300.0, 3000.0], hardening_exponent=0.4),
         r"yield_stress must be in \(0, 1109.43\] MPa for hardening_exponent 0.4 .*got 3000.0 for sample 1"),
        (dict(strength_coefficient=None, yield_stress=300.0, law="swift", prestrain=0.0), "prestrain must be > 0"),
        (dict(elastic_modulus=70e9), "elastic_modulus"),
        (dict(displacement=[0.0, 60.0]), r"displacement must stay within 53.63 mm for geometry 'paper'.*got up to 60"),
        (dict(thickness=[1.0, 1e-100]), r"thickness must be large enough.*got 1e-100 for sample 1"),
    ],
)
def test_invalid_parameters_name_the_parameter_and_sample(kwargs, message):
    params = dict(hardening_exponent=0.1, thickness=1.0, strength_coefficient=200.0)
    params.update(kwargs)
    with pytest.raises(ValueError, match=message):
        simulate_small_punch(**params)


def test_thickness_limit_follows_the_displacement_grid():
    # A shorter stroke lets a thicker disc through; a longer one a thinner.
    sim = simulate_small_punch(hardening_exponent=0.2, thickness=2.0, strength_coefficient=500,
                               geometry="en10371", displacement=np.linspace(0, 0.9, 50))
    assert np.isfinite(sim.force).all()
    with pytest.raises(ValueError, match=r"thickness must be in \(0, 0.119\] mm .*up to 11 mm.*sample 0"):
        simulate_small_punch(hardening_exponent=0.2, thickness=0.5, strength_coefficient=500,
                             geometry="en10371", displacement=[0, 11])


@pytest.mark.parametrize("geometry", sorted(GEOMETRIES))
def test_thickness_limit_is_where_the_wrapped_shape_ends(geometry):
    geo = GEOMETRIES[geometry]
    u_max = geo.displacement[1]
    t_max = max_thickness(geo, u_max)
    assert t_max < 2 * (geo.clamp_radius - geo.punch_radius)  # just under twice the die clearance
    assert reach(geo, t_max) >= u_max > reach(geo, t_max * (1 + 1e-9))
    assert np.all(np.diff(reach(geo, np.linspace(0, 3 * t_max, 50))) < 0)
    u = np.linspace(*geo.displacement)
    params = dict(strength_coefficient=np.array([[500.0]]), hardening_exponent=np.array([[0.2]]), geometry=geo)
    assert np.isfinite(punch_force(u, np.array([[t_max]]), **params)).all()
    # Well past the limit the raw model's cone length turns negative: NaN.
    with np.errstate(invalid="ignore"):
        assert np.isnan(punch_force(u, np.array([[1.4 * t_max]]), **params)).any()


def _finite_without_warnings(**kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim = simulate_small_punch(**kwargs)
    assert np.isfinite(sim.force).all() and np.isfinite(sim.stress).all()
    assert np.all(sim.force[:, 1:] > 0)
    return sim


@pytest.mark.parametrize("law", ["paper", "swift"])
@pytest.mark.parametrize("geometry", sorted(GEOMETRIES))
def test_sweep_of_documented_ranges_is_finite(geometry, law):
    """Corners and a random sample of the default ranges and of the validity limits."""
    geo = GEOMETRIES[geometry]
    t_max = max_thickness(geo, geo.displacement[1])
    k_max = 7000.0 / (1.0 if law == "paper" else 1.002)  # flow stress at plastic strain 1 <= E / 10
    boxes = [
        (PAPER_STRENGTH_COEFFICIENT, PAPER_HARDENING_EXPONENT, DEFAULT_THICKNESS[geometry]),
        ((1e-3, k_max), (0.0, 1.0), (1e-3, t_max)),
    ]
    rng = np.random.default_rng(0)
    for k_range, n_range, t_range in boxes:
        corners = np.array(list(itertools.product(k_range, n_range, t_range)))
        drawn = np.column_stack([
            np.exp(rng.uniform(*np.log(k_range), 150)), rng.uniform(*n_range, 150), rng.uniform(*t_range, 150),
        ])
        K, n, t = np.vstack([corners, drawn]).T
        _finite_without_warnings(strength_coefficient=K, hardening_exponent=n, thickness=t,
                                 law=law, geometry=geometry)


def test_yield_stress_input_and_swift_prestrain_extremes_are_finite():
    _finite_without_warnings(yield_stress=[1.0, 1109.0, 1907.53], hardening_exponent=[0.0, 0.4, 0.068], thickness=1.0)
    for prestrain in (0.0, 1e-9, 1.0):
        _finite_without_warnings(strength_coefficient=[1.0, 3000.0], hardening_exponent=[1.0, 0.3], thickness=4.0,
                                 law="swift", prestrain=prestrain)


def test_stress_target_solves_the_flow_curve_where_hardening_is_steep():
    """A Swift law just after yield hardens faster than E: the fixed point alone would not converge."""
    eps = np.linspace(0, 0.1, 201)
    sim = simulate_small_punch(hardening_exponent=0.3, thickness=1.0, yield_stress=1000.0, law="swift", strain=eps)
    sigma = sim.stress[0]
    plastic = np.maximum(eps - sigma / 70_000, 0.0)
    yielded = 70_000 * eps > 1000.0
    expected = sim.strength_coefficient[0] * (0.002 + plastic) ** 0.3
    np.testing.assert_allclose(sigma[yielded], expected[yielded], rtol=1e-9)
    assert np.all(np.diff(sigma) > 0)


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


def test_make_small_punch_test_en10371_defaults_are_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spt = make_small_punch_test(200, geometry="en10371", random_state=0)
    assert spt.data.shape == (200, 161) and np.isfinite(spt.data).all() and np.isfinite(spt.target).all()
    assert spt.params.thickness.between(0.4, 0.6).all()
    assert spt.displacement[-1] == pytest.approx(2.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(geometry="en10371", thickness_range=(1.0, 4.0)),
         r"thickness_range must lie within \(0, 1.489\] mm for geometry 'en10371', got \(1.0, 4.0\)"),
        (dict(thickness_range=(1.0, 8.0)), r"thickness_range must lie within \(0, 7.48\] mm"),
        (dict(hardening_exponent_range=(0.1, 1.2)), r"hardening_exponent_range must lie within \[0, 1\]"),
        (dict(strength_coefficient_range=(-1.0, 100.0)), r"strength_coefficient_range must lie within \(0, inf\)"),
        (dict(strength_coefficient_range=(100.0, 9000.0)), r"strength_coefficient must be in \(0, 7000\] .*sample \d+"),
        (dict(geometry="ball"), "geometry must be"),
    ],
)
def test_make_small_punch_test_rejects_ranges_outside_the_limits(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_small_punch_test(20, random_state=0, **kwargs)


# ---------------------------------------------------------------- absurd settings and fuzzing

SIM = dict(hardening_exponent=0.1, thickness=1.0, strength_coefficient=200.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        # each names the true offender, not the thickness or the compliance
        (dict(strength_coefficient=1e-300), r"strength_coefficient must be >= 0.001 MPa .*got 1e-300 for sample 0"),
        (dict(strength_coefficient=None, yield_stress=[300.0, 1e-9]), r"yield_stress must be >= 0.001 MPa .*sample 1"),
        (dict(prestrain="a"), r"prestrain must be a real number, got 'a'"),
        (dict(prestrain=[0.1]), r"prestrain must be a real number in \[0, 1\], got \[0.1\]"),
        (dict(prestrain=2.0), r"prestrain must be a real number in \[0, 1\], got 2.0"),
        (dict(noise=1e308), r"noise must be a real number in \[0, 1\] .*got 1e\+308"),
        (dict(noise="0.1"), r"noise must be a real number, got '0.1'"),
        (dict(elastic_modulus=1e-300), r"elastic_modulus must be a real number in \[1, 1.2e\+06\] MPa .*got 1e-300"),
        (dict(poisson_ratio=np.nan), r"poisson_ratio must be a real number in \(-1, 0.5\), got nan"),
        (dict(thickness="abc"), r"thickness must be a number or a 1-D array of numbers, got 'abc'"),
        (dict(hardening_exponent=[0.1, "x"]), r"hardening_exponent must be a number or a 1-D array of numbers"),
        (dict(law=["paper"]), r"law must be one of \('paper', 'swift'\), got \['paper'\]"),
        (dict(geometry={}), r"geometry must be one of"),
        (dict(displacement=[0.0, 1e-300, 1.0]), r"displacement must be 0 or >= 1e-06 mm .*got 1e-300"),
        (dict(displacement=["a", "b"]), r"displacement must be a 1-D array of numbers"),
        (dict(strain=[0.0, 1e308]), r"strain must stay within 10 \(true strain\), got up to 1e\+308"),
        (dict(strength_coefficient=None, yield_stress=300.0, law="swift", prestrain=1e-300, hardening_exponent=1.0),
         r"prestrain must be large enough for law='swift' with yield_stress .*got 1e-300 for sample 0"),
    ],
)
def test_absurd_settings_name_the_parameter(kwargs, message):
    params = dict(SIM)
    params.update(kwargs)
    with pytest.raises(ValueError, match=message):
        simulate_small_punch(**params)


def test_forces_are_checked_after_the_simulation():
    """The last safety net: extreme constants give non-finite forces, reported with every parameter of the sample."""
    extreme = dataclasses.replace(DEFAULT_CONSTANTS, transition_sharpness=1e-300)
    with pytest.raises(ValueError, match=r"simulated forces of sample 0 are not all finite and > 0 with "
                                         r"thickness=1.0 mm, strength_coefficient=200.0 MPa.*transition_sharpness=1e-300"):
        simulate_small_punch(**SIM, constants=extreme)


def test_noise_up_to_its_limit_leaves_finite_curves():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sim = simulate_small_punch(**SIM, noise=1.0, random_state=0)
    assert np.isfinite(sim.force).all() and np.all(sim.force >= 0) and sim.force.max() > 0
    with pytest.raises(ValueError, match=r"noise must be a real number in \[0, 1\] .*got 1.5"):
        simulate_small_punch(**SIM, noise=1.5)
    with pytest.raises(ValueError, match=r"noise must be .*got 1e\+308"):
        make_small_punch_test(3, random_state=0, noise=1e308)


def test_noise_that_leaves_no_force_is_named():
    # Two points: the one force after u = 0 is clipped to 0 by about one draw in six at noise 1.
    u, n = [0.0, 0.1], 40
    with pytest.raises(ValueError, match=r"noise must be small enough to leave finite forces.*got 1.0 for sample \d+"):
        simulate_small_punch(**{**SIM, "thickness": np.ones(n)}, displacement=u, noise=1.0, random_state=0)


@pytest.mark.parametrize(
    "rig, message",
    [
        ({"noise": 1e308}, r"rig=\{'noise': 1e\+308\}: noise must be <= 1 .*got 1e\+308 for curve 0"),
        ({"displacement_offset": 100}, r"rig=.*displacement_offset must be within ±2.25 mm .*got 100.0 for curve 0"),
        ({"displacement_offset": 1e308}, r"displacement_offset must be within ±2.25 mm .*got 1e\+308 for curve 0"),
        ({"displacement_offset": (-3.0, -2.5)}, r"displacement_offset must be within ±2.25 mm .*for curve 0"),
        ({"compliance": 1e308}, r"rig=.*compliance must be at most \S+ mm/N .*got 1e\+308 for curve 0"),
        ({"compliance": 1.0}, r"compliance=1.0 mm/N: .*curve 0 runs backwards"),
        ({"compliance": "a"}, r"rig\['compliance'\] must be a value or a \(low, high\) pair .*got 'a'"),
        ({"noise": (0.0, 0.01, 0.02)}, r"rig\['noise'\] must be a value or a \(low, high\) pair"),
        ({"noise": np.nan}, r"rig\['noise'\] must be a value or a \(low, high\) pair .*got nan"),
    ],
)
def test_make_small_punch_test_rejects_absurd_rigs(rig, message):
    with pytest.raises(ValueError, match=message):
        make_small_punch_test(4, random_state=0, rig=rig)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(thickness_range=(1e-300, 1e-300)), r"thickness must be large enough, >= 0.0001 mm .*sample 0"),
        (dict(strength_coefficient_range=(1e-300, 1e-299)), r"strength_coefficient must be >= 0.001 MPa .*sample 0"),
        (dict(thickness_range="ab"), r"thickness_range must be a \(low, high\) pair of finite numbers"),
        (dict(hardening_exponent_range=(0.1,)), r"hardening_exponent_range must be a \(low, high\) pair"),
        (dict(strength_coefficient_range=(100, np.inf)), r"strength_coefficient_range must be a \(low, high\) pair"),
    ],
)
def test_make_small_punch_test_rejects_absurd_ranges(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_small_punch_test(4, random_state=0, **kwargs)


#: What a careless caller might pass: zero, signs, extreme magnitudes, NaN, infinity, text, None, bad shapes.
ODD_VALUES = (0.0, -1.0, 1e-300, 5e-324, 1e308, -1e308, np.nan, np.inf, -np.inf, "a", None, True, [[1.0]])


def _typical_or_odd(rng, typical):
    """Mostly a typical value; else an odd one, a random magnitude, or a typical and an odd one."""
    r = rng.random()
    if r < 0.8:
        return typical[rng.integers(len(typical))]
    if r < 0.87:
        return float(rng.choice([-1.0, 1.0]) * 10.0 ** rng.uniform(-320, 308))
    if r < 0.92:
        return [typical[rng.integers(len(typical))], ODD_VALUES[rng.integers(len(ODD_VALUES))]]
    return ODD_VALUES[rng.integers(len(ODD_VALUES))]


def _curves_or_value_error(call):
    """``call()``'s result, or None for a ValueError; any other exception or a RuntimeWarning fails."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            return call()
        except ValueError:
            return None


def _assert_not_degenerate(force, stress=None):
    assert np.isfinite(force).all() and (force.max(axis=1) > 0).all(), "an inf, NaN or all-zero force curve"
    if stress is not None:
        assert np.isfinite(stress).all(), "a non-finite stress curve"


def test_fuzz_simulate_small_punch_returns_finite_curves_or_raises_value_error():
    rng = np.random.default_rng(0)
    outcomes = []
    for _ in range(400):
        kwargs = dict(
            hardening_exponent=_typical_or_odd(rng, [0.1, 0.3, 0.0, 1.0]),
            thickness=_typical_or_odd(rng, [1.0, 0.5, 4.0, 7.4, 1e-4]),
            law=_typical_or_odd(rng, ["paper", "swift"]),
            geometry=_typical_or_odd(rng, ["paper", "en10371"]),
            random_state=0,
        )
        strength = "strength_coefficient" if rng.random() < 0.7 else "yield_stress"
        kwargs[strength] = _typical_or_odd(rng, [200.0, 1000.0, 1e-3, 7000.0])
        for name, typical in (("prestrain", [0.002, 0.0, 1.0]), ("elastic_modulus", [70e3, 1.0, 1.2e6]),
                              ("poisson_ratio", [0.3, -0.99, 0.49]), ("noise", [0.0, 0.02, 1.0]),
                              ("displacement", [np.linspace(0, 1, 5), [0.0, 1e-6], np.linspace(0, 4.5, 20)]),
                              ("strain", [[0.0, 0.5], np.linspace(0, 10, 5)])):
            if rng.random() < 0.3:
                kwargs[name] = _typical_or_odd(rng, typical)
        sim = _curves_or_value_error(lambda: simulate_small_punch(**kwargs))
        outcomes.append(sim is not None)
        if sim is not None:
            _assert_not_degenerate(sim.force, sim.stress)
            assert np.all(sim.force >= 0)
    assert 20 < sum(outcomes) < 380  # both outcomes exercised


def test_fuzz_make_small_punch_test_returns_finite_curves_or_raises_value_error():
    rng = np.random.default_rng(1)
    outcomes = []
    for _ in range(120):
        kwargs = {}
        for name, typical in (("noise", [0.0, 0.02, 1.0]), ("law", ["paper", "swift"]),
                              ("geometry", ["paper", "en10371"]),
                              ("strength_coefficient_range", [(135.2, 2609.4), (1e-3, 7000.0)]),
                              ("hardening_exponent_range", [(0.068, 0.4046), (0.0, 1.0)]),
                              ("thickness_range", [(0.4, 0.6), (1e-4, 1.4)])):
            if rng.random() < 0.25:
                kwargs[name] = _typical_or_odd(rng, typical)
        rig = {}
        for name, typical in (("noise", [0.02, (0.0, 0.03), 1.0]), ("displacement_offset", [0.02, (-0.03, 0.03), -1.0]),
                              ("compliance", [1e-5, (0.0, 3e-5)])):
            if rng.random() < 0.5:
                rig[name] = _typical_or_odd(rng, typical)
        spt = _curves_or_value_error(lambda: make_small_punch_test(3, random_state=0, rig=rig or None, **kwargs))
        outcomes.append(spt is not None)
        if spt is not None:
            _assert_not_degenerate(spt.data, spt.target)
    assert 10 < sum(outcomes) < 110
