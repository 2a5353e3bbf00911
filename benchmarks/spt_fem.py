"""Small punch models on published finite-element runs: sim-only, multi-fidelity, rig realism.

Every model of the paper's Table II (``spt_table2.py --quick`` sizes) and the
classical inverse method (:class:`~skmat.models.SPTInverseFitRegressor`) are
scored on the 40 bundled LS-DYNA runs (:func:`~skmat.datasets.load_small_punch_fem`)
by the median per-curve MAPE over the plastic points of each run's own
true stress–strain curve (the prediction, made on ``DEFAULT_STRAIN``, is
interpolated onto the run's strain points; the truth is never resampled).

Parts (``--parts``):

``sim-only``
    Trained on simulated curves only (``make_small_punch_test`` with
    ``K`` 150–700 MPa, ``n`` 0.06–0.55, ``t`` 1–4 mm, which cover the FE runs'
    200–550 MPa, 0.10–0.48 and 1–4 mm), tested on all 40 runs. Each fitted
    pipeline is cached (``save_pipeline``) for the other parts.
``multi-fidelity``
    For k = 5, 10, 20, 30 FE runs drawn at random (``--repeats`` draws per
    k), tested on the other 40 − k: the sim-trained model fine-tuned on the
    k runs (``warm_start``, all layers, and with the feature extractor
    frozen where the network has one), the same network trained on the k
    runs alone, the sim-only model and the inverse method, on the same
    draws.
``rig``
    The sim-only models on FE inputs perturbed as a test rig does: force
    noise, a displacement offset, machine compliance
    (:func:`~skmat.datasets.perturb_small_punch`); with ``--rig-augment``,
    models trained on simulated curves carrying such effects
    (``make_small_punch_test(rig=...)``), on clean and perturbed FE inputs.

Rows are appended as fits finish (``results/spt_fem_*.csv``, first lines:
the commands that wrote them), so a stopped run continues where it stopped
when the same command is run again. Every run redraws ``spt_fem.png`` from
the CSVs.

Run::

    python benchmarks/spt_fem.py                      # all parts, 2 CPU cores
    python benchmarks/spt_fem.py --parts sim-only --models ANN GAF-Seq2Seq
    python benchmarks/spt_fem.py --dask local         # sim-trained and multi-fidelity fits as Dask futures
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import time
from pathlib import Path

import numpy as np

from benchmarks import _common
from benchmarks._common import RESULTS, Fit, add_dask_options, append_row, command_line, dask_session
from benchmarks._common import machine_description, pyplot, read_results, run_fits, save_figure

CACHE = _common.CACHE / "spt_fem"
NETWORKS = ["GAF-Seq2Seq", "1D LSTM", "GRU Seq2Seq", "Transformer Seq2Seq", "ANN"]
KRR = "KRR"
INVERSE = "Inverse fit"
SIM_RANGES = dict(strength_coefficient_range=(150.0, 700.0), hardening_exponent_range=(0.06, 0.55),
                  thickness_range=(1.0, 4.0))
KS = (5, 10, 20, 30)
PLASTIC = slice(2, None)  # strain 0 and the yield point are not plastic points
SIM_COLUMNS = ["model", "n_sim", "epochs", "fe_mape_median", "fe_mape_max", "sim_mape_median", "fit_seconds"]
MF_COLUMNS = ["model", "strategy", "k", "repeat", "n_test", "fe_mape_median", "fit_seconds"]
RIG_COLUMNS = ["model", "perturbation", "level", "fe_mape_median"]


# ---------------------------------------------------------------- data and scores


def fem_data():
    """The 40 FE runs: X (forces + thickness column), targets on own and default strain points."""
    from skmat.datasets import load_small_punch_fem

    own = load_small_punch_fem(strain_grid="own")
    default = load_small_punch_fem(strain_grid="default")
    X = np.column_stack([own.data, own.params["thickness"].to_numpy()])
    return X, own.target, own.strain, default.target, own.params


#: Rig effects drawn per training curve with --rig-augment (make_small_punch_test's rig=).
RIG_AUGMENTATION = {"noise": (0.0, 0.03), "displacement_offset": (-0.03, 0.03), "compliance": (0.0, 3e-5)}


def sim_data(n_samples, random_state, rig=None):
    from skmat.datasets import make_small_punch_test

    spt = make_small_punch_test(n_samples, random_state=random_state, rig=rig, **SIM_RANGES)
    return np.column_stack([spt.data, spt.params["thickness"].to_numpy()]), spt.target, spt.strain


def fe_mape(y_pred, own_target, own_strain, pred_strain):
    """Per-run MAPE over the plastic points of each run's own curve (prediction interpolated)."""
    from skmat.metrics import curve_mape, interpolate_curves

    # Each run's last point lies 0.003-0.008 past the 0.99 end of DEFAULT_STRAIN.
    at_own = interpolate_curves(y_pred, pred_strain, own_strain, extrapolate="linear")
    return curve_mape(own_target, at_own, points=PLASTIC)


# ---------------------------------------------------------------- models


def build(name, args):
    """A fresh pipeline (or the inverse estimator) by Table II name."""
    if name == INVERSE:
        from skmat.models import SPTInverseFitRegressor

        return SPTInverseFitRegressor()
    from benchmarks import spt_table2

    table_args = argparse.Namespace(quick=True, epochs=args.epochs, random_state=args.random_state,
                                    device="cpu", verbose=False, thickness=True, models=[name])
    return spt_table2.build_models(table_args)[name]()


def sim_model_path(name, args, tag=""):
    """Where the sim-trained pipeline of this command is cached (the simulator's constants are in the key)."""
    import hashlib

    from skmat.datasets import DEFAULT_CONSTANTS

    # The simulator's constants are part of the key: a recalibration makes new training curves.
    simulator = hashlib.sha256(repr(DEFAULT_CONSTANTS).encode()).hexdigest()[:8]
    return CACHE / f"{name.replace(' ', '_')}{tag}-n{args.n_sim}-e{args.epochs}-s{args.random_state}-{simulator}.pt"


def fit_sim_model(name, args, X_sim, y_sim):
    """A pipeline trained on simulated curves, and its fit seconds (runs here or on a Dask worker)."""
    model = build(name, args)
    start = time.perf_counter()
    model.fit(X_sim, y_sim)
    return model, time.perf_counter() - start


def sim_models(names, args, X_sim, y_sim, tag=""):
    """The sim-trained pipelines: read from the cache, the missing ones fitted (as Fits) and cached here.

    Returns ``{name: (pipeline, fit seconds or None if read from the cache)}``.
    """
    from skmat import load_pipeline, save_pipeline

    found = {}
    missing = []
    for name in dict.fromkeys(names):
        path = sim_model_path(name, args, tag)
        if path.exists():
            found[name] = (load_pipeline(path), None)
        else:
            missing.append(Fit(f"sim-trained {name}{tag}", fit_sim_model, (name, args, X_sim, y_sim)))

    def keep(fit, result):
        name = fit.args[0]
        model, seconds = result
        CACHE.mkdir(parents=True, exist_ok=True)
        save_pipeline(model, sim_model_path(name, args, tag))
        found[name] = (model, seconds)

    run_fits(missing, keep, dask=args.dask, n_workers=args.dask_workers)
    return found


# ---------------------------------------------------------------- parts


def run_sim_only(args, header, fem, sim):
    X_fe, own_target, own_strain, _, _ = fem
    X_sim, y_sim, strain = sim
    n_train = args.n_sim - args.n_sim_test
    path = args.out / "spt_fem_sim_only.csv"
    done = set(read_results(path, SIM_COLUMNS)["model"])
    names = [name for name in args.models if name not in done]
    networks = sim_models([name for name in names if name != INVERSE], args, X_sim[:n_train], y_sim[:n_train])
    from skmat.metrics import curve_mape

    for name in names:
        print(f"== sim-only {name}", flush=True)
        if name == INVERSE:
            model, seconds = build(name, args).fit(X_sim[:n_train], y_sim[:n_train]), 0.0
        else:
            model, seconds = networks[name]
        scores = fe_mape(model.predict(X_fe), own_target, own_strain, strain)
        sim_scores = curve_mape(y_sim[n_train:], model.predict(X_sim[n_train:]), points=PLASTIC)
        row = {"model": name, "n_sim": n_train, "epochs": args.epochs,
               "fe_mape_median": 100 * np.median(scores), "fe_mape_max": 100 * scores.max(),
               "sim_mape_median": 100 * np.median(sim_scores),
               "fit_seconds": seconds if seconds is not None else np.nan}
        append_row(path, row, SIM_COLUMNS, header)
        print(f"   FE median MAPE {row['fe_mape_median']:.2f} % (max {row['fe_mape_max']:.1f}), "
              f"simulated {row['sim_mape_median']:.2f} %", flush=True)


def draws(k, repeats, thickness, random_state):
    """``repeats`` random sets of k FE runs, each with at least one run of the thinnest and another thickness."""
    rng = np.random.default_rng(random_state + 1000 * k)
    for _ in range(repeats):
        while True:
            picked = np.sort(rng.choice(len(thickness), size=k, replace=False))
            if len(np.unique(thickness[picked])) > 1 or k < 2:
                yield picked
                break


def fine_tune(model, X, y, *, frozen, args):
    """Warm-start the last step on what the fitted encoder makes of the k runs (the encoder is kept)."""
    features = model[:-1].transform(X)
    network = model[-1]
    network.set_params(warm_start=True, max_epochs=args.fine_tune_epochs, batch_size=8,
                       lr=network.lr * args.fine_tune_lr_factor, freeze_features=frozen, verbose=0)
    network.fit(features, y)
    return model


def multi_fidelity_fit(name, strategy, train, test, args, fem, strain, sim_model):
    """One multi-fidelity fit and its score on the other FE runs (runs here or on a Dask worker).

    Returns ``(median MAPE in %, fit seconds)``. ``sim_model`` (the
    sim-trained pipeline, for the sim-only and fine-tuning strategies) is
    copied before fine-tuning changes it.
    """
    import copy

    X_fe, own_target, own_strain, default_target, _ = fem
    start = time.perf_counter()
    if strategy == "inverse":
        model = build(name, args).fit(X_fe[train], default_target[train])
    elif strategy == "fe-only":
        model = build(name, args)
        if name != KRR:
            model[-1].set_params(max_epochs=args.fe_only_epochs, batch_size=8, verbose=0)
        model.fit(X_fe[train], default_target[train])
    else:
        model = copy.deepcopy(sim_model)
        if strategy != "sim-only":
            fine_tune(model, X_fe[train], default_target[train], frozen=strategy == "fine-tune-frozen", args=args)
    seconds = time.perf_counter() - start
    scores = fe_mape(model.predict(X_fe[test]), own_target[test], own_strain[test], strain)
    return 100 * np.median(scores), seconds


def run_multi_fidelity(args, header, fem, sim):
    X_fe, *_, params = fem
    X_sim, y_sim, strain = sim
    tag = "-rig" if args.rig_augment else ""
    if args.rig_augment:  # pretrain on simulated curves with rig effects (the FE inputs stay clean)
        X_sim, y_sim, _ = sim_data(args.n_sim, args.random_state, rig=RIG_AUGMENTATION)
    n_train = args.n_sim - args.n_sim_test
    thickness = params["thickness"].to_numpy()
    path = args.out / "spt_fem_multifidelity.csv"
    done = {tuple(r) for r in read_results(path, MF_COLUMNS)[["model", "strategy", "k", "repeat"]]
            .astype(str).itertuples(index=False)}
    planned = []
    for k in args.ks:
        for repeat, train in enumerate(draws(k, args.repeats, thickness, args.random_state)):
            test = np.setdiff1d(np.arange(len(X_fe)), train)
            for name in args.models:
                strategies = {INVERSE: ["inverse"], KRR: ["sim-only", "fe-only"]}.get(
                    name, ["sim-only", "fine-tune", "fine-tune-frozen", "fe-only"])
                if args.rig_augment:  # only what the pretraining changes
                    strategies = [s for s in strategies if s in ("sim-only", "fine-tune", "fine-tune-frozen")]
                label = f"{name} + rig augmentation" if args.rig_augment else name
                for strategy in strategies:
                    if (label, strategy, str(k), str(repeat)) not in done:
                        planned.append((name, label, strategy, k, repeat, train, test))
    needing = [p[0] for p in planned if p[2] in ("sim-only", "fine-tune", "fine-tune-frozen")]
    pretrained = sim_models(needing, args, X_sim[:n_train], y_sim[:n_train], tag=tag)
    fits = []
    for name, label, strategy, k, repeat, train, test in planned:
        sim_model = pretrained[name][0] if name in pretrained else None
        if strategy == "fine-tune-frozen" and not getattr(sim_model[-1].module, "feature_modules", ()):
            continue  # no feature extractor to freeze (the ANN)
        fits.append(Fit(f"k={k} #{repeat} {label} {strategy}", multi_fidelity_fit,
                        (name, strategy, train, test, args, fem, strain, sim_model),
                        row={"model": label, "strategy": strategy, "k": k, "repeat": repeat, "n_test": len(test)}))

    def write(fit, result):
        mape, seconds = result
        row = {**fit.row, "fe_mape_median": mape, "fit_seconds": seconds}
        append_row(path, row, MF_COLUMNS, header)
        print(f"   {fit.label}: {mape:.2f} %", flush=True)

    run_fits(fits, write, dask=args.dask, n_workers=args.dask_workers)


def perturb(X, kind, level, random_state):
    """FE inputs as a test rig records them (forces in N, last column the thickness in mm)."""
    from skmat.datasets import perturb_small_punch

    forces, thickness = X[:, :-1], X[:, -1:]
    return np.column_stack([perturb_small_punch(forces, **{kind: level}, random_state=random_state), thickness])


def run_rig(args, header, fem, sim):
    X_fe, own_target, own_strain, _, _ = fem
    X_sim, y_sim, strain = sim
    n_train = args.n_sim - args.n_sim_test
    path = args.out / "spt_fem_rig.csv"
    done = {tuple(r) for r in read_results(path, RIG_COLUMNS)[["model", "perturbation", "level"]]
            .astype(str).itertuples(index=False)}
    levels = {"noise": (0.01, 0.03), "displacement_offset": (0.01, 0.03), "compliance": (1e-5, 3e-5)}
    if args.rig_augment:
        levels = {"none": (0.0,), **levels}
        X_sim, y_sim, _ = sim_data(args.n_sim, args.random_state, rig=RIG_AUGMENTATION)
    networks = sim_models([name for name in args.models if name != INVERSE], args, X_sim[:n_train], y_sim[:n_train],
                          tag="-rig" if args.rig_augment else "")
    for name in args.models:
        if args.rig_augment and name == INVERSE:
            continue  # the inverse fit learns nothing from training curves: augmenting them changes nothing
        label = f"{name} + rig augmentation" if args.rig_augment else name
        if name == INVERSE:
            model = build(name, args).fit(X_sim[:n_train], y_sim[:n_train])
        else:
            model = networks[name][0]
        for kind, values in levels.items():
            for level in values:
                if (label, kind, str(level)) in done:
                    continue
                X = X_fe if kind == "none" else perturb(X_fe, kind, level, args.random_state)
                scores = fe_mape(model.predict(X), own_target, own_strain, strain)
                row = {"model": label, "perturbation": kind, "level": level,
                       "fe_mape_median": 100 * np.median(scores)}
                append_row(path, row, RIG_COLUMNS, header)
                print(f"   rig {label} {kind}={level}: {row['fe_mape_median']:.2f} %", flush=True)


def plot(out):
    """``spt_fem.png``: sim-only errors per model, and the error against k for each strategy."""
    plt = pyplot()
    sim = read_results(out / "spt_fem_sim_only.csv", SIM_COLUMNS)
    mf = read_results(out / "spt_fem_multifidelity.csv", MF_COLUMNS)
    if sim.empty and mf.empty:
        return
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [1, 1.6]})
    if not sim.empty:
        order = sim.sort_values("fe_mape_median")
        left.barh(order["model"], order["fe_mape_median"].astype(float), color="tab:blue", label="FE runs")
        left.barh(order["model"], order["sim_mape_median"].astype(float), color="tab:orange", height=0.4,
                  label="simulated test curves")
        left.invert_yaxis()
        left.set_xlabel("median per-curve MAPE, plastic points (%)")
        left.set_title("trained on simulations only")
        left.legend(fontsize=8)
    if not mf.empty:
        mf = mf.assign(fe_mape_median=mf["fe_mape_median"].astype(float), k=mf["k"].astype(int))
        styles = {"sim-only": ":", "fine-tune": "-", "fine-tune-frozen": "--", "fe-only": "-.", "inverse": "-"}
        colors = dict(zip(mf["model"].unique(), plt.rcParams["axes.prop_cycle"].by_key()["color"]))
        for (model, strategy), part in mf.groupby(["model", "strategy"], sort=False):
            medians = part.groupby("k")["fe_mape_median"].median()
            right.plot(medians.index, medians.values, styles.get(strategy, "-"), marker="o", ms=3,
                       color="k" if strategy == "inverse" else colors[model], label=f"{model}, {strategy}")
        right.set_yscale("log")
        right.set_xlabel("FE runs used for training (k)")
        right.set_ylabel("median MAPE on the other runs (%)")
        right.set_title("multi-fidelity (median over draws)")
        right.legend(fontsize=6, ncol=2)
    save_figure(fig, out / "spt_fem.png")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["sim-only", "multi-fidelity", "rig"],
                        choices=["sim-only", "multi-fidelity", "rig"])
    parser.add_argument("--models", nargs="+", default=[*NETWORKS, KRR, INVERSE])
    parser.add_argument("--n-sim", type=int, default=5000, help="simulated curves (train + test)")
    parser.add_argument("--n-sim-test", type=int, default=500)
    parser.add_argument("--epochs", type=int, default=40, help="epochs on simulated curves")
    parser.add_argument("--ks", type=int, nargs="+", default=list(KS))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--fine-tune-epochs", type=int, default=30)
    parser.add_argument("--fine-tune-lr-factor", type=float, default=0.05,
                        help="fine-tuning learning rate as a fraction of the model's (AdamW's first steps move "
                             "every weight by about the learning rate, which undoes a converged network at 1/4)")
    parser.add_argument("--fe-only-epochs", type=int, default=150)
    parser.add_argument("--rig-augment", action="store_true",
                        help="train on simulated curves with rig effects drawn per curve (RIG_AUGMENTATION, "
                             "make_small_punch_test's rig=); the rig part then also scores clean FE inputs, the "
                             "multi-fidelity part fine-tunes these models")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    add_dask_options(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    header = f"# made by: {command_line(argv)} | {machine_description()}"
    fem = fem_data()
    sim = sim_data(args.n_sim, args.random_state)
    parts = {"sim-only": run_sim_only, "multi-fidelity": run_multi_fidelity, "rig": run_rig}
    with dask_session(args.dask, args.dask_workers):
        for part in args.parts:
            parts[part](args, header, fem, sim)
    plot(args.out)


if __name__ == "__main__":
    main()
