"""The inverse fit with a learned simulator correction against the plain inverse fit, on the 40 FE runs.

Each of the 40 finite-element runs of
:func:`skmat.datasets.load_small_punch_fem` is predicted once, out of fold,
by a model that never saw it, in two evaluations:

``5-fold``
    Five folds stratified by thickness (``spt_calibration.py``'s folds: 1 mm,
    1.5 mm, 2-4 mm; ``--seed`` shuffles them).
``leave one thickness out``
    Each of the seven thicknesses predicted by a model fitted on the others:
    how far the correction extrapolates in thickness (issue 23's fifth item).

Methods, all through the same input (forces in N with the thickness column):

``Inverse fit``
    :class:`~skmat.models.SPTInverseFitRegressor` with the simulator's
    constants recalibrated on the training runs only
    (:func:`~skmat.datasets.calibrate_small_punch`).
``Corrected inverse fit``
    :class:`~skmat.models.SPTCorrectedInverseRegressor` on the same
    recalibrated constants, its correction learned from the training runs.
``Corrected inverse fit, DEFAULT_CONSTANTS``
    The same with the shipped constants, which were calibrated on all 40
    runs (so the constants are in sample; the correction is not): the
    setting of the shipped small punch model.

Scores: the median and largest per-run MAPE over the plastic points of each
run's own curve (``spt_fem.py``'s score); the median absolute percentage error
of the fitted K, n and yield stress against the published ones; the share of
plastic points within ±1σ and ±2σ of the band (corrected models); and the
corrected simulator's NRMSE against the FE forces at the runs' true K and n
(the simulator error the fit works against; ``spt_calibration.py``'s
``nrmse``, whose leave-one-thickness-out median is 4.0 % without the
correction).

Run::

    python benchmarks/spt_corrected_inverse.py           # ~5 min on 2 CPU cores
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

DEFAULT_OUT = RESULTS / "spt_corrected_inverse.csv"
INVERSE = "Inverse fit"
CORRECTED = "Corrected inverse fit"
CORRECTED_DEFAULT = "Corrected inverse fit, DEFAULT_CONSTANTS"
METHODS = (INVERSE, CORRECTED, CORRECTED_DEFAULT)
EVALUATIONS = ("5-fold", "leave one thickness out")
COLUMNS = ["method", "evaluation", "mape_median_pct", "mape_max_pct", "K_ape_median_pct", "n_ape_median_pct",
           "yield_ape_median_pct", "coverage_1sigma", "coverage_2sigma", "simulator_nrmse_median_pct",
           "runs", "seconds"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="folds of the stratified cross-validation (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="shuffles the stratified folds (default 0)")
    parser.add_argument("--evaluations", nargs="+", choices=EVALUATIONS, default=list(EVALUATIONS))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return parser.parse_args(argv)


def simulator_nrmse(model, fem, test):
    """NRMSE of the fitted model's simulator (with its correction, if any) against the FE forces of runs ``test``.

    The forces are the model's own, at the runs' true K and n (its ``_forces``: the simulator with the
    model's constants, times its learned correction).
    """
    p = fem.params.iloc[test]
    params = np.column_stack([np.log(p["strength_coefficient"]), p["hardening_exponent"]])
    force = model._forces(params, p["thickness"].to_numpy())
    reference = fem.data[test]
    return np.sqrt(np.mean((force - reference) ** 2, axis=1)) / reference.max(axis=1)


def evaluate(evaluation, args, fem, default):
    """Out-of-fold predictions of every method under ``evaluation``: one row of scores per method."""
    from skmat.datasets import SimulatorConstants
    from skmat.metrics import interpolate_curves
    from skmat.models import SPTCorrectedInverseRegressor, SPTInverseFitRegressor

    from benchmarks.spt_calibration import folds as calibration_folds
    from benchmarks.spt_calibration import refit
    from benchmarks.spt_fem import PLASTIC, fe_mape

    X = np.column_stack([fem.data, fem.params["thickness"].to_numpy()])
    n_runs, grid = len(X), default.strain
    stress = {method: np.zeros((n_runs, len(grid))) for method in METHODS}
    std = {method: np.zeros((n_runs, len(grid))) for method in METHODS}
    params = {method: np.zeros((n_runs, 3)) for method in METHODS}
    nrmse = {method: np.zeros(n_runs) for method in METHODS}
    seconds = dict.fromkeys(METHODS, 0.0)
    for test in calibration_folds(fem, evaluation, args.folds, args.seed):
        train = np.setdiff1d(np.arange(n_runs), test)
        start = time.perf_counter()
        constants = refit(fem, train, SimulatorConstants.names())
        took = time.perf_counter() - start
        models = {INVERSE: SPTInverseFitRegressor(strain=grid, constants=constants),
                  CORRECTED: SPTCorrectedInverseRegressor(strain=grid, constants=constants),
                  CORRECTED_DEFAULT: SPTCorrectedInverseRegressor(strain=grid)}
        for method, model in models.items():
            start = time.perf_counter()
            model.fit(X[train], default.target[train])
            found = model.fit_parameters(X[test])
            if method == INVERSE:
                stress[method][test] = model.predict(X[test])
            else:
                stress[method][test], std[method][test] = model.predict(X[test], return_std=True)
            seconds[method] += time.perf_counter() - start + (took if method != CORRECTED_DEFAULT else 0.0)
            params[method][test] = found[["strength_coefficient", "hardening_exponent", "yield_stress"]].to_numpy()
            nrmse[method][test] = simulator_nrmse(model, fem, test)
    truth = fem.params[["strength_coefficient", "hardening_exponent", "yield_stress"]].to_numpy()
    rows = []
    for method in METHODS:
        mape = 100 * fe_mape(stress[method], fem.target, fem.strain, grid)
        ape = 100 * np.median(np.abs(params[method] / truth - 1), axis=0)
        row = {"method": method, "evaluation": evaluation, "mape_median_pct": np.median(mape),
               "mape_max_pct": mape.max(), "K_ape_median_pct": ape[0], "n_ape_median_pct": ape[1],
               "yield_ape_median_pct": ape[2], "coverage_1sigma": np.nan, "coverage_2sigma": np.nan,
               "simulator_nrmse_median_pct": 100 * np.median(nrmse[method]), "runs": n_runs,
               "seconds": round(seconds[method], 2)}
        if method != INVERSE:
            mean = interpolate_curves(stress[method], grid, fem.strain, extrapolate="linear")[:, PLASTIC]
            sigma = interpolate_curves(std[method], grid, fem.strain, extrapolate="linear")[:, PLASTIC]
            error = np.abs(fem.target[:, PLASTIC] - mean)
            row["coverage_1sigma"] = float(np.mean(error <= sigma))
            row["coverage_2sigma"] = float(np.mean(error <= 2 * sigma))
        rows.append(row)
    return rows


def main(argv=None):
    args = parse_args(argv)
    from skmat.datasets import load_small_punch_fem

    machine = machine_description(packages=("numpy", "scipy", "scikit-learn"), python=True, load_average=True)
    header = f"# made by: {command_line(argv)} | {machine}"
    fem = load_small_punch_fem()  # each run's own strain points: what is scored
    default = load_small_punch_fem(strain_grid="default")  # the same curves on DEFAULT_STRAIN: what is fitted
    rows = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for evaluation in args.evaluations:
            rows.extend(evaluate(evaluation, args, fem, default))
            print(f"{evaluation}: done", flush=True)
    table = pd.DataFrame(rows, columns=COLUMNS)
    write_table(args.out, table, header, float_format="%.4g")
    print(header)
    print(table.to_string(index=False))
    outside = sum("outside the training runs' range" in str(w.message) for w in caught)
    print(f"\n{outside} warnings named curves outside the training runs' range (extrapolated corrections)")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
