"""Data: bundled OQMD sets, the Matbench v0.1 composition tasks, OQMD and Materials Project X2YZ
compositions, small punch test curves (simulated, and 40 published finite-element runs)."""

from .._small_punch._calibration import calibrate_small_punch
from .._small_punch._mechanics import DEFAULT_CONSTANTS, PAPER_FIGURES_CONSTANTS, SimulatorConstants
from .._small_punch._rig import perturb_small_punch
from .._small_punch._simulator import DEFAULT_STRAIN, make_small_punch_test, simulate_small_punch
from ._curve_tables import read_curve_table
from ._heusler import load_mp_heusler_stability, load_oqmd_heusler
from ._matbench import load_matbench
from ._oqmd import load_oqmd, load_oqmd_multitask
from ._small_punch_fem import load_small_punch_fem

__all__ = [
    "DEFAULT_CONSTANTS",
    "DEFAULT_STRAIN",
    "PAPER_FIGURES_CONSTANTS",
    "SimulatorConstants",
    "calibrate_small_punch",
    "load_matbench",
    "load_mp_heusler_stability",
    "load_oqmd",
    "load_oqmd_multitask",
    "load_oqmd_heusler",
    "load_small_punch_fem",
    "make_small_punch_test",
    "perturb_small_punch",
    "read_curve_table",
    "simulate_small_punch",
]
