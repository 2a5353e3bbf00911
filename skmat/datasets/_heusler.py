"""X2YZ (full-Heusler stoichiometry) compositions from OQMD and Materials Project."""

from __future__ import annotations

import numbers
from functools import lru_cache

import numpy as np
from sklearn.utils import Bunch

from .._bundled import read_bundled_csv

__all__ = ["load_oqmd_heusler", "load_mp_heusler_stability"]

OQMD_TARGETS = ("formation_enthalpy", "lattice_parameter", "volume_per_atom")
ATOMS_PER_L21_CELL = 16  # conventional cubic L2_1 cell: 8 X + 4 Y + 4 Z

_ATTRIBUTION = """Sources: OQMD: J. E. Saal et al., JOM 65, 1501 (2013); S. Kirklin et al., npj Comput.
Mater. 1, 15010 (2015); CC-BY 4.0. Materials Project: A. Jain et al., APL
Mater. 1, 011002 (2013); CC-BY 4.0. Both as redistributed, with their
train/val/test splits, in the CrabNet benchmark data: A. Y.-T. Wang et al.,
npj Comput. Mater. 7, 77 (2021) (crabnet 2.0.8 on PyPI, MIT licence).
"""


@lru_cache(maxsize=1)
def _oqmd_frame():
    frame = read_bundled_csv("oqmd_heusler.csv.gz")
    frame["lattice_parameter"] = np.cbrt(ATOMS_PER_L21_CELL * frame["volume_per_atom"])
    return frame


@lru_cache(maxsize=1)
def _mp_frame():
    frame = read_bundled_csv("mp_heusler_stability.csv.gz")
    frame["stable"] = frame["e_above_hull"] == 0.0
    return frame


def _with_attribution(function):
    function.__doc__ = function.__doc__.replace("{attribution}", _ATTRIBUTION.strip("\n").replace("\n", "\n    "))
    return function


# Element cells of the paper's table that never occur in the paper's data.
_ABSENT_FROM_PAPER_DATA = {"C", "N", "O", "P", "S", "Se"}


def _paper_elements():
    from .._layouts import periodic_table_layout

    return set(periodic_table_layout("paper").elements) - _ABSENT_FROM_PAPER_DATA


def _check_threshold(name, value, *, or_none=False):
    """Raise ValueError unless ``value`` is a finite real number > 0 (not a bool)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not (np.isfinite(value) and value > 0)
    ):
        allowed = "a finite positive number or None" if or_none else "a finite positive number"
        raise ValueError(f"{name} must be {allowed}, got {value!r}.")


def _target_names(name, targets, allowed):
    """``targets`` (a str or an iterable of str, read once) as a list; ValueError naming bad entries."""
    if isinstance(targets, str):
        names = [targets]
    else:
        try:
            names = list(targets)
        except TypeError:
            raise ValueError(
                f"{name} must be a str or a sequence of str among {list(allowed)}, got {targets!r}."
            ) from None
    if not names:
        raise ValueError(f"{name} must name at least one of {list(allowed)}, got {targets!r}.")
    unknown = [t for t in names if not isinstance(t, str) or t not in allowed]
    if unknown:
        raise ValueError(f"{name} must be among {list(allowed)}, got unknown {unknown!r} in {names!r}.")
    repeated = sorted({t for t in names if names.count(t) > 1})
    if repeated:
        raise ValueError(f"{name} names {repeated!r} more than once: {names!r}.")
    return names


def _bunch(frame, targets, *, as_frame, return_X_y, descr, **extra):
    single = isinstance(targets, str)
    target_names = [targets] if single else list(targets)
    X_frame = frame[["formula"]].copy()
    y_frame = (frame[target_names[0]] if single else frame[target_names]).copy()
    if as_frame:
        data, target = X_frame, y_frame
    else:
        data = frame["formula"].to_numpy(dtype=object, copy=True)
        target = y_frame.to_numpy(copy=True)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=["formula"],
        target_names=target_names,
        DESCR=descr,
        **extra,
    )


@_with_attribution
def load_oqmd_heusler(
    subset=None,
    *,
    targets=("formation_enthalpy", "lattice_parameter"),
    outliers="keep",
    max_abs_enthalpy=5.0,
    as_frame=False,
    return_X_y=False,
):
    """Load the 185,279 X2YZ compositions of OQMD with enthalpy, volume and lattice parameter.

    Every composition with three elements at atomic fractions 1/2, 1/4, 1/4
    in CrabNet's OQMD formation-enthalpy and volume-per-atom benchmark sets
    (the two share their formulas). X is the element with fraction 1/2; Y and
    Z follow the formula's order.

    The lattice parameter is *derived*, not computed by OQMD: assuming the
    cubic L2₁ full-Heusler cell with 16 atoms, ``a = (16 · V)^(1/3)`` Å from
    the volume per atom ``V``. OQMD's lowest-energy structure for a
    composition need not be L2₁, so read ``a`` as the cube root of the volume
    in L2₁ units. (``Co2MnSi``: V = 11.0626 Å³/atom gives a = 5.615 Å; the
    experimental value is 5.65 Å.)

    Parameters
    ----------
    subset : {None, "paper"}, default=None
        ``None`` for all 185,279 compositions over 84 elements; ``"paper"``
        for the 65,815 whose three elements are among the 52 of the paper's
        data (the 58 cells of its table less C, N, O, P, S and Se, which its
        data never contains). This covers 65,709 of the 65,710 compounds the
        authors published; the rest are newer OQMD entries.
    targets : str or sequence of str, default=("formation_enthalpy", "lattice_parameter")
        Columns returned as ``target``, from ``"formation_enthalpy"``
        (eV/atom), ``"lattice_parameter"`` (Å) and ``"volume_per_atom"``
        (Å³/atom). A string gives a 1-D target.
    outliers : {"keep", "drop"}, default="keep"
        Compounds with ``|formation_enthalpy| > max_abs_enthalpy`` are
        marked in the frame's ``is_outlier`` column. ``"keep"`` returns them;
        ``"drop"`` removes them and returns them in ``Bunch.outliers``. The
        full set has 77 such rows (up to 43.5 eV/atom, clearly failed
        calculations); nothing is removed unless you ask.
    max_abs_enthalpy : float, default=5.0
        Threshold in eV/atom for ``is_outlier``.
    as_frame : bool, default=False
        Return ``data`` as a one-column DataFrame (``formula``) and ``target``
        as a DataFrame (or Series for one target).
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    Bunch or tuple
        ``data``: formulas; ``target``: shape (n, k) or (n,); ``frame``: a
        DataFrame with ``formula, X, Y, Z, formation_enthalpy,
        volume_per_atom, lattice_parameter, split`` (CrabNet's
        train/val/test), ``is_outlier``; ``outliers``: the dropped rows
        (empty unless ``outliers="drop"``); ``target_names``; ``DESCR``.

    Notes
    -----
    Formulas are unique. The bundled file is rebuilt by
    ``tools/build_bundled_data.py`` and its SHA-256 is checked on load.

    {attribution}

    Examples
    --------
    >>> from skmat.datasets import load_oqmd_heusler
    >>> X, y = load_oqmd_heusler(subset="paper", return_X_y=True)
    >>> X.shape, y.shape
    ((65815,), (65815, 2))
    >>> bunch = load_oqmd_heusler()
    >>> row = bunch.frame.set_index("formula").loc["Co2Mn1Si1"]
    >>> float(row.volume_per_atom), round(float(row.lattice_parameter), 3)
    (11.0626, 5.615)
    """
    if subset not in (None, "paper"):
        raise ValueError(f"subset must be None or 'paper', got {subset!r}.")
    if outliers not in ("keep", "drop"):
        raise ValueError(f"outliers must be 'keep' or 'drop', got {outliers!r}.")
    _check_threshold("max_abs_enthalpy", max_abs_enthalpy)
    names = _target_names("targets", targets, OQMD_TARGETS)
    frame = _oqmd_frame().copy()
    if subset == "paper":
        paper = _paper_elements()
        keep = frame[["X", "Y", "Z"]].isin(paper).all(axis=1)
        frame = frame.loc[keep].reset_index(drop=True)
    frame["is_outlier"] = frame["formation_enthalpy"].abs() > max_abs_enthalpy
    dropped = frame.iloc[:0]
    if outliers == "drop":
        dropped = frame.loc[frame["is_outlier"]].reset_index(drop=True)
        frame = frame.loc[~frame["is_outlier"]].reset_index(drop=True)
    descr = (
        f"OQMD X2YZ compositions (subset={subset!r}): {len(frame)} rows, "
        f"{int(frame['is_outlier'].sum())} marked as outliers (|dHf| > {max_abs_enthalpy} eV/atom) "
        f"kept, {len(dropped)} dropped.\n" + _ATTRIBUTION
    )
    return _bunch(
        frame,
        targets if isinstance(targets, str) else names,
        as_frame=as_frame,
        return_X_y=return_X_y,
        descr=descr,
        outliers=dropped,
    )


@_with_attribution
def load_mp_heusler_stability(*, target="stable", as_frame=False, return_X_y=False):
    """Load the 6,667 X2YZ compositions of Materials Project with their hull energy.

    Every composition with three elements at atomic fractions 1/2, 1/4, 1/4
    in CrabNet's Materials Project energy-above-hull set; 3,173 lie on the
    convex hull. ``stable`` is ``e_above_hull == 0``: the public stand-in
    for the paper's (non-public) ICSD "experimentally reported" label. Like
    that label it depends on competing phases, which a model trained only on
    Heusler formation enthalpies never sees.

    Parameters
    ----------
    target : {"stable", "e_above_hull"} or sequence of them, default="stable"
        ``stable`` (bool) or the energy above the hull (eV/atom).
    as_frame : bool, default=False
        Return ``data`` as a one-column DataFrame and ``target`` as a Series
        or DataFrame.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    Bunch or tuple
        ``data``: formulas in Materials Project's reduced style (``Mn2VAl``);
        ``target``;
        ``frame`` with ``formula, X, Y, Z, e_above_hull, split, stable``.

    Notes
    -----
    {attribution}

    Examples
    --------
    >>> from skmat.datasets import load_mp_heusler_stability
    >>> bunch = load_mp_heusler_stability()
    >>> len(bunch.data), int(bunch.target.sum())
    (6667, 3173)
    """
    names = _target_names("target", target, ("stable", "e_above_hull"))
    frame = _mp_frame().copy()
    descr = f"Materials Project X2YZ compositions: {len(frame)} rows.\n" + _ATTRIBUTION
    target = target if isinstance(target, str) else names
    return _bunch(frame, target, as_frame=as_frame, return_X_y=return_X_y, descr=descr)
