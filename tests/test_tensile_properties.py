"""tensile_properties: the figures of true stress–strain curves, against curves whose answers are known."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from skmat._small_punch._mechanics import flow_stress
from skmat._small_punch._tensile import TENSILE_COLUMNS
from skmat.datasets import DEFAULT_STRAIN, load_small_punch_fem, make_small_punch_test, simulate_small_punch
from skmat.metrics import tensile_properties

PLASTIC = np.concatenate([np.arange(0.0, 0.02, 0.001), np.arange(0.02, 1.0, 0.01)])  # εp of the law curves


def law_curves(K, n, E):
    """Exact curves of σ = K max(εp, 0.01)^n on the elastic line: (strain (c, m), stress (c, m)), one per K, n, E."""
    K, n, E = (np.asarray(v, dtype=float)[:, None] for v in (K, n, E))
    stress = flow_stress(PLASTIC[None, :], K, n, "paper", 0.0)
    strain = PLASTIC[None, :] + stress / E
    # The origin first; the yield point (εp = 0) is then the second point, as in the finite-element runs.
    zeros = np.zeros((len(K), 1))
    return np.hstack([zeros, strain]), np.hstack([zeros, stress])


@pytest.fixture(scope="module")
def fem():
    return load_small_punch_fem()


def test_columns_and_one_row_per_curve():
    strain, stress = law_curves([200.0, 500.0], [0.1, 0.3], [70_000.0, 200_000.0])
    props = tensile_properties(strain, stress)
    assert list(props.columns) == list(TENSILE_COLUMNS)
    assert props.index.tolist() == [0, 1]
    # A 1-D stress is one curve, on a 1-D grid.
    one = tensile_properties(strain[1], stress[1])
    pd.testing.assert_frame_equal(one, props.iloc[[1]].reset_index(drop=True))


@pytest.mark.parametrize("modulus", [None, "given"])
def test_hardening_law_and_yield_of_exact_law_curves(modulus):
    K, n, E = [200.0, 550.0, 900.0], [0.1, 0.48, 0.25], [70_000.0, 70_000.0, 210_000.0]
    strain, stress = law_curves(K, n, E)
    props = tensile_properties(strain, stress, elastic_modulus=None if modulus is None else np.array(E))
    np.testing.assert_allclose(props["elastic_modulus"], E, rtol=1e-12)
    np.testing.assert_allclose(props["strength_coefficient"], K, rtol=1e-10)
    np.testing.assert_allclose(props["hardening_exponent"], n, rtol=0, atol=1e-10)
    # The law is flat from εp = 0 to 0.01, so the 0.2 % offset yield is its yield stress K 0.01^n.
    np.testing.assert_allclose(props["yield_strength"], np.array(K) * 0.01 ** np.array(n), rtol=1e-12)


@pytest.mark.parametrize("grid", [np.linspace(0.0, 1.0, 1001), DEFAULT_STRAIN, np.linspace(0.0, 1.0, 11)],
                         ids=["1001 points", "DEFAULT_STRAIN", "11 points"])
@pytest.mark.parametrize("n", [0.1, 0.2, 0.35, 0.5])
def test_considere_strain_of_hollomon_law_is_n(grid, n):
    """σ = K ε^n: necking at ε_u = n, R_m = K n^n e^−n (exact on any grid with a point at or below n)."""
    K = 640.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # coarse grids: the yield is not resolved
        props = tensile_properties(grid, K * grid**n, elastic_modulus=np.inf)
    row = props.loc[0]
    assert row["uniform_strain"] == pytest.approx(n, abs=1e-12)
    assert row["uniform_elongation"] == pytest.approx(math.exp(n) - 1, abs=1e-12)
    assert row["tensile_strength"] == pytest.approx(K * n**n * math.exp(-n), rel=1e-12)
    assert row["strength_coefficient"] == pytest.approx(K, rel=1e-12)
    assert row["hardening_exponent"] == pytest.approx(n, abs=1e-12)


def test_elastic_perfectly_plastic_curve():
    E, flat = 200_000.0, 400.0
    strain = np.linspace(0.0, 0.05, 501)
    stress = np.minimum(E * strain, flat)
    for modulus in (None, E):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            props = tensile_properties(strain, stress, elastic_modulus=modulus)
        row = props.loc[0]
        assert row["yield_strength"] == pytest.approx(flat, rel=1e-12)
        # No hardening: necking at once, at the yield point.
        assert row["uniform_strain"] == pytest.approx(flat / E, rel=1e-12)
        assert row["tensile_strength"] == pytest.approx(flat * math.exp(-flat / E), rel=1e-12)
        assert row["hardening_exponent"] == pytest.approx(0.0, abs=1e-12)
        assert row["strength_coefficient"] == pytest.approx(flat, rel=1e-12)


@pytest.mark.parametrize("modulus", [None, "params"])
def test_finite_element_runs_give_back_their_parameters(fem, modulus):
    p = fem.params
    E = None if modulus is None else p["elastic_modulus"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every figure of every run is resolved
        props = tensile_properties(fem.strain, fem.target, elastic_modulus=E)
    # Published values rounded to 0.001 MPa: measured 7.3e-7 and 7.5e-7 at most.
    np.testing.assert_allclose(props["strength_coefficient"], p["strength_coefficient"], rtol=1e-5)
    np.testing.assert_allclose(props["hardening_exponent"], p["hardening_exponent"], rtol=0, atol=1e-5)
    np.testing.assert_allclose(props["elastic_modulus"], 70_000.0, rtol=1e-4)
    # No point between the yield point and εp = 0.03: the straight line between them lies above the law's
    # flat start, so R_p0.2 is 0.8-4.6 % above K 0.01^n (as the docstring says).
    excess = props["yield_strength"] / p["yield_stress"] - 1
    assert excess.min() > 0.005 and excess.max() < 0.05
    # The tensile strength of the exact law on a grid 60 times finer agrees.
    fine = np.linspace(0.0, 0.99, 1981)
    exact = simulate_small_punch(strength_coefficient=p["strength_coefficient"].to_numpy(),
                                 hardening_exponent=p["hardening_exponent"].to_numpy(),
                                 thickness=p["thickness"].to_numpy(), strain=fine).stress
    on_fine = tensile_properties(fine, exact, elastic_modulus=70_000.0)
    np.testing.assert_allclose(props["tensile_strength"], on_fine["tensile_strength"], rtol=1e-4)
    np.testing.assert_allclose(props["uniform_strain"], on_fine["uniform_strain"], rtol=0, atol=1e-3)
    np.testing.assert_allclose(on_fine["yield_strength"], p["yield_stress"], rtol=1e-9)


def test_simulated_targets_on_the_default_grid():
    """make_small_punch_test's targets: the law is exact there, but the first step spans the elastic part."""
    spt = make_small_punch_test(12, random_state=0)
    with pytest.warns(UserWarning, match=r"crosses curves 0, 1, 2, .* and 2 more .*no point near yield"):
        props = tensile_properties(spt.strain, spt.target, elastic_modulus=70_000.0)
    assert props["yield_strength"].isna().all()
    np.testing.assert_allclose(props["strength_coefficient"], spt.params["strength_coefficient"], rtol=1e-9)
    np.testing.assert_allclose(props["hardening_exponent"], spt.params["hardening_exponent"], atol=1e-9)
    assert props["tensile_strength"].notna().all()


def test_necking_beyond_the_curve_is_nan_and_named():
    strain = np.linspace(0.0, 0.3, 301)
    stress = np.vstack([500.0 * strain**0.1, 500.0 * strain**0.5])  # necking at 0.1 and at 0.5 (beyond)
    with pytest.warns(UserWarning, match=r"Considère condition .* not reached on curve 1: .*strain 0\.3"):
        props = tensile_properties(strain, stress, elastic_modulus=np.inf)
    assert props.loc[0, "uniform_strain"] == pytest.approx(0.1, abs=1e-12)
    assert props.loc[1, ["tensile_strength", "uniform_strain", "uniform_elongation"]].isna().all()
    assert props.loc[1, "hardening_exponent"] == pytest.approx(0.5, abs=1e-12)  # the rest is still reported


def test_too_few_plastic_points_and_no_yield_are_nan_and_named():
    E = 200_000.0
    strain = np.linspace(0.0, 0.011, 23)
    stress = np.vstack([np.minimum(E * strain, 400.0), np.minimum(E * strain, 3000.0)])  # curve 1: elastic only
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        props = tensile_properties(strain, stress, elastic_modulus=E)
    messages = " | ".join(str(w.message) for w in caught)
    assert "plastic strain of curve 1 never reaches offset=0.002" in messages
    assert "fewer than two points of curves 0, 1 have a plastic strain >= min_plastic_strain=0.01" in messages
    assert props.loc[0, "yield_strength"] == pytest.approx(400.0)
    assert np.isnan(props.loc[1, "yield_strength"])
    assert props[["strength_coefficient", "hardening_exponent"]].isna().all().all()
    # A lower threshold uses the plastic points of curve 0.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        props = tensile_properties(strain, stress, elastic_modulus=E, min_plastic_strain=0.001)
    assert props.loc[0, "hardening_exponent"] == pytest.approx(0.0, abs=1e-12)


def test_pandas_input_and_other_offsets(fem):
    target = pd.DataFrame(fem.target[:3])
    props = tensile_properties(pd.DataFrame(fem.strain[:3]), target)
    np.testing.assert_allclose(props.to_numpy(), tensile_properties(fem.strain[:3], fem.target[:3]).to_numpy())
    lower = tensile_properties(fem.strain[:3], fem.target[:3], offset=0.001)
    assert (lower["yield_strength"] < props["yield_strength"]).all()


@pytest.mark.parametrize("strain, stress, kwargs, message", [
    ([0.0, 0.1, 0.2], [[0.0, 1.0, np.nan]], {}, r"stress of curve 0 has NaN at point 2"),
    ([0.0, 0.1, np.inf], [[0.0, 1.0, 2.0]], {}, r"strain has an infinite value \(inf\) at point 2"),
    ([0.0, 0.2, 0.1], [[0.0, 1.0, 2.0]], {}, r"strain must increase strictly, but point 2 \(0\.1\) follows point 1"),
    ([[0.0, 0.1, 0.2], [0.0, 0.1, 0.1]], [[0.0, 1.0, 2.0]] * 2, {},
     r"strain of curve 1 must increase strictly, but point 2 \(0\.1\) follows point 1"),
    ([0.0, 0.1], [[0.0, 1.0, 2.0]], {}, r"strain has 2 points but the curves of stress have 3"),
    ([[0.0, 0.1, 0.2]] * 3, [[0.0, 1.0, 2.0]] * 2, {}, r"strain must have shape \(3,\) .* or \(2, 3\)"),
    ([0.0, 0.1, 0.2], np.zeros((1, 1, 3)), {}, r"stress must be 2-D"),
    ([0.0, 0.1], [[0.0, 1.0]], {}, r"at least 3 points"),
    ([0.0, 0.1, 0.2], [[0.0, 1.0, 2.0], [0.0, -1.0, 2.0]], {}, r"stress of curve 1 is -1 MPa at point 1"),
    ([0.0, 0.1, 0.2], [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]], {}, r"stress of curve 1 is zero everywhere"),
    ([0.0, 0.1, 0.2], [[0.0, 1.0, 2.0], [0.0, 0.0, 6.0]], {},
     r"elastic modulus of curve 1 cannot be estimated from its first segment: the stress goes from 0 to 0 MPa"),
    ([0.0, 0.1, 0.2], [[0.0, 1.0, 2.0]] * 2, {"elastic_modulus": [70_000.0, 0.0]},
     r"elastic_modulus must be > 0 MPa \(or inf\), but curve 1 has 0\.$"),
    ([0.0, 0.1, 0.2], [[0.0, 1.0, 2.0]] * 2, {"elastic_modulus": [1.0, 2.0, 3.0]},
     r"elastic_modulus must be None, one number, or one per curve \(shape \(2,\)\)"),
    ([0.0, 0.1, 0.2], [[0.0, 1.0, 2.0]], {"min_plastic_strain": -0.1},
     r"min_plastic_strain must be a finite number >= 0"),
    ([0.0, 0.1, 0.2], [[0.0, 1.0, 2.0]], {"offset": 0.0}, r"offset must be a finite number > 0"),
    ([0.0, 0.1, 0.2], [["a", "b", "c"]], {}, r"stress must be numeric"),
])
def test_bad_input_is_named(strain, stress, kwargs, message):
    with pytest.raises(ValueError, match=message):
        tensile_properties(strain, stress, **kwargs)


def test_a_hair_below_zero_at_zero_strain_is_read_as_zero_and_the_input_is_kept():
    strain, stress = law_curves([300.0], [0.2], [70_000.0])
    exact = tensile_properties(strain, stress)
    dipped = stress.copy()
    dipped[0, 0] = -1e-4 * dipped.max()  # a network's rounding at the origin
    kept = dipped.copy()
    pd.testing.assert_frame_equal(tensile_properties(strain, dipped), exact)
    assert np.array_equal(dipped, kept)
    dipped[0, 0] = -2e-3 * dipped.max()  # beyond the tolerance: a real error
    with pytest.raises(ValueError, match=r"stress of curve 0 is .* MPa at point 0: .* 0\.001 times the curve's peak"):
        tensile_properties(strain, dipped)


def fem_run_0(fem):
    """Run 0 on its own strain points: K = 200 MPa, n = 0.1, yield 127.2 MPa (as the docstring reads it)."""
    return fem.strain[0], fem.target[0]


@pytest.mark.parametrize("attack, message", [
    (lambda s, S: (s[2:], S[2:]), r"^strain starts at 0\.032\d*, not 0: tensile_properties reads each curve"),
    (lambda s, S: (np.vstack([s, s + 0.01]), np.vstack([S, S])), r"^strain of curve 1 starts at 0\.01, not 0"),
    (lambda s, S: (s, np.vstack([S, S + 5.0])), r"^stress of curve 1 is 5 MPa at zero strain \(point 0\)"),
])
def test_a_curve_that_does_not_start_at_the_origin_is_named(fem, attack, message):
    """Cut or shifted curves gave E = 335 MPa, n = 0.022 and a yield of 189 MPa (true: 70 GPa, 0.1, 127) silently."""
    strain, stress = attack(*fem_run_0(fem))
    with pytest.raises(ValueError, match=message):
        tensile_properties(strain, stress)


def test_a_rounding_at_zero_strain_within_the_tolerance_is_still_read_as_zero(fem):
    strain, stress = fem_run_0(fem)
    raised = stress.copy()
    raised[0] = 0.5e-3 * stress.max()  # a network's rounding, above zero this time
    np.testing.assert_allclose(tensile_properties(strain, raised)["strength_coefficient"], 200.0, rtol=1e-5)


@pytest.mark.parametrize("attack, kwargs, message", [
    (lambda s, S: (100.0 * s, S), {}, r"^strain reaches 99\.29, beyond a true strain of 5 .*is it in percent\?"),
    (lambda s, S: (np.vstack([s, 100.0 * s]), np.vstack([S, S])), {}, r"^strain of curve 1 reaches 99\.29"),
    (lambda s, S: (s, np.vstack([S, 1e6 * S])), {}, r"^stress of curve 1 reaches 1\.998e\+08 MPa, beyond 100000 MPa"
                                                     r" .*is it in Pa or kPa\?"),
    (lambda s, S: (s, 1e3 * S), {}, r"^stress of curve 0 reaches 1\.998e\+05 MPa"),
    (lambda s, S: (s, S), {"elastic_modulus": 7e10}, r"^elastic_modulus of curve 0 is 7e\+10 MPa, .*is it in Pa\?"),
])
def test_units_that_cannot_be_right_are_named(fem, attack, kwargs, message):
    """Strain in % gave E = 700 MPa and R_m = 105 (true 143); stress in Pa gave E = 7e10 "MPa"; both silently."""
    strain, stress = attack(*fem_run_0(fem))
    with pytest.raises(ValueError, match=message):
        tensile_properties(strain, stress, **kwargs)


def test_stiff_metals_and_rigid_plastic_curves_are_still_read():
    strain, stress = law_curves([900.0], [0.25], [1.2e6])  # as stiff as diamond
    props = tensile_properties(strain, stress, elastic_modulus=1.2e6)
    assert props.loc[0, "strength_coefficient"] == pytest.approx(900.0, rel=1e-10)
    grid = np.linspace(0.0, 4.9, 50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        props = tensile_properties(grid, 500.0 * grid**0.2, elastic_modulus=np.inf)
    assert props.loc[0, "hardening_exponent"] == pytest.approx(0.2, abs=1e-12)
