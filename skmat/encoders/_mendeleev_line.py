"""Elements on one line ordered by Mendeleev number (or at random)."""

from __future__ import annotations


import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import StrOptions

from .._layouts import line_layout
from ._base import CompositionImageEncoder, _param

__all__ = ["MendeleevLineEncoder"]


class MendeleevLineEncoder(CompositionImageEncoder):
    """Encode formulas on a line of elements ordered by Mendeleev number.

    The paper's one-dimensional controls: the same cell values as
    :class:`PeriodicTableEncoder`, but the elements sit on one line by
    descending Mendeleev number (Pettifor's chemical scale) or in a random
    order fixed at ``fit``.

    Parameters
    ----------
    order : {"mendeleev", "random"}, default="mendeleev"
        Descending Mendeleev number, or a permutation drawn at ``fit``.
    elements : {"paper", "all"} or list of str, default="paper"
        Elements on the line: the 58 of the paper's 5 x 16 table, all 103
        of the element table (up to Lr), or your own list. Use ``"all"`` for
        formulas with H, halogens, noble gases or f-block elements (see
        Notes).
    random_state : int, RandomState instance or None, default=None
        Seeds the permutation for ``order="random"``.
    output : {"image", "flat"}, default="image"
        ``(n, 1, 1, L)`` for a CNN, or ``(n, L)`` with one named column per
        element for kernel ridge; with ``channels``, ``(n, C, 1, L)`` or
        ``(n, C * L)``.
    absent_value : float, default=0.0
        Value, before scaling, of cells whose element is not in the compound:
        0 since file format 3; the paper (Zheng et al. 2018) used -1, so pass
        ``absent_value=-1`` for the paper's line image. Why the default
        changed: ``benchmarks/ptr_collapse_study.py`` (and
        :class:`PeriodicTableEncoder`).
    amounts, blank_value, scale, handle_unknown, channels
        As in :class:`PeriodicTableEncoder` (a line has no blank cells).

    Attributes
    ----------
    layout_ : skmat.encoders.Layout
        Shape ``(1, L)`` and the position of each element.
    image_shape_ : tuple of int
        ``(C, 1, L)``: ``C`` is 1, or the number of ``channels``.
    n_features_in_ : int
        Always 1.
    feature_names_in_ : ndarray of str
        Name of the formula column, when fitted on a one-column DataFrame
        with a string column name.

    See Also
    --------
    PeriodicTableEncoder : The two-dimensional table.

    Notes
    -----
    The default ``elements="paper"`` is the 58 elements of the paper's 5 x 16
    table, kept as the default so that the benchmarks reproduce the paper.
    It has no H, halogens, noble gases, Po or f-block elements: ``H2O``,
    ``NaCl``, ``Nd2Fe14B`` and 118,879 of the 185,279 bundled OQMD X2YZ
    compounds do not fit it. Such a formula raises a
    :class:`~skmat.FormulaError` (a ``ValueError``) that names the formula,
    its row and the elements outside the line, then the fix,
    ``elements="all"`` (all 103 elements up to Lr on the line).
    ``handle_unknown="ignore"`` instead drops those elements, keeps every
    row (a row with no element left comes out all absent), and emits one
    ``UserWarning`` per ``transform`` call naming the affected formulas, the
    dropped elements and the rows that came out empty.

    Examples
    --------
    >>> from skmat import MendeleevLineEncoder
    >>> encoder = MendeleevLineEncoder(output="flat").fit(["Co2MnSi"])
    >>> X = encoder.transform(["Co2MnSi"])
    >>> X.shape
    (1, 58)
    >>> list(encoder.get_feature_names_out()[:4])
    ['Te', 'Se', 'S', 'O']
    >>> int((X == 0).sum()), int((X > 0).sum())  # 55 absent elements, 3 present
    (55, 3)
    >>> paper = MendeleevLineEncoder(output="flat", absent_value=-1).fit(["Co2MnSi"])
    >>> int((paper.transform(["Co2MnSi"]) == -1).sum())
    55
    """

    _parameter_constraints = {
        **CompositionImageEncoder._parameter_constraints,
        "order": [StrOptions({"mendeleev", "random"})],
        # "paper", "all" or symbols; the symbols are checked at fit, naming the unknown ones.
        "elements": [StrOptions({"paper", "all"}), list, tuple, np.ndarray],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        order="mendeleev",
        *,
        elements="paper",
        random_state=None,
        amounts="count",
        absent_value=0.0,
        blank_value=0.0,
        scale=1.0,
        handle_unknown="error",
        output="image",
        channels=None,
    ):
        super().__init__(
            amounts=amounts,
            absent_value=absent_value,
            blank_value=blank_value,
            scale=scale,
            handle_unknown=handle_unknown,
            output=output,
            channels=channels,
        )
        self.order = order
        self.elements = elements
        self.random_state = random_state

    def _make_layout(self):
        return line_layout(self.elements, self.order, check_random_state(self.random_state))

    def _widening(self):
        gives = "puts all 103 elements up to Lr on the line"
        if not isinstance(self.elements, str):
            gives += "; or add the missing symbols to your elements list"
        return _param("elements", self.elements), 'elements="all"', gives
