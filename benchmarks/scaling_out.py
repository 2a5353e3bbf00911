"""Wall time of the same fits on one process, loky and Dask with one and two workers.

Workloads:

* ``grid-ptr``: ``GridSearchCV`` of :class:`~skmat.PeriodicTableEncoder` +
  :class:`~skmat.PTRCNNRegressor` (the paper's network, ``--epochs``
  epochs) over 2 learning rates x 2 batch sizes, 3-fold, on
  ``--n-formulas`` formulas of the OQMD X2YZ paper subset: 12 fits and a
  refit;
* ``grid-spt``: the same search of :class:`~skmat.GramianAngularFieldEncoder`
  + :class:`~skmat.SPTSeq2SeqRegressor` on ``--n-curves`` simulated small
  punch curves;
* ``fanout-curves``: ``benchmarks/ptr_learning_curves.py`` at 1,000 and
  2,000 compounds for three configurations (6 fits), as a subprocess, into
  a scratch CSV; the Dask engines pass ``--dask local --dask-workers N``.

Engines: ``sequential`` (``n_jobs=1``, torch on every core), ``loky-2``
(``n_jobs=2``), ``dask-1`` and ``dask-2`` (a LocalCluster of one or two
single-threaded worker processes with Dask's default settings,
``joblib.parallel_backend("dask")``), ``dask-1-tuned`` and ``dask-2-tuned``
(the same with ``_common.WORKER_CONFIG``: no ``MALLOC_TRIM_THRESHOLD_``, no
profiler; what ``--dask local`` uses, so the only Dask engines of
``fanout-curves``). The Dask times include starting the cluster. Each (workload, engine, repeat) is
one row of ``results/scaling_out.csv`` (``--repeats`` runs of each, in
rounds over every workload and engine); a finished row is not run again.

Run::

    python benchmarks/scaling_out.py                     # everything, about 15 min on 2 cores
    python benchmarks/scaling_out.py --workloads grid-ptr --engines dask-1 dask-2
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import subprocess
import sys
import tempfile
import time
from itertools import product
from pathlib import Path

from benchmarks._common import HERE, RESULTS, WORKER_CONFIG, append_row, command_line, local_cluster
from benchmarks._common import PAPER_IMAGE, PAPER_NETWORK, machine_description, read_results, utc_now

WORKLOADS = ("grid-ptr", "grid-spt", "fanout-curves")
ENGINES = ("sequential", "loky-2", "dask-1", "dask-2", "dask-1-tuned", "dask-2-tuned")
COLUMNS = ["workload", "engine", "repeat", "n_fits", "wall_seconds", "best_score", "machine", "finished_utc"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--n-formulas", type=int, default=2000)
    parser.add_argument("--n-curves", type=int, default=600)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=1, help="runs of each (workload, engine), rows repeat 0..N-1")
    parser.add_argument("--out", type=Path, default=RESULTS / "scaling_out.csv")
    return parser.parse_args(argv)


def search(workload, args):
    """The GridSearchCV and its data."""
    import numpy as np
    from sklearn.model_selection import GridSearchCV, KFold
    from sklearn.pipeline import make_pipeline

    if workload == "grid-ptr":
        from skmat import PeriodicTableEncoder, PTRCNNRegressor
        from skmat.datasets import load_oqmd_heusler

        X, y = load_oqmd_heusler(subset="paper", outliers="drop", return_X_y=True)
        X, y = X[: args.n_formulas], y[: args.n_formulas]
        model = make_pipeline(PeriodicTableEncoder(**PAPER_IMAGE), PTRCNNRegressor(**PAPER_NETWORK, max_epochs=args.epochs, random_state=0, verbose=0))
        grid = {"ptrcnnregressor__lr": [1e-3, 2e-3], "ptrcnnregressor__batch_size": [32, 64]}
    else:
        from skmat import GramianAngularFieldEncoder, SPTSeq2SeqRegressor
        from skmat.datasets import make_small_punch_test

        spt = make_small_punch_test(args.n_curves, random_state=0)
        X, y = np.column_stack([spt.data, spt.params["thickness"]]), spt.target
        model = make_pipeline(GramianAngularFieldEncoder(32, n_conditions=1),
                              SPTSeq2SeqRegressor(max_epochs=args.epochs, random_state=0, verbose=0))
        grid = {"sptseq2seqregressor__lr": [1e-3, 2e-3], "sptseq2seqregressor__batch_size": [32, 64]}
    cv = KFold(3, shuffle=True, random_state=0)
    return GridSearchCV(model, grid, cv=cv, scoring="neg_mean_absolute_error"), X, y


def run_search(workload, engine, args):
    import joblib

    start = time.perf_counter()
    gs, X, y = search(workload, args)
    if engine.startswith("dask"):
        config = WORKER_CONFIG if engine.endswith("tuned") else {}
        with local_cluster(int(engine[5]), config), joblib.parallel_backend("dask", scatter=[X, y]):
            gs.set_params(n_jobs=-1).fit(X, y)
    else:
        gs.set_params(n_jobs=2 if engine == "loky-2" else 1).fit(X, y)
    return len(gs.cv_results_["params"]) * gs.n_splits_, time.perf_counter() - start, round(float(gs.best_score_), 5)


def run_fanout(engine):
    configs = ["ptr-mt-whiten", "mendeleev-line", "random-line-1"]
    with tempfile.TemporaryDirectory() as scratch:
        command = [sys.executable, str(HERE / "ptr_learning_curves.py"), "--sizes", "1000", "2000", "--configs",
                   *configs, "--min-epochs", "5", "--max-epochs", "5", "--out", str(Path(scratch) / "c.csv")]
        if engine.endswith("tuned"):
            command += ["--dask", "local", "--dask-workers", engine[5]]
        elif engine != "sequential":
            return None  # the script's fan-out is Dask's (with WORKER_CONFIG), not joblib's
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        return 2 * len(configs), time.perf_counter() - start, ""


def main(argv=None):
    args = parse_args(argv)
    header = f"# made by: {command_line(argv)} (resumable; machine per row) | idle cores; Dask times include the cluster's start"
    done = read_results(args.out, COLUMNS)
    done_keys = {(r.workload, r.engine, int(r.repeat)) for r in done.itertuples()}
    for repeat, workload, engine in product(range(args.repeats), args.workloads, args.engines):
        if (workload, engine, repeat) in done_keys:
            continue
        print(f"== {workload} on {engine}, repeat {repeat}", flush=True)
        measured = run_fanout(engine) if workload == "fanout-curves" else run_search(workload, engine, args)
        if measured is None:
            continue
        n_fits, seconds, best = measured
        row = {"workload": workload, "engine": engine, "repeat": repeat, "n_fits": n_fits,
               "wall_seconds": round(seconds, 1), "best_score": best, "machine": machine_description(),
               "finished_utc": utc_now()}
        append_row(args.out, row, COLUMNS, header)
        print(f"   {n_fits} fits in {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main()
