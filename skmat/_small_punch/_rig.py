"""What a small punch test rig does to a load–displacement curve: noise, zero offset, machine compliance."""

from __future__ import annotations

from functools import partial

import numpy as np
from sklearn.utils import check_random_state

from .._curve_checks import first_decrease, first_non_finite, first_true
from ._mechanics import GEOMETRIES
from ._arrays import _as_float, _per_curve
from ._simulator import MAX_NOISE
from ._simulator import _reject as _reject_item

__all__ = ["perturb_small_punch"]

#: The rig's displacement error, |displacement_offset| and compliance * force, may
#: shift a curve by at most this fraction of the displacement grid's span.
MAX_SHIFT_FRACTION = 0.5


_reject = partial(_reject_item, item="curve")  # the simulator's check, naming the curve


def perturb_small_punch(force, displacement=None, *, noise=0.0, displacement_offset=0.0, compliance=0.0,
                        random_state=None):
    """Load curves as a test rig would record them, on the same displacement grid.

    A rig measures the crosshead, not the punch tip: the recorded
    displacement of a point is ``u + displacement_offset + compliance * F``
    (an error in the zero point, and the elastic deflection of the load
    train under the force ``F``), and its load cell adds noise. The
    recorded curve is read back on the nominal ``displacement`` grid, so
    the output has the shape of the input and can be fed to any fitted
    model; forces before the recorded first contact are 0.

    Parameters
    ----------
    force : array-like of shape (n, m)
        Forces in N at ``displacement``, finite, each curve with some force
        > 0; m ≥ 2. Not modified.
    displacement : array-like of shape (m,), optional
        Punch displacements in mm, finite and increasing. Default: the paper
        geometry's 0–4.5 mm in 181 points.
    noise : float or array-like of shape (n,), default=0.0
        Relative standard deviation of Gaussian load-cell noise (0.01 = 1 %),
        in [0, 1].
    displacement_offset : float or array-like of shape (n,), default=0.0
        Zero-point error in mm: positive shifts the recorded curve to larger
        displacements (slack taken up), negative to smaller (the last points
        are then held at the last recorded force). At most half the span of
        ``displacement`` either way (±2.25 mm on the default grid), so that
        at least half of each curve stays on the grid.
    compliance : float or array-like of shape (n,), default=0.0
        Machine compliance in mm/N, ≥ 0 (1e-5 mm/N adds 0.02 mm at 2 kN).
        The deflection at a curve's maximum force, ``compliance *
        force.max()``, may be at most half the span of ``displacement``
        (2.25 mm on the default grid: 1.1e-3 mm/N for a 2 kN curve), and the
        recorded displacement must keep increasing where the force falls.
    random_state : int, RandomState instance or None, default=None
        Seeds the noise.

    Returns
    -------
    ndarray of shape (n, m)
        The recorded forces on ``displacement``: finite, each curve with
        some force > 0 (with ``noise``, single points may be < 0).

    Raises
    ------
    ValueError
        For NaN or infinite forces (naming the curve and point), a curve
        without a force > 0, a grid of another length or not increasing, or
        a rig level outside the limits above (naming the level, its value
        and the curve), including a compliance so large that the recorded
        displacement runs backwards on the softening branch.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.datasets import perturb_small_punch, simulate_small_punch
    >>> sim = simulate_small_punch(strength_coefficient=300.0, hardening_exponent=0.2, thickness=1.0)
    >>> rig = perturb_small_punch(sim.force, compliance=2e-5, displacement_offset=0.02)
    >>> rig.shape == sim.force.shape, bool(rig[0, 5] < sim.force[0, 5])
    (True, True)
    """
    force = np.array(_as_float("force", force, "an (n, m) array of numbers"), ndmin=2)
    if force.ndim != 2 or force.shape[1] < 2:
        raise ValueError(f"force must have shape (n, m) with m >= 2 points; got {force.shape}.")
    n, m = force.shape
    if displacement is None:
        start, stop, points = GEOMETRIES["paper"].displacement
        displacement = np.linspace(start, stop, points)
    displacement = _as_float("displacement", displacement, "an array of numbers")
    if displacement.shape != (m,) or first_non_finite(displacement) is not None \
            or first_decrease(displacement) is not None:
        raise ValueError(f"displacement must be finite and increasing with one value per point ({m}); got shape "
                         f"{displacement.shape}.")
    bad = first_non_finite(force)
    if bad is not None:
        row, col = bad
        raise ValueError(f"force contains NaN or infinity: curve {row} at point {col}.")
    peak = force.max(axis=1)
    if not (peak > 0).all():
        raise ValueError(f"force curve {first_true(peak <= 0)[0]} has no force > 0: nothing to record.")
    noise = _per_curve("noise", noise, n)
    offset = _per_curve("displacement_offset", displacement_offset, n)
    compliance = _per_curve("compliance", compliance, n)
    for name, values in (("noise", noise), ("compliance", compliance)):
        _reject(name, values, values < 0, lambda i: ">= 0")
    _reject("noise", noise, noise > MAX_NOISE, lambda i: f"<= {MAX_NOISE:g} (a relative standard deviation of 100 %)")
    shift = MAX_SHIFT_FRACTION * (displacement[-1] - displacement[0])
    _reject("displacement_offset", offset, np.abs(offset) > shift, lambda i: (
        f"within ±{shift:g} mm ({MAX_SHIFT_FRACTION:.0%} of the span of displacement), so that the rest of "
        "the curve stays on the grid"
    ))
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowing compliance is rejected below
        recorded_u = displacement + offset[:, None] + compliance[:, None] * force
        backwards = np.diff(recorded_u, axis=1) <= 0
        too_soft = ~(compliance * peak <= shift)
    if backwards.any():
        row = first_true(backwards)[0]
        raise ValueError(
            f"compliance={float(compliance[row])!r} mm/N: with it the recorded displacement of curve {row} "
            "runs backwards where the force falls; no rig is that soft."
        )
    _reject("compliance", compliance, too_soft, lambda i: (
        f"at most {shift / peak[i]:.6g} mm/N here: the deflection at the curve's maximum force, "
        f"{peak[i]:.6g} N, may shift it by at most {shift:g} mm ({MAX_SHIFT_FRACTION:.0%} of the span of "
        "displacement)"
    ))
    recorded = np.empty_like(force)
    for i in range(n):  # one interpolation per curve: each has its own recorded grid
        recorded[i] = np.interp(displacement, recorded_u[i], force[i], left=0.0)
    if noise.any():
        rng = check_random_state(random_state)
        recorded *= 1.0 + noise[:, None] * rng.standard_normal((n, m))
    # Safety net: within the limits above no recorded curve is lost.
    _reject("displacement_offset", offset, ~(np.isfinite(recorded).all(axis=1) & (recorded > 0).any(axis=1)),
            lambda i: (f"one that leaves curve {i} some finite force > 0 on the grid, with "
                       f"compliance={float(compliance[i])!r} mm/N and noise={float(noise[i])!r}"))
    return recorded
