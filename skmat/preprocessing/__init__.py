"""Transformers and functions that prepare measured or simulated curves for a model.

``CurveResampler`` puts curves of any length onto one grid;
``correct_rig`` removes a test rig's machine compliance and zero offset from
small punch load–displacement curves, and ``estimate_displacement_offset``
estimates that offset by toe compensation.
"""

from .._small_punch._rig_correction import correct_rig, estimate_displacement_offset
from ._curve_resampler import CurveResampler

__all__ = ["CurveResampler", "correct_rig", "estimate_displacement_offset"]
