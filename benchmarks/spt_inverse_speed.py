"""Speed and accuracy of SPTInverseFitRegressor against a per-curve scipy least-squares loop.

The classical inverse method fits the simulator's ``K`` and ``n`` to each
load curve. The obvious way to do that is a loop over the curves, each
solved by :func:`scipy.optimize.least_squares` (bounded trust-region
reflective, forward-difference Jacobian, scipy's default tolerances) on the
same unknowns ``(log K, n)``, the same bounds and the same residuals
(force difference / maximum force), started from the middle of the
bounds. :class:`~skmat.models.SPTInverseFitRegressor` solves all curves at
once. Both run in this one process, on the same curves:

* ``--n`` simulated curves (``make_small_punch_test``, seed ``--seed``,
  relative force noise ``--noise``): wall time of ``predict`` (fit plus the
  stress curves), errors of the fitted ``K`` and ``n`` against the true
  ones, and the per-curve MAPE of the predicted stress against the target;
* the 40 finite-element runs of ``load_small_punch_fem`` (``docs/spt-notes``):
  per-curve MAPE over the plastic points (strain 0 and yield left out), the
  prediction interpolated onto each run's own strains.

A fit fails when its NRMSE (RMS force difference / maximum force) exceeds
0.1 (the estimator's ``max_nrmse``). Prints a table and writes ``--out``
(a CSV whose ``# made by:`` line names the command and the machine).

Usage::

    python benchmarks/spt_inverse_speed.py
    python benchmarks/spt_inverse_speed.py --n 500 --noise 0.01
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
from scipy.optimize import least_squares

from skmat.datasets import load_small_punch_fem, make_small_punch_test, simulate_small_punch
from skmat.metrics import curve_mape, interpolate_curves
from skmat.models import SPTInverseFitRegressor

from benchmarks._common import RESULTS, command_line, machine_description, write_table

DEFAULT_OUT = RESULTS / "spt_inverse_speed.csv"
COLUMNS = ["data", "method", "curves", "seconds", "curves_per_s", "speedup", "median_K_error_pct",
           "max_K_error_pct", "median_n_error", "max_n_error", "median_stress_mape_pct",
           "max_stress_mape_pct", "failed_fits"]
BATCHED = "SPTInverseFitRegressor (batched)"
LOOP = "scipy least_squares, one curve at a time"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="simulated curves (default 500)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--noise", type=float, default=0.0, help="relative force noise of the simulated curves")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return parser.parse_args(argv)


def loop_fit(model, forces, thickness):
    """Per-curve ``least_squares`` with the estimator's unknowns, bounds and residuals; returns K, n, NRMSE."""
    k_low, k_high = model.strength_coefficient_bounds
    n_low, n_high = model.hardening_exponent_bounds
    lower = [np.log(k_low), n_low]
    upper = [np.log(min(k_high, 0.1 * model.elastic_modulus * (1 - 1e-9))), n_high]
    start = [(lower[0] + upper[0]) / 2, (n_low + n_high) / 2]
    K, n, nrmse = (np.empty(len(forces)) for _ in range(3))
    for i, (curve, t) in enumerate(zip(forces, thickness)):
        scale = curve.max()

        def residuals(p, curve=curve, t=t, scale=scale):
            sim = simulate_small_punch(strength_coefficient=np.exp(p[0]), hardening_exponent=p[1], thickness=t,
                                       displacement=model.displacement_, strain=[0.0])
            return (sim.force[0] - curve) / scale

        fit = least_squares(residuals, start, bounds=(lower, upper))
        K[i], n[i] = np.exp(fit.x[0]), fit.x[1]
        nrmse[i] = np.sqrt(np.mean(fit.fun**2))
    return K, n, nrmse


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def row(data, method, curves, seconds, K=None, n=None, true=None, mape=None, failed=0):
    out = {"data": data, "method": method, "curves": curves, "seconds": round(seconds, 3),
           "curves_per_s": round(curves / seconds, 1), "speedup": np.nan}
    k_err = 100 * np.abs(K / true["strength_coefficient"].to_numpy() - 1)
    n_err = np.abs(n - true["hardening_exponent"].to_numpy())
    out.update(median_K_error_pct=float(np.median(k_err)), max_K_error_pct=float(k_err.max()),
               median_n_error=float(np.median(n_err)), max_n_error=float(n_err.max()),
               median_stress_mape_pct=float(100 * np.median(mape)), max_stress_mape_pct=float(100 * mape.max()),
               failed_fits=int(failed))
    return out


def run(data, forces, thickness, params, score):
    """Both methods on one set of curves: two rows. ``score(stress on DEFAULT_STRAIN)`` gives per-curve MAPE."""
    X = np.column_stack([forces, thickness])
    model = SPTInverseFitRegressor().fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # failures are counted below
        stress, seconds = timed(model.predict, X)
        found = model.fit_parameters(X)
    rows = [row(data, BATCHED, len(X), seconds, found["strength_coefficient"].to_numpy(),
                found["hardening_exponent"].to_numpy(), params, score(stress), (~found["fit_ok"]).sum())]
    (K, n, nrmse), seconds = timed(loop_fit, model, forces, thickness)
    loop_stress = simulate_small_punch(strength_coefficient=K, hardening_exponent=n, thickness=thickness,
                                       strain=model.strain_).stress
    rows.append(row(data, LOOP, len(X), seconds, K, n, params, score(loop_stress),
                    (nrmse > model.max_nrmse).sum()))
    rows[1]["speedup"] = 1.0
    rows[0]["speedup"] = round(rows[1]["seconds"] / rows[0]["seconds"], 1)
    return rows


def main(argv=None):
    args = parse_args(argv)
    machine = machine_description(packages=("numpy", "scipy", "scikit-learn"), python=True, load_average=True)
    header = f"# made by: {command_line(argv)} | {machine}"
    spt = make_small_punch_test(args.n, random_state=args.seed, noise=args.noise)
    rows = run(f"simulated, noise {args.noise:g}", spt.data, spt.params["thickness"].to_numpy(), spt.params,
               lambda stress: curve_mape(spt.target, stress))
    fem = load_small_punch_fem()

    def plastic_mape(stress):
        on_own = interpolate_curves(stress, spt.strain, fem.strain, extrapolate="linear")
        return curve_mape(fem.target[:, 2:], on_own[:, 2:])

    rows += run("finite-element runs", fem.data, fem.params["thickness"].to_numpy(), fem.params, plastic_mape)
    table = pd.DataFrame(rows, columns=COLUMNS)
    write_table(args.out, table, header, float_format="%.4g")
    print(header)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
