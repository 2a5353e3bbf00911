"""Refit the small punch simulator's constants on the 40 bundled finite-element runs: before and after, in and out of sample.

Three sets of constants are scored against the LS-DYNA curves of
:func:`~skmat.datasets.load_small_punch_fem`, each run simulated with its own
K, n and thickness:

``paper figures (before)``
    ``PAPER_FIGURES_CONSTANTS``: the simulator's constants before this
    refit, fitted to the per-thickness median figures of spt-notes.md with
    the straight-cone model (``localisation_growth = 1``,
    ``membrane_onset = inf``). Not fitted to these curves, so its in- and
    out-of-sample scores are the same predictions.
``cone model refit``
    The same model form (those two constants held), its other seven
    constants refitted to the curves: what a refit alone gives.
``refit (defaults)``
    All nine constants refitted to the curves (``DEFAULT_CONSTANTS``).

Each refit is :func:`~skmat.datasets.calibrate_small_punch` (robust least
squares on whole curves, residuals over each curve's maximum force) started
from ``PAPER_FIGURES_CONSTANTS``, scored three ways: **in sample** (fitted on
all 40, scored on all 40), **5-fold** cross-validation stratified by
thickness (1 mm, 1.5 mm, 2–4 mm: each fold has 5, 1 and 2 runs) and **leave
one thickness out** (7 folds, one per thickness; without the 1 mm runs the
fit sees only 15 curves). Out of sample, every run is predicted by constants
fitted without it.

Metrics, medians over the 40 runs: |relative error| of the maximum force Fm,
of its displacement um (on the 0.025 mm grid; 4.5 mm when a curve has no
maximum before the end) and of F(0.1 mm); and the curve NRMSE, RMS(F_sim −
F_FE) / Fm_FE over the 181 points.

Writes ``spt_calibration.csv`` (one row per constants × evaluation; first
line: the command and machine), ``spt_calibration.md`` (the table and the
refitted constants) and ``spt_calibration.png`` (FE curves against the
simulator before and after). It takes about a minute on 2 CPU cores, so it
rewrites its files whole instead of resuming.

Run::

    python benchmarks/spt_calibration.py [--folds 5] [--seed 0] [--out benchmarks/results]
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import StratifiedKFold

from skmat.datasets import (
    DEFAULT_CONSTANTS,
    PAPER_FIGURES_CONSTANTS,
    SimulatorConstants,
    calibrate_small_punch,
    load_small_punch_fem,
    simulate_small_punch,
)

from benchmarks._common import RESULTS, command_line, machine_description, pyplot, save_figure, write_table

CONE_FORM = ("localisation_growth", "membrane_onset")  # held at the paper-figures values in the cone refit
VARIANTS = {
    "paper figures (before)": None,
    "cone model refit": tuple(name for name in SimulatorConstants.names() if name not in CONE_FORM),
    "refit (defaults)": SimulatorConstants.names(),
}
EVALUATIONS = ("in sample", "5-fold", "leave one thickness out")
COLUMNS = ["constants", "evaluation", "n_curves", "n_fits", "Fm_error_median_pct", "um_error_median_pct",
           "F01_error_median_pct", "nrmse_median_pct", "nrmse_p90_pct", "nrmse_max_pct", "fit_seconds"]


def simulate(constants, fem, index):
    p = fem.params.iloc[index]
    return simulate_small_punch(
        hardening_exponent=p.hardening_exponent.to_numpy(), thickness=p.thickness.to_numpy(),
        strength_coefficient=p.strength_coefficient.to_numpy(), displacement=fem.displacement, constants=constants,
    ).force


def refit(fem, index, names):
    p = fem.params.iloc[index]
    return calibrate_small_punch(
        fem.displacement, fem.data[index], thickness=p.thickness.to_numpy(),
        hardening_exponent=p.hardening_exponent.to_numpy(), strength_coefficient=p.strength_coefficient.to_numpy(),
        start=PAPER_FIGURES_CONSTANTS, fit=names,
    )


def folds(fem, evaluation, n_folds, seed):
    """Test indices of each fold."""
    thickness = fem.params.thickness.to_numpy()
    everything = np.arange(len(thickness))
    if evaluation == "in sample":
        return [everything]
    if evaluation == "leave one thickness out":
        return [np.flatnonzero(thickness == t) for t in np.unique(thickness)]
    group = np.digitize(thickness, [1.25, 1.75])  # 1 mm, 1.5 mm, 2-4 mm
    splitter = StratifiedKFold(n_folds, shuffle=True, random_state=seed)
    return [test for _, test in splitter.split(everything, group)]


def metrics(u, predicted, reference):
    fm_sim, fm_fe = predicted.max(axis=1), reference.max(axis=1)
    um_sim, um_fe = u[predicted.argmax(axis=1)], u[reference.argmax(axis=1)]
    at = int(np.argmin(np.abs(u - 0.1)))
    nrmse = np.sqrt(np.mean((predicted - reference) ** 2, axis=1)) / fm_fe
    return {
        "Fm_error_median_pct": 100 * np.median(np.abs(fm_sim / fm_fe - 1)),
        "um_error_median_pct": 100 * np.median(np.abs(um_sim / um_fe - 1)),
        "F01_error_median_pct": 100 * np.median(np.abs(predicted[:, at] / reference[:, at] - 1)),
        "nrmse_median_pct": 100 * np.median(nrmse),
        "nrmse_p90_pct": 100 * np.percentile(nrmse, 90),
        "nrmse_max_pct": 100 * np.max(nrmse),
    }, nrmse


def evaluate(fem, names, evaluation, n_folds, seed):
    """Out-of-fold predictions of all runs, the constants of each fold, and the fitting time."""
    predicted = np.empty_like(fem.data)
    fitted, seconds = [], 0.0
    everything = np.arange(len(fem.data))
    for test in folds(fem, evaluation, n_folds, seed):
        train = everything if evaluation == "in sample" else np.setdiff1d(everything, test)
        if names is None:
            constants = PAPER_FIGURES_CONSTANTS
        else:
            start = time.perf_counter()
            constants = refit(fem, train, names)
            seconds += time.perf_counter() - start
        fitted.append(constants)
        predicted[test] = simulate(constants, fem, test)
    return predicted, fitted, seconds


def constants_code(constants):
    body = "".join(f"    {name}={value!r},\n" for name, value in constants.as_dict().items())
    return f"SimulatorConstants(\n{body})"


def plot(fem, curves, path):
    plt = pyplot()
    p = fem.params
    picks = [int(np.flatnonzero((p.thickness == t) & (p.hardening_exponent == n))[0])
             for t, n in ((1.0, 0.1), (1.0, 0.3), (1.0, 0.45), (1.5, 0.29), (2.5, 0.26), (4.0, 0.1))
             if ((p.thickness == t) & (p.hardening_exponent == n)).any()]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    styles = {"paper figures (before)": ("tab:red", "--"), "refit (defaults)": ("tab:blue", "-"),
              "refit, 5-fold (out of sample)": ("tab:blue", ":")}
    for ax, i in zip(axes.ravel(), picks):
        ax.plot(fem.displacement, fem.data[i], color="black", lw=2, label="LS-DYNA (FE)")
        for label, force in curves.items():
            color, style = styles[label]
            ax.plot(fem.displacement, force[i], color=color, ls=style, label=label)
        ax.set_title(f"run {int(p.run.iloc[i])}: t = {p.thickness.iloc[i]:g} mm, K = {p.strength_coefficient.iloc[i]:g}"
                     f" MPa, n = {p.hardening_exponent.iloc[i]:g}", fontsize=9)
        ax.set_xlabel("punch displacement (mm)")
        ax.set_ylabel("force (N)")
    axes.ravel()[0].legend(fontsize=8)
    save_figure(fig, path, dpi=100)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5, help="folds of the stratified cross-validation")
    parser.add_argument("--seed", type=int, default=0, help="shuffles the stratified folds")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    command = command_line(argv)
    machine = machine_description(packages=("numpy", "scipy"), python=True)
    header = f"# made by: {command} | {machine}"
    fem = load_small_punch_fem()
    u = fem.displacement

    rows, kept, in_sample_fit = [], {}, None
    for variant, names in VARIANTS.items():
        for evaluation in EVALUATIONS:
            predicted, fitted, seconds = evaluate(fem, names, evaluation, args.folds, args.seed)
            scores, _ = metrics(u, predicted, fem.data)
            rows.append({"constants": variant, "evaluation": evaluation, "n_curves": len(fem.data),
                         "n_fits": 0 if names is None else len(fitted), **scores, "fit_seconds": seconds})
            print(f"{variant:24s} {evaluation:24s} NRMSE {scores['nrmse_median_pct']:.2f} %  "
                  f"Fm {scores['Fm_error_median_pct']:.1f} %  um {scores['um_error_median_pct']:.1f} %  "
                  f"F(0.1) {scores['F01_error_median_pct']:.1f} %  ({seconds:.1f} s)", flush=True)
            if variant == "refit (defaults)" and evaluation == "in sample":
                in_sample_fit = fitted[0]
            if evaluation == "in sample" or (variant == "refit (defaults)" and evaluation == "5-fold"):
                kept[(variant, evaluation)] = predicted

    write_table(args.out / "spt_calibration.csv", pd.DataFrame(rows, columns=COLUMNS), header, float_format="%.4g")

    same = all(np.isclose(getattr(in_sample_fit, k), getattr(DEFAULT_CONSTANTS, k), rtol=1e-3)
               for k in SimulatorConstants.names())
    lines = [f"Command: `{command}`  ", f"Machine: {machine}", "",
             "Simulator against the 40 bundled LS-DYNA runs (median over runs; errors in %):", "",
             "| constants | evaluation | Fm | um | F(0.1 mm) | curve NRMSE | NRMSE 90th pct | NRMSE max |",
             "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        lines.append(f"| {row['constants']} | {row['evaluation']} | {row['Fm_error_median_pct']:.1f} | "
                     f"{row['um_error_median_pct']:.1f} | {row['F01_error_median_pct']:.1f} | "
                     f"{row['nrmse_median_pct']:.2f} | {row['nrmse_p90_pct']:.2f} | {row['nrmse_max_pct']:.2f} |")
    lines += ["", "Refitted on all 40 runs (in sample):", "", "```python", constants_code(in_sample_fit), "```", "",
              "DEFAULT_CONSTANTS " + ("equal this refit (within 0.1 %)." if same else
                                      "DIFFER from this refit: paste it into _small_punch_mechanics.py.")]
    text = "\n".join(lines)
    (args.out / "spt_calibration.md").write_text(text + "\n")
    print("\n" + text)

    plot(fem, {"paper figures (before)": kept[("paper figures (before)", "in sample")],
               "refit (defaults)": kept[("refit (defaults)", "in sample")],
               "refit, 5-fold (out of sample)": kept[("refit (defaults)", "5-fold")]},
         args.out / "spt_calibration.png")
    print(f"\nwrote {args.out / 'spt_calibration.csv'}, spt_calibration.md and spt_calibration.png")


if __name__ == "__main__":
    main()
