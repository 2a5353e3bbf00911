"""Why the small punch simulator scores 4.0 % leaving one thickness out, and whether a refit alone can reach 3 %.

Issue 23 asks to improve the simulator's thickness dependence until its
median curve NRMSE leaving one thickness out (LOTO, 7 folds) is at most
3 %, or to show with numbers why the 40 bundled LS-DYNA runs
(:func:`~skmat.datasets.load_small_punch_fem`: 25 at t = 1 mm, 5 at 1.5 mm,
2 each at 2–4 mm) do not allow it. ``spt_calibration.py`` scores the
shipped recipe (all nine constants, :func:`~skmat.datasets.calibrate_small_punch`
from ``PAPER_FIGURES_CONSTANTS``): 2.86 % in sample, 2.89 % 5-fold, 4.0 %
LOTO. This study changes nothing in ``skmat``; every fit is that function
with options it has, scored as ``spt_calibration.py`` scores (its folds, its
simulation; NRMSE = RMS(F_sim − F_FE) / Fm_FE over the 181 points, in %).

The CSV's ``part`` column:

``score``
    Each refit variant (``variant``) in sample, 5-fold and LOTO: median,
    90th percentile and maximum NRMSE and the number of runs at most 3 %
    (``n_at_most_3pct``) over all 40 runs (``thickness`` = ``all``), over
    each thickness's runs (in the LOTO rows, the fold that held that
    thickness out; ``n_train`` its training curves), and over the 1 mm runs
    split at n = 0.25 (``runs``). ``fitted`` names the constants fitted; the
    others are held at ``held_at`` (``DEFAULT`` = ``DEFAULT_CONSTANTS`` or
    ``PAPER`` = ``PAPER_FIGURES_CONSTANTS``). ``leaky`` marks variants that
    use ``DEFAULT_CONSTANTS``: fitted on all 40 runs, they carry the
    held-out runs into every fold (the in-sample diagnostics below hold
    nothing out and say False). Variants: ``all9`` (the shipped recipe);
    ``all9-equal-weights`` (each curve repeated so that every thickness
    weighs alike; the function takes no sample weights); ``all9-linear-loss``,
    ``all9-fscale-0.01``/``-0.1`` (loss and its scale); ``all9-start-default``
    (start); ``<fitted>-<held>-at-<source>`` with ``free5`` the five
    constants without thickness in their term (localisation, its exponent
    and growth, the interaction exponent, the transition sharpness) and
    ``terms4`` the four of the thickness terms (shear stiffness, membrane
    onset, bending strain, deep plate); ``identified-rest-at-*`` fits the
    constants that no LOTO fold moves by more than 10 % (step 2) and holds
    the rest; ``locexp-at-*`` holds ``localisation_exponent``.
``constants``
    Step 2: each constant of the ``all9`` fit of every LOTO fold over its
    all-40 value, and the spread (``ratio_min``, ``ratio_max``) over the
    LOTO and the 5-fold fits.
``attribution``
    The LOTO median with the 1 mm runs, or the 1.5–4 mm runs, put back at
    their in-sample errors.
``floor``
    Each thickness fitted alone (all nine, from ``DEFAULT_CONSTANTS``): the
    best the model form does there with thickness-specific constants.
``one constant per thickness``
    One constant refitted per thickness, the other eight at
    ``DEFAULT_CONSTANTS``, in sample: which constant wants to depend on
    thickness, and how (``ratio_to_all40``).
``n coverage``
    All nine fitted without the 1 mm runs below n = 0.25, without those at
    or above it, or without every run below it, scored on those runs.
``profile``
    LOTO with ``localisation_exponent`` fixed at each of several values
    (chosen with hindsight; the others refitted).

Conclusion: **no; with the current model form a refit does not reach 3 %
leaving one thickness out on these data, and the numbers say why.**

* **The 4.0 % is the 1 mm fold.** 25 of the 40 runs are 1 mm, so the
  median over runs is set by them: LOTO 4.02 % there (in sample 2.75, 5-fold
  2.81). With the 1 mm runs put back at their in-sample errors the LOTO
  median is 2.91 %; with the 1.5–4 mm runs put back, 3.97 %. The thick
  discs are worse than 3 % but already in sample (2–4 mm: 3.4–6.5 % in
  sample, 3.4–7.3 % LOTO, 4.7 % at 4 mm even fitted alone); 1.5 mm goes
  2.51 → 2.66 %. Leaving one thickness out only 6 of 40 runs are at most
  3 % (23 in sample); a 3 % median needs 20.
* **The 1 mm fold is an extrapolation in n.** Without the 1 mm runs the fit
  sees 15 curves with n = 0.26–0.48 but for three n = 0.1 runs at 2, 3.5
  and 4 mm. The 1 mm runs with n < 0.25 go from 2.70 % in sample to 5.97 %
  LOTO, those with n ≥ 0.25 from 2.79 to 3.84 %. Holding out only the
  twelve 1 mm runs with n < 0.25 (13 other 1 mm runs still fitted) gives
  6.14 % on them: the same failure, with the thickness present.
* **Identifiability.** In the 1 mm fold ``localisation_exponent`` (the
  n-dependence of the localisation) falls to 0.32× its all-40 value; no
  other fold moves it by more than 15 %. The others moving more than 10 %
  somewhere (membrane onset 0.88–1.28, bending strain 0.92–1.22, deep plate
  0.86–1.19, transition sharpness 0.79–1.05) move most in the 1 mm fold
  too, but for the deep plate (1.19 in the 4 mm fold); the shear
  stiffness, localisation, its growth and the interaction exponent stay
  within 0.94–1.09. In the 5-fold fits every constant stays within
  0.92–1.08.
* **The n-sensitivity depends on thickness.** Refitted alone per thickness,
  ``localisation_exponent`` goes 1.38× (1 mm), 0.29× (2 mm), 0× (3 and
  3.5 mm), 0.60× (4 mm) of its all-40 value (at 1.5 and 2.5 mm, with
  n ≥ 0.26 only, it is barely determined), and brings the in-sample median
  to 2.64 % (2–3.5 mm: 3.3–3.7 %), the largest gain of any single constant
  (the others: 2.79–2.87 %). The model has one n-sensitivity for every
  thickness; the fold without 1 mm can only learn the thick discs' weak one.
* **Remedies without a code change** (LOTO median; 5-fold in brackets):
  linear loss 3.96 % (2.96), f_scale 0.1 3.97 % (2.92), f_scale 0.01
  4.01 % (2.95), start at ``DEFAULT_CONSTANTS`` 4.00 % (2.89; the same
  optimum), equal weight per thickness 4.17 % (3.80; it trades 1 mm
  2.75 → 4.05 % in sample for 3.5 mm 6.53 → 4.21 %),
  ``localisation_exponent`` held at the paper-figures 0.115: 3.88 % (3.75),
  the same with equal weights 4.07 %, the other sets held at the
  paper-figures values 6.5–7.8 %; ``localisation_exponent`` fixed at any of
  0–0.5 with hindsight: 3.80 % at best (0.35). Only leaky variants come
  near: the 5 unidentified constants held at ``DEFAULT_CONSTANTS`` 2.93 %,
  the 5 thickness-free ones 3.10 %, the 4 thickness terms 3.58 %,
  ``localisation_exponent`` alone 3.86 %. The one result under 3 % needs
  constants fitted on the held-out thickness.
* **The margin is thin anyway.** In sample the nine constants reach 2.86 %
  (0.14 points under the target), the per-thickness floor 2.10 % (1 mm:
  2.37 %); the 1 mm fold's LOTO gap is 1.27 points.

What a model change would need: a localisation whose sensitivity to n
falls with thickness, e.g. ``(0.2 / n) ** α(t)`` with ``α(t) = α₁ (t₁ /
t) ** γ`` or ``α`` tied to the wrap geometry (``t / ρ``, ``t / (b − a)``),
strong at 1 mm and near zero from 3 mm; and a thick-disc term that fits
4 mm (4.7 % even alone). Fitted, ``γ`` would be set without the 1 mm runs by
three n = 0.1 curves at 2–4 mm, so the 1 mm fold would still extrapolate:
LOTO ≤ 3 % needs either a thickness dependence fixed by mechanics rather
than fitted, or finite-element runs with n < 0.25 at 1.5–2.5 mm.

Writes ``spt_thickness_study.csv`` whole (first line: the command and
machine); about 35 s on one core.

Run::

    python benchmarks/spt_thickness_study.py [--variants all9 ...] [--profile 0 0.1 ...] [--folds 5] [--seed 0]
        [--out benchmarks/results/spt_thickness_study.csv]
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import time
from dataclasses import dataclass, replace
from math import lcm
from pathlib import Path

import numpy as np
import pandas as pd

from skmat.datasets import (
    DEFAULT_CONSTANTS,
    PAPER_FIGURES_CONSTANTS,
    SimulatorConstants,
    calibrate_small_punch,
    load_small_punch_fem,
)

from benchmarks import spt_calibration
from benchmarks._common import RESULTS, command_line, machine_description, write_table

NAMES = SimulatorConstants.names()
#: Constants whose term has no explicit thickness in it (module docstring of skmat/_small_punch/_mechanics.py).
THICKNESS_FREE = ("localisation", "localisation_exponent", "localisation_growth", "interaction_exponent",
                  "transition_sharpness")
#: Constants of the terms that carry the thickness: shear stiffness (thick discs' slope), membrane onset (u / βt),
#: the hinge's bending strain (t / 2ρ) and the deep-plate stiffening ((t / (b − a))⁴).
THICKNESS_TERMS = tuple(name for name in NAMES if name not in THICKNESS_FREE)
#: A constant is "unidentified" when one leave-one-thickness-out fold moves it by more than this (relative).
UNIDENTIFIED_SPREAD = 0.10
#: The 1 mm runs split at this hardening exponent: below it none of the other thicknesses has a run except n = 0.1.
N_SPLIT = 0.25
EVALUATIONS = ("in sample", "5-fold", "leave one thickness out")
SOURCES = {"DEFAULT": DEFAULT_CONSTANTS, "PAPER": PAPER_FIGURES_CONSTANTS}


@dataclass(frozen=True)
class Variant:
    """One way of calling :func:`calibrate_small_punch`: which constants it fits, the rest held at ``held_at``."""

    fitted: tuple | str = NAMES  # names, or "identified" (those step 2 finds stable) / "stable:<name>" (all but one)
    held_at: str = "-"  # "DEFAULT" (leaks the held-out runs: fitted on all 40) or "PAPER"
    weighting: str = "per curve"  # or "equal per thickness" (curves repeated)
    loss: str = "soft_l1"
    f_scale: float = 0.03
    start: str = "PAPER"  # where the fitted constants start

    @property
    def leaky(self):
        """Whether a held-out run was seen: DEFAULT_CONSTANTS were fitted on all 40 runs."""
        return self.held_at == "DEFAULT" or self.start == "DEFAULT"


VARIANTS = {
    # the shipped recipe (spt_calibration.py's "refit (defaults)")
    "all9": Variant(),
    # (b) weighting
    "all9-equal-weights": Variant(weighting="equal per thickness"),
    # (c) other options of calibrate_small_punch
    "all9-linear-loss": Variant(loss="linear"),
    "all9-fscale-0.01": Variant(f_scale=0.01),
    "all9-fscale-0.1": Variant(f_scale=0.1),
    "all9-start-default": Variant(start="DEFAULT"),
    # (a) fewer constants
    "free5-terms4-at-default": Variant(fitted=THICKNESS_FREE, held_at="DEFAULT"),
    "free5-terms4-at-paper": Variant(fitted=THICKNESS_FREE, held_at="PAPER"),
    "terms4-free5-at-default": Variant(fitted=THICKNESS_TERMS, held_at="DEFAULT"),
    "terms4-free5-at-paper": Variant(fitted=THICKNESS_TERMS, held_at="PAPER"),
    "identified-rest-at-default": Variant(fitted="identified", held_at="DEFAULT"),
    "identified-rest-at-paper": Variant(fitted="identified", held_at="PAPER"),
    "locexp-at-default": Variant(fitted="stable:localisation_exponent", held_at="DEFAULT"),
    "locexp-at-paper": Variant(fitted="stable:localisation_exponent", held_at="PAPER"),
    "locexp-at-paper-equal-weights": Variant(fitted="stable:localisation_exponent", held_at="PAPER",
                                             weighting="equal per thickness"),
}
#: Fixed values of localisation_exponent (the all-40 fit: 0.2697) at which the other eight are refitted per LOTO fold.
PROFILE = (0.0, 0.1, 0.2, 0.2697, 0.35, 0.5)
#: Diagnostics of the 1 mm fold: hold out only part of the 1 mm runs (or every run below N_SPLIT), fit the rest.
N_COVERAGE = {
    "1 mm, n < 0.25": lambda t, n: (t == 1.0) & (n < N_SPLIT),
    "1 mm, n >= 0.25": lambda t, n: (t == 1.0) & (n >= N_SPLIT),
    "every n < 0.25": lambda t, n: n < N_SPLIT,
}
#: The target of issue 23: median curve NRMSE leaving one thickness out at most this (%).
TARGET_PCT = 3.0
COLUMNS = ["part", "variant", "evaluation", "thickness", "runs", "n_curves", "n_train", "nrmse_median_pct",
           "nrmse_p90_pct", "nrmse_max_pct", "n_at_most_3pct", "Fm_error_median_pct", "fitted", "held_at",
           "weighting", "loss", "f_scale", "start", "leaky", "constant", "value", "ratio_to_all40", "ratio_min",
           "ratio_max", "fit_seconds"]


def fit(fem, train, names, variant, start=None):
    """:func:`calibrate_small_punch` on the runs ``train`` as ``variant`` says, fitting ``names``.

    ``start`` (optional) replaces the constants named by ``variant.start``.
    """
    start = SOURCES[variant.start] if start is None else start
    if variant.held_at != "-":
        held = SOURCES[variant.held_at]
        start = replace(start, **{name: getattr(held, name) for name in NAMES if name not in names})
    if variant.weighting == "equal per thickness":  # repeat each curve so that every thickness counts alike
        thickness = fem.params.thickness.to_numpy()[train]
        values, counts = np.unique(thickness, return_counts=True)
        common = lcm(*counts.tolist())
        repeats = {value: common // count for value, count in zip(values, counts)}
        train = np.repeat(train, [repeats[value] for value in thickness])
    p = fem.params.iloc[train]
    return calibrate_small_punch(
        fem.displacement, fem.data[train], thickness=p.thickness.to_numpy(),
        hardening_exponent=p.hardening_exponent.to_numpy(), strength_coefficient=p.strength_coefficient.to_numpy(),
        start=start, fit=names, loss=variant.loss, f_scale=variant.f_scale,
    )


def fitted_names(variant, identified):
    if variant.fitted == "identified":
        return identified
    if isinstance(variant.fitted, str) and variant.fitted.startswith("stable:"):
        return tuple(name for name in NAMES if name != variant.fitted.split(":", 1)[1])
    return tuple(variant.fitted)


def run_nrmse(fem, predicted):
    """Each run's curve NRMSE in %: RMS(F_sim − F_FE) / Fm_FE."""
    return 100 * np.sqrt(np.mean((predicted - fem.data) ** 2, axis=1)) / fem.data.max(axis=1)


def scores(fem, predicted, index, nrmse=None):
    """NRMSE and Fm error (in %) of the runs ``index`` (``nrmse``: the runs' NRMSE, if not from ``predicted``)."""
    nrmse = (run_nrmse(fem, predicted) if nrmse is None else nrmse)[index]
    fm = np.abs(predicted[index].max(axis=1) / fem.data[index].max(axis=1) - 1)
    return {"n_curves": len(index), "nrmse_median_pct": np.median(nrmse), "nrmse_p90_pct": np.percentile(nrmse, 90),
            "nrmse_max_pct": np.max(nrmse), "n_at_most_3pct": int(np.sum(nrmse <= TARGET_PCT)),
            "Fm_error_median_pct": 100 * np.median(fm)}


def score_rows(fem, predicted, base, nrmse=None):
    """One row for all 40 runs, one per thickness, and the 1 mm runs split at N_SPLIT."""
    thickness = fem.params.thickness.to_numpy()
    n = fem.params.hardening_exponent.to_numpy()
    rows = [{**base, "thickness": "all", "runs": "all", **scores(fem, predicted, np.arange(len(thickness)), nrmse)}]
    for value in np.unique(thickness):
        test = np.flatnonzero(thickness == value)
        n_train = len(thickness) - len(test) if base["evaluation"] == "leave one thickness out" else base["n_train"]
        rows.append({**base, "thickness": float(value), "runs": "all", "n_train": n_train,
                     **scores(fem, predicted, test, nrmse)})
    for label, mask in ((f"n < {N_SPLIT:g}", n < N_SPLIT), (f"n >= {N_SPLIT:g}", n >= N_SPLIT)):
        test = np.flatnonzero(mask & (thickness == 1.0))
        n_train = int(np.sum(thickness != 1.0)) if base["evaluation"] == "leave one thickness out" else base["n_train"]
        rows.append({**base, "thickness": 1.0, "runs": label, "n_train": n_train,
                     **scores(fem, predicted, test, nrmse)})
    return rows


def evaluate(fem, names, variant, evaluation, n_folds, seed):
    """Out-of-fold predictions of all runs, each fold's constants and the fitting time."""
    predicted = np.empty_like(fem.data)
    everything = np.arange(len(fem.data))
    fitted, seconds, sizes = [], 0.0, set()
    for test in spt_calibration.folds(fem, "5-fold" if evaluation.endswith("-fold") else evaluation, n_folds, seed):
        train = everything if evaluation == "in sample" else np.setdiff1d(everything, test)
        start = time.perf_counter()
        constants = fit(fem, train, names, variant)
        seconds += time.perf_counter() - start
        fitted.append(constants)
        sizes.add(len(train))
        predicted[test] = spt_calibration.simulate(constants, fem, test)
    n_train = sizes.pop() if len(sizes) == 1 else None  # curves each fit saw, where the folds agree
    return predicted, fitted, seconds, n_train


def constant_rows(all40, loto, k_fold_fits, thicknesses, k_fold="5-fold"):
    """Step 2: each constant in every leave-one-thickness-out fold over its all-40 value, and the spreads."""
    rows = []
    base = {"part": "constants", "variant": "all9", "fitted": " ".join(NAMES), "held_at": "-",
            "weighting": "per curve", "loss": "soft_l1", "f_scale": 0.03, "start": "PAPER", "leaky": False}
    for name in NAMES:
        reference = getattr(all40, name)
        rows.append({**base, "evaluation": "in sample", "thickness": "all", "n_train": 40, "constant": name,
                     "value": reference, "ratio_to_all40": 1.0})
        ratios = []
        for value, constants in zip(thicknesses, loto):
            ratios.append(getattr(constants, name) / reference)
            rows.append({**base, "evaluation": "leave one thickness out", "thickness": float(value), "constant": name,
                         "value": getattr(constants, name), "ratio_to_all40": ratios[-1]})
        for evaluation, found in (("leave one thickness out", ratios),
                                  (k_fold, [getattr(c, name) / reference for c in k_fold_fits])):
            rows.append({**base, "evaluation": evaluation, "thickness": "spread", "constant": name,
                         "ratio_min": min(found), "ratio_max": max(found)})
    return rows


def identified_constants(all40, loto):
    """The constants that no leave-one-thickness-out fold moves by more than UNIDENTIFIED_SPREAD."""
    return tuple(name for name in NAMES
                 if all(abs(getattr(c, name) / getattr(all40, name) - 1) <= UNIDENTIFIED_SPREAD for c in loto))


def floor_rows(fem):
    """Each thickness fitted alone (all nine, from DEFAULT_CONSTANTS): what the model form reaches there at best."""
    thickness = fem.params.thickness.to_numpy()
    predicted = np.empty_like(fem.data)
    rows = []
    for value in np.unique(thickness):
        index = np.flatnonzero(thickness == value)
        start = time.perf_counter()
        constants = fit(fem, index, NAMES, Variant(start="DEFAULT"))
        seconds = time.perf_counter() - start
        predicted[index] = spt_calibration.simulate(constants, fem, index)
        rows.append({"part": "floor", "variant": "all9", "evaluation": "fitted on this thickness alone",
                     "thickness": float(value), "runs": "all", "n_train": len(index), **scores(fem, predicted, index),
                     "fitted": " ".join(NAMES), "held_at": "-", "weighting": "per curve", "loss": "soft_l1",
                     "f_scale": 0.03, "start": "DEFAULT", "leaky": False, "fit_seconds": seconds})
    rows.append({**rows[-1], "thickness": "all", "n_train": None, "fit_seconds": None,
                 **scores(fem, predicted, np.arange(len(thickness)))})
    return rows


def coverage_rows(fem):
    """Hold out part of the 1 mm runs by hardening exponent: is the 1 mm fold's error thickness or n?"""
    thickness = fem.params.thickness.to_numpy()
    n = fem.params.hardening_exponent.to_numpy()
    everything = np.arange(len(thickness))
    rows = []
    for label, select in N_COVERAGE.items():
        test = np.flatnonzero(select(thickness, n))
        train = np.setdiff1d(everything, test)
        start = time.perf_counter()
        constants = fit(fem, train, NAMES, Variant())
        seconds = time.perf_counter() - start
        predicted = np.empty_like(fem.data)
        predicted[test] = spt_calibration.simulate(constants, fem, test)
        rows.append({"part": "n coverage", "variant": "all9", "evaluation": f"hold out {label}",
                     "thickness": 1.0 if label.startswith("1 mm") else "all", "runs": label, "n_train": len(train),
                     **scores(fem, predicted, test), "fitted": " ".join(NAMES), "held_at": "-",
                     "weighting": "per curve", "loss": "soft_l1", "f_scale": 0.03, "start": "PAPER", "leaky": False,
                     "fit_seconds": seconds})
    return rows


def attribution_rows(fem, in_sample, loto):
    """The leave-one-thickness-out median with one group of runs put back at its in-sample error."""
    thickness = fem.params.thickness.to_numpy()
    everything = np.arange(len(thickness))
    rows = []
    for label, group in (("1 mm runs", thickness == 1.0), ("1.5-4 mm runs", thickness > 1.0)):
        mixed = np.where(group, in_sample, loto)
        rows.append({"part": "attribution", "variant": "all9", "thickness": "all", "runs": "all",
                     "evaluation": f"leave one thickness out, {label} at their in-sample error",
                     **scores(fem, fem.data, everything, mixed), "Fm_error_median_pct": None,
                     "fitted": " ".join(NAMES), "held_at": "-", "weighting": "per curve", "loss": "soft_l1",
                     "f_scale": 0.03, "start": "PAPER", "leaky": False})
    return rows


def one_constant_rows(fem):
    """Each constant alone refitted per thickness (the other eight at DEFAULT_CONSTANTS), in sample.

    Which single constant, if it could depend on thickness, would close the
    gap between the all-40 fit and the per-thickness floor, and how it
    would have to vary with thickness: the pointer to a model change.
    """
    thickness = fem.params.thickness.to_numpy()
    values = np.unique(thickness)
    rows = []
    for name in NAMES:
        predicted = np.empty_like(fem.data)
        found = []
        for value in values:
            index = np.flatnonzero(thickness == value)
            start = time.perf_counter()
            constants = fit(fem, index, (name,), Variant(start="DEFAULT"))
            seconds = time.perf_counter() - start
            predicted[index] = spt_calibration.simulate(constants, fem, index)
            found.append({"thickness": float(value), "n_train": len(index), "value": getattr(constants, name),
                          "ratio_to_all40": getattr(constants, name) / getattr(DEFAULT_CONSTANTS, name),
                          "fit_seconds": seconds, **scores(fem, predicted, index)})
        base = {"part": "one constant per thickness", "variant": f"{name} per thickness",
                "evaluation": "in sample, one constant refitted per thickness", "runs": "all", "fitted": name,
                "held_at": "DEFAULT", "weighting": "per curve", "loss": "soft_l1", "f_scale": 0.03, "start": "DEFAULT",
                "leaky": False, "constant": name}
        rows.append({**base, "thickness": "all", **scores(fem, predicted, np.arange(len(thickness)))})
        rows += [{**base, **row} for row in found]
    return rows


def profile_rows(fem, values, n_folds, seed):
    """Leave one thickness out with localisation_exponent fixed at each of ``values`` (chosen with hindsight)."""
    names = tuple(name for name in NAMES if name != "localisation_exponent")
    rows = []
    for value in values:
        variant = Variant(fitted=names, held_at="-", start="PAPER")
        start = replace(PAPER_FIGURES_CONSTANTS, localisation_exponent=value)
        evaluation = "leave one thickness out"
        predicted = np.empty_like(fem.data)
        everything = np.arange(len(fem.data))
        began = time.perf_counter()
        for test in spt_calibration.folds(fem, evaluation, n_folds, seed):
            constants = fit(fem, np.setdiff1d(everything, test), names, variant, start=start)
            predicted[test] = spt_calibration.simulate(constants, fem, test)
        base = {"part": "profile", "variant": f"localisation_exponent fixed at {value:g}", "evaluation": evaluation,
                "n_train": None, "fitted": " ".join(names), "held_at": "fixed", "weighting": "per curve",
                "loss": "soft_l1", "f_scale": 0.03, "start": "PAPER", "leaky": False,
                "constant": "localisation_exponent", "value": value, "fit_seconds": time.perf_counter() - began}
        rows += score_rows(fem, predicted, base)
    return rows


def study(fem, variants, n_folds=5, seed=0, profile=PROFILE, log=print):
    """All rows of the study: parts "score" (steps 1 and 3), "constants" (step 2), "attribution", "floor",
    "one constant per thickness" and "n coverage"."""
    thicknesses = np.unique(fem.params.thickness.to_numpy())
    k_fold = f"{n_folds}-fold"
    recipe = VARIANTS["all9"]
    in_sample, (all40,), _, _ = evaluate(fem, NAMES, recipe, "in sample", n_folds, seed)
    left_out, loto, _, _ = evaluate(fem, NAMES, recipe, "leave one thickness out", n_folds, seed)
    _, k_fold_fits, _, _ = evaluate(fem, NAMES, recipe, k_fold, n_folds, seed)
    identified = identified_constants(all40, loto)
    log(f"identified (every LOTO fold within {UNIDENTIFIED_SPREAD:.0%} of the all-40 fit): {', '.join(identified)}")
    rows = constant_rows(all40, loto, k_fold_fits, thicknesses, k_fold)
    for key in variants:
        variant = VARIANTS[key]
        names = fitted_names(variant, identified)
        for evaluation in (EVALUATIONS[0], k_fold, EVALUATIONS[2]):
            predicted, fitted, seconds, n_train = evaluate(fem, names, variant, evaluation, n_folds, seed)
            base = {"part": "score", "variant": key, "evaluation": evaluation, "n_train": n_train,
                    "fitted": " ".join(names), "held_at": variant.held_at, "weighting": variant.weighting,
                    "loss": variant.loss, "f_scale": variant.f_scale, "start": variant.start, "leaky": variant.leaky,
                    "fit_seconds": seconds}
            found = score_rows(fem, predicted, base)
            rows += found
            per_thickness = " ".join(f"{row['nrmse_median_pct']:.2f}" for row in found[1:1 + len(thicknesses)])
            log(f"{key:30s} {evaluation:24s} NRMSE {found[0]['nrmse_median_pct']:.2f} %  per t: {per_thickness}"
                f"{'  (leaky)' if variant.leaky else ''}  ({seconds:.1f} s)")
    diagnostics = (attribution_rows(fem, run_nrmse(fem, in_sample), run_nrmse(fem, left_out)) + floor_rows(fem)
                   + one_constant_rows(fem) + coverage_rows(fem) + profile_rows(fem, profile, n_folds, seed))
    for row in diagnostics:
        if (row["thickness"] == "all" and row["runs"] == "all") or row["part"] == "n coverage":
            log(f"{row['part']:26s} {row['variant']:34s} {row['evaluation']:60s} NRMSE {row['nrmse_median_pct']:.2f} %")
    rows += diagnostics
    return pd.DataFrame(rows, columns=COLUMNS)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS),
                        help="refit variants to score (default: all)")
    parser.add_argument("--profile", type=float, nargs="*", default=list(PROFILE),
                        help="fixed values of localisation_exponent to score leaving one thickness out")
    parser.add_argument("--folds", type=int, default=5, help="folds of the stratified cross-validation")
    parser.add_argument("--seed", type=int, default=0, help="shuffles the stratified folds")
    parser.add_argument("--out", type=Path, default=RESULTS / "spt_thickness_study.csv")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    header = f"# made by: {command_line(argv)} | {machine_description(packages=('numpy', 'scipy'), python=True)}"
    start = time.perf_counter()
    table = study(load_small_punch_fem(), args.variants, args.folds, args.seed, args.profile,
                  log=lambda line: print(line, flush=True))
    write_table(args.out, table, header, float_format="%.4g")
    print(f"wrote {args.out} ({len(table)} rows) in {time.perf_counter() - start:.0f} s")
    return table


if __name__ == "__main__":
    main()
