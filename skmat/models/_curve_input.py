"""The one input structure of the small punch networks, checked and decoded in one place.

Every small punch network (:class:`~skmat.models.SPTSeq2Seq` and the
baselines) reads a dict of named arrays, which skorch slices per batch and
passes to ``module.forward(**batch)`` by key:

``"sequence"`` : (n, s)
    The load curve (or its piecewise-aggregate approximation).
``"image"`` : (n, 1, s, s), optional
    Its Gramian angular field image.
``"conditions"`` : (n, k), optional
    Test conditions such as the disc thickness, any number of them.

:class:`~skmat.GramianAngularFieldEncoder` returns this dict by default;
bare curves ``(n, m)`` are read as ``{"sequence": X}``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
from scipy.sparse import issparse
from sklearn.utils.validation import check_array

__all__ = ["CURVE_INPUT_KEYS", "as_curve_input", "curve_input_layout", "check_curve_layout", "n_curves"]

CURVE_INPUT_KEYS = ("sequence", "image", "conditions")


def _numeric(value, name, owner, ensure_2d=False):
    """``value`` as a float32 array, with scikit-learn's errors for sparse, 1-D and empty input."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    if not issparse(value) and not hasattr(value, "iloc"):
        array = np.asarray(value)
        if array.dtype.kind in "OUS" and array.size:
            first = array.reshape(-1)[0]
            if isinstance(first, str):
                raise ValueError(f"{owner} expects numbers in {name}, got strings such as {first!r}.")
    return check_array(value, dtype=np.float32, accept_sparse=False, allow_nd=True, ensure_2d=ensure_2d,
                       ensure_all_finite=False, input_name=name)


def _first_bad(array, name, what):
    bad = ~np.isfinite(array.reshape(len(array), -1))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(
            f"{name} contains NaN or infinity: {what} {row} has {array.reshape(len(array), -1)[row, col]} "
            f"at position {col}."
        )


def as_curve_input(X, owner="SPTSeq2SeqRegressor"):
    """Check ``X`` and return it as a dict of float32 arrays (new arrays or views; ``X`` is not modified).

    Parameters
    ----------
    X : dict or array-like of shape (n, m)
        The output of :class:`~skmat.GramianAngularFieldEncoder` (a dict with
        ``"sequence"``, ``"image"`` and, with ``n_conditions=k``,
        ``"conditions"``), a dict written by hand with the same keys (only
        ``"sequence"`` is required), or bare curves ``(n, m)``.
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
        the key and curve), or a bare image array without its sequence.

    Examples
    --------
    >>> import numpy as np
    >>> X = as_curve_input({"sequence": np.zeros((3, 8)), "conditions": np.ones(3)})
    >>> {key: value.shape for key, value in X.items()}
    {'sequence': (3, 8), 'conditions': (3, 1)}
    >>> as_curve_input(np.zeros((3, 8)))["sequence"].dtype
    dtype('float32')
    """
    if issparse(X) or not isinstance(X, Mapping):  # some sparse formats are mappings
        curves = _numeric(X, "X", owner, ensure_2d=True)
        if curves.ndim == 4 or (curves.ndim == 3 and curves.shape[-1] == curves.shape[-2]):
            raise ValueError(
                f"{owner} got an array of shape {curves.shape}, which looks like GAF images alone. "
                "The image has lost the load level of its curve: pass the encoder's default output "
                "(GramianAngularFieldEncoder(..., output='dict')), which carries the image, the "
                "sequence and the conditions, or the curves themselves (n, m)."
            )
        if curves.ndim != 2:
            raise ValueError(f"{owner} expects curves of shape (n, m) or a dict of arrays; got shape {curves.shape}.")
        _first_bad(curves, "X", "curve")
        return {"sequence": curves}
    unknown = sorted(set(X) - set(CURVE_INPUT_KEYS))
    if unknown:
        raise ValueError(f"Unknown keys {unknown} in the input of {owner}; expected {list(CURVE_INPUT_KEYS)}.")
    if X.get("sequence") is None:
        raise ValueError(f"The input of {owner} must have a 'sequence' entry (n, s); got keys {sorted(X)}.")
    out = {"sequence": _numeric(X["sequence"], "X['sequence']", owner)}
    if out["sequence"].ndim != 2:
        raise ValueError(f"X['sequence'] must have shape (n, s); got {out['sequence'].shape}.")
    n, s = out["sequence"].shape
    if X.get("image") is not None:
        image = _numeric(X["image"], "X['image']", owner)
        if image.ndim == 3:
            image = image[:, None]
        if image.shape[1:] != (1, s, s):
            raise ValueError(
                f"X['image'] must have shape (n, 1, s, s) with s = {s}, the sequence length; got {image.shape}."
            )
        out["image"] = image
    if X.get("conditions") is not None:
        conditions = _numeric(X["conditions"], "X['conditions']", owner)
        if conditions.ndim == 1:
            conditions = conditions[:, None]
        if conditions.ndim != 2:
            raise ValueError(f"X['conditions'] must have shape (n, k); got {conditions.shape}.")
        if conditions.shape[1]:
            out["conditions"] = conditions
    for key, value in out.items():
        if len(value) != n:
            raise ValueError(f"X['{key}'] has {len(value)} rows but X['sequence'] has {n}.")
        _first_bad(value, f"X['{key}']", "curve")
    return out


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
