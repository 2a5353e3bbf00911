"""Where each model of ``benchmarks/matbench.py`` would rank on the Matbench v0.1 leaderboard.

Reads ``results/matbench.csv`` (one row per task, model and fold), takes
each model's mean over the five official folds in the leaderboard's metric
(MAE for ``expt_gap`` and ``steels``; for ``expt_is_metal`` and ``glass``
the ROC AUC of hard labels, which is how the leaderboard scored its
classification entries: matbench issues #137 and #181), and ranks it among
the leaderboard's entries in ``LEADERBOARD`` (rank 1 is first place; a
model that ties an entry ranks above it). Models with fewer than five folds
are left out. Writes ``results/matbench_ranks.csv`` whole.

``LEADERBOARD`` holds the published Matbench v0.1 entries, mean over the
five folds, as listed on matbench.materialsproject.org (2026; entries that
were submitted but never merged are not included). Source of the figures:
the project's notes (``ptr-notes.md``), copied from the leaderboard pages.

Run::

    python benchmarks/matbench_ranks.py
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
from pathlib import Path

import numpy as np

from benchmarks._common import RESULTS, command_line, write_table

#: task -> {leaderboard entry: mean over the five folds} (Matbench v0.1; classification on hard labels).
LEADERBOARD = {
    "expt_gap": {
        "Darwin": 0.2865, "Ax/SAASBO CrabNet": 0.3310, "MODNet": 0.3327, "CrabNet": 0.3463, "AMMExpress": 0.4161,
        "RF-SCM/Magpie": 0.4461, "gptchem": 0.4544, "Dummy": 1.1435,
    },
    "steels": {
        "TPOT-Mat": 79.9, "AutoML-Mat": 82.3, "MODNet": 87.8, "RF-Regex": 90.6, "AMMExpress": 97.5,
        "RF-SCM/Magpie": 103.5, "CrabNet": 107.3, "Darwin": 123.3, "gptchem": 143.0, "Dummy": 229.7,
    },
    "expt_is_metal": {
        "Darwin": 0.9598, "AMMExpress": 0.9209, "RF-SCM/Magpie": 0.9167, "MODNet": 0.9161, "gptchem": 0.8965,
    },
    "glass": {"MODNet": 0.9603, "AMMExpress": 0.8607, "RF-SCM/Magpie": 0.8587, "gptchem": 0.7762, "Darwin": 0.7668},
}
#: task -> (column of matbench.csv, whether higher is better)
METRIC = {
    "expt_gap": ("mae", False),
    "steels": ("mae", False),
    "expt_is_metal": ("roc_auc_labels", True),
    "glass": ("roc_auc_labels", True),
}
COLUMNS = ["task", "model", "metric", "score", "folds", "rank", "entries", "next_above", "next_below"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=RESULTS / "matbench.csv")
    parser.add_argument("--out", type=Path, default=RESULTS / "matbench_ranks.csv")
    return parser.parse_args(argv)


def rank(task, score):
    """``(rank, entry just above, entry just below)`` of ``score`` among the leaderboard's ``task`` entries."""
    _, higher_is_better = METRIC[task]
    entries = sorted(LEADERBOARD[task].items(), key=lambda item: -item[1] if higher_is_better else item[1])
    better = [name for name, value in entries if (value > score if higher_is_better else value < score)]
    above = f"{better[-1]} {LEADERBOARD[task][better[-1]]:g}" if better else ""
    worse = entries[len(better):]
    below = f"{worse[0][0]} {worse[0][1]:g}" if worse else ""
    return len(better) + 1, above, below


def ranks(results):
    """One row per (task, model) with all five folds: its mean score and its rank on the leaderboard."""
    import pandas as pd

    rows = []
    for (task, model), group in results.groupby(["task", "model"], sort=False):
        column, _ = METRIC[task]
        values = pd.to_numeric(group[column], errors="coerce").dropna()
        if len(values) < 5:
            continue
        score = float(np.mean(values))
        place, above, below = rank(task, score)
        rows.append({
            "task": task, "model": model, "metric": "MAE" if column == "mae" else "ROC AUC (labels)",
            "score": round(score, 4), "folds": len(values), "rank": place, "entries": len(LEADERBOARD[task]) + 1,
            "next_above": above, "next_below": below,
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def main(argv=None):
    args = parse_args(argv)
    import pandas as pd

    results = pd.read_csv(args.results, comment="#")
    table = ranks(results)
    better_first = [(-score if METRIC[task][1] else score) for task, score in zip(table["task"], table["score"])]
    table = table.assign(_order=better_first).sort_values(["task", "_order", "model"], kind="stable")
    table = table.drop(columns="_order")
    header = f"# made by: {command_line(argv)} | rank among the Matbench v0.1 leaderboard's entries (see LEADERBOARD)"
    write_table(args.out, table, header)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
