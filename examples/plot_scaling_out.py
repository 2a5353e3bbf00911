"""
A grid search on a Dask cluster, with the sequential search's results
=====================================================================

The same ``GridSearchCV`` of the periodic-table CNN runs twice: in this
process, and on a ``distributed.LocalCluster`` of two worker processes
through joblib's Dask backend (``pip install "skmat[distributed]"``). With
``random_state`` and ``n_threads`` fixed, both searches give the same
scores, bit for bit. On a real cluster only the address changes:
``Client("tcp://scheduler:8786")``.

Dask starts its workers as new Python processes, which import this script
again; the work therefore sits under ``if __name__ == "__main__":``. The
worker settings drop Dask's ``MALLOC_TRIM_THRESHOLD_``, which slows torch
training down (see the docs' *Scaling out* page).
"""

import time

import joblib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline

from skmat import PeriodicTableEncoder, PTRCNNRegressor
from skmat.datasets import load_oqmd_heusler

WORKER_SETTINGS = {
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
    "distributed.worker.profile.enabled": False,
}


def make_search():
    network = PTRCNNRegressor(module__n_filters=16, module__hidden_units=32, max_epochs=4,
                              random_state=0, n_threads=1, verbose=0)
    grid = {"ptrcnnregressor__lr": [1e-3, 3e-3], "ptrcnnregressor__batch_size": [32, 64]}
    return GridSearchCV(make_pipeline(PeriodicTableEncoder(), network), grid,
                        cv=KFold(3, shuffle=True, random_state=0), scoring="neg_mean_absolute_error", n_jobs=-1)


def main():
    import dask
    from distributed import Client, LocalCluster

    X, y = load_oqmd_heusler(subset="paper", outliers="drop", return_X_y=True)
    X, y = X[:900], y[:900]

    start = time.perf_counter()
    here = make_search().set_params(n_jobs=1).fit(X, y)
    here_seconds = time.perf_counter() - start

    start = time.perf_counter()
    with dask.config.set(WORKER_SETTINGS), \
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster):
        with joblib.parallel_backend("dask", scatter=[X, y]):
            on_dask = make_search().fit(X, y)
    dask_seconds = time.perf_counter() - start

    same = np.array_equal(here.cv_results_["mean_test_score"], on_dask.cv_results_["mean_test_score"])
    print(f"in this process {here_seconds:.0f} s, on two Dask workers {dask_seconds:.0f} s "
          f"(cluster start included); same scores: {same}; best {on_dask.best_params_}")

    labels = [f"lr {p['ptrcnnregressor__lr']:g}\nbatch {p['ptrcnnregressor__batch_size']}"
              for p in here.cv_results_["params"]]
    positions = np.arange(len(labels))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(positions - 0.2, -here.cv_results_["mean_test_score"], 0.4, label="this process")
    ax.bar(positions + 0.2, -on_dask.cv_results_["mean_test_score"], 0.4, label="two Dask workers")
    ax.set_xticks(positions, labels)
    ax.set_ylabel("3-fold MAE, mean of\nΔHf (eV/atom) and a (Å)")
    ax.set_title(f"Same scores ({same}); {here_seconds:.0f} s here, {dask_seconds:.0f} s on Dask")
    ax.legend()
    fig.tight_layout()


if __name__ == "__main__":
    main()
