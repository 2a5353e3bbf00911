"""The private base of every skmat network estimator: what the regressors and the classifier share.

:class:`SkmatNet` holds, written once, what a skorch network needs to
behave as a scikit-learn estimator in skmat: parameter validation
(scikit-learn's ``_parameter_constraints``), seeding (``random_state``, in a
forked torch RNG) and the thread budget (``n_threads``), both under the
process-wide lock of :mod:`skmat.models._fit_context`; the default callbacks
(progress table, cosine decay, non-finite loss stop); the ``fit`` /
``partial_fit`` / warm-start plumbing; ``freeze_features``; starting from a
pretrained network (``pretrained``, ``transfer``, ``from_regressor``); the
check for a fit collapsed to a constant; the tags; and ``save``/``load``.
Subclasses say how inputs are read (``_as_input``, ``_fit_input``,
``_check_input``) and how targets are (``_check_target``, ``_fit_target``,
``_transform_target``).
"""

from __future__ import annotations

import contextlib
import inspect
from numbers import Integral, Real

import numpy as np
import torch
from skorch import NeuralNet
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    validate_parameter_constraints,
)
from sklearn.utils.validation import check_is_fitted

from .._validation import IntegerInterval, check_feature_names
from ._callbacks import CosineDecay, ProgressLog, StopOnNonFiniteLoss
from ._fit_context import check_n_threads, limited_threads, seeded_torch
from ._image_input import as_image_batch, check_fitted_shape
from ._persistence import SavableNetMixin, check_rebuilt_shapes
from ._training import apply_freeze, check_freeze, run_training, warn_if_constant
from ._transfer import TRANSFER_CHOICES, check_pretrained, pretrained_module_kwargs, pretrained_network, transfer_weights

__all__ = ["ImageInputMixin", "SkmatNet", "default_callbacks"]

#: The sizes of skmat's own networks that ``module__*`` may set, with their smallest value; checked at fit.
MODULE_SIZES = {
    "n_filters": 1, "hidden_units": 1, "n_hidden_layers": 0, "hidden_sizes": 1,  # PTRCNN, CurveMLP
    "element_embedding": 0,  # PTRCNN
    "conv1d_channels": 1, "conv2d_channels": 1, "hidden_size": 1, "num_layers": 1, "num_heads": 1,  # GAFSeq2Seq
    "d_model": 1, "nhead": 1, "dim_feedforward": 1,  # the transformer baseline
}
#: Those of them that may also be one size per layer (a list or tuple).
PER_LAYER_SIZES = ("n_filters", "hidden_sizes")


def default_callbacks(base_callbacks):
    """skorch's default callbacks with skmat's progress table, cosine learning-rate decay and non-finite loss stop."""
    callbacks = [(name, ProgressLog() if name == "print_log" else cb) for name, cb in base_callbacks]
    return [*callbacks, ("lr_schedule", CosineDecay()), ("finite_loss", StopOnNonFiniteLoss())]


class SkmatNet(SavableNetMixin, NeuralNet):
    """Base of skmat's network estimators (private; the regressors and the classifier derive from it).

    Parameters
    ----------
    module : torch module class
    pretrained : skmat.models.PretrainedPTRCNN, PretrainedNetwork or None, default=None
        Trained weights that initialise the network (its architecture too).
    transfer : {"hidden", "features"}, default="hidden"
        What ``pretrained`` gives: every layer but the output layer, or the
        feature extractor only.
    freeze_features : bool, str or list of str, default=False
        Submodules kept fixed while training (see :func:`apply_freeze`).
    random_state : int, RandomState instance or None, default=None
    n_threads : int or None, default=None
    **kwargs
        Any :class:`skorch.NeuralNet` parameter.
    """

    #: Checked at every fit; ``n_threads`` is checked by :func:`check_n_threads` (its message is pinned), the
    #: network's sizes (``module__*``) by :meth:`_check_module_sizes`. ``batch_size=-1`` is skorch's "all rows".
    _parameter_constraints = {
        "transfer": [StrOptions(set(TRANSFER_CHOICES))],
        "freeze_features": ["boolean", None, str, list, tuple],
        "max_epochs": [IntegerInterval(1, None, closed="left")],
        "lr": [Interval(Real, 0, np.inf, closed="left")],  # 0 trains nothing: the tests of transferred weights use it
        "batch_size": [IntegerInterval(1, None, closed="left"), Options(Integral, {-1})],
    }

    #: The fitted attribute that says the target side is fitted (``n_outputs_``, ``classes_``).
    _fitted_marker = "n_features_in_"

    def __init__(
        self, module, *, pretrained=None, transfer="hidden", freeze_features=False, random_state=None,
        n_threads=None, **kwargs,
    ):
        super().__init__(module, **kwargs)
        check_pretrained(pretrained, type(self).__name__)
        self.pretrained = pretrained
        self.transfer = transfer
        self.freeze_features = freeze_features
        self.random_state = random_state
        self.n_threads = n_threads

    @classmethod
    def from_regressor(cls, regressor, **params):
        """A new estimator started from a fitted network (new output layer, sized at fit).

        Parameters
        ----------
        regressor : fitted skmat network estimator, Pipeline ending in one, or its torch module
            A regressor or a classifier (e.g. ``skmat.load_pretrained(name)``).
        **params
            Other parameters (``freeze_features``, ``transfer``, ``lr``, …).
            ``module`` defaults to the class of the source network.

        Returns
        -------
        estimator
            Unfitted; ``pretrained`` holds a copy of the source network, so
            the new estimator survives ``sklearn.clone`` (and therefore
            ``cross_validate`` and ``GridSearchCV``).
        """
        pretrained = pretrained_network(regressor)
        params.setdefault("module", pretrained.module)
        return cls(pretrained=pretrained, **params)

    # -- what subclasses say ---------------------------------------------------

    def _as_input(self, X):  # pragma: no cover - abstract
        """``X`` checked and cast for the network."""
        raise NotImplementedError

    def _fit_input(self, X):  # pragma: no cover - abstract
        """Record what the inputs look like (and fit any input scaling) at a fresh fit."""
        raise NotImplementedError

    def _check_input(self, X):  # pragma: no cover - abstract
        """Raise if ``X`` does not look like the inputs seen at fit."""
        raise NotImplementedError

    def _inferred_module_kwargs(self):  # pragma: no cover - abstract
        """Module arguments read from the data at fit (input sizes, number of outputs)."""
        raise NotImplementedError

    def _check_target(self, y, n_samples):  # pragma: no cover - abstract
        """``y`` checked (but not yet transformed)."""
        raise NotImplementedError

    def _fit_target(self, y, classes):  # pragma: no cover - abstract
        """Fit the target side (scaling, classes) at a fresh fit."""
        raise NotImplementedError

    def _transform_target(self, y):  # pragma: no cover - abstract
        """``y`` as the network trains on it."""
        raise NotImplementedError

    def _n_samples(self, X):
        return len(X)

    def _scale_input(self, X):
        """Apply the fitted input scaling; must not modify ``X`` in place."""
        return X

    # -- checks ----------------------------------------------------------------

    def _check_params(self):
        """Validate the named parameters (scikit-learn's constraints) and the networks' sizes (``module__*``)."""
        name = type(self).__name__
        check_n_threads(self.n_threads, name)
        params = {key: getattr(self, key) for key in self._parameter_constraints}
        validate_parameter_constraints(self._parameter_constraints, params, caller_name=name)
        spec = self.freeze_features
        if isinstance(spec, (list, tuple)) and not all(isinstance(item, str) for item in spec):
            raise InvalidParameterError(
                f"The 'freeze_features' parameter of {name} must be True, False or submodule names. "
                f"Got {spec!r} instead."
            )
        self._check_module_sizes()

    def _check_module_sizes(self):
        """Raise scikit-learn's ``InvalidParameterError`` for a ``module__*`` size below its minimum.

        Only skmat's own modules are checked (:data:`MODULE_SIZES`); a
        network of the user's reads its arguments as it likes.
        """
        if not str(getattr(self.module, "__module__", "")).startswith("skmat."):
            return
        for key, value in self.get_params_for("module").items():
            if key not in MODULE_SIZES:
                continue
            sizes = IntegerInterval(MODULE_SIZES[key], None, closed="left")
            per_layer = key in PER_LAYER_SIZES and isinstance(value, (list, tuple))
            if not all(sizes.is_satisfied_by(item) for item in (value if per_layer else [value])):
                allowed = f"{sizes}" + (" or a list of them, one per layer" if key in PER_LAYER_SIZES else "")
                raise InvalidParameterError(
                    f"The 'module__{key}' parameter of {type(self).__name__} must be {allowed}. Got {value!r} instead."
                )

    # -- skorch hooks ----------------------------------------------------------

    @property
    def _default_callbacks(self):
        return default_callbacks(super()._default_callbacks)

    def _data_seen(self):
        """Whether the fitted attributes the module sizes come from are there (at fit or load)."""
        return hasattr(self, self._fitted_marker)

    def _module_kwargs(self, pretrained=None):
        """The arguments the module is built with: ``module__*``, then the pretrained architecture, then the data's."""
        kwargs = self.get_params_for("module")
        if not self._data_seen():
            return kwargs
        inferred = self._inferred_module_kwargs()
        if pretrained is not None:
            pretrained_module_kwargs(pretrained, kwargs, inferred)
        for key, value in inferred.items():
            kwargs.setdefault(key, value)
        return kwargs

    def initialize_module(self):
        source = None
        if self.pretrained is not None and self._data_seen():
            pretrained = pretrained_network(self.pretrained)
            self._check_pretrained_module(pretrained)
            source = pretrained.build()  # before the new network: the seeded stream as it always was
        kwargs = self._module_kwargs(None if source is None else pretrained)
        if isinstance(self.module, type):  # loading a file: its weights must fit before memory is taken
            check_rebuilt_shapes(lambda: self.initialized_instance(self.module, kwargs))
        self.module_ = self.initialized_instance(self.module, kwargs)
        self.transferred_ = []
        if source is not None:
            inputs = {key: value for key, value in self._inferred_module_kwargs().items() if key != "n_outputs"}
            self.transferred_ = transfer_weights(self.module_, source, self.transfer, inputs, pretrained)
        return self

    def _check_pretrained_module(self, pretrained):
        module = self.module
        if not (inspect.isclass(module) and issubclass(module, pretrained.module)):
            raise ValueError(
                f"The pretrained network is a {pretrained.module.__name__}, but module is {module!r}; leave module "
                f"unset in {type(self).__name__}.from_regressor, or pass module={pretrained.module.__name__}."
            )
        missing = [key for key in self._inferred_module_kwargs() if key not in pretrained.hparams]
        if missing:
            raise ValueError(
                f"The pretrained {pretrained.module.__name__} does not read the inputs of {type(self).__name__} "
                f"(it has no {missing}); start from a network of the same kind."
            )

    def _bare_module(self):
        """The network itself (a subclass that wraps ``module_``, e.g. for Accelerate, unwraps it here)."""
        return self.module_

    def _freezes(self):
        """Whether ``freeze_features`` applies (the classifier's applies only to a pretrained start)."""
        return True

    def _apply_freeze(self, module):
        """Set which parameters of ``module`` learn from ``freeze_features``; the names of the frozen ones."""
        check_freeze(module, self.freeze_features)
        return apply_freeze(module, self.freeze_features if self._freezes() else False)

    def _after_load(self):
        self._apply_freeze(self.module_)

    # -- fitting ---------------------------------------------------------------

    @contextlib.contextmanager
    def _fit_context(self):
        """Seeded torch RNG and the ``n_threads`` budget, for one fit."""
        with limited_threads(self.n_threads), seeded_torch(self.random_state):
            yield

    def _fitted(self):
        return bool(self.initialized_) and hasattr(self, self._fitted_marker)

    def _prepare(self, X, y, reset, classes=None):
        """Check ``X`` and ``y``, fit or check the input and target sides; the arrays the network trains on."""
        self._check_params()
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")
        check_feature_names(self, X, reset=reset)
        X = self._as_input(X)
        y = self._check_target(y, self._n_samples(X))
        if reset:
            self._fit_target(y, classes)
            self._fit_input(X)
        else:
            self._check_input(X)
        return self._scale_input(X), self._transform_target(y)

    def _train(self, X, y, **fit_params):
        self.frozen_parameters_ = self._apply_freeze(self._bare_module())
        run_training(self, X, y, **fit_params)
        warn_if_constant(self, X)

    def _fit(self, X, y, reset, classes=None, **fit_params):
        X, y = self._prepare(X, y, reset, classes)
        with self._fit_context():
            if reset:
                self.initialize()
            self._train(X, y, **fit_params)
        return self

    def fit(self, X, y, **fit_params):
        """Fit the network (re-initialised unless ``warm_start``; from ``pretrained`` if given).

        With ``warm_start=True`` on a fitted estimator (or one read with
        ``load``), training continues from its weights and keeps what was
        fitted the first time (input and target scaling, classes):
        fine-tuning. ``freeze_features`` then keeps the feature extractor
        fixed.

        Parameters
        ----------
        X : array-like or dict
            See the class docstring.
        y : array-like
            Targets or class labels.

        Returns
        -------
        self
        """
        return self._fit(X, y, reset=not (self.warm_start and self._fitted()), **fit_params)

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs without re-initialising (fits the scaling or classes on first call).

        Parameters
        ----------
        X : array-like or dict
        y : array-like
        classes : array-like, optional
            Classifiers only: every label that will ever be seen; needed on
            the first call if ``y`` does not contain every class.

        Returns
        -------
        self
        """
        return self._fit(X, y, reset=not self._fitted(), classes=classes, **fit_params)

    def _forward(self, X):
        """The network's outputs for ``X`` (checked as at fit), one float32 CPU tensor, and the number of samples."""
        check_is_fitted(self, [self._fitted_marker, "module_"])
        check_feature_names(self, X, reset=False)
        X = self._as_input(X)
        self._check_input(X)
        n_samples = self._n_samples(X)
        X = self._scale_input(X)
        with limited_threads(self.n_threads):
            outputs = [out.detach().cpu() for out in self.forward_iter(X, training=False)]
        return torch.cat(outputs), n_samples

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = self.random_state is None
        return tags


class ImageInputMixin:
    """Images ``(n, C, H, W)``, ``(n, H, W)`` or flat ``(n, F)`` as the input of a :class:`~skmat.models.PTRCNN`."""

    def _as_input(self, X):
        return as_image_batch(X, type(self).__name__)

    def _fit_input(self, X):
        self.input_shape_ = tuple(X.shape[1:])
        self.n_features_in_ = int(np.prod(X.shape[1:]))

    def _check_input(self, X):
        check_fitted_shape(self, X)

    @classmethod
    def _required_fitted_attributes(cls):
        return (*super()._required_fitted_attributes(), "input_shape_")
