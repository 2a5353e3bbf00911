"""Train the small punch models that ship with skmat (``skmat.load_pretrained``).

The recipe is the one ``benchmarks/spt_ensemble.py`` measured (issue 23):

1. an ensemble of ``--members`` networks (:class:`~skmat.models.DeepEnsembleRegressor`
   of ``spt_table2.py --quick``'s 1D LSTM or GAF-Seq2Seq, the disc thickness
   as a condition) trained on ``--n-sim`` curves of the calibrated simulator
   with rig effects drawn per curve (``spt_fem.RIG_AUGMENTATION``: noise,
   zero offset, machine compliance);
2. fine-tuned on the 40 bundled finite-element runs
   (:func:`~skmat.datasets.load_small_punch_fem`) with :func:`skmat.fine_tune`'s
   defaults (learning rate × 0.05, batches of 8, the epoch count chosen on
   20 % of the runs held out);
3. its spread scaled so that ±2σ holds ``--coverage`` of the true stress
   points of runs it was not fine-tuned on: the same recipe is fine-tuned on
   the runs outside each of 5 folds (stratified by thickness, the folds of
   ``spt_calibration.py``), predicts the fold, and the pooled z-scores of the
   plastic points of all 40 runs set one factor (``std_scale_``).

Those out-of-fold predictions are also the scores recorded with the model:
the median per-run MAPE over the plastic points (``spt_fem.py``'s score),
the ±1σ/±2σ coverage (each fold's with the factor the *other* folds give, so
no run sets its own band), and the median error of the figures
:func:`skmat.metrics.tensile_properties` reads from the predicted curves
(yield strength, tensile strength, K, n) against the published FE
parameters and curves, as ``benchmarks/spt_strength.py`` reads them.

Writes ``skmat/_weights/<name>.skmat`` (a Pipeline: GAF encoder + ensemble,
read without pickle), its manifest entry (checksum, recipe, data, scores,
range of validity) and one row per model in
``benchmarks/results/small_punch_shipped.csv``.

Resumable: the simulator-trained ensemble is cached in
``benchmarks/cache/spt_ensemble`` (shared with ``spt_ensemble.py``) and each
fold's predictions in ``--state-dir``; the same command continues.

Run::

    python tools/train_small_punch.py                                              # ~10 min on 2 CPU cores
    python tools/train_small_punch.py --name small-punch-flat5.5-gaf-seq2seq --model GAF-Seq2Seq
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python tools/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np

from benchmarks._common import RESULTS, ROOT, append_row, command_line, machine_description, utc_now
from tools.pretrain import editing_manifest, sha256

DEFAULT_OUT = ROOT / "skmat" / "_weights"
DEFAULT_NAME = "small-punch-flat5.5-networks"
MODELS = ("1D LSTM", "GAF-Seq2Seq")
#: --model choices: one network kind, or both (``--members`` of each in one ensemble).
CHOICES = (*MODELS, "both")
RESULT_COLUMNS = ["name", "model", "members", "n_sim", "epochs", "fine_tune_epochs", "cv_mape_median_pct",
                  "cv_mape_max_pct", "coverage_1sigma", "coverage_2sigma", "coverage_2sigma_min_fold",
                  "coverage_2sigma_max_fold", "std_scale", "yield_ape_median_pct", "tensile_ape_median_pct",
                  "K_ape_median_pct", "n_ape_median_pct", "size_mb", "seconds", "machine", "finished_utc"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default=DEFAULT_NAME, help="name for skmat.load_pretrained")
    parser.add_argument("--model", choices=CHOICES, default="both",
                        help="the networks: 1D LSTMs, GAF-Seq2Seqs, or both in one ensemble (default)")
    parser.add_argument("--members", type=int, default=5, help="networks of each kind")
    parser.add_argument("--n-sim", type=int, default=4500, help="simulated training curves")
    parser.add_argument("--epochs", type=int, default=40, help="epochs of the training on simulated curves")
    parser.add_argument("--folds", type=int, default=5, help="folds of the out-of-fold scores and band")
    parser.add_argument("--coverage", type=float, default=0.95,
                        help="share of out-of-fold stress points the ±2σ band is scaled to hold (default 0.95)")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--results", type=Path, default=RESULTS / "small_punch_shipped.csv")
    parser.add_argument("--state-dir", type=Path, default=None, help="default: tools/pretrain_state/<name>")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: every core; 1 beside another training run)")
    return parser.parse_args(argv)


def sim_trained(args):
    """The simulator-trained ensemble pipeline of ``--model`` and the seconds its training took (0 if cached).

    ``both``: the two ensembles of ``benchmarks/spt_ensemble.py`` (each cached
    there) joined into one, their members side by side. They read the same
    encoder (fitted on the same simulated curves), which is checked.
    """
    from benchmarks import spt_ensemble

    def one(model):
        return spt_ensemble.sim_ensemble(argparse.Namespace(
            model=model, members=args.members, n_sim=args.n_sim, epochs=args.epochs, random_state=args.random_state))

    if args.model != "both":
        return one(args.model)
    (lstm, lstm_seconds), (gaf, gaf_seconds) = one("1D LSTM"), one("GAF-Seq2Seq")
    same = (lstm[0].get_params() == gaf[0].get_params()
            and all(np.array_equal(getattr(lstm[0], key), getattr(gaf[0], key))
                    for key in vars(lstm[0]) if key.endswith("_") and not key.startswith("_")))
    if not same:
        raise SystemExit("The 1D LSTM and GAF-Seq2Seq ensembles read different encoders; they cannot be joined.")
    ensemble = gaf[-1]
    ensemble.estimators_ = [*lstm[-1].estimators_, *gaf[-1].estimators_]
    ensemble.set_params(n_estimators=len(ensemble.estimators_))
    return gaf, lstm_seconds + gaf_seconds


def out_of_fold(args, model, X, y, folds, state_dir):
    """Each run's mean and raw spread from the recipe fine-tuned without its fold, and the epochs chosen."""
    from skmat import fine_tune

    mean, std = np.empty_like(y), np.empty_like(y)
    epochs = []
    for k, test in enumerate(folds):
        path = state_dir / f"fold{k}.npz"
        if not path.exists():
            train = np.setdiff1d(np.arange(len(X)), test)
            tuned, report = fine_tune(model, X[train], y[train], return_report=True, random_state=args.random_state)
            m, s = tuned.predict(X[test], return_std=True)
            state_dir.mkdir(parents=True, exist_ok=True)
            np.savez(path, test=test, mean=m, std=s, epochs=report["epochs"], recipe=recipe(args))
            print(f"fold {k}: fine-tuned {report['epochs']} epochs", flush=True)
        saved = np.load(path)
        if not np.array_equal(saved["test"], test) or str(saved["recipe"]) != recipe(args):
            raise SystemExit(f"{path} holds another fold or recipe; delete {state_dir} and rerun.")
        mean[test], std[test] = saved["mean"], saved["std"]
        epochs.append(int(saved["epochs"]))
    return mean, std, epochs


def recipe(args):
    """What a fold's saved predictions depend on, as one string."""
    return (f"model={args.model} members={args.members} n_sim={args.n_sim} epochs={args.epochs} "
            f"random_state={args.random_state}")


def z_scores(y, mean, std):
    """|error| / spread at the plastic points (2 onwards: strain 0 and the yield point are not plastic)."""
    from benchmarks.spt_ensemble import coverage
    from benchmarks.spt_fem import PLASTIC

    return coverage(y[:, PLASTIC], mean[:, PLASTIC], std[:, PLASTIC])[2]


def band_scores(z, folds, coverage):
    """±1σ/±2σ coverage of the runs' z-scores ``z``, each fold's band scaled by the factor of the other folds'.

    Returns the share of all points within 1 and 2 (scaled) σ, and the
    share within 2σ per fold.
    """
    from benchmarks.spt_ensemble import scale_for_2sigma

    scale = np.empty(len(z))
    for k, test in enumerate(folds):
        others = np.concatenate([z[fold].ravel() for j, fold in enumerate(folds) if j != k])
        scale[test] = scale_for_2sigma(others, coverage)
    within_1, within_2 = z <= scale[:, None], z <= 2 * scale[:, None]
    return float(within_1.mean()), float(within_2.mean()), [float(within_2[test].mean()) for test in folds]


def figure_errors(mean, own):
    """Median % error of the figures read from the out-of-fold curves, as a user reads them from a prediction.

    The model's 35 output strains (``DEFAULT_STRAIN``: 0, 0.029, ...) do not
    resolve the elastic-plastic knee, so :func:`~skmat.metrics.tensile_properties`
    gives no 0.2 % offset yield strength there (NaN, with a warning). Read:

    * K and n: ``tensile_properties`` of the prediction on its own grid
      (the hardening law fitted at plastic strains >= 0.01), against the FE
      runs' published K and n;
    * yield strength: the 0.2 % offset yield of that fitted law with the FE
      runs' plateau below a plastic strain of 0.01 (``σ = K max(εp, 0.01)^n``),
      which is ``K 0.01^n``, against the published yield stress (the same
      expression of the true K and n);
    * tensile strength: the prediction interpolated onto each run's own
      strain points and read there, against the FE curve read the same way
      (``benchmarks/spt_strength.py``'s "FE curves" reference).
    """
    from benchmarks.spt_strength import CURVES, references
    from skmat.datasets import DEFAULT_STRAIN
    from skmat.metrics import interpolate_curves, tensile_properties

    truth = references(own)
    p = own.params
    E = p["elastic_modulus"].to_numpy()
    curves = np.maximum(mean, 0.0)  # a hair below 0 at zero strain is rounding
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unresolved yield on the 35-point grid: not read from it
        law = tensile_properties(DEFAULT_STRAIN, curves, elastic_modulus=E)
        on_own = interpolate_curves(curves, DEFAULT_STRAIN, own.strain, extrapolate="linear")
        on_curves = tensile_properties(own.strain, on_own, elastic_modulus=E)
    K, n = law["strength_coefficient"].to_numpy(), law["hardening_exponent"].to_numpy()

    def ape(found, true):
        return round(float(np.nanmedian(100 * np.abs(np.asarray(found) / np.asarray(true) - 1))), 2)

    return {
        "yield_strength": ape(K * 0.01**n, p["yield_stress"].to_numpy()),
        "tensile_strength": ape(on_curves["tensile_strength"], truth[CURVES]["tensile_strength"]),
        "strength_coefficient": ape(K, p["strength_coefficient"].to_numpy()),
        "hardening_exponent": ape(n, p["hardening_exponent"].to_numpy()),
    }


def out_of_fold_scores(y, mean, std, own, default, folds, coverage, how):
    """The recorded out-of-fold scores of a small punch model, and the band factor for ``coverage``.

    ``mean`` and ``std`` are every FE run's prediction by the model made
    without its fold (``how`` says how, for the record); the scores are the
    median and largest per-run MAPE, the ±1σ/±2σ coverage (each fold with
    the other folds' factor), and the figures' median errors.
    """
    from benchmarks import spt_fem
    from benchmarks.spt_ensemble import scale_for_2sigma

    mape = 100 * spt_fem.fe_mape(mean, own.target, own.strain, default.strain)
    z = z_scores(y, mean, std)
    scale = scale_for_2sigma(z.ravel(), coverage)
    one, two, per_fold = band_scores(z, folds, coverage)
    scores = {
        "evaluation": f"{len(folds)}-fold cross-validation over the 40 bundled FE runs (stratified by thickness, "
                      f"spt_calibration.py's folds): {how}",
        "mape_median_pct": round(float(np.median(mape)), 3),
        "mape_max_pct": round(float(np.max(mape)), 3),
        "coverage_1sigma": round(one, 4),
        "coverage_2sigma": round(two, 4),
        "coverage_2sigma_per_fold": [round(v, 4) for v in per_fold],
        "figures_median_ape_pct": figure_errors(mean, own),
    }
    return scores, scale


def shipped_entry(path, model, *, description, validity, scores, scale, n_train, training):
    """The manifest entry of the small punch model saved at ``path`` (``model``: its last step)."""
    from skmat.datasets import DEFAULT_STRAIN
    from skmat.models._allowed_classes import public_name

    return {
        "task": "small_punch",
        "estimator": public_name(type(model)),
        "file": path.name,
        "sha256": sha256(path),
        "size_bytes": path.stat().st_size,
        "description": description,
        "targets": [f"true stress at strain {s:.4g}" for s in DEFAULT_STRAIN],
        "strain": [round(float(s), 6) for s in DEFAULT_STRAIN],
        "units": "MPa",
        "input": "181 punch forces in N at displacements 0, 0.025, ..., 4.5 mm, then the disc thickness in mm "
                 "(one row per test)",
        "n_train": n_train,
        "validity": validity,
        "scores": scores,
        "std_scale": round(scale, 4),
        "training": training,
    }


def result_row(name, model, scores, scale, seconds, machine, **network):
    """The row of ``small_punch_shipped.csv`` for a shipped model (``network``: the networks' own columns)."""
    figures = scores["figures_median_ape_pct"]
    row = dict.fromkeys(RESULT_COLUMNS, "")
    row.update({
        "name": name, "model": model, **network, "cv_mape_median_pct": scores["mape_median_pct"],
        "cv_mape_max_pct": scores["mape_max_pct"], "coverage_1sigma": scores["coverage_1sigma"],
        "coverage_2sigma": scores["coverage_2sigma"], "coverage_2sigma_min_fold": min(scores["coverage_2sigma_per_fold"]),
        "coverage_2sigma_max_fold": max(scores["coverage_2sigma_per_fold"]), "std_scale": round(scale, 3),
        "yield_ape_median_pct": figures["yield_strength"], "tensile_ape_median_pct": figures["tensile_strength"],
        "K_ape_median_pct": figures["strength_coefficient"], "n_ape_median_pct": figures["hardening_exponent"],
        "seconds": round(seconds, 1), "machine": machine, "finished_utc": utc_now(),
    })
    return row


def record_row(path, row, argv):
    """Append a shipped model's ``row`` to the results CSV ``path`` (its ``# made by:`` line names ``argv``)."""
    header = (f"# made by: {command_line(argv)} (one row per model; its manifest entry has the same scores) | "
              "shipped small punch models, out of fold on the 40 FE runs")
    append_row(path, row, RESULT_COLUMNS, header)
    print(json.dumps(row, indent=1, ensure_ascii=False))


def validity(encoder, network, own):
    """The range the shipped model was made for: geometry, grid, thickness, forces and materials.

    The network records the peaks of the curves it was trained on as it reads
    them (``peak_range_``: the encoder's PAA segment means over its
    ``sequence_scale_``); times ``sequence_scale_`` they are forces in N.
    """
    from benchmarks.spt_fem import RIG_AUGMENTATION, SIM_RANGES
    from skmat._small_punch._curve_input import PEAK_FACTOR
    from skmat._small_punch._mechanics import GEOMETRIES

    geometry = GEOMETRIES["paper"]
    p = own.params
    low, high = (float(v) * encoder.sequence_scale_ for v in network.peak_range_)

    def span(column):
        return [round(float(p[column].min()), 4), round(float(p[column].max()), 4)]

    return {
        "geometry": {"name": "paper", "punch_radius_mm": geometry.punch_radius,
                     "fillet_radius_mm": geometry.fillet_radius, "clamp_radius_mm": geometry.clamp_radius},
        "displacement_mm": {"start": 0.0, "stop": 4.5, "points": 181},
        "force_unit": "N",
        "thickness_mm": [float(v) for v in network.condition_range_[0]],
        "peak_force_N": [round(low, 1), round(high, 1)],  # of the PAA segment means, as the network reads them
        "peak_force_warning": f"outside [{low / PEAK_FACTOR:.4g}, {high * PEAK_FACTOR:.4g}] N",
        "simulated": {"strength_coefficient_MPa": list(SIM_RANGES["strength_coefficient_range"]),
                      "hardening_exponent": list(SIM_RANGES["hardening_exponent_range"]),
                      "thickness_mm": list(SIM_RANGES["thickness_range"]), "rig_effects": RIG_AUGMENTATION},
        "finite_element": {"strength_coefficient_MPa": span("strength_coefficient"),
                           "hardening_exponent": span("hardening_exponent"),
                           "yield_stress_MPa": span("yield_stress"), "thickness_mm": span("thickness"),
                           "elastic_modulus_MPa": span("elastic_modulus")},
        "warned": "thickness and peak force (naming the curves) at predict; the material range is not "
                  "checked (it is what is predicted): see the description",
    }


def description(args):
    nets = {"1D LSTM": f"{args.members} 1D LSTM (no image)",
            "GAF-Seq2Seq": f"{args.members} GAF-Seq2Seq (the paper's model)",
            "both": f"{args.members} 1D LSTM and {args.members} GAF-Seq2Seq (the paper's model)"}[args.model]
    return (
        f"Small punch test, paper geometry (flat punch Ø 5.5 mm, clamp r 6.5 mm; 0-4.5 mm in 181 points, force in "
        f"N, then the disc thickness in mm) to the true stress-strain curve (MPa at skmat.datasets.DEFAULT_STRAIN): "
        f"an ensemble of {nets} networks trained on {args.n_sim} simulated curves with rig effects, "
        "fine-tuned on 40 published LS-DYNA runs (E = 70 GPa, K 200-550 MPa, n 0.10-0.48); "
        "predict(X, return_std=True) gives a band scaled to hold 95 % of held-out FE points within ±2σ"
    )


def main(argv=None):
    args = parse_args(argv)

    from benchmarks import spt_calibration
    from benchmarks._common import use_all_cores
    from benchmarks.spt_ensemble import fe_data
    from skmat import fine_tune, save_pipeline

    use_all_cores()
    if args.threads is not None:
        import torch

        torch.set_num_threads(args.threads)
    state_dir = args.state_dir or ROOT / "tools" / "pretrain_state" / args.name
    start = time.perf_counter()
    X, y, own, default = fe_data()
    model, sim_seconds = sim_trained(args)
    folds = spt_calibration.folds(own, "5-fold", args.folds, args.random_state)
    mean, std, fold_epochs = out_of_fold(args, model, X, y, folds, state_dir)

    scores, scale = out_of_fold_scores(y, mean, std, own, default, folds, args.coverage,
                                       "the recipe fine-tuned without each fold predicts it")
    scores["fine_tune_epochs_per_fold"] = fold_epochs

    final, report = fine_tune(model, X, y, return_report=True, random_state=args.random_state)
    ensemble = final[-1]
    ensemble.std_scale_ = np.full_like(ensemble.std_scale_, scale)  # the out-of-fold band factor, for every point
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / f"{args.name}.skmat"
    save_pipeline(final, path)
    seconds = time.perf_counter() - start + sim_seconds
    entry = shipped_entry(
        path, ensemble, description=description(args), validity=validity(final[0], ensemble.estimators_[0], own),
        scores=scores, scale=scale, n_train={"simulated": args.n_sim, "finite_element": len(X)},
        training={
            "commands": [command_line(argv)],
            "model": args.model,
            "members": args.members,
            "simulated_epochs": args.epochs,
            "fine_tune": {"lr_factor": 0.05, "batch_size": 8, "max_epochs": 30, "holdout": 0.2,
                          "epochs_chosen": report["epochs"]},
            "band_coverage_target": args.coverage,
            "data": "skmat.datasets.make_small_punch_test (calibrated simulator, DEFAULT_CONSTANTS) with "
                    "spt_fem.RIG_AUGMENTATION; skmat.datasets.load_small_punch_fem (40 runs of Yang et al. 2025's "
                    "published LS-DYNA set, repository Nneeiill/MFDNN)",
            "seconds": round(seconds, 1),
            "machine": machine_description(),
            "finished_utc": utc_now(),
        },
    )
    with editing_manifest(args.out_dir) as manifest:
        manifest[args.name] = entry
    row = result_row(args.name, args.model, scores, scale, seconds, machine_description(),
                     members=args.members, n_sim=args.n_sim, epochs=args.epochs, fine_tune_epochs=report["epochs"],
                     size_mb=round(path.stat().st_size / 1e6, 2))
    record_row(args.results, row, argv)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) and its entry in {args.out_dir / 'manifest.json'}")


if __name__ == "__main__":
    main()
