"""Matbench v0.1 composition tasks: the periodic-table CNN, from scratch and fine-tuned, against the baselines.

For each of the four composition tasks of :func:`skmat.datasets.load_matbench`
and each of Matbench's five official folds, every model is trained on the
fold's training rows and scored on its test rows, as the leaderboard does:
MAE for ``expt_gap`` (eV) and ``steels`` (MPa), ROC AUC for
``expt_is_metal`` and ``glass``, computed twice: on the predicted
probabilities (``roc_auc``) and on hard labels (``roc_auc_labels``; for a
binary task that is the balanced accuracy, which is how the leaderboard's
classification entries were scored).

Models:

* ``rf-magpie``: random forest (500 trees) on matminer's 132 Magpie
  features, the leaderboard's RF-SCM/Magpie baseline;
* ``hgb-magpie``: histogram gradient boosting (500 iterations, learning
  rate 0.05) on the same Magpie features: the control for the
  ``+hgb`` models below (is a gain the learned features' or the booster's?);
* ``krr-magpie``: kernel ridge (RBF) on the standardised Magpie features
  with a standardised target, ``alpha`` and ``gamma`` chosen by an inner 3-fold grid search on the
  training rows (for classification it regresses the 0/1 label and scores
  with its output, thresholded at 0.5 for hard labels);
* ``ptr-scratch``: :class:`~skmat.PTRCNNRegressor` (or
  :class:`~skmat.models.PTRCNNClassifier`) with the pretrained network's
  architecture on the 9 x 18 fraction image, trained from random weights;
* ``ptr-finetuned``: the same architecture started from the shipped
  pretrained network (``skmat.load_pretrained("oqmd")``) with a new output
  layer, every layer trained;
* ``ptr-finetuned-frozen``: the same with the convolutions frozen.
* ``ptr-features+rf``, ``ptr-features+hgb``: the shipped network's last
  hidden layer (:class:`~skmat.models.PretrainedFeatures`, 192 learned
  features; cross-property transfer as Gupta et al., Nat. Commun. 12, 6595,
  2021) under the same 500-tree random forest, or a histogram gradient
  boosting model (500 iterations, learning rate 0.05);
* ``ptr-features+magpie+rf``, ``ptr-features+magpie+hgb``: the same with the
  132 Magpie features beside the learned ones;
* ``<model>-hurdle`` (regression; run on ``expt_gap``, where about half the
  targets are 0 eV): :class:`~skmat.models.HurdleRegressor` with the model's
  classifier for "is the gap nonzero" and the model itself on the nonzero
  rows (``hgb-magpie-hurdle``, ``ptr-features+magpie+hgb-hurdle``);
* ``<model>-tuned`` (classification): scikit-learn's
  ``TunedThresholdClassifierCV`` around the model, which chooses the
  decision threshold that maximises balanced accuracy (the leaderboard's
  hard-label ROC AUC) by 5-fold cross-validation inside the training rows,
  never on the test fold (``rf-magpie-tuned``, ``hgb-magpie-tuned``,
  ``ptr-features+magpie+hgb-tuned``);
* ``ptr-vote`` (with ``-tuned`` for classification, ``-hurdle`` for
  regression): the mean of ``rf-magpie``'s and
  ``ptr-features+magpie+hgb``'s predictions (scikit-learn's soft
  ``VotingClassifier`` / ``VotingRegressor``): the leaderboard's forest and
  the booster on the learned features err differently, so their mean is
  closer than each. Both members and the combination are fixed in advance,
  nothing is chosen on the test folds;
* ``+ion`` (``rf-magpie+ion``, ``hgb-magpie+ion``,
  ``ptr-features+magpie+ion+hgb``, ``ptr-vote+ion`` and their ``-tuned`` /
  ``-hurdle`` forms): the same model with matminer's three ionic-character
  features beside Magpie's (:func:`~benchmarks._common.ionic_features`:
  whether common oxidation states can balance the charge, the largest and
  the mean ionic character). A metal is rarely charge balanced; Magpie's
  element statistics do not say so. ``rf-magpie+ion`` and ``hgb-magpie+ion``
  are the controls without the network;
* ``ptr-stack+ion``: one recipe for every task, its weights learned inside
  the training rows: scikit-learn's ``StackingRegressor`` /
  ``StackingClassifier`` of ``ptr-vote+ion``'s two members and
  ``ptr-scratch-combined`` (the network trained on the fold from scratch),
  combined by a linear model fitted on their 5-fold out-of-fold
  predictions (``RidgeCV``; for classification a logistic regression with
  balanced class weights, so that its 0.5 threshold sits where balanced
  accuracy, the label metric, is highest). Nothing is chosen on the test
  folds; the steels folds, where the network from scratch is the best
  model, and the other three, where the vote is, get the same recipe;
* ``ptr-scratch-combined``: ``ptr-scratch`` with the collapse study's best
  variant (``benchmarks/ptr_collapse_study.py``): absent cells 0, Kaiming
  initialisation, leaky ReLU;
* ``ptr-channels-scratch``: ``ptr-scratch-combined`` on the 9-channel image
  (the amount and eight element properties per cell,
  ``PeriodicTableEncoder(channels=...)``);
* ``ptr-finetuned-ensemble``: five ``ptr-finetuned`` networks from different
  seeds (:class:`~skmat.models.DeepEnsembleRegressor`/``Classifier``); for
  regression the spread is recalibrated on a 20 % holdout of the training
  rows, and ``matbench_uncertainty.csv`` gets its calibration on the test
  rows (share within ±1σ and ±2σ, miscalibration area) and the members'
  mean MAE.

The network models train for ``max(--min-epochs, --samples / n_train)``
epochs (so the 250-row steels folds get as many updates as the large
tasks) with the default AdamW and cosine decay and batches of 64, in the
pretrained network's precision (bfloat16 mixed precision).

The run is resumable: a (task, model, fold) already in the CSV is skipped,
and every row is written as soon as it is measured. With ``--dask`` every
fit is a Dask future (the random forest then grows its trees on one thread
per worker); rows are still written here, as fits finish (``_common.run_fits``).

Run::

    python benchmarks/matbench.py                                  # everything, ~2 h on 2 CPU cores
    python benchmarks/matbench.py --tasks steels --models rf-magpie ptr-finetuned --folds 0 1
    python benchmarks/matbench.py --dask tcp://scheduler:8786       # every fit a Dask future (see _common.run_fits)
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import functools
import math
import time
from pathlib import Path

import numpy as np

from benchmarks import _common
from benchmarks._common import RESULTS, Fit, add_dask_options, append_row, command_line, machine_description
from benchmarks._common import read_results, run_fits, scratch_architecture, use_all_cores, utc_now
from benchmarks.ptr_collapse_study import VARIANTS as COLLAPSE_VARIANTS

CACHE = _common.CACHE / "matbench"
TASKS = ("expt_gap", "steels", "expt_is_metal", "glass")
FEATURE_MODELS = ("ptr-features+rf", "ptr-features+hgb", "ptr-features+magpie+rf", "ptr-features+magpie+hgb",
                  "ptr-features+magpie+ion+hgb")
NETWORKS = ("ptr-scratch", "ptr-finetuned", "ptr-finetuned-frozen", "ptr-channels-scratch", "ptr-finetuned-ensemble",
            "ptr-scratch-combined")
#: suffix -> the task type it applies to: "-hurdle" wraps the model in a HurdleRegressor (a classifier for
#: "is the target 0", the model on the nonzero rows), "-tuned" in a TunedThresholdClassifierCV that picks the
#: decision threshold maximising balanced accuracy (the leaderboard's label metric) by 5-fold CV on the training rows.
WRAPPERS = {"-hurdle": "regression", "-tuned": "classification"}
#: The soft vote of rf-magpie and ptr-features+magpie+hgb (the mean of their probabilities or predictions).
VOTE_MODELS = ("ptr-vote", "ptr-vote+ion")
#: The Magpie baselines with the ionic features beside (the "+ion" controls without the network).
ION_MAGPIE_MODELS = ("rf-magpie+ion", "hgb-magpie+ion")
WRAPPED_MODELS = ("hgb-magpie-hurdle", "ptr-features+magpie+hgb-hurdle", "rf-magpie-tuned", "hgb-magpie-tuned",
                  "ptr-features+magpie+hgb-tuned", "ptr-vote-tuned", "ptr-vote-hurdle", "hgb-magpie+ion-tuned",
                  "hgb-magpie+ion-hurdle", "ptr-vote+ion-tuned", "ptr-vote+ion-hurdle")
#: The stack of the ionic vote's members and the network from scratch.
STACK_MODELS = ("ptr-stack+ion",)
MODELS = ("rf-magpie", "krr-magpie", *NETWORKS[:3], *FEATURE_MODELS, *NETWORKS[3:], "hgb-magpie", *VOTE_MODELS,
          *ION_MAGPIE_MODELS, *WRAPPED_MODELS, *STACK_MODELS)
#: The element channels of ptr-channels-scratch.
CHANNELS = ("amount", "electronegativity", "covalent_radius", "n_valence", "first_ionization_energy", "melting_point",
            "atomic_weight", "group", "period")
UNCERTAINTY_COLUMNS = ["task", "model", "fold", "mae", "mae_member_mean", "coverage_1sigma", "coverage_2sigma",
                       "miscalibration_area", "std_scale", "machine", "finished_utc"]
COLUMNS = [
    "task",
    "model",
    "fold",
    "mae",
    "roc_auc",
    "roc_auc_labels",
    "n_train",
    "n_test",
    "epochs",
    "fit_seconds",
    "machine",
    "finished_utc",
]
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    parser.add_argument("--models", nargs="+", choices=MODELS, default=list(MODELS))
    parser.add_argument("--folds", nargs="+", type=int, choices=range(5), default=list(range(5)))
    parser.add_argument("--samples", type=int, default=100_000, help="training samples seen per network fit")
    parser.add_argument("--min-epochs", type=int, default=20)
    parser.add_argument("--pretrained", default="oqmd",
                        help="the shipped network the ptr-* models start from or read features from; rows of another "
                             "than 'oqmd' are named '<model>[<network>]'")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=_common.positive_count("threads"), default=None,
                        help="torch threads and forest jobs (default: every core; 1 beside another heavy job)")
    parser.add_argument("--out", type=Path, default=RESULTS / "matbench.csv")
    add_dask_options(parser)
    return parser.parse_args(argv)


def split_name(name):
    """``(base model, wrapper suffix)``: ``"hgb-magpie-tuned"`` -> ``("hgb-magpie", "-tuned")``."""
    for suffix in WRAPPERS:
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


def uses_pretrained(name):
    """Whether the model reads the shipped network (weights, architecture or features)."""
    base = split_name(name)[0]
    return base in NETWORKS or base in FEATURE_MODELS or base in VOTE_MODELS or base in STACK_MODELS


def row_label(name, pretrained):
    """The ``model`` column of a row: ``name``, with ``[<network>]`` for a network other than ``oqmd``."""
    return f"{name}[{pretrained}]" if pretrained != "oqmd" and uses_pretrained(name) else name


def parse_label(label):
    """``(model, network)`` of a ``model`` column (``network`` is ``"oqmd"`` when none is named)."""
    if label.endswith("]") and "[" in label:
        name, network = label[:-1].split("[", 1)
        return name, network
    return label, "oqmd"


def applies(name, classification):
    """Whether ``name`` is run on a task of this type (a wrapper applies to one type only)."""
    suffix = split_name(name)[1]
    return not suffix or WRAPPERS[suffix] == ("classification" if classification else "regression")


def wrapped_model(name, classification, n_jobs, pretrained="oqmd"):
    """The ``-hurdle`` / ``-tuned`` model: the base model inside its wrapper."""
    from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

    from skmat.models import HurdleRegressor

    base, suffix = split_name(name)

    def build(as_classifier):
        if base in FEATURE_MODELS:
            return feature_model(base, as_classifier, n_jobs=n_jobs, pretrained=pretrained)
        if base in VOTE_MODELS:
            return vote_model(base, as_classifier, n_jobs=n_jobs, pretrained=pretrained)
        return magpie_model(base, as_classifier, n_jobs=n_jobs)

    if suffix == "-hurdle":
        return HurdleRegressor(build(True), build(False))
    return TunedThresholdClassifierCV(build(True), scoring="balanced_accuracy",
                                      cv=StratifiedKFold(5, shuffle=True, random_state=0), random_state=0)


def jobs(args):
    """``n_jobs`` of the forests: 1 per Dask worker (one core each), else ``--threads`` (every core by default)."""
    return 1 if args.dask else (args.threads or -1)


def n_epochs(n_train, args):
    return max(args.min_epochs, math.ceil(args.samples / n_train))


@functools.lru_cache(maxsize=None)
def pretrained_pipeline(name):
    """``skmat.load_pretrained(name)``, read and checksummed once per run (every fit copies its weights)."""
    from skmat import load_pretrained

    return load_pretrained(name)


def network_model(name, classification, epochs, args):
    from sklearn.base import clone
    from sklearn.pipeline import Pipeline

    from skmat import PeriodicTableEncoder, PTRCNNRegressor
    from skmat.models import PTRCNNClassifier

    from skmat.models import DeepEnsembleClassifier, DeepEnsembleRegressor

    estimator = PTRCNNClassifier if classification else PTRCNNRegressor
    params = dict(max_epochs=epochs, batch_size=64, random_state=args.seed, verbose=0)
    pretrained = pretrained_pipeline(args.pretrained)
    if name in ("ptr-scratch", "ptr-scratch-combined", "ptr-channels-scratch"):
        # The pretrained network's architecture, from random weights; but for ptr-scratch, with the
        # collapse study's "combined" variant (absent cells 0, Kaiming initialisation, leaky ReLU).
        encoder_params, network_params = COLLAPSE_VARIANTS["baseline" if name == "ptr-scratch" else "combined"]
        channels = CHANNELS if name == "ptr-channels-scratch" else None
        encoder = PeriodicTableEncoder(layout="full", amounts="fraction", channels=channels, **encoder_params)
        network = estimator(**{**scratch_architecture(pretrained[-1]), **network_params}, **params)
    elif name == "ptr-finetuned-ensemble":
        encoder = clone(pretrained[0])
        member = estimator.from_regressor(pretrained[-1], **{**params, "random_state": None})
        ensemble = DeepEnsembleClassifier if classification else DeepEnsembleRegressor
        extra = {} if classification else {"calibration": "holdout"}
        # Members train on one thread each (the ensemble's rule), so two at a time use both cores.
        network = ensemble(member, n_estimators=5, random_state=args.seed, n_jobs=jobs(args), **extra)
    else:
        encoder = clone(pretrained[0])
        network = estimator.from_regressor(pretrained[-1], freeze_features=name.endswith("frozen"), **params)
    return Pipeline([("encode", encoder), ("model", network)])


def feature_model(name, classification, n_jobs=-1, pretrained="oqmd"):
    """The shipped network's learned features (alone or beside Magpie's) under a forest or gradient boosting."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
        RandomForestClassifier,
        RandomForestRegressor,
    )
    from sklearn.pipeline import make_pipeline

    from skmat.models import PretrainedFeatures

    if name.endswith("+rf"):
        top = (RandomForestClassifier if classification else RandomForestRegressor)(
            n_estimators=500, n_jobs=n_jobs, random_state=0)
    else:
        top = (HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor)(
            max_iter=500, learning_rate=0.05, random_state=0)
    features = PretrainedFeatures(pretrained, layer="hidden", n_threads=1 if n_jobs == 1 else None)
    if "+magpie" not in name:
        return make_pipeline(features, top)
    joined = ColumnTransformer([("ptr", features, "formula")], remainder="passthrough")
    return make_pipeline(joined, top)


def reads_ionic(name):
    """Whether the model reads the ionic features beside Magpie's (its name holds ``+ion``)."""
    return "+ion" in name


def vote_model(name, classification, n_jobs=-1, pretrained="oqmd"):
    """``ptr-vote``: the mean of rf-magpie's and ptr-features+magpie+hgb's probabilities (or predictions).

    Both read the frame of :func:`with_magpie`; the forest sees only its Magpie columns.
    ``ptr-vote+ion`` is the same vote with the ionic columns given to both members.
    """
    from sklearn.ensemble import VotingClassifier, VotingRegressor

    members = vote_members(name, classification, n_jobs=n_jobs, pretrained=pretrained)
    return VotingClassifier(members, voting="soft") if classification else VotingRegressor(members)


def vote_members(name, classification, n_jobs=-1, pretrained="oqmd"):
    """The ``(name, estimator)`` members of the vote ``name`` (:func:`vote_model`; also :func:`stack_model`'s)."""
    from sklearn.compose import ColumnTransformer, make_column_selector
    from sklearn.pipeline import make_pipeline

    if name not in VOTE_MODELS:
        raise ValueError(f"unknown vote model {name!r}")
    ion = "+ion" if reads_ionic(name) else ""
    pattern = "^(?:magpie|ion)_" if ion else "^magpie_"
    forest_columns = ColumnTransformer([("magpie", "passthrough", make_column_selector(pattern=pattern))])
    return [
        (f"rf-magpie{ion}", make_pipeline(forest_columns, magpie_model("rf-magpie", classification, n_jobs=n_jobs))),
        (f"ptr-features+magpie{ion}+hgb", feature_model(f"ptr-features+magpie{ion}+hgb", classification,
                                                        n_jobs=n_jobs, pretrained=pretrained)),
    ]


def formula_column(frame):
    """The ``formula`` column of a :func:`with_magpie` frame, as the 1-D array a network's encoder reads."""
    return np.asarray(frame["formula"], dtype=object)


def stack_model(name, classification, epochs, args):
    """``ptr-stack+ion``: the ionic vote's members and ``ptr-scratch-combined``, stacked by a linear model.

    The linear model is fitted on the members' 5-fold out-of-fold predictions inside the training rows.
    """
    from sklearn.ensemble import StackingClassifier, StackingRegressor
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    if name not in STACK_MODELS:
        raise ValueError(f"unknown stack model {name!r}")
    network = make_pipeline(FunctionTransformer(formula_column),
                            network_model("ptr-scratch-combined", classification, epochs, args))
    members = [*vote_members("ptr-vote+ion", classification, n_jobs=jobs(args), pretrained=args.pretrained),
               ("ptr-scratch-combined", network)]
    if classification:
        return StackingClassifier(members, final_estimator=LogisticRegression(class_weight="balanced"),
                                  cv=StratifiedKFold(5, shuffle=True, random_state=0))
    return StackingRegressor(members, cv=KFold(5, shuffle=True, random_state=0))


def with_magpie(formulas, magpie, ionic=None):
    """A DataFrame of the formulas (column "formula"), their Magpie features (magpie_0, ...) and, when
    given, their ionic features (ion_0, ...)."""
    import pandas as pd

    blocks = [("magpie", magpie)] + ([("ion", ionic)] if ionic is not None else [])
    frame = pd.concat([pd.DataFrame(np.asarray(values, dtype=float),
                                    columns=[f"{prefix}_{i}" for i in range(np.shape(values)[1])])
                       for prefix, values in blocks], axis=1)
    frame.insert(0, "formula", np.asarray(formulas, dtype=object))
    return frame


def uncertainty_scores(model, X_test, y_test):
    """The regression ensemble's test MAE, its members' mean MAE, and the calibration of its spread."""
    from scipy.stats import norm
    from sklearn.metrics import mean_absolute_error

    y = np.asarray(y_test, dtype=float)
    mean, std = model.predict(X_test, return_std=True)
    images = model[:-1].transform(X_test)
    members = [mean_absolute_error(y, member.predict(images)) for member in model[-1].estimators_]
    z = np.abs(y - mean) / np.maximum(std, np.finfo(float).tiny)
    expected = np.linspace(0.0, 1.0, 101)  # centred Gaussian intervals holding this share
    observed = np.array([np.mean(z <= norm.ppf(0.5 + p / 2)) for p in expected])
    return {
        "mae": float(mean_absolute_error(y, mean)),
        "mae_member_mean": float(np.mean(members)),
        "coverage_1sigma": float(np.mean(z <= 1)),
        "coverage_2sigma": float(np.mean(z <= 2)),
        "miscalibration_area": float(np.trapezoid(np.abs(observed - expected), expected)),
        "std_scale": float(np.ravel(model[-1].std_scale_)[0]),
    }


def magpie_model(name, classification, n_jobs=-1):
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
        RandomForestClassifier,
        RandomForestRegressor,
    )
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    name = name.removesuffix("+ion")  # the ionic columns are in the array it is given
    if name == "rf-magpie":
        forest = RandomForestClassifier if classification else RandomForestRegressor
        return forest(n_estimators=500, n_jobs=n_jobs, random_state=0)
    if name == "hgb-magpie":
        booster = HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
        return booster(max_iter=500, learning_rate=0.05, random_state=0)
    # Kernel ridge has no intercept: the target is standardised around it.
    model = TransformedTargetRegressor(make_pipeline(StandardScaler(), KernelRidge(kernel="rbf")), transformer=StandardScaler())
    grid = {
        "regressor__kernelridge__alpha": [1e-3, 1e-2, 1e-1, 1.0],
        "regressor__kernelridge__gamma": [3e-4, 1e-3, 3e-3, 1e-2, 3e-2],
    }
    return GridSearchCV(model, grid, cv=3, scoring="neg_mean_absolute_error", n_jobs=1)


def scores(model, name, classification, X_test, y_test):
    from sklearn.metrics import mean_absolute_error, roc_auc_score

    if not classification:
        return {"mae": float(mean_absolute_error(y_test, model.predict(X_test)))}
    if name == "krr-magpie":
        output = model.predict(X_test)
        score, labels = output, output > 0.5
    else:
        score = model.predict_proba(X_test)[:, list(model.classes_).index(True)]
        labels = model.predict(X_test)
    return {
        "roc_auc": float(roc_auc_score(y_test, score)),
        "roc_auc_labels": float(roc_auc_score(y_test, np.asarray(labels, dtype=float))),
    }


def is_done(results, task, model, fold):
    if not len(results):
        return False
    return bool(((results["task"] == task) & (results["model"] == model) & (results["fold"].astype(int) == fold)).any())


def fit_one(task, model_name, fold, X_train, y_train, X_test, y_test, classification, args):
    """Train one model on one fold and score it: one row. Runs where the fit runs (here or a Dask worker)."""
    epochs = ""
    if model_name in NETWORKS:
        epochs = n_epochs(len(X_train), args)
        model = network_model(model_name, classification, epochs, args)
    elif model_name in STACK_MODELS:
        epochs = n_epochs(len(X_train), args)
        model = stack_model(model_name, classification, epochs, args)
    elif split_name(model_name)[1]:
        model = wrapped_model(model_name, classification, n_jobs=jobs(args), pretrained=args.pretrained)
    elif model_name in VOTE_MODELS:
        model = vote_model(model_name, classification, n_jobs=jobs(args), pretrained=args.pretrained)
    elif model_name in FEATURE_MODELS:
        model = feature_model(model_name, classification, n_jobs=jobs(args), pretrained=args.pretrained)
    else:
        # On Dask each worker is one core: the forest's trees then grow on one thread.
        model = magpie_model(model_name, classification, n_jobs=jobs(args))
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    row = {
        "task": task,
        "model": row_label(model_name, args.pretrained),
        "fold": fold,
        "mae": "",
        "roc_auc": "",
        "roc_auc_labels": "",
        "n_train": len(X_train),
        "n_test": len(X_test),
        "epochs": epochs,
        "fit_seconds": round(seconds, 1),
        "machine": machine_description(),
        "finished_utc": utc_now(),
    }
    row.update({key: round(value, 4) for key, value in scores(model, model_name, classification, X_test, y_test).items()})
    if model_name == "ptr-finetuned-ensemble" and not classification:
        row["uncertainty"] = {key: round(value, 4) for key, value in uncertainty_scores(model, X_test, y_test).items()}
    return row


def main(argv=None):
    args = parse_args(argv)
    from skmat.datasets import load_matbench

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    else:
        use_all_cores()
    header = f"# made by: {command_line(argv)} (resumable; machine per row) | Matbench v0.1 official folds, one row per fold"
    results = read_results(args.out, COLUMNS)
    fits = []
    for task in args.tasks:
        bench = load_matbench(task)
        classification = bench.task_type == "classification"
        X = np.asarray(bench.data, dtype=object)
        y = np.asarray(bench.target)
        features = {}

        def read(kind):
            """The task's Magpie or ionic features, computed (or read from the cache) once."""
            if kind not in features:
                featurize = _common.magpie_features if kind == "magpie" else _common.ionic_features
                features[kind] = featurize(X, cache=CACHE / f"{task}_{kind}.npz")
            return features[kind]

        for model_name in args.models:
            if not applies(model_name, classification):
                print(f"skip {task} / {model_name}: the wrapper applies to the other task type")
                continue
            base = split_name(model_name)[0]
            for fold in args.folds:
                if is_done(results, task, row_label(model_name, args.pretrained), fold):
                    print(f"skip {task} / {model_name} / fold {fold}: already in {args.out}")
                    continue
                train, test = bench.folds[fold]
                if base in NETWORKS or base in FEATURE_MODELS and "+magpie" not in base:
                    X_train, X_test = X[train], X[test]
                elif base in FEATURE_MODELS or base in VOTE_MODELS or base in STACK_MODELS:
                    joined = with_magpie(X, read("magpie"), read("ionic") if reads_ionic(base) else None)
                    X_train, X_test = joined.iloc[train], joined.iloc[test]
                else:
                    table = np.hstack([read("magpie"), read("ionic")]) if reads_ionic(base) else read("magpie")
                    X_train, X_test = table[train], table[test]
                y_train = y[train].astype(float) if model_name == "krr-magpie" else y[train]
                fits.append(Fit(f"{task} / {model_name} / fold {fold}", fit_one,
                                (task, model_name, fold, X_train, y_train, X_test, y[test], classification, args)))

    def write(fit, row):
        uncertainty = row.pop("uncertainty", None)
        print(row, flush=True)
        append_row(args.out, row, COLUMNS, header)
        if uncertainty is not None:
            extra = {key: row[key] for key in ("task", "model", "fold", "machine", "finished_utc")}
            append_row(args.out.with_name(args.out.stem + "_uncertainty.csv"), {**extra, **uncertainty},
                       UNCERTAINTY_COLUMNS, header)

    run_fits(fits, write, dask=args.dask, n_workers=args.dask_workers)


if __name__ == "__main__":
    main()
