"""A skorch regressor with the scikit-learn behaviour every skmat network shares."""

from __future__ import annotations

import contextlib

import numpy as np
from skorch import NeuralNetRegressor
from sklearn.utils.validation import check_is_fitted

from .._validation import check_feature_names
from ._callbacks import CosineDecay, ProgressLog, StopOnNonFiniteLoss
from ._fit_context import check_n_threads, limited_threads, seeded_torch
from ._image_input import first_bad_row
from ._persistence import SavableNetMixin
from ._target_scaling import fit_target_scaling
from ._training import apply_freeze, run_training, warn_if_constant

__all__ = ["ScaledNetRegressor", "default_callbacks", "first_bad_row", "seeded_torch"]


def default_callbacks(base_callbacks):
    """skorch's default callbacks with skmat's progress table, cosine learning-rate decay and non-finite loss stop."""
    callbacks = [(name, ProgressLog() if name == "print_log" else cb) for name, cb in base_callbacks]
    return [*callbacks, ("lr_schedule", CosineDecay()), ("finite_loss", StopOnNonFiniteLoss())]


class ScaledNetRegressor(SavableNetMixin, NeuralNetRegressor):
    """Base of skmat's network regressors (not used directly).

    Adds to :class:`skorch.NeuralNetRegressor`: float32 casting and checks of
    ``X`` (``_as_input``, per subclass) and ``y`` with row-naming errors;
    target scaling fitted on the training targets; module sizes inferred from
    the data (``_inferred_module_kwargs``, per subclass); seeding through
    ``random_state`` in a forked torch RNG; predictions in the shape and units
    of the fitted ``y``; a cosine learning-rate decay as the default
    ``lr_schedule`` callback; a progress table for long fits
    (:class:`~skmat.models.ProgressLog`); ``freeze_features`` for
    fine-tuning; ``save``/``load`` without pickle.
    """

    def __init__(
        self, module, *, target_scaling="whiten", freeze_features=False, random_state=None, n_threads=None, **kwargs
    ):
        super().__init__(module, **kwargs)
        self.target_scaling = target_scaling
        self.freeze_features = freeze_features
        self.random_state = random_state
        self.n_threads = n_threads

    def _as_input(self, X):  # pragma: no cover - abstract
        raise NotImplementedError

    def _inferred_module_kwargs(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _fit_input(self, X):  # pragma: no cover - abstract
        """Record what the inputs look like (and fit any input scaling) at a fresh fit."""
        raise NotImplementedError

    def _check_input(self, X):  # pragma: no cover - abstract
        """Raise if ``X`` does not look like the inputs seen at fit."""
        raise NotImplementedError

    def _n_samples(self, X):
        return len(X)

    def _scale_input(self, X):
        """Apply the fitted input scaling; must not modify ``X`` in place."""
        return X

    def _check_params(self):
        check_n_threads(self.n_threads, type(self).__name__)
        if self.target_scaling not in ("whiten", "bound", None):
            raise ValueError(
                f"target_scaling must be 'whiten', 'bound' or None, got {self.target_scaling!r}."
            )
        spec = self.freeze_features
        valid = spec is None or isinstance(spec, (bool, np.bool_, str)) or (
            isinstance(spec, (list, tuple)) and all(isinstance(name, str) for name in spec)
        )
        if not valid:
            raise ValueError(
                f"freeze_features must be True, False or submodule names, got {spec!r}."
            )

    def _prepare(self, X, y, reset):
        self._check_params()
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y is None."
            )
        check_feature_names(self, X, reset=reset)
        X = self._as_input(X)
        n_samples = self._n_samples(X)
        try:
            y = np.asarray(y, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"y must be numeric: {error}") from None
        if y.ndim not in (1, 2):
            raise ValueError(f"y must have shape (n,) or (n, k), got {y.shape}.")
        if len(y) != n_samples:
            raise ValueError(f"X has {n_samples} samples but y has {len(y)}.")
        row = first_bad_row(y)
        if row is not None:
            raise ValueError(f"y contains NaN or infinity at row {row}.")
        y2 = y.reshape(len(y), -1)
        if reset:
            self.target_ndim_ = y.ndim
            self.n_outputs_ = y2.shape[1]
            self.target_offset_, self.target_scale_ = fit_target_scaling(y2, self.target_scaling)
            self._fit_input(X)
        else:
            self._check_input(X)
            if y2.shape[1] != self.n_outputs_:
                raise ValueError(f"y has {y2.shape[1]} targets; the model was fitted on {self.n_outputs_}.")
        y_scaled = ((y2 - self.target_offset_) / self.target_scale_).astype(np.float32)
        return self._scale_input(X), y_scaled

    @contextlib.contextmanager
    def _fit_context(self):
        """Seeded torch RNG and the ``n_threads`` budget, for one fit."""
        with limited_threads(self.n_threads), seeded_torch(self.random_state):
            yield

    # -- skorch hooks ---------------------------------------------------------

    @property
    def _default_callbacks(self):
        return default_callbacks(super()._default_callbacks)

    def initialize_module(self):
        kwargs = self.get_params_for("module")
        if hasattr(self, "n_outputs_"):
            for key, value in self._inferred_module_kwargs().items():
                kwargs.setdefault(key, value)
        self.module_ = self.initialized_instance(self.module, kwargs)
        return self

    def _bare_module(self):
        """The network itself (a subclass that wraps ``module_``, e.g. for Accelerate, unwraps it here)."""
        return self.module_

    def _train(self, X, y_scaled, **fit_params):
        self.frozen_parameters_ = apply_freeze(self._bare_module(), self.freeze_features)
        run_training(self, X, y_scaled, **fit_params)
        warn_if_constant(self, X)

    @classmethod
    def _required_fitted_attributes(cls):
        return ("n_features_in_", "n_outputs_", "target_ndim_", "target_offset_", "target_scale_")

    def _after_load(self):
        apply_freeze(self.module_, self.freeze_features)

    # -- scikit-learn API -----------------------------------------------------

    def fit(self, X, y, **fit_params):
        """Fit the network (re-initialised unless ``warm_start``).

        With ``warm_start=True`` on a fitted estimator (or one read with
        ``load``), training continues from its weights and keeps the input
        and target scaling fitted the first time: fine-tuning.
        ``freeze_features=True`` then keeps the feature extractor fixed.

        Parameters
        ----------
        X : array-like or dict
            See the class docstring.
        y : array-like of shape (n,) or (n, k)
            One or several targets.

        Returns
        -------
        self
        """
        reset = not (self.warm_start and self.initialized_ and hasattr(self, "n_outputs_"))
        X, y_scaled = self._prepare(X, y, reset=reset)
        with self._fit_context():
            if reset:
                self.initialize()
            self._train(X, y_scaled, **fit_params)
        return self

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Continue training without re-initialising (fits scaling on first call).

        Returns
        -------
        self
        """
        reset = not (self.initialized_ and hasattr(self, "n_outputs_"))
        X, y_scaled = self._prepare(X, y, reset=reset)
        with self._fit_context():
            if reset:
                self.initialize()
            self._train(X, y_scaled, **fit_params)
        return self

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
        check_is_fitted(self, ["n_outputs_", "module_"])
        check_feature_names(self, X, reset=False)
        X = self._as_input(X)
        self._check_input(X)
        n_samples = self._n_samples(X)
        X = self._scale_input(X)
        with limited_threads(self.n_threads):
            outputs = [out.detach().cpu().numpy() for out in self.forward_iter(X, training=False)]
        scaled = np.concatenate(outputs).astype(np.float64).reshape(n_samples, -1)
        y = scaled * self.target_scale_ + self.target_offset_
        return y.ravel() if self.target_ndim_ == 1 else y

    @property
    def predict_proba(self):
        """Not available: a regressor has no class probabilities (use ``predict``)."""
        raise AttributeError(f"{type(self).__name__} has no predict_proba; use predict.")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.target_tags.multi_output = True
        tags.non_deterministic = self.random_state is None
        return tags
