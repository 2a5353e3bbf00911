"""PTRCNNClassifier: the periodic-table CNN as a classifier, with transfer learning."""

from __future__ import annotations


import numpy as np
import torch
from skorch import NeuralNet
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._validation import check_feature_names
from ._image_input import as_image_batch, check_fitted_shape
from ._persistence import SavableNetMixin
from ._ptr_cnn import PTRCNN
from ._fit_context import check_n_threads, limited_threads, seeded_torch
from ._scaled_net import default_callbacks
from ._training import warn_if_constant

__all__ = ["PTRCNNClassifier", "PretrainedPTRCNN", "check_pretrained", "pretrained_module_kwargs",
           "pretrained_network", "transfer_weights"]

TRANSFER_CHOICES = ("features", "hidden")


class PretrainedPTRCNN:
    """The architecture and trained weights of a :class:`PTRCNN`, detached from any model.

    What :class:`PTRCNNClassifier` starts from. A plain object, not a torch
    module, so it can be an estimator parameter: ``sklearn.clone`` copies it
    as it is. Make one with :func:`pretrained_network`.

    Parameters
    ----------
    hparams : dict
        ``PTRCNN(**hparams)`` rebuilds the architecture.
    state_dict : dict of str to torch.Tensor
        The trained weights (on the CPU).

    Attributes
    ----------
    in_shape : tuple of int
        Image shape the network reads.
    """

    def __init__(self, hparams, state_dict):
        self.hparams = dict(hparams)
        self.state_dict = {name: value.detach().cpu().clone() for name, value in state_dict.items()}

    @property
    def in_shape(self):
        return tuple(self.hparams["in_shape"])

    def build(self):
        """A new :class:`PTRCNN` holding these weights."""
        network = PTRCNN(**self.hparams)
        network.load_state_dict(self.state_dict)
        return network

    def __repr__(self):
        n = sum(value.numel() for value in self.state_dict.values())
        return f"PretrainedPTRCNN(in_shape={self.in_shape}, n_outputs={self.hparams['n_outputs']}, {n} weights)"


def check_pretrained(pretrained, estimator):
    """Refuse a torch module as ``pretrained`` (skorch cannot keep one as a plain attribute), saying what to pass."""
    if isinstance(pretrained, torch.nn.Module):
        raise TypeError(
            "pretrained must be a PretrainedPTRCNN, not a torch module: pass pretrained_network(module) "
            f"or use {estimator}.from_regressor(fitted_regressor)."
        )


def pretrained_network(model):
    """The trained network of a fitted regressor, pipeline or :class:`PTRCNN`, as weights.

    Parameters
    ----------
    model : fitted PTRCNNRegressor, fitted Pipeline ending in one, PTRCNN or PretrainedPTRCNN

    Returns
    -------
    PretrainedPTRCNN
        A copy of the weights, so training either model later leaves the
        other alone (a PretrainedPTRCNN is returned as it is: it is never
        modified).

    Examples
    --------
    >>> from skmat.models import PTRCNN, pretrained_network
    >>> pretrained_network(PTRCNN(n_filters=4, hidden_units=8))
    PretrainedPTRCNN(in_shape=(1, 5, 16), n_outputs=1, 1065 weights)
    """
    if isinstance(model, PretrainedPTRCNN):
        return model
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    network = final if isinstance(final, torch.nn.Module) else getattr(final, "module_", None)
    if network is None:
        raise ValueError(
            "pretrained must come from a fitted PTRCNNRegressor (or a Pipeline ending in one) or a "
            f"PTRCNN; got an unfitted {type(final).__name__}. Note that sklearn.clone resets "
            "estimators passed as parameters: use PTRCNNClassifier.from_regressor(fitted) or "
            "pretrained=pretrained_network(fitted)."
        )
    if not isinstance(network, PTRCNN):
        raise ValueError(f"pretrained network must be a PTRCNN, got {type(network).__name__}.")
    return PretrainedPTRCNN(network.hparams, network.state_dict())


def _final_linear_prefix(network):
    """State-dict prefix of the output layer (the last Linear of the predictor)."""
    last = max(i for i, layer in enumerate(network.predictor) if isinstance(layer, torch.nn.Linear))
    return f"predictor.{last}."


def pretrained_module_kwargs(pretrained, kwargs):
    """``kwargs`` for the new network, with the pretrained architecture filled in (``module__*`` win)."""
    source = pretrained_network(pretrained).build()
    for name, value in source.hparams.items():
        if name not in ("in_shape", "n_outputs"):
            kwargs.setdefault(name, value)
    return source


def transfer_weights(target, source, transfer, input_shape):
    """Copy ``source``'s weights into ``target`` (every layer but the output, or the convolutions only).

    Returns the names of the copied parameters. Raises a ``ValueError``
    naming both shapes when the images differ from those the source read, or
    naming the first parameter whose shape differs.
    """
    expected = tuple(source.hparams["in_shape"])
    if expected != tuple(input_shape):
        raise ValueError(
            f"The pretrained network reads images of shape {expected}, but X has images of "
            f"shape {tuple(input_shape)}; encode with the same encoder as the pretrained model."
        )
    state = target.state_dict()
    skip = _final_linear_prefix(target)
    copied = {}
    for name, value in source.state_dict().items():
        if transfer == "features" and not name.startswith("features."):
            continue
        if name.startswith(_final_linear_prefix(source)):
            continue
        if name not in state or name.startswith(skip) or state[name].shape != value.shape:
            raise ValueError(
                f"The pretrained network does not match this one at {name!r} "
                f"(pretrained {tuple(value.shape)}, here "
                f"{tuple(state[name].shape) if name in state else 'absent'}); "
                "leave the module__* size parameters unset to copy the pretrained architecture."
            )
        copied[name] = value
    state.update(copied)
    target.load_state_dict(state)
    return sorted(copied)


class PTRCNNClassifier(ClassifierMixin, SavableNetMixin, NeuralNet):
    """Periodic-table CNN classifier, optionally starting from a trained regressor.

    The classification counterpart of :class:`PTRCNNRegressor`: the same
    :class:`PTRCNN` with one output per class, trained with cross-entropy. It
    is Zheng et al.'s transfer-learning step: their stability classifier was
    initialised from the CNN trained on OQMD formation enthalpies and lattice
    parameters, then fine-tuned on a few hundred labelled compounds.

    Labels may be any hashable values (``bool``, strings, ints); ``classes_``
    holds them in sorted order and ``predict`` returns them.

    Parameters
    ----------
    module : torch module class, default=PTRCNN
        The network; ``in_shape`` and ``n_outputs`` are set from the data.
        With ``pretrained``, architecture parameters come from the pretrained
        network and ``module__*`` sizes must not contradict it.
    pretrained : skmat.models.PretrainedPTRCNN or None, default=None
        Trained weights that initialise this network: use
        :meth:`from_regressor`, or
        ``skmat.models.pretrained_network(fitted_regressor)``.
        Never modified. Its input shape must match the images given to
        ``fit``.
    transfer : {"hidden", "features"}, default="hidden"
        What is copied: ``"hidden"``, every layer but the output layer (the
        paper's "weights initialized from those obtained for the previous
        CNN"); ``"features"``, the convolutional layers only. The output layer
        is always new (its size is the number of classes).
    freeze_features : bool, default=False
        Keep the copied convolutional layers fixed during fine-tuning (only
        the fully connected layers learn). Ignored without ``pretrained``.
    criterion : torch loss class, default=torch.nn.CrossEntropyLoss
    optimizer : torch optimizer class, default=torch.optim.AdamW
    lr : float, default=1e-3
    max_epochs : int, default=40
    batch_size : int, default=32
    train_split : callable or None, default=None
        No internal validation split, as in scikit-learn.
    random_state : int, RandomState instance or None, default=None
        Seeds initialisation, dropout and shuffling (in a forked torch RNG).
    n_threads : int or None, default=None
        Torch intra-op and BLAS threads for ``fit`` and ``predict`` (the
        previous setting is restored after). None keeps the process's
        setting: ``cpu_count // n_jobs`` in joblib's loky workers, one in
        Dask's nanny-started workers, all cores otherwise. Training results
        depend on the thread count (float sums split differently), so fix
        it to compare runs across engines or machines. See the docs'
        *Scaling out* page.
    device : str or torch.device, default="cpu"
    verbose : int, default=1
        Prints the per-epoch table once a fit has run for 10 s; 0 silences it.
    **kwargs
        Any other :class:`skorch.NeuralNet` parameter.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    module_ : PTRCNN
    input_shape_ : tuple of int
    n_features_in_ : int
        Values per image, ``C * H * W``.
    feature_names_in_ : ndarray of str
        Column names of ``X``, when fitted on a DataFrame of flat features
        with string column names; ``predict`` then checks them as
        scikit-learn does.
    transferred_ : list of str
        Names of the parameters copied from ``pretrained`` (empty without).

    See Also
    --------
    PTRCNNRegressor : Pretrain the network on a large regression set.
    PTRCNNClassifier.save, PTRCNNClassifier.load : Store a fitted model without pickle.
    skmat.datasets.load_mp_heusler_stability : Stability labels.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from skmat import PeriodicTableEncoder, PTRCNNRegressor, PTRCNNClassifier
    >>> from skmat.datasets import load_oqmd_heusler
    >>> X, y = load_oqmd_heusler(subset="paper", return_X_y=True)
    >>> small = dict(module__n_filters=8, module__hidden_units=16, random_state=0, verbose=0)
    >>> regressor = make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(max_epochs=2, **small))
    >>> regressor = regressor.fit(X[:300], y[:300])
    >>> stable = y[:300, 0] < -0.2  # a stand-in label
    >>> classifier = make_pipeline(
    ...     PeriodicTableEncoder(),
    ...     PTRCNNClassifier.from_regressor(regressor, freeze_features=True, max_epochs=2, random_state=0, verbose=0),
    ... )
    >>> classifier.fit(X[:300], stable).predict_proba(X[300:302]).shape
    (2, 2)
    """

    def __init__(
        self,
        module=PTRCNN,
        *,
        pretrained=None,
        transfer="hidden",
        freeze_features=False,
        criterion=torch.nn.CrossEntropyLoss,
        optimizer=torch.optim.AdamW,
        lr=1e-3,
        max_epochs=40,
        batch_size=32,
        train_split=None,
        random_state=None,
        n_threads=None,
        device="cpu",
        verbose=1,
        **kwargs,
    ):
        super().__init__(
            module,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            device=device,
            verbose=verbose,
            **kwargs,
        )
        check_pretrained(pretrained, "PTRCNNClassifier")
        self.pretrained = pretrained
        self.transfer = transfer
        self.freeze_features = freeze_features
        self.random_state = random_state
        self.n_threads = n_threads

    @classmethod
    def from_regressor(cls, regressor, **params):
        """A classifier initialised from a fitted regressor's network.

        Parameters
        ----------
        regressor : fitted PTRCNNRegressor or Pipeline ending in one
        **params
            Other parameters of the classifier (``freeze_features``, ``lr``, …).

        Returns
        -------
        PTRCNNClassifier
            Unfitted; ``pretrained`` holds a copy of the regressor's network,
            so the classifier survives ``sklearn.clone`` (and therefore
            ``cross_validate`` and ``GridSearchCV``).
        """
        return cls(pretrained=pretrained_network(regressor), **params)

    # -- skorch hooks ---------------------------------------------------------

    @property
    def _default_callbacks(self):
        return default_callbacks(super()._default_callbacks)

    def initialize_module(self):
        kwargs = self.get_params_for("module")
        source = None
        if self.pretrained is not None and hasattr(self, "input_shape_"):
            source = pretrained_module_kwargs(self.pretrained, kwargs)
        if hasattr(self, "input_shape_"):
            kwargs.setdefault("in_shape", self.input_shape_)
            kwargs.setdefault("n_outputs", len(self.classes_))
        self.module_ = self.initialized_instance(self.module, kwargs)
        self.transferred_ = []
        if source is not None:
            self.transferred_ = transfer_weights(self.module_, source, self.transfer, self.input_shape_)
            if self.freeze_features:
                for parameter in self.module_.features.parameters():
                    parameter.requires_grad_(False)
        return self

    # -- scikit-learn API -----------------------------------------------------

    @classmethod
    def _required_fitted_attributes(cls):
        return ("n_features_in_", "input_shape_", "classes_")

    def _check_params(self):
        check_n_threads(self.n_threads, type(self).__name__)
        if self.transfer not in TRANSFER_CHOICES:
            raise ValueError(f"transfer must be one of {TRANSFER_CHOICES}, got {self.transfer!r}.")
        if not isinstance(self.freeze_features, (bool, np.bool_)):
            raise ValueError(f"freeze_features must be True or False, got {self.freeze_features!r}.")

    def _labels(self, y, n_samples):
        if y is None:
            raise ValueError("PTRCNNClassifier requires y to be passed, but the target y is None.")
        y = column_or_1d(np.asarray(y), warn=True)
        if len(y) != n_samples:
            raise ValueError(f"X has {n_samples} samples but y has {len(y)}.")
        check_classification_targets(y)
        return y

    def _set_classes(self, classes):
        classes = np.unique(classes)
        if len(classes) < 2:
            raise ValueError(
                f"Classifier can't train when only one class is present (all labels are {classes[0]!r})."
            )
        self.classes_ = classes

    def _encode(self, y):
        index = np.searchsorted(self.classes_, y)
        index = np.clip(index, 0, len(self.classes_) - 1)
        unknown = self.classes_[index] != y
        if unknown.any():
            row = int(np.flatnonzero(unknown)[0])
            raise ValueError(
                f"y has label {y[row]!r} at row {row}, which is not among the classes "
                f"{self.classes_.tolist()} fixed at the first fit."
            )
        return index.astype(np.int64)

    def _start(self, X):
        self.input_shape_ = tuple(X.shape[1:])
        self.n_features_in_ = int(np.prod(X.shape[1:]))
        self.initialize()

    def fit(self, X, y, **fit_params):
        """Fit the network (initialised from ``pretrained`` if given).

        Parameters
        ----------
        X : array-like of shape (n, C, H, W), (n, H, W) or (n, F)
            Images, e.g. from :class:`~skmat.PeriodicTableEncoder`.
        y : array-like of shape (n,)
            Class labels.

        Returns
        -------
        self
        """
        reset = not (self.warm_start and self.initialized_ and hasattr(self, "classes_"))
        return self._train(X, y, None, reset, **fit_params)

    def partial_fit(self, X, y, classes=None, **fit_params):
        """Train for ``max_epochs`` more epochs without re-initialising.

        Parameters
        ----------
        X : array-like of shape (n, C, H, W), (n, H, W) or (n, F)
        y : array-like of shape (n,)
        classes : array-like, optional
            All labels that will ever be seen; needed on the first call if
            ``y`` does not contain every class.

        Returns
        -------
        self
        """
        reset = not (self.initialized_ and hasattr(self, "classes_"))
        return self._train(X, y, classes, reset, **fit_params)

    def _train(self, X, y, classes, reset, **fit_params):
        """Check the data, (re)initialise if ``reset``, then train for ``max_epochs``."""
        self._check_params()
        check_feature_names(self, X, reset=reset)
        X = as_image_batch(X, type(self).__name__)
        y = self._labels(y, len(X))
        with limited_threads(self.n_threads), seeded_torch(self.random_state):
            if reset:
                self._set_classes(y if classes is None else classes)
                self._start(X)
            else:
                check_fitted_shape(self, X)
            NeuralNet.partial_fit(self, X, self._encode(y), **fit_params)
            warn_if_constant(self, X)
        return self

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n, C, H, W), (n, H, W) or (n, F)

        Returns
        -------
        ndarray of shape (n, n_classes)
        """
        check_is_fitted(self, ["classes_", "module_"])
        check_feature_names(self, X, reset=False)
        X = as_image_batch(X, type(self).__name__)
        check_fitted_shape(self, X)
        with limited_threads(self.n_threads):
            logits = [out.detach().cpu() for out in self.forward_iter(X, training=False)]
        return torch.softmax(torch.cat(logits).double(), dim=1).numpy()

    def predict(self, X):
        """Predicted class labels (from ``classes_``).

        Parameters
        ----------
        X : array-like of shape (n, C, H, W), (n, H, W) or (n, F)

        Returns
        -------
        ndarray of shape (n,)
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = self.random_state is None
        return tags

