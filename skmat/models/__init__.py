"""Neural-network estimators (torch modules wrapped by skorch)."""

from ._callbacks import CosineDecay
from ._ptr_cnn import PTRCNN
from ._ptr_regressor import PTRCNNRegressor, paper_training_params
from ._target_scaling import fit_target_scaling

__all__ = ["CosineDecay", "PTRCNN", "PTRCNNRegressor", "fit_target_scaling", "paper_training_params"]
