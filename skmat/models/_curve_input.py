"""The curve input of the small punch networks, as torch tensors too.

The input itself (its keys, the :class:`~skmat.encoders.CurveBatch`
container, the checks and the warnings) is defined once, torch-free, in
``skmat._small_punch._curve_input``; this module adds only what the
networks need on top: reading ``torch.Tensor`` input. The other names are
re-exported so that the networks (and ``skmat.models.CURVE_INPUT_KEYS``)
import them from here.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

from .._small_punch._curve_input import (
    CURVE_INPUT_KEYS,
    PEAK_FACTOR,
    check_curve_layout,
    check_nonnegative_curves,
    curve_input_layout,
    curve_peaks,
    n_curves,
    warn_outside_range,
    warn_peaks_outside_range,
)
from .._small_punch._curve_input import as_curve_input as _as_curve_input

__all__ = ["CURVE_INPUT_KEYS", "PEAK_FACTOR", "as_curve_input", "curve_input_layout", "check_curve_layout",
           "n_curves", "check_nonnegative_curves", "curve_peaks", "warn_outside_range", "warn_peaks_outside_range"]


def _numpy(value):
    """A tensor as a NumPy array (detached, on the CPU); anything else unchanged."""
    return value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value


def as_curve_input(X, owner="SPTSeq2SeqRegressor"):
    """Check ``X`` and return it as a dict of float32 arrays (new arrays or views; ``X`` is not modified).

    Parameters
    ----------
    X : dict or array-like of shape (n, m)
        The output of :class:`~skmat.GramianAngularFieldEncoder` (a dict with
        ``"sequence"``, ``"image"`` and, with ``n_conditions=k``,
        ``"conditions"``), a dict written by hand with the same keys (only
        ``"sequence"`` is required), or bare curves ``(n, m)``; any array
        may be a ``torch.Tensor``.
    owner : str
        Estimator name for error messages.

    Returns
    -------
    dict of str to ndarray
        ``"sequence"`` (n, s); ``"image"`` (n, 1, s, s) if given;
        ``"conditions"`` (n, k) if given with k > 0 (a 1-D array is one
        condition).

    Raises
    ------
    ValueError
        For unknown keys, a missing sequence, arrays of different lengths,
        an image that does not match the sequence, NaN or infinity (naming
        the key, the curve and the point, condition column or position), or
        a bare image array without its sequence.

    Examples
    --------
    >>> import numpy as np
    >>> X = as_curve_input({"sequence": np.zeros((3, 8)), "conditions": np.ones(3)})
    >>> {key: value.shape for key, value in X.items()}
    {'sequence': (3, 8), 'conditions': (3, 1)}
    >>> as_curve_input(torch.zeros(3, 8))["sequence"].dtype
    dtype('float32')
    """
    if isinstance(X, Mapping) and any(isinstance(value, torch.Tensor) for value in X.values()):
        X = {key: _numpy(value) for key, value in X.items()}
    return _as_curve_input(_numpy(X), owner)
