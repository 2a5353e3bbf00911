"""Why the periodic-table CNN trained from scratch collapses to a constant, and which change stops it.

Trained from random weights (``ptr-scratch`` of ``benchmarks/matbench.py``),
the network predicts one constant on every Matbench ``glass`` fold (and on
some ``expt_is_metal`` and ``expt_gap`` folds): its ReLU units are off for
every input. The 9 x 18 fraction image is nearly the same for every
compound, since the encoder's ``absent_value=-1`` fills every cell of an
element the compound lacks. Each variant changes one thing against
``baseline`` (``BASELINE``: the defaults before file format 3, the ``ptr-scratch`` recipe of
``benchmarks/matbench.py``: the shipped ``oqmd`` network's architecture on
``PeriodicTableEncoder(layout="full", amounts="fraction")``, AdamW with
cosine decay, batches of 64, bfloat16 mixed precision):

* ``absent0``: ``absent_value=0`` (an absent element is a zero cell);
* ``kaiming``: ``module__init="kaiming"`` (Kaiming-normal weights, zero biases);
* ``batch_norm``, ``layer_norm``: ``module__norm="batch"`` / ``"layer"``;
* ``leaky_relu``, ``gelu``: ``module__activation``;
* ``lr_div10``: ``lr=1e-4`` instead of 1e-3;
* ``combined``: ``absent0`` + ``kaiming`` + ``leaky_relu`` (keeps the
  architecture's parameters, so a pretrained network still fits it);
* ``kaiming_leaky``: ``combined`` with the paper's ``absent_value=-1``, which
  says what the absent value adds once the network no longer collapses.

Data sets: the four Matbench composition tasks on their official folds
(``--folds`` picks folds 0-4; every fit seeded with ``--seed``), and
``oqmd_subset``: ``--oqmd-train`` rows of CrabNet's OQMD formation-enthalpy
training split and ``--oqmd-test`` rows of its test split (outliers above 5
eV/atom dropped), drawn at random with seed ``--seed + fold``, which also
seeds the network, so the OQMD "folds" are independent subsets and seeds.

Every network trains for ``max(--min-epochs, ceil(--samples / n_train))``
epochs (at most ``--max-epochs``), so each fit sees about the same number of
samples. A fit is **collapsed** when the spread of its test predictions is
at most ``COLLAPSE_TOLERANCE`` (1e-6) of the target's: the standard
deviation of the predictions over the test rows divided by that of the
training targets (regression), or the standard deviation of the predicted
probability of the positive class (classification). The rows also give
that spread (``prediction_spread``), the fraction of distinct predictions
on the test rows and whether the estimator's own collapse warning
(``warn_if_constant``) fired. ``score`` is the MAE (regression) or the ROC
AUC of the probabilities (classification; ``score_labels``: the ROC AUC of
the hard labels, the leaderboard's metric).

The summary gives per variant and data set the collapse rate and the mean
score, and names the variants better than ``baseline`` on both OQMD and
Matbench: no collapsed Matbench fold, a lower OQMD MAE and a mean relative
gain over the Matbench tasks; the best is the one whose smaller of the two
gains is largest. The run is resumable: a (dataset, variant, fold) already
in the CSV is skipped, and each row is written as soon as its fit ends.
At the end the script prints how long the full default study would take at
the speed of the fits it ran (a run of a few short fits overestimates it:
their fixed costs dominate). The ~60 min below is from ``ptr-scratch`` of
``benchmarks/results/matbench.csv`` (about 100,000 samples in 25 s on 2
idle cores): 9 variants x 25 fits of about 50,000 samples each.

Run::

    python benchmarks/ptr_collapse_study.py          # everything: 225 fits, ~60 min on 2 idle CPU cores
    python benchmarks/ptr_collapse_study.py --datasets matbench_glass --variants baseline absent0 --folds 0
    python benchmarks/ptr_collapse_study.py --datasets matbench_steels --variants baseline gelu --folds 0 \\
        --max-epochs 1 --out /tmp/smoke.csv                                   # a smoke run, seconds
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import functools
import math
import time
import warnings
from pathlib import Path

import numpy as np

from benchmarks._common import RESULTS, Fit, add_dask_options, append_row, command_line, machine_description
from benchmarks._common import read_results, run_fits, scratch_architecture, use_all_cores, utc_now

MATBENCH = ("matbench_glass", "matbench_expt_is_metal", "matbench_expt_gap", "matbench_steels")
DATASETS = (*MATBENCH, "oqmd_subset")
#: The baseline, spelled out so that it does not follow the library's defaults or the shipped network's recipe:
#: the paper's absent value, ReLU and torch's initialisation (the defaults of releases before file format 3).
BASELINE = ({"absent_value": -1.0}, {"module__activation": "relu", "module__init": "default", "module__norm": None})
_CHANGES = {
    "baseline": ({}, {}),
    "absent0": ({"absent_value": 0.0}, {}),
    "kaiming": ({}, {"module__init": "kaiming"}),
    "batch_norm": ({}, {"module__norm": "batch"}),
    "layer_norm": ({}, {"module__norm": "layer"}),
    "leaky_relu": ({}, {"module__activation": "leaky_relu"}),
    "gelu": ({}, {"module__activation": "gelu"}),
    "lr_div10": ({}, {"lr": 1e-4}),
    "combined": ({"absent_value": 0.0}, {"module__init": "kaiming", "module__activation": "leaky_relu"}),
    "kaiming_leaky": ({}, {"module__init": "kaiming", "module__activation": "leaky_relu"}),
}
#: name -> (encoder parameters, estimator parameters): the baseline with the variant's change.
VARIANTS = {name: ({**BASELINE[0], **encoder}, {**BASELINE[1], **network}) for name, (encoder, network) in _CHANGES.items()}
#: A fit is collapsed when the spread of its test predictions is at most this share of the target's spread.
COLLAPSE_TOLERANCE = 1e-6
COLUMNS = [
    "dataset",
    "variant",
    "fold",
    "seed",
    "n_train",
    "n_test",
    "epochs",
    "collapsed",
    "prediction_spread",
    "distinct_fraction",
    "warned",
    "metric",
    "score",
    "score_labels",
    "fit_seconds",
    "machine",
    "finished_utc",
    "command",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--folds", nargs="+", type=int, choices=range(5), default=list(range(5)),
                        help="Matbench's official folds; for oqmd_subset, the subset and network seed --seed + fold")
    parser.add_argument("--samples", type=int, default=50_000, help="training samples seen per fit")
    parser.add_argument("--min-epochs", type=int, default=10)
    parser.add_argument("--max-epochs", type=int, default=None, help="cap on the epochs (for smoke runs)")
    parser.add_argument("--max-train", type=int, default=None,
                        help="use only the first N training rows of each fold (for smoke runs)")
    parser.add_argument("--oqmd-train", type=int, default=5_000)
    parser.add_argument("--oqmd-test", type=int, default=5_000)
    parser.add_argument("--pretrained", default="oqmd", help="the shipped network whose architecture is trained")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "ptr_collapse_study.csv")
    add_dask_options(parser)
    return parser.parse_args(argv)


def n_epochs(n_train, args):
    epochs = max(args.min_epochs, math.ceil(args.samples / n_train))
    return epochs if args.max_epochs is None else min(epochs, args.max_epochs)


@functools.lru_cache(maxsize=None)
def architecture(name):
    """The shipped network's architecture as ``module__*`` parameters (as ``ptr-scratch`` of matbench.py)."""
    from skmat import load_pretrained

    return scratch_architecture(load_pretrained(name)[-1])


def pipeline(variant, classification, epochs, seed, args):
    from sklearn.pipeline import Pipeline

    from skmat import PeriodicTableEncoder, PTRCNNRegressor
    from skmat.models import PTRCNNClassifier

    encoder_params, params = VARIANTS[variant]
    estimator = PTRCNNClassifier if classification else PTRCNNRegressor
    network = estimator(
        **{**architecture(args.pretrained), **params},
        max_epochs=epochs, batch_size=64, random_state=seed, verbose=0,
    )
    encoder = PeriodicTableEncoder(layout="full", amounts="fraction", **encoder_params)
    return Pipeline([("encode", encoder), ("model", network)])


def collapse_measures(predictions, y_train, classification):
    """``(collapsed, spread, distinct fraction)`` of the test predictions (probabilities of the positive class)."""
    predictions = np.asarray(predictions, dtype=float).ravel()
    scale = 1.0 if classification else float(np.std(np.asarray(y_train, dtype=float)))
    spread = float(np.std(predictions)) / scale if scale > 0 else 0.0
    distinct = len(np.unique(predictions.astype(np.float32))) / len(predictions)
    return spread <= COLLAPSE_TOLERANCE, spread, distinct


def fit_one(dataset, variant, fold, seed, X_train, y_train, X_test, y_test, classification, command, args):
    """Train one variant on one fold and score it: one row. Runs where the fit runs (here or a Dask worker)."""
    from sklearn.metrics import mean_absolute_error, roc_auc_score

    epochs = n_epochs(len(X_train), args)
    model = pipeline(variant, classification, epochs, seed, args)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    warned = any("collapsed to a constant" in str(w.message) for w in caught)
    if classification:
        output = model.predict_proba(X_test)[:, list(model.classes_).index(True)]
        labels = np.asarray(model.predict(X_test), dtype=float)
        metric, score = "roc_auc", roc_auc_score(y_test, output)
        score_labels = round(float(roc_auc_score(y_test, labels)), 4)
    else:
        output = model.predict(X_test)
        metric, score, score_labels = "mae", mean_absolute_error(y_test, output), ""
    collapsed, spread, distinct = collapse_measures(output, y_train, classification)
    return {
        "dataset": dataset,
        "variant": variant,
        "fold": fold,
        "seed": seed,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "epochs": epochs,
        "collapsed": int(collapsed),
        "prediction_spread": float(f"{spread:.3g}"),
        "distinct_fraction": round(distinct, 4),
        "warned": int(warned),
        "metric": metric,
        "score": round(float(score), 4),
        "score_labels": score_labels,
        "fit_seconds": round(seconds, 1),
        "machine": machine_description(),
        "finished_utc": utc_now(),
        "command": command,
    }


@functools.lru_cache(maxsize=None)
def oqmd_splits():
    """CrabNet's OQMD formation-enthalpy train and test splits, outliers dropped (read once per run)."""
    from skmat.datasets import load_oqmd

    train = load_oqmd("formation_enthalpy", "train", outliers="drop")
    test = load_oqmd("formation_enthalpy", "test", outliers="drop")
    return (np.asarray(train.data, dtype=object), np.asarray(train.target, dtype=float),
            np.asarray(test.data, dtype=object), np.asarray(test.target, dtype=float))


def fold_data(dataset, fold, args):
    """``(seed, X_train, y_train, X_test, y_test, classification)`` of one fold of one data set."""
    if dataset == "oqmd_subset":
        X, y, X_val, y_val = oqmd_splits()
        seed = args.seed + fold
        rng = np.random.default_rng(seed)
        train = np.sort(rng.choice(len(X), size=min(args.oqmd_train, len(X)), replace=False))
        test = np.sort(rng.choice(len(X_val), size=min(args.oqmd_test, len(X_val)), replace=False))
        data = (X[train], y[train], X_val[test], y_val[test], False)
    else:
        from skmat.datasets import load_matbench

        bench = load_matbench(dataset.removeprefix("matbench_"))
        X, y = np.asarray(bench.data, dtype=object), np.asarray(bench.target)
        train, test = bench.folds[fold]
        seed = args.seed
        data = (X[train], y[train], X[test], y[test], bench.task_type == "classification")
    X_train, y_train, X_test, y_test, classification = data
    if args.max_train is not None:
        X_train, y_train = X_train[: args.max_train], y_train[: args.max_train]
    return seed, X_train, y_train, X_test, y_test, classification


def is_done(results, dataset, variant, fold):
    if not len(results):
        return False
    return bool(((results["dataset"] == dataset) & (results["variant"] == variant)
                 & (results["fold"].astype(int) == fold)).any())


def summary(results, datasets, variants, folds):
    """Collapse rate and mean score per variant and data set (one ``pandas.DataFrame``) and the verdict (str)."""
    import pandas as pd

    if not len(results):
        return pd.DataFrame(), "no rows yet"
    rows = results[results["dataset"].isin(datasets) & results["variant"].isin(variants)
                   & results["fold"].astype(int).isin(folds)].copy()
    rows["collapsed"] = rows["collapsed"].astype(int)
    rows["score"] = rows["score"].astype(float)
    grouped = rows.groupby(["variant", "dataset"]).agg(
        folds=("fold", "size"), collapsed=("collapsed", "sum"), score=("score", "mean"), metric=("metric", "first"))
    cells = {
        (variant, dataset): f"{entry.score:.4f} ({entry.collapsed}/{entry.folds} collapsed)"
        for (variant, dataset), entry in grouped.iterrows()
    }
    present = [d for d in datasets if d in set(rows["dataset"])]
    order = [v for v in variants if v in set(rows["variant"])]
    table = pd.DataFrame(
        [[cells.get((variant, dataset), "") for dataset in present] for variant in order],
        index=pd.Index(order, name="variant"), columns=present,
    )
    return table, verdict(grouped, order, present)


def _gain(grouped, variant, dataset):
    """Relative improvement of ``variant`` over ``baseline`` on ``dataset`` (positive is better), or None."""
    if (variant, dataset) not in grouped.index or ("baseline", dataset) not in grouped.index:
        return None
    entry, base = grouped.loc[(variant, dataset)], grouped.loc[("baseline", dataset)]
    if entry.folds != base.folds:
        return None  # not the same folds run yet
    sign = -1.0 if entry.metric == "mae" else 1.0
    return sign * (entry.score - base.score) / abs(base.score) if base.score else None


def verdict(grouped, variants, datasets):
    """Which variants beat ``baseline`` on both OQMD and Matbench, and the best of them."""
    matbench = [d for d in datasets if d in MATBENCH]
    if "baseline" not in variants or "oqmd_subset" not in datasets or not matbench:
        return "no verdict: needs the baseline, oqmd_subset and at least one Matbench task"
    lines, qualified = [], {}
    for variant in variants:
        if variant == "baseline":
            continue
        oqmd = _gain(grouped, variant, "oqmd_subset")
        gains = [_gain(grouped, variant, dataset) for dataset in matbench]
        if oqmd is None or any(g is None for g in gains):
            lines.append(f"  {variant}: incomplete (not every fold of the baseline's is run)")
            continue
        collapsed = sum(int(grouped.loc[(variant, d)].collapsed) for d in matbench)
        mean_gain = float(np.mean(gains))
        better_tasks = sum(g > 0 for g in gains)
        ok = collapsed == 0 and oqmd > 0 and mean_gain > 0
        lines.append(f"  {variant}: OQMD gain {oqmd:+.1%}, Matbench mean gain {mean_gain:+.1%} "
                     f"(better on {better_tasks}/{len(matbench)} tasks), {collapsed} collapsed Matbench folds"
                     f"{' -> better on both' if ok else ''}")
        if ok:
            qualified[variant] = min(oqmd, mean_gain)
    if qualified:
        best = max(qualified, key=qualified.get)
        head = f"better than baseline on both OQMD and Matbench: {', '.join(qualified)}; best: {best}"
    else:
        head = "no variant is better than baseline on both OQMD and Matbench without a collapsed Matbench fold"
    return "\n".join([head, *lines])


def estimate(timings, args):
    """Seconds the full default study would take at the speed measured in this run (None without timings)."""
    if not timings:
        return None
    per_sample = sum(t["fit"] for t in timings) / sum(t["samples"] for t in timings)
    overhead = float(np.mean([t["wall"] - t["fit"] for t in timings]))
    default = parse_args([])
    total = 0.0
    for dataset in default.datasets:
        for fold in default.folds:
            n_train = default.oqmd_train if dataset == "oqmd_subset" else _matbench_train_size(dataset, fold)
            samples = n_epochs(n_train, default) * n_train
            total += len(default.variants) * (overhead + samples * per_sample)
    return total


def _matbench_train_size(dataset, fold):
    from skmat.datasets import load_matbench

    return len(load_matbench(dataset.removeprefix("matbench_")).folds[fold][0])


def main(argv=None):
    args = parse_args(argv)
    use_all_cores()
    command = command_line(argv)
    header = f"# made by: {command} (resumable; machine per row) | PTR networks from scratch: collapse and score per variant"
    results = read_results(args.out, COLUMNS)
    fits = []
    for dataset in args.datasets:
        for fold in args.folds:
            todo = [v for v in args.variants if not is_done(results, dataset, v, fold)]
            for variant in sorted(set(args.variants) - set(todo), key=args.variants.index):
                print(f"skip {dataset} / {variant} / fold {fold}: already in {args.out}")
            if not todo:
                continue
            seed, X_train, y_train, X_test, y_test, classification = fold_data(dataset, fold, args)
            for variant in todo:
                fits.append(Fit(f"{dataset} / {variant} / fold {fold}", timed_fit,
                                (dataset, variant, fold, seed, X_train, y_train, X_test, y_test, classification,
                                 command, args)))
    timings = []

    def write(fit, result):
        row, wall = result
        timings.append({"fit": row["fit_seconds"], "wall": wall, "samples": row["epochs"] * row["n_train"]})
        print(row, flush=True)
        append_row(args.out, row, COLUMNS, header)

    start = time.perf_counter()
    run_fits(fits, write, dask=args.dask, n_workers=args.dask_workers)
    if fits:
        print(f"\n{len(fits)} fits in {time.perf_counter() - start:.0f} s")
    seconds = estimate(timings, args)
    if seconds is not None:
        print(f"the full default study (python benchmarks/ptr_collapse_study.py) would take about "
              f"{seconds / 60:.0f} min at this run's speed ({machine_description()})")
    table, text = summary(read_results(args.out, COLUMNS), args.datasets, args.variants, args.folds)
    print("\nmean score (MAE, or ROC AUC of the probabilities) and collapsed folds, per variant and data set:")
    print(table.to_string() if len(table) else "(no rows)")
    print(text)
    return table, text


def timed_fit(*fit_args):
    """:func:`fit_one` and its wall time (encoding and prediction included), for the time estimate."""
    start = time.perf_counter()
    row = fit_one(*fit_args)
    return row, time.perf_counter() - start


if __name__ == "__main__":
    main()
