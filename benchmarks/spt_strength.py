"""Yield strength, tensile strength, K and n from small punch curves: the EN 10371 correlations against the inverse fit.

On the 40 finite-element runs of :func:`skmat.datasets.load_small_punch_fem`,
5-fold cross-validation stratified by thickness (the folds of
``spt_calibration.py``: 1 mm, 1.5 mm, 2-4 mm; ``--seed`` shuffles them), each
run predicted once, out of fold:

``EN 10371 correlations``
    :class:`~skmat.models.SPTCorrelationRegressor`: ``R_p0.2 = β_e F_e / t²``
    and ``R_m = β_m F_m / (u_m t)``, the factors fitted on the training folds.
    They give the two strengths only, not K and n.
``Inverse fit`` (two variants)
    :class:`~skmat.models.SPTInverseFitRegressor` (K and n of the simulator
    fitted to each load curve), its true stress–strain curve turned into the
    same figures by :func:`skmat.metrics.tensile_properties`. With the
    simulator's ``DEFAULT_CONSTANTS``, which were calibrated on all 40 runs
    (so in sample), and with constants recalibrated on the training folds
    only (``calibrate_small_punch``, as ``spt_calibration.py`` does), which is
    the out-of-sample figure.

Scores: the median and largest absolute percentage error over the 40 runs of
each figure, against two references:

``FE curves``
    :func:`~skmat.metrics.tensile_properties` of each run's true curve on its
    own strain points (E = 70 GPa); the prediction is put on the same points
    (:func:`~skmat.metrics.interpolate_curves`) before its figures are read,
    so that a perfect prediction scores 0. The clean reference for the
    tensile strength, whose reading hardly depends on the grid. Not for the
    yield strength of a predicted curve: a run's second point sits at its
    *true* yield strain σy / E, and a prediction with a higher yield stress
    reads the true σy there (it is still on its elastic line), so the
    inverse fit's yield error against this reference is flattering.
``FE parameters``
    The published law itself: ``yield_stress`` (K 0.01^n), K and n; the
    prediction's figures are read on a fine strain grid (0-1 in steps of
    0.0005, and 500 more points below 0.005). The clean reference for the
    yield strength. The correlations' yield factor is then fitted to
    ``yield_stress``.

``seconds`` is each method's time over all folds: fitting and predicting the
correlations; the inverse fits' predictions (the simulator fits of the test
curves), plus the recalibration of the constants for the second variant.

Writes ``--out`` (a CSV whose ``# made by:`` line names the command and the
machine) and prints the table.

Usage::

    python benchmarks/spt_strength.py
    python benchmarks/spt_strength.py --folds 5 --seed 0 --bilinear-range 0.25
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._common import RESULTS, command_line, machine_description, write_table

DEFAULT_OUT = RESULTS / "spt_strength.csv"
COLUMNS = ["method", "reference", "property", "median_ape_pct", "max_ape_pct", "curves", "seconds"]
PROPERTIES = ["yield_strength", "tensile_strength", "strength_coefficient", "hardening_exponent"]
CORRELATIONS = "EN 10371 correlations (β fitted on the training folds)"
INVERSE_DEFAULT = "Inverse fit, DEFAULT_CONSTANTS (calibrated on all 40 runs: in sample)"
INVERSE_REFIT = "Inverse fit, constants recalibrated on the training folds"
CURVES, PARAMETERS = "FE curves", "FE parameters"
# Every 0.0005 up to 1 (beyond every run's last strain, 0.998), and dense below 0.005, where the weakest
# runs yield (σy / E = 0.00036): a prediction interpolated onto a run's yield point must be resolved there.
FINE_STRAIN = np.union1d(np.linspace(0.0, 1.0, 2001), np.geomspace(1e-6, 5e-3, 500))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="folds of the stratified cross-validation (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="shuffles the stratified folds (default 0)")
    parser.add_argument("--bilinear-range", type=float, default=0.25,
                        help="SPTCorrelationRegressor's bilinear_range: F_e's fit up to this times t (default 0.25)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return parser.parse_args(argv)


def references(fem):
    """The true figures of every run: from its curve (own strain points) and from its published parameters."""
    from skmat.metrics import tensile_properties

    E = fem.params["elastic_modulus"].to_numpy()
    from_curves = tensile_properties(fem.strain, fem.target, elastic_modulus=E)
    p = fem.params
    from_parameters = pd.DataFrame({"yield_strength": p["yield_stress"], "tensile_strength": np.nan,
                                    "strength_coefficient": p["strength_coefficient"],
                                    "hardening_exponent": p["hardening_exponent"]})
    return {CURVES: from_curves[PROPERTIES], PARAMETERS: from_parameters[PROPERTIES]}


def inverse_figures(model, X, fem, test):
    """The inverse fit's figures of the runs ``test``, read as each reference reads the truth; and seconds."""
    from skmat.metrics import interpolate_curves, tensile_properties

    start = time.perf_counter()
    stress = model.predict(X[test])
    seconds = time.perf_counter() - start
    E = fem.params["elastic_modulus"].to_numpy()[test]
    on_own = interpolate_curves(stress, FINE_STRAIN, fem.strain[test])
    return {CURVES: tensile_properties(fem.strain[test], on_own, elastic_modulus=E)[PROPERTIES],
            PARAMETERS: tensile_properties(FINE_STRAIN, stress, elastic_modulus=E)[PROPERTIES]}, seconds


def run(args, fem, folds):
    """Out-of-fold figures of every method against every reference, and the seconds each method took."""
    from skmat.datasets import DEFAULT_CONSTANTS, SimulatorConstants
    from skmat.models import SPTCorrelationRegressor, SPTInverseFitRegressor

    from benchmarks.spt_calibration import refit

    X = np.column_stack([fem.data, fem.params["thickness"].to_numpy()])
    truth = references(fem)
    n = len(X)
    found = {(method, reference): pd.DataFrame(np.nan, index=range(n), columns=PROPERTIES)
             for method in (CORRELATIONS, INVERSE_DEFAULT, INVERSE_REFIT) for reference in truth}
    seconds = dict.fromkeys((CORRELATIONS, INVERSE_DEFAULT, INVERSE_REFIT), 0.0)
    everything = np.arange(n)
    for test in folds:
        train = np.setdiff1d(everything, test)
        for reference, table in truth.items():
            y = table[["yield_strength", "tensile_strength"]].to_numpy()
            y = np.where(np.isnan(y), 1.0, y)  # no tensile strength in the parameters: its column is not scored
            start = time.perf_counter()
            model = SPTCorrelationRegressor(bilinear_range=args.bilinear_range).fit(X[train], y[train])
            predicted = model.predict(X[test])
            seconds[CORRELATIONS] += time.perf_counter() - start
            found[CORRELATIONS, reference].loc[test, ["yield_strength", "tensile_strength"]] = predicted
        start = time.perf_counter()
        constants = refit(fem, train, SimulatorConstants.names())
        seconds[INVERSE_REFIT] += time.perf_counter() - start
        for method, use in ((INVERSE_DEFAULT, DEFAULT_CONSTANTS), (INVERSE_REFIT, constants)):
            model = SPTInverseFitRegressor(strain=FINE_STRAIN, constants=use).fit(X[train])
            figures, took = inverse_figures(model, X, fem, test)
            seconds[method] += took
            for reference in truth:
                found[method, reference].loc[test] = figures[reference].to_numpy()
    rows = []
    for (method, reference), table in found.items():
        for name in PROPERTIES:
            true, predicted = truth[reference][name].to_numpy(), table[name].to_numpy()
            if np.isnan(true).all() or np.isnan(predicted).all():
                continue  # the correlations give no K and n; the parameters no tensile strength
            ape = 100 * np.abs(predicted / true - 1)
            rows.append({"method": method, "reference": reference, "property": name,
                         "median_ape_pct": float(np.median(ape)), "max_ape_pct": float(ape.max()),
                         "curves": int(np.isfinite(ape).sum()), "seconds": round(seconds[method], 3)})
    return pd.DataFrame(rows, columns=COLUMNS)


def main(argv=None):
    args = parse_args(argv)
    from skmat.datasets import load_small_punch_fem

    from benchmarks.spt_calibration import folds as calibration_folds

    machine = machine_description(packages=("numpy", "scipy", "scikit-learn"), python=True, load_average=True)
    header = f"# made by: {command_line(argv)} | {machine}"
    fem = load_small_punch_fem()
    folds = calibration_folds(fem, "5-fold", args.folds, args.seed)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = run(args, fem, folds)
    total = time.perf_counter() - start
    write_table(args.out, table, header, float_format="%.4g")

    print(header)
    shown = table.assign(error=[f"{m:.1f} ({x:.0f})" for m, x in zip(table.median_ape_pct, table.max_ape_pct)])
    for reference, part in shown.groupby("reference", sort=False):
        print(f"\nAgainst the {reference}: median (max) absolute percentage error over the 40 runs, out of fold")
        pivot = part.pivot(index="method", columns="property", values="error").reindex(
            columns=[p for p in PROPERTIES if p in set(part.property)]).fillna("-")
        print(pivot.to_string())
    print("\nSeconds (all folds):", ", ".join(f"{m}: {s:.2f}" for m, s in
                                          table.groupby("method", sort=False)["seconds"].first().items()))
    rising = np.flatnonzero(fem.data.argmax(axis=1) == fem.data.shape[1] - 1)
    print(f"\nRuns whose force still rises at {fem.displacement[-1]:g} mm (F_m and u_m are their last point's, "
          f"with a warning from SPTCorrelationRegressor): {', '.join(str(r) for r in rising) or 'none'}")
    # That warning names the curve by its row in the test fold; it is the one reported above.
    messages = sorted({str(w.message) for w in caught if "still rises at the last point" not in str(w.message)})
    if messages:
        print("Other warnings during the run:")
        for message in messages:
            print(f"  - {message}")
    print(f"\nwrote {args.out} ({total:.1f} s)")


if __name__ == "__main__":
    main()
