"""Neural-network estimators (torch modules wrapped by skorch), their torch modules, callbacks and files.

The estimators, the torch modules (named by their architecture), the
callbacks, the start from a fitted network, and saving and loading. Names
that were public before and are now private plumbing or renamed still
import from here, with a FutureWarning naming what to use instead (the
table ``_DEPRECATED`` below).
"""

import warnings

from ._accelerated import AcceleratedPTRCNNClassifier, AcceleratedPTRCNNRegressor, AcceleratedSPTSeq2SeqRegressor
from ._allowed_classes import allowed_names
from ._callbacks import CosineDecay, NonFiniteLossError, ProgressLog, StopOnNonFiniteLoss
from ._ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor
from ._fine_tune import fine_tune
from ._hurdle import HurdleRegressor
from ._pipeline_file import load_pipeline, save_pipeline
from ._ptr_classifier import PTRCNNClassifier
from ._pretrained_average import PretrainedAverage
from ._pretrained_features import PretrainedFeatures
from ._ptr_cnn import PTRCNN, ElementEmbedding
from ._ptr_regressor import PTRCNNRegressor, paper_training_params
from ._seq2seq import GAFSeq2Seq
from ._spt_baselines import CurveMLP, GRUSeq2Seq, TransformerSeq2Seq
from ._spt_corrected_inverse import SPTCorrectedInverseRegressor
from ._spt_correlation import SPTCorrelationRegressor
from ._spt_inverse import SPTInverseFitRegressor
from ._spt_regressor import SPTSeq2SeqRegressor
from ._transfer import PretrainedNetwork, PretrainedPTRCNN, pretrained_network

__all__ = [
    "AcceleratedPTRCNNClassifier",
    "AcceleratedPTRCNNRegressor",
    "AcceleratedSPTSeq2SeqRegressor",
    "CosineDecay",
    "CurveMLP",
    "DeepEnsembleClassifier",
    "DeepEnsembleRegressor",
    "ElementEmbedding",
    "GAFSeq2Seq",
    "GRUSeq2Seq",
    "HurdleRegressor",
    "NonFiniteLossError",
    "PTRCNN",
    "PTRCNNClassifier",
    "PTRCNNRegressor",
    "PretrainedAverage",
    "PretrainedFeatures",
    "PretrainedNetwork",
    "PretrainedPTRCNN",
    "ProgressLog",
    "SPTCorrectedInverseRegressor",
    "SPTCorrelationRegressor",
    "SPTInverseFitRegressor",
    "SPTSeq2SeqRegressor",
    "StopOnNonFiniteLoss",
    "TransformerSeq2Seq",
    "allowed_names",
    "fine_tune",
    "load_pipeline",
    "paper_training_params",
    "pretrained_network",
    "save_pipeline",
]

# Old public name -> (module, name now, what to do). Kept importable, with a
# FutureWarning, until 0.3.
_DEPRECATED = {
    "SPTSeq2Seq": ("skmat.models._seq2seq", "GAFSeq2Seq",
                   "it was renamed skmat.models.GAFSeq2Seq (torch modules are named by their architecture)"),
    "ScaledNetRegressor": ("skmat.models._scaled_net", "ScaledNetRegressor",
                           "it is the private base of PTRCNNRegressor and SPTSeq2SeqRegressor; subclass one of those"),
    "fit_target_scaling": ("skmat.models._target_scaling", "fit_target_scaling",
                           "it is private; the regressors' target_scaling parameter does this"),
    "as_curve_input": ("skmat.models._curve_input", "as_curve_input",
                       "it is private; SPTSeq2SeqRegressor reads these inputs itself"),
    "CURVE_INPUT_KEYS": ("skmat.models._curve_input", "CURVE_INPUT_KEYS",
                         "it is private; see skmat.encoders.CurveBatch for the keys"),
    "encode_value": ("skmat.models._plain_data", "encode_value",
                     "it is private; use save_pipeline or an estimator's save"),
    "decode_value": ("skmat.models._plain_data", "decode_value",
                     "it is private; use load_pipeline or an estimator's load"),
}


def __getattr__(name):
    if name not in _DEPRECATED:
        raise AttributeError(f"module 'skmat.models' has no attribute {name!r}")
    from importlib import import_module

    module, attribute, advice = _DEPRECATED[name]
    warnings.warn(
        f"skmat.models.{name} is deprecated and will be removed from skmat.models in skmat 0.3: {advice}.",
        FutureWarning,
        stacklevel=2,
    )
    return getattr(import_module(module), attribute)


def __dir__():
    return sorted([*__all__, *globals()])
