"""Errors of predicted curves, curve by curve, and scorers built on them."""

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

__all__ = [
    "curve_mae",
    "curve_mape",
    "curve_r2",
    "curve_scorers",
    "max_curve_mae_scorer",
    "median_curve_mae_scorer",
    "median_curve_mape_scorer",
    "median_curve_r2_scorer",
    "min_curve_r2_scorer",
    "summarize_curve_errors",
]
