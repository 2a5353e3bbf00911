"""Score the mean of shipped OQMD networks and record it as a shipped model (``skmat.load_pretrained``).

Networks trained with other images and defaults err differently, so the
mean of their predictions is closer than each. This script builds
:class:`~skmat.models.PretrainedAverage` of ``--members`` (shipped
composition networks for the same targets), scores it as
``tools/pretrain.py`` scores a network (MAE on each task's full CrabNet test
split, and on the first 20,000 validation formulas), and writes its entry in
``skmat/_weights/manifest.json``: the members and the SHA-256 of each (the
average has no file of its own; ``load_pretrained`` refuses it if a member
file changes), targets, the elements every member accepts, and the scores
of the average and of each member. Takes a few minutes on one CPU core.

Run::

    python tools/ship_average.py --name oqmd-average --members oqmd oqmd-channels oqmd-reg oqmd-reg2-l1 oqmd-reg3-l1 --threads 1
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python tools/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
from pathlib import Path

import numpy as np

from benchmarks._common import command_line, machine_description, utc_now
from tools.pretrain import DEFAULT_OUT, N_VAL, TASKS, UNITS, editing_manifest, evaluate, read_manifest


def parse_args(argv=None):
    from skmat.models import PretrainedAverage

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="oqmd-average", help="name for skmat.load_pretrained")
    parser.add_argument("--members", nargs="+", default=list(PretrainedAverage().networks),
                        help="shipped composition networks to average (at least two; default: PretrainedAverage's)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    return parser.parse_args(argv)


def val_scores(model):
    """MAE per task of ``model`` on the first ``N_VAL`` validation formulas (``tools/pretrain.py``'s score)."""
    from skmat.datasets import load_oqmd_multitask

    val = load_oqmd_multitask("val")
    error = np.mean(np.abs(model.predict(val.data[:N_VAL]) - val.target[:N_VAL]), axis=0)
    return {task: round(float(value), 4) for task, value in zip(TASKS, error)}


def main(argv=None):
    args = parse_args(argv)
    import torch

    from skmat.models import PretrainedAverage

    torch.set_num_threads(args.threads)
    manifest = read_manifest(args.out_dir)
    missing = [m for m in args.members if m not in manifest or "file" not in manifest[m]]
    if missing or len(args.members) < 2:
        raise SystemExit(f"--members must name at least two shipped networks of {args.out_dir}; not: {missing}")
    average = PretrainedAverage(networks=tuple(args.members)).fit()
    members = {}
    for name, network in zip(args.members, average.networks_):  # the networks the average loaded
        members[name] = {"test_MAE": evaluate(network), "val_MAE": val_scores(network)}
        print(name, members[name], flush=True)
    entry = {
        "task": "composition",
        "estimator": "skmat.models.PretrainedAverage",
        "description": ("The mean prediction of the shipped OQMD networks " + ", ".join(repr(m) for m in args.members)
                        + " (predict(X, return_std=True) adds their spread); it has no file of its own"),
        "members": {name: manifest[name]["sha256"] for name in args.members},
        "targets": list(TASKS),
        "units": [UNITS[task] for task in TASKS],
        "elements": [e for e in manifest[args.members[0]]["elements"]
                     if all(e in manifest[m]["elements"] for m in args.members)],
        "n_train": manifest[args.members[0]]["n_train"],
        "test_MAE": evaluate(average),
        "val_MAE": val_scores(average),
        "training": {
            "commands": [command_line(argv)],
            "members": members,
            "machine": machine_description(),
            "finished_utc": utc_now(),
        },
    }
    print(args.name, {"test_MAE": entry["test_MAE"], "val_MAE": entry["val_MAE"]}, flush=True)
    with editing_manifest(args.out_dir) as manifest:  # as it is now
        manifest[args.name] = entry
    print(f"wrote the entry {args.name!r} in {args.out_dir / 'manifest.json'}")


if __name__ == "__main__":
    main()
