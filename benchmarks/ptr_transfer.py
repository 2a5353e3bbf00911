"""Transfer learning to stability (the paper's Fig. 3 and its premise), on Materials Project labels.

1. A multi-task :class:`~skmat.PTRCNNRegressor` trained on OQMD X2YZ
   enthalpies and lattice parameters is the starting point: the 60k model
   saved by ``ptr_learning_curves.py --save-models benchmarks/cache`` if it
   exists (``--pretrained``), otherwise one trained here on
   ``--pretrain-size`` compounds.
2. Labels: :func:`~skmat.datasets.load_mp_heusler_stability` (on the hull =
   stable), restricted to compositions the paper's 5 x 16 table can encode.
   CrabNet's ``test`` split is the fixed test set; ``train`` + ``val`` is the
   pool from which 100, 300, 1,000 and all labels are drawn (``--repeats``
   draws per size).
3. For each draw: a :class:`~skmat.PTRCNNClassifier` from scratch, one
   fine-tuned from the regressor (all layers but the output), and one with
   the convolutional layers frozen; and, as the obvious non-neural
   alternative, a random forest (500 trees) on the flattened table. Also a
   zero-label reference: the
   regressor's predicted formation enthalpy as a stability score (ROC AUC of
   ``-ΔHf``). ROC AUC and accuracy on the test set go to
   ``results/ptr_transfer.csv`` and ``ptr_transfer.png``.
4. The Fig. 3 analogue: the classifier fine-tuned on the most labels predicts
   every OQMD X2YZ composition of the paper subset; compounds with
   p > ``--threshold`` are counted by X-site element (line chart and
   periodic-table heatmap) and the W2YZ probabilities are drawn as a Y x Z
   heatmap: ``ptr_stability_fig3.png``, ``ptr_stable_by_x.csv``.

Run::

    python benchmarks/ptr_transfer.py                      # ~8 min on 2 CPU cores with a cached 60k model
    python benchmarks/ptr_transfer.py --quick              # smoke run, 1 min
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import pickle
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._common import CACHE, RESULTS, command_line, machine_description, pyplot, save_figure
from benchmarks._common import PAPER_IMAGE, PAPER_NETWORK, use_all_cores, write_table


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pretrained", type=Path, default=CACHE / "ptr-mt-whiten-60000.pkl")
    parser.add_argument("--pretrain-size", type=int, default=20000)
    parser.add_argument("--pretrain-epochs", type=int, default=20)
    parser.add_argument("--labels", nargs="+", default=["100", "300", "1000", "all"])
    parser.add_argument("--repeats", type=int, default=3, help="random label draws per size (1 for 'all')")
    parser.add_argument("--sample-budget", type=int, default=60_000)
    parser.add_argument("--min-epochs", type=int, default=30)
    parser.add_argument("--max-epochs", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threshold", type=float, default=0.99)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--quick", action="store_true", help="tiny settings for a smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.pretrain_size, args.pretrain_epochs = 600, 1
        args.labels, args.repeats = ["100", "300"], 1
        args.sample_budget, args.min_epochs, args.max_epochs = 300, 1, 2
        args.pretrained = None
    return args


def pretrained_regressor(args):
    """The fitted encoder + regressor pipeline, from the cache or trained here."""
    if args.pretrained is not None and args.pretrained.exists():
        with open(args.pretrained, "rb") as handle:
            model = pickle.load(handle)
        return model, f"loaded {args.pretrained.name}"
    from sklearn.pipeline import Pipeline

    from skmat import PeriodicTableEncoder, PTRCNNRegressor
    from skmat.datasets import load_oqmd_heusler

    X, y = load_oqmd_heusler(subset="paper", outliers="drop", return_X_y=True)
    order = np.random.default_rng(0).permutation(len(X))[5000 : 5000 + args.pretrain_size]
    model = Pipeline(
        [
            ("encode", PeriodicTableEncoder(**PAPER_IMAGE)),
            (
                "model",
                PTRCNNRegressor(
                    **PAPER_NETWORK, max_epochs=args.pretrain_epochs, batch_size=128, random_state=0,
                    device=args.device,
                ),
            ),
        ]
    )
    start = time.perf_counter()
    model.fit(X[order], y[order])
    return model, f"trained here on {args.pretrain_size} OQMD X2YZ compounds ({time.perf_counter() - start:.0f} s)"


def stability_data():
    """MP X2YZ compositions encodable in the paper's table, with CrabNet's split."""
    from skmat.datasets import load_mp_heusler_stability
    from skmat.encoders import periodic_table_layout

    frame = load_mp_heusler_stability().frame
    cells = set(periodic_table_layout("paper").elements)
    frame = frame[frame[["X", "Y", "Z"]].isin(cells).all(axis=1)].reset_index(drop=True)
    test = frame["split"] == "test"
    return frame[~test].reset_index(drop=True), frame[test].reset_index(drop=True)


def classifier(kind, regressor, n, args, seed):
    from sklearn.pipeline import Pipeline

    from skmat import PeriodicTableEncoder, PTRCNNClassifier

    if kind == "random forest":
        from sklearn.ensemble import RandomForestClassifier

        forest = RandomForestClassifier(n_estimators=500, n_jobs=-1, random_state=seed)
        return Pipeline([("encode", PeriodicTableEncoder(output="flat", **PAPER_IMAGE)), ("model", forest)]), 0
    epochs = int(np.clip(-(-args.sample_budget // n), args.min_epochs, args.max_epochs))
    params = dict(max_epochs=epochs, batch_size=args.batch_size, random_state=seed, device=args.device)
    if kind == "scratch":
        model = PTRCNNClassifier(**PAPER_NETWORK, **params)
    else:
        model = PTRCNNClassifier.from_regressor(regressor, freeze_features=kind == "transfer, frozen", **params)
    return Pipeline([("encode", PeriodicTableEncoder(**PAPER_IMAGE)), ("model", model)]), epochs


def scores(y_true, proba):
    from sklearn.metrics import accuracy_score, roc_auc_score

    return roc_auc_score(y_true, proba), accuracy_score(y_true, proba > 0.5)


def transfer_table(regressor, pool, test, args):
    from sklearn.metrics import roc_auc_score

    rows = []
    X_test, y_test = test["formula"].to_numpy(object), test["stable"].to_numpy(bool)
    enthalpy = regressor.predict(X_test)[:, 0]
    rows.append(
        {
            "method": "pretrained ΔHf as score (no labels)",
            "n_labels": 0,
            "repeat": 0,
            "roc_auc": roc_auc_score(y_test, -enthalpy),
            "accuracy": np.nan,
            "epochs": 0,
            "fit_seconds": 0.0,
        }
    )
    final, final_n = None, -1
    for label in args.labels:
        n = len(pool) if label == "all" else min(int(label), len(pool))
        repeats = 1 if n == len(pool) else args.repeats
        for repeat in range(repeats):
            draw = np.random.default_rng(100 + repeat).permutation(len(pool))[:n]
            X_fit = pool["formula"].to_numpy(object)[draw]
            y_fit = pool["stable"].to_numpy(bool)[draw]
            for kind in ("scratch", "transfer", "transfer, frozen", "random forest"):
                model, epochs = classifier(kind, regressor, n, args, seed=repeat)
                start = time.perf_counter()
                model.fit(X_fit, y_fit)
                seconds = time.perf_counter() - start
                auc, accuracy = scores(y_test, model.predict_proba(X_test)[:, 1])
                rows.append(
                    {
                        "method": kind,
                        "n_labels": n,
                        "repeat": repeat,
                        "roc_auc": auc,
                        "accuracy": accuracy,
                        "epochs": epochs,
                        "fit_seconds": round(seconds, 1),
                    }
                )
                print(f"   {kind:17s} n={n:5d} #{repeat}: AUC {auc:.3f}, accuracy {accuracy:.3f}, {seconds:.0f} s", flush=True)
                if kind == "transfer" and n > final_n:
                    final, final_n = model, n
    return pd.DataFrame(rows), final


def summarize(table):
    return (
        table.groupby(["method", "n_labels"], sort=False)
        .agg(
            roc_auc=("roc_auc", "mean"),
            roc_auc_sd=("roc_auc", "std"),
            accuracy=("accuracy", "mean"),
            accuracy_sd=("accuracy", "std"),
            draws=("repeat", "count"),
            fit_seconds=("fit_seconds", "mean"),
        )
        .reset_index()
    )


def plot_transfer(summary, path):
    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    reference = summary[summary["n_labels"] == 0]
    for ax, metric in zip(axes, ("roc_auc", "accuracy")):
        for method, part in summary[summary["n_labels"] > 0].groupby("method", sort=False):
            ax.errorbar(part["n_labels"], part[metric], yerr=part[f"{metric}_sd"].fillna(0), marker="o", capsize=3, label=method)
        if metric == "roc_auc" and len(reference):
            ax.axhline(reference["roc_auc"].iloc[0], color="grey", ls=":", label="pretrained ΔHf as score")
        ax.set_xscale("log")
        ax.set_xlabel("labelled MP X2YZ compounds")
        ax.set_ylabel({"roc_auc": "ROC AUC", "accuracy": "accuracy"}[metric])
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle("Stability (on the MP hull) of X2YZ compounds, fixed test set")
    save_figure(fig, path)


def stability_map(model, threshold):
    """Probabilities for every OQMD X2YZ composition of the paper subset."""
    from skmat.datasets import load_oqmd_heusler

    frame = load_oqmd_heusler(subset="paper").frame[["formula", "X", "Y", "Z"]].copy()
    frame["p_stable"] = model.predict_proba(frame["formula"].to_numpy(object))[:, 1]
    frame["predicted_stable"] = frame["p_stable"] > threshold
    return frame


def plot_fig3(frame, by_x, threshold, path):
    from skmat.encoders import periodic_table_layout

    plt = pyplot()
    layout = periodic_table_layout("paper")
    fig = plt.figure(figsize=(14, 10))
    ax = fig.add_subplot(2, 1, 1)
    ax.plot(range(len(by_x)), by_x["n_predicted_stable"], "o-", ms=3)
    ax.set_xticks(range(len(by_x)))
    ax.set_xticklabels(by_x["X"], fontsize=7)
    ax.set_ylabel(f"compounds with p > {threshold}")
    ax.set_title("(a) predicted stable X2YZ by X-site element (elements in Z order)")
    ax.grid(True, alpha=0.3)

    ax = fig.add_subplot(2, 2, 3)
    grid = np.full(layout.shape, np.nan)
    counts = dict(zip(by_x["X"], by_x["n_predicted_stable"]))
    cells = np.sort(layout.cell_of_z[layout.cell_of_z >= 0])  # cell order, as layout.elements
    for element, cell in zip(layout.elements, cells):
        row, col = divmod(int(cell), layout.shape[1])
        grid[row, col] = counts.get(element, 0)
        ax.text(col, row, element, ha="center", va="center", fontsize=7)
    image = ax.imshow(grid, cmap="viridis")
    fig.colorbar(image, ax=ax, shrink=0.6)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title("(b) the same counts on the periodic table")

    ax = fig.add_subplot(2, 2, 4)
    w = frame[frame["X"] == "W"]
    sites = sorted(set(w["Y"]) | set(w["Z"]), key=layout.elements.index)
    index = {el: i for i, el in enumerate(sites)}
    heat = np.full((len(sites), len(sites)), np.nan)
    for y_site, z_site, p in zip(w["Y"], w["Z"], w["p_stable"]):
        heat[index[y_site], index[z_site]] = heat[index[z_site], index[y_site]] = p
    image = ax.imshow(heat, cmap="coolwarm", vmin=0, vmax=1)
    ax.set_xticks(range(len(sites)))
    ax.set_xticklabels(sites, fontsize=5, rotation=90)
    ax.set_yticks(range(len(sites)))
    ax.set_yticklabels(sites, fontsize=5)
    fig.colorbar(image, ax=ax, shrink=0.6, label="p(stable)")
    ax.set_title("(c) W2YZ: predicted probability of being on the hull")
    save_figure(fig, path)


def main(argv=None):
    args = parse_args(argv)
    from skmat import element_table

    use_all_cores()
    command = command_line(argv)
    machine = machine_description(args.device, show_device=True)
    start = time.perf_counter()
    regressor, origin = pretrained_regressor(args)
    print(f"pretrained regressor: {origin}", flush=True)
    pool, test = stability_data()
    print(f"labels: pool {len(pool)} ({pool['stable'].mean():.1%} stable), test {len(test)} ({test['stable'].mean():.1%} stable)", flush=True)
    table, final = transfer_table(regressor, pool, test, args)
    summary = summarize(table)
    header = (
        f"# {command} | {machine} | pretrained: {origin} | MP X2YZ in the paper table: "
        f"pool {len(pool)}, test {len(test)} (CrabNet test split)"
    )
    write_table(args.out / "ptr_transfer.csv", summary.round(4), header)
    plot_transfer(summary, args.out / "ptr_transfer.png")
    print(summary.round(3).to_string(index=False))

    frame = stability_map(final, args.threshold)
    z = element_table().to_frame()["Z"]
    by_x = (
        frame.groupby("X")
        .agg(n_predicted_stable=("predicted_stable", "sum"), n_compounds=("formula", "size"), mean_p=("p_stable", "mean"))
        .reset_index()
    )
    by_x["Z"] = by_x["X"].map(z)
    by_x = by_x.sort_values("Z").reset_index(drop=True)
    by_x["rank"] = by_x["n_predicted_stable"].rank(ascending=False, method="min").astype(int)
    n_stable = int(frame["predicted_stable"].sum())
    write_table(args.out / "ptr_stable_by_x.csv", by_x.round(4),
                f"# {command} | {machine} | p > {args.threshold}, {n_stable} of {len(frame)} OQMD X2YZ (paper subset)")
    plot_fig3(frame, by_x, args.threshold, args.out / "ptr_stability_fig3.png")
    w = by_x[by_x["X"] == "W"].iloc[0]
    print(
        f"\n{int(frame['predicted_stable'].sum())} of {len(frame)} OQMD X2YZ compounds predicted stable "
        f"(p > {args.threshold}); W on the X site: {int(w['n_predicted_stable'])} (rank {int(w['rank'])} of {len(by_x)})"
    )
    top = by_x.sort_values("n_predicted_stable", ascending=False).head(8)
    print("most frequent X:", ", ".join(f"{r.X} {int(r.n_predicted_stable)}" for r in top.itertuples()))
    print(f"total {time.perf_counter() - start:.0f} s; wrote ptr_transfer.csv/.png, ptr_stable_by_x.csv, ptr_stability_fig3.png to {args.out}")


if __name__ == "__main__":
    main()
