"""Quick benchmark: periodic-table CNN vs kernel ridge and a random forest on bundled OQMD Heusler data.

The README's first command. It draws a few thousand X2YZ compounds of the
paper's data (52 of its table's 58 elements occur there), trains

* ``PTR-CNN``: :class:`~skmat.PeriodicTableEncoder` + :class:`~skmat.PTRCNNRegressor`
  (multi-task: formation enthalpy and lattice parameter),
* ``KRR / Mendeleev line``: kernel ridge on :class:`~skmat.MendeleevLineEncoder`
  features (the paper's baseline),
* ``RF / Magpie``: a random forest on matminer's 132 Magpie composition
  statistics (a standard composition-only baseline that knows element
  properties the table and the line do not spell out),

all through the same scikit-learn Pipeline (featurising inside ``fit`` and
``predict``, so it is timed) and prints the formation-enthalpy MAE
(meV/atom), lattice-parameter MAPE (%) and fit / predict seconds, then
writes ``quick_ptr.md``, ``quick_ptr.csv`` and a parity plot
``quick_ptr_parity.png`` to ``--out`` and prints each file's path.

``--out`` defaults to ``results/`` in the current directory (git-ignored in
this repository), so a run never changes tracked files. Run from inside
``benchmarks/``, that would be the committed reference folder, so the
repository root's ``results/`` is used instead. The committed reference,
``benchmarks/results/quick_ptr.*``, is made by an explicit
``--out benchmarks/results``.

Run::

    python benchmarks/quick_ptr.py            # 2 min 25 s on 2 idle x86_64 cores, torch 2.13.0+cpu
    python benchmarks/quick_ptr.py --n-train 1000 --max-epochs 5   # smoke run
    python benchmarks/quick_ptr.py --out benchmarks/results        # the committed reference
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import TransformedTargetRegressor
from sklearn.ensemble import RandomForestRegressor
from sklearn.kernel_ridge import KernelRidge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from skmat import MendeleevLineEncoder, PeriodicTableEncoder, PTRCNNRegressor
from skmat.datasets import load_oqmd_heusler
from skmat.models import paper_training_params

from benchmarks._common import RESULTS, command_line, heusler_scores, machine_description, magpie_features
from benchmarks._common import PAPER_IMAGE, PAPER_NETWORK, pyplot, save_figure, use_all_cores, write_table

#: The committed reference results; written only when ``--out`` names this folder.
REFERENCE = RESULTS


def default_out(cwd=None):
    """``results/`` in ``cwd`` (the current directory), never the committed :data:`REFERENCE` folder.

    From inside ``benchmarks/`` that would be :data:`REFERENCE`, so the
    repository root's ``results/`` is used instead.
    """
    out = Path(Path.cwd() if cwd is None else cwd).absolute() / "results"
    if out.resolve() == REFERENCE.resolve():
        out = REFERENCE.parents[1] / "results"
    return out


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-train", type=int, default=5000)
    parser.add_argument("--n-test", type=int, default=5000)
    parser.add_argument("--max-epochs", type=int, default=40)
    parser.add_argument(
        "--optimizer",
        choices=("adamw", "paper"),
        default="adamw",
        help="AdamW 1e-3 (default) or the paper's Nesterov SGD with step decay",
    )
    parser.add_argument(
        "--models",
        nargs="+",
        choices=tuple(MODELS),
        default=list(MODELS),
        help="which models to run (default: all three)",
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="folder for the outputs (default: results/ in the current directory, git-ignored; "
        "the committed reference is made with --out benchmarks/results)",
    )
    parser.add_argument("--tag", default="quick_ptr", help="file-name stem of the outputs")
    args = parser.parse_args(argv)
    if args.out is None:
        args.out = default_out()
    return args


def kernel_ridge(encoder):
    """Kernel ridge on ``encoder``'s features, whitened targets; kernel, alpha and gamma tuned by 3-fold CV."""
    model = TransformedTargetRegressor(
        regressor=KernelRidge(kernel="laplacian"), transformer=StandardScaler()
    )
    pipeline = Pipeline([("encode", encoder), ("model", model)])
    grid = {
        "model__regressor__kernel": ["laplacian", "rbf"],
        "model__regressor__alpha": [1e-4, 1e-3, 1e-2],
        "model__regressor__gamma": [0.01, 0.03, 0.1, 0.3, 1.0],
    }
    return GridSearchCV(pipeline, grid, cv=3, scoring="neg_mean_absolute_error")


def kernel_ridge_line(args, n_train):
    """The paper's baseline: kernel ridge on the Mendeleev line."""
    return kernel_ridge(MendeleevLineEncoder(output="flat", **PAPER_IMAGE))


def random_forest_magpie(args, n_train):
    """A random forest on Magpie features, both targets whitened so that neither dominates the splits."""
    forest = RandomForestRegressor(n_estimators=300, max_features=1 / 3, n_jobs=-1, random_state=args.random_state)
    model = TransformedTargetRegressor(regressor=forest, transformer=StandardScaler())
    return Pipeline([("featurize", FunctionTransformer(magpie_features)), ("model", model)])


def cnn(args, n_train):
    """The periodic-table CNN, with AdamW (default) or the paper's SGD schedule and image values."""
    params = dict(**PAPER_NETWORK, max_epochs=args.max_epochs, random_state=args.random_state, device=args.device,
                  verbose=1)
    if args.optimizer == "paper":
        iterations = args.max_epochs * -(-n_train // 64)
        params.update(paper_training_params(n_train, iterations=iterations, step_size=iterations // 3))
    # The paper's image values: absent -1 (-20 / 0 / +20 / +40 with the paper's setting's scale of 20).
    encoder = PeriodicTableEncoder(scale=20.0 if args.optimizer == "paper" else 1.0, **PAPER_IMAGE)
    return Pipeline([("encode", encoder), ("model", PTRCNNRegressor(**params))])


# --models key: (row name in the tables, builder taking the options and the training-set size)
MODELS = {
    "cnn": ("PTR-CNN", cnn),
    "krr-line": ("KRR / Mendeleev line", kernel_ridge_line),
    "rf-magpie": ("RF / Magpie", random_forest_magpie),
}


def parity_plot(y_test, predictions, path):
    plt = pyplot()
    fig, axes = plt.subplots(len(predictions), 2, figsize=(8, 3.6 * len(predictions)), squeeze=False)
    labels = ("formation enthalpy (eV/atom)", "lattice parameter (Å)")
    for row, (name, y_pred) in enumerate(predictions.items()):
        for col in range(2):
            ax = axes[row, col]
            lo, hi = np.percentile(y_test[:, col], [0.5, 99.5])
            ax.scatter(y_test[:, col], y_pred[:, col], s=2, alpha=0.4)
            ax.plot([lo, hi], [lo, hi], "k--", lw=1)
            ax.set_xlim(lo, hi)
            ax.set_ylim(lo, hi)
            ax.set_xlabel(f"OQMD {labels[col]}")
            ax.set_ylabel("predicted")
            error = np.abs(y_pred[:, col] - y_test[:, col])
            score = (f"MAE {1000 * error.mean():.0f} meV/atom" if col == 0
                     else f"MAPE {100 * np.mean(error / np.abs(y_test[:, col])):.2f} %")
            ax.set_title(f"{name}: {score}", fontsize=10)
    save_figure(fig, path)


def main(argv=None):
    args = parse_args(argv)
    use_all_cores()
    command = command_line(argv)
    machine = machine_description(args.device, python=True, show_device=True)

    bunch = load_oqmd_heusler(subset="paper", outliers="drop")
    print(bunch.DESCR.splitlines()[0])
    rng = np.random.default_rng(args.random_state)
    order = rng.permutation(len(bunch.data))
    train, test = order[: args.n_train], order[args.n_train : args.n_train + args.n_test]
    X, y = bunch.data, bunch.target
    print(f"train {len(train)} / test {len(test)} compounds, targets {bunch.target_names}")

    models = {MODELS[key][0]: MODELS[key][1](args, len(train)) for key in args.models}
    rows, predictions = [], {}
    for name, model in models.items():
        print(f"\n== {name}: fitting on {len(train)} compounds", flush=True)
        start = time.perf_counter()
        model.fit(X[train], y[train])
        fit_seconds = time.perf_counter() - start
        start = time.perf_counter()
        y_pred = model.predict(X[test])
        predict_seconds = time.perf_counter() - start
        mae, mape = heusler_scores(y[test], y_pred)
        predictions[name] = y_pred
        extra = f" best {model.best_params_}" if hasattr(model, "best_params_") else ""
        print(f"   ΔHf MAE {mae:.1f} meV/atom, a MAPE {mape:.3f} %, fit {fit_seconds:.1f} s{extra}", flush=True)
        rows.append(
            {
                "model": name,
                "dHf_MAE_meV_per_atom": round(mae, 1),
                "a_MAPE_percent": round(mape, 3),
                "fit_seconds": round(fit_seconds, 1),
                "predict_seconds": round(predict_seconds, 2),
            }
        )

    table = pd.DataFrame(rows)
    markdown = table.to_markdown(index=False) if _has_tabulate() else table.to_string(index=False)
    header = f"Command: `{command}`\nMachine: {machine}\nData: {len(train)} train / {len(test)} test X2YZ compounds (OQMD, paper subset, seed {args.random_state})\n"
    print("\n" + header + "\n" + markdown)
    args.out.mkdir(parents=True, exist_ok=True)
    md, csv, png = (args.out / f"{args.tag}{suffix}" for suffix in (".md", ".csv", "_parity.png"))
    md.write_text(header + "\n" + markdown + "\n")
    write_table(csv, table, f"# made by: {command} | {machine}")
    parity_plot(y[test], predictions, png)
    print()
    for path in (md, csv, png):
        print(f"wrote {path}")


def _has_tabulate():
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
