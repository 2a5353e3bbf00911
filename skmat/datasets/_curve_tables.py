"""Read curves (load–displacement, stress–strain) from wide CSV or Excel tables."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from .._curve_checks import first_true

__all__ = ["read_curve_table"]

_LAYOUTS = ("auto", "rows", "columns")
_CSV_SUFFIXES = {".csv": ",", ".txt": ",", ".tsv": "\t", ".tab": "\t"}
_EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_COMPRESSION_SUFFIXES = (".gz", ".bz2", ".zip", ".xz", ".zst")
_EXCEL_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/ods (zip), xls (OLE)


def read_curve_table(path_or_buffer, *, x="Dis", y="Force", sheet_name=0, layout="auto"):
    """Read curves from a wide table with numbered x and y columns.

    SPT data sets often come as one spreadsheet in which the columns are
    named by a prefix and a number: ``Dis1 … DisN`` and ``Force1 … ForceN``
    for load–displacement curves, ``STRAIN1 …`` and ``STRESS1 …`` for
    stress–strain curves. Two layouts are in use, and both are read:

    * ``"rows"``: one curve per row; ``Dis<k>`` and ``Force<k>`` hold the
      curve's k-th point.
    * ``"columns"``: one curve per column pair; ``Dis<k>`` and ``Force<k>``
      hold curve k, its points down the rows.

    A shorter curve ends in empty cells (trailing NaN), in both layouts.

    Parameters
    ----------
    path_or_buffer : str, path, file-like or DataFrame
        A CSV file (suffix ``.csv`` or ``.txt``, comma-separated; ``.tsv`` or
        ``.tab``, tab-separated; each may be compressed, e.g. ``.csv.gz``),
        an Excel file (``.xlsx``, ``.xlsm``, ``.xls``, ``.ods``; needs the
        matching pandas engine, e.g. openpyxl), or a table already read by
        pandas (for other separators or decimal commas, read it with
        :func:`pandas.read_csv` and pass the frame). A file-like object is
        read by the suffix of its ``name``, or else as Excel if its first
        bytes are those of an Excel file and as CSV otherwise. The first
        row of a file holds the column names.
    x, y : str, default="Dis", "Force"
        Prefixes of the x and y column names. They match case-insensitively,
        may be followed by ``_``, ``-`` or a space before the number, and a
        unit in brackets may follow the number: ``"Dis1"``, ``"dis_1"`` and
        ``"DIS 1 (mm)"`` are all x column 1. Other columns are ignored.
    sheet_name : int or str, default=0
        The sheet of an Excel file (position or name); ignored for CSV.
    layout : {"auto", "rows", "columns"}, default="auto"
        How curves are laid out, see above. ``"auto"`` reads the table both
        ways and keeps the reading in which every curve is valid (finite
        numbers, strictly increasing x, empty cells only at its end, at
        least 2 points). When both are valid it prefers ``"columns"`` if the
        columns alternate ``Dis1, Force1, Dis2, Force2, …`` and ``"rows"``
        otherwise, and warns; pass ``layout`` to be sure. When neither is
        valid the error is the one of the preferred reading.

    Returns
    -------
    Bunch
        ``curves``: list of ``(x, y)`` tuples of float64 arrays, ready for
        :class:`~skmat.preprocessing.CurveResampler`; ``names``: list of str,
        ``"row <label>"`` per curve (rows layout, with the table's index
        label) or ``"<x column>/<y column>"`` (columns layout);
        ``layout``: ``"rows"`` or ``"columns"``, the layout used; ``frame``:
        the table as read, unchanged.

    Raises
    ------
    ValueError
        Naming the curve (row, or column pair) and the cell (row label,
        column name and, for files, the spreadsheet cell such as ``C5``):
        a non-numeric or infinite value, a NaN between values, an x without
        its y or the reverse, x not strictly increasing, a curve with one
        point. Also when the x or y columns are missing, duplicated or do
        not pair up (``Dis5`` without ``Force5``).

    Notes
    -----
    Curves are ordered by their number (rows layout: by row). A row, or a
    column pair, with no value at all is left out (spreadsheets often end in
    empty rows); ``names`` tells which curves were kept. The returned arrays
    are new: nothing in the table is shared or changed. CSV numbers are
    parsed exactly (round-trip precision, also under pandas 2), so a curve
    written with full precision reads back bit for bit.

    Examples
    --------
    >>> import io
    >>> from skmat.datasets import read_curve_table
    >>> table = io.StringIO(
    ...     "Dis1,Dis2,Dis3,Force1,Force2,Force3\\n"
    ...     "0.0,0.5,1.0,0,140,380\\n"
    ...     "0.0,0.5,,0,120,\\n"
    ... )
    >>> data = read_curve_table(table)
    >>> data.layout, data.names
    ('rows', ['row 0', 'row 1'])
    >>> data.curves[1]
    (array([0. , 0.5]), array([  0., 120.]))

    One curve per column pair, stress–strain:

    >>> table = io.StringIO(
    ...     "STRAIN1,STRESS1,STRAIN2,STRESS2\\n"
    ...     "0.0,0,0.0,0\\n"
    ...     "0.002,400,0.003,600\\n"
    ...     "0.03,450,,\\n"
    ... )
    >>> data = read_curve_table(table, x="strain", y="stress")
    >>> data.layout, data.names
    ('columns', ['STRAIN1/STRESS1', 'STRAIN2/STRESS2'])
    >>> data.curves[0][1]
    array([  0., 400., 450.])
    """
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be one of {_LAYOUTS}, got {layout!r}.")
    for name, prefix in (("x", x), ("y", y)):
        if not isinstance(prefix, str) or not prefix.strip():
            raise ValueError(f"{name} must be a non-empty column-name prefix, got {prefix!r}.")
    if x.strip().lower() == y.strip().lower():
        raise ValueError(f"x and y must be different prefixes, got {x!r} and {y!r}.")
    frame, from_file = _read_frame(path_or_buffer, sheet_name)
    table = _Table(frame, x, y, from_file)
    if layout != "auto":
        curves, names = table.read(layout)
        return Bunch(curves=curves, names=names, layout=layout, frame=frame)

    preferred = "columns" if table.interleaved() else "rows"
    other = "rows" if preferred == "columns" else "columns"
    try:
        curves, names = table.read(preferred)
    except ValueError as exc:
        try:
            curves, names = table.read(other)
        except ValueError:
            raise ValueError(
                f"{exc} (layout='auto' found no valid reading; this is the reading as one "
                f"curve per {_WHAT[preferred]}; pass layout='{other}' if each {_WHAT[other]} "
                "holds a curve)"
            ) from None
        return Bunch(curves=curves, names=names, layout=other, frame=frame)
    try:
        table.read(other)
    except ValueError:
        pass
    else:
        warnings.warn(
            f"The table reads as valid curves both one per row and one per column pair; "
            f"read as one curve per {_WHAT[preferred]} because its {x}/{y} columns "
            f"{'alternate' if preferred == 'columns' else 'do not alternate'}. Pass "
            f"layout='rows' or layout='columns' to choose.",
            UserWarning,
            stacklevel=2,
        )
    return Bunch(curves=curves, names=names, layout=preferred, frame=frame)


_WHAT = {"rows": "row", "columns": "column pair"}


# ----------------------------------------------------------------------
# Reading the table
# ----------------------------------------------------------------------


def _read_frame(source, sheet_name):
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return source, False
    if isinstance(sheet_name, bool) or not isinstance(sheet_name, (int, str)):
        raise ValueError(
            f"sheet_name must name one sheet, by position or name, got {sheet_name!r}."
        )
    if isinstance(source, (str, os.PathLike)):
        kind, sep = _kind_from_name(os.fspath(source))
        if kind is None:
            raise ValueError(
                f"Cannot tell the format of {os.fspath(source)!r} from its suffix; expected one "
                f"of {sorted(_CSV_SUFFIXES)} (CSV) or {list(_EXCEL_SUFFIXES)} (Excel), or pass "
                "a DataFrame."
            )
    elif hasattr(source, "read"):
        name = getattr(source, "name", None)
        kind, sep = _kind_from_name(name) if isinstance(name, str) else (None, None)
        if kind is None:
            kind, sep = ("excel", None) if _looks_like_excel(source) else ("csv", ",")
    else:
        raise ValueError(
            "Expected a path, a file-like object or a DataFrame, got "
            f"{type(source).__name__}."
        )
    if kind == "excel":
        frame = pd.read_excel(source, sheet_name=sheet_name)
    else:
        # pandas 3 parses floats exactly by default (and deprecates the option).
        exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
        frame = pd.read_csv(source, sep=sep, **exact)
    return frame, True


def _kind_from_name(name):
    suffixes = [s.lower() for s in Path(name).suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION_SUFFIXES:
        suffixes = suffixes[:-1]
    suffix = suffixes[-1] if suffixes else ""
    if suffix in _CSV_SUFFIXES:
        return "csv", _CSV_SUFFIXES[suffix]
    if suffix in _EXCEL_SUFFIXES:
        return "excel", None
    return None, None


def _looks_like_excel(buffer):
    try:
        position = buffer.tell()
        head = buffer.read(4)
        buffer.seek(position)
    except (AttributeError, OSError, ValueError):
        return False
    return isinstance(head, bytes) and head in _EXCEL_MAGIC


def _column_letters(position):
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _numbered_columns(frame, prefix, axis):
    """{number: column position} for the columns named prefix + number."""
    stem = rf"^\s*{re.escape(prefix.strip())}\s*[_\- ]?\s*(\d+)"
    pattern = re.compile(stem + r"\s*(?:[(\[][^)\]]*[)\]])?\s*$", re.IGNORECASE)
    renamed = re.compile(stem + r"\.\d+\s*$", re.IGNORECASE)  # pandas' "Dis1.1"
    found = {}
    for position, label in enumerate(frame.columns):
        text = str(label)
        match = pattern.match(text)
        if match is None:
            if renamed.match(text):
                raise ValueError(
                    f"Column {text!r} looks like a second {axis} column of the same number "
                    "(pandas renames repeated column names this way); each number may "
                    "appear once."
                )
            continue
        number = int(match.group(1))
        if number in found:
            raise ValueError(
                f"Columns {str(frame.columns[found[number]])!r} and {text!r} are both {axis} "
                f"column {number}; each number may appear once."
            )
        found[number] = position
    if not found:
        columns = [str(c) for c in frame.columns]
        shown = columns[:8] + (["..."] if len(columns) > 8 else [])
        raise ValueError(
            f"No {axis} column named {prefix}<number> (e.g. {prefix + '1'!r}) in the table; "
            f"its columns are {shown}. Pass {axis}= the prefix of the {axis} column names."
        )
    return found


def _numeric_column(series, describe):
    """The column as float64 (NaN for empty cells); a non-numeric cell raises."""
    import pandas as pd

    if series.dtype.kind in "mM":
        raise ValueError(f"{describe(0)} holds dates or times, not numbers.")
    if series.dtype.kind == "b":
        raise ValueError(f"{describe(0)} holds True/False values, not numbers.")
    numeric = pd.to_numeric(series, errors="coerce")
    failed = np.flatnonzero(numeric.isna().to_numpy() & series.notna().to_numpy())
    for j in failed:
        value = series.iloc[j]
        if isinstance(value, str) and not value.strip():
            continue  # a blank cell
        hint = ""
        if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+,\d+\s*", value):
            hint = (
                " For decimal commas, read the file with pandas.read_csv(..., sep=';', "
                "decimal=',') and pass the DataFrame."
            )
        raise ValueError(f"{describe(j)} holds {value!r}, which is not a number.{hint}")
    return numeric.to_numpy(dtype=np.float64, na_value=np.nan)


class _Table:
    """The x and y columns of a table, readable as either layout."""

    def __init__(self, frame, x, y, from_file):
        self.frame = frame
        self.from_file = from_file
        self.x_prefix, self.y_prefix = x, y
        xs = _numbered_columns(frame, x, "x")
        ys = _numbered_columns(frame, y, "y")
        for these, those, axis, other_prefix in ((xs, ys, "x", y), (ys, xs, "y", x)):
            lonely = sorted(set(these) - set(those))
            if lonely:
                label = str(frame.columns[these[lonely[0]]])
                raise ValueError(
                    f"Column {label!r} has no matching {other_prefix}{lonely[0]} column; every "
                    f"{axis} column needs the column of the same number for "
                    f"{'y' if axis == 'x' else 'x'}."
                )
        if len(frame) == 0:
            raise ValueError("The table has no rows of data.")
        self.numbers = sorted(xs)
        self.x_positions = [xs[k] for k in self.numbers]
        self.y_positions = [ys[k] for k in self.numbers]
        self.row_labels = list(frame.index)
        # (n_rows, n_numbers) float arrays, rows and numbers in table order.
        self.xv = self._block(self.x_positions)
        self.yv = self._block(self.y_positions)

    def cell(self, row, position):
        """Where a cell is: row label, column name, and spreadsheet cell for files."""
        text = f"row {self.row_labels[row]}, column {str(self.frame.columns[position])!r}"
        if self.from_file:
            text += f" (cell {_column_letters(position)}{row + 2})"
        return text

    def _block(self, positions):
        columns = []
        for position in positions:
            series = self.frame.iloc[:, position]
            columns.append(
                _numeric_column(series, lambda j, p=position: f"The cell at {self.cell(j, p)}")
            )
        return np.column_stack(columns)

    def interleaved(self):
        order = sorted(
            [(p, "x", k) for p, k in zip(self.x_positions, self.numbers, strict=True)]
            + [(p, "y", k) for p, k in zip(self.y_positions, self.numbers, strict=True)]
        )
        pairs = zip(order[0::2], order[1::2], strict=True)
        return all(a[1] == "x" and b[1] == "y" and a[2] == b[2] for a, b in pairs)

    def read(self, layout):
        """Curves and names for one layout; ValueError for the first bad curve."""
        if layout == "rows":
            xv, yv = self.xv, self.yv

            def curve_name(i):
                return f"row {self.row_labels[i]}"

            def where(i, j, axis):
                positions = self.x_positions if axis == "x" else self.y_positions
                return self.cell(i, positions[j])
        else:
            xv, yv = self.xv.T, self.yv.T

            def curve_name(i):
                return (
                    f"{self.frame.columns[self.x_positions[i]]}/"
                    f"{self.frame.columns[self.y_positions[i]]}"
                )

            def where(i, j, axis):
                positions = self.x_positions if axis == "x" else self.y_positions
                return self.cell(j, positions[i])

        def fail(i, message):
            if layout == "rows":
                curve = f"row {self.row_labels[i]}"
            else:
                curve = (
                    f"columns {str(self.frame.columns[self.x_positions[i]])!r} and "
                    f"{str(self.frame.columns[self.y_positions[i]])!r}"
                )
            raise ValueError(f"Curve in {curve}: {message}")

        return _curves_from_block(xv, yv, curve_name, where, fail)


def _curves_from_block(xv, yv, curve_name, where, fail):
    """Split an (n_curves, n_points) block into curves; validate as we go."""
    missing_x, missing_y = np.isnan(xv), np.isnan(yv)
    lone = missing_x != missing_y
    if lone.any():
        i, j = first_true(lone)
        empty, full = ("y", "x") if missing_y[i, j] else ("x", "y")
        value = (xv if full == "x" else yv)[i, j]
        fail(
            i,
            f"the {empty} cell at {where(i, j, empty)} is empty but its {full} at "
            f"{where(i, j, full)} holds {value:g}; each point needs both.",
        )
    missing = missing_x
    gap = missing[:, :-1] & ~missing[:, 1:]
    if gap.any():
        i, j = first_true(gap)
        fail(
            i,
            f"the cells at {where(i, j, 'x')} and {where(i, j, 'y')} are empty but the curve "
            f"goes on at {where(i, j + 1, 'x')}; empty cells may only end a shorter curve.",
        )
    for axis, values in (("x", xv), ("y", yv)):
        infinite = np.isinf(values)
        if infinite.any():
            i, j = first_true(infinite)
            fail(i, f"the {axis} cell at {where(i, j, axis)} is infinite ({values[i, j]}).")
    n_points = (~missing).sum(axis=1)
    one = n_points == 1
    if one.any():
        i = int(np.argmax(one))
        fail(i, f"it has only one point, at {where(i, 0, 'x')}; at least 2 are needed.")
    steps = (np.diff(xv, axis=1) <= 0) & ~missing[:, 1:]
    if steps.any():
        i, j = first_true(steps)
        fail(
            i,
            f"x must be strictly increasing, but {xv[i, j + 1]:g} at {where(i, j + 1, 'x')} "
            f"does not exceed {xv[i, j]:g} at {where(i, j, 'x')}.",
        )
    kept = np.flatnonzero(n_points > 0)
    if len(kept) == 0:
        raise ValueError("The table's x and y columns hold no values.")
    curves = [
        (np.array(xv[i, : n_points[i]]), np.array(yv[i, : n_points[i]])) for i in kept
    ]
    return curves, [curve_name(i) for i in kept]
