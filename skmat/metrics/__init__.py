"""Errors of predicted curves, curve by curve, scorers built on them, and curve interpolation."""

from .._small_punch._tensile import tensile_properties
from ._curves import (
    curve_mae,
    curve_mape,
    curve_r2,
    curve_scorers,
    max_curve_mae_scorer,
    median_curve_mae_scorer,
    median_curve_mape_scorer,
    median_curve_r2_scorer,
    min_curve_r2_scorer,
    summarize_curve_errors,
)
from ._interpolate import interpolate_curves

__all__ = [
    "curve_mae",
    "curve_mape",
    "curve_r2",
    "curve_scorers",
    "interpolate_curves",
    "max_curve_mae_scorer",
    "median_curve_mae_scorer",
    "median_curve_mape_scorer",
    "median_curve_r2_scorer",
    "min_curve_r2_scorer",
    "summarize_curve_errors",
    "tensile_properties",
]
