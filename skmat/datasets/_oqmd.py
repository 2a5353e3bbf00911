"""The full OQMD composition benchmark sets, with CrabNet's train/val/test splits."""

from __future__ import annotations

from functools import lru_cache

from sklearn.utils import Bunch

from .._bundled import read_bundled_csv
from ._heusler import _ATTRIBUTION, _bunch, _check_threshold, _with_attribution

__all__ = ["load_oqmd", "load_oqmd_multitask", "OQMD_TASK_UNITS"]

OQMD_TASK_UNITS = {"formation_enthalpy": "eV/atom", "volume_per_atom": "Å³/atom", "band_gap": "eV"}
#: The two sets that share their formulas (load_oqmd_multitask).
_MULTITASK = ("formation_enthalpy", "volume_per_atom")
#: |target| above which a row is an outlier by default.
_DEFAULT_MAX_ABS = {"formation_enthalpy": 5.0, "volume_per_atom": 200.0, "band_gap": 20.0}
SPLITS = ("train", "val", "test")


@lru_cache(maxsize=3)
def _task_frame(task):
    return read_bundled_csv(f"oqmd_{task}.csv.gz")


def _check_choice(name, value, choices):
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}.")


def _split_outliers(frame, outliers):
    """``(kept, dropped)``: every row and none for ``"keep"``, the ``is_outlier`` rows apart for ``"drop"``."""
    if outliers == "keep":
        return frame, frame.iloc[:0].copy()
    flagged = frame["is_outlier"]
    return frame.loc[~flagged].reset_index(drop=True), frame.loc[flagged].reset_index(drop=True)


@_with_attribution
def load_oqmd(
    task="formation_enthalpy",
    split="train",
    *,
    outliers="keep",
    max_abs_target=None,
    as_frame=False,
    return_X_y=False,
):
    """Load one of CrabNet's full OQMD benchmark sets (about 341,700 compositions each).

    These are the composition-only sets on which CrabNet, Roost, ElemNet and
    a random forest were compared (test-split MAE 0.031 / 0.032 / 0.049 /
    0.083 eV/atom for the formation enthalpy; 0.277 / 0.296 / 0.442 / 0.544
    Å³/atom for the volume per atom), and the DFT band gap set of the same
    benchmark (93 % of its gaps are 0 eV: metals). Rows come in CrabNet's file order, so
    a model trained on ``split="train"`` and scored on ``split="test"`` is
    directly comparable with those numbers.

    Parameters
    ----------
    task : {"formation_enthalpy", "volume_per_atom", "band_gap"}, default="formation_enthalpy"
        The target: DFT formation enthalpy (eV/atom), volume per atom
        (Å³/atom) or band gap (eV). The first two sets share their 341,700
        formulas but not quite their splits: 8.3 % of formulas are in a
        different split for each task, so always take the split of the task
        you score. The band gap set has 341,608 formulas and its own split
        (239,125 / 51,241 / 51,242 rows).
    split : {"train", "val", "test", "all"}, default="train"
        CrabNet's 70/15/15 split (239,190 / 51,255 / 51,255 rows), or
        ``"all"`` for the three in that order.
    outliers : {"keep", "drop"}, default="keep"
        Rows with ``|target| > max_abs_target`` are marked in the frame's
        ``is_outlier`` column. ``"keep"`` (the default, as in CrabNet's
        benchmark, which scores every test row) returns them; ``"drop"``
        removes them and returns them in ``Bunch.outliers``.
    max_abs_target : float or None, default=None
        Threshold for ``is_outlier``. ``None`` means 5 eV/atom for the
        formation enthalpy (86 rows of the full set, down to −198.7 eV/atom:
        failed calculations), 200 Å³/atom for the volume (1 row) and 20 eV
        for the band gap (none: the largest is 10.3 eV).
    as_frame : bool, default=False
        Return ``data`` as a one-column DataFrame (``formula``) and
        ``target`` as a Series.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    Bunch or tuple
        ``data``: formulas with explicit counts (``Ta2Te1Zr1``); ``target``:
        shape (n,); ``frame`` with ``formula, <task>, split, is_outlier``;
        ``outliers`` (empty unless ``outliers="drop"``); ``target_names``;
        ``units``; ``DESCR``.

    See Also
    --------
    load_oqmd_heusler : The X2YZ compositions of both sets, with the lattice parameter.

    Notes
    -----
    The bundled files are rebuilt by ``tools/build_bundled_data.py`` and their
    SHA-256 is checked on load.

    {attribution}

    Examples
    --------
    >>> from skmat.datasets import load_oqmd
    >>> X, y = load_oqmd("formation_enthalpy", "test", return_X_y=True)
    >>> X.shape, y.dtype
    ((51255,), dtype('float64'))
    >>> bunch = load_oqmd("volume_per_atom", "all")
    >>> bunch.frame["split"].value_counts().to_dict()
    {'train': 239190, 'val': 51255, 'test': 51255}
    >>> gaps = load_oqmd("band_gap", "val")
    >>> gaps.units, len(gaps.target), round(float((gaps.target == 0).mean()), 2)
    ('eV', 51241, 0.93)
    """
    _check_choice("task", task, OQMD_TASK_UNITS)
    _check_choice("split", split, (*SPLITS, "all"))
    _check_choice("outliers", outliers, ("keep", "drop"))
    if max_abs_target is None:
        max_abs_target = _DEFAULT_MAX_ABS[task]
    _check_threshold("max_abs_target", max_abs_target, or_none=True)
    frame = _task_frame(task).rename(columns={"target": task})
    if split != "all":
        frame = frame.loc[frame["split"] == split]
    frame = frame.reset_index(drop=True)  # a new frame: the cached one is never handed out
    frame["is_outlier"] = frame[task].abs() > max_abs_target
    frame, dropped = _split_outliers(frame, outliers)
    descr = (
        f"OQMD {task} ({OQMD_TASK_UNITS[task]}), CrabNet split {split!r}: {len(frame)} rows, "
        f"{int(frame['is_outlier'].sum())} outliers (|target| > {max_abs_target}) kept, "
        f"{len(dropped)} dropped.\n" + _ATTRIBUTION
    )
    result = _bunch(frame, task, as_frame=as_frame, return_X_y=return_X_y, descr=descr, outliers=dropped)
    if isinstance(result, Bunch):
        result.units = OQMD_TASK_UNITS[task]
    return result


@_with_attribution
def load_oqmd_multitask(split="train", *, outliers="keep", as_frame=False, return_X_y=False):
    """Load both full OQMD sets at once: the formulas in ``split`` for both tasks, with both targets.

    The two sets of :func:`load_oqmd` share their 341,700 formulas, but
    8.3 % of them sit in a different CrabNet split for each task. For a
    multi-task network (formation enthalpy and volume per atom together)
    this keeps only the formulas in the same split for both, so a model
    trained on ``split="train"`` has seen no formula of either task's test
    split and can be scored on each task's full test split
    (``load_oqmd(task, "test")``) like the single-task models.

    Parameters
    ----------
    split : {"train", "val", "test"}, default="train"
        Formulas in this split for both tasks (226,382 / 43,604 / 43,409
        rows), in the formation-enthalpy file's order.
    outliers : {"keep", "drop"}, default="keep"
        ``"drop"`` removes the rows where either target is an outlier as
        defined by :func:`load_oqmd` (``|ΔHf| > 5`` eV/atom, ``V > 200`` Å³/atom)
        and returns them in ``Bunch.outliers``.
    as_frame : bool, default=False
        Return ``data`` as a one-column DataFrame and ``target`` as a
        two-column DataFrame.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    Bunch or tuple
        ``data``: formulas; ``target``: shape (n, 2), columns
        ``target_names = ["formation_enthalpy", "volume_per_atom"]``;
        ``frame``; ``outliers``; ``units``; ``DESCR``.

    Notes
    -----
    {attribution}

    Examples
    --------
    >>> from skmat.datasets import load_oqmd_multitask
    >>> X, y = load_oqmd_multitask("val", return_X_y=True)
    >>> X.shape, y.shape
    ((43604,), (43604, 2))
    """
    _check_choice("split", split, SPLITS)
    _check_choice("outliers", outliers, ("keep", "drop"))
    tasks = list(_MULTITASK)
    parts = [load_oqmd(task, split, as_frame=True).frame.drop(columns="split") for task in tasks]
    frame = parts[0].merge(parts[1], on="formula", how="inner", suffixes=("_0", "_1"), validate="one_to_one")
    frame["is_outlier"] = frame.pop("is_outlier_0") | frame.pop("is_outlier_1")
    frame, dropped = _split_outliers(frame, outliers)
    descr = (
        f"OQMD formation enthalpy (eV/atom) and volume per atom (Å³/atom), formulas in CrabNet split "
        f"{split!r} of both: {len(frame)} rows, {len(dropped)} outlier rows dropped.\n" + _ATTRIBUTION
    )
    result = _bunch(frame, tasks, as_frame=as_frame, return_X_y=return_X_y, descr=descr, outliers=dropped)
    if isinstance(result, Bunch):
        result.units = [OQMD_TASK_UNITS[task] for task in tasks]
    return result
