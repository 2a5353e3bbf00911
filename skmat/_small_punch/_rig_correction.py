"""Undo what a small punch test rig does to a load–displacement curve: machine compliance and zero offset.

The inverse of :func:`skmat.datasets.perturb_small_punch`. A rig records
the displacement ``u + displacement_offset + compliance * F`` of a point
whose punch displacement is ``u``; :func:`correct_rig` subtracts both
terms and reads the curve back on a displacement grid, and
:func:`estimate_displacement_offset` estimates the zero offset from the
curve itself (toe compensation) when it is not known. Both take curves on
one shared grid, as the simulator makes them, or measured curves each with
its own displacement array, as :func:`skmat.datasets.read_curve_table`
reads them.

Torch-free and light: numpy only (the default grid is read from
``_mechanics`` when it is needed), so that importing
``skmat.preprocessing`` does not load the simulator.
"""

from __future__ import annotations

import numpy as np

from .._curve_checks import first_decrease, first_non_finite, first_true, non_finite_text
from .._validation import check_range
from ._arrays import _as_float, _per_curve

__all__ = ["correct_rig", "estimate_displacement_offset"]

#: Default force window of the toe fit, as fractions of a curve's maximum force.
DEFAULT_FIT_RANGE = (0.01, 0.04)


# ----------------------------------------------------------------------
# Input
# ----------------------------------------------------------------------


def _is_pair(item):
    """Whether ``item`` looks like one ``(displacement, force)`` pair of 1-D arrays."""
    if isinstance(item, (str, bytes, dict)):
        return False
    try:
        return len(item) == 2 and np.ndim(item[0]) == 1 and np.ndim(item[1]) == 1
    except (TypeError, ValueError):
        return False


class _Curves:
    """Validated curves: a displacement and a force array per curve, and the form they came in.

    ``form`` is ``"one"`` (a 1-D force on ``displacement``), ``"grid"``
    (an (n, m) force on one shared ``displacement``) or ``"pairs"`` (a list
    of ``(displacement, force)`` pairs, each curve on its own grid).
    """

    def __init__(self, xs, fs, form):
        self.xs, self.fs, self.form = xs, fs, form

    def __len__(self):
        return len(self.fs)

    @classmethod
    def parse(cls, force, displacement):
        if isinstance(force, np.ndarray) and force.dtype != object and force.ndim == 3:
            if force.shape[1] != 2:
                raise ValueError(
                    "force must be an array of shape (n, m) or (m,), or curves as (displacement, force) pairs "
                    f"of shape (n, 2, m); got shape {force.shape}."
                )
            items = list(force)
        elif (isinstance(force, (list, tuple)) or (isinstance(force, np.ndarray) and force.dtype == object
                                                   and force.ndim == 1)) \
                and len(force) and all(_is_pair(item) for item in force):
            items = list(force)
        else:
            return cls._on_one_grid(force, displacement)
        if displacement is not None:
            raise ValueError(
                "displacement must be None when force is a list of (displacement, force) pairs: each pair "
                "brings its own displacement."
            )
        xs, fs = [], []
        for i, (x_raw, f_raw) in enumerate(items):
            x = _as_float(f"the displacement of curve {i}", x_raw, "a 1-D array of numbers")
            f = _as_float(f"the force of curve {i}", f_raw, "a 1-D array of numbers")
            if x.shape != f.shape or len(x) < 2:
                raise ValueError(
                    f"Curve {i} must have as many displacements as forces, at least 2; got {len(x)} "
                    f"displacements and {len(f)} forces."
                )
            _check_finite(f"displacement of curve {i}", x)
            _check_finite(f"force of curve {i}", f)
            _check_increasing(f"displacement of curve {i}", x)
            xs.append(x)
            fs.append(f)
        return cls(xs, fs, "pairs")

    @classmethod
    def _on_one_grid(cls, force, displacement):
        force = _as_float("force", force, "an (n, m) or (m,) array of numbers, or a list of (displacement, "
                                          "force) pairs")
        if force.ndim not in (1, 2) or force.shape[-1] < 2 or force.size == 0:
            raise ValueError(
                f"force must have shape (n, m) or (m,) with m >= 2 points, or be a list of (displacement, "
                f"force) pairs; got shape {force.shape}."
            )
        form = "one" if force.ndim == 1 else "grid"
        force = np.atleast_2d(force)
        m = force.shape[1]
        if displacement is None:
            from ._mechanics import GEOMETRIES

            start, stop, points = GEOMETRIES["paper"].displacement
            displacement = np.linspace(start, stop, points)
        displacement = _as_float("displacement", displacement, "a 1-D array of numbers")
        if displacement.shape != (m,):
            raise ValueError(
                f"displacement must have one value per point of force ({m}); got shape {displacement.shape}. "
                "Without displacement, force must be on the paper geometry's grid (0-4.5 mm, 181 points)."
            )
        _check_finite("displacement", displacement)
        _check_increasing("displacement", displacement)
        bad = first_non_finite(force)
        if bad is not None:
            row, col = bad
            raise ValueError(f"force of curve {row} has {non_finite_text(force[row, col])} at point {col}.")
        return cls([displacement] * len(force), list(force), form)

    def pack(self, rows, grid):
        """The corrected forces in the form of the input: see the Returns of :func:`correct_rig`."""
        if self.form == "one":
            return rows[0]
        if self.form == "grid" or grid is not None:
            return np.stack(rows)
        return [(x.copy(), f) for x, f in zip(self.xs, rows, strict=True)]


def _check_finite(name, values):
    bad = first_non_finite(values)
    if bad is not None:
        (j,) = bad
        raise ValueError(f"{name} has {non_finite_text(values[j])} at point {j}.")


def _check_increasing(name, values):
    step = first_decrease(values)
    if step is not None:
        j = step[0] + 1
        raise ValueError(
            f"{name} must be strictly increasing; point {j} ({values[j]:.6g} mm) does not exceed point {j - 1} "
            f"({values[j - 1]:.6g} mm)."
        )


def _compliance(value, n):
    compliance = _per_curve("compliance", value, n, " mm/N")
    bad = first_true(compliance < 0)
    if bad is not None:
        (i,) = bad
        raise ValueError(f"compliance must be >= 0; got {float(compliance[i])!r} mm/N for curve {i}.")
    return compliance


def _check_sign(curves):
    """ValueError naming the first curve whose forces are mostly negative (a sign-flipped curve) and its point.

    A load curve's forces are ``> 0`` after first contact; a load cell's
    zero or noise may put a few small forces below 0, but a curve whose
    most negative force outweighs its largest (one with no force > 0
    included) was recorded with the opposite sign, and correcting it would
    apply the compliance the wrong way round.
    """
    for i, f in enumerate(curves.fs):
        j = int(np.argmin(f))
        largest = float(f.max()) + 0.0  # + 0.0: a negated curve's -0 reads as 0
        if -f[j] > largest:
            raise ValueError(
                f"force of curve {i} is {f[j]:.6g} N at point {j}, while its largest force is {largest:.6g} N: "
                "the curve looks sign-flipped (compression recorded as negative). Load curves must have "
                "forces > 0 after first contact: pass -force."
            )


def _check_grid(grid):
    grid = _as_float("grid", grid, "a 1-D array of displacements in mm")
    if grid.ndim != 1 or len(grid) < 1:
        raise ValueError(f"grid must be 1-D with at least 1 point; got shape {grid.shape}.")
    _check_finite("grid", grid)
    _check_increasing("grid", grid)
    return grid


def _without_compliance(x, f, compliance, i):
    """``x - compliance * f``, or ValueError naming the curve and where it would stop increasing."""
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowing compliance fails the check below
        corrected = x - compliance * f
        steps = np.diff(corrected)
    bad = first_true(~(steps > 0))
    if bad is None:
        return corrected
    (j,) = bad
    rising = np.diff(f) > 0
    with np.errstate(divide="ignore"):
        largest = float(np.min(np.diff(x)[rising] / np.diff(f)[rising]))
    raise ValueError(
        f"compliance={float(compliance)!r} mm/N is too large for curve {i}: its corrected displacement would "
        f"not increase from point {j} to point {j + 1} ({corrected[j]:.6g} to {corrected[j + 1]:.6g} mm, where "
        f"the force rises from {f[j]:.6g} to {f[j + 1]:.6g} N); this curve allows a compliance below "
        f"{largest:.6g} mm/N. (On a densely sampled noisy curve, noise alone can do this: smooth the force "
        "first.)"
    )


# ----------------------------------------------------------------------
# Public functions
# ----------------------------------------------------------------------


def correct_rig(force, displacement=None, *, compliance=0.0, displacement_offset=0.0, grid=None):
    """Remove the machine compliance and the zero offset from recorded load–displacement curves.

    A small punch rig that measures the crosshead records the displacement
    ``u + displacement_offset + compliance * F`` of a point whose punch
    displacement is ``u`` (the model of
    :func:`~skmat.datasets.perturb_small_punch`). This function undoes it:
    each recorded point ``(x, F)`` moves to the punch displacement
    ``x - compliance * F - displacement_offset``, and the corrected curve
    is read back by linear interpolation on ``grid`` (by default the
    curve's own displacement grid), with forces 0 before first contact.
    Nothing passed in is modified.

    Parameters
    ----------
    force : array-like of shape (n, m) or (m,), or list of (displacement, force) pairs
        Recorded forces in N, finite, positive in compression (a few small
        negative forces, a load cell's zero or noise, are fine; a curve
        mostly below 0 is an error). Either on one displacement grid shared
        by all curves, ``displacement`` (a 1-D array for one curve), or, with
        ``displacement=None``, a list of ``(displacement, force)`` pairs of
        1-D arrays, each curve on its own grid and of its own length, as
        :func:`~skmat.datasets.read_curve_table` returns them in ``curves``
        (an array of shape (n, 2, m) is read as such pairs too).
    displacement : array-like of shape (m,), optional
        The recorded displacement in mm of each column of ``force``, finite
        and strictly increasing. Default: the paper geometry's 0–4.5 mm in
        181 points, as in :func:`~skmat.datasets.perturb_small_punch`. Must
        be None for a list of pairs.
    compliance : float or array-like of shape (n,), default=0.0
        Machine compliance of the load train in mm/N, ≥ 0, per curve or for
        all; a machine stiffness ``k`` in N/mm is ``compliance=1 / k``. It
        must leave each corrected displacement strictly increasing; a larger
        value raises, naming the curve, the point and the largest value the
        curve allows.
    displacement_offset : float or array-like of shape (n,), default=0.0
        The zero-point error in mm, per curve or for all: the recorded
        displacement (after the compliance correction) at which the punch
        touches the disc. Subtracted as given; to estimate it from the
        curves, use :func:`estimate_displacement_offset` and pass what it
        returns, so that the value applied stays in your hands.
    grid : array-like of shape (n_grid,), optional
        Punch displacements in mm at which to read the corrected curves,
        finite and strictly increasing. Default: each curve's own
        ``displacement``.

    Returns
    -------
    ndarray or list of (ndarray, ndarray)
        The corrected forces in N, in the form of the input: shape (m,) for
        one curve given as a 1-D array; shape (n, m) for curves on one
        ``displacement``; for a list of pairs, a list of
        ``(displacement, force)`` pairs on each curve's own displacement.
        With ``grid``, forces on ``grid``: shape (len(grid),) for one 1-D
        curve, else (n, len(grid)), pairs included.

    Raises
    ------
    ValueError
        For NaN or infinite values, a displacement (or ``grid``) that is
        not strictly increasing, a sign-flipped curve (one whose most
        negative force outweighs its largest: compression recorded as
        negative), a negative compliance, a compliance so large that a
        corrected displacement would decrease, or an offset that leaves no
        point after first contact, each naming the curve (its position in
        ``force``), and the point or the value.

    See Also
    --------
    estimate_displacement_offset : The zero offset of each curve, by toe compensation.
    skmat.datasets.perturb_small_punch : What this function undoes.
    skmat.preprocessing.CurveResampler : Measured curves onto one grid.

    Notes
    -----
    **What is done, per curve.** The corrected displacement
    ``x' = x - compliance * F - displacement_offset`` must increase
    strictly (else ``ValueError``). Points with ``x' < 0`` are before first
    contact by the definition of the zero point and are dropped (for an
    estimated offset: the toe region); if the first remaining point is
    beyond 0, the point ``(0, 0)`` is put in front of it (the straight-line
    continuation to zero force that toe compensation prescribes). The curve
    is then interpolated linearly at ``grid``: 0 at ``grid < 0``, and the
    last force held at grid points beyond the corrected curve's end, which
    is ``compliance * F[-1] + displacement_offset`` before the recorded end
    (as :func:`~skmat.datasets.perturb_small_punch` holds it for a negative
    offset): no data lie there.

    **Accuracy.** Up to rounding the correction inverts
    :func:`~skmat.datasets.perturb_small_punch`: both maps are affine in
    the (displacement, force) plane, so recorded points land back on the
    clean curve. The error is that of reading the curve at new points by
    linear interpolation twice (once by the rig, once here): where the
    curve bends within a grid step, at first contact and at the knee, by
    up to a few per cent of the maximum force on the 0.025 mm grid; much
    less on densely sampled curves.

    With ``compliance=0``, ``displacement_offset=0`` and no ``grid``,
    curves that start at a displacement ≥ 0 come back bit for bit.

    To use it in a :class:`~sklearn.pipeline.Pipeline` before a model, with
    a known compliance and offset:
    ``FunctionTransformer(correct_rig, kw_args={"compliance": 2e-5})``.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.datasets import perturb_small_punch, simulate_small_punch
    >>> from skmat.preprocessing import correct_rig
    >>> sim = simulate_small_punch(strength_coefficient=300.0, hardening_exponent=0.2, thickness=1.0)
    >>> recorded = perturb_small_punch(sim.force, compliance=2e-5, displacement_offset=0.05)
    >>> corrected = correct_rig(recorded, compliance=2e-5, displacement_offset=0.05)
    >>> corrected.shape
    (1, 181)
    >>> bool(np.abs(corrected - sim.force)[0, :170].max() < 0.01 * sim.force.max())
    True

    One measured curve on its own displacement points, corrected onto a
    regular grid:

    >>> u = np.array([0.0, 0.01, 0.03, 0.06, 0.1])
    >>> F = np.array([0.0, 50.0, 150.0, 300.0, 400.0])
    >>> correct_rig(F, u, compliance=1e-4, grid=[0.0, 0.015, 0.03])
    array([  0., 150., 300.])
    """
    curves = _Curves.parse(force, displacement)
    _check_sign(curves)
    n = len(curves)
    compliance = _compliance(compliance, n)
    offset = _per_curve("displacement_offset", displacement_offset, n, " mm")
    if grid is not None:
        grid = _check_grid(grid)
    rows = []
    for i, (x, f) in enumerate(zip(curves.xs, curves.fs, strict=True)):
        corrected = _without_compliance(x, f, compliance[i], i) - offset[i]
        contact = corrected >= 0
        if not contact.any():
            raise ValueError(
                f"displacement_offset={float(offset[i])!r} mm leaves curve {i} no point after first contact: "
                f"its corrected displacement ends at {corrected[-1]:.6g} mm."
            )
        xs, fs = corrected[contact], f[contact]
        if xs[0] > 0:  # first contact at 0, between 0 and the first point in contact: a straight line
            xs, fs = np.concatenate(([0.0], xs)), np.concatenate(([0.0], fs))
        rows.append(np.interp(x if grid is None else grid, xs, fs, left=0.0))
    return curves.pack(rows, grid)


def estimate_displacement_offset(force, displacement=None, *, fit_range=DEFAULT_FIT_RANGE):
    """Estimate each curve's zero offset by toe compensation: where its initial straight line meets zero force.

    The recorded zero of displacement is rarely the point at which the
    punch touches the disc: slack, seating of the disc and of the punch,
    and the indentation of a ball punch give a "toe" at the start of the
    curve. Toe compensation (as in the annexes of ASTM D638 and D695 for
    tensile and compression tests) extends the curve's straight elastic
    part down to zero force and takes that point as the corrected zero.
    Pass the result to :func:`correct_rig` as ``displacement_offset``.

    Parameters
    ----------
    force : array-like of shape (n, m) or (m,), or list of (displacement, force) pairs
        Recorded forces in N, as in :func:`correct_rig`; each curve needs
        some force > 0.
    displacement : array-like of shape (m,), optional
        As in :func:`correct_rig`.
    fit_range : tuple (low, high), default=(0.01, 0.04)
        The force window of the fit, as fractions of each curve's maximum
        force, 0 < low < high < 1. It must lie in the straight elastic part
        of every curve: see Notes.

    Returns
    -------
    float or ndarray of shape (n,)
        The offset in mm of each curve (a float for one curve given as a
        1-D array): the recorded displacement at which the fitted line
        meets F = 0. Positive when the curve starts late (slack), negative
        when it starts early.

    Raises
    ------
    ValueError
        For the input errors of :func:`correct_rig` (NaN or infinite values,
        a displacement that is not strictly increasing), a ``fit_range`` that
        is not ``0 < low < high < 1``, a curve without a force > 0, fewer
        than 2 points in the force window (the elastic part is not
        resolved) or a fitted slope ≤ 0, each naming the curve.

    See Also
    --------
    correct_rig : Apply the offset, and the compliance correction.

    Notes
    -----
    **What is done, per curve.** With ``Fmax`` the curve's maximum force,
    take the first point with ``F > high * Fmax``, and before it the last
    point with ``F < low * Fmax``; the points strictly between them (all
    with forces in the window) are the fit. A least-squares straight line
    ``F = s * (x - offset)`` through them gives the offset. Nothing is
    applied: the offsets are returned, for you to check and to pass to
    :func:`correct_rig`.

    **No compliance needed.** The machine compliance does not move this
    zero: its deflection ``compliance * F`` makes a straight part less
    steep but vanishes at ``F = 0``, so the line meets zero force at the
    same displacement with or without it. Estimate on the recorded curve,
    then pass both the offset and the compliance to :func:`correct_rig`.

    **Assumptions.** The curve is straight between ``low * Fmax`` and
    ``high * Fmax`` (elastic bending of the disc, after the toe), and the
    points before contact have forces below ``low * Fmax``.

    **Limits.** The elastic part of a small punch curve is short: it ends
    at the knee near ``F = 4 σy t²``, which on the simulator's curves lies
    at 3–4 % of the maximum force for soft, strongly hardening materials
    (K = 150 MPa, n = 0.5; within the first 0.01 mm) and at 5–15 % for
    strong ones (within a few hundredths of a millimetre). The default
    window, 1–4 % of the maximum, stays inside it, and so needs densely
    sampled curves (a displacement step of 0.0025 mm or less, as a lab's
    recorded curves have); on the simulator's 0.025 mm grid it rarely
    holds 2 points, and the function raises rather than guess. A window
    that reaches past the knee fits a secant through the plastic part and
    puts the zero too far left; one that starts inside a toe fits a secant
    of the toe and puts it too far right. On simulated curves sampled every
    0.0025 mm, from soft to strong and 1 to 4 mm thick, the estimate was
    within 2 µm of the true offset (1.6 µm for K = 150 MPa, n = 0.5), and
    within 5 µm with 1 % relative load-cell noise. The window's forces are small, so an additive load-cell noise
    matters more: at 1 % of the maximum force it is as large as the
    window's lowest force. A curve without a straight initial part (a toe
    that runs into the knee) gives a biased offset; ASTM's construction
    for that case, the tangent at the steepest point, is not implemented
    here. Plot the curve with the fitted line if in doubt.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.datasets import perturb_small_punch, simulate_small_punch
    >>> from skmat.preprocessing import correct_rig, estimate_displacement_offset
    >>> u = np.linspace(0.0, 4.5, 1801)  # densely sampled, 0.0025 mm
    >>> sim = simulate_small_punch(strength_coefficient=300.0, hardening_exponent=0.2, thickness=1.0,
    ...                            displacement=u)
    >>> recorded = perturb_small_punch(sim.force, u, displacement_offset=0.04)
    >>> offset = estimate_displacement_offset(recorded, u)
    >>> offset.round(3)
    array([0.04])
    >>> corrected = correct_rig(recorded, u, displacement_offset=offset)
    """
    curves = _Curves.parse(force, displacement)
    n = len(curves)
    low, high = check_range("fit_range", fit_range, "low", "high")
    if not 0 < low < high < 1:
        raise ValueError(
            f"fit_range must be fractions of the maximum force with 0 < low < high < 1; got {fit_range!r}."
        )
    peaks = np.array([f.max() for f in curves.fs])
    bad = first_true(~(peaks > 0))
    if bad is not None:
        (i,) = bad
        raise ValueError(f"force curve {i} has no force > 0 (its maximum is {peaks[i]:.6g} N): no line to fit.")
    offsets = np.empty(n)
    for i, (x, f, peak) in enumerate(zip(curves.xs, curves.fs, peaks, strict=True)):
        end = first_true(f > high * peak)[0]  # exists: high < 1
        below = np.flatnonzero(f[:end] < low * peak)
        start = below[-1] + 1 if len(below) else 0
        if end - start < 2:
            raise ValueError(
                f"Curve {i} has {end - start} point(s) with forces between {low:g} and {high:g} of its maximum, "
                f"{peak:.6g} N, before it first exceeds the window (at {x[end]:.6g} mm); at least 2 are needed "
                "for the line. Its elastic part is not resolved: pass a wider fit_range, or a known "
                "displacement_offset to correct_rig."
            )
        xs, fs = x[start:end], f[start:end]
        dx = xs - xs.mean()
        slope = float(dx @ (fs - fs.mean()) / (dx @ dx))
        if not slope > 0:
            raise ValueError(
                f"Curve {i}: the line fitted to its {end - start} points with forces between {low:g} and "
                f"{high:g} of its maximum has slope {slope:.6g} N/mm; a rising straight part is needed."
            )
        offsets[i] = xs.mean() - fs.mean() / slope
    return float(offsets[0]) if curves.form == "one" else offsets
