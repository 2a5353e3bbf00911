"""The figures reported from a true stress–strain curve: offset yield, Considère tensile strength, hardening law.

Torch-free (numpy; pandas for the result table, imported on use). Public as
:func:`skmat.metrics.tensile_properties`.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from .._curve_checks import curves_named as _curves
from .._curve_checks import first_decrease, first_non_finite, first_true, non_finite_text

__all__ = ["tensile_properties", "TENSILE_COLUMNS"]

#: The columns of :func:`tensile_properties`, in order.
TENSILE_COLUMNS = (
    "yield_strength",
    "tensile_strength",
    "uniform_strain",
    "uniform_elongation",
    "strength_coefficient",
    "hardening_exponent",
    "elastic_modulus",
)
# The offset line must cross the curve on a segment that starts at least at
# this fraction of the stress found there; a segment from far below (the
# origin, say) means the grid has no point near yield: the crossing is an
# artefact of the straight line drawn between two distant points.
_RESOLVED_FRACTION = 0.5
#: Stress this far below 0, as a fraction of the curve's peak, is read as 0 (a predicted curve's rounding at zero strain).
NEGATIVE_TOLERANCE = 1e-3
#: The largest true strain read as a fraction: a metal's true strain in a small punch test stays far below it
#: (the finite-element runs end at 1); a strain beyond it is in percent.
MAX_STRAIN = 5.0
#: The largest true stress (MPa) read as MPa: 100 GPa, above the theoretical strength of any metal; beyond it the
#: stress is in Pa (or kPa).
MAX_STRESS = 1e5
#: The largest finite elastic modulus (MPa) read as MPa: 2 TPa, above diamond's (1.2 TPa); beyond it, Pa.
MAX_MODULUS = 2e6


def _as_float(name, values):
    if hasattr(values, "to_numpy"):  # pandas; nullable NA becomes NaN
        values = values.to_numpy(dtype=np.float64, na_value=np.nan)
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric, got {type(values).__name__}.") from None


def _number(name, value, low, *, closed=True):
    """A finite real ``>= low`` (``> low`` when not ``closed``), as float."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    ok = ok and (value >= low if closed else value > low)
    if not ok:
        raise ValueError(f"{name} must be a finite number {'>=' if closed else '>'} {low:g}, got {value!r}.")
    return float(value)


def _read_curves(strain, stress):
    """``(strain (n, m) or (1, m), stress (n, m))`` float64, checked; ValueError naming the curve and point."""
    stress = _as_float("stress", stress)
    if stress.ndim == 1:
        stress = stress[None, :]
    if stress.ndim != 2:
        raise ValueError(f"stress must be 2-D, one curve per row (n_curves, n_points); got shape {stress.shape}.")
    n, m = stress.shape
    if n == 0 or m < 3:
        raise ValueError(f"stress must hold at least one curve of at least 3 points; got shape {stress.shape}.")
    strain = _as_float("strain", strain)
    if strain.ndim == 1:
        if strain.shape != (m,):
            raise ValueError(
                f"strain has {strain.shape[0]} points but the curves of stress have {m}; pass one grid of "
                f"shape ({m},) for all curves or one row per curve, shape {stress.shape}."
            )
        strain = strain[None, :]
    elif strain.shape != stress.shape:
        raise ValueError(
            f"strain must have shape ({m},) (one grid for all curves) or {stress.shape} (one row per curve), "
            f"like stress; got {strain.shape}."
        )
    for name, array in (("strain", strain), ("stress", stress)):
        found = first_non_finite(array)
        if found is not None:
            i, j = found
            where = f"{name} of curve {i}" if name == "stress" or len(array) > 1 else name
            raise ValueError(f"{where} has {non_finite_text(array[i, j])} at point {j}.")
    found = first_decrease(strain)
    if found is not None:
        i, j = found
        where = f"strain of curve {i}" if len(strain) > 1 else "strain"
        raise ValueError(
            f"{where} must increase strictly, but point {j + 1} ({strain[i, j + 1]:g}) follows point {j} "
            f"({strain[i, j]:g})."
        )
    # A predicted curve may dip a hair below 0 at zero strain (a network's rounding): read as 0, on a copy.
    slightly = (stress < 0) & (stress >= -NEGATIVE_TOLERANCE * np.abs(stress).max(axis=1, keepdims=True))
    if slightly.any():
        stress = np.where(slightly, 0.0, stress)
    found = first_true(stress < 0)
    if found is not None:
        i, j = found
        raise ValueError(
            f"stress of curve {i} is {stress[i, j]:g} MPa at point {j}: tensile true stress curves are >= 0 "
            f"(values down to {NEGATIVE_TOLERANCE:g} times the curve's peak below 0 are read as 0)."
        )
    found = first_true(~(stress.max(axis=1) > 0))
    if found is not None:
        raise ValueError(f"stress of curve {found[0]} is zero everywhere: there is nothing to measure.")
    _check_origin(strain, stress)
    _check_units(strain, stress)
    return strain, stress


def _strain_name(strain, i):
    """How a message names the strain of curve ``i``: ``"strain"`` for one grid shared by all curves."""
    return f"strain of curve {i}" if len(strain) > 1 else "strain"


def _check_origin(strain, stress):
    """ValueError naming the first curve that does not start at zero strain and (within the tolerance) stress."""
    found = first_true(np.abs(strain[:, 0]) > 1e-9 * np.abs(strain).max(axis=1))
    if found is not None:
        (i,) = found
        raise ValueError(
            f"{_strain_name(strain, i)} starts at {strain[i, 0]:g}, not 0: tensile_properties reads each curve "
            "from the origin (zero strain and stress, where the elastic line starts). Give the curve from its "
            "origin, or offset-correct it first."
        )
    peak = stress.max(axis=1)
    found = first_true(stress[:, 0] > NEGATIVE_TOLERANCE * peak)
    if found is not None:
        (i,) = found
        raise ValueError(
            f"stress of curve {i} is {stress[i, 0]:g} MPa at zero strain (point 0), {stress[i, 0] / peak[i]:.3g} "
            f"times its peak: tensile_properties reads each curve from the origin (values within "
            f"{NEGATIVE_TOLERANCE:g} times the peak of 0 are read as 0). Offset-correct the curve first."
        )


def _check_units(strain, stress):
    """ValueError naming the first curve whose strain looks like percent or whose stress looks like Pa."""
    found = first_true(strain[:, -1] > MAX_STRAIN)
    if found is not None:
        (i,) = found
        raise ValueError(
            f"{_strain_name(strain, i)} reaches {strain[i, -1]:.4g}, beyond a true strain of {MAX_STRAIN:g} "
            f"({MAX_STRAIN:.0%}), which no metal reaches in a small punch test: is it in percent? Give the strain "
            "as a fraction (divide by 100)."
        )
    peak = stress.max(axis=1)
    found = first_true(peak > MAX_STRESS)
    if found is not None:
        (i,) = found
        raise ValueError(
            f"stress of curve {i} reaches {peak[i]:.4g} MPa, beyond {MAX_STRESS:g} MPa (100 GPa), which no metal "
            "reaches: is it in Pa or kPa? Give the stress in MPa (divide Pa by 1e6)."
        )


def _moduli(elastic_modulus, strain, stress):
    """The elastic modulus of each curve (n,): given (scalar or one per curve) or the slope of its first segment."""
    n = len(stress)
    if elastic_modulus is None:
        slope = (stress[:, 1] - stress[:, 0]) / (strain[:, 1] - strain[:, 0])
        bad = first_true(~(slope > 0))
        if bad is not None:
            (i,) = bad
            raise ValueError(
                f"The elastic modulus of curve {i} cannot be estimated from its first segment: the stress goes "
                f"from {stress[i, 0]:g} to {stress[i, 1]:g} MPa between its first two points. Pass "
                "elastic_modulus."
            )
        return np.broadcast_to(slope, (n,)).astype(np.float64)
    modulus = _as_float("elastic_modulus", elastic_modulus)
    if modulus.ndim > 1 or (modulus.ndim == 1 and modulus.shape[0] != n):
        raise ValueError(
            f"elastic_modulus must be None, one number, or one per curve (shape ({n},)); got shape {modulus.shape}."
        )
    modulus = np.broadcast_to(modulus, (n,)).astype(np.float64)
    bad = first_true(~(modulus > 0))  # NaN fails too; +inf (a rigid-plastic curve) is allowed
    if bad is not None:
        (i,) = bad
        raise ValueError(f"elastic_modulus must be > 0 MPa (or inf), but curve {i} has {modulus[i]:g}.")
    bad = first_true(np.isfinite(modulus) & (modulus > MAX_MODULUS))
    if bad is not None:
        (i,) = bad
        raise ValueError(
            f"elastic_modulus of curve {i} is {modulus[i]:g} MPa, beyond {MAX_MODULUS:g} MPa (2 TPa, stiffer than "
            "diamond): is it in Pa? Give it in MPa (divide Pa by 1e6), or inf for a rigid-plastic curve."
        )
    return modulus


def _offset_yield(strain, stress, plastic, offset):
    """Stress where the plastic strain first reaches ``offset``, on the piecewise-linear curve; flags (n,)."""
    n = len(stress)
    rows = np.arange(n)
    gap = plastic - offset
    crossing = (gap[:, :-1] < 0) & (gap[:, 1:] >= 0)
    reached = crossing.any(axis=1)
    i = np.argmax(crossing, axis=1)
    before, after = gap[rows, i], gap[rows, i + 1]
    weight = np.where(reached, -before / np.where(reached, after - before, 1.0), 0.0)
    start = stress[rows, i]
    found = start + weight * (stress[rows, i + 1] - start)
    unresolved = reached & (start < _RESOLVED_FRACTION * found)
    return np.where(reached & ~unresolved, found, np.nan), reached, unresolved, i


def _considere(strain, stress):
    """Necking point: the maximum of the engineering stress ``σ exp(−ε)``; (ε_u, engineering UTS, reached)."""
    n, m = stress.shape
    nodes = stress * np.exp(-strain)
    e0, e1 = strain[:, :-1], strain[:, 1:]
    s0, s1 = stress[:, :-1], stress[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # A power law between points (straight in log-log), where both ends are > 0: σ = s0 (ε/e0)^k,
        # whose engineering stress peaks at ε = k (Considère: dσ/dε = kσ/ε = σ).
        power = (e0 > 0) & (s0 > 0) & (s1 > 0)
        k = np.log(s1 / s0) / np.log(e1 / e0)
        at_power = k
        stress_power = s0 * (k / e0) ** k
        # A straight line elsewhere: σ = s0 + slope (ε − e0) peaks where σ = slope.
        slope = (s1 - s0) / (e1 - e0)
        at_line = e0 + (slope - s0) / slope
        at = np.where(power, at_power, at_line)
        peak_stress = np.where(power, stress_power, slope)
        inside = (at > e0) & (at < e1) & np.where(power, True, slope > 0)
        inner = np.where(inside, peak_stress * np.exp(-at), -np.inf)
    values = np.concatenate([nodes, inner], axis=1)
    where = np.concatenate([strain, np.where(inside, at, np.nan)], axis=1)
    best = np.argmax(values, axis=1)
    rows = np.arange(n)
    reached = best != m - 1  # the largest engineering stress at the last point: still rising there
    return (np.where(reached, where[rows, best], np.nan), np.where(reached, values[rows, best], np.nan), reached)


def _hardening_law(stress, plastic, min_plastic_strain):
    """Least squares of ``log σ = log K + n log εp`` over the points with ``εp >= min_plastic_strain``."""
    used = (plastic >= min_plastic_strain) & (plastic > 0) & (stress > 0)
    count = used.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(used, np.log(np.where(used, plastic, 1.0)), 0.0)
        y = np.where(used, np.log(np.where(used, stress, 1.0)), 0.0)
        x_mean = x.sum(axis=1) / count
        y_mean = y.sum(axis=1) / count
        dx = np.where(used, x - x_mean[:, None], 0.0)
        sxx = (dx * dx).sum(axis=1)
        exponent = (dx * (y - y_mean[:, None])).sum(axis=1) / sxx
        fitted = (count >= 2) & (sxx > 0)
        coefficient = np.exp(y_mean - exponent * x_mean)
    return np.where(fitted, coefficient, np.nan), np.where(fitted, exponent, np.nan), fitted, count


def tensile_properties(strain, stress, *, elastic_modulus=None, min_plastic_strain=0.01, offset=0.002):
    """Yield strength, tensile strength, uniform strain and hardening law of true stress–strain curves.

    The figures a tensile test reports, read off true stress–strain
    curves, measured or predicted (the targets of
    :func:`~skmat.datasets.load_small_punch_fem` and
    :func:`~skmat.datasets.make_small_punch_test`, or a model's
    predictions), one row per curve. Everything is computed for all curves
    at once, without a loop over curves or points.

    Parameters
    ----------
    strain : array-like of shape (n_points,) or (n_curves, n_points)
        Total true strains of the points, as fractions (0.1, not 10 %):
        one grid for all curves, or one row per curve (the "own" grid of
        :func:`~skmat.datasets.load_small_punch_fem`). Strictly increasing
        from 0, and at most ``MAX_STRAIN`` = 5 (a true strain of 500 %,
        which no metal reaches in a small punch test: a strain beyond it
        is read as one in percent, an error).
    stress : array-like of shape (n_curves, n_points)
        True stress in MPa (not Pa), ``>= 0`` and at most ``MAX_STRESS`` =
        1e5 MPa (100 GPa, above the strength of any metal: a stress beyond
        it is read as one in Pa or kPa, an error); a 1-D array is one
        curve. At least 3 points. Each curve must start at the origin:
        zero strain, and a stress within ``NEGATIVE_TOLERANCE`` = 1e-3
        times the curve's peak of zero (read as zero: a network's rounding
        there), as the curves of the finite-element runs, of the simulator
        and of the shipped networks do; offset-correct measured curves
        first.
    elastic_modulus : float, array-like of shape (n_curves,) or None, default=None
        Young's modulus E in MPa, at most ``MAX_MODULUS`` = 2e6 MPa (2 TPa,
        stiffer than diamond: a larger finite value is read as one in Pa,
        an error), or ``inf`` for a rigid-plastic curve. None:
        each curve's slope between its first two points, right for curves
        whose second point is on the elastic line, as the finite-element
        runs' own grids (strain 0, then the yield point) and finely sampled
        measurements. Pass it for curves on a coarse grid whose first step
        spans the whole elastic part, such as ``DEFAULT_STRAIN`` (0 to
        0.029): there the first slope is a chord through the knee, not E,
        and no modulus can be read from the curve (70,000 MPa for the
        finite-element model family).
    min_plastic_strain : float, default=0.01
        The hardening law is fitted to the points whose plastic strain is
        at least this. 0.01 suits the finite-element law
        ``σ = K max(εp, 0.01)^n``, which is flat below εp = 0.01.
    offset : float, default=0.002
        Plastic strain of the offset yield strength (0.002: R_p0.2).

    Returns
    -------
    pandas.DataFrame
        One row per curve, with the columns:

        ``yield_strength``
            Offset yield strength R_p0.2 (MPa): where the curve meets the
            line of slope E through zero stress at the strain ``offset``,
            i.e. where the plastic strain ``εp = ε − σ/E`` reaches
            ``offset``. True and engineering stress differ there by under
            0.3 %.
        ``tensile_strength``
            Ultimate tensile strength R_m (MPa) as an **engineering**
            stress, ``σ(ε_u) exp(−ε_u)``: the largest engineering stress of
            the curve, where the Considère condition ``dσ/dε = σ`` holds
            (necking).
        ``uniform_strain``
            The **true** (total) strain at necking, ε_u.
        ``uniform_elongation``
            The **engineering** (total) strain at necking,
            ``exp(ε_u) − 1`` (ISO 6892's A_gt as a fraction, not in %).
        ``strength_coefficient``, ``hardening_exponent``
            K (MPa) and n of ``σ = K εp^n``, fitted by least squares in
            log space over the points with ``εp >= min_plastic_strain``.
        ``elastic_modulus``
            The E used (MPa): given or estimated.

    Raises
    ------
    ValueError
        For NaN or infinite values, a strain grid that does not increase
        strictly, negative stress, a curve of zeros, shapes that do not fit
        together, or an elastic modulus that is not > 0 (the curve and the
        point are named); for a curve that does not start at zero strain
        and stress; for units that cannot be right (naming the curve): a
        strain above ``MAX_STRAIN`` (percent?), a stress above
        ``MAX_STRESS`` or a finite modulus above ``MAX_MODULUS`` MPa (Pa?);
        and, with ``elastic_modulus=None``, for a curve whose stress does
        not rise between its first two points.

    Warns
    -----
    UserWarning
        One warning per problem, naming the curves, whose entries are then
        NaN (never a number that the curve does not support):
        ``tensile_strength`` and the uniform strains where the engineering
        stress is largest at the curve's last point (necking lies beyond
        the curve); ``yield_strength`` where the plastic strain never
        reaches ``offset``, or where the offset line crosses the curve on a
        segment that starts below half the stress found (no point near
        yield: the grid does not resolve it); ``strength_coefficient`` and
        ``hardening_exponent`` where fewer than two points have ``εp >=
        min_plastic_strain``.

    See Also
    --------
    skmat.datasets.load_small_punch_fem : True curves with known K and n.
    interpolate_curves : Put a prediction on a true curve's strain points first.

    Notes
    -----
    Between points the yield strength reads the curve as a straight line.
    The necking point takes the curve between two points with positive
    strain and stress as a power law (straight in log–log axes, the form
    of the hardening laws) and elsewhere as a straight line; within each
    piece the largest engineering stress is found in closed form (at
    ``ε = k`` for a local exponent ``k``), so the necking strain of a
    Hollomon curve ``σ = K ε^n`` comes out as exactly ``n``, with
    ``R_m = K n^n e^−n``, on any grid with a positive point at or below
    ``n``. The Considère condition assumes uniform, volume-conserving
    deformation up to necking, as the true curve does.

    On the 40 finite-element runs (their own strain points; E estimated or
    given), K and n come back to within 1e-6 (relative) and 1e-6 of the
    published values, and the tensile strength within 2e-5 of that of the
    exact law on a grid 60 times finer. Their yield strength is 0.8–4.6 %
    above ``yield_stress`` (``K · 0.01^n``): the runs have no point between
    the yield point and εp = 0.03, and the straight line between those two
    passes above the flat start of the law. Put a prediction on the same
    strain points (:func:`interpolate_curves`) before comparing its
    figures with theirs.

    Examples
    --------
    A Hollomon curve (rigid-plastic): necking at ε_u = n, R_m = K n^n e^−n.

    >>> import math
    >>> import numpy as np
    >>> from skmat.metrics import tensile_properties
    >>> strain = np.linspace(0.0, 1.0, 1001)
    >>> stress = 500.0 * strain**0.2
    >>> props = tensile_properties(strain, stress, elastic_modulus=np.inf)
    >>> props[["tensile_strength", "uniform_strain", "strength_coefficient", "hardening_exponent"]].round(4)
       tensile_strength  uniform_strain  strength_coefficient  hardening_exponent
    0          296.6997             0.2                 500.0                 0.2
    >>> round(500.0 * 0.2**0.2 * math.exp(-0.2), 4)
    296.6997

    The finite-element runs, on their own strain points:

    >>> from skmat.datasets import load_small_punch_fem
    >>> fem = load_small_punch_fem()
    >>> props = tensile_properties(fem.strain, fem.target)
    >>> props.loc[0, ["strength_coefficient", "hardening_exponent", "elastic_modulus"]].round(2).tolist()
    [200.0, 0.1, 69999.56]
    >>> props.loc[0, ["yield_strength", "tensile_strength", "uniform_strain"]].round(3).tolist()
    [127.168, 143.42, 0.102]

    On a grid whose first step spans the whole elastic part, the yield is
    not resolved (NaN, with a warning), whatever the modulus:

    >>> import warnings
    >>> grid = np.linspace(0.0, 0.99, 35)  # DEFAULT_STRAIN
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     coarse = tensile_properties(grid, np.minimum(70_000.0 * grid, 250.0), elastic_modulus=70_000.0)
    >>> coarse.loc[0, ["yield_strength", "tensile_strength"]].round(1).tolist()
    [nan, 242.8]
    >>> "no point near yield" in str(caught[0].message)
    True
    """
    import pandas as pd

    strain, stress = _read_curves(strain, stress)
    min_plastic_strain = _number("min_plastic_strain", min_plastic_strain, 0.0)
    offset = _number("offset", offset, 0.0, closed=False)
    n = len(stress)
    strain = np.broadcast_to(strain, stress.shape)
    modulus = _moduli(elastic_modulus, strain, stress)
    plastic = strain - stress / modulus[:, None]  # an infinite modulus (rigid-plastic) gives the total strain

    yield_strength, yielded, unresolved, segment = _offset_yield(strain, stress, plastic, offset)
    necking, tensile_strength, necked = _considere(strain, stress)
    coefficient, exponent, fitted, count = _hardening_law(stress, plastic, min_plastic_strain)

    problems = []
    rows = np.flatnonzero(~yielded)
    if len(rows):
        problems.append(
            f"the plastic strain of {_curves(rows)} never reaches offset={offset:g} (largest "
            f"{plastic[rows[0]].max():.3g} for curve {rows[0]}): yield_strength is NaN there"
        )
    rows = np.flatnonzero(unresolved)
    if len(rows):
        i = rows[0]
        j = segment[i]
        problems.append(
            f"the {offset:g} offset line crosses {_curves(rows)} between points far apart in stress (curve {i}: "
            f"points {j} and {j + 1}, {stress[i, j]:.4g} and {stress[i, j + 1]:.4g} MPa at strains "
            f"{strain[i, j]:.4g} and {strain[i, j + 1]:.4g}): there is no point near yield, so "
            "yield_strength is NaN there; give curves whose grid resolves the elastic part and yield"
        )
    rows = np.flatnonzero(~necked)
    if len(rows):
        problems.append(
            f"the Considère condition (dσ/dε = σ) is not reached on {_curves(rows)}: the engineering stress "
            f"still rises at the last point (strain {strain[rows[0], -1]:.4g} for curve {rows[0]}), so necking "
            "lies beyond the curve; tensile_strength, uniform_strain and uniform_elongation are NaN there"
        )
    rows = np.flatnonzero(~fitted)
    if len(rows):
        problems.append(
            f"fewer than two points of {_curves(rows)} have a plastic strain >= min_plastic_strain="
            f"{min_plastic_strain:g} (curve {rows[0]}: {int(count[rows[0]])}): strength_coefficient and "
            "hardening_exponent are NaN there"
        )
    for problem in problems:
        warnings.warn(f"tensile_properties: {problem}.", UserWarning, stacklevel=2)

    return pd.DataFrame(
        {
            "yield_strength": yield_strength,
            "tensile_strength": tensile_strength,
            "uniform_strain": necking,
            "uniform_elongation": np.expm1(necking),
            "strength_coefficient": coefficient,
            "hardening_exponent": exponent,
            "elastic_modulus": modulus,
        },
        index=pd.RangeIndex(n),
    )
