"""The periodic-table image with element positions shuffled (a control)."""

from __future__ import annotations

from sklearn.utils import check_random_state

from sklearn.utils._param_validation import StrOptions

from .._layouts import LAYOUTS, periodic_table_layout
from ._base import CompositionImageEncoder, _param

__all__ = ["RandomTableEncoder"]


class RandomTableEncoder(CompositionImageEncoder):
    """The periodic-table image with elements permuted among the element cells.

    Same image shape, same blank cells and same values as
    :class:`PeriodicTableEncoder`; only which element occupies which element
    cell is shuffled, once, at ``fit``. It is the paper's control for whether
    the CNN learns from the table's two-dimensional arrangement.

    Parameters
    ----------
    layout : {"paper", "full"}, default="paper"
        The table whose element cells are shuffled.
    random_state : int, RandomState instance or None, default=None
        Seeds the permutation; an int gives the same table every fit.
    absent_value : float, default=0.0
        Value, before scaling, of cells whose element is not in the compound:
        0 since file format 3; the paper (Zheng et al. 2018) used -1, so pass
        ``absent_value=-1`` for the paper's control image. Why the default
        changed: ``benchmarks/ptr_collapse_study.py`` (and
        :class:`PeriodicTableEncoder`).
    amounts, blank_value, scale, handle_unknown, output, channels
        As in :class:`PeriodicTableEncoder`. Element property channels go
        with the element wherever the shuffle puts it.

    Attributes
    ----------
    layout_ : skmat.encoders.Layout
        The shuffled layout.
    image_shape_ : tuple of int
        ``(C, height, width)``: ``C`` is 1, or the number of ``channels``.
    n_features_in_ : int
        Always 1.
    feature_names_in_ : ndarray of str
        Name of the formula column, when fitted on a one-column DataFrame
        with a string column name.

    See Also
    --------
    PeriodicTableEncoder : The unshuffled table.

    Notes
    -----
    Like :class:`PeriodicTableEncoder`, the default ``layout="paper"`` (the
    paper's control) holds only the 58 elements of the paper's 5 x 16 table.
    A formula with an element outside them (``H2O``, ``NaCl``, ``Nd2Fe14B``)
    raises a :class:`~skmat.FormulaError` (a ``ValueError``) that names the
    formula, its row and the elements outside the layout, then the fix,
    ``layout="full"`` (every element up to Lr, shuffled among the 9 x 18
    table's element cells).
    ``handle_unknown="ignore"`` instead drops those elements, keeps every
    row, and emits one ``UserWarning`` per ``transform`` call naming the
    affected formulas, the dropped elements and the rows that came out empty.

    Examples
    --------
    >>> from skmat import RandomTableEncoder
    >>> encoder = RandomTableEncoder(random_state=0).fit(["Co2MnSi"])
    >>> encoder.transform(["Co2MnSi"]).shape
    (1, 1, 5, 16)
    >>> encoder.layout_.elements[:3] != ["Li", "Be", "B"]
    True
    >>> sorted(set(encoder.transform(["Co2MnSi"]).ravel().tolist()))
    [0.0, 1.0, 2.0]
    >>> paper = RandomTableEncoder(random_state=0, absent_value=-1).fit(["Co2MnSi"])
    >>> sorted(set(paper.transform(["Co2MnSi"]).ravel().tolist()))
    [-1.0, 0.0, 1.0, 2.0]
    """

    _parameter_constraints = {
        **CompositionImageEncoder._parameter_constraints,
        "layout": [StrOptions(set(LAYOUTS))],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        layout="paper",
        *,
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
        self.layout = layout
        self.random_state = random_state

    def _make_layout(self):
        rng = check_random_state(self.random_state)
        return periodic_table_layout(self.layout).permuted(rng)

    def _widening(self):
        return (
            _param("layout", self.layout),
            'layout="full"',
            "shuffles a table with a cell for every element up to Lr (a 9 x 18 image)",
        )
