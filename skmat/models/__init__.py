"""Neural-network estimators (torch modules wrapped by skorch)."""

from ._ptr_cnn import PTRCNN
from ._ptr_regressor import PTRCNNRegressor, paper_training_params
from ._target_scaling import fit_target_scaling

__all__ = ["PTRCNN", "PTRCNNRegressor", "fit_target_scaling", "paper_training_params"]
