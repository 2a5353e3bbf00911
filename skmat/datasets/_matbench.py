"""The four composition tasks of Matbench v0.1, with the official five folds."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from sklearn.utils import Bunch

from .._bundled import read_bundled_csv

__all__ = ["load_matbench", "MATBENCH_TASKS"]

#: task: (task type, target name, unit)
MATBENCH_TASKS = {
    "expt_gap": ("regression", "gap expt", "eV"),
    "steels": ("regression", "yield strength", "MPa"),
    "expt_is_metal": ("classification", "is_metal", None),
    "glass": ("classification", "gfa", None),
}

_MATBENCH = (
    "Matbench v0.1: A. Dunn, Q. Wang, A. Ganose, D. Dopp, A. Jain, npj Comput. Mater. 6, 138 (2020)."
)
_SOURCES = {
    "expt_gap": (
        "Experimental band gaps (eV) from Y. Zhuo, A. Mansouri Tehrani, J. Brgoch, J. Phys. Chem. "
        "Lett. 9, 1668 (2018), deduplicated by composition for Matbench."
    ),
    "steels": (
        "Steel yield strengths (MPa) from Citrine Informatics, 'Mechanical properties of some "
        "steels' (citrination.com/datasets/153092), deduplicated for Matbench."
    ),
    "expt_is_metal": (
        "Metal (True) / non-metal (False) from the experimental band gaps of Y. Zhuo, "
        "A. Mansouri Tehrani, J. Brgoch, J. Phys. Chem. Lett. 9, 1668 (2018), deduplicated "
        "for Matbench without conflicting reports."
    ),
    "glass": (
        "Full glass-forming ability (True: amorphous) from Y. Kawazoe, T. Masumoto, A.-P. Tsai, "
        "J.-Z. Yu, T. Aihara Jr., 'Nonequilibrium Phase Diagrams of Ternary Amorphous Alloys', "
        "Landolt-Börnstein Group III 37A (Springer, 1997), as used by L. Ward et al., npj Comput. "
        "Mater. 2, 16028 (2016); deduplicated for Matbench."
    ),
}
_FILE_SOURCE = (
    "Files: crabnet/data/matbench/*.csv of the crabnet 2.0.8 wheel on PyPI (MIT licence; "
    "A. Y.-T. Wang et al., npj Comput. Mater. 7, 77 (2021)), in Matbench's row order; folds "
    "checked against matbench 0.6's matbench_v0.1_validation.json."
)
_N_FOLDS = 5
SEED = 18012019  # Matbench's KFold / StratifiedKFold random_state


@lru_cache(maxsize=4)
def _task_frame(task):
    return read_bundled_csv(f"matbench_{task}.csv.gz")


def load_matbench(task, *, return_X_y=False, as_frame=False):
    """Load a composition task of Matbench v0.1 with its five official folds.

    Matbench scores a model by the mean over five folds of its test error
    (MAE for regression, ROC AUC for classification), each fold trained on
    the other four. ``bunch.folds`` holds exactly those folds, so
    ``cross_validate(model, X, y, cv=bunch.folds)`` reproduces the benchmark
    protocol.

    Parameters
    ----------
    task : {"expt_gap", "steels", "expt_is_metal", "glass"}
        ``"expt_gap"``: 4,604 experimental band gaps (eV, regression);
        ``"steels"``: 312 steel yield strengths (MPa, regression);
        ``"expt_is_metal"``: 4,921 compositions, metal or not
        (classification); ``"glass"``: 5,680 alloys, full glass former or
        not (classification).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a one-column DataFrame (``formula``) and
        ``target`` as a Series.

    Returns
    -------
    Bunch or tuple
        ``data``: formulas, object array of shape (n,), in Matbench's order
        (row ``i`` is Matbench's ``mb-<task>-<i+1>``); ``target``: float64
        for regression, bool for classification (as in Matbench);
        ``folds``: list of five ``(train_idx, test_idx)`` integer arrays,
        the official Matbench folds, usable as ``cv=``; ``fold``: the test
        fold (0-4) of each row; ``frame`` with ``formula, target, fold``;
        ``task_type``: ``"regression"`` or ``"classification"``;
        ``target_names``; ``units`` (``None`` for classification);
        ``feature_names``; ``DESCR``.

    Raises
    ------
    ValueError
        If ``task`` is not one of the four composition tasks.

    Notes
    -----
    The folds are Matbench's ``KFold(5, shuffle=True, random_state=18012019)``
    (regression) and ``StratifiedKFold`` with the same arguments
    (classification) over these rows; ``tools/build_bundled_data.py`` checks
    that they equal the test and train IDs of every fold in Matbench's
    ``matbench_v0.1_validation.json`` before writing the bundled files, whose
    SHA-256 is checked on load.

    Sources: Matbench v0.1: A. Dunn et al., npj Comput. Mater. 6, 138 (2020).
    expt_gap and expt_is_metal: Y. Zhuo, A. Mansouri Tehrani, J. Brgoch,
    J. Phys. Chem. Lett. 9, 1668 (2018). steels: Citrine Informatics,
    citrination.com/datasets/153092. glass: Y. Kawazoe et al.,
    Landolt-Börnstein Group III 37A (1997). Files copied from the crabnet
    2.0.8 wheel (MIT licence).

    Examples
    --------
    >>> from sklearn.model_selection import cross_validate
    >>> from sklearn.dummy import DummyRegressor
    >>> from skmat.datasets import load_matbench
    >>> bunch = load_matbench("steels")
    >>> bunch.data.shape, bunch.task_type, bunch.units
    ((312,), 'regression', 'MPa')
    >>> [len(test) for train, test in bunch.folds]
    [63, 63, 62, 62, 62]
    >>> scores = cross_validate(DummyRegressor(), bunch.data.reshape(-1, 1), bunch.target,
    ...                         cv=bunch.folds, scoring="neg_mean_absolute_error")
    >>> len(scores["test_score"])
    5
    >>> X, y = load_matbench("glass", return_X_y=True)
    >>> X.shape, y.dtype
    ((5680,), dtype('bool'))
    """
    if not isinstance(task, str) or task not in MATBENCH_TASKS:
        raise ValueError(f"task must be one of {list(MATBENCH_TASKS)}, got {task!r}.")
    task_type, target_name, unit = MATBENCH_TASKS[task]
    frame = _task_frame(task).copy()  # a new frame: the cached one is never handed out
    if task_type == "classification":
        frame["target"] = frame["target"].astype(bool)
    else:
        frame["target"] = frame["target"].astype(np.float64)
    fold = frame["fold"].to_numpy(dtype=np.int64, copy=True)
    if as_frame:
        data, target = frame[["formula"]].copy(), frame["target"].rename(target_name)
    else:
        data = frame["formula"].to_numpy(dtype=object, copy=True)
        target = frame["target"].to_numpy(copy=True)
    if return_X_y:
        return data, target
    rows = np.arange(len(frame))
    folds = [(rows[fold != k], rows[fold == k]) for k in range(_N_FOLDS)]
    descr = (
        f"Matbench v0.1 matbench_{task}: {len(frame)} compositions, {task_type}, target "
        f"{target_name!r}" + (f" ({unit})" if unit else "") + f", {_N_FOLDS} official folds.\n"
        + "\n".join([_MATBENCH, _SOURCES[task], _FILE_SOURCE])
        + "\n"
    )
    return Bunch(
        data=data,
        target=target,
        folds=folds,
        fold=fold,
        frame=frame,
        task_type=task_type,
        feature_names=["formula"],
        target_names=[target_name],
        units=unit,
        DESCR=descr,
    )
