"""Beyond Heuslers: the periodic-table CNN on CrabNet's full OQMD benchmark (341,700 compositions).

Trains on CrabNet's ``train`` split of :func:`~skmat.datasets.load_oqmd`,
reports the MAE on its ``test`` split (every row, outliers included, as
CrabNet scored it) next to the published composition-only models, and
appends one row per (task, variant) to ``results/oqmd_full.csv``. The
published rows are from Wang et al., npj Comput. Mater. 7, 77 (2021)
(CrabNet), as quoted in ``docs/ptr-notes``; they are marked ``reported``.

Variants (all :class:`~skmat.PTRCNNRegressor`, AdamW + cosine decay):

* ``cnn-full-fraction``: the paper's CNN on the 9 x 18 ``layout="full"``
  table with atomic fractions in the element cells (counts are not
  comparable across formulas like ``Ta2Te1Zr1`` and ``Cu1In1La2Se5``);
* ``cnn-full-count``: the same with the paper's atom counts;
* ``mlp-full-fraction``: no convolutions (``module__kernel_sizes=()``),
  three hidden layers of 384 on the same image: is the 2-D arrangement
  what helps, or the fully connected part?
* ``mlp-wide-fraction``: the same without convolutions, four hidden layers
  of 512 (an ElemNet-like fractions network; several times cheaper per
  epoch than the CNN, so it can be trained for many more epochs).

Training rows with ``|target|`` above the loader's outlier threshold (86
formation-enthalpy rows down to −198.7 eV/atom; failed calculations) are
left out of training by default (``--train-outliers keep`` keeps them);
they always stay in the test set.

The run is resumable: a (task, variant, epochs, training size) already in
the CSV is skipped, so a longer run of a variant adds a row next to the
shorter one instead of being skipped. Every command that added rows keeps
its own ``#`` line at the top of the file.

Run::

    python benchmarks/oqmd_full.py --max-epochs 5              # ~15 min per CNN row on 2 CPU cores
    python benchmarks/oqmd_full.py --variants mlp-wide-fraction --max-epochs 20
    python benchmarks/oqmd_full.py --device cuda --max-epochs 60
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._common import RESULTS, command_line, header_lines, machine_description, read_results
from benchmarks._common import PAPER_IMAGE, PAPER_NETWORK, use_all_cores, utc_now, write_table

VARIANTS = ("cnn-full-fraction", "cnn-full-count", "mlp-full-fraction", "mlp-wide-fraction")
TASKS = ("formation_enthalpy", "volume_per_atom")
REPORTED = {  # test-split MAE, Wang et al. 2021 (CrabNet), Table 2
    "formation_enthalpy": {"CrabNet": 0.031, "Roost": 0.032, "ElemNet": 0.049, "random forest": 0.083},
    "volume_per_atom": {"CrabNet": 0.277, "Roost": 0.296, "ElemNet": 0.442, "random forest": 0.544},
}
COLUMNS = [
    "task",
    "model",
    "source",
    "test_MAE",
    "val_MAE",
    "units",
    "n_train",
    "epochs",
    "fit_seconds",
    "machine",
    "finished_utc",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", nargs="+", choices=TASKS, default=list(TASKS))
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--max-epochs", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--n-train", type=int, default=None, help="use only the first N training rows (smoke runs)")
    parser.add_argument("--train-outliers", choices=("drop", "keep"), default="drop")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "oqmd_full.csv")
    return parser.parse_args(argv)


def pipeline(variant, args):
    from sklearn.pipeline import Pipeline

    from skmat import PeriodicTableEncoder, PTRCNNRegressor

    amounts = "count" if variant.endswith("count") else "fraction"
    params = dict(
        **PAPER_NETWORK,
        max_epochs=args.max_epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        random_state=args.seed,
        device=args.device,
        verbose=1,
    )
    if variant.startswith("mlp-full"):
        params.update(module__kernel_sizes=(), module__paddings=(), module__hidden_units=384, module__n_hidden_layers=3)
    elif variant.startswith("mlp-wide"):
        params.update(module__kernel_sizes=(), module__paddings=(), module__hidden_units=512, module__n_hidden_layers=4)
    encoder = PeriodicTableEncoder(layout="full", amounts=amounts, **PAPER_IMAGE)
    return Pipeline([("encode", encoder), ("model", PTRCNNRegressor(**params))])


def write_results(path, frame, command):
    header_line = (
        f"# made by: {command} (resumable; machine per row) | CrabNet's OQMD splits, test MAE over every test row"
    )
    write_table(path, frame[COLUMNS], header_lines(path.read_text() if path.exists() else "", header_line))


def is_done(results, task, variant, epochs, n_train):
    """Whether ``results`` already has a measured row for this fit."""
    if not len(results):
        return False
    measured = results[results["source"] == "measured"]
    return bool(
        (
            (measured["task"] == task)
            & (measured["model"] == variant)
            & (pd.to_numeric(measured["epochs"]).astype(int) == epochs)
            & (pd.to_numeric(measured["n_train"]).astype(int) == n_train)
        ).any()
    )


def with_reported(frame):
    rows = [frame] if len(frame) else []
    for task, models in REPORTED.items():
        units = "eV/atom" if task == "formation_enthalpy" else "Å³/atom"
        present = set(frame.loc[frame["task"] == task, "model"]) if len(frame) else set()
        extra = [
            {"task": task, "model": model, "source": "reported (Wang et al. 2021)", "test_MAE": mae, "units": units}
            for model, mae in models.items()
            if model not in present
        ]
        if extra:
            rows.append(pd.DataFrame(extra, columns=COLUMNS))
    rows = [part for part in rows if len(part)]
    return pd.concat(rows, ignore_index=True) if rows else frame


def main(argv=None):
    args = parse_args(argv)
    from skmat.datasets import load_oqmd

    use_all_cores()
    command = command_line(argv)
    results = read_results(args.out, COLUMNS)
    for task in args.tasks:
        train = load_oqmd(task, "train", outliers=args.train_outliers)
        val = load_oqmd(task, "val")
        test = load_oqmd(task, "test")
        X_train, y_train = train.data, train.target
        if args.n_train is not None:
            X_train, y_train = X_train[: args.n_train], y_train[: args.n_train]
        for variant in args.variants:
            if is_done(results, task, variant, args.max_epochs, len(X_train)):
                print(f"skip {task} / {variant} ({args.max_epochs} epochs): already in {args.out}")
                continue
            print(f"== {task} / {variant}: {len(X_train)} training compositions, {args.max_epochs} epochs", flush=True)
            model = pipeline(variant, args)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds = time.perf_counter() - start
            test_mae = float(np.mean(np.abs(model.predict(test.data) - test.target)))
            val_mae = float(np.mean(np.abs(model.predict(val.data) - val.target)))
            print(f"   test MAE {test_mae:.4f} {test.units}, val MAE {val_mae:.4f}, fit {seconds:.0f} s", flush=True)
            row = {
                "task": task,
                "model": variant,
                "source": "measured",
                "test_MAE": round(test_mae, 4),
                "val_MAE": round(val_mae, 4),
                "units": test.units,
                "n_train": len(X_train),
                "epochs": args.max_epochs,
                "fit_seconds": round(seconds),
                "machine": machine_description(args.device, show_device=True),
                "finished_utc": utc_now(),
            }
            measured = results[results["source"] == "measured"] if len(results) else results
            new = pd.DataFrame([row], columns=COLUMNS)
            results = pd.concat([measured, new], ignore_index=True) if len(measured) else new
            write_results(args.out, with_reported(results), command)
    final = read_results(args.out, COLUMNS)
    if len(final):
        print(final[["task", "model", "source", "test_MAE", "units", "epochs", "fit_seconds"]].to_string(index=False))


if __name__ == "__main__":
    main()
