"""Pretrain the periodic-table networks that ship with skmat (``skmat.load_pretrained``).

Trains one multi-task :class:`~skmat.PTRCNNRegressor` on the full OQMD sets
bundled with the package (formation enthalpy and volume per atom of the
formulas in CrabNet's training split of both tasks; outliers left out, see
:func:`skmat.datasets.load_oqmd_multitask`), or with ``--targets band_gap``
a single-task one on CrabNet's OQMD band-gap set (its own training split;
for cross-property transfer to band-gap and metal/insulator tasks), with a
cosine learning-rate decay over ``--epochs`` epochs, then scores it on each
target's full CrabNet test split and writes

* ``skmat/_weights/<name>.skmat``: the fitted encoder + network Pipeline,
  written with :func:`skmat.save_pipeline` (readable with
  ``torch.load(weights_only=True)``);
* its entry in ``skmat/_weights/manifest.json``: SHA-256, size, targets,
  elements, test and validation MAE, and the training record (each command
  that trained it, epochs, wall and CPU hours, machine, per-epoch
  validation MAE).

Resumable: after every epoch the weights, the optimizer state and the
epoch log go to ``--state-dir`` (not committed), so a run stopped by
``--hours`` or killed resumes where it stopped with the same command. With
no state there but a shipped file for ``--name`` whose planned epochs are
not done (``--resume-shipped``), training continues from the shipped
weights with a fresh optimizer: that is how a run spans sessions that keep
only committed files. Every stop writes the shipped file, so what is in the
package is always a finished epoch, and the manifest says how many of the
planned epochs are done.

Run::

    python tools/pretrain.py --name oqmd --epochs 40 --hours 1.3        # 2 CPU cores; resumable
    python tools/pretrain.py --name oqmd --epochs 40 --device cuda      # on a GPU
    python tools/pretrain.py --name smoke --epochs 2 --n-train 2000 --out-dir /tmp/w   # a quick check
    python tools/pretrain.py --name oqmd-gap --targets band_gap --epochs 60 --threads 1  # the band-gap network
    python tools/pretrain.py --name oqmd-channels-l1 --init-from oqmd-channels --loss l1 --lr 0.0003 --epochs 35 <its recipe>

The last is a second cosine cycle (a warm restart): a new network that
starts from a shipped one's weights, with the same architecture settings
(checked, as is the parent file's SHA-256), its own learning rate, length
and loss (``--loss l1`` trains for the absolute error the test scores); the
parent stays as it is and the manifest records it.
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python tools/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import hashlib
import json
import math
import os
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

from benchmarks._common import ROOT, command_line, machine_description, use_all_cores, utc_now

DEFAULT_OUT = ROOT / "skmat" / "_weights"
TASKS = ("formation_enthalpy", "volume_per_atom")
#: What --targets may name: the multi-task pair (in this order) or one of these alone.
TARGETS = (*TASKS, "band_gap")
UNITS = {"formation_enthalpy": "eV/atom", "volume_per_atom": "Å³/atom", "band_gap": "eV"}
N_VAL = 20_000  # validation formulas scored after every epoch (the first ones of the shared split)
#: The recipe settings as the first shipped network was trained (they were not options then): a run logged
#: without them used these, so the same command still continues it.
OLD_RECIPE = {
    "channels": None, "absent_value": -1.0, "activation": "relu", "init": "default", "channels_last": False,
    "dropout": 0.0, "weight_decay": 0.01, "targets": list(TASKS), "init_from": None, "loss": "smooth_l1",
    "element_embedding": 0, "layout": "table",
}
#: The training losses --loss may name (on the whitened targets). ``smooth_l1`` (PTRCNNRegressor's default, with
#: beta 1) is quadratic for errors under one standard deviation, so it trains these networks as a squared error;
#: ``l1`` trains for the absolute error the benchmarks score.
LOSSES = {"smooth_l1": "SmoothL1Loss", "l1": "L1Loss"}
#: The images --layout may name: (the network's kind, the image, as the manifest's description says them).
LAYOUTS = {
    "table": ("periodic-table CNN", "9 x 18 full-table image"),
    "mendeleev-line": ("Mendeleev-line CNN", "one-line image of the elements by Mendeleev number"),
    "random-line": ("random-line CNN",
                    "one-line image of the elements in a random order drawn from the first cycle's --seed"),
}
#: The settings that fix a network's shape and inputs: a run started ``--init-from`` a shipped network must
#: repeat that network's (the rest -- learning rate, epochs, batch size, regularisation -- may change).
ARCHITECTURE = (
    "n_filters", "hidden_units", "amounts", "channels", "absent_value", "activation", "init", "targets",
    "element_embedding", "layout",
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="oqmd", help="name for skmat.load_pretrained")
    parser.add_argument("--epochs", type=int, default=40, help="planned epochs (the cosine decay's length)")
    parser.add_argument("--hours", type=float, default=None, help="stop after this much wall time (resume later)")
    parser.add_argument("--n-filters", type=int, default=96)
    parser.add_argument("--hidden-units", type=int, default=192)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--amounts", choices=("fraction", "count"), default="fraction")
    parser.add_argument("--channels", nargs="+", default=None,
                        help="PeriodicTableEncoder channels (element properties per cell; default: the amount only)")
    parser.add_argument("--absent-value", type=float, default=OLD_RECIPE["absent_value"],
                        help="the image value of an absent element (the collapse study's recipe: 0)")
    parser.add_argument("--activation", default=OLD_RECIPE["activation"],
                        choices=("relu", "leaky_relu", "gelu", "silu"))
    parser.add_argument("--init", default=OLD_RECIPE["init"], choices=("default", "kaiming"))
    parser.add_argument("--channels-last", action=argparse.BooleanOptionalAction, default=OLD_RECIPE["channels_last"],
                        help="PTRCNN(channels_last=True): 1.2-1.3x faster bfloat16 training on a CPU "
                             "(benchmarks/ptr_throughput.py); use it for new runs")
    parser.add_argument("--layout", choices=LAYOUTS, default=OLD_RECIPE["layout"],
                        help="the image: the 9 x 18 periodic table (PeriodicTableEncoder, default), the elements on "
                             "one line by Mendeleev number (MendeleevLineEncoder, the paper's 1-D control), or on "
                             "one line in an order drawn from --seed (MendeleevLineEncoder(order='random'): a "
                             "network whose errors differ from the others', for the average)")
    parser.add_argument("--element-embedding", type=int, default=OLD_RECIPE["element_embedding"], metavar="DIM",
                        help="PTRCNN(element_embedding=DIM): a learned vector of this length per element, scaled "
                             "by its amount, added as input channels (default 0: none)")
    parser.add_argument("--dropout", type=float, default=OLD_RECIPE["dropout"],
                        help="dropout before each dense layer (the old recipe: none)")
    parser.add_argument("--weight-decay", type=float, default=OLD_RECIPE["weight_decay"],
                        help="AdamW's decoupled weight decay (the old recipe: AdamW's 0.01)")
    parser.add_argument("--loss", choices=tuple(LOSSES), default=OLD_RECIPE["loss"],
                        help="training loss on the whitened targets (l1: the absolute error the test scores)")
    parser.add_argument("--mixed-precision", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: every core; 1 leaves a core to other work)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TASKS),
                        help="what the network predicts: formation_enthalpy volume_per_atom (default, multi-task) "
                             "or one target alone (band_gap: CrabNet's OQMD band-gap set)")
    parser.add_argument(
        "--n-train", type=int, default=None,
        help="first N training formulas only (smoke runs; the encoder still accepts the whole split's elements)",
    )
    parser.add_argument("--resume-shipped", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument(
        "--init-from", default=None, metavar="SHIPPED",
        help="start a new run from the weights of this shipped network (same architecture settings) instead of "
             "at random: a second cosine cycle (warm restart) under a new --name; the parent stays as it is",
    )
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--state-dir", type=Path, default=None, help="default: tools/pretrain_state/<name>")
    return parser.parse_args(argv)


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def cosine_lr(lr, epoch, epochs):
    """Learning rate for 0-based ``epoch`` of a cosine decay from ``lr`` to 0 over ``epochs``."""
    return 0.5 * lr * (1.0 + math.cos(math.pi * epoch / epochs))


def new_model(args, elements):
    from sklearn.pipeline import Pipeline

    from skmat import MendeleevLineEncoder, PeriodicTableEncoder, PTRCNNRegressor

    cells = dict(amounts=args.amounts, elements=elements, channels=args.channels, absent_value=args.absent_value)
    if args.layout == "mendeleev-line":
        encoder = MendeleevLineEncoder(**cells)
    elif args.layout == "random-line":  # the order is drawn at fit and kept in the saved pipeline
        encoder = MendeleevLineEncoder(order="random", random_state=args.seed, **cells)
    else:
        encoder = PeriodicTableEncoder(layout="full", **cells)
    network = PTRCNNRegressor(
        module__activation=args.activation,
        module__init=args.init,
        module__channels_last=args.channels_last,
        module__element_embedding=args.element_embedding,
        module__dropout=args.dropout,
        optimizer__weight_decay=args.weight_decay,
        criterion=criterion(args.loss),
        max_epochs=1,
        warm_start=True,
        callbacks__lr_schedule=None,
        batch_size=args.batch_size,
        lr=args.lr,
        module__n_filters=args.n_filters,
        module__hidden_units=args.hidden_units,
        module__mixed_precision=args.mixed_precision,
        device=args.device,
        random_state=args.seed,
        verbose=0,
    )
    return Pipeline([("encode", encoder), ("model", network)])


def criterion(loss):
    """The torch loss class that ``--loss`` names."""
    import torch

    return getattr(torch.nn, LOSSES[loss])


def read_manifest(out_dir):
    path = out_dir / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def write_manifest(out_dir, manifest):
    """Write ``manifest`` whole, in one step: readers see the old file or the new one, never half of it."""
    path = out_dir / "manifest.json"
    partial = path.with_name(f".manifest.json.{os.getpid()}.partial")
    partial.write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    os.replace(partial, path)


@contextmanager
def editing_manifest(out_dir):
    """The manifest of ``out_dir`` as a dict to change, written back on exit with other tools' edits held off.

    Two training runs side by side both finish by reading the manifest,
    adding their entry and writing it back; without the lock the later
    write could drop the earlier entry. The lock (``out_dir/.manifest.lock``,
    not shipped) is held from the read to the write; on systems without
    ``fcntl`` the edit is unlocked but still written in one step.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".manifest.lock", "a") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            manifest = read_manifest(out_dir)
            yield manifest
            write_manifest(out_dir, manifest)
        finally:
            if fcntl is not None:
                fcntl.flock(lock, fcntl.LOCK_UN)


def training_elements(formulas):
    """Symbols of the elements in ``formulas``, by atomic number."""
    from skmat import element_table, parse_formulas

    _, z, _ = parse_formulas(formulas)
    return [str(element_table().symbol[k - 1]) for k in np.unique(z)]


def save_state(state_dir, pipeline, log):
    import torch

    from skmat import save_pipeline

    state_dir.mkdir(parents=True, exist_ok=True)
    save_pipeline(pipeline, state_dir / "pipeline.skmat")
    torch.save(pipeline[-1].optimizer_.state_dict(), state_dir / "optimizer.pt")
    (state_dir / "log.json").write_text(json.dumps(log, indent=1, ensure_ascii=False))


def load_state(state_dir, device):
    """The pipeline (optimizer state restored) and log of an interrupted run, or ``None``."""
    import torch

    from skmat import load_pipeline

    if not (state_dir / "log.json").exists():
        return None
    pipeline = load_pipeline(state_dir / "pipeline.skmat")
    optimizer = torch.load(state_dir / "optimizer.pt", weights_only=True, map_location=device)
    pipeline[-1].optimizer_.load_state_dict(optimizer)
    return pipeline, json.loads((state_dir / "log.json").read_text())


def rebuilt(network, drop=(), **params):
    """A copy of the fitted ``network`` (same weights and scaling) with other constructor parameters."""
    from skmat.models._plain_data import encode_value

    payload = network._payload()
    kept = {key: value for key, value in network.get_params(deep=False).items() if key not in drop}
    kept.update(params)
    payload["params"] = {key: encode_value(value, key) for key, value in kept.items() if not key.startswith("_")}
    return type(network)._from_payload(payload, "pretraining", {})


def for_training(network, device, **params):
    """A copy of ``network`` that trains one epoch per ``fit`` at a learning rate this script sets (and ``params``)."""
    return rebuilt(network, warm_start=True, max_epochs=1, callbacks__lr_schedule=None, device=device, verbose=0,
                   **params)


def for_users(network, args):
    """A copy of the trained ``network`` with the parameters a user expects of a fitted regressor.

    A refit trains ``--epochs`` epochs from scratch with the default cosine
    decay, and ``warm_start=True`` fine-tunes, exactly as for a
    :class:`~skmat.PTRCNNRegressor` built by hand.
    """
    return rebuilt(
        network,
        drop=("callbacks__lr_schedule",),
        warm_start=False,
        max_epochs=args.epochs,
        lr=args.lr,
        random_state=args.seed,
        verbose=1,
        device="cpu",
    )


def training_data(targets, n_train=None):
    """``(X, y, X_val, y_val, all training formulas)`` for ``targets``; ``y`` shaped as the network predicts.

    ``y`` and ``y_val`` are (n, 2) for the pair and (n,) for one target.

    The multi-task pair reads the formulas in the same split for both tasks
    (:func:`~skmat.datasets.load_oqmd_multitask`), one target its own set's
    split; outliers are left out of training, the first ``N_VAL``
    validation formulas are scored after every epoch.
    """
    from skmat.datasets import load_oqmd, load_oqmd_multitask

    targets = list(targets)
    if targets == list(TASKS):
        train, val = load_oqmd_multitask("train", outliers="drop"), load_oqmd_multitask("val")
    elif len(targets) == 1:
        train, val = load_oqmd(targets[0], "train", outliers="drop"), load_oqmd(targets[0], "val")
    else:
        raise SystemExit(f"--targets must be {' '.join(TASKS)} (together) or one target alone, not {targets}")
    return train.data[:n_train], train.target[:n_train], val.data[:N_VAL], val.target[:N_VAL], train.data


def evaluate(pipeline, n_test=None, targets=TASKS):
    """Test MAE on each target's full CrabNet test split (every row, as CrabNet scored it; the first ``n_test``)."""
    from skmat.datasets import load_oqmd

    scores = {}
    for column, task in enumerate(targets):
        test = load_oqmd(task, "test")
        formulas = test.data[:n_test]
        predicted = pipeline.predict(formulas).reshape(len(formulas), -1)[:, column]  # (n,) for one target
        scores[task] = round(float(np.mean(np.abs(predicted - test.target[:n_test]))), 4)
    return scores


def ship(args, pipeline, log):
    from sklearn.pipeline import Pipeline

    from skmat import save_pipeline

    from skmat.models._allowed_classes import public_name

    shipped = Pipeline([("encode", pipeline[0]), ("model", for_users(pipeline[-1], args))])
    test_mae = evaluate(shipped, targets=args.targets)
    print(f"test MAE after {len(log['epochs'])} epochs: {test_mae}", flush=True)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / f"{args.name}.skmat"
    save_pipeline(shipped, path)
    epochs = log["epochs"]
    entry = {
        "estimator": public_name(type(shipped[-1])),  # resolved through the allow-list by load_pretrained
        "file": path.name,
        "sha256": sha256(path),
        "size_bytes": path.stat().st_size,
        "description": description(args),
        "targets": list(args.targets),
        "units": [UNITS[task] for task in args.targets],
        "n_train": log["n_train"],
        "elements": list(pipeline[0].elements),
        "test_MAE": test_mae,
        "val_MAE": epochs[-1]["val_MAE"],
        "training": {
            "commands": log["commands"],
            "settings": log["settings"],
            "epochs_done": len(epochs),
            "epochs_planned": log["settings"]["epochs"],
            "wall_hours": round(sum(row["seconds"] for row in epochs) / 3600, 3),
            "cpu_hours": round(sum(row["seconds"] * row["threads"] for row in epochs) / 3600, 3),
            "optimizer_restarts_at_epoch": log["optimizer_restarts"],
            "epochs": epochs,
        },
    }
    if log.get("initialised_from"):
        entry["training"]["initialised_from"] = log["initialised_from"]
    with editing_manifest(args.out_dir) as manifest:
        manifest[args.name] = entry
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) and its entry in {args.out_dir / 'manifest.json'}", flush=True)


def description(args):
    """The manifest's one-line description of the network ``args`` train."""
    amounts = "atomic fractions" if args.amounts == "fraction" else "atom counts"
    kind, image = LAYOUTS[args.layout]
    image += f", {amounts}"
    if args.channels:
        image += f" and {len(args.channels) - ('amount' in args.channels)} element-property channels"
    if args.element_embedding:
        image += f", a learned {args.element_embedding}-long vector per element"
    if (args.absent_value, args.activation, args.init) != (-1.0, "relu", "default"):
        image += f"; absent elements {args.absent_value:g}, {args.activation}, {args.init} initialisation"
    if (args.dropout, args.weight_decay) != (OLD_RECIPE["dropout"], OLD_RECIPE["weight_decay"]):
        image += f"; dropout {args.dropout:g}, weight decay {args.weight_decay:g}"
    if args.loss != OLD_RECIPE["loss"]:
        image += f"; {args.loss} loss"
    if args.init_from is not None:
        image += f"; a second cosine cycle from the weights of {args.init_from!r}"
    if list(args.targets) != list(TASKS):
        target = args.targets[0].replace("_", "-")
        return (f"{kind[0].upper()}{kind[1:]} ({image}) trained on the full OQMD {target} set (formulas in CrabNet's "
                "training split)")
    return (
        f"Multi-task {kind} ({image}) trained on the full OQMD formation-enthalpy and "
        "volume-per-atom sets (formulas in CrabNet's training split of both)"
    )


def start_or_resume(args, state_dir, settings, X, full_train):
    from skmat import load_pipeline

    resumed = load_state(state_dir, args.device)
    if resumed is not None:
        pipeline, log = resumed
        print(f"resuming from {state_dir} after epoch {len(log['epochs'])}", flush=True)
        return pipeline, log
    entry = read_manifest(args.out_dir).get(args.name)
    shipped = args.out_dir / f"{args.name}.skmat"
    if args.resume_shipped and entry is not None and shipped.exists():
        pipeline = load_pipeline(shipped)
        pipeline.steps[-1] = ("model", for_training(pipeline[-1], args.device))
        training = entry["training"]
        log = {
            "commands": training["commands"],
            "settings": training["settings"],
            "n_train": entry["n_train"],
            "epochs": training["epochs"],
            "optimizer_restarts": [*training["optimizer_restarts_at_epoch"], training["epochs_done"]],
            "initialised_from": training.get("initialised_from"),
        }
        print(f"continuing the shipped {shipped.name} after epoch {len(log['epochs'])} with a fresh optimizer", flush=True)
        return pipeline, log
    if args.init_from is not None:
        return initialised_from(args, settings, X)
    # The elements of the whole training split, also for a --n-train smoke run, so that
    # its validation and test formulas fit the encoder.
    pipeline = new_model(args, training_elements(full_train))
    pipeline[0].fit(X)
    log = {"commands": [], "settings": settings, "n_train": int(len(X)), "epochs": [], "optimizer_restarts": []}
    return pipeline, log


def initialised_from(args, settings, X):
    """The pipeline and a new log of a run that starts from the shipped ``--init-from`` network's weights."""
    from skmat import load_pipeline

    entry = read_manifest(args.out_dir).get(args.init_from)
    if entry is None or "file" not in entry or entry.get("training", {}).get("settings") is None:
        raise SystemExit(f"--init-from {args.init_from!r} is not a network trained by this tool in {args.out_dir}.")
    parent_settings = {**OLD_RECIPE, **entry["training"]["settings"]}
    differ = {key: (parent_settings.get(key), settings[key]) for key in ARCHITECTURE
              if parent_settings.get(key) != settings[key]}
    if differ:
        raise SystemExit(f"--init-from {args.init_from!r} was trained with other architecture settings {differ} "
                         "(as (its value, this run's)); repeat its settings.")
    path = args.out_dir / entry["file"]
    if sha256(path) != entry["sha256"]:
        raise SystemExit(f"{path} does not match the SHA-256 its manifest entry records; not starting from it.")
    pipeline = load_pipeline(path)
    pipeline.steps[-1] = ("model", for_training(
        pipeline[-1], args.device, batch_size=args.batch_size, module__dropout=args.dropout,
        module__channels_last=args.channels_last, module__mixed_precision=args.mixed_precision,
        optimizer__weight_decay=args.weight_decay, criterion=criterion(args.loss),
    ))
    log = {"commands": [], "settings": settings, "n_train": int(len(X)), "epochs": [], "optimizer_restarts": [],
           "initialised_from": {"name": args.init_from, "sha256": entry["sha256"],
                                "epochs_done": entry["training"]["epochs_done"], "test_MAE": entry["test_MAE"]}}
    print(f"starting from the shipped {path.name} ({entry['training']['epochs_done']} epochs)", flush=True)
    return pipeline, log


def main(argv=None):
    args = parse_args(argv)
    threads = use_all_cores()
    if args.threads is not None:
        import torch

        torch.set_num_threads(threads := args.threads)
    state_dir = args.state_dir or ROOT / "tools" / "pretrain_state" / args.name
    command = command_line(argv)
    settings = {
        key: value for key, value in vars(args).items()
        if key not in ("name", "hours", "out_dir", "state_dir", "resume_shipped", "device", "threads")
    }
    X, y, X_val, y_val, all_train = training_data(args.targets, args.n_train)
    pipeline, log = start_or_resume(args, state_dir, settings, X, all_train)
    logged = {**OLD_RECIPE, **log["settings"]}
    if logged != settings:
        changed = {key: (logged.get(key), value) for key, value in settings.items() if logged.get(key) != value}
        raise SystemExit(f"The run of --name {args.name} was started with other settings {changed}; use another --name.")
    if command not in log["commands"]:
        log["commands"].append(command)

    encoder, network = pipeline[0], pipeline[-1]
    images, val_images = encoder.transform(X), encoder.transform(X_val)
    started = time.perf_counter()
    while len(log["epochs"]) < args.epochs:
        epoch = len(log["epochs"])
        network.set_params(lr=cosine_lr(args.lr, epoch, args.epochs), random_state=args.seed + epoch)
        start = time.perf_counter()
        network.fit(images, y)
        seconds = time.perf_counter() - start
        val_mae = np.atleast_1d(np.mean(np.abs(network.predict(val_images) - y_val), axis=0))
        row = {
            "epoch": epoch + 1,
            "seconds": round(seconds, 1),
            "threads": threads if args.device == "cpu" else 1,
            "train_loss": round(float(network.history[-1, "train_loss"]), 5),
            "val_MAE": {task: round(float(value), 4) for task, value in zip(args.targets, val_mae)},
            "machine": machine_description(args.device, show_device=True),
            "finished_utc": utc_now(),
        }
        log["epochs"].append(row)
        save_state(state_dir, pipeline, log)
        print(f"epoch {epoch + 1}/{args.epochs}: {seconds:.0f} s, loss {row['train_loss']}, val MAE {row['val_MAE']}", flush=True)
        if args.hours is not None and time.perf_counter() - started > args.hours * 3600:
            print(f"--hours {args.hours} reached; the same command resumes", flush=True)
            break
    if not log["epochs"]:
        raise SystemExit("No epoch trained.")
    ship(args, pipeline, log)


if __name__ == "__main__":
    main()
