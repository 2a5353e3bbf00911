"""SPTInverseFitRegressor: the classical inverse method for small punch tests, as a baseline regressor."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted

from .._curve_checks import first_true
from .._small_punch._mechanics import GEOMETRIES, LAWS, flow_stress, max_thickness
from .._small_punch._simulator import (
    DEFAULT_STRAIN,
    IDEAL_STRENGTH_FRACTION,
    MAX_ELASTIC_MODULUS,
    MAX_PRESTRAIN,
    MIN_ELASTIC_MODULUS,
    MIN_STRENGTH,
    MIN_THICKNESS,
    _check_constants,
    _increasing_grid,
    simulate_small_punch,
)
from .._small_punch._solver import at_bound as _at_bound, levenberg_marquardt
from .._validation import IntegerInterval, check_range
from ._spt_curve_table import CurveTableInputMixin

__all__ = ["SPTInverseFitRegressor"]

# The dict input this estimator reads: the raw forces and the conditions (a GAF image is refused).
# Thickness-to-clearance ratios t / (b - a) of the paper's 1-4 mm discs, where
# the simulator's constants were calibrated (b clamp radius, a punch radius).
_CALIBRATED_RATIO = (1.0 / 3.75, 4.0 / 3.75)
# Simulator rows per call (memory).
_CHUNK = 4096
# A curve whose maximum force is this factor above (or below) every maximum the
# simulator reaches within the bounds cannot be fitted: wrong units, most likely.
_OUT_OF_REACH = 10.0
_NAMES_SHOWN = 10


class SPTInverseFitRegressor(CurveTableInputMixin, RegressorMixin, BaseEstimator):
    """True stress–strain curves from small punch curves by a least-squares fit of the simulator.

    The classical inverse method, as practitioners apply it to small punch
    tests and as the baseline any learned model must beat: for each load
    curve and its disc thickness, find the strength coefficient ``K`` and
    the hardening exponent ``n`` for which
    :func:`skmat.datasets.simulate_small_punch` reproduces the curve best
    (least squares), then return the true stress–strain curve of that
    material on ``strain``. Nothing is learned from training data: ``fit``
    checks the input and the settings, and each call of ``predict`` fits
    its own curves.

    It takes the input of the other small punch estimators: the raw load
    curves in N with the thickness in mm as a trailing column (``(n, m +
    n_conditions)``), or a dict with ``"sequence"`` (the raw forces) and
    ``"conditions"``. The output of
    :class:`~skmat.GramianAngularFieldEncoder` is refused: its sequence is
    a scaled piecewise-aggregate curve, not the forces on the displacement
    grid.

    All curves are fitted together: every iteration of the vectorised
    Levenberg–Marquardt solver is two simulator calls over the curves not
    yet converged (the trial step, then a forward-difference Jacobian for
    the curves that accepted it), and each curve solves its own 2 × 2
    damped normal equations. Benchmark:
    ``benchmarks/spt_inverse_speed.py``.

    Parameters
    ----------
    geometry : {"paper", "en10371"}, default="paper"
        Punch and die of the simulator (see
        :func:`~skmat.datasets.simulate_small_punch`).
    displacement : array-like of shape (m,), default=None
        Punch displacements (mm) of the curve points, increasing from 0.
        Default: the geometry's grid (0–4.5 mm in 181 points for
        ``"paper"``, 0–2 mm in 161 points for ``"en10371"``). Resample
        measured curves onto it first
        (:class:`~skmat.preprocessing.CurveResampler`).
    strain : array-like of shape (T,), default=None
        Total true strains of the predicted curves. Default: 35 points
        0–0.99, the grid of :func:`~skmat.datasets.make_small_punch_test`.
    n_conditions : int, default=None
        Number of trailing columns of an array ``X`` that are test
        conditions, not forces. The disc thickness (mm) is the first of
        them; further ones are accepted and ignored. None: 1 (the thickness
        is the last column of ``X``), or 0 when ``thickness`` is given. A
        dict input carries its conditions as ``"conditions"``, the
        thickness again first.
    thickness : float, default=None
        One thickness (mm) for every curve, for curves without a thickness
        column (an array ``X`` of forces only, a dict without
        ``"conditions"``). None: read from the input. Giving both a
        thickness here and condition columns is an error.
    law : {"paper", "swift"}, default="paper"
        Flow law whose ``K`` and ``n`` are fitted:
        ``σ = K max(εp, 0.01)^n`` or ``σ = K (prestrain + εp)^n``.
    prestrain : float, default=0.002
        ``ε₀`` of the Swift law, in [0, 1].
    elastic_modulus, poisson_ratio : float, default=70,000 MPa and 0.35
        Elastic constants of the material, known (not fitted), as in the
        paper's finite-element model; ``1 ≤ E ≤ 1.2e6`` MPa and
        ``-1 < ν < 0.5``, the simulator's limits.
    constants : skmat.datasets.SimulatorConstants or None, default=None
        The simulator's fitted constants, passed to
        :func:`~skmat.datasets.simulate_small_punch`; None: its defaults
        (``skmat.datasets.DEFAULT_CONSTANTS``). Curves simulated with other
        constants are fitted exactly only with those.
    strength_coefficient_bounds : tuple of float, default=(20.0, 7000.0)
        Range (MPa) searched for ``K``, ``1e-3 ≤ low < high`` (the
        simulator's lower limit). The upper end is
        lowered to ``elastic_modulus / 10`` (divided by ``(1 +
        prestrain)^n`` for the Swift law) where it is higher: the
        simulator's ideal-strength limit.
    hardening_exponent_bounds : tuple of float, default=(0.0, 0.8)
        Range searched for ``n``, within [0, 1] (the simulator's limit).
    n_starts : int, default=5
        Starting exponents, spread evenly over ``hardening_exponent_bounds``
        (the midpoints of ``n_starts`` equal bins); for each, the starting
        ``K`` scales a trial simulation onto the curve (forces are nearly
        proportional to ``K``). Every curve is first solved from its best
        start; a curve whose fit fails (see ``max_nrmse``) or ends on a
        bound is solved again from its next-best starts, and the best
        result is kept.
    max_iter : int, default=50
        Levenberg–Marquardt iterations per start.
    tol : float, default=1e-8
        A curve has converged when an accepted step lowers its sum of
        squares by less than ``tol`` times itself, or changes ``log K`` and
        ``n`` by less than ``tol`` (as scipy's ``ftol`` and ``xtol``).
    max_nrmse : float, default=0.1
        A fit fails when its NRMSE, the root-mean-square difference between
        the fitted and the given curve divided by the curve's maximum force,
        is above this after all starts. The simulator reproduces the
        reference finite-element curves to a median NRMSE of 6.6 % with
        their true ``K`` and ``n`` (``docs/spt-notes``); a curve 10 % of
        its peak away from every simulated curve is not one it can explain
        (wrong units, wrong grid or thickness, a cracked specimen).
    on_fail : {"warn", "raise"}, default="warn"
        What a failed fit does: ``"warn"`` issues one ``UserWarning`` naming
        the curves and still returns their best fits (flagged ``fit_ok =
        False`` by :meth:`fit_parameters`); ``"raise"`` raises a
        ``ValueError`` naming them. Never NaN. Curves whose maximum force
        lies more than 10 times above or below every maximum the simulator
        reaches within the bounds (for their thickness) are not fitted at
        all: a ``ValueError`` names them whatever ``on_fail`` says (forces
        in mN or kN instead of N, most likely).

    Attributes
    ----------
    n_features_in_ : int
        Columns of ``X``: force points plus condition columns.
    feature_names_in_ : ndarray of str
        Column names, when fitted on a DataFrame with string column names;
        ``predict`` and ``fit_parameters`` then check them as scikit-learn
        does. A dict input has none.
    sequence_length_ : int
        Force points per curve (``len(displacement_)``).
    n_conditions_ : int
        Condition columns of ``X`` (or columns of ``X["conditions"]``).
    n_outputs_ : int
        Points of each predicted curve (``len(strain_)``).
    displacement_ : ndarray of shape (m,)
        Displacement grid of the curves (mm).
    strain_ : ndarray of shape (T,)
        Strain grid of the predictions.

    See Also
    --------
    skmat.datasets.simulate_small_punch : The forward model that is fitted.
    SPTSeq2SeqRegressor : A learned model of the same input and output.

    Notes
    -----
    Unknowns are ``(log K, n)``; residuals are the force differences at
    every displacement divided by the curve's maximum force, so every
    curve weighs the same whatever its load level. Steps that would leave
    the bounds are projected back (a parameter at a bound whose gradient
    points outwards is held there). Fits are independent per curve, so a
    curve's prediction does not depend on the others in ``X``.

    The thickness must be one the simulator can represent (up to 7.48 mm
    for ``"paper"`` on its 4.5 mm grid; a ``ValueError`` names the curve).
    Outside the thickness-to-clearance ratios ``t / (b − a)`` of 0.267–1.067,
    where its constants were calibrated (1–4 mm for ``"paper"``, 0.2–0.8
    mm for ``"en10371"``), a ``UserWarning`` names the curves.

    On simulated curves (no noise) it recovers ``K`` and ``n`` to about
    1e-8. On the 40 finite-element runs of
    :func:`~skmat.datasets.load_small_punch_fem` its per-curve MAPE over the
    plastic points is 5.5 % (median; worst 9.5 %), with ``K`` within 8 %
    and ``n`` within 0.053 (medians): the simulator's own modelling error,
    which no fit removes. 500 curves took 1.9 s on two shared cores, 5.6
    times faster than a loop of :func:`scipy.optimize.least_squares` over
    the curves (10.4 s), which finds the same fits
    (``python benchmarks/spt_inverse_speed.py``,
    ``benchmarks/results/spt_inverse_speed.csv``).

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.datasets import make_small_punch_test
    >>> from skmat.models import SPTInverseFitRegressor
    >>> spt = make_small_punch_test(20, random_state=0)
    >>> X = np.column_stack([spt.data, spt.params["thickness"]])  # thickness last
    >>> model = SPTInverseFitRegressor().fit(X, spt.target)
    >>> model.predict(X).shape
    (20, 35)
    >>> found = model.fit_parameters(X)
    >>> err = np.abs(found["hardening_exponent"] - spt.params["hardening_exponent"])
    >>> bool(err.max() < 1e-4), bool(found["fit_ok"].all())
    (True, True)
    """

    _parameter_constraints: dict = {
        "geometry": [StrOptions(set(GEOMETRIES))],
        "displacement": ["array-like", None],  # its values: checked at fit
        "strain": ["array-like", None],
        "n_conditions": [IntegerInterval(0, None, closed="left"), None],
        "thickness": [Interval(Real, 0, None, closed="neither"), None],
        "law": [StrOptions(set(LAWS))],
        "prestrain": [Interval(Real, 0.0, MAX_PRESTRAIN, closed="both")],
        "elastic_modulus": [Interval(Real, MIN_ELASTIC_MODULUS, MAX_ELASTIC_MODULUS, closed="both")],
        "poisson_ratio": [Interval(Real, -1.0, 0.5, closed="neither")],
        "constants": "no_validation",  # the simulator's own check, _check_constants
        "strength_coefficient_bounds": "no_validation",  # pairs within the simulator's limits: _check_params
        "hardening_exponent_bounds": "no_validation",
        "n_starts": [IntegerInterval(1, None, closed="left")],
        "max_iter": [IntegerInterval(1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_nrmse": [Interval(Real, 0, None, closed="neither")],
        "on_fail": [StrOptions({"warn", "raise"})],
    }

    def __init__(
        self,
        *,
        geometry="paper",
        displacement=None,
        strain=None,
        n_conditions=None,
        thickness=None,
        law="paper",
        prestrain=0.002,
        elastic_modulus=70_000.0,
        poisson_ratio=0.35,
        constants=None,
        strength_coefficient_bounds=(20.0, 7000.0),
        hardening_exponent_bounds=(0.0, 0.8),
        n_starts=5,
        max_iter=50,
        tol=1e-8,
        max_nrmse=0.1,
        on_fail="warn",
    ):
        self.geometry = geometry
        self.displacement = displacement
        self.strain = strain
        self.n_conditions = n_conditions
        self.thickness = thickness
        self.law = law
        self.prestrain = prestrain
        self.elastic_modulus = elastic_modulus
        self.poisson_ratio = poisson_ratio
        self.constants = constants
        self.strength_coefficient_bounds = strength_coefficient_bounds
        self.hardening_exponent_bounds = hardening_exponent_bounds
        self.n_starts = n_starts
        self.max_iter = max_iter
        self.tol = tol
        self.max_nrmse = max_nrmse
        self.on_fail = on_fail

    # ------------------------------------------------------------------ API

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the settings and the input layout; nothing is learned.

        Parameters
        ----------
        X : array-like of shape (n, m + n_conditions) or dict
            Load curves in N on ``displacement``, with the thickness (mm)
            as the first condition column; or a dict (e.g. a
            :class:`~skmat.encoders.CurveBatch`) with ``"sequence"`` (n, m)
            forces and ``"conditions"`` (n, k) or (n,).
        y : array-like of shape (n, T), default=None
            True stress curves; only their number of points is checked
            against ``strain``.

        Returns
        -------
        self : SPTInverseFitRegressor
        """
        self._fit_layout(X, y)
        return self

    def _fit_layout(self, X, y):
        """What ``fit`` checks and records; returns the forces (n, m) and thicknesses (n,) it read from ``X``."""
        self._check_params()
        geo = GEOMETRIES[self.geometry]
        self.displacement_ = _increasing_grid(
            "displacement", np.linspace(*geo.displacement) if self.displacement is None else self.displacement, 2
        )
        self.strain_ = _increasing_grid("strain", DEFAULT_STRAIN if self.strain is None else self.strain, 1)
        if max_thickness(geo, self.displacement_[-1]) is None:
            raise ValueError(
                f"displacement reaches {self.displacement_[-1]:g} mm, beyond what any disc reaches in "
                f"geometry {self.geometry!r}; give the grid of the curves in mm."
            )
        self.sequence_length_ = len(self.displacement_)
        self.n_outputs_ = len(self.strain_)
        forces, thickness = self._read(X, reset=True)
        if y is not None:
            target = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
            self._target_1d = target.ndim == 1
            target = target.reshape(len(target), -1)
            if len(target) != len(forces):
                raise ValueError(f"X has {len(forces)} curves but y has {len(target)}.")
            if target.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {target.shape[1]} points per curve, but the strain grid has {self.n_outputs_}: "
                    "pass the target's strains as strain= (a stress curve on its own strain points is "
                    "compared after interpolating the prediction onto them)."
                )
        else:
            self._target_1d = False
        return forces, thickness

    def predict(self, X):
        """Fit ``K`` and ``n`` to each curve and return its true stress–strain curve.

        Parameters
        ----------
        X : array-like of shape (n, m + n_conditions) or dict
            As in :meth:`fit`.

        Returns
        -------
        ndarray of shape (n, T)
            True stress (MPa) at ``strain_``. With a 1-D ``y`` at fit (one
            strain point), shape (n,).

        Raises
        ------
        ValueError
            For invalid input (naming the curve), for curves whose maximum
            force lies far outside what the simulator reaches within the
            bounds (naming the curves: wrong units, most likely), and, with
            ``on_fail="raise"``, for curves whose fit failed.

        Warns
        -----
        UserWarning
            For curves whose fit failed (``on_fail="warn"``) or whose
            thickness lies outside the calibrated range.
        """
        stress = self._solve(X)["stress"]
        return stress[:, 0] if self._target_1d else stress

    def fit_parameters(self, X):
        """The fitted material of each curve, with the quality of its fit.

        Parameters
        ----------
        X : array-like of shape (n, m + n_conditions) or dict
            As in :meth:`fit`.

        Returns
        -------
        pandas.DataFrame
            One row per curve: ``strength_coefficient`` (MPa),
            ``hardening_exponent``, ``yield_stress`` (MPa, the flow stress
            at the law's reference strain), ``thickness`` (mm), ``nrmse``
            (RMS force difference / maximum force), ``n_iter``
            (Levenberg–Marquardt iterations of the kept start),
            ``converged`` (the kept start met ``tol`` within ``max_iter``),
            ``at_bound`` (a parameter ends on its bound: the material may
            lie outside the searched range) and ``fit_ok``
            (``nrmse <= max_nrmse``).
        """
        import pandas as pd

        result = self._solve(X)
        columns = ("strength_coefficient", "hardening_exponent", "yield_stress", "thickness", "nrmse",
                   "n_iter", "converged", "at_bound", "fit_ok")
        return pd.DataFrame({name: result[name] for name in columns})

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.requires_fit = True
        return tags

    # ---------------------------------------------------------- checks

    def _check_params(self):
        """What ``_parameter_constraints`` cannot say; return the searched ranges of ``K`` (capped) and ``n``."""
        _check_constants(self.constants)
        self._check_thickness_source()
        k_low, k_high = check_range("strength_coefficient_bounds", self.strength_coefficient_bounds)
        n_low, n_high = check_range("hardening_exponent_bounds", self.hardening_exponent_bounds)
        if not k_low >= MIN_STRENGTH:
            raise ValueError(
                f"strength_coefficient_bounds must start at {MIN_STRENGTH:g} MPa or above (the simulator's lower "
                f"limit), got {self.strength_coefficient_bounds!r}."
            )
        if not (n_low >= 0 and n_high <= 1):
            raise ValueError(
                f"hardening_exponent_bounds must lie within [0, 1], got {self.hardening_exponent_bounds!r}."
            )
        E = self.elastic_modulus
        # The simulator's ideal-strength limit on the flow stress at plastic strain 1.
        cap = IDEAL_STRENGTH_FRACTION * E / float(flow_stress(1.0, 1.0, n_high, self.law, self.prestrain))
        if not k_low < cap:
            raise ValueError(
                f"strength_coefficient_bounds start at {k_low:g} MPa, above the simulator's limit of "
                f"{cap:.6g} MPa (elastic_modulus / {1 / IDEAL_STRENGTH_FRACTION:g} at plastic strain 1)."
            )
        return (k_low, min(k_high, cap * (1.0 - 1e-9))), (n_low, n_high)

    def _check_curves(self, forces, thickness):
        negative = first_true(forces < 0)
        if negative is not None:
            i, j = negative
            raise ValueError(
                f"Forces must be >= 0 N: curve {i} has {forces[i, j]:g} at point {j} (displacement "
                f"{self.displacement_[j]:g} mm). Offset-correct or clip measured curves first."
            )
        flat = first_true(forces.max(axis=1) <= 0)
        if flat is not None:
            raise ValueError(f"Curve {flat[0]} is zero everywhere: there is nothing to fit.")
        geo = GEOMETRIES[self.geometry]
        t_max = max_thickness(geo, self.displacement_[-1])
        bad = first_true(~(thickness >= MIN_THICKNESS) | (thickness > t_max))
        if bad is not None:
            (i,) = bad
            raise ValueError(
                f"The thickness of curve {i} is {thickness[i]:g} mm; the simulator represents discs of "
                f"(0, {t_max:.4g}] mm, at least {MIN_THICKNESS:g} mm thick, in geometry {self.geometry!r} with "
                f"displacements up to {self.displacement_[-1]:g} mm."
            )
        clearance = geo.clamp_radius - geo.punch_radius
        low, high = (ratio * clearance for ratio in _CALIBRATED_RATIO)
        outside = np.flatnonzero((thickness < low - 1e-9) | (thickness > high + 1e-9))
        if len(outside):
            warnings.warn(
                f"{type(self).__name__}: the thickness of curves {_list(outside)} lies outside "
                f"{low:.3g}-{high:.3g} mm, where the simulator was calibrated for geometry {self.geometry!r} "
                f"(values {_list(thickness[outside], '{:g}')} mm); their fits extrapolate the model.",
                UserWarning, stacklevel=4,
            )

    # ---------------------------------------------------------- solver

    def _simulate(self, K, n, t, strain=(0.0,)):
        """The simulator at ``(K, n, t)`` rows; the default one-point strain grid skips the stress work."""
        kwargs = dict(
            strength_coefficient=K, hardening_exponent=n, thickness=t, law=self.law, geometry=self.geometry,
            displacement=self.displacement_, strain=np.asarray(strain, dtype=float), prestrain=self.prestrain,
            elastic_modulus=self.elastic_modulus, poisson_ratio=self.poisson_ratio,
        )
        return simulate_small_punch(**kwargs, constants=self.constants)

    def _forces(self, params, t):
        """Simulated forces (rows, m) for rows of ``(log K, n)``, in chunks that bound the memory."""
        out = np.empty((len(params), self.sequence_length_))
        for start in range(0, len(params), _CHUNK):
            part = slice(start, start + _CHUNK)
            out[part] = self._simulate(np.exp(params[part, 0]), params[part, 1], t[part]).force
        return out

    def _solve(self, X):
        check_is_fitted(self, "displacement_")
        self._validate_params()  # set_params after fit is checked here
        self._check_params()
        forces, thickness = self._read(X, reset=False)
        return self._solve_curves(forces, thickness)

    def _solve_curves(self, forces, thickness):
        """The fit of every curve of ``forces`` (n, m) in N with ``thickness`` (n,) in mm (already checked)."""
        k_range, n_range = self._check_params()
        scale = forces.max(axis=1)
        target = forces / scale[:, None]
        lower = np.array([np.log(k_range[0]), n_range[0]])
        upper = np.array([np.log(k_range[1]), n_range[1]])

        self._check_reach(scale, thickness, lower, upper)
        starts = self._starts(target, scale, thickness, lower, upper)  # (n, S, 2), best first
        best = None
        todo = np.arange(len(forces))
        for s in range(starts.shape[1]):
            def residuals(p, rows, curves=todo):  # rows index the curves of this run
                rows = curves[rows]
                return self._forces(p, thickness[rows]) / scale[rows, None] - target[rows]

            run = levenberg_marquardt(residuals, starts[todo, s], lower, upper, self.max_iter, self.tol)
            if best is None:
                best = run
            else:
                better = run["nrmse"] < best["nrmse"][todo]
                for key in best:
                    best[key][todo[better]] = run[key][better]
            at_bound = _at_bound(best["params"], lower, upper)
            retry = (best["nrmse"] > self.max_nrmse) | at_bound
            todo = np.flatnonzero(retry)
            if not len(todo):
                break

        params = best["params"]
        sim = self._simulate(np.exp(params[:, 0]), params[:, 1], thickness, strain=self.strain_)
        fit_ok = best["nrmse"] <= self.max_nrmse
        if not fit_ok.all():
            self._report_failures(np.flatnonzero(~fit_ok), best["nrmse"], k_range, n_range)
        return {
            "stress": sim.stress,
            "strength_coefficient": sim.strength_coefficient,
            "hardening_exponent": sim.hardening_exponent,
            "yield_stress": sim.yield_stress,
            "thickness": sim.thickness,
            "nrmse": best["nrmse"],
            "n_iter": best["n_iter"],
            "converged": best["converged"],
            "at_bound": _at_bound(params, lower, upper),
            "fit_ok": fit_ok,
        }

    def _check_reach(self, peak, thickness, lower, upper):
        """ValueError naming the curves whose maximum force no material within the bounds comes near.

        The simulated maximum force rises with ``K`` and changes by less than
        2x with ``n``; the four corners of the bounds bracket it.
        """
        corners = np.array([[lower[0], lower[1]], [lower[0], upper[1]], [upper[0], lower[1]], [upper[0], upper[1]]])
        reached = self._forces(np.tile(corners, (len(peak), 1)), np.repeat(thickness, 4)).max(axis=1)
        low, high = reached.reshape(-1, 4).min(axis=1), reached.reshape(-1, 4).max(axis=1)
        far = np.flatnonzero((peak > _OUT_OF_REACH * high) | (peak < low / _OUT_OF_REACH))
        if len(far):
            i = far[0]
            raise ValueError(
                f"{type(self).__name__} cannot fit curves {_list(far)}: their maximum forces "
                f"{_list(peak[far], '{:.3g}')} N lie far outside the maximum forces the simulator can reach for "
                f"their thickness with K in [{np.exp(lower[0]):g}, {np.exp(upper[0]):.6g}] MPa and n in "
                f"[{lower[1]:g}, {upper[1]:g}] ({low[i]:.3g}-{high[i]:.3g} N for curve {i}, {thickness[i]:g} mm "
                f"thick; more than {_OUT_OF_REACH:g} times above or below). Wrong units? The forces must be in N "
                "(not mN or kN), the thickness in mm."
            )

    def _starts(self, target, scale, thickness, lower, upper):
        """Starting ``(log K, n)`` per curve, ``(n, n_starts, 2)``, ordered by their (proxy) misfit.

        For each starting exponent the curve is simulated at one ``K``; the
        least-squares factor onto the given curve scales that ``K`` (the
        forces are nearly proportional to it), and the misfit of the scaled
        curve ranks the starts.
        """
        n_curves, S = len(target), self.n_starts
        exponents = lower[1] + (upper[1] - lower[1]) * (np.arange(S) + 0.5) / S
        log_k = 0.5 * (lower[0] + upper[0])
        trial = np.column_stack([np.full(n_curves * S, log_k), np.tile(exponents, n_curves)])
        simulated = self._forces(trial, np.repeat(thickness, S)).reshape(n_curves, S, -1)
        simulated /= scale[:, None, None]
        power = np.maximum(np.einsum("ism,ism->is", simulated, simulated), 1e-300)
        factor = np.maximum(np.einsum("ism,im->is", simulated, target) / power, 1e-300)
        difference = factor[..., None] * simulated - target[:, None]
        misfit = np.einsum("ism,ism->is", difference, difference)
        starts = np.stack([np.clip(log_k + np.log(factor), lower[0], upper[0]),
                           np.broadcast_to(exponents, (n_curves, S))], axis=-1)
        order = np.argsort(misfit, axis=1, kind="stable")
        return np.take_along_axis(starts, order[..., None], axis=1)

    def _report_failures(self, failed, nrmse, k_range, n_range):
        name = type(self).__name__
        text = (
            f"{name} could not fit curves {_list(failed)}: NRMSE {_list(nrmse[failed], '{:.3g}')} > "
            f"max_nrmse={self.max_nrmse:g} after all {self.n_starts} starts. The simulator cannot reproduce "
            f"them with K in [{k_range[0]:g}, {k_range[1]:.6g}] MPa and n in "
            f"[{n_range[0]:g}, {n_range[1]:g}]: check the units (forces in N, thickness in mm) "
            "and the displacement grid, or widen the bounds."
        )
        if self.on_fail == "raise":
            raise ValueError(text)
        warnings.warn(
            text + " Their predictions are the best fits found; fit_parameters(X) flags them fit_ok=False.",
            UserWarning, stacklevel=4,
        )


def _list(values, fmt="{}"):
    shown = ", ".join(fmt.format(v) for v in values[:_NAMES_SHOWN])
    more = len(values) - _NAMES_SHOWN
    return f"[{shown}{f', … ({more} more)' if more > 0 else ''}]"
