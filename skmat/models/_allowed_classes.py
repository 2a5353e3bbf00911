"""The classes a skmat file may name: an explicit allow-list, by stable public name.

A saved model names classes (its estimator, network module, loss,
optimizer, callbacks, pipeline steps) so that loading can rebuild them. A
file from someone else must not be able to make loading import or call
anything else, so the names a file may hold are listed here, one by one,
each under the public name users import it by (``skmat.PTRCNNRegressor``,
``torch.nn.MSELoss``), and each checked to be a class of its declared kind
when it is first resolved. Functions, modules and attribute paths are never
resolved from a file; the few plain functions that library defaults hold
(``print`` as a log sink, skorch's ``to_numpy``) are named values in
:data:`NAMED_VALUES`.

Classes outside the list (a user's own module or transformer) load only
when the caller passes them: ``load(path, trusted=[MyModule])``.

Files of format version 1 named classes by their defining module
(``skmat.models._ptr_regressor:PTRCNNRegressor``); :data:`FORMAT_1_NAMES`
maps skmat's names of that version to the public ones, and third-party
classes are matched against the current defining module of the allowed
classes of that name.
"""

from __future__ import annotations

import importlib
import inspect
from functools import lru_cache

__all__ = ["FORMAT_1_NAMES", "KINDS", "NAMED_VALUES", "RENAMED", "allowed_names", "public_name", "resolve_class"]

#: Kinds of class a file may name, and the base class each must derive from.
KINDS = {
    "network": ("skmat.models._persistence", "SavableModel"),  # a network or an ensemble of networks
    "estimator": ("sklearn.base", "BaseEstimator"),
    "module": ("torch.nn", "Module"),
    "optimizer": ("torch.optim", "Optimizer"),
    "lr_scheduler": ("torch.optim.lr_scheduler", "LRScheduler"),
    "callback": ("skorch.callbacks", "Callback"),
    "dataset": ("torch.utils.data", "Dataset"),
    "data_loader": ("torch.utils.data", "DataLoader"),
    "split": ("skorch.dataset", "ValidSplit"),
    "value": ("builtins", "object"),
}

# kind -> {public module: [class names]}; every class is looked up as
# ``getattr(import_module(public module), name)``.
_ALLOWED = {
    "network": {
        "skmat": ["PTRCNNRegressor", "PTRCNNClassifier", "SPTSeq2SeqRegressor",
                  "DeepEnsembleRegressor", "DeepEnsembleClassifier"],
    },
    "estimator": {
        "skmat": [
            "PeriodicTableEncoder", "RandomTableEncoder", "MendeleevLineEncoder", "GramianAngularFieldEncoder",
            "CurveResampler", "SPTInverseFitRegressor", "SPTCorrelationRegressor", "SPTCorrectedInverseRegressor",
            "HurdleRegressor",
        ],
        "skmat.models": ["PretrainedFeatures", "PretrainedAverage"],
        "sklearn.preprocessing": [
            "StandardScaler", "MinMaxScaler", "MaxAbsScaler", "RobustScaler", "Normalizer", "Binarizer",
            "PowerTransformer", "QuantileTransformer", "PolynomialFeatures", "SplineTransformer",
            "KBinsDiscretizer", "OneHotEncoder", "OrdinalEncoder", "FunctionTransformer",
        ],
        "sklearn.impute": ["SimpleImputer"],
        "sklearn.decomposition": ["PCA", "TruncatedSVD"],
        "sklearn.feature_selection": ["VarianceThreshold"],
        "sklearn.pipeline": ["Pipeline", "FeatureUnion"],
        "sklearn.compose": ["ColumnTransformer", "TransformedTargetRegressor"],
        "sklearn.linear_model": [
            "LinearRegression", "Ridge", "RidgeCV", "Lasso", "ElasticNet", "BayesianRidge", "LogisticRegression",
        ],
        "sklearn.kernel_ridge": ["KernelRidge"],
        "sklearn.dummy": ["DummyRegressor", "DummyClassifier"],
    },
    "module": {
        "skmat.models": ["PTRCNN", "GAFSeq2Seq", "CurveMLP", "GRUSeq2Seq", "TransformerSeq2Seq"],
        "torch.nn": [
            # losses
            "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
            "BCEWithLogitsLoss", "KLDivLoss", "GaussianNLLLoss", "PoissonNLLLoss",
            # activations and simple layers a module parameter may name
            "ReLU", "LeakyReLU", "GELU", "ELU", "SELU", "SiLU", "Mish", "Tanh", "Sigmoid", "Softplus", "Identity",
        ],
    },
    "optimizer": {
        "torch.optim": ["SGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "RMSprop", "Adagrad", "Adadelta",
                        "LBFGS"],
    },
    "lr_scheduler": {
        "torch.optim.lr_scheduler": [
            "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts",
            "ReduceLROnPlateau", "OneCycleLR", "CyclicLR", "LinearLR", "ConstantLR", "PolynomialLR",
        ],
        "skorch.callbacks": ["WarmRestartLR"],
    },
    # Callbacks that only compute, print or schedule. Not listed, because a
    # file must not choose paths or services: Checkpoint, TrainEndCheckpoint,
    # LoadInitState (reads a pickle), TensorBoard and the loggers.
    "callback": {
        "skmat.models": ["CosineDecay", "ProgressLog", "StopOnNonFiniteLoss"],
        "skorch.callbacks": [
            "EpochScoring", "BatchScoring", "PassthroughScoring", "EarlyStopping", "LRScheduler",
            "GradientNormClipping", "PrintLog", "ProgressBar", "EpochTimer",
        ],
    },
    "dataset": {"skorch.dataset": ["Dataset"]},
    "data_loader": {"torch.utils.data": ["DataLoader"]},
    "split": {"skorch.dataset": ["ValidSplit"]},
    "value": {
        "skmat.encoders": ["Layout"],
        "skmat.models": ["PretrainedPTRCNN", "PretrainedNetwork"],
    },
}

#: Plain functions that library defaults hold, stored by these names. Each
#: is looked up in its module on use; no other function is ever stored.
NAMED_VALUES = {
    "print": ("builtins", "print"),
    "skorch.utils.to_numpy": ("skorch.utils", "to_numpy"),
    "skorch.utils.noop": ("skorch.utils", "noop"),
}

#: skmat class names as format version 1 wrote them (defining module and
#: name), so that those files still load after modules move.
FORMAT_1_NAMES = {
    "skmat.models._ptr_regressor:PTRCNNRegressor": "skmat.PTRCNNRegressor",
    "skmat.models._ptr_classifier:PTRCNNClassifier": "skmat.PTRCNNClassifier",
    "skmat.models._spt_regressor:SPTSeq2SeqRegressor": "skmat.SPTSeq2SeqRegressor",
    "skmat.encoders._periodic_table:PeriodicTableEncoder": "skmat.PeriodicTableEncoder",
    "skmat.encoders._random_table:RandomTableEncoder": "skmat.RandomTableEncoder",
    "skmat.encoders._mendeleev_line:MendeleevLineEncoder": "skmat.MendeleevLineEncoder",
    "skmat.encoders._gaf:GramianAngularFieldEncoder": "skmat.GramianAngularFieldEncoder",
    "skmat.preprocessing._curve_resampler:CurveResampler": "skmat.CurveResampler",
    "skmat.models._spt_inverse:SPTInverseFitRegressor": "skmat.SPTInverseFitRegressor",
    "skmat.models._ptr_cnn:PTRCNN": "skmat.models.PTRCNN",
    "skmat.models._seq2seq:SPTSeq2Seq": "skmat.models.GAFSeq2Seq",
    "skmat.models._spt_baselines:CurveMLP": "skmat.models.CurveMLP",
    "skmat.models._spt_baselines:GRUSeq2Seq": "skmat.models.GRUSeq2Seq",
    "skmat.models._spt_baselines:TransformerSeq2Seq": "skmat.models.TransformerSeq2Seq",
    "skmat.models._callbacks:CosineDecay": "skmat.models.CosineDecay",
    "skmat.models._callbacks:ProgressLog": "skmat.models.ProgressLog",
    "skmat.encoders._layouts:Layout": "skmat.encoders.Layout",
    "skmat.models._ptr_classifier:PretrainedPTRCNN": "skmat.models.PretrainedPTRCNN",
}


#: Public names that files of earlier releases hold for a class renamed
#: since (format 2 files name classes publicly, so a rename is listed here).
RENAMED = {
    "skmat.models.SPTSeq2Seq": "skmat.models.GAFSeq2Seq",
}


@lru_cache(maxsize=1)
def _table():
    """Public name -> (public module, class name, kind), for every allowed class."""
    table = {}
    for kind, modules in _ALLOWED.items():
        for module, names in modules.items():
            for name in names:
                table[f"{module}.{name}"] = (module, name, kind)
    return table


def allowed_names(kind=None):
    """The public names a file may hold (of one ``kind``, or all), sorted.

    Examples
    --------
    >>> "torch.optim.AdamW" in allowed_names("optimizer")
    True
    >>> "torch.save" in allowed_names()
    False
    """
    return sorted(name for name, entry in _table().items() if kind is None or entry[2] == kind)


def _base(kind):
    module, name = KINDS[kind]
    return getattr(importlib.import_module(module), name)


@lru_cache(maxsize=None)
def _resolve_allowed(name):
    module, attribute, kind = _table()[name]
    cls = getattr(importlib.import_module(module), attribute)
    top = module.split(".")[0]
    if not (inspect.isclass(cls) and issubclass(cls, _base(kind)) and cls.__module__.split(".")[0] == top):
        raise RuntimeError(f"skmat's allow-list entry {name} is not a {kind} class defined in {top}.")
    return cls


def _allowed_named(class_name):
    """The allowed classes called ``class_name``, as (public name, class).

    Resolving one imports its public module, which is on the list; nothing
    a file names is imported.
    """
    return [(name, _resolve_allowed(name)) for name, (_, attribute, _) in _table().items() if attribute == class_name]


def _trusted_name(cls):
    return f"{cls.__module__}:{cls.__qualname__}"


def resolve_class(name, where, kind=None, trusted=()):
    """The class a file names as ``name`` for ``where``; ``ValueError`` unless it is allowed.

    Parameters
    ----------
    name : str
        A public name from the allow-list, a format-1 name of an allowed
        class, or the ``module:qualname`` of one of the ``trusted`` classes.
    where : str
        The place in the file, for the error message.
    kind : str, optional
        A key of :data:`KINDS` the class must be of.
    trusted : sequence of classes
        Classes the caller allows beyond the list.

    Examples
    --------
    >>> resolve_class("torch.nn.MSELoss", "criterion", kind="module")
    <class 'torch.nn.modules.loss.MSELoss'>
    >>> resolve_class("torch:os.system", "lr")
    Traceback (most recent call last):
    ...
    ValueError: The file names 'torch:os.system' for lr, which is not a class skmat loads ...
    """
    if not isinstance(name, str):
        raise ValueError(f"The file names a class for {where} by {type(name).__name__} {name!r}, not by a name.")
    for cls in trusted:
        if inspect.isclass(cls) and name in (_trusted_name(cls), public_name(cls, default=None)):
            return _check_kind(cls, name, where, kind)
    public = RENAMED.get(name, FORMAT_1_NAMES.get(name, name))
    if public not in _table() and ":" in name:  # format 1: a third-party class by its defining module
        public = next((allowed for allowed, cls in _allowed_named(name.rpartition(":")[2].rpartition(".")[2])
                       if _trusted_name(cls) == name), name)
    if public not in _table():
        raise ValueError(
            f"The file names {name!r} for {where}, which is not a class skmat loads from a file (skmat reads "
            "only the estimators, modules, losses, optimizers and callbacks listed in "
            "skmat.models.allowed_names()). If you trust the file and the class is yours, pass it: "
            "load(path, trusted=[YourClass])."
        )
    return _check_kind(_resolve_allowed(public), name, where, kind)


def _check_kind(cls, name, where, kind):
    if kind is not None and not (inspect.isclass(cls) and issubclass(cls, _base(kind))):
        raise ValueError(f"The file names {name!r} for {where}, which is not a {kind} class.")
    return cls


def public_name(cls, default=...):
    """The name a file stores for ``cls``: its public name if it is allowed, else ``module:qualname``.

    Examples
    --------
    >>> from skmat import PTRCNNRegressor
    >>> public_name(PTRCNNRegressor)
    'skmat.PTRCNNRegressor'
    """
    for name, allowed in _allowed_named(cls.__name__):
        if allowed is cls:
            return name
    return _trusted_name(cls) if default is ... else default
