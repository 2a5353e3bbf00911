"""PTRCNNClassifier: the periodic-table CNN as a classifier, with transfer learning."""

from __future__ import annotations

import math
from numbers import Number

import numpy as np
import torch
from sklearn.base import ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import column_or_1d

from ._network_base import ImageInputMixin, SkmatNet
from ._ptr_cnn import PTRCNN
# The transfer helpers live in ._transfer; re-exported here, where they were defined before.
from ._transfer import (  # noqa: F401
    TRANSFER_CHOICES,
    PretrainedPTRCNN,
    _final_linear_prefix,
    check_pretrained,
    pretrained_module_kwargs,
    pretrained_network,
    transfer_weights,
)

__all__ = ["PTRCNNClassifier", "PretrainedPTRCNN", "check_labels", "check_pretrained", "pretrained_module_kwargs",
           "pretrained_network", "transfer_weights"]


def _is_missing(label):
    """Whether ``label`` stands for a missing value: None, a float NaN, or pandas' NA and NaT."""
    if label is None or type(label).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(label, float) and math.isnan(label)


def _label_kind(label):
    """What a label is for sorting: ``"number"`` (bools and numpy scalars too), ``"string"`` or its type's name."""
    if isinstance(label, (bool, np.bool_, Number)):
        return "number"
    if isinstance(label, str):
        return "string"
    return type(label).__name__


def _shown(label):
    """``repr`` of a label, numpy scalars as their Python value (``nan``, not ``np.float64(nan)``)."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def check_labels(y, name="y"):
    """Raise a ``ValueError`` naming the first row of ``y`` whose label is missing or of another kind than row 0's.

    Classes are sorted, so the labels must be all numbers or all strings; a
    missing label (None, NaN) is not a class.

    Parameters
    ----------
    y : array-like of shape (n,)
        A list is read element by element (``np.asarray`` would turn
        ``["a", 3]`` into the strings ``["a", "3"]``).
    name : str, default="y"
        What the message calls ``y`` (``"classes"`` for ``partial_fit``'s).

    Examples
    --------
    >>> check_labels(np.array(["a", None, "b"], dtype=object))
    Traceback (most recent call last):
    ...
    ValueError: y has a missing label (None) at row 1; every row needs a class label.
    """
    y = np.asarray(y, dtype=object).reshape(-1) if isinstance(y, (list, tuple)) else np.asarray(y).reshape(-1)
    if y.dtype.kind == "f":
        missing = np.flatnonzero(np.isnan(y))
        if len(missing):
            _raise_missing(name, y, int(missing[0]))
    elif y.dtype.kind == "O":  # ints, bools and strings have one kind and no missing value
        _check_object_labels(y, name)


def _raise_missing(name, y, row):
    raise ValueError(f"{name} has a missing label ({_shown(y[row])}) at row {row}; every row needs a class label.")


def _check_object_labels(y, name):
    """:func:`check_labels` for labels of any Python type: each one is looked at."""
    first_kind = None
    for row, label in enumerate(y):
        if _is_missing(label):
            _raise_missing(name, y, row)
        kind = _label_kind(label)
        first_kind = first_kind or kind
        if kind != first_kind:
            raise ValueError(
                f"{name} mixes kinds of labels: {_shown(y[0])} ({first_kind}) at row 0 but {_shown(label)} ({kind}) "
                f"at row {row}; the labels must be all strings or all numbers."
            )


class PTRCNNClassifier(ClassifierMixin, ImageInputMixin, SkmatNet):
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
    freeze_features : bool, str or list of str, default=False
        Keep the copied convolutional layers (``module.features``) fixed
        during fine-tuning (only the fully connected layers learn); a string
        or list names the submodules to keep fixed instead, as for
        :class:`PTRCNNRegressor`. Ignored without ``pretrained``.
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
    frozen_parameters_ : list of str
        Parameters kept fixed in the last fit (``freeze_features``).

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
            pretrained=pretrained,
            transfer=transfer,
            freeze_features=freeze_features,
            random_state=random_state,
            n_threads=n_threads,
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

    @classmethod
    def from_regressor(cls, regressor, **params):
        """A classifier initialised from a fitted network.

        Parameters
        ----------
        regressor : fitted PTRCNNRegressor or PTRCNNClassifier, or a Pipeline ending in one
        **params
            Other parameters of the classifier (``freeze_features``, ``lr``, …).

        Returns
        -------
        PTRCNNClassifier
            Unfitted; ``pretrained`` holds a copy of the regressor's network,
            so the classifier survives ``sklearn.clone`` (and therefore
            ``cross_validate`` and ``GridSearchCV``).
        """
        return super().from_regressor(regressor, **params)

    _fitted_marker = "classes_"

    @classmethod
    def _required_fitted_attributes(cls):
        return (*super()._required_fitted_attributes(), "classes_")

    def _freezes(self):
        return self.pretrained is not None

    def _inferred_module_kwargs(self):
        return {"in_shape": self.input_shape_, "n_outputs": len(self.classes_)}

    # -- labels ----------------------------------------------------------------

    def _check_target(self, y, n_samples):
        labels = column_or_1d(np.asarray(y), warn=True)
        if len(labels) != n_samples:
            raise ValueError(f"X has {n_samples} samples but y has {len(labels)}.")
        check_labels(y)  # the labels as given: a list of "a" and 3 is not the strings np.asarray makes of it
        check_classification_targets(labels)
        return labels

    def _fit_target(self, y, classes):
        if classes is not None:
            check_labels(classes, "classes")
        classes = np.unique(y if classes is None else classes)
        if len(classes) < 2:
            raise ValueError(
                f"Classifier can't train when only one class is present (all labels are {classes[0]!r})."
            )
        self.classes_ = classes

    def _transform_target(self, y):
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

    # -- scikit-learn API -----------------------------------------------------

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
        return super().fit(X, y, **fit_params)

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
        return super().partial_fit(X, y, classes=classes, **fit_params)

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like of shape (n, C, H, W), (n, H, W) or (n, F)

        Returns
        -------
        ndarray of shape (n, n_classes)
        """
        logits, _ = self._forward(X)
        return torch.softmax(logits.double(), dim=1).numpy()

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
