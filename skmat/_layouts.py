"""Where each element sits in an encoder's image.

A layout is an image shape plus, for every atomic number, the flat index of
its cell (or -1 when the element has no cell). Layouts are computed from the
bundled element table, never typed cell by cell.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._elements import element_table

__all__ = ["Layout", "periodic_table_layout", "line_layout", "LAYOUTS"]

LAYOUTS = ("paper", "full")

# The paper's 5 x 16 table: periods 2-6, groups 1-16, no f-block, no Po.
_PAPER_PERIODS = range(2, 7)
_PAPER_EXCLUDED = ("Po",)


@dataclass(frozen=True)
class Layout:
    """An image shape and the cell of every element.

    Attributes
    ----------
    shape : tuple of int
        ``(height, width)`` of the image.
    cell_of_z : ndarray of int64, shape (104,)
        ``cell_of_z[Z]`` is the flat (row-major) cell index of element ``Z``,
        or -1 if the element is not in the layout. Index 0 is unused.
    """

    shape: tuple
    cell_of_z: np.ndarray

    @property
    def n_cells(self):
        return self.shape[0] * self.shape[1]

    @property
    def element_cells(self):
        """Boolean mask, shape ``(n_cells,)``, of cells that hold an element."""
        mask = np.zeros(self.n_cells, dtype=bool)
        mask[self.cell_of_z[self.cell_of_z >= 0]] = True
        return mask

    @property
    def elements(self):
        """Symbols of the layout's elements, in cell order."""
        table = element_table()
        z = np.flatnonzero(self.cell_of_z >= 0)
        order = np.argsort(self.cell_of_z[z], kind="stable")
        return [str(s) for s in table.symbol[z[order] - 1]]

    def cell_names(self):
        """One name per cell: the element symbol, or ``"blank_r{row}_c{col}"``."""
        names = [f"blank_r{i // self.shape[1]}_c{i % self.shape[1]}" for i in range(self.n_cells)]
        symbols = element_table().symbol
        for z in np.flatnonzero(self.cell_of_z >= 0):
            names[self.cell_of_z[z]] = str(symbols[z - 1])
        return names

    def permuted(self, rng):
        """The same cells with the elements shuffled among them."""
        z = np.flatnonzero(self.cell_of_z >= 0)
        cell_of_z = self.cell_of_z.copy()
        cell_of_z[z] = rng.permutation(self.cell_of_z[z])
        return Layout(self.shape, cell_of_z)


def periodic_table_layout(name):
    """The paper's 5 x 16 table or the full 9 x 18 table with f-block rows.

    Parameters
    ----------
    name : {"paper", "full"}
        ``"paper"``: periods 2–6 by groups 1–16 without the f-block, Po or the
        halogens and noble gases (58 element cells), as in Zheng et al. 2018.
        ``"full"``: periods 1–7 by groups 1–18 plus two rows for La–Lu and
        Ac–Lr (placed from the group-3 column on); every element up to Lr.

    Returns
    -------
    Layout
    """
    table = element_table()
    cell_of_z = np.full(len(table) + 1, -1, dtype=np.int64)
    if name == "paper":
        height, width = 5, 16
        for i in range(len(table)):
            period, group = table.period[i], table.group[i]
            if (
                period in _PAPER_PERIODS
                and group <= 16
                and table.block[i] != "f"
                and table.symbol[i] not in _PAPER_EXCLUDED
            ):
                cell_of_z[table.z[i]] = (period - 2) * width + group - 1
    elif name == "full":
        height, width = 9, 18
        for i in range(len(table)):
            if table.block[i] == "f":
                row, col = 7 + (table.period[i] - 6), 2 + table.f_index[i]
            else:
                row, col = table.period[i] - 1, table.group[i] - 1
            cell_of_z[table.z[i]] = row * width + col
    else:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {name!r}.")
    cells = cell_of_z[cell_of_z >= 0]
    if len(np.unique(cells)) != len(cells):  # pragma: no cover - guards the table
        raise RuntimeError(f"Two elements share a cell in layout {name!r}.")
    return Layout((height, width), cell_of_z)


def _symbol_list(elements):
    """``elements`` as a list of str; a ValueError naming the bad entry unless a non-empty 1-D sequence of str."""
    expected = "elements must be a non-empty 1-D sequence of element symbols"
    if isinstance(elements, np.ndarray) and elements.ndim != 1:
        raise ValueError(f"{expected}, got an array of shape {elements.shape}: {elements.tolist()!r}.")
    try:
        symbols = list(elements)
    except TypeError:
        raise ValueError(f"{expected}, got {elements!r}.") from None
    if not symbols:
        raise ValueError(f"{expected}, got an empty {type(elements).__name__}: {elements!r}.")
    for i, symbol in enumerate(symbols):
        if not isinstance(symbol, str):
            raise ValueError(f"{expected}, but entry {i} of elements is {symbol!r}, not a str.")
    return symbols


def line_layout(elements, order, rng=None):
    """Elements on one line, by descending Mendeleev number or at random.

    Parameters
    ----------
    elements : {"paper", "all"} or list of str
        Which elements get a cell: the paper table's 58, all 103, or a list.
    order : {"mendeleev", "random"}
    rng : numpy.random.Generator, optional
        Required for ``order="random"``.

    Returns
    -------
    Layout
        Of shape ``(1, n_elements)``.
    """
    table = element_table()
    if isinstance(elements, str):
        if elements == "paper":
            z = np.flatnonzero(periodic_table_layout("paper").cell_of_z >= 0)
        elif elements == "all":
            z = table.z.copy()
        else:
            raise ValueError(f"elements must be 'paper', 'all' or a list of symbols, got {elements!r}.")
    else:
        symbols = _symbol_list(elements)
        unknown = [s for s in symbols if s not in table.z_of_symbol]
        if unknown:
            raise ValueError(f"Unknown element symbols in elements: {unknown!r}.")
        if len(set(symbols)) != len(symbols):
            raise ValueError(f"Repeated element symbols in elements: {symbols!r}.")
        z = np.array([table.z_of_symbol[s] for s in symbols])
    if order == "mendeleev":
        z = z[np.argsort(-table.mendeleev_number[z - 1], kind="stable")]
    elif order == "random":
        z = rng.permutation(z)
    else:
        raise ValueError(f"order must be 'mendeleev' or 'random', got {order!r}.")
    cell_of_z = np.full(len(table) + 1, -1, dtype=np.int64)
    cell_of_z[z] = np.arange(len(z))
    return Layout((1, len(z)), cell_of_z)
