"""The periodic-table representation (PTR) of Zheng et al. 2018."""

from __future__ import annotations

import numpy as np

from sklearn.utils._param_validation import StrOptions

from .._elements import element_table
from .._layouts import LAYOUTS, periodic_table_layout
from ._base import CompositionImageEncoder, _param

__all__ = ["PeriodicTableEncoder"]


class PeriodicTableEncoder(CompositionImageEncoder):
    """Encode chemical formulas as images of the periodic table.

    Every element of the layout has one cell. A cell holds ``absent_value``
    when its element is not in the compound and the element's amount when it
    is; cells with no element hold ``blank_value``; the whole image is then
    multiplied by ``scale``.

    Parameters
    ----------
    layout : {"paper", "full"}, default="paper"
        ``"paper"``: the 5 x 16 table of Zheng et al. (periods 2–6, groups
        1–16, no f-block, 58 element cells). ``"full"``: 9 x 18, periods 1–7
        plus separate rows for La–Lu and Ac–Lr, every element up to Lr.
    elements : list of str or None, default=None
        The elements formulas may contain: ``None`` for every element of the
        layout, or a list of symbols, all inside the layout. The cells of
        the other elements stay in the image, always absent, so the image
        shape is the layout's; a formula with one of them is treated like
        one with an element outside the layout (``handle_unknown``). The
        pretrained networks of :func:`skmat.load_pretrained` set it to the
        elements of their training data, so that a formula with an element
        the network never saw is an error naming it and saying what to do
        instead.
    amounts : {"count", "fraction"}, default="count"
        Put the atom count from the formula (``Co2MnSi`` gives 2, 1, 1) or the
        atomic fraction (0.5, 0.25, 0.25) in each present element's cell.
    absent_value : float, default=0.0
        Value, before scaling, of cells whose element is not in the compound.
        The default is 0 since file format 3, the release that also changed
        the network's defaults (leaky ReLU and Kaiming initialisation, see
        :class:`~skmat.models.PTRCNN`); the paper (Zheng et al. 2018) used
        -1: pass ``absent_value=-1`` for the paper's image. Why:
        ``benchmarks/ptr_collapse_study.py`` found that with the new network
        defaults 0 scores better than -1 on an OQMD subset (MAE 0.173
        against 0.208 eV/atom) and on Matbench (``glass`` ROC AUC 0.867
        against 0.806, ``steels`` MAE 89.5 against 167.5 MPa; means over 5
        folds). A saved encoder keeps the value it was saved with.
    blank_value : float, default=0.0
        Value, before scaling, of cells that hold no element.
    scale : float, default=1.0
        Factor applied to the whole image. The paper used 20 ("to mimic a
        digital image"): ``PeriodicTableEncoder(scale=20, absent_value=-1)``
        reproduces its −20 / 0 / +20 / +40 images exactly.
    handle_unknown : {"error", "ignore"}, default="error"
        What to do with an element that has no cell in the layout (H, La,
        Cl... in the paper layout): raise a :class:`~skmat.FormulaError` (a
        ``ValueError``) that names the formula, its row, the elements and
        ``layout="full"`` as the fix, or drop those elements from their rows
        with a ``UserWarning`` (see Notes).
    output : {"image", "flat"}, default="image"
        ``(n, 1, height, width)`` for a CNN or ``(n, height * width)`` for
        kernel ridge and other flat-feature models; with ``channels``,
        ``(n, C, height, width)`` or ``(n, C * height * width)``.
    channels : None, str or list of str, default=None
        Per-cell channels to stack, in this order (see Element channels in
        the Notes): ``None`` for the single amount channel described above,
        or names from ``"amount"`` (that same channel), ``"electronegativity"``,
        ``"covalent_radius"``, ``"n_valence"``, ``"first_ionization_energy"``,
        ``"melting_point"``, ``"atomic_weight"``, ``"group"`` and
        ``"period"`` (the class attribute ``CHANNELS``). Each property
        channel holds the element's property, divided by the property's
        largest value over the element table, times its amount.

    Attributes
    ----------
    layout_ : skmat.encoders.Layout
        Image shape and the cell of each element.
    accepts_z_ : ndarray of bool, shape (104,)
        ``accepts_z_[Z]`` says whether formulas may contain element ``Z``.
    image_shape_ : tuple of int
        ``(C, height, width)``: ``C`` is 1, or the number of ``channels``.
    n_features_in_ : int
        Always 1: the formula column.
    feature_names_in_ : ndarray of str
        Name of the formula column, when fitted on a DataFrame.

    See Also
    --------
    RandomTableEncoder : The same table with element positions shuffled.
    MendeleevLineEncoder : Elements on one line ordered by Mendeleev number.

    Notes
    -----
    The representation, layout and values are those of Zheng, Zheng & Zhang,
    "Machine learning material properties from the periodic table using
    convolutional neural networks", Chem. Sci. 9, 8426 (2018), except for
    the default ``absent_value`` (0; the paper's -1 with ``absent_value=-1``).
    Output is float32.

    The default ``layout="paper"`` is the paper's table, kept as the default
    so that the benchmarks reproduce the paper. It has 58 elements: no H,
    halogens, noble gases, Po or f-block elements, so ``H2O``, ``NaCl`` or
    ``Nd2Fe14B`` do not fit it, nor do 118,879 of the 185,279 bundled OQMD
    X2YZ compounds. Such a formula raises a :class:`~skmat.FormulaError` (a
    ``ValueError``) that names the formula, its row and the elements outside
    the layout, then the fix, ``layout="full"`` (a cell for every element up
    to Lr), and only then ``handle_unknown="ignore"``::

        Formula 'H2O' at row 0 has element H outside the 58 elements of
        PeriodicTableEncoder(layout="paper") (1 of 1 row has elements outside
        it). To encode it, use PeriodicTableEncoder(layout="full"), which has
        a cell for every element up to Lr (a 9 x 18 image). Otherwise
        handle_unknown="ignore" drops the elements outside the layout (here
        H) from each formula, keeps the rest of the row, and warns.

    ``handle_unknown="ignore"`` instead drops those elements and encodes the
    rest of each formula; no row is dropped, and a row whose elements are
    all outside the layout comes out empty (every element cell absent). Each
    ``transform`` call that drops something emits one ``UserWarning`` naming
    the first affected formulas and their count, the dropped elements and
    the rows that came out empty. With ``amounts="fraction"`` the fractions
    that remain are still those of the whole compound.

    **Element channels.** The amount image tells the network which elements
    are present, not what they are like; ``channels`` adds what is known of
    each element, cell by cell, so that a network need not learn it from the
    data. A property channel holds, in the cell of each element present,

        property / (largest value of the property over the 103 elements) × amount × scale,

    with ``amount`` the count or fraction of channel ``"amount"``
    (``amounts``), and 0 in every other cell: absent elements and blank
    cells alike (``absent_value`` and ``blank_value`` apply to the amount
    channel only). The fixed divisors keep the channels of order 1 without a
    fit on the data: electronegativity 3.98 (F, Pauling), covalent radius
    260 pm (Fr), valence electrons 32 (Rn; Magpie counts filled d and f
    shells: Fe 8, Bi 29), first ionization energy 24.59 eV (He), melting
    point 3823 K (C), atomic weight 262 u (Lr), group 18, period 7
    (lanthanides and actinides are in group 3). The properties are Magpie's
    (Ward et al., npj Comput. Mater. 2, 16028, 2016, via matminer; see
    :func:`skmat.element_table`); all are positive, so a property cell is
    non-zero exactly where the element is present. Magpie has no value for
    a few elements, and none is made up: a formula with He, Ne, Ar, Rn or
    Lr cannot have ``"electronegativity"``, one with Bk … Lr not
    ``"covalent_radius"``, one with At not ``"first_ionization_energy"``,
    one with He or Fr not ``"melting_point"``; such a formula raises a
    :class:`~skmat.FormulaError` naming it, its row, the element and the
    channel (none of the bundled OQMD and Matbench formulas has one).
    ``output="flat"`` puts the channels one after the other and names each
    column ``"<channel>_<cell>"`` (``"amount_Fe"``, ``"electronegativity_Fe"``).

    Examples
    --------
    >>> from skmat import PeriodicTableEncoder
    >>> PeriodicTableEncoder(layout="full", elements=["Na", "Cl"]).fit_transform(["NaCl"]).shape
    (1, 1, 9, 18)
    >>> encoder = PeriodicTableEncoder(scale=20)
    >>> images = encoder.fit_transform(["Co2MnSi", "Fe2TiAl"])
    >>> images.shape, images.dtype
    ((2, 1, 5, 16), dtype('float32'))
    >>> images[0, 0, 2, 6:9]  # Mn, Fe, Co in period 4: Fe is absent
    array([20.,  0., 40.], dtype=float32)
    >>> sorted(set(images[0].ravel().tolist()))
    [0.0, 20.0, 40.0]

    The paper's image, with -1 (times the scale) in the cells of absent
    elements:

    >>> paper = PeriodicTableEncoder(scale=20, absent_value=-1)
    >>> images = paper.fit_transform(["Co2MnSi", "Fe2TiAl"])
    >>> images[0, 0, 2, 6:9]
    array([ 20., -20.,  40.], dtype=float32)
    >>> sorted(set(images[0].ravel().tolist()))
    [-20.0, 0.0, 20.0, 40.0]

    Element properties as further channels:

    >>> encoder = PeriodicTableEncoder(amounts="fraction", channels=["amount", "electronegativity"])
    >>> images = encoder.fit_transform(["Fe2O3"])
    >>> images.shape
    (1, 2, 5, 16)
    >>> images[0, :, 2, 7]  # Fe: its fraction 0.4, then 1.83 / 3.98 x 0.4
    array([0.4      , 0.1839196], dtype=float32)
    >>> list(encoder.get_feature_names_out()[[2 * 16 + 7, 80 + 2 * 16 + 7]])
    ['amount_Fe', 'electronegativity_Fe']
    """

    _parameter_constraints = {
        **CompositionImageEncoder._parameter_constraints,
        "layout": [StrOptions(set(LAYOUTS))],
        # The symbols themselves are checked at fit, naming the unknown ones.
        "elements": [None, list, tuple, np.ndarray],
    }

    def __init__(
        self,
        layout="paper",
        *,
        elements=None,
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
        self.elements = elements

    def _make_layout(self):
        return periodic_table_layout(self.layout)

    def _accepted_z(self, layout):
        accepted = layout.cell_of_z >= 0
        if self.elements is None:
            return accepted
        symbols = [self.elements] if isinstance(self.elements, str) else list(self.elements)
        if not symbols:
            raise ValueError("elements must be None or a non-empty list of element symbols, got [].")
        z_of = {symbol: z for z, symbol in enumerate(element_table().symbol, start=1)}
        unknown = [str(s) for s in symbols if s not in z_of]
        if unknown:
            raise ValueError(f"elements has {', '.join(map(repr, unknown))}, which {'is not an element symbol' if len(unknown) == 1 else 'are not element symbols'}.")
        z = np.array([z_of[s] for s in symbols])
        off = [s for s, inside in zip(symbols, accepted[z]) if not inside]
        if off:
            raise ValueError(
                f"elements has {', '.join(off)}, outside the {int(accepted.sum())} elements of "
                f'PeriodicTableEncoder({_param("layout", self.layout)}).'
            )
        mask = np.zeros_like(accepted)
        mask[z] = True
        return mask

    def _widening(self):
        if self.elements is not None:
            return (
                f'{_param("layout", self.layout)}, {_param("elements", self.elements)}',
                f'{_param("layout", self.layout)}, elements=None',
                "accepts every element of the layout (a pretrained network's prediction for an "
                "element absent from its training data is not to be trusted)",
            )
        return (
            _param("layout", self.layout),
            'layout="full"',
            "has a cell for every element up to Lr (a 9 x 18 image)",
        )
