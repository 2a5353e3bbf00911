"""The process state a network fit runs in: its seeded torch RNG and its thread budget.

Both are process-wide in torch (one global RNG; MKL's and BLAS's thread
settings), which is what matters when fits run side by side: in the threads
of one Dask worker, in joblib's threading backend, or one after another in a
loky or Dask worker process that a search reuses. A fit with
``random_state`` set, and a fit or prediction with ``n_threads`` set,
therefore holds one process-wide lock while it runs, so that such fits in
threads give the sequential results bit for bit.
"""

from __future__ import annotations

import contextlib
import numbers
import threading

import numpy as np
import torch
from sklearn.utils import check_random_state

__all__ = ["check_n_threads", "limited_threads", "seeded_torch"]

#: Held by every fit with a ``random_state`` and by every fit or prediction with ``n_threads``.
#: torch's RNG is global to the process and every DataLoader pass draws a seed from it, a
#: prediction's included, so a prediction in another thread shifted a seeded fit's stream
#: (tests/test_scaling_out.py: about 4 % of threaded rounds differed before predictions took
#: the lock). The thread settings are process-wide too (MKL, OpenBLAS): a fit restoring
#: its previous setting could change another's mid-fit. Re-entrant, so that a fit may predict
#: or fit another model inside it.
_TORCH_STATE_LOCK = threading.RLock()


@contextlib.contextmanager
def seeded_torch(random_state):
    """Seed torch inside a forked RNG from an int or RandomState; no-op for None.

    The global torch RNG is left as it was, so fitting a model with a
    ``random_state`` never changes what other code draws. Seeded fits in
    threads of one process run one at a time (a process-wide lock, also
    held by fits and predictions with ``n_threads`` set), since they share
    that RNG; fits in separate processes (loky, Dask's default workers)
    run in parallel. What the lock cannot stop: torch code that holds
    neither (a skmat fit or prediction with ``random_state=None`` and
    ``n_threads=None``, or any other code drawing from torch's RNG,
    a DataLoader pass included) running in another thread at the same
    time draws from the same generator and shifts the seeded fit's stream.

    Examples
    --------
    >>> import torch
    >>> with seeded_torch(0):
    ...     a = torch.rand(2)
    >>> with seeded_torch(0):
    ...     b = torch.rand(2)
    >>> bool(torch.equal(a, b))
    True
    """
    if random_state is None:
        yield
        return
    if isinstance(random_state, numbers.Integral):
        seed = int(random_state)
    else:
        seed = int(check_random_state(random_state).randint(np.iinfo(np.int32).max))
    with _TORCH_STATE_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def check_n_threads(n_threads, owner):
    """Raise a ``ValueError`` naming ``owner`` unless ``n_threads`` is None or a positive int."""
    valid = n_threads is None or (
        isinstance(n_threads, numbers.Integral) and not isinstance(n_threads, bool) and n_threads >= 1
    )
    if not valid:
        raise ValueError(f"{owner}: n_threads must be None or a positive int, got {n_threads!r}.")


@contextlib.contextmanager
def limited_threads(n_threads):
    """Run the block with ``n_threads`` torch intra-op and BLAS/OpenMP threads; no-op for None.

    The previous torch setting is restored afterwards. With None, the
    process's own setting holds: the share of the cores that joblib's loky
    workers get (``cpu_count // n_jobs``, through ``OMP_NUM_THREADS``),
    one thread in a Dask worker started by a nanny (Dask's
    ``distributed.nanny.pre-spawn-environ``), all cores otherwise.
    The settings are process-wide, so with ``n_threads`` set the block holds
    the lock that seeded fits hold (:func:`seeded_torch`): such fits and
    predictions in threads of one process take turns.

    Examples
    --------
    >>> import torch
    >>> before = torch.get_num_threads()
    >>> with limited_threads(1):
    ...     torch.get_num_threads()
    1
    >>> torch.get_num_threads() == before
    True
    """
    if n_threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with _TORCH_STATE_LOCK:
        previous = torch.get_num_threads()
        torch.set_num_threads(int(n_threads))
        try:
            with threadpool_limits(int(n_threads)):
                yield
        finally:
            torch.set_num_threads(previous)
