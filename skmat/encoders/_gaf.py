"""Gramian angular field (GAF) images of load curves, as in the SPT Seq2Seq paper."""

from __future__ import annotations

import math
import numbers
from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from .._curve_checks import first_non_finite
from .._small_punch._curve_input import CurveBatch, check_cells
from .._validation import IntegerInterval

__all__ = ["GramianAngularFieldEncoder"]

# Curves per block in transform: every temporary (window means, cosines and
# sines, the two (chunk, image_size, 2) float32 factors) is per block and
# small, and the images are written straight into the preallocated output,
# whose writing to memory is what takes the time.
_CHUNK = 256


class GramianAngularFieldEncoder(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Encode load curves (or any 1-D series) as Gramian angular field images.

    Each curve is shortened to ``image_size`` points by piecewise aggregate
    approximation (PAA: the mean of each of ``image_size`` consecutive
    windows), min–max scaled on its own to ``sample_range``, read as the
    cosines ``x = cos(phi)`` of angles ``phi``, and turned into the
    ``image_size x image_size`` image ``cos(phi_i + phi_j)`` (summation field,
    GASF) or ``sin(phi_i - phi_j)`` (difference field, GADF). The numbers are
    those of ``pyts.image.GramianAngularField`` (same windows, same scaling),
    computed in float32 without importing pyts or numba.

    Parameters
    ----------
    image_size : int or float, default=1.0
        Side of the output images. An int is the number of points, between 1
        and the number of timestamps; a float in (0, 1] is a fraction of the
        number of timestamps, rounded up (``ceil(image_size * n_timestamps)``,
        as pyts).
    method : {"summation", "difference"}, default="summation"
        ``"summation"``: ``G[i, j] = cos(phi_i + phi_j) = x_i x_j -
        sqrt(1 - x_i**2) sqrt(1 - x_j**2)``, a symmetric image.
        ``"difference"``: ``G[i, j] = sin(phi_i - phi_j) = sqrt(1 - x_i**2) x_j
        - x_i sqrt(1 - x_j**2)``, an antisymmetric image.
    sample_range : tuple (min, max) or None, default=(-1, 1)
        Range each PAA curve is min–max scaled to, with ``-1 <= min < max <=
        1``. ``None``: no scaling; the PAA values must already lie in
        [-1, 1] (a ``ValueError`` names the first curve that does not).
    overlapping : bool, default=False
        PAA windows as pyts: ``False`` gives windows of varying length that
        tile the curve; ``True`` gives windows of one fixed length,
        ``ceil(n_timestamps / image_size)``, that may overlap.
    output : {"dict", "image"}, default="dict"
        ``"dict"``: what :class:`~skmat.SPTSeq2SeqRegressor` reads, a
        :class:`~skmat.encoders.CurveBatch` (a dict that scikit-learn can
        split by curve) with the ``"image"`` ``(n, 1, s, s)``, the ``"sequence"`` ``(n, s)``
        (the PAA curve, which the per-curve min–max scaling of the image
        throws away: its amplitude, e.g. the peak load) and, with
        ``n_conditions > 0``, the ``"conditions"`` ``(n, k)``. ``"image"``:
        the images alone, ``(n, 1, s, s)`` float32, equal to pyts's.
    sequence_scaling : {"global", None}, default="global"
        How the ``"sequence"`` entry is scaled. ``"global"``: divided by
        ``sequence_scale_``, the largest absolute PAA value of the curves
        seen in ``fit`` (one number for all curves, so relative amplitudes
        survive and the training curves lie in [-1, 1]). ``None``: raw PAA
        values.
    n_conditions : int, default=0
        Number of trailing columns of ``X`` that are test conditions (e.g.
        the disc thickness), not curve points. They are left out of the
        image and the PAA and returned, unscaled, as the ``"conditions"``
        entry; any number of them. Needs ``output="dict"``.

    Attributes
    ----------
    n_features_in_ : int
        Number of timestamps of the curves seen in ``fit``.
    feature_names_in_ : ndarray of str
        Column names, when fitted on a DataFrame.
    image_size_ : int
        Side of the images, ``image_size`` resolved against
        ``n_features_in_``.
    image_shape_ : tuple of int
        Shape of one image: ``(1, image_size_, image_size_)``.
    sequence_scale_ : float
        Divisor of the ``"sequence"`` entry: the largest absolute PAA value
        of the training curves with ``sequence_scaling="global"`` (1.0 if
        they are all zero), 1.0 with ``sequence_scaling=None``.

    See Also
    --------
    SPTSeq2SeqRegressor : Reads the ``output="dict"`` entries.
    pyts.image.GramianAngularField : The reference implementation (float64,
        numba).

    Notes
    -----
    A constant curve is scaled, as in pyts, to ``sample_range[0]``
    everywhere: with the default range its summation image is all ones and
    its difference image all zeros. No NaN is produced and no error raised;
    the ``"sequence"`` entry tells such curves apart. "Constant" means a
    range of the PAA curve below ``10 * eps`` (the rule of
    :class:`sklearn.preprocessing.MinMaxScaler`, which pyts uses) or, more
    robustly than pyts, raw values that are all equal (whose window means
    may differ in the last bit, which would otherwise be blown up to
    [-1, 1]).

    Scaled values are clipped to [-1, 1] before the square roots, so rounding
    never yields NaN. Images are float32 and equal pyts's float64 images to
    about 1e-7; values may exceed 1 in magnitude by float32 rounding. The
    output takes ``4 * n_samples * image_size_**2`` bytes (655 MB for 5,000
    curves at 181 x 181, half of pyts's float64); nothing else of that size
    is allocated.

    The method is that of Wang & Oates, "Encoding time series as images for
    visual inspection and classification using tiled convolutional neural
    networks", AAAI Workshops (2015), used on small punch test
    load–displacement curves beside the raw sequence by the Seq2Seq model of
    the SPT stress–strain paper (2025).

    Examples
    --------
    >>> import numpy as np
    >>> from skmat import GramianAngularFieldEncoder
    >>> displacement = np.linspace(0, 1, 181)
    >>> loads = np.stack([peak * np.sin(np.pi * displacement) ** 2
    ...                   for peak in (1500.0, 2400.0, 900.0)])
    >>> encoder = GramianAngularFieldEncoder(image_size=32, output="image")
    >>> images = encoder.fit_transform(loads)
    >>> images.shape, images.dtype
    ((3, 1, 32, 32), dtype('float32'))
    >>> bool(np.allclose(images[:, 0], images[:, 0].transpose(0, 2, 1)))
    True

    The scaling of each curve to [-1, 1] makes curves of one shape but
    different peaks give the same image; the default output keeps the
    amplitudes in its ``"sequence"`` entry, and trailing condition columns
    (here a thickness) in ``"conditions"``:

    >>> X = np.column_stack([loads, [0.5, 0.5, 1.0]])
    >>> out = GramianAngularFieldEncoder(image_size=32, n_conditions=1).fit_transform(X)
    >>> {key: value.shape for key, value in out.items()}
    {'image': (3, 1, 32, 32), 'sequence': (3, 32), 'conditions': (3, 1)}
    >>> bool(np.array_equal(out["image"], images))
    True
    >>> out["sequence"].max(axis=1).round(3)
    array([0.625, 1.   , 0.375], dtype=float32)
    """

    _parameter_constraints: dict = {
        # An int up to the number of timestamps, checked at fit against X.
        "image_size": [IntegerInterval(1, None, closed="left"), Interval(RealNotInt, 0, 1, closed="right")],
        "method": [StrOptions({"summation", "difference"})],
        "sample_range": "no_validation",  # None or (min, max) with -1 <= min < max <= 1: _check_params
        "overlapping": ["boolean"],
        "output": [StrOptions({"dict", "image"})],
        "sequence_scaling": [StrOptions({"global"}), None],
        "n_conditions": [IntegerInterval(0, None, closed="left")],
    }

    def __init__(
        self,
        image_size=1.0,
        *,
        method="summation",
        sample_range=(-1, 1),
        overlapping=False,
        output="dict",
        sequence_scaling="global",
        n_conditions=0,
    ):
        self.image_size = image_size
        self.method = method
        self.sample_range = sample_range
        self.overlapping = overlapping
        self.output = output
        self.sequence_scaling = sequence_scaling
        self.n_conditions = n_conditions

    # ------------------------------------------------------------ parameters

    def _resolve_image_size(self, n_timestamps):
        """``image_size`` (valid by ``_parameter_constraints``) as a number of points for ``n_timestamps``."""
        size = self.image_size
        if isinstance(size, numbers.Integral):
            if size > n_timestamps:
                raise ValueError(
                    f"image_size={size} must be an integer between 1 and the number of "
                    f"timestamps of X (n_features = {n_timestamps}), or a float in (0, 1]."
                )
            return int(size)
        return math.ceil(float(size) * n_timestamps)

    def _check_params(self):
        """What ``_parameter_constraints`` cannot say: the sample range, and conditions only with dicts."""
        k = self.n_conditions
        if k and self.output != "dict":
            raise ValueError(
                f"n_conditions={k} needs output='dict': images alone cannot carry the conditions."
            )
        sample_range = self.sample_range
        if sample_range is not None:
            valid = (
                isinstance(sample_range, (tuple, list))
                and len(sample_range) == 2
                and all(isinstance(v, Real) and not isinstance(v, bool) for v in sample_range)
                and -1 <= sample_range[0] < sample_range[1] <= 1
            )
            if not valid:
                raise ValueError(
                    "sample_range must be None or a tuple (min, max) with "
                    f"-1 <= min < max <= 1, got {sample_range!r}."
                )

    # ------------------------------------------------------------ fit / transform

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters, resolve the image size and fit the sequence scale.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps)
            Curves, one per row, all sampled at the same points.
        y : ignored

        Returns
        -------
        self

        Raises
        ------
        ValueError
            For bad parameters, or naming the first curve (row) and timestamp
            holding a NaN or an infinity.
        """
        self._check_params()
        check_cells(X, "X", type(self).__name__)
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite=False)
        _check_finite(X, self.n_conditions)
        k = self.n_conditions
        if k >= X.shape[1]:
            raise ValueError(f"n_conditions={k} leaves no curve points in X with {X.shape[1]} columns.")
        X = X[:, : X.shape[1] - k]
        n_timestamps = X.shape[1]
        self.image_size_ = self._resolve_image_size(n_timestamps)
        if self.sequence_scaling == "global":
            largest = float(np.max(np.abs(_paa(X, self.image_size_, self.overlapping))))
            self.sequence_scale_ = largest if largest > 0 else 1.0
        else:
            self.sequence_scale_ = 1.0
        side = self.image_size_
        self.image_shape_ = (1, side, side)
        return self

    def transform(self, X):
        """Encode curves as GAF images.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timestamps)
            Curves, one per row, with as many timestamps as in ``fit``.

        Returns
        -------
        skmat.encoders.CurveBatch or ndarray of float32
            ``output="dict"``: a :class:`~skmat.encoders.CurveBatch` ``{"image": (n_samples, 1, s, s), "sequence":
            (n_samples, s)}`` float32 (``s = image_size_``; the sequence is
            the PAA curve divided by ``sequence_scale_``), plus
            ``"conditions"``: ``(n_samples, k)`` float64 with
            ``n_conditions=k > 0``; its ``curves`` attribute holds the
            curves read, ``(n_samples, n_timestamps)`` float64 without the
            conditions, so that a model's checks quote a force as given
            and at its column of ``X``. ``output="image"``: the images
            ``(n_samples, 1, s, s)``.

        Raises
        ------
        ValueError
            If X has another number of timestamps than in ``fit``; naming the
            first curve and timestamp holding a NaN or infinity; naming the
            curve lengths of rows of different lengths, or the row and
            column of a cell that is not a number; with
            ``sample_range=None``, naming the first curve whose PAA values
            leave [-1, 1].
        """
        check_is_fitted(self, "image_size_")
        check_cells(X, "X", type(self).__name__)
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite=False, reset=False)
        _check_finite(X, self.n_conditions)
        k = self.n_conditions
        conditions = X[:, X.shape[1] - k :].copy()
        X = X[:, : X.shape[1] - k]
        side = self.image_size_
        n_samples = X.shape[0]
        paa_operator = _paa_operator(X.shape[1], side, self.overlapping)
        constant = X.min(axis=1) == X.max(axis=1)
        out = np.empty((n_samples, *self.image_shape_), dtype=np.float32)
        sequences = np.empty((n_samples, side), dtype=np.float32) if self.output == "dict" else None
        images = out[:, 0]
        # Block by block of curves, so that every temporary stays small (in
        # cache) and the images go straight into ``out``. The image of a curve
        # is one (s, 2) x (2, s) product, left @ right:
        # summation  [cos, sin] @ [cos; -sin] = cos_i cos_j - sin_i sin_j,
        # difference [sin, cos] @ [cos; -sin] = sin_i cos_j - cos_i sin_j.
        chunk = min(_CHUNK, n_samples)
        left = np.empty((chunk, side, 2), dtype=np.float32)
        right = np.empty((chunk, 2, side), dtype=np.float32)
        cos_column, sin_column = (1, 0) if self.method == "difference" else (0, 1)
        for start in range(0, n_samples, chunk):
            stop = min(start + chunk, n_samples)
            m = stop - start
            paa = _apply_paa(X[start:stop], paa_operator)
            cos = _rescale(paa, self.sample_range, constant[start:stop], first_row=start)
            np.clip(cos, -1.0, 1.0, out=cos)
            sin = np.sqrt(1.0 - cos * cos)
            left[:m, :, cos_column] = cos
            left[:m, :, sin_column] = sin
            right[:m, 0, :] = cos
            np.negative(sin, out=right[:m, 1, :], casting="same_kind")
            np.matmul(left[:m], right[:m], out=images[start:stop])
            if sequences is not None:
                sequences[start:stop] = paa / self.sequence_scale_
        if sequences is None:
            return out
        result = CurveBatch(image=out, sequence=sequences)
        result.sequence_scale = float(self.sequence_scale_)
        result.curves = np.array(X, dtype=np.float64)  # as given, for the checks of a model on the forces
        if k:
            result["conditions"] = conditions
        return result

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Output is always float32, whatever the input dtype: float32 input
        # is preserved, float64 is not.
        tags.transformer_tags.preserves_dtype = ["float32"]
        tags.requires_fit = True
        return tags


# ---------------------------------------------------------------- helpers


def _check_finite(X, n_conditions=0):
    found = first_non_finite(X)
    if found is not None:
        row, col = found
        n_points = X.shape[1] - n_conditions
        where = (f"timestamp {col}" if col < n_points
                 else f"condition column {col - n_points} (column {col} of X)")
        raise ValueError(
            f"X contains NaN or inf: curve {row} (row {row} of X) has {X[row, col]} at "
            f"{where}. Gramian angular fields need finite curves and conditions; drop or "
            "interpolate such values first."
        )


def _paa_windows(n_timestamps, n_windows, overlapping):
    """Start and end (exclusive) of each PAA window, as pyts's ``segmentation``."""
    window = -(-n_timestamps // n_windows)  # ceil
    if not overlapping:
        bounds = np.linspace(0, n_timestamps, n_windows + 1).astype(np.int64)
        return bounds[:-1], bounds[1:]
    excess = n_windows * window - n_timestamps
    shifts = np.linspace(0, excess, n_windows).astype(np.int64)
    starts = np.arange(n_windows, dtype=np.int64) * window - shifts
    return starts, starts + window


def _paa_operator(n_timestamps, n_windows, overlapping):
    """What :func:`_apply_paa` needs: window indicator matrix and window lengths.

    None when every window is one point (``n_windows == n_timestamps``): X
    is then used as it is, as in pyts.
    """
    if n_windows == n_timestamps:
        return None
    starts, ends = _paa_windows(n_timestamps, n_windows, overlapping)
    points = np.arange(n_timestamps)[:, None]
    indicator = ((points >= starts) & (points < ends)).astype(np.float64)
    return indicator, (ends - starts).astype(np.float64)


def _apply_paa(X, operator):
    """Window means of each row: window sums divided by window lengths, float64."""
    if operator is None:
        return X
    indicator, lengths = operator
    return (X @ indicator) / lengths


def _paa(X, n_windows, overlapping):
    """Piecewise aggregate approximation of the rows of X to ``n_windows`` points."""
    return _apply_paa(X, _paa_operator(X.shape[1], n_windows, overlapping))


def _rescale(paa, sample_range, constant, first_row=0):
    """Min–max scale each row to ``sample_range`` as sklearn's MinMaxScaler; a new array.

    Rows flagged in ``constant`` (curves whose raw values are all equal) are
    set to ``sample_range[0]`` exactly, whatever rounding their window means
    picked up. ``first_row``: row of X of the first row of ``paa``, for
    error messages.
    """
    if sample_range is None:
        outside = (paa < -1) | (paa > 1)
        if outside.any():
            row, col = np.argwhere(outside)[0]
            value, row = paa[row, col], row + first_row
            raise ValueError(
                "With sample_range=None every value must lie in [-1, 1] (after piecewise "
                f"aggregation), but curve {row} (row {row} of X) has {value} at point {col}; "
                "pass sample_range=(-1, 1) to scale each curve."
            )
        return np.array(paa, dtype=np.float64)
    low, high = float(sample_range[0]), float(sample_range[1])
    data_min = paa.min(axis=1)
    data_range = paa.max(axis=1) - data_min
    data_range[data_range < 10 * np.finfo(np.float64).eps] = 1.0
    scale = (high - low) / data_range
    offset = low - data_min * scale
    scaled = paa * scale[:, None] + offset[:, None]
    scaled[constant] = low
    return scaled
