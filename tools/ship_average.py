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

``--weights absolute_error`` weighs the members
(``PretrainedAverage(weights="absolute_error")``) by the least-absolute-error
fit on the validation formulas after the first 20,000 (23,604 formulas),
so that the validation score on the first 20,000 stays held out; the entry
records the weights of each target. ``--weights-by n_elements`` fits one set
of weights for each number of distinct elements in a formula (1, 2, 3, and
4 or more; ``PretrainedAverage(weights_by="n_elements")``), and the entry
records one table of weights per group.

Run::

    python tools/ship_average.py --name oqmd-average --members oqmd oqmd-channels oqmd-reg2-l1-c4 oqmd-reg3-l1-c4 --threads 1
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
    from skmat.models._pretrained_average import MIN_GROUP_SIZE

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="oqmd-average", help="name for skmat.load_pretrained")
    parser.add_argument("--members", nargs="+", default=list(PretrainedAverage().networks),
                        help="shipped composition networks to average (at least two; default: PretrainedAverage's)")
    parser.add_argument("--weights", choices=("mean", "absolute_error"), default="mean",
                        help="the plain mean (default), or weights fitted for the absolute error on the validation "
                             "formulas that val_MAE does not score")
    parser.add_argument("--weights-by", choices=("all", "n_elements"), default="all",
                        help="with --weights absolute_error: one set of weights for all formulas (default), or one "
                             "for each number of distinct elements (1, 2, 3, 4 or more)")
    parser.add_argument("--min-group-size", type=int, default=MIN_GROUP_SIZE,
                        help="with --weights-by n_elements: a group with fewer formulas takes the weights fitted on "
                             f"all (default {MIN_GROUP_SIZE})")
    parser.add_argument("--n-weight-fit", type=int, default=None,
                        help="fit the weights on only this many of those formulas (smoke runs)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT)
    return parser.parse_args(argv)


def val_scores(model, val):
    """MAE per task of ``model`` on the first ``N_VAL`` formulas of ``val`` (``tools/pretrain.py``'s score).

    ``val`` is CrabNet's OQMD validation split (``load_oqmd_multitask("val")``), read once by :func:`main`.
    """
    error = np.mean(np.abs(model.predict(val.data[:N_VAL]) - val.target[:N_VAL]), axis=0)
    return {task: round(float(value), 4) for task, value in zip(TASKS, error)}


def weight_table(members, weights):
    """``{target: {member: weight}}`` of ``weights`` (members, targets), as the manifest records weights.

    By member name: the manifest is written with sorted keys, so the members' order is not kept.
    """
    return {task: {name: float(w) for name, w in zip(members, weights[:, j])} for j, task in enumerate(TASKS)}


def main(argv=None):
    args = parse_args(argv)
    import torch

    from skmat.models import PretrainedAverage
    from skmat.models._pretrained_average import ELEMENT_GROUP_LABELS

    torch.set_num_threads(args.threads)
    manifest = read_manifest(args.out_dir)
    missing = [m for m in args.members if m not in manifest or "file" not in manifest[m]]
    if missing or len(args.members) < 2:
        raise SystemExit(f"--members must name at least two shipped networks of {args.out_dir}; not: {missing}")
    from skmat.datasets import load_oqmd_multitask

    val = load_oqmd_multitask("val")  # the weights' fit and every val_MAE read this one copy
    weights_by = None if args.weights_by == "all" else args.weights_by
    if args.weights == "mean":
        if weights_by is not None:
            raise SystemExit("--weights-by needs --weights absolute_error: the plain mean has no weights to group.")
        average = PretrainedAverage(networks=tuple(args.members)).fit()
    else:
        stop = None if args.n_weight_fit is None else N_VAL + args.n_weight_fit
        fit_X, fit_y = val.data[N_VAL:stop], val.target[N_VAL:stop]
        average = PretrainedAverage(networks=tuple(args.members), weights="absolute_error", weights_by=weights_by,
                                    min_group_size=args.min_group_size).fit(fit_X, fit_y)
        print("weights", np.round(average.weights_, 4).tolist(), flush=True)
    members = {}
    for name, network in zip(args.members, average.networks_):  # the networks the average loaded
        members[name] = {"test_MAE": evaluate(network), "val_MAE": val_scores(network, val)}
        print(name, members[name], flush=True)
    entry = {
        "task": "composition",
        "estimator": "skmat.models.PretrainedAverage",
        "description": (("The mean prediction" if args.weights == "mean" else
                         "The weighted mean prediction (weights fitted for the absolute error on validation formulas)")
                        + " of the shipped OQMD networks " + ", ".join(repr(m) for m in args.members)
                        + " (predict(X, return_std=True) adds their spread); it has no file of its own"),
        "members": {name: manifest[name]["sha256"] for name in args.members},
        "targets": list(TASKS),
        "units": [UNITS[task] for task in TASKS],
        "elements": [e for e in manifest[args.members[0]]["elements"]
                     if all(e in manifest[m]["elements"] for m in args.members)],
        "n_train": manifest[args.members[0]]["n_train"],
        "test_MAE": evaluate(average),
        "val_MAE": val_scores(average, val),
        "training": {
            "commands": [command_line(argv)],
            "members": members,
            "machine": machine_description(),
            "finished_utc": utc_now(),
        },
    }
    if args.weights != "mean":
        entry["training"]["weights_fitted_on"] = (
            f"{len(fit_y)} formulas of CrabNet's OQMD validation split after the first {N_VAL} (which val_MAE "
            f"scores), by PretrainedAverage(weights='absolute_error', weights_by={weights_by!r})")
        if weights_by is None:
            entry["weights"] = weight_table(args.members, average.weights_)
        else:
            entry["weights_by"] = weights_by
            entry["weights"] = {group: weight_table(args.members, weights)
                                for group, weights in zip(ELEMENT_GROUP_LABELS, average.weights_)}
            entry["training"]["weights_fitted_on"] += "; formulas per group of 1, 2, 3 and 4+ elements: " + ", ".join(
                map(str, average.group_sizes_.tolist())) + (
                f" (a group of fewer than {average.min_group_size} has the weights fitted on all)")
    print(args.name, {"test_MAE": entry["test_MAE"], "val_MAE": entry["val_MAE"]}, flush=True)
    with editing_manifest(args.out_dir) as manifest:  # as it is now
        manifest[args.name] = entry
    print(f"wrote the entry {args.name!r} in {args.out_dir / 'manifest.json'}")


if __name__ == "__main__":
    main()
