"""Reading numbers given per curve: one float array, or one finite value per curve, with errors naming them.

Shared by the simulator, the rig effects and their correction, so that
reading a corrected curve does not load the simulator.
"""

from __future__ import annotations

import reprlib

import numpy as np

from .._curve_checks import first_non_finite

__all__ = ["_as_float", "_per_curve"]


def _as_float(name, value, what):
    """``value`` as a float array, or ValueError naming ``name`` for text, booleans, complex or ragged input."""
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "iufO":
            raise TypeError
        return array.astype(float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {what}, got {reprlib.repr(value)}.") from None


def _per_curve(name, value, n, unit=""):
    """One finite float per curve from a scalar or an (n,) array; ValueError naming ``name`` and the curve."""
    values = _as_float(name, value, "a number or one number per curve")
    if values.ndim == 0:
        values = np.full(n, float(values))
    if values.shape != (n,):
        raise ValueError(f"{name} must be a scalar or one value per curve ({n}); got shape {np.shape(value)}.")
    bad = first_non_finite(values)
    if bad is not None:
        (i,) = bad
        raise ValueError(f"{name} must be finite; got {float(values[i])!r}{unit} for curve {i}.")
    return values
