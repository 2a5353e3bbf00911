"""The 40 published finite-element small punch runs bundled with skmat."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from sklearn.utils import Bunch

from .._bundled import read_bundled_csv
from .._curve_checks import interpolate_linear
from .._small_punch._simulator import DEFAULT_STRAIN

__all__ = ["load_small_punch_fem"]

_FILE = "spt_fem.csv.gz"
_N_POINTS = 35
_STRAIN_GRIDS = ("own", "default")
# Column of the bundled table -> column of Bunch.params.
_PARAMS = {
    "strength_coefficient_mpa": "strength_coefficient",
    "hardening_exponent": "hardening_exponent",
    "thickness_mm": "thickness",
    "elastic_modulus_mpa": "elastic_modulus",
    "yield_stress_mpa": "source_yield_stress",
    "run": "run",
    "source_id": "source_id",
}
# Linear interpolation of the 40 runs onto DEFAULT_STRAIN against the exact
# law at those points, relative error over the 34 points after strain 0
# (measured as in tests/test_small_punch_fem.py::test_default_grid_interpolation_error).
DEFAULT_GRID_MAX_ERROR = 0.0056
DEFAULT_GRID_MEDIAN_ERROR = 0.00007

_ATTRIBUTION = """Source: 40 of the 79 distinct LS-DYNA finite-element runs that the group
of Yang et al. published with their multi-fidelity network (GitHub
repository Nneeiill/MFDNN, files SPT-curve.xlsx and Stress-Strain.xlsx;
Yang et al., "Machine learning-based extraction of mechanical properties
from multi-fidelity small punch test data", Advances in Manufacturing,
2025), chosen at random within each thickness. The repository has no
licence file; the runs are numerical simulation results, redistributed
as data with attribution. The simulated test is that of Z. Yang, R. Yang,
W. Han and Q. Liu, arXiv:2506.17680 (2025).
"""


def _with_attribution(function):
    text = _ATTRIBUTION.strip("\n").replace("\n", "\n    ")
    function.__doc__ = function.__doc__.replace("{attribution}", text)
    return function


@lru_cache(maxsize=1)
def _table():
    return read_bundled_csv(_FILE)


def _grid_names(prefix, grid):
    for digits in range(6, 18):
        names = [f"{prefix}_at_{value:.{digits}g}" for value in grid]
        if len(set(names)) == len(names):
            return names
    return [f"{prefix}_at_{value!r}" for value in grid]  # pragma: no cover - 17 digits are unique


@_with_attribution
def load_small_punch_fem(*, strain_grid="own", return_X_y=False, as_frame=False):
    """Load the 40 published finite-element small punch runs (forces and true stress–strain curves).

    Real LS-DYNA simulations of the test that :func:`simulate_small_punch`
    models (flat punch Ø 5.5 mm, disc clamped at r = 6.5 mm, E = 70 GPa):
    the test set on which to check a model trained on simulated curves.
    Each run is a load–displacement curve (the input) and the true
    stress–strain curve of its material (the target), which follows
    ``σ = K · max(εp, 0.01)^n`` above yield (``law="paper"``). 25 runs are
    1 mm thick, 5 are 1.5 mm and 2 each 2, 2.5, 3, 3.5 and 4 mm; K is
    200–550 MPa, n 0.10–0.48 and σy 25–158 MPa: the weak end of the
    paper's Table I, and n beyond its 0.4046.

    Each run has its **own strain points**: strain 0, the yield strain
    ``σy / E``, then plastic strains 0.03, 0.06, …, 0.99 (total strain
    ``εp + σ/E``, so up to 0.998). Score a prediction at those points:
    interpolate the *prediction* onto ``strain`` with
    :func:`skmat.metrics.interpolate_curves`, never the truth onto the
    model's grid.

    Parameters
    ----------
    strain_grid : {"own", "default"}, default="own"
        ``"own"``: ``target`` at each run's own strain points, exactly as
        published; ``strain`` has shape (40, 35). ``"default"``: ``target``
        linearly interpolated onto ``DEFAULT_STRAIN`` (35 total strains
        0–0.99, the grid of :func:`make_small_punch_test`), ``strain`` of
        shape (35,), e.g. to fine-tune a model on these runs. Against the
        exact law at those points the interpolated stress is off by at most
        0.56 % (median 0.007 %) over the 34 points after strain 0; the
        largest errors are at strains 0.03–0.09, where the curves bend
        most, and for the largest n.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` and ``target`` as DataFrames whose columns are
        ``feature_names`` and ``target_names``.

    Returns
    -------
    Bunch or tuple
        ``data``: forces in N, shape (40, 181), at ``displacement`` (181,)
        mm, 0 to 4.5 in steps of 0.025. ``target``: true stress in MPa,
        shape (40, 35), at ``strain``. ``params``: DataFrame, one row per
        run, with the columns of ``make_small_punch_test(...).params``
        (``yield_stress``, ``strength_coefficient``,
        ``hardening_exponent``, ``thickness``; MPa, MPa, –, mm), then
        ``elastic_modulus`` (MPa), ``source_yield_stress``, ``run`` and
        ``source_id`` (the ``Id`` of the published sheets). ``frame``: the
        params, forces, strains (``"own"`` only) and stresses side by side.
        ``feature_names``: ``"force_at_<mm>"``; ``target_names``:
        ``"stress_p<k>"`` (``"own"``) or ``"stress_at_<strain>"``
        (``"default"``); ``strain_grid``; ``DESCR``.

    Raises
    ------
    ValueError
        For an unknown ``strain_grid``.
    OSError
        If the bundled file is damaged (its SHA-256 does not match).

    See Also
    --------
    make_small_punch_test : Simulated curves on the same grids, for training.
    skmat.metrics.interpolate_curves : Move predictions onto each run's strain points.

    Notes
    -----
    ``yield_stress`` is ``K · 0.01^n``, the stress of each curve at its
    yield point (``target[:, 1]``, to 0.001 MPa), as in
    :func:`simulate_small_punch`. The published sheets list a slightly
    different yield stress, close to ``K · 0.0109^n`` (0.8–4.6 % higher);
    it is kept as ``source_yield_stress``.

    The first two points of every curve (strain 0 and the yield point) are
    elastic; benchmarks score the 33 plastic points, ``points=slice(2,
    None)`` in :func:`~skmat.metrics.curve_mape` and the other per-curve
    metrics. A prediction on ``DEFAULT_STRAIN`` cannot resolve the yield
    point anyway: its first step, 0 to 0.029, spans the whole elastic part.
    The exact law on ``DEFAULT_STRAIN``, interpolated onto the runs' own
    plastic points (``extrapolate="linear"`` for the last point, up to
    0.008 beyond 0.99), scores a per-curve MAPE of at most 0.053 % (median
    0.037 %): the floor of this comparison, far below any model's error.

    The bundled file is built by ``tools/build_bundled_data.py`` from the
    published values, unchanged, and its SHA-256 is checked on load.

    {attribution}

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.datasets import load_small_punch_fem
    >>> fem = load_small_punch_fem()
    >>> fem.data.shape, fem.displacement.shape, fem.target.shape, fem.strain.shape
    ((40, 181), (181,), (40, 35), (40, 35))
    >>> fem.params.loc[0, ["strength_coefficient", "hardening_exponent", "thickness"]].tolist()
    [200.0, 0.1, 1.0]
    >>> fem.target[0, :3], fem.strain[0, :3]
    (array([  0.   , 126.191, 140.845]), array([0.        , 0.00180274, 0.0320121 ]))

    The inputs of a model that also reads the thickness, and a perfect
    prediction on ``DEFAULT_STRAIN`` scored at the runs' own plastic points:

    >>> X = np.column_stack([fem.data, fem.params["thickness"]])
    >>> X.shape
    (40, 182)
    >>> from skmat.datasets import DEFAULT_STRAIN
    >>> from skmat.metrics import curve_mape, interpolate_curves
    >>> y_pred = load_small_punch_fem(strain_grid="default").target
    >>> on_own = interpolate_curves(y_pred, DEFAULT_STRAIN, fem.strain, extrapolate="linear")
    >>> plastic = slice(2, None)  # all but strain 0 and the yield point
    >>> bool(np.median(curve_mape(fem.target, on_own, points=plastic)) < 0.001)
    True
    """
    if not isinstance(strain_grid, str) or strain_grid not in _STRAIN_GRIDS:
        raise ValueError(f"strain_grid must be one of {list(_STRAIN_GRIDS)}, got {strain_grid!r}.")
    import pandas as pd

    table = _table()
    force_columns = [c for c in table.columns if c.startswith("force_")]
    points = [f"p{k}" for k in range(_N_POINTS)]
    displacement = np.array([float(c[len("force_"):]) for c in force_columns])
    data = table[force_columns].to_numpy(dtype=np.float64, copy=True)
    own_strain = table[[f"strain_{p}" for p in points]].to_numpy(dtype=np.float64, copy=True)
    target = table[[f"stress_{p}" for p in points]].to_numpy(dtype=np.float64, copy=True)

    params = table[list(_PARAMS)].rename(columns=_PARAMS)
    floats = [name for name in params.columns if name not in ("run", "source_id")]
    params = params.astype({name: np.float64 for name in floats})  # K 200 is written "200"
    K = params["strength_coefficient"].to_numpy()
    n = params["hardening_exponent"].to_numpy()
    params.insert(0, "yield_stress", K * 0.01**n)
    params = params[[
        "yield_stress", "strength_coefficient", "hardening_exponent", "thickness",
        "elastic_modulus", "source_yield_stress", "run", "source_id",
    ]].reset_index(drop=True)

    feature_names = _grid_names("force", displacement)
    if strain_grid == "own":
        strain = own_strain
        target_names = [f"stress_{p}" for p in points]
        strain_frame = pd.DataFrame(strain, columns=[f"strain_{p}" for p in points])
        grid_text = "its own 35 strain points"
    else:
        strain = DEFAULT_STRAIN.copy()
        # interpolate_curves(target, own_strain, strain) without its checks: the
        # bundled runs are checksummed, and their strains cover DEFAULT_STRAIN.
        target = interpolate_linear(target, own_strain, strain[None, :])
        target_names = _grid_names("stress", strain)
        strain_frame = None
        grid_text = (
            "DEFAULT_STRAIN (35 total strains 0-0.99), linearly interpolated: at most "
            f"{DEFAULT_GRID_MAX_ERROR:.2%} (median {DEFAULT_GRID_MEDIAN_ERROR:.3%}) from the exact law"
        )
    data_frame = pd.DataFrame(data, columns=feature_names)
    target_frame = pd.DataFrame(target, columns=target_names)
    if return_X_y:
        return (data_frame, target_frame) if as_frame else (data, target)
    frame = pd.concat(
        [params, data_frame, *([strain_frame] if strain_frame is not None else []), target_frame], axis=1
    )
    descr = (
        f"{len(data)} finite-element small punch runs (LS-DYNA): punch force in N at "
        f"{len(displacement)} displacements 0-4.5 mm; true stress in MPa at {grid_text}.\n"
        + _ATTRIBUTION
    )
    return Bunch(
        data=data_frame if as_frame else data,
        target=target_frame if as_frame else target,
        displacement=displacement,
        strain=strain,
        params=params,
        frame=frame,
        feature_names=feature_names,
        target_names=target_names,
        strain_grid=strain_grid,
        DESCR=descr,
    )
