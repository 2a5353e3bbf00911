"""correct_rig and estimate_displacement_offset: undoing a test rig's compliance and zero offset."""

from __future__ import annotations

import copy
import io

import numpy as np
import pytest

from skmat.datasets import make_small_punch_test, perturb_small_punch, read_curve_table, simulate_small_punch
from skmat.preprocessing import correct_rig, estimate_displacement_offset

FINE = np.linspace(0.0, 4.5, 1801)  # 0.0025 mm: sampled as densely as a lab records


@pytest.fixture(scope="module")
def spt():
    return make_small_punch_test(12, random_state=0)


@pytest.fixture(scope="module")
def fine():
    """Clean curves on the fine grid: soft and strong, thin and thick, low and high hardening."""
    return simulate_small_punch(strength_coefficient=[200.0, 700.0, 300.0, 500.0, 135.0, 150.0],
                                hardening_exponent=[0.1, 0.06, 0.2, 0.1, 0.4, 0.5],
                                thickness=[1.0, 1.0, 2.5, 4.0, 1.0, 1.0], displacement=FINE)


def _inside(displacement, recorded, compliance, offset):
    """Grid points up to each corrected curve's end; beyond it correct_rig holds the last force (no data)."""
    n = len(recorded)
    compliance = np.broadcast_to(np.asarray(compliance, dtype=float), (n,))
    offset = np.broadcast_to(np.asarray(offset, dtype=float), (n,))
    end = displacement[-1] - compliance * recorded[:, -1] - offset
    return displacement[None, :] <= end[:, None]


# -- round trip -----------------------------------------------------------------------


@pytest.mark.parametrize("compliance, offset", [(1.5e-5, 0.03), (2e-5, -0.02), ([0.0, 1e-5] * 6, [0.05, 0.0] * 6)])
def test_round_trip_recovers_the_clean_curves(spt, compliance, offset):
    """perturb_small_punch then correct_rig with the same levels gives back the clean curves.

    Not exactly: both steps read a curve at new points by linear
    interpolation, which cuts corners where the curve bends within one
    0.025 mm step. That is worst at first contact and the knee (the first
    few points, up to ~4 % of the maximum force measured) and small
    elsewhere (~0.3 % measured). Beyond the corrected curve's end
    (``compliance * F[-1] + offset`` before 4.5 mm) there are no data.
    """
    clean, u = spt.data, spt.displacement
    recorded = perturb_small_punch(clean, u, compliance=compliance, displacement_offset=offset)
    corrected = correct_rig(recorded, u, compliance=compliance, displacement_offset=offset)
    assert corrected.shape == clean.shape
    scale = clean.max(axis=1, keepdims=True)
    inside = _inside(u, recorded, compliance, offset)
    error = np.where(inside, np.abs(corrected - clean), 0.0) / scale
    assert error[:, :5].max() < 0.05
    assert error[:, 5:].max() < 0.005
    # the correction did something: the recorded curves are far from the clean ones
    assert (np.where(inside, np.abs(recorded - clean), 0.0) / scale).max() > 0.1
    assert np.all(corrected[:, 0] == 0.0)


def test_an_offset_of_whole_grid_steps_without_compliance_is_undone_exactly(spt):
    """Without compliance and with an offset of 2 steps the recorded points are the clean ones, moved."""
    clean, u = spt.data, spt.displacement
    recorded = perturb_small_punch(clean, u, displacement_offset=2 * (u[1] - u[0]))
    corrected = correct_rig(recorded, u, displacement_offset=2 * (u[1] - u[0]))
    np.testing.assert_allclose(corrected[:, :-2], clean[:, :-2], rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(corrected[:, -2:], np.repeat(corrected[:, [-3]], 2, axis=1))  # held: no data


def test_nothing_changes_without_compliance_and_offset(spt):
    """Bit for bit: x - 0 * F - 0 is x, and np.interp returns a curve's own values at its own points."""
    force = spt.data
    np.testing.assert_array_equal(correct_rig(force, spt.displacement), force)
    np.testing.assert_array_equal(correct_rig(force), force)  # the default grid is the paper's
    np.testing.assert_array_equal(correct_rig(force[3], spt.displacement), force[3])
    pairs = [(spt.displacement[:100], force[0, :100]), (spt.displacement, force[1])]
    for (x_in, f_in), (x_out, f_out) in zip(pairs, correct_rig(pairs), strict=True):
        np.testing.assert_array_equal(x_out, x_in)
        np.testing.assert_array_equal(f_out, f_in)


# -- measured curves on their own grids -----------------------------------------------


def test_a_single_curve_on_its_own_uneven_grid():
    u = np.sort(np.concatenate(([0.0], np.geomspace(1e-3, 3.0, 120))))  # dense at the start, as a lab records
    sim = simulate_small_punch(strength_coefficient=250.0, hardening_exponent=0.2, thickness=1.5, displacement=u)
    recorded = perturb_small_punch(sim.force, u, compliance=3e-5, displacement_offset=0.03)[0]
    corrected = correct_rig(recorded, u, compliance=3e-5, displacement_offset=0.03)
    assert corrected.shape == u.shape
    inside = _inside(u, recorded[None, :], 3e-5, 0.03)[0]
    peak = sim.force.max()
    np.testing.assert_allclose(corrected[inside], sim.force[0, inside], rtol=0, atol=0.01 * peak)
    assert np.abs(recorded[inside] - sim.force[0, inside]).max() > 0.1 * peak
    # the same curve as a pair, read onto a regular grid for a model
    grid = np.linspace(0.0, 2.5, 101)
    on_grid = correct_rig([(u, recorded)], compliance=3e-5, displacement_offset=0.03, grid=grid)
    assert on_grid.shape == (1, 101)
    np.testing.assert_allclose(on_grid[0], np.interp(grid, u, sim.force[0]), rtol=0, atol=0.01 * peak)


def test_curves_as_read_from_a_table_come_back_as_pairs_or_on_a_grid():
    table = io.StringIO(
        "Dis1,Force1,Dis2,Force2\n"
        "0.0,0,0.0,0\n"
        "0.01,60,0.02,100\n"
        "0.02,120,0.05,250\n"
        "0.04,200,,\n"
    )
    data = read_curve_table(table)
    assert data.layout == "columns"
    out = correct_rig(data.curves, compliance=[0.0, 2e-5], displacement_offset=[0.005, 0.0])
    assert isinstance(out, list) and [len(f) for _, f in out] == [4, 3]
    np.testing.assert_array_equal(out[0][0], data.curves[0][0])  # on each curve's own displacement
    # curve 0: moved by 0.005 mm to 0 (inserted), 0.005, 0.015, 0.035 mm, its end held at 0.04 mm;
    # curve 1: x - 2e-5 F = 0, 0.018, 0.045 mm, its end held at 0.05 mm
    np.testing.assert_allclose(out[0][1], [0.0, 90.0, 140.0, 200.0])
    np.testing.assert_allclose(out[1][1], [0.0, 100.0 + 150.0 * 0.002 / 0.027, 250.0])
    grid = correct_rig(data.curves, compliance=[0.0, 2e-5], displacement_offset=[0.005, 0.0], grid=[0.0, 0.015])
    np.testing.assert_allclose(grid, [[0.0, 120.0], [0.0, 100.0 * 0.015 / 0.018]])


def test_before_contact_is_zero_and_the_start_is_a_line_from_zero():
    u = np.array([0.0, 0.1, 0.2, 0.3, 0.4])
    force = np.array([0.0, 0.0, 100.0, 200.0, 250.0])
    # the recorded zero is 0.15 mm early: the point at 0.05 mm after the correction lies on (0, 0)-(0.05, 100)
    out = correct_rig(force, u, displacement_offset=0.15, grid=[-0.1, 0.0, 0.025, 0.05, 0.15, 0.3])
    np.testing.assert_allclose(out, [0.0, 0.0, 50.0, 100.0, 200.0, 250.0])


def test_it_works_in_a_pipeline_as_a_function_transformer(spt):
    from sklearn.preprocessing import FunctionTransformer

    recorded = perturb_small_punch(spt.data, compliance=1e-5)
    step = FunctionTransformer(correct_rig, kw_args={"compliance": 1e-5})
    np.testing.assert_array_equal(step.fit_transform(recorded), correct_rig(recorded, compliance=1e-5))


# -- toe compensation ---------------------------------------------------------------


@pytest.mark.parametrize("noise, tolerance", [(0.0, 0.002), (0.01, 0.005)])
def test_the_toe_estimate_recovers_a_known_offset(fine, noise, tolerance):
    """Within 2 µm clean and 5 µm with 1 % noise, for offsets of up to 40 µm.

    Not exact: the simulated curves soften from first contact on, so the
    line through 1-4 % of the maximum force is a slight secant (worst for
    the soft, strongly hardening last curve, whose knee is near 4 %:
    1.6 µm measured), and noise scatters the few points of the window
    (2.5 µm at worst over seeds 0-3 measured).
    """
    offset = np.array([0.04, 0.0, 0.02, -0.002, 0.03, 0.01])
    recorded = perturb_small_punch(fine.force, FINE, compliance=1e-5, displacement_offset=offset, noise=noise,
                                   random_state=0)
    estimate = estimate_displacement_offset(recorded, FINE)  # the compliance does not move the zero (Notes)
    assert estimate.shape == (6,)
    np.testing.assert_allclose(estimate, offset, rtol=0, atol=tolerance)


def test_the_estimated_offset_corrects_the_curve(fine):
    recorded = perturb_small_punch(fine.force[:1], FINE, displacement_offset=0.04)
    offset = estimate_displacement_offset(recorded[0], FINE)
    assert isinstance(offset, float)  # one 1-D curve, one number
    corrected = correct_rig(recorded[0], FINE, displacement_offset=offset)
    peak = fine.force[0].max()
    np.testing.assert_allclose(corrected[:1700], fine.force[0, :1700], rtol=0, atol=0.01 * peak)


def test_a_toe_is_compensated():
    """A slack, convex start (force growing with the square of the displacement) is cut off at the line's zero."""
    u = np.linspace(0.0, 1.0, 1001)
    force = np.where(u < 0.1, 5000.0 * u**2, 50.0 + 1000.0 * (u - 0.1))  # straight from 0.1 mm on: zero at 0.05
    force = np.minimum(force, 600.0)  # a maximum, so that the window 10-50 % of it (60-300 N) lies on the line
    estimate = estimate_displacement_offset(force, u, fit_range=(0.1, 0.5))
    assert estimate == pytest.approx(0.05, abs=1e-9)
    corrected = correct_rig(force, u, displacement_offset=estimate, grid=[-0.01, 0.05, 0.1, 0.2])
    np.testing.assert_allclose(corrected, [0.0, 50.0, 100.0, 200.0], rtol=0, atol=1e-6)
    # the default window, 1-4 % (6-24 N), lies in the toe: the line is a secant of the parabola, the zero is late
    assert estimate_displacement_offset(force, u) < 0.05 - 0.01


def test_a_coarse_curve_without_a_resolved_elastic_part_raises(spt):
    with pytest.raises(ValueError, match=r"Curve 0 has [01] point\(s\) with forces between 0.01 and 0.04"):
        estimate_displacement_offset(spt.data, spt.displacement)


def test_the_fit_range_moves_the_estimate_the_documented_way(fine):
    """A window past the knee fits a secant through the plastic part: the zero moves left (Notes)."""
    recorded = perturb_small_punch(fine.force[:1], FINE, displacement_offset=0.04)
    assert estimate_displacement_offset(recorded, FINE, fit_range=(0.05, 0.3))[0] < 0.04 - 0.005


# -- bad input ------------------------------------------------------------------------


def test_nan_force_names_the_curve_and_point(spt):
    force = spt.data.copy()
    force[2, 7] = np.nan
    with pytest.raises(ValueError, match="force of curve 2 has NaN at point 7"):
        correct_rig(force, spt.displacement)
    with pytest.raises(ValueError, match="force of curve 1 has an infinite value"):
        correct_rig([(np.arange(3.0), np.zeros(3)), (np.arange(3.0), np.array([0.0, np.inf, 1.0]))])


def test_decreasing_displacement_names_the_curve():
    curves = [(np.array([0.0, 0.1, 0.2]), np.zeros(3)), (np.array([0.0, 0.2, 0.1]), np.zeros(3))]
    with pytest.raises(ValueError, match=r"displacement of curve 1 must be strictly increasing; point 2 \(0.1 mm\)"):
        correct_rig(curves)
    with pytest.raises(ValueError, match="displacement must be strictly increasing; point 1"):
        correct_rig(np.zeros((2, 3)), [0.0, 0.0, 1.0])


def test_negative_compliance_names_the_curve_and_value(spt):
    with pytest.raises(ValueError, match=r"compliance must be >= 0; got -1e-05 mm/N for curve 3"):
        correct_rig(spt.data[:4], spt.displacement, compliance=[0.0, 0.0, 0.0, -1e-5])


def test_a_compliance_that_runs_the_displacement_backwards_names_the_curve_and_its_limit():
    u = np.array([0.0, 0.1, 0.2, 0.3])
    force = np.array([[0.0, 100.0, 150.0, 160.0], [0.0, 100.0, 400.0, 450.0]])
    limit = 0.1 / 300.0  # curve 1 rises by 300 N over 0.1 mm
    correct_rig(force, u, compliance=0.99 * limit)
    with pytest.raises(ValueError, match=(r"compliance=0.0003\d* mm/N is too large for curve 1: .* from point 1 to "
                                          r"point 2 .* below 0.000333333 mm/N")):
        correct_rig(force, u, compliance=[0.0, 1.01 * limit])


def test_a_sign_flipped_curve_names_the_curve_and_point(spt):
    """correct_rig(-F, compliance=2e-5) returned negative forces, the compliance applied the wrong way, silently."""
    force = spt.data[:3].copy()
    force[2] *= -1.0
    j = int(np.argmax(spt.data[2]))
    message = rf"force of curve 2 is {-spt.data[2, j]:.6g} N at point {j}, while its largest force is 0 N: .*flipped"
    for compliance in (2e-5, 0.0):
        with pytest.raises(ValueError, match=message):
            correct_rig(force, spt.displacement, compliance=compliance)
    with pytest.raises(ValueError, match=r"force of curve 1 is .* N at point \d+, .*sign-flipped"):
        correct_rig([(spt.displacement, spt.data[0]), (spt.displacement, -spt.data[1])], compliance=2e-5)
    # Noisy, mostly negative: still flipped. A load cell's small negative zero on a real curve is fine.
    noisy = -spt.data[0] + 0.01 * spt.data[0].max()
    with pytest.raises(ValueError, match=r"force of curve 0 is .* sign-flipped"):
        correct_rig(noisy, spt.displacement)
    baseline = spt.data[0] - 0.01 * spt.data[0].max()
    np.testing.assert_array_equal(correct_rig(baseline, spt.displacement), baseline)


def test_an_offset_beyond_the_curve_names_it(spt):
    with pytest.raises(ValueError, match=r"displacement_offset=5.0 mm leaves curve 1 no point after first contact"):
        correct_rig(spt.data[:2], spt.displacement, displacement_offset=[0.0, 5.0])
    with pytest.raises(ValueError, match=r"displacement_offset must be finite; got nan mm for curve 0"):
        correct_rig(spt.data[:2], spt.displacement, displacement_offset=[np.nan, 0.0])


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(displacement=np.linspace(0.0, 1.0, 10)), "one value per point of force"),
     (dict(grid=[0.0, 0.2, 0.1]), "grid must be strictly increasing; point 2"),
     (dict(compliance=[0.0, 1e-5]), r"compliance must be a scalar or one value per curve \(3\)"),
     (dict(compliance="stiff"), "compliance must be a number or one number per curve")],
)
def test_bad_arguments_are_named(spt, kwargs, match):
    kwargs.setdefault("displacement", spt.displacement)
    with pytest.raises(ValueError, match=match):
        correct_rig(spt.data[:3], **kwargs)


def test_pairs_bring_their_own_displacement():
    with pytest.raises(ValueError, match="displacement must be None when force is a list of"):
        correct_rig([(np.arange(3.0), np.zeros(3))], np.arange(3.0))
    with pytest.raises(ValueError, match="Curve 0 must have as many displacements as forces"):
        correct_rig([(np.arange(3.0), np.zeros(4))])


def test_estimate_rejects_bad_windows_and_curves_without_force(spt):
    with pytest.raises(ValueError, match=r"0 < low < high < 1; got \(0.0, 0.04\)"):
        estimate_displacement_offset(spt.data, spt.displacement, fit_range=(0.0, 0.04))
    force = spt.data[:3].copy()
    force[1] = -1.0
    with pytest.raises(ValueError, match="force curve 1 has no force > 0"):
        estimate_displacement_offset(force, spt.displacement, fit_range=(0.05, 0.5))


# -- inputs are not changed ---------------------------------------------------------------


def test_inputs_are_not_modified(spt, fine):
    recorded = perturb_small_punch(spt.data, compliance=1e-5, displacement_offset=0.02)
    force, u = recorded.copy(), spt.displacement.copy()
    compliance, offset, grid = np.full(12, 1e-5), np.full(12, 0.02), np.linspace(0.0, 4.0, 50)
    kept = [a.copy() for a in (compliance, offset, grid)]
    correct_rig(force, u, compliance=compliance, displacement_offset=offset, grid=grid)
    estimate_displacement_offset(force, u, fit_range=(0.2, 0.5))
    np.testing.assert_array_equal(force, recorded)
    np.testing.assert_array_equal(u, spt.displacement)
    for before, after in zip(kept, (compliance, offset, grid), strict=True):
        np.testing.assert_array_equal(before, after)
    on_fine = perturb_small_punch(fine.force[:2], FINE, compliance=1e-5)
    pairs = [(FINE[:900].copy(), on_fine[0, :900].copy()), (FINE.copy(), on_fine[1].copy())]
    saved = copy.deepcopy(pairs)
    out = correct_rig(pairs, compliance=1e-5, displacement_offset=0.01)
    estimate_displacement_offset(pairs)
    for (x0, f0), (x1, f1) in zip(saved, pairs, strict=True):
        np.testing.assert_array_equal(x0, x1)
        np.testing.assert_array_equal(f0, f1)
    assert not np.shares_memory(out[0][0], pairs[0][0])  # new arrays out, too
