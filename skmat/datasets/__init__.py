"""Data bundled with skmat: OQMD and Materials Project X2YZ compositions."""

from ._heusler import load_mp_heusler_stability, load_oqmd_heusler

__all__ = ["load_mp_heusler_stability", "load_oqmd_heusler"]
