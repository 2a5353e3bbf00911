"""Refit the small punch simulator's constants to whole load–displacement curves."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from scipy.optimize import least_squares
from sklearn.utils import Bunch

from .._curve_checks import first_non_finite, first_true
from ._mechanics import GEOMETRIES, SimulatorConstants, punch_force, wrapped_disc
from ._simulator import _check_constants, _increasing_grid, simulate_small_punch

__all__ = ["calibrate_small_punch", "curve_nrmse", "CALIBRATION_BOUNDS"]

#: Search range of each constant (the fit runs on their logarithms inside it).
#: Wide enough for any physically sensible value, narrow enough that every
#: trial curve stays finite.
CALIBRATION_BOUNDS = {
    "shear_stiffness_factor": (1e-3, 10.0),
    "localisation": (1e-2, 50.0),
    "localisation_exponent": (1e-4, 3.0),
    "localisation_growth": (0.2, 5.0),
    "membrane_onset": (1e-2, 100.0),
    "bending_strain_factor": (1e-4, 10.0),
    "deep_plate_factor": (1e-4, 100.0),
    "interaction_exponent": (0.1, 10.0),
    "transition_sharpness": (0.5, 20.0),
}
# Where a constant starts when its start value is outside its search range
# (an infinite membrane_onset, a zero exponent): a mid-range value from which
# its gradient is not zero.
_NEUTRAL_START = {
    "shear_stiffness_factor": 0.5,
    "localisation": 2.0,
    "localisation_exponent": 0.1,
    "localisation_growth": 1.0,
    "membrane_onset": 2.0,
    "bending_strain_factor": 0.3,
    "deep_plate_factor": 0.5,
    "interaction_exponent": 1.0,
    "transition_sharpness": 3.0,
}
# A non-finite trial force (never seen inside the bounds) counts as this
# many maximum forces off, so the optimiser steps away from it.
_NONFINITE_RESIDUAL = 10.0


def curve_nrmse(predicted, reference):
    """Per-curve normalised RMS error: ``RMS(predicted − reference) / max(reference)``.

    Both arrays have shape ``(n_curves, n_points)`` on the same grid; returns
    shape ``(n_curves,)``. Dividing by each reference curve's maximum force
    weighs thin and thick discs alike.
    """
    predicted, reference = np.asarray(predicted, dtype=float), np.asarray(reference, dtype=float)
    return np.sqrt(np.mean((predicted - reference) ** 2, axis=1)) / reference.max(axis=1)


def _curves(name, force, n_points):
    """``force`` as a finite 2-D float array with ``n_points`` columns and a positive maximum, or ValueError."""
    array = np.asarray(force, dtype=float)
    if array.ndim == 1:
        array = array[None, :]
    if array.ndim != 2:
        raise ValueError(f"{name} must be 1-D (one curve) or 2-D (n_curves, n_points), got shape {array.shape}.")
    if array.shape[1] != n_points:
        raise ValueError(
            f"{name} has {array.shape[1]} points per curve but displacement has {n_points}; give the forces "
            "at the displacements, one curve per row."
        )
    bad = first_non_finite(array)
    if bad is not None:
        row, col = bad
        raise ValueError(f"{name} must be finite; curve {row} has {float(array[row, col])!r} at point {col}.")
    peak = array.max(axis=1)
    if np.any(peak <= 0):
        (row,) = first_true(peak <= 0)
        raise ValueError(f"{name} must have a positive maximum in every curve; curve {row} has {float(peak[row])!r}.")
    return array


def _fit_names(fit):
    names = SimulatorConstants.names()
    if fit == "all":
        return names
    chosen = (fit,) if isinstance(fit, str) else tuple(fit)
    unknown = [name for name in chosen if name not in names]
    if not chosen or unknown or len(set(chosen)) != len(chosen):
        raise ValueError(
            f"fit must be 'all' or distinct names among {names}; got {fit!r}"
            + (f" (unknown: {unknown})." if unknown else ".")
        )
    return chosen


def calibrate_small_punch(
    displacement,
    force,
    *,
    thickness,
    hardening_exponent,
    strength_coefficient=None,
    yield_stress=None,
    law="paper",
    geometry="paper",
    prestrain=0.002,
    elastic_modulus=70_000.0,
    poisson_ratio=0.35,
    start=None,
    fit="all",
    loss="soft_l1",
    f_scale=0.03,
    max_nfev=None,
    return_result=False,
):
    """Refit the simulator's constants to measured or finite-element load–displacement curves.

    Least squares on whole curves (:func:`scipy.optimize.least_squares`):
    for each curve of known material and thickness,
    :func:`simulate_small_punch` runs with trial constants, and the
    residuals are its differences from the given forces divided by that
    curve's maximum force, so that thin and thick discs weigh alike. The
    constants are searched on a logarithmic scale within fixed bounds, wide
    enough for any physically sensible value and narrow enough that every
    trial curve stays finite; the ones not in ``fit`` stay at their
    ``start`` values.

    Parameters
    ----------
    displacement : array-like of shape (m,)
        Punch displacements in mm, increasing from 0.
    force : array-like of shape (n_curves, m) or (m,)
        Forces in N at those displacements, one curve per row; finite, each
        with a positive maximum.
    thickness, hardening_exponent, strength_coefficient, yield_stress, law, geometry, prestrain, \
elastic_modulus, poisson_ratio
        The material and test of each curve, as in
        :func:`simulate_small_punch` (scalars or arrays of length
        n_curves, with its validity limits).
    start : SimulatorConstants, optional
        Where the search starts, and the values of the constants not
        fitted. Default: :data:`DEFAULT_CONSTANTS`. A start value outside a
        constant's search range (e.g. ``membrane_onset=inf``) starts from a
        mid-range value instead.
    fit : "all" or sequence of str, default="all"
        Names of the constants to fit (fields of
        :class:`SimulatorConstants`). Fit few when there are few curves.
    loss : str, default="soft_l1"
        The ``loss`` of :func:`~scipy.optimize.least_squares`. The robust
        default counts deviations beyond ``f_scale`` linearly, so the
        contact chatter and end-of-stroke jumps of finite-element curves do
        not dominate; ``"linear"`` is plain least squares.
    f_scale : float, default=0.03
        The scale of the robust loss, as a fraction of each curve's maximum
        force.
    max_nfev : int, optional
        Most model evaluations (each simulates every curve once).
    return_result : bool, default=False
        Also return a Bunch describing the fit.

    Returns
    -------
    constants : SimulatorConstants
        ``start`` with the fitted constants replaced.
    result : Bunch
        Only with ``return_result=True``: ``nrmse`` (n_curves,), each
        curve's RMS error over its maximum force with the fitted constants,
        and ``nrmse_start``, the same with ``start``; ``fit`` (names);
        ``cost``, ``nfev``, ``status``, ``message`` and ``success`` of
        the optimiser.

    Raises
    ------
    ValueError
        For forces that are not finite, not positive at their maximum, or
        whose length differs from ``displacement``; for materials outside
        the simulator's limits (message as in :func:`simulate_small_punch`);
        for unknown names in ``fit``, or fewer force points than constants.
    TypeError
        If ``start`` is not a :class:`SimulatorConstants`.

    See Also
    --------
    simulate_small_punch, SimulatorConstants, load_small_punch_fem

    Examples
    --------
    Curves made with a known ``localisation`` give it back:

    >>> from dataclasses import replace
    >>> from skmat.datasets import DEFAULT_CONSTANTS, calibrate_small_punch, simulate_small_punch
    >>> true = replace(DEFAULT_CONSTANTS, localisation=1.2 * DEFAULT_CONSTANTS.localisation)
    >>> sim = simulate_small_punch(hardening_exponent=[0.1, 0.3], thickness=[1.0, 2.0],
    ...                            strength_coefficient=300.0, constants=true)
    >>> fitted = calibrate_small_punch(sim.displacement, sim.force, thickness=[1.0, 2.0],
    ...                                hardening_exponent=[0.1, 0.3], strength_coefficient=300.0,
    ...                                fit=["localisation"])
    >>> round(fitted.localisation / true.localisation, 4)
    1.0
    """
    start = _check_constants(start)
    names = _fit_names(fit)
    if geometry not in GEOMETRIES:
        raise ValueError(f"geometry must be one of {tuple(GEOMETRIES)}, got {geometry!r}.")
    if not (np.isfinite(f_scale) and f_scale > 0):
        raise ValueError(f"f_scale must be finite and > 0, got {f_scale!r}.")
    u = _increasing_grid("displacement", displacement, 2)
    reference = _curves("force", force, len(u))
    n_curves = len(reference)

    # simulate_small_punch validates the materials against the model's limits
    # (naming parameter and curve) and resolves yield_stress into K.
    material = dict(law=law, geometry=geometry, prestrain=prestrain, elastic_modulus=elastic_modulus,
                    poisson_ratio=poisson_ratio, displacement=u)
    try:
        first = simulate_small_punch(
            hardening_exponent=np.broadcast_to(np.asarray(hardening_exponent, dtype=float), (n_curves,)),
            thickness=np.broadcast_to(np.asarray(thickness, dtype=float), (n_curves,)),
            strength_coefficient=None if strength_coefficient is None else np.broadcast_to(
                np.asarray(strength_coefficient, dtype=float), (n_curves,)),
            yield_stress=None if yield_stress is None else np.broadcast_to(
                np.asarray(yield_stress, dtype=float), (n_curves,)),
            constants=start, **material,
        )
    except ValueError as error:
        if "broadcast" in str(error) or "shape" in str(error):
            raise ValueError(f"thickness and the material parameters must be scalars or have one value per "
                             f"curve ({n_curves}); {error}") from None
        raise
    if reference.size < len(names):
        raise ValueError(f"Need at least as many force points as constants to fit ({len(names)}), got {reference.size}.")

    geo = GEOMETRIES[geometry]
    column = lambda v: v[:, None]  # noqa: E731
    t, K, n = column(first.thickness), column(first.strength_coefficient), column(first.hardening_exponent)
    kinematics = wrapped_disc(u, t, geo)
    scale = reference.max(axis=1, keepdims=True)

    def simulate(constants):
        return punch_force(u, t, K, n, geometry=geo, law=law, prestrain=prestrain, elastic_modulus=elastic_modulus,
                           poisson_ratio=poisson_ratio, constants=constants, kinematics=kinematics)

    def constants_at(x):
        return replace(start, **{name: float(np.exp(value)) for name, value in zip(names, x)})

    def residuals(x):
        r = ((simulate(constants_at(x)) - reference) / scale).ravel()
        return np.where(np.isfinite(r), r, _NONFINITE_RESIDUAL)

    lower = np.log([CALIBRATION_BOUNDS[name][0] for name in names])
    upper = np.log([CALIBRATION_BOUNDS[name][1] for name in names])
    x0 = []
    for name, lo, hi in zip(names, lower, upper):
        value = getattr(start, name)
        inside = 0 < value < np.inf and lo < np.log(value) < hi
        x0.append(np.log(value) if inside else np.log(_NEUTRAL_START[name]))
    solution = least_squares(residuals, np.array(x0), bounds=(lower, upper), x_scale="jac", loss=loss,
                             f_scale=f_scale, max_nfev=max_nfev)
    fitted = constants_at(solution.x)
    if not return_result:
        return fitted
    return fitted, Bunch(
        nrmse=curve_nrmse(simulate(fitted), reference),
        nrmse_start=curve_nrmse(first.force, reference),
        fit=names,
        cost=float(solution.cost),
        nfev=int(solution.nfev),
        status=int(solution.status),
        message=str(solution.message),
        success=bool(solution.success),
    )
