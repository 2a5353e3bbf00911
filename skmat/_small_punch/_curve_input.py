"""The one input of the small punch estimators: the ``CurveBatch`` container, its keys, and the parsing of it.

Every small punch estimator (the networks of :mod:`skmat.models`, the
inverse fit :class:`~skmat.SPTInverseFitRegressor`) reads a dict of named
arrays, one row per curve; skorch slices it per batch and passes it to
``module.forward(**batch)`` by key:

``"sequence"`` : (n, s)
    The load curve (or its piecewise-aggregate approximation).
``"image"`` : (n, 1, s, s), optional
    Its Gramian angular field image.
``"conditions"`` : (n, k), optional
    Test conditions such as the disc thickness, any number of them.

:class:`~skmat.GramianAngularFieldEncoder` returns this dict, as a
:class:`CurveBatch`, by default; bare curves ``(n, m)`` are read as
``{"sequence": X}``. Torch-free: ``skmat.models._curve_input`` adds the
reading of tensors for the networks.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping

import numpy as np
from scipy.sparse import issparse
from sklearn.utils.validation import check_array

from .._curve_checks import curves_named, first_non_finite, first_true

__all__ = ["CURVE_INPUT_KEYS", "CurveBatch", "as_curve_input", "read_curve_dict", "curve_input_layout",
           "check_curve_layout", "n_curves", "check_nonnegative_curves", "curve_peaks", "warn_outside_range",
           "warn_peaks_outside_range", "check_cells", "check_positive_conditions", "warn_not_load_curves"]

#: The keys of the curve input, in the order the encoder writes them.
CURVE_INPUT_KEYS = ("sequence", "image", "conditions")
#: A curve's peak is reported when it lies below the smallest training peak divided by
#: PEAK_FACTOR, or above the largest training peak times PEAK_FACTOR.
PEAK_FACTOR = 2.0
#: A load curve starts near zero force: one whose first point exceeds START_FRACTION of its peak is
#: reported (a constant; a curve given backwards, when its original ends above 0.6 of its peak, as
#: nine in ten simulated curves do; a curve cut before its start). The simulated curves start below
#: 0.54 of their peak with a rig's zero-point error up to 0.1 mm (4 points of the paper's grid; 8000
#: curves checked); the bundled finite-element runs at 0.
START_FRACTION = 0.6
#: A load curve rises to its peak and falls: its total variation (the sum of the absolute steps) is one
#: to two peaks, about 17 peaks with 10 % load-cell noise on 181 points. One above VARIATION_FACTOR
#: peaks goes up and down like noise (uniform noise on 181 points: about 60).
VARIATION_FACTOR = 40.0
#: Curves a warning names before it only counts the rest.
_N_NAMED = 5
# How an error names a position of each entry (the columns of its rows).
_POSITION = {"sequence": "point", "image": "position", "conditions": "condition column"}


class CurveBatch(dict):
    """A dict of per-curve arrays that scikit-learn can split like an array of curves.

    What :class:`~skmat.GramianAngularFieldEncoder` returns by default and
    :class:`~skmat.SPTSeq2SeqRegressor` reads: entries ``"image"`` ``(n, 1,
    s, s)``, ``"sequence"`` ``(n, s)`` and, with test conditions,
    ``"conditions"`` ``(n, k)``, all with one row per curve. It is a plain
    ``dict`` (skorch passes its entries to the network by key) with two
    additions, so that ``train_test_split``, ``cross_validate`` and
    ``GridSearchCV`` accept encoded curves directly:

    * ``len(batch)`` and ``batch.shape`` count curves, not keys
      (``len(batch.keys())`` counts keys);
    * indexing with anything but a key — an integer array, a boolean mask,
      a slice — selects those curves in every entry and returns a new
      ``CurveBatch``.

    Parameters
    ----------
    *args, **kwargs
        As for ``dict``; every value must be an array with the same number
        of rows.

    Raises
    ------
    ValueError
        If the entries have different numbers of rows.

    Examples
    --------
    >>> import numpy as np
    >>> from skmat.encoders import CurveBatch
    >>> batch = CurveBatch(sequence=np.arange(12.0).reshape(4, 3), conditions=np.ones((4, 1)))
    >>> len(batch), batch.shape, sorted(batch)
    (4, (4,), ['conditions', 'sequence'])
    >>> part = batch[np.array([0, 2])]
    >>> type(part).__name__, part["sequence"].tolist()
    ('CurveBatch', [[0.0, 1.0, 2.0], [6.0, 7.0, 8.0]])
    """

    #: The curves the encoder read, ``(n, m)`` float64 (test conditions left out; column j is column j
    #: of its input), so that the checks of a model can quote a force in the units given and at the
    #: column it is in; None for a batch written by hand.
    curves = None
    #: What ``"sequence"`` was divided by (the encoder's ``sequence_scale_``), so that a message about the
    #: curves can quote them in the units they were given in; 1.0 for curves given as they are.
    sequence_scale = 1.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lengths = {key: len(value) for key, value in self.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"Every entry of a CurveBatch needs one row per curve; got rows {lengths}.")

    @property
    def n_curves(self):
        """Number of curves (rows of every entry)."""
        return len(next(iter(self.values()))) if dict.__len__(self) else 0

    @property
    def shape(self):
        """``(n_curves,)``, as scikit-learn reads the number of samples."""
        return (self.n_curves,)

    def __len__(self):
        return self.n_curves

    def __getitem__(self, key):
        if isinstance(key, str):
            return super().__getitem__(key)
        if isinstance(key, tuple) and len(key) == 2 and key[1] is Ellipsis:
            key = key[0]  # how scikit-learn indexes rows: X[indices, ...]
        if isinstance(key, numbers.Integral):
            return {name: value[key] for name, value in self.items()}
        if isinstance(key, list):
            key = np.asarray(key)
        part = CurveBatch({name: value[key] for name, value in self.items()})
        part.sequence_scale = self.sequence_scale
        if self.curves is not None:
            part.curves = self.curves[key]
        return part

    def __repr__(self):
        entries = ", ".join(f"{key}: {tuple(np.shape(value))}" for key, value in self.items())
        return f"CurveBatch({entries})"


def check_cells(value, name, owner):
    """Raise a ``ValueError`` naming the curve (row) lengths or the cell, for rows that are not all numbers.

    NumPy says only "inhomogeneous shape" for curves of different lengths
    and "could not convert string to float" for a text cell; this names
    the curves and their lengths, or the row, column and text of the first
    cell that is not a number. Numeric arrays pass at once; numbers written
    as text (``"1.5"``) pass too.

    Parameters
    ----------
    value : array-like
        Curves, one per row (a list of lists, an array, a DataFrame).
    name : str
        What ``value`` is called in the message (``"X"``).
    owner : str
        Estimator name for the message.

    Examples
    --------
    >>> check_cells([[0.0, 1.0, 2.0], [0.0, 1.0]], "X", "Model")
    Traceback (most recent call last):
    ...
    ValueError: Model expects curves of one length in X, one per row, but curve 0 has 3 values and curve 1 has 2. Resample them to one grid first (skmat.preprocessing.CurveResampler).
    >>> check_cells([[0.0, 1.0], [0.5, "a"]], "X", "Model")
    Traceback (most recent call last):
    ...
    ValueError: Model expects numbers in X, but curve 1 (row 1) has 'a' at column 1.
    """
    if issparse(value):
        return
    columns = None
    if hasattr(value, "iloc"):  # a DataFrame: its cells, and its column names for the message
        columns = list(getattr(value, "columns", []))
        value = value.to_numpy()
    try:
        array = np.asarray(value)
    except ValueError:
        array = None
    if array is None or (array.dtype == object and array.ndim == 1 and len(array)
                         and all(hasattr(row, "__len__") and not isinstance(row, str) for row in array)):
        _raise_ragged(value, name, owner)
    if array.dtype.kind not in "OUS":
        return
    cells = array.reshape(len(array), -1) if array.ndim > 1 else array.reshape(-1, 1)
    for row, col in zip(*np.nonzero(np.ones(cells.shape, dtype=bool)), strict=True):
        cell = cells[row, col]
        try:
            float(cell)
        except (TypeError, ValueError):
            if not isinstance(cell, (str, bytes)):
                continue  # None or pandas.NA (NaN, named by the NaN check), or an object NumPy names
            shown = repr(str(cell)) if isinstance(cell, str) else repr(cell)
            where = f"column {col}" if columns is None else f"column {col} ({columns[col]!r})"
            raise ValueError(
                f"{owner} expects numbers in {name}, but curve {row} (row {row}) has {shown} at {where}."
            ) from None


def _raise_ragged(value, name, owner):
    """The ``ValueError`` for rows of different lengths: the first two lengths, with their curves."""
    lengths = [len(row) if hasattr(row, "__len__") and not isinstance(row, str) else 1 for row in value]
    first = lengths[0]
    other = next((i for i, n in enumerate(lengths) if n != first), None)
    if other is None:  # rows of one length that NumPy still refused (nested deeper): say so plainly
        raise ValueError(f"{owner} expects curves in {name} as rows of numbers, one row per curve.")
    raise ValueError(
        f"{owner} expects curves of one length in {name}, one per row, but curve 0 has {first} values and "
        f"curve {other} has {lengths[other]}. Resample them to one grid first "
        "(skmat.preprocessing.CurveResampler)."
    )


def _numeric(value, name, owner, dtype, ensure_2d=False):
    """``value`` as an array of ``dtype``, with scikit-learn's errors for sparse, 1-D and empty input.

    Curves of different lengths and text are errors naming the curves or
    the cell (:func:`check_cells`); numbers written as text are refused too.
    """
    check_cells(value, name, owner)
    if not issparse(value) and not hasattr(value, "iloc"):
        array = np.asarray(value)
        if array.dtype.kind in "OUS" and array.size:
            first = next((cell for cell in array.reshape(-1) if isinstance(cell, str)), None)
            if first is not None:
                raise ValueError(f"{owner} expects numbers in {name}, got strings such as {str(first)!r}.")
    return check_array(value, dtype=dtype, accept_sparse=False, allow_nd=True, ensure_2d=ensure_2d,
                       ensure_all_finite=False, input_name=name)


def _first_bad(array, name, what="curve", position="position"):
    """ValueError naming the ``what`` (row) and ``position`` (column of the row) of the first NaN or infinity."""
    found = first_non_finite(array)
    if found is not None:
        row, col = found if len(found) == 2 else (found[0], 0)
        raise ValueError(
            f"{name} contains NaN or infinity: {what} {row} has {array.reshape(len(array), -1)[row, col]} "
            f"at {position} {col}."
        )


def read_curve_dict(X, owner, *, dtype=np.float32, keys=CURVE_INPUT_KEYS, sequence_entry="(n, s)"):
    """Check a dict of curve arrays and return a new dict of ``dtype`` arrays (``X`` is not modified).

    Parameters
    ----------
    X : Mapping
        ``"sequence"`` (required), and ``"image"`` and ``"conditions"``
        where ``keys`` allows them.
    owner : str
        Estimator name for error messages.
    dtype : numpy dtype, default=np.float32
    keys : tuple of str, default=CURVE_INPUT_KEYS
        The keys accepted; any other is an error.
    sequence_entry : str, default="(n, s)"
        What the sequence is, for the message when it is missing.

    Returns
    -------
    dict of str to ndarray
        As ``skmat.models.as_curve_input`` describes it.

    Raises
    ------
    ValueError
        For the reasons ``skmat.models.as_curve_input`` lists, but for the
        bare image array (``X`` here is always a dict).
    """
    unknown = sorted(set(X) - set(keys))
    if unknown:
        raise ValueError(f"Unknown keys {unknown} in the input of {owner}; expected {list(keys)}.")
    if X.get("sequence") is None:
        raise ValueError(f"The input of {owner} must have a 'sequence' entry {sequence_entry}; got keys {sorted(X)}.")
    out = {"sequence": _numeric(X["sequence"], "X['sequence']", owner, dtype)}
    if out["sequence"].ndim != 2:
        raise ValueError(f"X['sequence'] must have shape (n, s); got {out['sequence'].shape}.")
    n, s = out["sequence"].shape
    if X.get("image") is not None:
        image = _numeric(X["image"], "X['image']", owner, dtype)
        if image.ndim == 3:
            image = image[:, None]
        if image.shape[1:] != (1, s, s):
            raise ValueError(
                f"X['image'] must have shape (n, 1, s, s) with s = {s}, the sequence length; got {image.shape}."
            )
        out["image"] = image
    if X.get("conditions") is not None:
        conditions = _numeric(X["conditions"], "X['conditions']", owner, dtype)
        if conditions.ndim == 1:
            conditions = conditions[:, None]
        if conditions.ndim != 2:
            raise ValueError(f"X['conditions'] must have shape (n, k); got {conditions.shape}.")
        if conditions.shape[1]:
            out["conditions"] = conditions
    for key, value in out.items():
        if len(value) != n:
            raise ValueError(f"X['{key}'] has {len(value)} rows but X['sequence'] has {n}.")
        _first_bad(value, f"X['{key}']", "curve", _POSITION[key])
    return out


def as_curve_input(X, owner="SPTSeq2SeqRegressor", *, dtype=np.float32):
    """Check ``X`` and return it as a dict of ``dtype`` arrays (new arrays or views; ``X`` is not modified).

    The torch-free half of ``skmat.models.as_curve_input``, whose docstring
    describes the input, the result and the errors: a dict goes to
    ``read_curve_dict``; bare curves ``(n, m)`` become ``{"sequence": X}``;
    a bare array of GAF images is refused (it has lost its load level).

    Examples
    --------
    >>> import numpy as np
    >>> X = as_curve_input([[0.0, 1.0, 2.0]], dtype=np.float64)
    >>> list(X), X["sequence"].dtype
    (['sequence'], dtype('float64'))
    >>> as_curve_input(np.zeros((2, 1, 4, 4)), "Model")
    Traceback (most recent call last):
    ...
    ValueError: Model got an array of shape (2, 1, 4, 4), which looks like GAF images alone. The image has lost the load level of its curve: pass the encoder's default output (GramianAngularFieldEncoder(..., output='dict')), which carries the image, the sequence and the conditions, or the curves themselves (n, m).
    """
    if issparse(X) or not isinstance(X, Mapping):  # some sparse formats are mappings
        curves = _numeric(X, "X", owner, dtype, ensure_2d=True)
        if curves.ndim == 4 or (curves.ndim == 3 and curves.shape[-1] == curves.shape[-2]):
            raise ValueError(
                f"{owner} got an array of shape {curves.shape}, which looks like GAF images alone. "
                "The image has lost the load level of its curve: pass the encoder's default output "
                "(GramianAngularFieldEncoder(..., output='dict')), which carries the image, the "
                "sequence and the conditions, or the curves themselves (n, m)."
            )
        if curves.ndim != 2:
            raise ValueError(f"{owner} expects curves of shape (n, m) or a dict of arrays; got shape {curves.shape}.")
        _first_bad(curves, "X", "curve", "point")
        return {"sequence": curves}
    return read_curve_dict(X, owner, dtype=dtype)


def n_curves(X):
    """Number of curves of a checked input (from :func:`as_curve_input`)."""
    return len(X["sequence"])


def curve_input_layout(X):
    """What must agree between fit and predict: sequence length, image or not, number of conditions.

    Examples
    --------
    >>> import numpy as np
    >>> curve_input_layout(as_curve_input(np.zeros((2, 5))))
    {'sequence_length': 5, 'has_image': False, 'n_conditions': 0}
    """
    return {
        "sequence_length": int(X["sequence"].shape[1]),
        "has_image": "image" in X,
        "n_conditions": int(X["conditions"].shape[1]) if "conditions" in X else 0,
    }


def check_curve_layout(estimator, X):
    """Raise a ``ValueError`` if ``X`` differs from the layout ``estimator`` was fitted on."""
    name = type(estimator).__name__
    layout = curve_input_layout(X)
    if layout["sequence_length"] != estimator.sequence_length_:
        raise ValueError(
            f"X has {layout['sequence_length']} features, but {name} is expecting "
            f"{estimator.sequence_length_} features as input: points per curve (the image_size of "
            "GramianAngularFieldEncoder, or columns of bare curves) must be those seen at fit."
        )
    if layout["n_conditions"] != estimator.n_conditions_:
        raise ValueError(
            f"X has {layout['n_conditions']} test conditions, but {name} was fitted with "
            f"{estimator.n_conditions_} (n_conditions of the encoder, or columns of X['conditions'])."
        )
    if estimator.uses_image_ and not layout["has_image"]:
        raise ValueError(f"{name} was fitted on GAF images, but X has none: encode X as at fit.")


def warn_outside_range(conditions, value_range, owner, tolerance=0.02):
    """Warn, naming the curves, when test conditions fall outside the range seen at fit.

    Parameters
    ----------
    conditions : ndarray of shape (n, k)
    value_range : ndarray of shape (k, 2)
        Smallest and largest training value of each condition.
    owner : str
        Estimator name for the message.
    tolerance : float, default=0.02
        Slack as a fraction of each condition's training span (and at
        least 1e-6 of its magnitude), so that a thickness of exactly 1 mm
        is not reported against random training values from 1.0003 mm.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_outside_range(np.array([[1.0], [5.0]]), np.array([[1.0, 4.0]]), "Model")
    >>> print(caught[0].message)
    Model: condition 0 of curve 1 (5) lies outside the range seen at fit [1, 4]; the prediction there is an extrapolation.
    """
    slack = np.maximum(tolerance * (value_range[:, 1] - value_range[:, 0]), 1e-6 * np.abs(value_range).max(axis=1))
    low, high = value_range[:, 0] - slack, value_range[:, 1] + slack
    outside = (conditions < low) | (conditions > high)
    if not outside.any():
        return
    parts = []
    for column in np.flatnonzero(outside.any(axis=0)):
        lo, hi = value_range[column]
        named = curves_named(np.flatnonzero(outside[:, column]), conditions[:, column], limit=_N_NAMED)
        parts.append(f"condition {column} of {named} lies outside the range seen at fit [{lo:.4g}, {hi:.4g}]")
    warnings.warn(f"{owner}: {'; '.join(parts)}; the prediction there is an extrapolation.", UserWarning,
                  stacklevel=4)


def curve_peaks(sequence):
    """The peak of each curve, ``(n,)`` float64: the largest absolute value of its row of ``sequence``."""
    return np.abs(np.asarray(sequence, dtype=np.float64)).max(axis=1)


def warn_peaks_outside_range(sequence, peak_range, owner, factor=PEAK_FACTOR, scale=1.0):
    """Warn, naming the curves, when a curve's peak lies far outside the peaks seen at fit.

    A curve is reported when its peak (:func:`curve_peaks`) is below
    ``peak_range[0] / factor`` or above ``peak_range[1] * factor``: a load
    level the network never saw, as curves in mN given to a model fitted in
    N (1000 times the training peaks) are.

    Parameters
    ----------
    sequence : ndarray of shape (n, s)
    peak_range : ndarray of shape (2,)
        Smallest and largest training peak.
    owner : str
        Estimator name for the message.
    factor : float, default=2.0
    scale : float, default=1.0
        What the curves were divided by before the network read them
        (:attr:`CurveBatch.sequence_scale`): the message quotes the peaks
        times ``scale``, in the units the curves were given in.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_peaks_outside_range(np.array([[0.0, 3.0], [0.0, 3000.0]]), np.array([1.0, 4.0]), "Model")
    >>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
    Model: the peak of curve 1 (3000) lies more than a factor 2 outside the peaks seen at fit [1, 4]
    (peaks of X['sequence'], as the network reads the curves): are the forces in other units than at
    fit (mN for N, kN for N)? The prediction there is an extrapolation.
    """
    peaks = curve_peaks(sequence)
    low, high = peak_range
    rows = np.flatnonzero((peaks < low / factor) | (peaks > high * factor))
    if not len(rows):
        return
    if scale == 1.0:
        read = "peaks of X['sequence'], as the network reads the curves"
    else:  # quoted in the units of the curves the encoder was given
        peaks, low, high = peaks * scale, low * scale, high * scale
        read = "peaks of the encoder's PAA curves, in the units of its input"
    warnings.warn(
        f"{owner}: the peak of {curves_named(rows, peaks, limit=_N_NAMED)} lies more than a factor "
        f"{factor:g} outside the peaks seen at fit [{low:.4g}, {high:.4g}] ({read}): are the forces in other "
        "units than at fit (mN for N, kN for N)? The prediction there is an extrapolation.",
        UserWarning,
        stacklevel=4,
    )


def check_nonnegative_curves(curves, owner, tolerance=0.01, *, scale=1.0, position="point"):
    """Raise a ``ValueError`` naming the first curve with a value below ``-tolerance`` times its maximum.

    For models fitted on load curves (forces ≥ 0): a clearly negative force
    is a sign or baseline error; noise around zero at first contact is
    tolerated.

    Parameters
    ----------
    curves : ndarray of shape (n, m)
    owner : str
        Estimator name for the message.
    tolerance : float, default=0.01
    scale : float, default=1.0
        What ``curves`` were divided by: the message quotes the values
        times ``scale``, in the units they were given in.
    position : str, default="point"
        How the message names a column of ``curves``: ``"column"`` for the
        raw curves (column j of the user's ``X``), ``"PAA window"`` for an
        encoder's shortened curves.

    Examples
    --------
    >>> check_nonnegative_curves(np.array([[0.0, -0.5, 100.0]]), "Model")  # within 1 % of the maximum
    >>> check_nonnegative_curves(np.array([[0.0, 10.0, 100.0], [0.0, -20.0, 100.0]]), "Model")
    Traceback (most recent call last):
    ...
    ValueError: Model was fitted on curves >= 0 (load curves), but curve 1 has -20 at point 1 (its maximum is 100): check the sign and the zero of the force.
    """
    peak = np.abs(curves).max(axis=1, keepdims=True)
    bad = first_true(curves < -tolerance * peak)
    if bad is not None:
        row, col = bad
        raise ValueError(
            f"{owner} was fitted on curves >= 0 (load curves), but curve {row} has {curves[row, col] * scale:.4g} "
            f"at {position} {col} (its maximum is {peak[row, 0] * scale:.4g}): check the sign and the zero of "
            "the force."
        )


def check_positive_conditions(conditions, value_range, owner):
    """Raise a ``ValueError`` naming the curve when a condition positive at fit is ≤ 0.

    A condition that was > 0 in every training curve is read as a positive
    quantity (a disc thickness in mm, a punch diameter, a temperature in
    K): a value ≤ 0 is impossible, not an extrapolation. Conditions that
    were ≤ 0 somewhere at fit (a temperature in °C) are not checked.

    Parameters
    ----------
    conditions : ndarray of shape (n, k)
    value_range : ndarray of shape (k, 2)
        Smallest and largest training value of each condition.
    owner : str
        Estimator name for the message.

    Examples
    --------
    >>> check_positive_conditions(np.array([[1.0], [0.0]]), np.array([[1.0, 4.0]]), "Model")
    Traceback (most recent call last):
    ...
    ValueError: Model: condition 0 of curve 1 is 0, but it was > 0 in every curve seen at fit ([1, 4]; a thickness, for one): a value <= 0 is impossible. Check the column (the last k columns of X are the conditions) and its unit.
    """
    positive = value_range[:, 0] > 0
    bad = first_true((conditions <= 0) & positive)
    if bad is not None:
        row, col = bad
        lo, hi = value_range[col]
        raise ValueError(
            f"{owner}: condition {col} of curve {row} is {conditions[row, col]:.4g}, but it was > 0 in every "
            f"curve seen at fit ([{lo:.4g}, {hi:.4g}]; a thickness, for one): a value <= 0 is impossible. "
            "Check the column (the last k columns of X are the conditions) and its unit."
        )


def warn_not_load_curves(curves, owner, scale=1.0):
    """Warn, naming the curves, when curves do not look like load curves.

    A load curve starts near zero force, rises to its peak and falls. A
    curve is reported when

    * its first point exceeds :data:`START_FRACTION` (0.6) of its peak (a
      constant force, a curve given backwards whose original ends above
      0.6 of its peak, a curve cut before its start), or
    * its total variation, the sum of ``|F[j+1] - F[j]|``, exceeds
      :data:`VARIATION_FACTOR` (40) peaks: it goes up and down like noise.

    Neither rule fires on the bundled finite-element runs nor on
    :func:`~skmat.datasets.make_small_punch_test` curves with load-cell
    noise up to 20 % or a rig's zero-point error up to 0.1 mm. A curve
    given backwards that ends near zero force starts as a load curve does
    and is not reported.

    Parameters
    ----------
    curves : ndarray of shape (n, m)
        The curves as given (not shortened: a window mean is far from the
        first force).
    owner : str
        Estimator name for the message.
    scale : float, default=1.0
        What ``curves`` were divided by; values are quoted times ``scale``.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_not_load_curves(np.array([[0.0, 5.0, 2.0], [5.0, 5.0, 5.0]]), "Model")
    >>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
    Model: curve 1 (first force 5, peak 5) starts above 0.6 of its peak, but a load curve starts near zero
    force: is it a load curve, given from its first point? The prediction there is meaningless.
    """
    curves = np.asarray(curves, dtype=np.float64)
    peaks = curve_peaks(curves)
    scaled_peaks = np.where(peaks > 0, peaks, 1.0)
    parts = []
    late = np.flatnonzero(curves[:, 0] > START_FRACTION * peaks)
    if len(late):
        shown = ", ".join(f"{row} (first force {curves[row, 0] * scale:.4g}, peak {peaks[row] * scale:.4g})"
                          for row in late[:_N_NAMED])
        more = f" and {len(late) - _N_NAMED} more" if len(late) > _N_NAMED else ""
        parts.append(
            f"curve{'s' if len(late) > 1 else ''} {shown}{more} start{'' if len(late) > 1 else 's'} above "
            f"{START_FRACTION:g} of {'their peaks' if len(late) > 1 else 'its peak'}, but a load curve starts "
            "near zero force: is it a load curve, given from its first point?"
        )
    variation = np.abs(np.diff(curves, axis=1)).sum(axis=1) / scaled_peaks
    noisy = np.setdiff1d(np.flatnonzero(variation > VARIATION_FACTOR), late)
    if len(noisy):
        parts.append(
            f"{curves_named(noisy, variation, fmt='{:.0f} peaks', limit=_N_NAMED)} "
            f"go{'' if len(noisy) > 1 else 'es'} up and down by more than "
            f"{VARIATION_FACTOR:g} times {'their peaks' if len(noisy) > 1 else 'its peak'} in all (a load curve: "
            "one to two): is it noise rather than a load curve?"
        )
    if parts:
        warnings.warn(f"{owner}: {' '.join(parts)} The prediction there is meaningless.", UserWarning,
                      stacklevel=4)
