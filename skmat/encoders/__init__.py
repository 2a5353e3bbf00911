"""Transformers that turn formulas or curves into images or feature rows."""

from ._base import CHANNELS, CompositionImageEncoder
from .._small_punch._curve_input import CurveBatch
from ._gaf import GramianAngularFieldEncoder
from .._layouts import Layout, line_layout, periodic_table_layout
from ._mendeleev_line import MendeleevLineEncoder
from ._periodic_table import PeriodicTableEncoder
from ._random_table import RandomTableEncoder

__all__ = [
    "CHANNELS",
    "CompositionImageEncoder",
    "CurveBatch",
    "GramianAngularFieldEncoder",
    "Layout",
    "MendeleevLineEncoder",
    "PeriodicTableEncoder",
    "RandomTableEncoder",
    "line_layout",
    "periodic_table_layout",
]
