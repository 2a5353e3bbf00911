"""Neural-network estimators (torch modules wrapped by skorch)."""

from ._allowed_classes import allowed_names
from ._accelerated import AcceleratedPTRCNNClassifier, AcceleratedPTRCNNRegressor, AcceleratedSPTSeq2SeqRegressor
from ._callbacks import CosineDecay, NonFiniteLossError, ProgressLog, StopOnNonFiniteLoss
from ._curve_input import CURVE_INPUT_KEYS, as_curve_input
from ._ptr_classifier import PretrainedPTRCNN, PTRCNNClassifier, pretrained_network
from ._ptr_cnn import PTRCNN
from ._pipeline_file import load_pipeline, save_pipeline
from ._plain_data import decode_value, encode_value
from ._ptr_regressor import PTRCNNRegressor, paper_training_params
from ._scaled_net import ScaledNetRegressor
from ._seq2seq import SPTSeq2Seq
from ._spt_baselines import CurveMLP, GRUSeq2Seq, TransformerSeq2Seq
from ._spt_inverse import SPTInverseFitRegressor
from ._spt_regressor import SPTSeq2SeqRegressor
from ._target_scaling import fit_target_scaling

__all__ = ["AcceleratedPTRCNNClassifier", "AcceleratedPTRCNNRegressor", "AcceleratedSPTSeq2SeqRegressor", "CURVE_INPUT_KEYS", "CosineDecay", "NonFiniteLossError", "ProgressLog", "StopOnNonFiniteLoss", "allowed_names", "as_curve_input", "decode_value", "encode_value", "load_pipeline", "save_pipeline", "CurveMLP", "GRUSeq2Seq", "PTRCNN", "PTRCNNClassifier", "PTRCNNRegressor", "PretrainedPTRCNN", "SPTInverseFitRegressor", "SPTSeq2Seq", "SPTSeq2SeqRegressor", "ScaledNetRegressor", "TransformerSeq2Seq", "fit_target_scaling", "paper_training_params", "pretrained_network"]
