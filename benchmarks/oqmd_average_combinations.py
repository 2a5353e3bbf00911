"""Ways to combine the shipped OQMD networks, scored on CrabNet's OQMD test splits.

``skmat.load_pretrained("oqmd-average")`` predicts the plain mean of its
members. This script asks whether another combination of the same members'
predictions would be closer, choosing everything it fits on the validation
formulas (never on the test split):

* ``mean``: the shipped average;
* ``median``: the member-wise median;
* ``weighted (validation)``: non-negative weights summing to one, per
  target, that minimise the absolute error on the validation formulas (a
  linear program, solved exactly with SciPy's HiGHS; what
  ``PretrainedAverage(weights="absolute_error")`` fits);
* ``weighted by number of elements (validation)``: such weights fitted
  separately on the formulas of 1, 2, 3, and 4 or more elements (a group
  with fewer than 1,000 of them takes the weights of all;
  ``PretrainedAverage(weights="absolute_error", weights_by="n_elements")``);
* ``mean + boosted correction (validation)``: a
  :class:`~sklearn.ensemble.HistGradientBoostingRegressor` (absolute-error
  loss) fitted on the validation formulas to the mean's error, from the
  members' predictions and their spread;
* each member alone.

Writes ``benchmarks/results/oqmd_average_combinations.csv`` (one row per
combination and target: test MAE, validation MAE -- in-sample for the
combinations fitted on the validation formulas, unless ``--hold-out N``
fits them on the formulas after the first N and scores those N --, the
weights). Takes about
five minutes on two CPU cores (every member predicts 44,000 validation and
about 60,000 test formulas).

``--candidates DIR [DIR ...]`` lets ``--members`` name networks that
``tools/pretrain.py --out-dir DIR`` trained but skmat does not ship (each
file must match the SHA-256 its entry in ``DIR/manifest.json`` records; the
header names each candidate's SHA-256), so whether a new network earns its
place in the shipped average is measured before it is shipped.

Run::

    python benchmarks/oqmd_average_combinations.py
    python benchmarks/oqmd_average_combinations.py --members oqmd oqmd-reg2-l1-c4 --threads 1
    python benchmarks/oqmd_average_combinations.py --members oqmd oqmd-reg-l1-c4 new-net --candidates runs/ \
        --out benchmarks/results/oqmd_average_candidates.csv
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._common import RESULTS, command_line, machine_description, trained_network, write_table
from skmat.models._combination_weights import least_absolute_error_weights, least_absolute_error_weights_by_group
from skmat.models._pretrained_average import MIN_GROUP_SIZE, N_ELEMENT_GROUPS, element_groups

DEFAULT_OUT = RESULTS / "oqmd_average_combinations.csv"
TASKS = ("formation_enthalpy", "volume_per_atom")
COLUMNS = ["combination", "task", "test_MAE", "val_MAE", "weights", "n_val", "n_test", "n_held_out"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", nargs="+", default=None,
                        help="shipped OQMD networks to combine (default: the members of 'oqmd-average')")
    parser.add_argument("--n-val", type=int, default=None,
                        help="validation formulas to fit on (default: all of the split)")
    parser.add_argument("--n-test", type=int, default=None, help="test formulas per target (default: all)")
    parser.add_argument("--hold-out", type=int, default=0, metavar="N",
                        help="fit on the validation formulas after the first N and score val_MAE on those N, held out "
                             "(as tools/ship_average.py: N=20000); default 0: fit on all, val_MAE in sample")
    parser.add_argument("--candidates", type=Path, nargs="+", default=(), metavar="DIR",
                        help="output folders of tools/pretrain.py (--out-dir) whose networks --members may name")
    parser.add_argument("--cache", type=Path, default=None, metavar="DIR",
                        help="keep each network's predictions here (by its SHA-256 and --n-val/--n-test) and reuse "
                             "them in later runs")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    return parser.parse_args(argv)


def load_member(name, candidates):
    """The network ``name``: shipped with skmat, or else trained into one of the folders ``candidates``.

    Returns the pipeline and, for a candidate, its SHA-256 (``None`` for a shipped network, which
    ``load_pretrained`` checks itself). A candidate's file must match its manifest entry.
    """
    from skmat import load_pipeline, load_pretrained, pretrained_info

    try:
        pretrained_info(name)
    except (KeyError, ValueError):
        if not candidates:
            raise SystemExit(f"{name!r} is not a shipped network; name its training folder with --candidates.")
        found = next(filter(None, (trained_network(folder, name) for folder in candidates)), None)
        if found is None:
            raise SystemExit(f"{name!r} is neither shipped nor a network of {', '.join(map(str, candidates))}.")
        entry, path = found
        return load_pipeline(path), entry["sha256"]
    return load_pretrained(name), None


def correction_features(members):
    """What the boosted correction reads of each row: the members' predictions and their spread."""
    return np.column_stack([members, members.std(axis=1)])


def boosted_correction(val_members, val_target):
    """A gradient-boosted model of the mean's error from :func:`correction_features`."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(loss="absolute_error", max_iter=300, learning_rate=0.05, random_state=0).fit(
        correction_features(val_members), val_target - val_members.mean(axis=1))


def combinations(names, val_members, val_target, test_members, val_groups, test_groups):
    """``{combination: (val prediction, test prediction, weights or "")}`` for one target.

    ``val_members`` and ``test_members`` have one column per network of ``names``; each network alone is a
    combination too, under its name. ``val_groups`` and ``test_groups`` are each row's :func:`element_groups`.
    """
    out = {
        "mean": (val_members.mean(axis=1), test_members.mean(axis=1), ""),
        "median": (np.median(val_members, axis=1), np.median(test_members, axis=1), ""),
    }
    weights = least_absolute_error_weights(val_members, val_target)
    out["weighted (validation)"] = (val_members @ weights, test_members @ weights,
                                    " ".join(f"{w:.3f}" for w in weights))
    grouped = least_absolute_error_weights_by_group(val_members, val_target, val_groups, N_ELEMENT_GROUPS,
                                                    MIN_GROUP_SIZE)
    out["weighted by number of elements (validation)"] = (
        np.einsum("nk,nk->n", val_members, grouped[val_groups]),
        np.einsum("nk,nk->n", test_members, grouped[test_groups]),
        " | ".join(" ".join(f"{w:.3f}" for w in row) for row in grouped),
    )
    correction = boosted_correction(val_members, val_target)
    out["mean + boosted correction (validation)"] = (
        val_members.mean(axis=1) + correction.predict(correction_features(val_members)),
        test_members.mean(axis=1) + correction.predict(correction_features(test_members)),
        "",
    )
    for j, name in enumerate(names):
        out[name] = (val_members[:, j], test_members[:, j], "")
    return out


def main(argv=None):
    args = parse_args(argv)
    import torch

    from skmat import pretrained_info
    from skmat.datasets import load_oqmd, load_oqmd_multitask

    torch.set_num_threads(args.threads)
    members = args.members or list(pretrained_info("oqmd-average")["members"])
    networks = {name: load_member(name, args.candidates) for name in members}
    unshipped = [f"{name} ({digest})" for name, (_, digest) in networks.items() if digest is not None]
    header = f"# made by: {command_line(argv)} | {machine_description()} | members: {' '.join(members)}"
    if unshipped:
        header += f" | not shipped, SHA-256: {', '.join(unshipped)}"
    val = load_oqmd_multitask("val")
    val_X, val_y = val.data[: args.n_val], val.target[: args.n_val]
    tests = {task: load_oqmd(task, "test") for task in TASKS}
    val_groups = element_groups(val_X)
    test_groups = {task: element_groups(tests[task].data[: args.n_test]) for task in TASKS}
    val_predictions, test_predictions = [], {task: [] for task in TASKS}
    for name in members:
        network, digest = networks[name]
        digest = digest or pretrained_info(name)["sha256"]
        cached = None if args.cache is None else args.cache / f"{digest}-{args.n_val}-{args.n_test}.npz"
        if cached is not None and cached.exists():
            with np.load(cached, allow_pickle=False) as stored:
                predicted = {key: stored[key] for key in ("val", *TASKS)}
        else:
            predicted = {"val": network.predict(val_X)}
            for column, task in enumerate(TASKS):
                predicted[task] = network.predict(tests[task].data[: args.n_test])[:, column]
            if cached is not None:
                args.cache.mkdir(parents=True, exist_ok=True)
                np.savez(cached, **predicted)
        val_predictions.append(predicted["val"])
        for task in TASKS:
            test_predictions[task].append(predicted[task])
        print(f"{name}: predicted", flush=True)
    val_predictions = np.stack(val_predictions, axis=-1)  # (n, targets, members)
    rows = []
    held = args.hold_out  # the first `held` validation formulas score val_MAE; the rest are fitted on
    for column, task in enumerate(TASKS):
        test_y = tests[task].target[: args.n_test]
        fit_members, fit_y = val_predictions[held:, column], val_y[held:, column]
        scored = np.concatenate([val_predictions[:held, column], np.stack(test_predictions[task], axis=1)])
        scored_groups = np.concatenate([val_groups[:held], test_groups[task]])
        found = combinations(members, fit_members, fit_y, scored, val_groups[held:], scored_groups)
        for name, (on_fit, on_scored, weights) in found.items():
            on_val, on_test, val_target = on_scored[:held], on_scored[held:], val_y[:held, column]
            if not held:  # no formula held out: val_MAE is in sample
                on_val, val_target = on_fit, fit_y
            rows.append({"combination": name, "task": task,
                         "test_MAE": float(np.mean(np.abs(on_test - test_y))),
                         "val_MAE": float(np.mean(np.abs(on_val - val_target))),
                         "weights": weights, "n_val": len(val_y), "n_test": len(test_y), "n_held_out": held})
    table = pd.DataFrame(rows, columns=COLUMNS)
    write_table(args.out, table, header, float_format="%.4f")
    print(header)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
