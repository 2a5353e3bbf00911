"""Synthetic small punch test curves and the matching true stress–strain curves."""

from __future__ import annotations

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ._small_punch_mechanics import GEOMETRIES, LAWS, flow_stress, punch_force

__all__ = ["simulate_small_punch", "make_small_punch_test", "DEFAULT_STRAIN"]

#: The target grid: 35 total strains from 0 to 0.99 (about the paper's 0.03 step).
DEFAULT_STRAIN = np.linspace(0.0, 0.99, 35)

# Table I of Yang et al. (2025).
PAPER_YIELD_STRESS = (20.98, 1907.53)
PAPER_HARDENING_EXPONENT = (0.068, 0.4046)
PAPER_THICKNESS = (1.0, 4.0)
# K range whose extremes give exactly Table I's yield-stress extremes under
# sigma_y = K 0.01^n: the weakest material has the highest n, the strongest
# the lowest n. Sampling K (not sigma_y) keeps the flow stress at 100 %
# strain below ~2.6 GPa, as in the paper's Fig. 5.
PAPER_STRENGTH_COEFFICIENT = (
    PAPER_YIELD_STRESS[0] / 0.01 ** PAPER_HARDENING_EXPONENT[1],
    PAPER_YIELD_STRESS[1] / 0.01 ** PAPER_HARDENING_EXPONENT[0],
)


def _column(name, value):
    array = np.asarray(value, dtype=float)
    if array.ndim > 1:
        raise ValueError(f"{name} must be a scalar or 1-D, got shape {array.shape}.")
    return np.atleast_1d(array)


def _increasing_grid(name, values, min_length):
    """A 1-D, finite, non-negative, strictly increasing float grid, or ValueError naming it."""
    grid = np.asarray(values, dtype=float)
    if grid.ndim != 1 or len(grid) < min_length or not np.all(np.isfinite(grid)) or np.any(np.diff(grid) <= 0) or grid[0] < 0:
        raise ValueError(f"{name} must be 1-D, finite, >= 0 and strictly increasing.")
    return grid


def _check_positive(name, values, *, allow_zero=False):
    bad = ~np.isfinite(values) | ((values < 0) if allow_zero else (values <= 0))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        rule = "finite and >= 0" if allow_zero else "finite and > 0"
        raise ValueError(f"{name} must be {rule}; got {float(values[i])!r} for sample {i}.")


def _true_stress_strain(strain, yield_stress, K, n, law, prestrain, E):
    """Stress on a total-strain grid: elastic up to yield, then the flow curve.

    Solves ``σ = flow(ε − σ/E)`` by fixed-point iteration (it converges
    because E ≫ dσ/dεp).
    """
    total = strain[None, :]
    stress = np.minimum(E * total, yield_stress)
    for _ in range(30):
        plastic = np.maximum(total - stress / E, 0.0)
        stress = np.where(E * total <= yield_stress, E * total, flow_stress(plastic, K, n, law, prestrain))
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
):
    """Simulate small punch test load–displacement curves and true stress–strain curves.

    A reduced-order mechanical model of the punch test (elastic plate
    bending with a shear correction, the plastic-bending knee, membrane
    stretching with thinning and hardening, the maximum and softening; see
    :mod:`skmat.datasets._small_punch_mechanics` for equations and constants),
    vectorised over materials. Parameters broadcast against each other.

    Parameters
    ----------
    hardening_exponent : float or array-like of shape (n,)
        Hardening exponent ``n`` (≥ 0).
    thickness : float or array-like of shape (n,)
        Disc thickness in mm (> 0).
    strength_coefficient : float or array-like, optional
        ``K`` in MPa. Give exactly one of ``strength_coefficient`` and
        ``yield_stress``.
    yield_stress : float or array-like, optional
        ``σy`` in MPa; ``K`` follows from the law (``K = σy / 0.01^n`` for
        ``law="paper"``).
    law : {"paper", "swift"}, default="paper"
        ``"paper"``: ``σ = K max(εp, 0.01)^n`` (Yang et al. 2025).
        ``"swift"``: ``σ = K (ε₀ + εp)^n`` with ``ε₀ = prestrain``, for
        materials whose hardening starts at yield.
    geometry : {"paper", "en10371"}, default="paper"
        ``"paper"``: flat punch Ø 5.5 mm with 0.78 mm fillet, disc clamped at
        r = 6.5 mm. ``"en10371"``: ball Ø 2.5 mm, receiving hole Ø 4 mm
        (disc Ø 8 × 0.5 mm, so pass ``thickness=0.5``).
    displacement : array-like of shape (m,), optional
        Punch displacements in mm, increasing from 0. Default: 0–4.5 mm in
        181 points (paper) or 0–2 mm in 161 points (EN 10371).
    strain : array-like of shape (T,), optional
        Total true strains of the target curve. Default: 35 points 0–0.99.
    prestrain : float, default=0.002
        ``ε₀`` of the Swift law.
    elastic_modulus, poisson_ratio : float, default=70,000 MPa and 0.35
        As in the paper's finite-element model.
    noise : float, default=0.0
        Relative standard deviation of multiplicative Gaussian noise on the
        forces (the stress curves stay exact).
    random_state : int, RandomState instance or None, default=None
        Seeds the noise.

    Returns
    -------
    Bunch
        ``displacement`` (m,), ``force`` (n, m) in N, ``strain`` (T,),
        ``stress`` (n, T) in MPa, and the parameters used, each of shape
        (n,): ``thickness``, ``strength_coefficient``, ``yield_stress``,
        ``hardening_exponent``; plus ``law`` and ``geometry``.

    Raises
    ------
    ValueError
        Naming the parameter and the sample for a non-positive thickness or
        strength, a negative exponent, NaN or infinity.

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
    if (strength_coefficient is None) == (yield_stress is None):
        raise ValueError("Give exactly one of strength_coefficient and yield_stress.")
    if law not in LAWS:
        raise ValueError(f"law must be one of {LAWS}, got {law!r}.")
    if geometry not in GEOMETRIES:
        raise ValueError(f"geometry must be one of {tuple(GEOMETRIES)}, got {geometry!r}.")
    geo = GEOMETRIES[geometry]
    n_exp = _column("hardening_exponent", hardening_exponent)
    t = _column("thickness", thickness)
    given = _column(
        "strength_coefficient" if yield_stress is None else "yield_stress",
        strength_coefficient if yield_stress is None else yield_stress,
    )
    try:
        n_exp, t, given = np.broadcast_arrays(n_exp, t, given)
    except ValueError:
        raise ValueError(
            "hardening_exponent, thickness and the strength parameter must broadcast; got "
            f"lengths {len(np.atleast_1d(hardening_exponent))}, {len(np.atleast_1d(thickness))}, "
            f"{len(np.atleast_1d(given))}."
        ) from None
    _check_positive("hardening_exponent", n_exp, allow_zero=True)
    _check_positive("thickness", t)
    _check_positive("strength_coefficient" if yield_stress is None else "yield_stress", given)
    for name, value, lo in (("prestrain", prestrain, 0.0), ("noise", noise, 0.0)):
        if not (np.isfinite(value) and value >= lo):
            raise ValueError(f"{name} must be finite and >= {lo}, got {value!r}.")
    if not (elastic_modulus > 0 and -1 < poisson_ratio < 0.5):
        raise ValueError(f"Need elastic_modulus > 0 and -1 < poisson_ratio < 0.5, got "
                         f"{elastic_modulus!r}, {poisson_ratio!r}.")

    reference_strain = 0.01 if law == "paper" else prestrain
    if yield_stress is None:
        K = given.astype(float)
        sy = K * reference_strain**n_exp
    else:
        sy = given.astype(float)
        K = sy / reference_strain**n_exp

    u = _increasing_grid(
        "displacement", np.linspace(*geo.displacement) if displacement is None else displacement, 2
    )
    eps = _increasing_grid("strain", DEFAULT_STRAIN if strain is None else strain, 1)

    column = lambda v: v[:, None]  # noqa: E731
    force = punch_force(
        u, column(t), column(K), column(n_exp), geometry=geo, law=law, prestrain=prestrain,
        elastic_modulus=elastic_modulus, poisson_ratio=poisson_ratio,
    )
    if noise > 0:
        rng = check_random_state(random_state)
        force = force * (1.0 + noise * rng.standard_normal(force.shape))
        force = np.maximum(force, 0.0)
    stress = _true_stress_strain(eps, column(sy), column(K), column(n_exp), law, prestrain, elastic_modulus)
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
    )


def make_small_punch_test(
    n_samples=5000,
    *,
    random_state=None,
    noise=0.0,
    strength_coefficient_range=PAPER_STRENGTH_COEFFICIENT,
    hardening_exponent_range=PAPER_HARDENING_EXPONENT,
    thickness_range=PAPER_THICKNESS,
    law="paper",
    geometry="paper",
):
    """Generate a small punch test data set like Yang et al. (2025), Table I.

    Materials are drawn independently: strength coefficient ``K``
    log-uniform, hardening exponent and thickness uniform. The default ``K``
    range, 135.2–2609.4 MPa, is the one whose extremes give exactly Table I's
    yield-stress range 20.98–1907.53 MPa (``σy = K 0.01^n``); sampling ``K``
    rather than ``σy`` keeps the true stress at 100 % strain under about
    2.6 GPa, like the paper's curves (its Fig. 5 spans ~200–2500 MPa). Each gets a load–displacement curve (the input) and
    its true stress–strain curve (the target) from
    :func:`simulate_small_punch`.

    Parameters
    ----------
    n_samples : int, default=5000
    random_state : int, RandomState instance or None, default=None
        Seeds the materials and the noise.
    noise : float, default=0.0
        Relative noise on the forces.
    strength_coefficient_range : tuple, default=(135.2, 2609.4)
        MPa.
    hardening_exponent_range : tuple, default=(0.068, 0.4046)
    thickness_range : tuple, default=(1.0, 4.0)
        mm.
    law, geometry : str
        As in :func:`simulate_small_punch`.

    Returns
    -------
    Bunch
        ``data``: forces (n_samples, 181) in N; ``target``: true stresses
        (n_samples, 35) in MPa; ``displacement`` and ``strain``: the two
        grids; ``params``: DataFrame with ``yield_stress``,
        ``strength_coefficient``, ``hardening_exponent``, ``thickness``;
        ``DESCR``.

    Examples
    --------
    >>> from skmat.datasets import make_small_punch_test
    >>> spt = make_small_punch_test(100, random_state=0)
    >>> spt.data.shape, spt.target.shape, list(spt.params.columns)[:2]
    ((100, 181), (100, 35), ['yield_stress', 'strength_coefficient'])
    """
    import pandas as pd

    if isinstance(n_samples, bool) or not (isinstance(n_samples, (int, np.integer)) and n_samples >= 1):
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    for name, (lo, hi) in (
        ("strength_coefficient_range", strength_coefficient_range),
        ("hardening_exponent_range", hardening_exponent_range),
        ("thickness_range", thickness_range),
    ):
        if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi):
            raise ValueError(f"{name} must be (low, high) with low <= high, got {(lo, hi)!r}.")
    rng = check_random_state(random_state)
    log_k = np.log(np.asarray(strength_coefficient_range, dtype=float))
    K = np.exp(rng.uniform(log_k[0], log_k[1], n_samples))
    n = rng.uniform(*hardening_exponent_range, n_samples)
    t = rng.uniform(*thickness_range, n_samples)
    sim = simulate_small_punch(
        hardening_exponent=n, thickness=t, strength_coefficient=K, law=law, geometry=geometry,
        noise=noise, random_state=rng,
    )
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
    return Bunch(
        data=sim.force, target=sim.stress, displacement=sim.displacement, strain=sim.strain,
        params=params, DESCR=descr,
    )
