"""What a small punch test rig does to a load–displacement curve: noise, zero offset, machine compliance."""

from __future__ import annotations

import numpy as np
from sklearn.utils import check_random_state

from ._small_punch_mechanics import GEOMETRIES

__all__ = ["perturb_small_punch"]


def _per_curve(name, value, n):
    values = np.asarray(value, dtype=float)
    if values.ndim == 0:
        values = np.full(n, float(values))
    if values.shape != (n,):
        raise ValueError(f"{name} must be a scalar or one value per curve ({n}); got shape {np.shape(value)}.")
    if not np.all(np.isfinite(values)):
        i = int(np.flatnonzero(~np.isfinite(values))[0])
        raise ValueError(f"{name} must be finite; got {float(values[i])!r} for curve {i}.")
    return values


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
        Forces in N at ``displacement``; not modified.
    displacement : array-like of shape (m,), optional
        Punch displacements in mm, increasing. Default: the paper
        geometry's 0–4.5 mm in 181 points.
    noise : float or array-like of shape (n,), default=0.0
        Relative standard deviation of Gaussian load-cell noise (0.01 = 1 %).
    displacement_offset : float or array-like of shape (n,), default=0.0
        Zero-point error in mm: positive shifts the recorded curve to larger
        displacements (slack taken up), negative to smaller (the last points
        are then held at the last recorded force).
    compliance : float or array-like of shape (n,), default=0.0
        Machine compliance in mm/N, ≥ 0 (1e-5 mm/N adds 0.02 mm at 2 kN).
    random_state : int, RandomState instance or None, default=None
        Seeds the noise.

    Returns
    -------
    ndarray of shape (n, m)
        The recorded forces on ``displacement``.

    Raises
    ------
    ValueError
        For NaN forces (naming the curve and point), a grid of another
        length, negative noise or compliance, or a compliance so large that
        the recorded displacement runs backwards on the softening branch.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.datasets import perturb_small_punch, simulate_small_punch
    >>> sim = simulate_small_punch(strength_coefficient=300.0, hardening_exponent=0.2, thickness=1.0)
    >>> rig = perturb_small_punch(sim.force, compliance=2e-5, displacement_offset=0.02)
    >>> rig.shape == sim.force.shape, bool(rig[0, 5] < sim.force[0, 5])
    (True, True)
    """
    force = np.array(force, dtype=float, ndmin=2)
    if force.ndim != 2:
        raise ValueError(f"force must have shape (n, m); got {force.shape}.")
    n, m = force.shape
    if displacement is None:
        start, stop, points = GEOMETRIES["paper"].displacement
        displacement = np.linspace(start, stop, points)
    displacement = np.asarray(displacement, dtype=float)
    if displacement.shape != (m,) or np.any(np.diff(displacement) <= 0):
        raise ValueError(f"displacement must be increasing with one value per point ({m}); got shape "
                         f"{displacement.shape}.")
    bad = ~np.isfinite(force)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"force contains NaN or infinity: curve {row} at point {col}.")
    noise = _per_curve("noise", noise, n)
    offset = _per_curve("displacement_offset", displacement_offset, n)
    compliance = _per_curve("compliance", compliance, n)
    for name, values in (("noise", noise), ("compliance", compliance)):
        if (values < 0).any():
            i = int(np.flatnonzero(values < 0)[0])
            raise ValueError(f"{name} must be >= 0; got {float(values[i])!r} for curve {i}.")
    recorded_u = displacement + offset[:, None] + compliance[:, None] * force
    backwards = np.diff(recorded_u, axis=1) <= 0
    if backwards.any():
        row = int(np.flatnonzero(backwards.any(axis=1))[0])
        raise ValueError(
            f"compliance={float(compliance[row])!r} mm/N makes the recorded displacement of curve {row} "
            "runs backwards where the force falls; no rig is that soft."
        )
    recorded = np.empty_like(force)
    for i in range(n):  # one interpolation per curve: each has its own recorded grid
        recorded[i] = np.interp(displacement, recorded_u[i], force[i], left=0.0)
    if noise.any():
        rng = check_random_state(random_state)
        recorded *= 1.0 + noise[:, None] * rng.standard_normal((n, m))
    return recorded
