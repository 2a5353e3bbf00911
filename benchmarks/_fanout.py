"""Run a benchmark's independent fits in this process, or as Dask futures (``--dask``).

A benchmark script lists its fits as :class:`Fit` items (a function of the
script, by name, and its arguments) and hands each result to a callback in
this process as soon as it is measured, which appends the row. So rows are
written by one process only, in the order fits finish, and a resumed run
skips what its CSV already has, whichever way the rows were made.

``--dask local`` starts a ``distributed.LocalCluster`` of ``--dask-workers``
single-threaded worker processes; ``--dask tcp://host:8786`` connects to a
running scheduler, whose workers need skmat installed (the benchmark files
are uploaded to them). A fit whose worker dies is retried by Dask (up to its
``distributed.scheduler.allowed-failures``); one that still fails is
reported with its error, its row is not written, and the run ends with a
non-zero exit after the other fits finished, so the same command retries it.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Fit:
    """One independent fit: ``function(*args)``, named by ``label`` in messages.

    ``function`` is a module-level function of a benchmark script; a Dask
    worker imports the script by its file name and calls it there.
    """

    label: str
    function: Callable
    args: tuple = ()
    row: dict = field(default_factory=dict)  # what the caller writes with the result (stays here)

    @property
    def module(self):
        return Path(self.function.__globals__["__file__"]).stem

    def run(self):
        return self.function(*self.args)


def call(module, function, *args):
    """Import a benchmark module by name (on a worker: the uploaded file) and call one of its functions."""
    return getattr(importlib.import_module(module), function)(*args)


def positive_int(text):
    """``argparse`` type: an int of at least 1 (the error names the value)."""
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive number of workers, got {text!r}")
    return value


def add_dask_options(parser):
    """``--dask ADDRESS|local`` and ``--dask-workers N`` on a script's argument parser."""
    parser.add_argument(
        "--dask", metavar="ADDRESS", default=None,
        help="run the fits as Dask futures: 'local' starts a LocalCluster, otherwise a scheduler address "
             "(tcp://host:8786); each row is written as its fit finishes",
    )
    parser.add_argument(
        "--dask-workers", type=positive_int, default=None,
        help="worker processes of --dask local (one thread each; default: one per core)",
    )


#: Dask settings for workers that train networks. Dask's nanny starts workers with
#: MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap threshold, so every tensor
#: above 128 kB is mapped and unmapped afresh: here the workers then spent most of their time
#: in the kernel and a PTR fit took 1.5x as long. Without it (the thread limits kept) and
#: without the statistical profiler, a fit on a worker runs as fast as on loky
#: (``benchmarks/scaling_out.py``, engines ``dask-*`` against ``dask-*-tuned``).
WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
    "distributed.worker.profile.enabled": False,
}

#: The client of the running :func:`dask_session`, shared by every ``run_fits`` inside it.
_SESSION = {}


@contextlib.contextmanager
def dask_session(address, n_workers=None):
    """Keep one Dask client (and LocalCluster) for every ``run_fits`` of a script run; no-op without ``address``."""
    if address is None or _SESSION:
        yield
        return
    with dask_client(address, n_workers) as client:
        _SESSION["client"] = client
        try:
            yield
        finally:
            _SESSION.clear()


@contextlib.contextmanager
def dask_client(address, n_workers=None):
    """A ``distributed.Client``: the session's, on a new LocalCluster for ``"local"``, else connected to ``address``."""
    if _SESSION:
        yield _SESSION["client"]
        return
    try:
        from distributed import Client
    except ImportError:
        raise SystemExit('--dask needs Dask: pip install "skmat[distributed]"') from None
    if address == "local":
        with local_cluster(n_workers or os.cpu_count() or 1) as client:
            yield client
    else:
        with Client(address) as client:
            yield client


@contextlib.contextmanager
def local_cluster(n_workers, config=WORKER_CONFIG):
    """A client of a new LocalCluster: ``n_workers`` single-threaded processes started under Dask ``config``."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set(config), \
            LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def upload_benchmarks(client, modules):
    """Send ``_common``, this module and the named benchmark modules to every worker (and to later ones).

    ``load=False``: they are imported when a fit needs them, not at upload
    (a LocalCluster's scheduler lives in this process, and importing there
    would reload this very module).
    """
    paths = [str(HERE / f"{name}.py") for name in ("_common", "_fanout", *dict.fromkeys(modules))]
    for path in paths:
        client.upload_file(path, load=False)


def run_fits(fits, on_result, *, dask=None, n_workers=None, modules=()):
    """Run every fit; call ``on_result(fit, result)`` here as each one finishes.

    Without ``dask`` the fits run one after another in this process. With
    it they are submitted together and their results handled in the order
    they finish. A fit that raises (or whose workers keep dying) is
    reported and skipped; after the others have finished a
    ``SystemExit`` lists them.

    ``modules``: benchmark modules the fits import (besides their own).
    """
    fits = list(fits)
    if not fits:
        return
    if dask is None:
        for fit in fits:
            on_result(fit, fit.run())
        return
    from distributed import as_completed

    failed = []
    with dask_client(dask, n_workers) as client:
        upload_benchmarks(client, [*modules, *(fit.module for fit in fits)])
        futures = {
            client.submit(call, fit.module, fit.function.__name__, *fit.args, pure=False, key=f"{fit.label}-{index}"): fit
            for index, fit in enumerate(fits)
        }
        print(f"submitted {len(futures)} fits to {client.scheduler.address} "
              f"({len(client.scheduler_info()['workers'])} workers)", flush=True)
        for future in as_completed(futures):
            fit = futures[future]
            try:
                result = future.result()
            except BaseException as error:  # KilledWorker, CancelledError, or the fit's own exception
                if isinstance(error, KeyboardInterrupt):
                    raise
                failed.append(fit.label)
                print(f"!! {fit.label} failed, no row written: {type(error).__name__}: {error}", flush=True)
                traceback.print_exception(error, limit=-3)
                continue
            on_result(fit, result)
    if failed:
        raise SystemExit(f"{len(failed)} fits failed and have no row: {failed}; run the same command to retry them")
