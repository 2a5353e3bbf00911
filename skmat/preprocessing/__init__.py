"""Transformers that prepare measured or simulated curves for a model."""

from ._curve_resampler import CurveResampler

__all__ = ["CurveResampler"]
