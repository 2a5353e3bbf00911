"""Many fits on joblib's engines: Dask (a LocalCluster of two worker processes) and loky.

Every skmat estimator and a Pipeline of each kind run through
``GridSearchCV(n_jobs=-1)`` under ``joblib.parallel_backend("dask")`` and
give the sequential search's scores bit for bit (``random_state`` fixed,
``n_threads=1`` so that the thread count cannot change a sum's order). A
worker killed mid-search is replaced and its fits rerun; a fit that kills
every worker it lands on fails the search with Dask's ``KilledWorker``.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skmat import (
    CurveResampler,
    GramianAngularFieldEncoder,
    MendeleevLineEncoder,
    PeriodicTableEncoder,
    PTRCNNRegressor,
    RandomTableEncoder,
    SPTInverseFitRegressor,
    SPTSeq2SeqRegressor,
)
from skmat.datasets import load_oqmd_heusler, make_small_punch_test
from skmat.models import PTRCNNClassifier

distributed = pytest.importorskip("distributed", reason='Dask scale-out needs pip install "skmat[distributed]"')

# The helpers below travel to the workers by value: they cannot import this test module.
import cloudpickle  # noqa: E402

cloudpickle.register_pickle_by_value(sys.modules[__name__])

TINY_PTR = dict(module__n_filters=4, module__hidden_units=8, max_epochs=2, random_state=0, verbose=0, n_threads=1)
TINY_SPT = dict(module__num_layers=1, module__hidden_size=8, module__num_heads=2, module__conv1d_channels=2,
                max_epochs=2, random_state=0, verbose=0, n_threads=1)
CV = KFold(2, shuffle=True, random_state=0)


@pytest.fixture(scope="module")
def formulas():
    X, y = load_oqmd_heusler(subset="paper", return_X_y=True)
    return X[:120], y[:120]


@pytest.fixture(scope="module")
def curves():
    spt = make_small_punch_test(24, random_state=0)
    return np.column_stack([spt.data, spt.params["thickness"]]), spt.target


def searches(formulas, curves):
    """(name, estimator, grid, X, y) for every skmat estimator, each in a Pipeline."""
    X, y = formulas
    Xc, yc = curves
    ptr = make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(**TINY_PTR))
    classifier = make_pipeline(PeriodicTableEncoder(), PTRCNNClassifier(**TINY_PTR))
    spt = make_pipeline(GramianAngularFieldEncoder(8, n_conditions=1), SPTSeq2SeqRegressor(**TINY_SPT))
    line = make_pipeline(MendeleevLineEncoder(output="flat"), KernelRidge(kernel="rbf"))
    table = make_pipeline(RandomTableEncoder(), FunctionTransformer(_flat), Ridge())
    resampled = make_pipeline(FunctionTransformer(_first_columns), CurveResampler(n_points=20), Ridge())
    return [
        ("ptr-regressor", ptr, {"ptrcnnregressor__lr": [1e-3, 3e-3]}, X, y),
        ("ptr-classifier", classifier, {"ptrcnnclassifier__lr": [1e-3, 3e-3]}, X, y[:, 0] < np.median(y[:, 0])),
        ("spt-seq2seq", spt, {"sptseq2seqregressor__lr": [2e-3, 5e-3]}, Xc, yc),
        ("mendeleev-line-krr", line, {"kernelridge__alpha": [0.01, 0.1]}, X, y),
        ("random-table-ridge", table, {"randomtableencoder__random_state": [1, 2]}, X, y),
        ("curve-resampler-ridge", resampled, {"curveresampler__n_points": [10, 20]}, Xc, yc),
        ("spt-inverse-fit", SPTInverseFitRegressor(n_starts=1, max_iter=10), {"prestrain": [0.002, 0.004]}, Xc, yc),
    ]


def _flat(images):
    return images.reshape(len(images), -1)


def _first_columns(X):
    """The load curves without the thickness column, as (n, 2, m) displacement–force pairs."""
    forces = X[:, :-1]
    displacement = np.broadcast_to(np.linspace(0.0, 1.0, forces.shape[1]), forces.shape)
    return np.stack([displacement, forces], axis=1)


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each (Dask's default: each started by a nanny)."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local, \
            Client(local) as client:
        yield client


def _same_search(sequential, parallel):
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_array_equal(parallel.cv_results_[key], sequential.cv_results_[key], err_msg=key)
    assert parallel.best_params_ == sequential.best_params_


@pytest.mark.parametrize("case", range(7), ids=[
    "ptr-regressor", "ptr-classifier", "spt-seq2seq", "mendeleev-line-krr", "random-table-ridge",
    "curve-resampler-ridge", "spt-inverse-fit",
])
def test_grid_search_on_dask_equals_the_sequential_search(case, cluster, formulas, curves):
    name, estimator, grid, X, y = searches(formulas, curves)[case]
    sequential = GridSearchCV(estimator, grid, cv=CV).fit(X, y)
    with joblib.parallel_backend("dask"):
        parallel = GridSearchCV(estimator, grid, cv=CV, n_jobs=-1).fit(X, y)
    _same_search(sequential, parallel)
    np.testing.assert_array_equal(parallel.predict(X[:5]), sequential.predict(X[:5]))


def test_cross_validate_on_loky_equals_one_job(formulas):
    X, y = formulas
    model = make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(**TINY_PTR))
    one = cross_validate(model, X, y, cv=CV, n_jobs=1)
    two = cross_validate(model, X, y, cv=CV, n_jobs=2)
    np.testing.assert_array_equal(two["test_score"], one["test_score"])


def test_workers_start_torch_on_their_share_of_the_cores(cluster):
    import torch

    # loky: joblib gives each of n_jobs workers cpu_count // n_jobs threads (OMP_NUM_THREADS).
    with joblib.parallel_backend("loky"):
        loky = joblib.Parallel(n_jobs=2)(joblib.delayed(torch.get_num_threads)() for _ in range(2))
    assert loky == [max(1, (os.cpu_count() or 1) // 2)] * 2
    # Dask: a nanny starts its worker with OMP_NUM_THREADS=1 (distributed.nanny.pre-spawn-environ).
    assert set(cluster.run(torch.get_num_threads).values()) == {1}


def test_estimators_travel_small(formulas):
    """What a search ships to a worker per fit: the unfitted estimator, a few kB."""
    for name, estimator, *_ in searches(formulas, (np.zeros((2, 3)), np.zeros((2, 2)))):
        size = len(pickle.dumps(clone(estimator)))
        assert size < 20_000, (name, size)


def test_a_fitted_network_survives_a_round_trip_through_a_worker(cluster, formulas):
    X, y = formulas
    model = make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(**TINY_PTR))
    remote = cluster.submit(lambda m: m.fit(X, y), model, pure=False).result()
    local = clone(model).fit(X, y)
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
    assert remote[-1].history[-1, "epoch"] == TINY_PTR["max_epochs"]


def test_seeded_fits_in_threads_of_one_process_match_sequential_fits(formulas):
    """torch's RNG is global to a process: seeded fits in threads take turns (they would mix streams).

    So do predictions with ``n_threads`` set: each DataLoader pass draws a seed
    from that RNG. Before predictions took the lock, about 4 % of these rounds
    differed (a prediction in one thread shifted a fit in another).
    """
    X, y = formulas
    images = PeriodicTableEncoder().fit_transform(X)
    models = [PTRCNNRegressor(**{**TINY_PTR, "max_epochs": 4, "random_state": seed}) for seed in (0, 1, 2, 3)]
    sequential = [clone(m).fit(images, y).predict(images) for m in models]
    for _ in range(3):
        with ThreadPoolExecutor(4) as pool:
            threaded = list(pool.map(lambda m: clone(m).fit(images, y).predict(images), models))
        for a, b in zip(sequential, threaded):
            np.testing.assert_array_equal(a, b)


def test_a_prediction_in_another_thread_waits_for_a_seeded_fit(formulas):
    """The race above, made to happen every time: a seeded fit paused before its weights, a prediction meanwhile.

    Without the lock the prediction ran and all 240 predicted values of the fit differed.
    """
    from skorch.callbacks import Callback

    X, y = formulas
    images = PeriodicTableEncoder().fit_transform(X)
    started, go, predicted = threading.Event(), threading.Event(), threading.Event()

    class PauseBeforeTheWeights(Callback):  # the events stay outside the instance: clone deep-copies it
        def initialize(self):  # skorch initialises callbacks after seeding, before drawing the weights
            if not started.is_set():
                started.set()
                go.wait(60)
            return super().initialize()

    model = PTRCNNRegressor(**{**TINY_PTR, "max_epochs": 3})
    other = clone(model).fit(images, y)
    reference = clone(model).fit(images, y).predict(images)
    paused = clone(model).set_params(callbacks=[("pause", PauseBeforeTheWeights())])
    with ThreadPoolExecutor(2) as pool:
        fit = pool.submit(lambda: paused.fit(images, y).predict(images))
        assert started.wait(60)
        pool.submit(lambda: (other.predict(images), predicted.set()))
        ran_during_fit = predicted.wait(1.0)
        go.set()
        result = fit.result()
    assert not ran_during_fit, "a prediction ran (and drew from torch's RNG) in the middle of a seeded fit"
    assert predicted.is_set()
    np.testing.assert_array_equal(result, reference)


@pytest.mark.parametrize("scatter", [True, False], ids=["scattered-to-every-worker", "joblib-default"])
def test_a_worker_killed_mid_search_never_leaves_a_grid_point_missing(formulas, scatter):
    """With the data on every worker (``scatter=[X, y]``) the lost fits rerun and the search completes.

    Without it joblib sends large arguments to one worker; if that is the
    one killed the data are gone and the search raises instead. Either way
    no grid point goes silently missing.
    """
    from distributed import Client, LocalCluster

    X, y = formulas
    model = make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(**{**TINY_PTR, "max_epochs": 15}))
    grid = {"ptrcnnregressor__lr": [1e-3, 2e-3, 3e-3]}
    sequential = GridSearchCV(model, grid, cv=CV).fit(X, y)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as local, Client(local) as client:
        pids = client.run(os.getpid)
        result = {}

        def search():
            try:
                with joblib.parallel_backend("dask", scatter=[X, y] if scatter else None):
                    result["search"] = GridSearchCV(model, grid, cv=CV, n_jobs=-1).fit(X, y)
            except Exception as error:  # noqa: BLE001 - inspected below
                result["error"] = error

        thread = threading.Thread(target=search)
        thread.start()
        victim = _wait_for_busy_worker(client, pids)
        os.kill(pids[victim], signal.SIGKILL)
        thread.join(timeout=240)
        assert not thread.is_alive(), "the search did not finish after a worker was killed"
    if "error" in result:
        assert not scatter, f"the search failed although every worker had the data: {result['error']!r}"
        assert "search" not in result
        return
    parallel = result["search"]
    assert len(parallel.cv_results_["params"]) == 3
    assert np.isfinite(parallel.cv_results_["mean_test_score"]).all()
    _same_search(sequential, parallel)


def _wait_for_busy_worker(client, pids, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        busy = [address for address, tasks in client.processing().items() if tasks and address in pids]
        if busy:
            time.sleep(0.5)  # into the fit, past the unpickling
            return busy[0]
        time.sleep(0.05)
    raise AssertionError("no worker started a fit")


def _exit_on(X, *, die):
    if die:
        os._exit(3)  # what a segfault or the OOM killer does to a worker
    return X


def test_a_fit_that_kills_every_worker_it_lands_on_fails_the_search_loudly(formulas):
    """Dask retries a task whose worker died, up to ``allowed-failures``; then the search raises.

    Which error depends on what died first: ``KilledWorker`` names the task
    once it has killed too many workers; ``FutureCancelledError`` ("already
    forgotten") comes when the dead workers held the only copies of the
    data joblib scattered. Never a result with the grid point missing.
    """
    import dask
    from distributed import Client, KilledWorker, LocalCluster
    from distributed.client import FutureCancelledError

    X, y = formulas
    model = make_pipeline(FunctionTransformer(_exit_on, kw_args={"die": False}), MendeleevLineEncoder(output="flat"),
                          Ridge())
    grid = {"functiontransformer__kw_args": [{"die": False}, {"die": True}]}
    result = None
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), \
            LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as local, Client(local):
        with joblib.parallel_backend("dask", scatter=[X, y]), pytest.raises((KilledWorker, FutureCancelledError)):
            result = GridSearchCV(model, grid, cv=CV, n_jobs=-1).fit(X, y)
    assert result is None


def test_n_threads_bounds_a_fit_and_is_restored_after(formulas):
    import torch
    from skorch.callbacks import Callback

    class Threads(Callback):
        def on_epoch_end(self, net, **kwargs):
            net.history.record("threads", torch.get_num_threads())

    X, y = formulas
    images = PeriodicTableEncoder().fit_transform(X)
    before = torch.get_num_threads()
    net = PTRCNNRegressor(**{**TINY_PTR, "n_threads": 2}, callbacks=[("threads", Threads())]).fit(images, y)
    assert net.history[:, "threads"] == [2, 2]
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
@pytest.mark.parametrize("estimator", [PTRCNNRegressor, PTRCNNClassifier, SPTSeq2SeqRegressor])
def test_bad_n_threads_is_an_error_naming_it(estimator, bad):
    X = np.zeros((4, 5, 16), dtype=np.float32)
    with pytest.raises(ValueError, match=rf"{estimator.__name__}: n_threads must be None or a positive int, got"):
        estimator(n_threads=bad, max_epochs=1).fit(X, np.arange(4) % 2)
