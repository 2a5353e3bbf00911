"""Synthetic small punch test curves and the matching true stress–strain curves, with the simulator's limits and checks."""

from __future__ import annotations

import reprlib

import numpy as np
from sklearn.utils import Bunch, check_random_state

from .._curve_checks import first_decrease, first_true
from ._arrays import _as_float
from ._mechanics import (
    DEFAULT_CONSTANTS,
    GEOMETRIES,
    LAWS,
    SimulatorConstants,
    flow_stress,
    max_thickness,
    punch_force,
    reach,
)

__all__ = ["simulate_small_punch", "make_small_punch_test", "DEFAULT_STRAIN"]

#: The target grid: 35 total strains from 0 to 0.99 (about the paper's 0.03 step).
DEFAULT_STRAIN = np.linspace(0.0, 0.99, 35)

# Table I of Yang et al. (2025).
PAPER_YIELD_STRESS = (20.98, 1907.53)
PAPER_HARDENING_EXPONENT = (0.068, 0.4046)
PAPER_THICKNESS = (1.0, 4.0)
#: Default thickness range (mm) of make_small_punch_test, per geometry: the
#: paper's 1-4 mm, and +-20 % around the 0.5 mm disc of EN 10371. Its
#: thickness-to-clearance ratios t / (b - a) = 0.53-0.80 lie inside the
#: paper range's 0.27-1.07, where the model's constants were fitted.
DEFAULT_THICKNESS = {"paper": PAPER_THICKNESS, "en10371": (0.4, 0.6)}
# Validity limits of the model's parameters (see simulate_small_punch, Notes).
MAX_HARDENING_EXPONENT = 1.0
IDEAL_STRENGTH_FRACTION = 0.1  # flow stress <= E / 10
MAX_ELASTIC_MODULUS = 1.2e6  # MPa, diamond
MIN_ELASTIC_MODULUS = 1.0  # MPa, softer than rubber
MIN_THICKNESS = 1e-4  # mm: a 0.1 µm disc is a film a few hundred atoms thick, not a plate
MIN_STRENGTH = 1e-3  # MPa (1 kPa): weaker than any solid
MAX_PRESTRAIN = 1.0  # a Swift prestrain beyond a true strain of 1 is no pre-deformation
MAX_STRAIN = 10.0  # target true strain: a wall thinned to e^-10 of its thickness
MAX_NOISE = 1.0  # relative standard deviation of the force noise (100 %)
MIN_DISPLACEMENT = 1e-6  # mm (1 nm): the smallest punch displacement > 0 simulated
# K range whose extremes give exactly Table I's yield-stress extremes under
# sigma_y = K 0.01^n: the weakest material has the highest n, the strongest
# the lowest n. Sampling K (not sigma_y) keeps the flow stress at 100 %
# strain below ~2.6 GPa, as in the paper's Fig. 5.
PAPER_STRENGTH_COEFFICIENT = (
    PAPER_YIELD_STRESS[0] / 0.01 ** PAPER_HARDENING_EXPONENT[1],
    PAPER_YIELD_STRESS[1] / 0.01 ** PAPER_HARDENING_EXPONENT[0],
)


def _column(name, value):
    array = _as_float(name, value, "a number or a 1-D array of numbers")
    if array.ndim > 1:
        raise ValueError(f"{name} must be a scalar or 1-D, got shape {array.shape}.")
    return np.atleast_1d(array)


def _scalar(name, value, low, high, unit=""):
    """``value`` as a float in ``[low, high]``, or ValueError naming ``name`` and the value."""
    number = _as_float(name, value, "a real number")
    if number.ndim != 0 or not (low <= number <= high):
        raise ValueError(f"{name} must be a real number in [{low:g}, {high:g}]{unit}, got {reprlib.repr(value)}.")
    return float(number)


def _pair(name, value, *, single=False):
    """``value`` as finite floats ``(low, high)`` with ``low <= high``, or ValueError naming ``name``.

    With ``single=True`` one number ``v`` is also accepted, as ``(v, v)``.
    """
    what = ("a value or " if single else "") + "a (low, high) pair of finite numbers with low <= high"
    pair = _as_float(name, value, what)
    shape_ok = pair.shape == (2,) or (single and pair.ndim == 0)
    low, high = np.broadcast_to(pair, (2,)) if shape_ok else (np.nan, np.nan)
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValueError(f"{name} must be {what}, got {reprlib.repr(value)}.")
    return float(low), float(high)


def _choice(name, value, options):
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"{name} must be one of {tuple(options)}, got {reprlib.repr(value)}.")


def _check_constants(constants):
    """``constants``, or the defaults for None; TypeError for anything but a SimulatorConstants."""
    if constants is None:
        return DEFAULT_CONSTANTS
    if not isinstance(constants, SimulatorConstants):
        raise TypeError(
            f"constants must be a SimulatorConstants or None, got {type(constants).__name__}; build one with "
            "dataclasses.replace(skmat.datasets.DEFAULT_CONSTANTS, name=value)."
        )
    return constants


def _increasing_grid(name, values, min_length):
    """A 1-D, finite, non-negative, strictly increasing float grid of ``min_length`` points or more.

    ValueError naming the grid, the rule and what breaks it.
    """
    grid = _as_float(name, values, "a 1-D array of numbers")
    rule = f"{name} must be 1-D, finite, >= 0 and strictly increasing, with at least {min_length} point" + (
        "s" if min_length > 1 else "")
    if grid.ndim != 1 or len(grid) < min_length:
        raise ValueError(f"{rule}; got shape {grid.shape}.")
    bad = first_true(~np.isfinite(grid) | (grid < 0))
    if bad is not None:
        raise ValueError(f"{rule}; got {float(grid[bad])!r} at point {bad[0]}.")
    step = first_decrease(grid)
    if step is not None:
        j = step[0]
        raise ValueError(f"{rule}; point {j + 1} ({grid[j + 1]:g}) does not exceed point {j} ({grid[j]:g}).")
    return grid


def _check_positive(name, values, *, allow_zero=False):
    bad = ~np.isfinite(values) | ((values < 0) if allow_zero else (values <= 0))
    if bad.any():
        (i,) = first_true(bad)
        rule = "finite and >= 0" if allow_zero else "finite and > 0"
        raise ValueError(f"{name} must be {rule}; got {float(values[i])!r} for sample {i}.")


def _reject(name, values, bad, rule, item="sample"):
    """ValueError naming the first ``bad`` ``item`` (sample, curve); ``rule(i)`` states its valid range."""
    if bad.any():
        (i,) = first_true(bad)
        raise ValueError(f"{name} must be {rule(i)}; got {float(values[i])!r} for {item} {i}.")


def _check_curves(what, condition, ok, describe):
    """ValueError with every parameter of the first sample whose ``ok`` is False (``describe(i)`` lists them)."""
    if not ok.all():
        (i,) = first_true(~ok)
        raise ValueError(
            f"The simulated {what} of sample {i} are not all {condition} with {describe(i)}: one of these is "
            "outside the range the model represents."
        )


def _floor(value, digits=4):
    """``value`` rounded down to ``digits`` significant digits, so that a printed upper limit is valid."""
    scale = 10.0 ** (np.floor(np.log10(value)) - digits + 1)
    return np.floor(value / scale) * scale


def _thickness_limit(geo, u_max):
    """Largest valid thickness for displacements up to ``u_max``, or ValueError naming the grid."""
    t_max = max_thickness(geo, u_max)
    if t_max is None or t_max < MIN_THICKNESS:
        reach_max = _floor(reach(geo, MIN_THICKNESS))
        raise ValueError(
            f"displacement must stay within {reach_max:.6g} mm for geometry {geo.name!r} (the wall of even the "
            f"thinnest disc, {MIN_THICKNESS:g} mm, turns vertical there); got up to {u_max:g} mm."
        )
    return t_max


def _thickness_rule(geo, t_max, u_max):
    return (
        f"in (0, {_floor(t_max):.6g}] mm for geometry {geo.name!r} with displacements up to {u_max:g} mm "
        f"(a thicker disc's contact circle reaches the clamp at r = {geo.clamp_radius:g} mm, or its wall "
        "turns vertical, before that)"
    )


def _true_stress_strain(strain, yield_stress, K, n, law, prestrain, E):
    """Stress on a total-strain grid: elastic up to yield, then the flow curve.

    Solves ``σ = flow(ε − σ/E)`` by fixed-point iteration, which converges
    fast where E ≫ dσ/dεp (the paper's materials). Points it leaves
    unconverged (hardening rates near or above E, e.g. a Swift law just
    after yield) are finished by bisection on ``[σy, Eε]``, where
    ``σ − flow(ε − σ/E)`` increases from ≤ 0 to > 0.
    """
    total = strain[None, :]
    stress = np.minimum(E * total, yield_stress)
    for _ in range(30):
        plastic = np.maximum(total - stress / E, 0.0)
        stress = np.where(E * total <= yield_stress, E * total, flow_stress(plastic, K, n, law, prestrain))
    residual = stress - flow_stress(np.maximum(total - stress / E, 0.0), K, n, law, prestrain)
    rows, cols = np.nonzero((E * total > yield_stress) & (np.abs(residual) > 1e-10 * stress))
    if len(rows):
        eps, K, n = strain[cols], K[rows, 0], n[rows, 0]
        lo, hi = yield_stress[rows, 0], E * eps
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            above = mid > flow_stress(np.maximum(eps - mid / E, 0.0), K, n, law, prestrain)
            lo, hi = np.where(above, lo, mid), np.where(above, mid, hi)
        stress[rows, cols] = 0.5 * (lo + hi)
    return stress


def simulate_small_punch(
    *,
    hardening_exponent,
    thickness,
    strength_coefficient=None,
    yield_stress=None,
    law="paper",
    geometry="paper",
    displacement=None,
    strain=None,
    prestrain=0.002,
    elastic_modulus=70_000.0,
    poisson_ratio=0.35,
    noise=0.0,
    random_state=None,
    constants=None,
):
    """Simulate small punch test load–displacement curves and true stress–strain curves.

    A reduced-order mechanical model of the punch test (elastic plate
    bending with a shear correction, the plastic-bending knee, membrane
    stretching with thinning and hardening, the maximum and softening; the
    equations are in the docstring of the source file
    ``skmat/_small_punch/_mechanics.py``, the constants in
    :class:`~skmat.datasets.SimulatorConstants`), vectorised over
    materials. Parameters broadcast against each other.

    Parameters
    ----------
    hardening_exponent : float or array-like of shape (n,)
        Hardening exponent ``n``, 0 ≤ n ≤ 1.
    thickness : float or array-like of shape (n,)
        Disc thickness in mm, 1e-4 mm (0.1 µm) ≤ t ≤ the geometry's limit
        (7.48 mm for ``"paper"``, 1.489 mm for ``"en10371"`` on the default
        displacement grids; see Notes). The model's constants were fitted to
        finite-element curves of the paper geometry at 1–4 mm.
    strength_coefficient : float or array-like, optional
        ``K`` in MPa, ≥ 1e-3 MPa (1 kPa; no solid is weaker). Give exactly
        one of ``strength_coefficient`` and ``yield_stress``. The flow stress
        at a plastic strain of 1 (``K`` for ``law="paper"``) may not exceed
        ``elastic_modulus / 10``.
    yield_stress : float or array-like, optional
        ``σy`` in MPa, ≥ 1e-3 MPa; ``K`` follows from the law (``K = σy /
        0.01^n`` for ``law="paper"``), with the same limit on ``K``.
    law : {"paper", "swift"}, default="paper"
        ``"paper"``: ``σ = K max(εp, 0.01)^n`` (Yang et al. 2025).
        ``"swift"``: ``σ = K (ε₀ + εp)^n`` with ``ε₀ = prestrain``, for
        materials whose hardening starts at yield.
    geometry : {"paper", "en10371"}, default="paper"
        ``"paper"``: flat punch Ø 5.5 mm with 0.78 mm fillet, disc clamped at
        r = 6.5 mm. ``"en10371"``: ball Ø 2.5 mm, receiving hole Ø 4 mm
        (disc Ø 8 × 0.5 mm, so pass ``thickness=0.5``).
    displacement : array-like of shape (m,), optional
        Punch displacements in mm, finite, increasing from ≥ 0, at least 2
        points, each 0 or ≥ 1e-6 mm (1 nm), within what the thinnest disc
        reaches (53.63 mm for
        ``"paper"``, 11.78 mm for ``"en10371"``; see Notes). Default: 0–4.5
        mm in 181 points (paper) or 0–2 mm in 161 points (EN 10371).
    strain : array-like of shape (T,), optional
        Total true strains of the target curve, finite, increasing, from ≥ 0
        up to at most 10. Default: 35 points 0–0.99.
    prestrain : float, default=0.002
        ``ε₀`` of the Swift law, in [0, 1] (> 0 with ``yield_stress``; and
        large enough there that some ``σy`` ≥ 1e-3 MPa keeps ``K = σy /
        ε₀^n`` within the strength limit).
    elastic_modulus, poisson_ratio : float, default=70,000 MPa and 0.35
        As in the paper's finite-element model; ``1 ≤ E ≤ 1.2e6`` MPa
        (softer than rubber to diamond) and ``-1 < ν < 0.5``.
    noise : float, default=0.0
        Relative standard deviation of multiplicative Gaussian noise on the
        forces, in [0, 1] (forces the noise would make negative are set to
        0; the stress curves stay exact).
    random_state : int, RandomState instance or None, default=None
        Seeds the noise.
    constants : SimulatorConstants, optional
        The model's fitted constants; None uses
        :data:`~skmat.datasets.DEFAULT_CONSTANTS`. They change the force
        curves only, never the stress–strain target.

    Returns
    -------
    Bunch
        ``displacement`` (m,), ``force`` (n, m) in N, ``strain`` (T,),
        ``stress`` (n, T) in MPa, and the parameters used, each of shape
        (n,): ``thickness``, ``strength_coefficient``, ``yield_stress``,
        ``hardening_exponent``; plus ``law``, ``geometry`` and
        ``constants``.

    Raises
    ------
    ValueError
        For a parameter outside its valid range (see Parameters and Notes),
        NaN, infinity or not a number (text, say); the message names the
        parameter, its value, the valid range and, for per-sample
        parameters, the first offending sample.

    Notes
    -----
    The results are always finite, and every force curve is > 0 after
    ``u = 0`` (with ``noise``, > 0 at some point at least): parameters the
    reduced-order model cannot represent are rejected rather than
    simulated. The limits above keep every combination well within
    floating-point range; the forces and stresses are checked after the
    simulation and after the noise as well, and a curve that still is not
    finite (with extreme ``constants``, say) is a ``ValueError`` listing
    all of its parameters.

    * **Thickness against geometry.** The disc wraps the punch edge with a
      mid-surface radius ``ρ = r_f + t/2`` and runs as a straight cone to
      the clamp at ``b``. The punch advances only while the contact circle
      ``a_f + ρ sin φ`` is inside the clamp (``du/dφ = (b − r_c)/cos² φ``);
      past that the cone length turns negative and its strain, a
      logarithm, NaN. The largest displacement a disc reaches (wrap angle
      ≤ 1.5 rad) falls with thickness, so the largest displacement of the
      grid fixes the largest thickness, just under ``2 (b − a)``: 7.48 mm for
      ``"paper"`` (``b − a`` = 3.75 mm, 4.5 mm grid) and 1.489 mm for
      ``"en10371"`` (``b − a`` = 0.75 mm, 2 mm grid). A grid reaching
      beyond 53.63 mm (paper) or 11.78 mm (EN 10371) fits no disc.
    * **Hardening exponent** 0 ≤ n ≤ 1: the membrane tension
      ``σ(ε) t e^{−ε}`` peaks where the localised strain reaches ``n``
      (hardening stops outrunning thinning, Considère's criterion), which
      brings on the force maximum; for n > 1 that peak would lie beyond
      the target's strain range (ε ≤ 0.99), after the wall had thinned
      below ``t/e``.
    * **Strength.** No solid's flow stress exceeds its ideal strength,
      about ``E/10``; the model's elasticity is small-strain. The flow
      stress at a plastic strain of 1 must therefore stay ≤
      ``elastic_modulus / 10`` (7000 MPa by default; Table I of the paper
      reaches 2609 MPa). This bound also keeps the forces far from
      floating-point overflow.

    Examples
    --------
    >>> from skmat.datasets import simulate_small_punch
    >>> sim = simulate_small_punch(hardening_exponent=0.1, thickness=1.0, strength_coefficient=200)
    >>> sim.force.shape, sim.stress.shape
    ((1, 181), (1, 35))
    >>> round(float(sim.yield_stress[0]))
    126
    >>> bool(1500 < sim.force.max() < 2200)
    True
    """
    constants = _check_constants(constants)
    if (strength_coefficient is None) == (yield_stress is None):
        raise ValueError("Give exactly one of strength_coefficient and yield_stress.")
    _choice("law", law, LAWS)
    _choice("geometry", geometry, GEOMETRIES)
    geo = GEOMETRIES[geometry]
    strength_name = "strength_coefficient" if yield_stress is None else "yield_stress"
    n_exp = _column("hardening_exponent", hardening_exponent)
    t = _column("thickness", thickness)
    given = _column(strength_name, strength_coefficient if yield_stress is None else yield_stress)
    try:
        n_exp, t, given = np.broadcast_arrays(n_exp, t, given)
    except ValueError:
        raise ValueError(
            "hardening_exponent, thickness and the strength parameter must broadcast; got "
            f"lengths {len(n_exp)}, {len(t)}, {len(given)}."
        ) from None
    _check_positive("hardening_exponent", n_exp, allow_zero=True)
    _reject("hardening_exponent", n_exp, n_exp > MAX_HARDENING_EXPONENT,
            lambda i: f"in [0, {MAX_HARDENING_EXPONENT:g}] (the membrane tension peaks where the localised "
                      "strain reaches n, which must lie within a true strain of 1)")
    _check_positive("thickness", t)
    _reject("thickness", t, t < MIN_THICKNESS, lambda i: (
        f"large enough, >= {MIN_THICKNESS:g} mm (a thinner disc is a film a few hundred atoms thick, "
        "not a plate)"
    ))
    _check_positive(strength_name, given)
    _reject(strength_name, given, given < MIN_STRENGTH,
            lambda i: f">= {MIN_STRENGTH:g} MPa (1 kPa; no solid is weaker)")
    prestrain = _scalar("prestrain", prestrain, 0.0, MAX_PRESTRAIN)
    noise = _scalar("noise", noise, 0.0, MAX_NOISE, " (relative standard deviation)")
    elastic_modulus = _scalar("elastic_modulus", elastic_modulus, MIN_ELASTIC_MODULUS, MAX_ELASTIC_MODULUS,
                              " MPa (rubber to diamond)")
    nu = _as_float("poisson_ratio", poisson_ratio, "a real number")
    if nu.ndim != 0 or not -1 < nu < 0.5:
        raise ValueError(f"poisson_ratio must be a real number in (-1, 0.5), got {reprlib.repr(poisson_ratio)}.")
    poisson_ratio = float(nu)
    if law == "swift" and yield_stress is not None and prestrain <= 0:
        raise ValueError(f"prestrain must be > 0 for law='swift' with yield_stress (σy = K ε0^n), got {prestrain!r}.")

    reference_strain = 0.01 if law == "paper" else prestrain
    with np.errstate(over="ignore", divide="ignore"):  # a tiny Swift prestrain is rejected below
        # K per unit of the given parameter: 1, or 1 / reference_strain^n for yield_stress.
        k_per_given = np.ones_like(n_exp) if yield_stress is None else 1.0 / reference_strain**n_exp
        # The flow curve rises with strain; up to a plastic strain of 1 it must stay
        # below the ideal strength. That caps the given parameter.
        cap = IDEAL_STRENGTH_FRACTION * elastic_modulus
        upper = cap / flow_stress(1.0, k_per_given, n_exp, law, prestrain)
    if yield_stress is not None and law == "swift":
        # σy = K ε0^n: a tiny ε0 makes K, hence the flow stress, too large for every yield_stress.
        _reject("prestrain", np.full(len(n_exp), prestrain), upper < MIN_STRENGTH, lambda i: (
            f"large enough for law='swift' with yield_stress that some yield_stress >= {MIN_STRENGTH:g} MPa "
            f"keeps the flow stress at plastic strain 1, K (prestrain + 1)^n with K = yield_stress / "
            f"prestrain^n, within elastic_modulus / {1 / IDEAL_STRENGTH_FRACTION:g} at hardening_exponent "
            f"{n_exp[i]:g}"
        ))
    _reject(strength_name, given, given > upper, lambda i: (
        f"in (0, {upper[i]:.6g}] MPa for hardening_exponent {n_exp[i]:g} and "
        f"law {law!r}: the flow stress at plastic strain 1 may not exceed the ideal strength "
        f"elastic_modulus / {1 / IDEAL_STRENGTH_FRACTION:g} = {cap:g} MPa"
    ))
    if yield_stress is None:
        K = given.astype(float)
        sy = K * reference_strain**n_exp
    else:
        sy = given.astype(float)
        K = sy / reference_strain**n_exp

    u = _increasing_grid(
        "displacement", np.linspace(*geo.displacement) if displacement is None else displacement, 2
    )
    if u[u > 0][0] < MIN_DISPLACEMENT:
        raise ValueError(f"displacement must be 0 or >= {MIN_DISPLACEMENT:g} mm (1 nm) at every point, got "
                         f"{float(u[u > 0][0])!r} mm.")
    eps = _increasing_grid("strain", DEFAULT_STRAIN if strain is None else strain, 1)
    if eps[-1] > MAX_STRAIN:
        raise ValueError(f"strain must stay within {MAX_STRAIN:g} (true strain), got up to {float(eps[-1])!r}.")
    t_max = _thickness_limit(geo, u[-1])
    _reject("thickness", t, t > t_max, lambda i: _thickness_rule(geo, t_max, u[-1]))

    column = lambda v: v[:, None]  # noqa: E731
    with np.errstate(all="ignore"):  # non-finite rows are rejected just below
        force = punch_force(
            u, column(t), column(K), column(n_exp), geometry=geo, law=law, prestrain=prestrain,
            elastic_modulus=elastic_modulus, poisson_ratio=poisson_ratio, constants=constants,
        )
    # Safety nets: within the limits above they never fire with the default constants.
    describe = lambda i: (  # noqa: E731
        f"thickness={float(t[i])!r} mm, strength_coefficient={float(K[i])!r} MPa, "
        f"hardening_exponent={float(n_exp[i])!r}, "
        f"elastic_modulus={elastic_modulus!r} MPa, poisson_ratio={poisson_ratio!r}, prestrain={prestrain!r}, "
        f"displacement up to {float(u[-1])!r} mm, strain up to {float(eps[-1])!r} and constants={constants}"
    )
    _check_curves("forces", "finite and > 0", np.isfinite(force).all(axis=1) & (force[:, u > 0] > 0).all(axis=1),
                  describe)
    if noise > 0:
        rng = check_random_state(random_state)
        force = force * (1.0 + noise * rng.standard_normal(force.shape))
        force = np.maximum(force, 0.0)
        _reject("noise", np.full(len(force), noise), ~(np.isfinite(force).all(axis=1) & (force > 0).any(axis=1)),
                lambda i: f"small enough to leave finite forces, some > 0, in every curve ({len(u)} displacements "
                          "here)")
    stress = _true_stress_strain(eps, column(sy), column(K), column(n_exp), law, prestrain, elastic_modulus)
    _check_curves("true stresses", "finite", np.isfinite(stress).all(axis=1), describe)
    return Bunch(
        displacement=u,
        force=force,
        strain=eps,
        stress=stress,
        thickness=t.astype(float),
        strength_coefficient=K,
        yield_stress=sy,
        hardening_exponent=n_exp.astype(float),
        law=law,
        geometry=geometry,
        constants=constants,
    )


def make_small_punch_test(
    n_samples=5000,
    *,
    random_state=None,
    noise=0.0,
    strength_coefficient_range=PAPER_STRENGTH_COEFFICIENT,
    hardening_exponent_range=PAPER_HARDENING_EXPONENT,
    thickness_range=None,
    law="paper",
    geometry="paper",
    constants=None,
    rig=None,
):
    """Generate a small punch test data set like Yang et al. (2025), Table I.

    Materials are drawn independently: strength coefficient ``K``
    log-uniform, hardening exponent and thickness uniform. The default ``K``
    range, 135.2–2609.0 MPa, is the one whose extremes give exactly Table I's
    yield-stress range 20.98–1907.53 MPa (``σy = K 0.01^n``); sampling ``K``
    rather than ``σy`` keeps the true stress at 100 % strain under about
    2.6 GPa, like the paper's curves (its Fig. 5 spans ~200–2500 MPa).
    Each gets a load–displacement curve (the input) and its true
    stress–strain curve (the target) from :func:`simulate_small_punch`.
    Every range must lie within the limits given there (Notes), so every
    curve is finite.

    Parameters
    ----------
    n_samples : int, default=5000
    random_state : int, RandomState instance or None, default=None
        Seeds the materials and the noise.
    noise : float, default=0.0
        Relative noise on the forces, in [0, 1] (as in
        :func:`simulate_small_punch`).
    rig : dict or None, default=None
        What a test rig adds to each recorded curve, as ranges from which
        one level per curve is drawn uniformly:
        ``{"noise": (0.01, 0.03), "displacement_offset": (-0.02, 0.02),
        "compliance": (0.0, 1e-5)}`` (relative load-cell noise, zero-point
        error in mm, machine compliance in mm/N; any subset, a single value
        for a fixed level; finite, low ≤ high). Applied with
        :func:`perturb_small_punch`, whose limits every drawn level must
        meet: noise in [0, 1]; ``|displacement_offset|`` ≤ 2.25 mm (1 mm
        for ``"en10371"``), half the grid's span; compliance ≥ 0, and its
        deflection at a curve's maximum force ≤ that half span too (a
        ``ValueError`` names ``rig``, the level and the curve). The drawn
        levels are added to ``params`` as ``rig_noise``, … . Training on
        such curves makes a model robust to them; the targets stay exact.
    strength_coefficient_range : tuple, default=(135.2, 2609.0)
        MPa, > 0; every drawn ``K`` must be ≥ 1e-3 MPa. With the hardening
        exponent, each drawn material's flow stress at a plastic strain of
        1 must stay ≤ 7000 MPa.
    hardening_exponent_range : tuple, default=(0.068, 0.4046)
        Within [0, 1].
    thickness_range : tuple, optional
        mm. Default per geometry: (1.0, 4.0) for ``"paper"`` (Table I) and
        (0.4, 0.6) for ``"en10371"`` (±20 % around its 0.5 mm disc). Must
        lie within (0, 7.48] mm (paper) or (0, 1.489] mm (EN 10371), the
        thickest discs the model can push through the default displacement
        grid; every drawn thickness must be ≥ 1e-4 mm.
    law, geometry : str
        As in :func:`simulate_small_punch`.
    constants : SimulatorConstants, optional
        The simulator's fitted constants; None uses
        :data:`~skmat.datasets.DEFAULT_CONSTANTS`.

    Returns
    -------
    Bunch
        ``data``: forces (n_samples, 181) in N (161 for ``"en10371"``),
        finite, none zero everywhere;
        ``target``: true stresses (n_samples, 35) in MPa; ``displacement``
        and ``strain``: the two grids; ``params``: DataFrame with ``yield_stress``,
        ``strength_coefficient``, ``hardening_exponent``, ``thickness``;
        ``constants``: the :class:`SimulatorConstants` used; ``DESCR``.

    Raises
    ------
    ValueError
        For a range that is not a finite (low, high) pair or lies outside
        its valid limits (naming the range), a drawn material outside them
        (naming the parameter and the sample), or a drawn rig level outside
        the limits of :func:`perturb_small_punch` (naming ``rig``, the level
        and the curve).

    Examples
    --------
    >>> from skmat.datasets import make_small_punch_test
    >>> spt = make_small_punch_test(100, random_state=0)
    >>> spt.data.shape, spt.target.shape, list(spt.params.columns)[:2]
    ((100, 181), (100, 35), ['yield_stress', 'strength_coefficient'])
    >>> en = make_small_punch_test(100, geometry="en10371", random_state=0)
    >>> en.data.shape, float(en.params.thickness.min()) >= 0.4
    ((100, 161), True)
    """
    import pandas as pd

    if isinstance(n_samples, bool) or not (isinstance(n_samples, (int, np.integer)) and n_samples >= 1):
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    constants = _check_constants(constants)
    _choice("geometry", geometry, GEOMETRIES)
    geo = GEOMETRIES[geometry]
    if thickness_range is None:
        thickness_range = DEFAULT_THICKNESS[geometry]
    t_max = max_thickness(geo, geo.displacement[1])
    for name, bounds, valid, within in (
        ("strength_coefficient_range", strength_coefficient_range, "(0, inf) MPa", lambda lo, hi: lo > 0),
        ("hardening_exponent_range", hardening_exponent_range, f"[0, {MAX_HARDENING_EXPONENT:g}]",
         lambda lo, hi: lo >= 0 and hi <= MAX_HARDENING_EXPONENT),
        ("thickness_range", thickness_range, f"(0, {_floor(t_max):.6g}] mm for geometry {geometry!r}",
         lambda lo, hi: lo > 0 and hi <= t_max),
    ):
        lo, hi = _pair(name, bounds)
        if not within(lo, hi):
            raise ValueError(f"{name} must lie within {valid}, got {(lo, hi)!r}.")
    rng = check_random_state(random_state)
    log_k = np.log(_pair("strength_coefficient_range", strength_coefficient_range))
    K = np.exp(rng.uniform(log_k[0], log_k[1], n_samples))
    n = rng.uniform(*_pair("hardening_exponent_range", hardening_exponent_range), n_samples)
    t = rng.uniform(*_pair("thickness_range", thickness_range), n_samples)
    rig_levels = _rig_levels(rig, n_samples, rng)
    sim = simulate_small_punch(
        hardening_exponent=n, thickness=t, strength_coefficient=K, law=law, geometry=geometry,
        noise=noise, random_state=rng, constants=constants,
    )
    force = sim.force
    if rig_levels:
        from ._rig import perturb_small_punch

        try:
            force = perturb_small_punch(force, sim.displacement, random_state=rng, **rig_levels)
        except ValueError as error:  # the drawn level of one curve; say that it came from rig
            raise ValueError(f"rig={rig!r}: {error}") from None
    params = pd.DataFrame({
        "yield_stress": sim.yield_stress,
        "strength_coefficient": sim.strength_coefficient,
        "hardening_exponent": sim.hardening_exponent,
        "thickness": sim.thickness,
    })
    descr = (
        f"{n_samples} synthetic small punch tests ({geometry} geometry, {law} law, noise {noise}): "
        "forces in N on the displacement grid (mm), true stress in MPa on the strain grid."
    )
    for name, values in rig_levels.items():
        params[f"rig_{name}"] = values
    return Bunch(
        data=force, target=sim.stress, displacement=sim.displacement, strain=sim.strain,
        params=params, constants=constants, DESCR=descr,
    )


RIG_EFFECTS = ("noise", "displacement_offset", "compliance")


def _rig_levels(rig, n_samples, rng):
    """Per-curve levels of each rig effect, drawn uniformly from the ranges in ``rig``.

    Only the form is checked here; :func:`perturb_small_punch` checks the drawn levels.
    """
    if rig is None:
        return {}
    if not isinstance(rig, dict) or not set(rig) <= set(RIG_EFFECTS):
        raise ValueError(f"rig must be None or a dict with keys among {RIG_EFFECTS}, got {rig!r}.")
    return {
        name: rng.uniform(*_pair(f"rig[{name!r}]", rig[name], single=True), n_samples)
        for name in RIG_EFFECTS if name in rig
    }
