"""The paper's Fig. 2: learning curves of the periodic-table CNN, its controls and kernel ridge.

On the paper subset of :func:`~skmat.datasets.load_oqmd_heusler` (outliers
dropped), a fixed test set of ``--n-test`` compounds is held out once
(seed 0); training sets are nested prefixes of one fixed permutation of the
rest, so the 60k set contains the 1k set. For every configuration and size
it fits, scores the test set and appends one row to
``results/ptr_learning_curves.csv``:

* ``ptr-mt-whiten``: :class:`~skmat.PeriodicTableEncoder` +
  :class:`~skmat.PTRCNNRegressor`, both targets, whitened (the paper's model);
* ``ptr-mt-bound``: the same with min–max ("bound") target scaling;
* ``ptr-st``: two single-task CNNs, one per target (fit times summed);
* ``random-table-1`` / ``-2``: :class:`~skmat.RandomTableEncoder` (seeds 1, 2);
* ``mendeleev-line``: :class:`~skmat.MendeleevLineEncoder`;
* ``random-line-1`` / ``-2``: the line in a random order (seeds 1, 2);
* ``krr-line``: kernel ridge on the Mendeleev line (alpha, gamma and kernel
  tuned by 3-fold CV up to ``--krr-tune-max``, reused above it; up to
  ``--krr-max`` compounds, on one BLAS thread above 10k, see
  :func:`krr_blas_threads`).

All CNN rows use the same optimiser: AdamW at ``--lr`` with cosine decay,
batches of ``--batch-size``, ``epochs = clip(ceil(--sample-budget / n),
--min-epochs, --max-epochs)`` passes (a fixed number of updates at small
sizes, at least ``--min-epochs`` passes at large ones). ``--encoding`` sets the
cell values of the periodic-table image: ``default`` (absent −1, present
the atom count: the library default before file format 3, which every
encoder here still passes as ``absent_value=-1``, so that the committed rows
stay reproducible), ``paper-x20`` (the same × 20, the paper's image) or
``authors-code`` (−0.1 and 1.4 × count, the authors' later code).

The run is resumable: rows already in the CSV (same config, size, seed,
number of epochs, and ``--dropout`` / ``--weight-decay`` / ``--encoding``
as written in the ``notes`` column) are skipped, so an interrupted run is continued by running the same command
again, and a GPU can fill in the sizes a CPU could not. Each row records the
machine, device and wall time of its own fit. With ``--dask`` the fits run as
Dask futures (kernel ridge above ``--krr-tune-max`` after the tuned fits it
reuses), each row written here as its fit finishes (``_common.run_fits``).

Run::

    python benchmarks/ptr_learning_curves.py --sizes 1000 5000 10000
    python benchmarks/ptr_learning_curves.py --configs ptr-mt-whiten --sizes 60000
    python benchmarks/ptr_learning_curves.py --device cuda            # everything
    python benchmarks/ptr_learning_curves.py --plot-only              # redraw the figure
    python benchmarks/ptr_learning_curves.py --dask local --dask-workers 2   # fits as Dask futures
    python benchmarks/ptr_learning_curves.py --configs ptr-mt-whiten --sizes 5000 \
        --encoding paper-x20 --out benchmarks/results/ptr_encoding.csv
    python benchmarks/ptr_learning_curves.py --configs ptr-mt-whiten --sizes 5000 \
        --sample-budget 3000000 --max-epochs 600 --out benchmarks/results/ptr_training_length.csv
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import functools
import time
from pathlib import Path

import numpy as np

from benchmarks._common import RESULTS, Fit, add_dask_options, append_row, command_line, dask_session
from benchmarks._common import heusler_scores, machine_description, pyplot, read_results, run_fits
from benchmarks._common import PAPER_IMAGE, PAPER_NETWORK, save_figure, use_all_cores, utc_now

SIZES = (1000, 5000, 10000, 20000, 30000, 40000, 50000, 60000)
KRR_SINGLE_THREAD_ABOVE = 10000  # see krr_blas_threads
# The two sizes whose errors the paper states in its text (ΔHf meV/atom, lattice MAPE %).
PAPER_POINTS = {"dHf": {5000: 14.0, 60000: 7.0}, "a": {5000: 0.63, 60000: 0.40}}
CNN_CONFIGS = (
    "ptr-mt-whiten",
    "ptr-mt-bound",
    "ptr-st",
    "random-table-1",
    "random-table-2",
    "mendeleev-line",
    "random-line-1",
    "random-line-2",
)
CONFIGS = (*CNN_CONFIGS, "krr-line")
LABELS = {
    "ptr-mt-whiten": "PTR, multi-task, whitened",
    "ptr-mt-bound": "PTR, multi-task, bound",
    "ptr-st": "PTR, single-task",
    "random-table-1": "random table 1",
    "random-table-2": "random table 2",
    "mendeleev-line": "Mendeleev line",
    "random-line-1": "random line 1",
    "random-line-2": "random line 2",
    "krr-line": "KRR, Mendeleev line",
}
# Cell values of the ptr-* images: absent -1, present the atom count (the library
# default before file format 3, passed explicitly since the default is 0), the
# paper's image (the same x 20) and the authors' later code (absent -0.1,
# present 1.4 x count).
ENCODINGS = {
    "default": dict(PAPER_IMAGE),
    "paper-x20": {**PAPER_IMAGE, "scale": 20.0},
    "authors-code": {"absent_value": -0.1 / 1.4, "scale": 1.4},
}
COLUMNS = [
    "config",
    "n_train",
    "n_test",
    "seed",
    "dHf_MAE_meV_per_atom",
    "a_MAPE_percent",
    "epochs",
    "fit_seconds",
    "device",
    "machine",
    "finished_utc",
    "notes",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", choices=CONFIGS, default=list(CONFIGS))
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--n-test", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0, help="seed of the networks (the split is always seed 0)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--sample-budget", type=int, default=320_000)
    parser.add_argument("--min-epochs", type=int, default=20)
    parser.add_argument("--max-epochs", type=int, default=200)
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout before each fully connected layer")
    parser.add_argument("--weight-decay", type=float, default=0.01, help="AdamW's decoupled weight decay")
    parser.add_argument(
        "--encoding",
        choices=sorted(ENCODINGS),
        default="default",
        help="cell values of the periodic-table image for the ptr-* configurations",
    )
    parser.add_argument("--krr-tune-max", type=int, default=10000)
    parser.add_argument(
        "--krr-max", type=int, default=30000, help="largest KRR fit (about 16 n^2 bytes: 14 GB at 30k)"
    )
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", type=Path, default=RESULTS / "ptr_learning_curves.csv")
    parser.add_argument("--save-models", type=Path, default=None, help="pickle each fitted ptr-mt-whiten here")
    parser.add_argument("--plot-only", action="store_true")
    add_dask_options(parser)
    return parser.parse_args(argv)


@functools.lru_cache(maxsize=2)
def fixed_split(n_test):
    """Formulas, targets, the fixed test indices and the training-pool order (read once per process)."""
    from skmat.datasets import load_oqmd_heusler

    bunch = load_oqmd_heusler(subset="paper", outliers="drop")
    order = np.random.default_rng(0).permutation(len(bunch.data))
    return bunch.data, bunch.target, order[:n_test], order[n_test:]


def epochs_for(n, args):
    return int(np.clip(-(-args.sample_budget // n), args.min_epochs, args.max_epochs))


def encoder_for(config, encoding="default"):
    from skmat import MendeleevLineEncoder, PeriodicTableEncoder, RandomTableEncoder

    if config.startswith("ptr-"):
        return PeriodicTableEncoder(**ENCODINGS[encoding])
    if config.startswith("random-table-"):
        return RandomTableEncoder(random_state=int(config.rsplit("-", 1)[1]), **PAPER_IMAGE)
    if config == "mendeleev-line":
        return MendeleevLineEncoder(**PAPER_IMAGE)
    if config.startswith("random-line-"):
        return MendeleevLineEncoder(order="random", random_state=int(config.rsplit("-", 1)[1]), **PAPER_IMAGE)
    raise ValueError(config)


def cnn_pipeline(config, n, args, target_scaling="whiten"):
    from sklearn.pipeline import Pipeline

    from skmat import PTRCNNRegressor

    model = PTRCNNRegressor(
        **PAPER_NETWORK,
        lr=args.lr,
        batch_size=args.batch_size,
        max_epochs=epochs_for(n, args),
        target_scaling=target_scaling,
        module__dropout=args.dropout,
        optimizer__weight_decay=args.weight_decay,
        random_state=args.seed,
        device=args.device,
    )
    return Pipeline([("encode", encoder_for(config, args.encoding)), ("model", model)])


def krr_pipeline(n, args, tuned):
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from skmat import MendeleevLineEncoder

    model = TransformedTargetRegressor(regressor=KernelRidge(kernel="laplacian"), transformer=StandardScaler())
    pipeline = Pipeline([("encode", MendeleevLineEncoder(output="flat", **PAPER_IMAGE)), ("model", model)])
    if n > args.krr_tune_max and tuned:
        return pipeline.set_params(**tuned), "hyperparameters tuned at the largest tuned size"
    grid = {
        "model__regressor__kernel": ["laplacian", "rbf"],
        "model__regressor__alpha": [1e-3, 1e-2, 1e-1],
        "model__regressor__gamma": [0.01, 0.03, 0.1, 0.3],
    }
    return GridSearchCV(pipeline, grid, cv=3, scoring="neg_mean_absolute_error"), "tuned by 3-fold CV"


def krr_blas_threads(n):
    """One BLAS thread for kernel ridge above ``KRR_SINGLE_THREAD_ABOVE`` compounds.

    The Cholesky solve of scikit-learn's ``KernelRidge`` goes through
    SciPy's bundled OpenBLAS (0.3.30 with SciPy 1.17.1), which segfaulted
    here for kernels of 16,000 rows and more when run on two threads and
    worked on one. Limiting the threads keeps the large fits alive.
    """
    from contextlib import nullcontext

    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas") if n > KRR_SINGLE_THREAD_ABOVE else nullcontext()


def options_note(config, args):
    """The non-default ``--dropout``/``--weight-decay``/``--encoding`` of a fit, as written in ``notes``."""
    parts = []
    if config != "krr-line" and (args.dropout, args.weight_decay) != (0.0, 0.01):
        parts.append(f"dropout {args.dropout}, weight decay {args.weight_decay}")
    if config.startswith("ptr-") and args.encoding != "default":
        parts.append(f"encoding {args.encoding}")
    return " ".join(parts)


def options_in(notes):
    """The part of a ``notes`` entry that :func:`options_note` wrote ('' if none)."""
    import re

    found = re.findall(r"dropout \S+, weight decay \S+|encoding \S+", notes)
    return " ".join(found)


def run_one(config, n, X, y, train, test, args, state):
    """Fit one configuration on the first ``n`` training compounds; return a row."""
    fit_idx = train[:n]
    start = time.perf_counter()
    notes = ""
    epochs = epochs_for(n, args)
    if config == "krr-line":
        epochs = 0
        model, notes = krr_pipeline(n, args, state.get("krr_params"))
        with krr_blas_threads(n):
            model.fit(X[fit_idx], y[fit_idx])
            y_pred = model.predict(X[test])
        if hasattr(model, "best_params_"):
            state["krr_params"] = model.best_params_
            notes = f"{notes}: {model.best_params_}"
        if n > KRR_SINGLE_THREAD_ABOVE:
            notes = f"{notes}; one BLAS thread"
    elif config == "ptr-st":
        columns = []
        for k in range(y.shape[1]):
            model = cnn_pipeline(config, n, args).fit(X[fit_idx], y[fit_idx, k])
            columns.append(model.predict(X[test]))
        y_pred = np.column_stack(columns)
        notes = "two single-target networks, fit time summed"
    else:
        scaling = "bound" if config == "ptr-mt-bound" else "whiten"
        model = cnn_pipeline(config, n, args, scaling).fit(X[fit_idx], y[fit_idx])
        y_pred = model.predict(X[test])
        if args.save_models is not None and config == "ptr-mt-whiten":
            import pickle

            args.save_models.mkdir(parents=True, exist_ok=True)
            with open(args.save_models / f"ptr-mt-whiten-{n}.pkl", "wb") as handle:
                pickle.dump(model, handle)
    seconds = time.perf_counter() - start
    mae, mape = heusler_scores(y[test], y_pred)
    notes = f"{notes} {options_note(config, args)}".strip()
    return {
        "config": config,
        "n_train": n,
        "n_test": len(test),
        "seed": args.seed,
        "dHf_MAE_meV_per_atom": round(mae, 2),
        "a_MAPE_percent": round(mape, 4),
        "epochs": epochs,
        "fit_seconds": round(seconds, 1),
        "device": args.device,
        "machine": machine_description(args.device),
        "finished_utc": utc_now(),
        "notes": notes,
    }


def fit_one(config, n, args, krr_params):
    """One row (and the tuned kernel ridge parameters, if this fit tuned them); runs where the fit runs."""
    X, y, test, train = fixed_split(args.n_test)
    state = {} if krr_params is None else {"krr_params": krr_params}
    row = run_one(config, n, X, y, train, test, args, state)
    return row, state.get("krr_params") if "tuned by" in row["notes"] else None


def plot(results, path):
    """Fig. 2a–d analogue: MAE and MAPE against training size, two panels each."""
    plt = pyplot()
    results = results.sort_values("n_train")
    panels = [
        ("ptr-mt-whiten", "ptr-mt-bound", "ptr-st", "krr-line"),
        ("ptr-mt-whiten", "random-table-1", "random-table-2", "mendeleev-line", "random-line-1", "random-line-2"),
    ]
    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    for col, configs in enumerate(panels):
        for row, (metric, label) in enumerate(
            [("dHf_MAE_meV_per_atom", "ΔHf MAE (meV/atom)"), ("a_MAPE_percent", "lattice parameter MAPE (%)")]
        ):
            ax = axes[row, col]
            for config in configs:
                part = results[results["config"] == config]
                if len(part):
                    ax.plot(part["n_train"], part[metric], "o-", label=LABELS[config], ms=4)
            published = PAPER_POINTS["dHf" if row == 0 else "a"]
            ax.plot(list(published), list(published.values()), "k*", ms=10, label="paper (5k, 60k)")
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_xlabel("training compounds")
            ax.set_ylabel(label)
            ax.grid(True, which="both", alpha=0.3)
            ax.set_ylim(bottom=2.0 if row == 0 else 0.25)  # room for the legend below the paper's points
            ax.legend(fontsize=8, loc="lower left", ncol=2)
    axes[0, 0].set_title("(a, b) model and target scaling")
    axes[0, 1].set_title("(c, d) representation (multi-task CNN, whitened)")
    save_figure(fig, path)


def main(argv=None):
    args = parse_args(argv)
    if args.plot_only:
        plot(read_results(args.out, COLUMNS), args.out.with_suffix(".png"))
        print(f"wrote {args.out.with_suffix('.png')}")
        return
    use_all_cores()
    command = command_line(argv)
    header_line = (
        f"# made by: {command} (and resumed runs of the same script) | machine and device per row | "
        "OQMD X2YZ, paper subset, outliers dropped, fixed test set (seed 0)"
    )
    X, y, test, train = fixed_split(args.n_test)
    sizes = [n for n in args.sizes if n <= len(train)]
    for n in set(args.sizes) - set(sizes):
        print(f"skipping size {n}: only {len(train)} training compounds", flush=True)
    done = read_results(args.out, COLUMNS)
    done_keys = {
        (r.config, int(r.n_train), int(r.seed), int(r.epochs), options_in(r.notes)) for r in done.itertuples()
    }
    state = {}
    krr_rows = done[(done["config"] == "krr-line") & done["notes"].str.startswith("tuned")]
    if len(krr_rows):
        import ast

        largest = krr_rows.sort_values("n_train").iloc[-1]
        state["krr_params"] = ast.literal_eval(largest["notes"].split(": ", 1)[1].split("; ")[0])  # drop "; one BLAS thread"
        state["krr_n"] = int(largest["n_train"])
    todo = []
    for n in sorted(sizes):
        for config in args.configs:
            epochs = 0 if config == "krr-line" else epochs_for(n, args)
            if (config, n, args.seed, epochs, options_note(config, args)) in done_keys:
                continue
            if config == "krr-line" and n > args.krr_max:
                print(f"skip krr-line at {n}: above --krr-max {args.krr_max} (n x n kernel matrix)", flush=True)
                continue
            todo.append((config, n))

    def write(fit, result):
        row, tuned = result
        if tuned is not None and row["n_train"] >= state.get("krr_n", 0):
            state["krr_params"], state["krr_n"] = tuned, row["n_train"]
        append_row(args.out, row, COLUMNS, header_line)
        print(
            f"   {row['config']} n={row['n_train']}: ΔHf MAE {row['dHf_MAE_meV_per_atom']:.1f} meV/atom, "
            f"a MAPE {row['a_MAPE_percent']:.3f} %, {row['fit_seconds']:.0f} s {row['notes']}",
            flush=True,
        )

    # Kernel ridge above --krr-tune-max reuses the parameters tuned at the largest tuned size: those
    # fits wait for the first wave (which has every other fit, tuned ones included).
    tuning = any(c == "krr-line" and n <= args.krr_tune_max for c, n in todo)
    waiting = [(c, n) for c, n in todo
               if c == "krr-line" and n > args.krr_tune_max and (tuning or "krr_params" not in state)]
    with dask_session(args.dask, args.dask_workers):
        for wave in ([item for item in todo if item not in waiting], waiting):
            fits = []
            for config, n in wave:
                print(f"== {config} n={n} epochs={epochs_for(n, args) if config != 'krr-line' else '-'}", flush=True)
                fits.append(Fit(f"{config} n={n}", fit_one, (config, n, args, state.get("krr_params"))))
            run_fits(fits, write, dask=args.dask, n_workers=args.dask_workers)
    results = read_results(args.out, COLUMNS)
    if len(results):
        plot(results, args.out.with_suffix(".png"))
        print(f"wrote {args.out} and {args.out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
