"""The paper's Table II on simulated small punch tests: GAF-Seq2Seq vs baselines.

Trains every model on 4,500 curves of ``make_small_punch_test`` and tests on
500, through the same scikit-learn Pipeline API:

* ``GAF-Seq2Seq``: GramianAngularFieldEncoder (its default dict output: GAF
  image, PAA sequence and the thickness as a condition) + SPTSeq2SeqRegressor
  (the proposed model);
* ``1D LSTM``: the same network without the GAF branch (same encoder output;
  the image is left aside);
* ``GRU Seq2Seq``, ``Transformer Seq2Seq``, ``ANN``: baseline modules in the
  same regressor, on the same encoder output (they read the sequence and the
  conditions, not the image);
* ``KRR``: kernel ridge on the standardised curves.

Every model also gets the disc thickness (``--no-thickness`` to withhold
it): without it a thick weak disc and a thin strong one give similar curves.

Writes ``spt_table2.csv`` (first line: the command and the machine), a
markdown copy with median MAPE added, and ``spt_table2_fig5.png`` (four test
curves from low to high stress, every model overlaid). ``--learning-curve``
instead fits the proposed model and the best baseline of the last table on
250 … 4,500 curves (``spt_learning_curve.csv`` and ``.png``).

Run::

    python benchmarks/spt_table2.py --quick             # 2 CPU cores, <= 15 min
    python benchmarks/spt_table2.py --quick --learning-curve
    python benchmarks/spt_table2.py --device cuda       # paper-sized networks
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
from sklearn.kernel_ridge import KernelRidge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
from skmat.datasets import make_small_punch_test
from skmat.metrics import curve_mae, curve_mape, curve_r2

from benchmarks._common import RESULTS, command_line, machine_description, pyplot, save_figure, use_all_cores
from benchmarks._common import write_table

PROPOSED = "GAF-Seq2Seq"
COLUMNS = ["model", "mae_min", "mae_median", "mae_max", "r2_min", "r2_median", "r2_max",
           "fit_seconds", "predict_seconds"]


def settings(args):
    """Sizes per mode: --quick fits a 2-core CPU budget; full mode is the paper's network."""
    if args.quick:
        return dict(image_size=32, hidden=64, layers=2, epochs=args.epochs or 40, batch=64)
    return dict(image_size=64, hidden=128, layers=5, epochs=args.epochs or 150, batch=64)


def build_models(args):
    from skmat.models import CurveMLP, GRUSeq2Seq, TransformerSeq2Seq

    s = settings(args)
    common = dict(max_epochs=s["epochs"], batch_size=s["batch"], random_state=args.random_state,
                  device=args.device, verbose=int(args.verbose))

    def seq2seq(**module):
        return Pipeline([
            ("gaf", GramianAngularFieldEncoder(s["image_size"], n_conditions=int(args.thickness))),
            ("s2s", SPTSeq2SeqRegressor(**common, **module)),
        ])

    lstm = dict(module__hidden_size=s["hidden"], module__num_layers=s["layers"])
    models = {
        PROPOSED: lambda: seq2seq(**lstm),
        "1D LSTM": lambda: seq2seq(**lstm, module__use_gaf=False),
        "GRU Seq2Seq": lambda: seq2seq(module=GRUSeq2Seq, module__hidden_size=s["hidden"]),
        "Transformer Seq2Seq": lambda: seq2seq(module=TransformerSeq2Seq),
        "ANN": lambda: seq2seq(module=CurveMLP),
        "KRR": lambda: Pipeline([
            ("scale", StandardScaler()),
            ("krr", TransformedTargetRegressor(KernelRidge(kernel="rbf", alpha=1e-3, gamma=1e-3),
                                               transformer=StandardScaler())),
        ]),
    }
    return {name: build for name, build in models.items() if name in args.models}


def evaluate(model, X_train, y_train, X_test, y_test):
    start = time.perf_counter()
    model.fit(X_train, y_train)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    y_pred = model.predict(X_test)
    predict_seconds = time.perf_counter() - start
    return y_pred, fit_seconds, predict_seconds


def row(name, y_test, y_pred, fit_seconds, predict_seconds):
    mae, r2, mape = curve_mae(y_test, y_pred), curve_r2(y_test, y_pred), curve_mape(y_test, y_pred)
    return {
        "model": name,
        "mae_min": mae.min(), "mae_median": np.median(mae), "mae_max": mae.max(),
        "r2_min": r2.min(), "r2_median": np.median(r2), "r2_max": r2.max(),
        "fit_seconds": fit_seconds, "predict_seconds": predict_seconds,
        "mape_median_percent": 100 * np.median(mape),
    }


def figure5(strain, y_test, predictions, path):
    plt = pyplot()
    peaks = y_test.max(axis=1)
    picks = [int(np.argsort(peaks)[int(q * (len(peaks) - 1))]) for q in (0.05, 0.35, 0.65, 0.95)]
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.8))
    for ax, i in zip(axes, picks):
        ax.plot(strain, y_test[i], "k-", lw=2.5, label="true")
        for name, y_pred in predictions.items():
            ax.plot(strain, y_pred[i], lw=1.2, label=name)
        ax.set_xlabel("true strain")
        ax.set_ylabel("true stress (MPa)")
        ax.set_title(f"test curve {i}")
    axes[0].legend(fontsize=7)
    save_figure(fig, path)


def learning_curve(args, models, X_train, y_train, X_test, y_test, baseline, header, out):
    sizes = sorted({min(n, len(X_train)) for n in (250, 500, 1000, 2000, 4500)})
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for name in (PROPOSED, baseline):
        for n in sizes:
            y_pred, fit_s, _ = evaluate(models[name](), X_train[:n], y_train[:n], X_test, y_test)
            rows.append({"model": name, "n_train": n, "mae_median": np.median(curve_mae(y_test, y_pred)),
                         "fit_seconds": fit_s})
            print(f"   learning curve {name} n={n}: median MAE {rows[-1]['mae_median']:.2f} MPa", flush=True)
    frame = pd.DataFrame(rows)
    write_table(out / "spt_learning_curve.csv", frame, f"# {header}")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 4))
    for name, part in frame.groupby("model"):
        ax.loglog(part.n_train, part.mae_median, "o-", label=name)
    ax.set_xlabel("training curves")
    ax.set_ylabel("median per-curve MAE (MPa)")
    ax.legend()
    save_figure(fig, out / "spt_learning_curve.png")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small networks for a 2-core CPU")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--n-samples", type=int, default=5000)
    parser.add_argument("--n-test", type=int, default=500)
    parser.add_argument("--models", nargs="+", default=[PROPOSED, "1D LSTM", "GRU Seq2Seq",
                                                        "Transformer Seq2Seq", "ANN", "KRR"])
    parser.add_argument("--learning-curve", action="store_true",
                        help="instead of the table: median MAE vs 250 ... 4,500 training curves for the "
                             "proposed model and the best baseline of the last table (spt_table2.csv)")
    parser.add_argument("--no-thickness", dest="thickness", action="store_false",
                        help="do not give the disc thickness (a known test condition) as an input")
    parser.add_argument("--random-state", type=int, default=0)
    parser.add_argument("--verbose", action="store_true", help="print skorch's epoch table")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    use_all_cores()
    header = f"{command_line(argv)} | {machine_description(args.device)}"
    wall = time.perf_counter()

    spt = make_small_punch_test(args.n_samples, random_state=args.random_state)
    n_train = args.n_samples - args.n_test
    # The thickness, known in any real test, rides along as the last column.
    X = np.column_stack([spt.data, spt.params.thickness]) if args.thickness else spt.data
    X_train, y_train = X[:n_train], spt.target[:n_train]
    X_test, y_test = X[n_train:], spt.target[n_train:]
    print(f"{n_train} train / {args.n_test} test curves; settings {settings(args)}", flush=True)

    models = build_models(args)
    if args.learning_curve:
        best = best_baseline(args.out / "spt_table2.csv")
        print(f"learning curve: {PROPOSED} vs the best baseline of the last table, {best}", flush=True)
        learning_curve(args, build_models(argparse.Namespace(**{**vars(args), "models": [PROPOSED, best]})),
                       X_train, y_train, X_test, y_test, best, header, args.out)
        return
    rows, predictions = [], {}
    for name, build in models.items():
        print(f"== {name}", flush=True)
        y_pred, fit_s, predict_s = evaluate(build(), X_train, y_train, X_test, y_test)
        predictions[name] = y_pred
        rows.append(row(name, y_test, y_pred, fit_s, predict_s))
        r = rows[-1]
        print(f"   median MAE {r['mae_median']:.2f} MPa (min {r['mae_min']:.2f}, max {r['mae_max']:.2f}), "
              f"median R² {r['r2_median']:.4f}, median MAPE {r['mape_median_percent']:.2f} %, "
              f"fit {fit_s:.0f} s", flush=True)

    table = pd.DataFrame(rows)
    write_table(args.out / "spt_table2.csv", table[COLUMNS], f"# {header}", float_format="%.4g")
    minutes = (time.perf_counter() - wall) / 60
    markdown = table.to_string(index=False, float_format=lambda v: f"{v:.4g}")
    (args.out / "spt_table2.md").write_text(f"{header}\nwall time {minutes:.1f} min\n\n{markdown}\n")
    figure5(spt.strain, y_test, predictions, args.out / "spt_table2_fig5.png")
    print(f"\n{header}\n{markdown}\nwall time {minutes:.1f} min")


def best_baseline(table_path):
    """The baseline with the lowest median MAE in a previous table, else the 1D LSTM."""
    if not table_path.exists():
        return "1D LSTM"
    table = pd.read_csv(table_path, comment="#")
    baselines = table[table.model != PROPOSED]
    return baselines.sort_values("mae_median").model.iloc[0] if len(baselines) else "1D LSTM"


if __name__ == "__main__":
    main()
