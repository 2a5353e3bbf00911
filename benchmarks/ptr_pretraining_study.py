"""What buys accuracy per CPU-hour when pretraining the periodic-table CNN on OQMD.

Every variant trains the multi-task network (formation enthalpy and volume
per atom at once) on the same subset of the full OQMD training formulas
(those in CrabNet's training split of both tasks, in file order) and is
scored on the first ``--n-val`` formulas in both validation splits. The
variants change one thing at a time against ``cnn96``, the paper's network
on the 9 x 18 fraction image in float32 with batches of 256:

* ``cnn96-bf16``: bfloat16 mixed precision (``module__mixed_precision``);
* ``cnn64-bf16``, ``cnn48-bf16``: fewer filters per convolution;
* ``cnn96-bf16-b1024``: batches of 1,024 with twice the learning rate;
* ``cnn96-bf16-count``: the paper's atom counts instead of fractions;
* ``mlp512x4``: no convolutions, four hidden layers of 512;
* ``cnn48-bf16-combined``: ``cnn48-bf16`` with the collapse study's
  ``combined`` recipe (absent cells 0, Kaiming initialisation, leaky ReLU;
  ``benchmarks/ptr_collapse_study.py``);
* ``cnn48-bf16-combined-channels``: that on the 9-channel image (the
  amount and eight element properties per cell, as matbench.py's
  ``ptr-channels-scratch``);
* ``cnn48-bf16-combined-b128``: ``cnn48-bf16-combined`` with batches of 128
  (twice the updates per epoch, fewer epochs);
* ``cnn48-bf16-combined-channels-embed16``: ``cnn48-bf16-combined-channels``
  with a learned 16-long vector per element next to the eight property
  channels (``module__element_embedding=16``), for as many epochs;
* ``line48-bf16-combined-channels``: the same network and channels on the
  elements' line by Mendeleev number (``MendeleevLineEncoder``, all 103
  elements) instead of the table, for as many epochs.

Each variant gets about the same CPU time: its number of epochs is set in
``VARIANTS`` from its measured throughput on this machine, and the fit
time is recorded, so the table reads as error against CPU-seconds.
The run is resumable: a variant already in the CSV with the same subset
sizes is skipped, and each row is written as it finishes.

Run::

    python benchmarks/ptr_pretraining_study.py                  # ~20 min on 2 CPU cores
    python benchmarks/ptr_pretraining_study.py --variants cnn96 mlp512x4 --n-train 5000
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import time
from pathlib import Path

import numpy as np

from benchmarks._common import RESULTS, append_row, command_line, machine_description, read_results
from benchmarks._common import PAPER_NETWORK, use_all_cores, utc_now

CNN = {**PAPER_NETWORK, "module__n_filters": 96}
CNN48 = {**PAPER_NETWORK, "module__n_filters": 48, "module__mixed_precision": True}
COMBINED = {"module__init": "kaiming", "module__activation": "leaky_relu"}  # with absent cells 0 (ENCODERS)
#: The 9-channel image of matbench.py's ptr-channels-scratch.
CHANNELS = ["amount", "electronegativity", "covalent_radius", "n_valence", "first_ionization_energy", "melting_point",
            "atomic_weight", "group", "period"]
#: encoder name -> PeriodicTableEncoder parameters (each names its absent value: the default changed in file format 3)
ENCODERS = {
    "fraction": {"amounts": "fraction", "absent_value": -1.0},
    "count": {"amounts": "count", "absent_value": -1.0},
    "fraction-absent0": {"amounts": "fraction", "absent_value": 0.0},
    "channels-absent0": {"amounts": "fraction", "absent_value": 0.0, "channels": CHANNELS},
    # The elements on one line by Mendeleev number (MendeleevLineEncoder, every element up to Lr), same channels.
    "line-channels-absent0": {"line": True, "amounts": "fraction", "absent_value": 0.0, "channels": CHANNELS},
}
MLP = {**PAPER_NETWORK, "module__kernel_sizes": (), "module__paddings": (), "module__hidden_units": 512, "module__n_hidden_layers": 4}
#: name -> (network parameters, encoder (ENCODERS), batch size, learning rate, epochs)
VARIANTS = {
    "cnn96": (CNN, "fraction", 256, 1e-3, 3),
    "cnn96-bf16": ({**CNN, "module__mixed_precision": True}, "fraction", 256, 1e-3, 6),
    "cnn64-bf16": ({**PAPER_NETWORK, "module__n_filters": 64, "module__mixed_precision": True}, "fraction", 256, 1e-3, 12),
    "cnn48-bf16": ({"module__n_filters": 48, "module__mixed_precision": True}, "fraction", 256, 1e-3, 18),
    "cnn96-bf16-b1024": ({**CNN, "module__mixed_precision": True}, "fraction", 1024, 2e-3, 6),
    "cnn96-bf16-count": ({**CNN, "module__mixed_precision": True}, "count", 256, 1e-3, 6),
    "mlp512x4": (MLP, "fraction", 256, 1e-3, 40),
    "cnn48-bf16-combined": ({**CNN48, **COMBINED}, "fraction-absent0", 256, 1e-3, 18),
    "cnn48-bf16-combined-channels": ({**CNN48, **COMBINED}, "channels-absent0", 256, 1e-3, 15),
    "cnn48-bf16-combined-b128": ({**CNN48, **COMBINED}, "fraction-absent0", 128, 1e-3, 16),
    "cnn48-bf16-combined-channels-embed16": (
        {**CNN48, **COMBINED, "module__element_embedding": 16}, "channels-absent0", 256, 1e-3, 15),
    "line48-bf16-combined-channels": ({**CNN48, **COMBINED}, "line-channels-absent0", 256, 1e-3, 15),
}
COLUMNS = [
    "variant",
    "n_train",
    "n_val",
    "epochs",
    "batch_size",
    "lr",
    "fit_seconds",
    "val_MAE_formation_enthalpy",
    "val_MAE_volume_per_atom",
    "machine",
    "finished_utc",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--n-train", type=int, default=50_000)
    parser.add_argument("--n-val", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: every core; 1 beside other work, whose fit_seconds it slows)")
    parser.add_argument("--out", type=Path, default=RESULTS / "ptr_pretraining_study.csv")
    return parser.parse_args(argv)


def pipeline(variant, seed):
    from sklearn.pipeline import Pipeline

    from skmat import MendeleevLineEncoder, PeriodicTableEncoder, PTRCNNRegressor

    params, encoder, batch_size, lr, epochs = VARIANTS[variant]
    model = PTRCNNRegressor(max_epochs=epochs, batch_size=batch_size, lr=lr, random_state=seed, verbose=0, **params)
    cells = dict(ENCODERS[encoder])
    if cells.pop("line", False):
        image = MendeleevLineEncoder(elements="all", **cells)
    else:
        image = PeriodicTableEncoder(layout="full", **cells)
    return Pipeline([("encode", image), ("model", model)])


def main(argv=None):
    args = parse_args(argv)
    from skmat.datasets import load_oqmd_multitask

    if args.threads is None:
        use_all_cores()
    else:
        import torch

        torch.set_num_threads(args.threads)
    header = f"# made by: {command_line(argv)} (resumable; machine per row) | multi-task OQMD subset, MAE on the validation formulas"
    train = load_oqmd_multitask("train")
    val = load_oqmd_multitask("val")
    X, y = train.data[: args.n_train], train.target[: args.n_train]
    X_val, y_val = val.data[: args.n_val], val.target[: args.n_val]
    done = read_results(args.out, COLUMNS)
    for variant in args.variants:
        _, _, batch_size, lr, epochs = VARIANTS[variant]
        if len(done) and ((done["variant"] == variant) & (done["n_train"].astype(int) == len(X)) & (done["n_val"].astype(int) == len(X_val))).any():
            print(f"skip {variant}: already in {args.out}")
            continue
        model = pipeline(variant, args.seed)
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
        mae = np.mean(np.abs(model.predict(X_val) - y_val), axis=0)
        row = {
            "variant": variant,
            "n_train": len(X),
            "n_val": len(X_val),
            "epochs": epochs,
            "batch_size": batch_size,
            "lr": lr,
            "fit_seconds": round(seconds, 1),
            "val_MAE_formation_enthalpy": round(float(mae[0]), 4),
            "val_MAE_volume_per_atom": round(float(mae[1]), 4),
            "machine": machine_description(),
            "finished_utc": utc_now(),
        }
        print(row, flush=True)
        append_row(args.out, row, COLUMNS, header)


if __name__ == "__main__":
    main()
