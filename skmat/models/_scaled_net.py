"""The regressor layer of skmat's networks: target scaling on top of the shared network base."""

from __future__ import annotations

import numpy as np
from skorch import NeuralNetRegressor
from sklearn.utils._param_validation import StrOptions

from ._fit_context import seeded_torch
from .._curve_checks import first_non_finite, non_finite_text
from ._image_input import first_bad_row
from ._network_base import SkmatNet, default_callbacks
from ._target_scaling import fit_target_scaling

__all__ = ["ScaledNetRegressor", "check_real_targets", "default_callbacks", "first_bad_row", "read_targets",
           "seeded_torch"]


#: The largest magnitude the network's float32 targets can hold.
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_real_targets(y):
    """Raise a ``ValueError`` naming the first complex target (casting to float would drop its imaginary part).

    Parameters
    ----------
    y : array-like
    """
    values = np.asarray(y)
    if not np.iscomplexobj(values):
        return
    values = values.reshape(len(values), -1) if values.ndim else values.reshape(1, 1)
    imaginary = np.argwhere(values.imag != 0)
    row, column = (int(k) for k in imaginary[0]) if len(imaginary) else (0, 0)
    raise ValueError(
        f"y must be real numbers, got complex values ({complex(values[row, column])} at row {row}); pass the real "
        "part, the magnitude or both as separate targets (Complex data not supported, as scikit-learn says)."
    )


def read_targets(y, owner=""):
    """``y`` as float64, or a ``ValueError`` naming the first target that is not a finite real number.

    The one check of regression targets that the networks, the ensembles
    and :func:`~skmat.fine_tune` share: complex values (by
    :func:`check_real_targets`), values that are no numbers, NaN and
    infinity, each named by its row of ``y`` (and its target, for 2-D
    ``y``). Shapes are the caller's to check.

    Parameters
    ----------
    y : array-like
    owner : str, default=""
        Who reads ``y``, put before the message (``"fine_tune: y ..."``).
    """
    prefix = f"{owner}: " if owner else ""
    check_real_targets(y)
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{prefix}y must be numeric: {error}") from None
    found = first_non_finite(values) if values.ndim else None
    if found is not None:
        where = f"row {found[0]}" if values.ndim == 1 else f"row {found[0]} (target {found[1]})"
        raise ValueError(
            f"{prefix}y contains {non_finite_text(values[found])} at "
            f"{where}; every target must be a finite number."
        )
    return values


def _check_float32_range(y, scaled, method):
    """Raise a ``ValueError`` naming the first target that the scaling leaves beyond float32's range."""
    beyond = np.abs(scaled) > _FLOAT32_MAX
    if not beyond.any():
        return
    row, column = (int(k) for k in np.argwhere(beyond)[0])
    advice = "rescale y" if method == "whiten" else "use target_scaling='whiten' or rescale y"
    raise ValueError(
        f"y has {y[row, column]:.6g} at row {row} (target {column}), which with target_scaling={method!r} is "
        f"beyond the float32 range (±{_FLOAT32_MAX:.4g}) the network trains in; {advice}."
    )


class ScaledNetRegressor(SkmatNet, NeuralNetRegressor):
    """Base of skmat's network regressors (not used directly).

    Adds to the shared network base (float32 casting and checks of ``X``
    with row-naming errors, seeding through ``random_state`` in a forked
    torch RNG, ``n_threads``, a cosine learning-rate decay as the default
    ``lr_schedule`` callback, a progress table for long fits
    (:class:`~skmat.models.ProgressLog`), ``freeze_features`` for
    fine-tuning, ``pretrained`` starts, ``save``/``load`` without pickle):
    checks of ``y``, target scaling fitted on the training targets, and
    predictions in the shape and units of the fitted ``y``.
    """

    _parameter_constraints = {
        **SkmatNet._parameter_constraints,
        "target_scaling": [StrOptions({"whiten", "bound"}), None],
    }
    _fitted_marker = "n_outputs_"

    def __init__(self, module, *, target_scaling="whiten", **kwargs):
        super().__init__(module, **kwargs)
        self.target_scaling = target_scaling

    def _check_target(self, y, n_samples):
        y = read_targets(y)
        if y.ndim not in (1, 2):
            raise ValueError(f"y must have shape (n,) or (n, k), got {y.shape}.")
        if len(y) != n_samples:
            raise ValueError(f"X has {n_samples} samples but y has {len(y)}.")
        return y

    def _fit_target(self, y, classes):
        y2 = y.reshape(len(y), -1)
        self.target_ndim_ = y.ndim
        self.n_outputs_ = y2.shape[1]
        self.target_offset_, self.target_scale_ = fit_target_scaling(y2, self.target_scaling)

    def _transform_target(self, y):
        y2 = y.reshape(len(y), -1)
        if y2.shape[1] != self.n_outputs_:
            raise ValueError(f"y has {y2.shape[1]} targets; the model was fitted on {self.n_outputs_}.")
        with np.errstate(over="ignore"):  # deviations beyond float64 become inf, reported by _check_float32_range
            scaled = (y2 - self.target_offset_) / self.target_scale_
        _check_float32_range(y2, scaled, self.target_scaling)
        return scaled.astype(np.float32)

    @classmethod
    def _required_fitted_attributes(cls):
        return (*super()._required_fitted_attributes(), "n_outputs_", "target_ndim_", "target_offset_",
                "target_scale_")

    def predict(self, X):
        """Predict the targets, in the units and shape of the fitted ``y``.

        Parameters
        ----------
        X : array-like or dict
            As at fit.

        Returns
        -------
        ndarray of shape (n,) or (n, k)
        """
        outputs, n_samples = self._forward(X)
        scaled = outputs.numpy().astype(np.float64).reshape(n_samples, -1)
        y = scaled * self.target_scale_ + self.target_offset_
        return y.ravel() if self.target_ndim_ == 1 else y

    @property
    def predict_proba(self):
        """Not available: a regressor has no class probabilities (use ``predict``)."""
        raise AttributeError(f"{type(self).__name__} has no predict_proba; use predict.")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
