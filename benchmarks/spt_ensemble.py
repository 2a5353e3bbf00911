"""A fine-tuned ensemble for small punch curves: accuracy and the calibration of its band on held-out FE runs.

The candidate for the shipped small punch model (issue 23): an ensemble of
``--members`` networks (:class:`~skmat.models.DeepEnsembleRegressor`; the
1D LSTM or the GAF-Seq2Seq of ``spt_table2.py --quick``) trained on
``--n-sim`` simulated curves with rig effects drawn per curve
(``spt_fem.RIG_AUGMENTATION``), then fine-tuned on finite-element runs with
:func:`skmat.fine_tune` (learning rate × 0.05, batches of 8, at most 30
epochs, the epoch count chosen on 20 % of the runs held out).

Scored by 5-fold cross-validation over the 40 bundled FE runs
(:func:`~skmat.datasets.load_small_punch_fem`; folds stratified by
thickness as in ``spt_calibration.py``): for each fold the sim-trained
ensemble is fine-tuned on the other runs and predicts the fold's runs with
its spread (``predict(X, return_std=True)``). Per fold:

* ``mape_median``: median per-run MAPE over the plastic points of each
  run's own curve (the ``spt_fem.py`` score), for the ensemble's mean, and
  ``member_mape_median`` for its members on average;
* the share of the true stress points (plastic points, on
  ``DEFAULT_STRAIN``) within ±1σ and ±2σ of the mean, raw and after
  scaling the spread by ``std_scale``: the factor that puts 95 % of the
  z-scores of an inner hold-out (20 % of the training runs, fine-tuned on
  the rest) within 2σ, so the test fold never sets it.

The sim-trained ensemble is cached in ``benchmarks/cache/spt_ensemble``;
rows are appended per fold, and a stopped run continues (resumable).

Run::

    python benchmarks/spt_ensemble.py                         # ~15 min on 2 CPU cores
    python benchmarks/spt_ensemble.py --model GAF-Seq2Seq
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import time
from pathlib import Path

import numpy as np

from benchmarks import _common
from benchmarks._common import RESULTS, append_row, command_line, machine_description, read_results, utc_now

CACHE = _common.CACHE / "spt_ensemble"
MODELS = ("1D LSTM", "GAF-Seq2Seq")
COLUMNS = ["model", "members", "n_sim", "epochs", "fold", "n_test", "fine_tune_epochs", "mape_median",
           "member_mape_median", "coverage_1sigma_raw", "coverage_2sigma_raw", "coverage_1sigma",
           "coverage_2sigma", "std_scale", "seconds", "machine", "finished_utc"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=MODELS, default="1D LSTM")
    parser.add_argument("--members", type=int, default=5)
    parser.add_argument("--n-sim", type=int, default=4500)
    parser.add_argument("--epochs", type=int, default=40, help="epochs of the training on simulated curves")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "spt_ensemble.csv")
    return parser.parse_args(argv)


def sim_ensemble(args):
    """The sim-trained ensemble pipeline (GAF encoder + DeepEnsembleRegressor), cached."""
    from sklearn.pipeline import Pipeline

    from benchmarks import spt_fem, spt_table2
    from skmat import load_pipeline, save_pipeline
    from skmat.models import DeepEnsembleRegressor

    path = CACHE / f"{args.model.replace(' ', '_')}-m{args.members}-n{args.n_sim}-e{args.epochs}-s{args.random_state}.pt"
    if path.exists():
        return load_pipeline(path), 0.0
    table_args = argparse.Namespace(quick=True, epochs=args.epochs, random_state=args.random_state, device="cpu",
                                    verbose=False, thickness=True, models=[args.model])
    single = spt_table2.build_models(table_args)[args.model]()
    X_sim, y_sim, _ = spt_fem.sim_data(args.n_sim, args.random_state, rig=spt_fem.RIG_AUGMENTATION)
    model = Pipeline([
        ("gaf", single[0]),
        ("ensemble", DeepEnsembleRegressor(single[-1], n_estimators=args.members, random_state=args.random_state,
                                           n_jobs=-1)),
    ])
    start = time.perf_counter()
    model.fit(X_sim, y_sim)
    seconds = time.perf_counter() - start
    CACHE.mkdir(parents=True, exist_ok=True)
    save_pipeline(model, path)
    return model, seconds


def fe_data():
    """The 40 FE runs as the models read them and their targets: ``X`` (181 forces in N, then the thickness in
    mm), ``y`` (true stress on ``DEFAULT_STRAIN``), and the two loaded sets (own strain grid, default grid)."""
    from skmat.datasets import load_small_punch_fem

    own = load_small_punch_fem(strain_grid="own")
    default = load_small_punch_fem(strain_grid="default")
    return np.column_stack([own.data, own.params["thickness"].to_numpy()]), default.target, own, default


def coverage(y, mean, std, scale=1.0):
    z = np.abs(y - mean) / np.maximum(std * scale, np.finfo(float).tiny)
    return float(np.mean(z <= 1)), float(np.mean(z <= 2)), z


def scale_for_2sigma(z, target=0.95):
    """The factor on the spread that puts ``target`` of the z-scores ``z`` within 2."""
    return float(max(np.quantile(z, target) / 2.0, 1e-6))


def main(argv=None):
    args = parse_args(argv)
    from benchmarks import spt_calibration, spt_fem
    from skmat import fine_tune

    _common.use_all_cores()
    header = f"# made by: {command_line(argv)} (resumable; machine per row) | fine-tuned ensemble on held-out FE runs"
    X, y, own, default = fe_data()
    done = read_results(args.out, COLUMNS)
    model, sim_seconds = sim_ensemble(args)
    plastic = spt_fem.PLASTIC
    for fold, test in enumerate(spt_calibration.folds(own, "5-fold", args.folds, args.random_state)):
        if len(done) and ((done["model"] == args.model) & (done["fold"].astype(int) == fold)
                          & (done["members"].astype(int) == args.members)).any():
            print(f"skip fold {fold}: already in {args.out}")
            continue
        start = time.perf_counter()
        train = np.setdiff1d(np.arange(len(X)), test)
        # The spread's scale, from an inner hold-out of the training runs.
        inner = np.random.default_rng(args.random_state + fold).permutation(train)
        n_inner = max(1, round(0.2 * len(train)))
        inner_test, inner_train = np.sort(inner[:n_inner]), np.sort(inner[n_inner:])
        inner_model = fine_tune(model, X[inner_train], y[inner_train])
        mean, std = inner_model.predict(X[inner_test], return_std=True)
        _, _, z_inner = coverage(y[inner_test][:, plastic], mean[:, plastic], std[:, plastic])
        scale = scale_for_2sigma(z_inner.ravel())
        tuned, report = fine_tune(model, X[train], y[train], return_report=True)
        mean, std = tuned.predict(X[test], return_std=True)
        images = tuned[:-1].transform(X[test])
        members = [spt_fem.fe_mape(member.predict(images), own.target[test], own.strain[test], default.strain)
                   for member in tuned[-1].estimators_]
        mape = spt_fem.fe_mape(mean, own.target[test], own.strain[test], default.strain)
        raw1, raw2, _ = coverage(y[test][:, plastic], mean[:, plastic], std[:, plastic])
        cov1, cov2, _ = coverage(y[test][:, plastic], mean[:, plastic], std[:, plastic], scale)
        row = {
            "model": args.model, "members": args.members, "n_sim": args.n_sim, "epochs": args.epochs, "fold": fold,
            "n_test": len(test), "fine_tune_epochs": report["epochs"],
            "mape_median": round(100 * float(np.median(mape)), 3),
            "member_mape_median": round(100 * float(np.mean([np.median(m) for m in members])), 3),
            "coverage_1sigma_raw": round(raw1, 4), "coverage_2sigma_raw": round(raw2, 4),
            "coverage_1sigma": round(cov1, 4), "coverage_2sigma": round(cov2, 4), "std_scale": round(scale, 3),
            "seconds": round(time.perf_counter() - start + (sim_seconds if fold == 0 else 0.0), 1),
            "machine": machine_description(), "finished_utc": utc_now(),
        }
        print(row, flush=True)
        append_row(args.out, row, COLUMNS, header)


if __name__ == "__main__":
    main()
