"""Read curves (load–displacement, stress–strain) from wide CSV or Excel tables."""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import lzma
import os
import re
import warnings
import zipfile
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
# Compressed data without a telling name: gzip, xz and zstd start with bytes no text does.
_COMPRESSION_MAGIC = {b"\x1f\x8b": ".gz", b"\xfd7zXZ\x00": ".xz", b"\x28\xb5\x2f\xfd": ".zst"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what pandas' CSV reader takes for a line break
# Excel's error values: a cell whose formula failed. One starts with "#" but is data, never a comment.
_EXCEL_ERRORS = ("#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                 "#GETTING_DATA")
# Text that marks a missing value (pandas would read it as NaN and drop the point); a data cell
# holding it is an error naming the cell. Only a truly empty cell ends a shorter curve.
_MISSING_MARKERS = frozenset(
    text.upper() for text in ("NA", "N/A", "NaN", "-NaN", "NULL", "None", "nil", "-", "--", "?", *_EXCEL_ERRORS)
)


def read_curve_table(path_or_buffer, *, x="Dis", y="Force", sheet_name=0, layout="auto", comment="#"):
    """Read curves from a wide table of x and y columns, numbered or, for one curve, not.

    SPT data sets often come as one spreadsheet in which the columns are
    named by a prefix and a number: ``Dis1 … DisN`` and ``Force1 … ForceN``
    for load–displacement curves, ``STRAIN1 …`` and ``STRESS1 …`` for
    stress–strain curves. Two layouts are in use, and both are read:

    * ``"rows"``: one curve per row; ``Dis<k>`` and ``Force<k>`` hold the
      curve's k-th point.
    * ``"columns"``: one curve per column pair; ``Dis<k>`` and ``Force<k>``
      hold curve k, its points down the rows.

    A shorter curve ends in empty cells (trailing NaN), in both layouts.
    A rig's export of a single test often leaves the number out,
    ``Dis (mm)`` and ``Force (kN)``: one x and one y column without a number
    are read as one curve, its points down the rows. Notes above the column
    names (rig, specimen, thickness), on lines that start with ``#``, are
    skipped and returned in ``comments``; the units in the column names are
    returned in ``units``.

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
        bytes are those of an Excel file and as CSV otherwise. CSV bytes
        are read as UTF-8 (UTF-16 if they start with a byte-order mark); for
        another encoding pass the file opened in it, e.g.
        ``open(path, encoding="cp1252")``. The first row of a file that is
        neither blank nor a comment holds the column names.
    x, y : str, default="Dis", "Force"
        Prefixes of the x and y column names. They match case-insensitively,
        may be followed by ``_``, ``-`` or a space before the number, and a
        unit in brackets may follow the number: ``"Dis1"``, ``"dis_1"`` and
        ``"DIS 1 (mm)"`` are all x column 1. A table of one curve may leave
        the number out, ``"Dis"``, ``"dis (mm)"`` or ``"DIS [mm]"`` with
        ``"Force (kN)"``: then these are its only x and y columns, one of
        each. Other columns are ignored.
    sheet_name : int or str, default=0
        The sheet of an Excel file (position or name); ignored for CSV.
    layout : {"auto", "rows", "columns"}, default="auto"
        How curves are laid out, see above. ``"auto"`` reads the table both
        ways and keeps the reading in which every curve is valid (finite
        numbers, strictly increasing x, empty cells only at its end, at
        least 2 points). When both are valid it prefers ``"columns"`` if the
        columns alternate ``Dis1, Force1, Dis2, Force2, …`` and ``"rows"``
        otherwise, and warns; pass ``layout`` to be sure. When neither is
        valid the error is the one of the preferred reading. Unnumbered
        columns hold one curve down the rows: ``"auto"`` reads them as
        ``"columns"``, and ``"rows"`` is an error.
    comment : str or None, default="#"
        A file's rows whose first cell starts with this string (blanks before
        it aside) are skipped, above the column names and among the data rows
        alike, and returned in ``comments``: a CSV line that starts with it
        (or with a quoted cell that does), an Excel row whose cell in column
        A does. Only whole rows are comments: a ``#`` after a value
        (``0.5,1.2#3``) cuts nothing off, so the cell holds no number and is
        an error naming it, and a ``#`` inside any other cell is kept. A row
        whose first cell is an Excel error value (``#N/A``, ``#DIV/0!`` …) is
        data, not a comment (and its cell an error). Blank
        lines of a CSV file, and blank rows of an Excel sheet above the
        column names, are skipped too. ``None`` skips no row (for a first
        column of labels that start with ``#``). Ignored for a DataFrame.

    Returns
    -------
    Bunch
        ``curves``: list of ``(x, y)`` tuples of float64 arrays, ready for
        :class:`~skmat.preprocessing.CurveResampler`; ``names``: list of str,
        ``"row <label>"`` per curve (rows layout, with the table's index
        label) or ``"<x column>/<y column>"`` (columns layout);
        ``units``: list of ``(x unit, y unit)`` per curve, the text in
        brackets after its column names (``"Force1 (kN)"`` gives ``"kN"``),
        None where there is none (rows layout: the unit the curve's x, or y,
        columns give; columns that give two units are an error). Units are
        reported, never converted: the curves hold the numbers of the table;
        ``layout``: ``"rows"`` or ``"columns"``, the layout used; ``frame``:
        the table as read, unchanged (comment rows left out); ``comments``:
        list of str, the rows skipped as comments, in file order, as written
        (comment string included; an Excel row's cells joined by commas),
        empty for a DataFrame.

    Raises
    ------
    ValueError
        Naming the curve (row, or column pair) and the cell (row label,
        column name and, for files, the spreadsheet cell such as ``C5``):
        a non-numeric or infinite value (text that marks a missing value,
        such as ``N/A``, ``NULL``, ``NaN`` or an Excel error value such as
        ``#N/A``, is one: only an empty cell is missing), an Excel formula
        without a stored value (a file written by a program that does not
        compute formulas), a NaN between values, an x without
        its y or the reverse, x not strictly increasing, a curve with one
        point. Also when the x or y columns are missing, duplicated or do
        not pair up (``Dis5`` without ``Force5``), when numbered and
        unnumbered columns are mixed, and, naming the file and its line,
        when a file cannot be read as a table (a line with more cells than
        the column names, a quoted cell never closed, text not in UTF-8).

    Notes
    -----
    Curves are ordered by their number (rows layout: by row). A row, or a
    column pair, with no value at all is left out (spreadsheets often end in
    empty rows); ``names`` tells which curves were kept. The returned arrays
    are new: nothing in the table is shared or changed. CSV numbers are
    parsed exactly (round-trip precision, also under pandas 2), so a curve
    written with full precision reads back bit for bit. The spreadsheet
    cell of an error in a CSV file counts the file's lines, comments and
    blank lines included, as a spreadsheet program opening the file does.

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

    A rig's file of one test, with a header line and the force in kN:

    >>> table = io.StringIO(
    ...     "# specimen S-17, thickness 1.00 mm\\n"
    ...     "Dis (mm),Force (kN)\\n"
    ...     "0.0,0.0\\n"
    ...     "0.25,0.125\\n"
    ...     "0.5,0.375\\n"
    ... )
    >>> data = read_curve_table(table)
    >>> data.names, data.units, data.comments
    (['Dis (mm)/Force (kN)'], [('mm', 'kN')], ['# specimen S-17, thickness 1.00 mm'])
    >>> u, force_kN = data.curves[0]
    >>> 1000.0 * force_kN  # in N, converted by the caller
    array([  0., 125., 375.])
    """
    if layout not in _LAYOUTS:
        raise ValueError(f"layout must be one of {_LAYOUTS}, got {layout!r}.")
    for name, prefix in (("x", x), ("y", y)):
        if not isinstance(prefix, str) or not prefix.strip():
            raise ValueError(f"{name} must be a non-empty column-name prefix, got {prefix!r}.")
    if x.strip().lower() == y.strip().lower():
        raise ValueError(f"x and y must be different prefixes, got {x!r} and {y!r}.")
    if comment is not None and (
        not isinstance(comment, str) or not comment.strip() or comment != comment.strip() or '"' in comment
    ):
        raise ValueError(
            "comment must be None or a non-empty string without blanks at its ends or quotes, "
            f"got {comment!r}."
        )
    frame, rows, comments, names_at = _read_frame(path_or_buffer, sheet_name, comment)
    table = _Table(frame, x, y, rows, comment, names_at)

    def result(used, reading):
        curves, names, units = reading
        return Bunch(curves=curves, names=names, units=units, layout=used, frame=frame, comments=comments)

    if table.unnumbered:
        if layout == "rows":
            raise ValueError(
                f"Columns {table.label(table.x_positions[0])!r} and {table.label(table.y_positions[0])!r} "
                "have no number: they hold one curve down the rows, which layout='rows' cannot read "
                f"(it needs numbered columns, {x}1 … {x}N, one per point). Pass layout='columns' or "
                "'auto'."
            )
        return result("columns", table.read("columns"))
    if layout != "auto":
        return result(layout, table.read(layout))

    preferred = "columns" if table.interleaved() else "rows"
    other = "rows" if preferred == "columns" else "columns"
    try:
        reading = table.read(preferred)
    except ValueError as exc:
        try:
            reading = table.read(other)
        except ValueError:
            raise ValueError(
                f"{exc} (layout='auto' found no valid reading; this is the reading as one "
                f"curve per {_WHAT[preferred]}; pass layout='{other}' if each {_WHAT[other]} "
                "holds a curve)"
            ) from None
        return result(other, reading)
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
    return result(preferred, reading)


_WHAT = {"rows": "row", "columns": "column pair"}


# ----------------------------------------------------------------------
# Reading the table
# ----------------------------------------------------------------------


def _read_frame(source, sheet_name, comment):
    """The table, the file's row of each of its rows, the comments, and where the column names are.

    The rows count from 1 as a spreadsheet program does (a CSV file's lines);
    for a DataFrame they and where the names are are None.
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return source, None, [], None
    if isinstance(sheet_name, bool) or not isinstance(sheet_name, (int, str)):
        raise ValueError(
            f"sheet_name must name one sheet, by position or name, got {sheet_name!r}."
        )
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        kind, sep = _kind_from_name(name)
        if kind is None:
            raise ValueError(
                f"Cannot tell the format of {name!r} from its suffix; expected one "
                f"of {sorted(_CSV_SUFFIXES)} (CSV) or {list(_EXCEL_SUFFIXES)} (Excel), or pass "
                "a DataFrame."
            )
    elif hasattr(source, "read"):
        name = getattr(source, "name", None)
        name = name if isinstance(name, str) else None
        kind, sep = _kind_from_name(name) if name is not None else (None, None)
        if kind is None:
            kind, sep = ("excel", None) if _looks_like_excel(source) else ("csv", ",")
    else:
        raise ValueError(
            "Expected a path, a file-like object or a DataFrame, got "
            f"{type(source).__name__}."
        )
    if name is not None:
        what = f"the file {name!r}"
    else:
        what = "the CSV data" if kind == "csv" else "the Excel data"
    if kind == "excel":
        return _read_excel(source, sheet_name, comment, what)
    return _read_csv(source, name, sep, comment, what)


def _read_csv(source, name, sep, comment, what):
    import pandas as pd

    data = Path(source).read_bytes() if isinstance(source, (str, os.PathLike)) else source.read()
    text = data if isinstance(data, str) else _decode(_decompress(bytes(data), name, what), what)
    text = text.removeprefix("\ufeff")  # a byte-order mark read as text
    records, comments = _split_records(text, sep, comment)
    if not records:
        raise ValueError(
            f"Cannot read {what}: it holds no table"
            + (f", only {len(comments)} comment line(s) (starting with {comment!r})." if comments else ".")
        )
    # pandas 3 parses floats exactly by default (and deprecates the option).
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    body = io.StringIO("\n".join(record for _, record in records) + "\n")
    try:
        # Only an empty cell is missing: "N/A", "NULL", "#N/A" stay text, so that the cell is named.
        frame = pd.read_csv(body, sep=sep, keep_default_na=False, na_values=[""], **exact)
    except pd.errors.ParserError as exc:
        raise ValueError(_parse_failure(str(exc), records, what, comment)) from None
    if not isinstance(frame.index, pd.RangeIndex) and len(records) > 1:
        # pandas takes a first row with more cells than the column names as an index column
        message = (
            f"Expected {len(frame.columns)} fields in line 2, saw {len(frame.columns) + frame.index.nlevels}"
        )
        raise ValueError(_parse_failure(message, records, what, comment))
    rows = [line for line, _ in records[1:]]
    return frame, rows if len(rows) == len(frame) else None, comments, f"line {records[0][0]} of {what}"


def _decompress(data, name, what):
    suffix = Path(name).suffix.lower() if name is not None else ""
    if suffix not in _COMPRESSION_SUFFIXES:
        suffix = next((s for magic, s in _COMPRESSION_MAGIC.items() if data.startswith(magic)), "")
    try:
        if suffix == ".gz":
            return gzip.decompress(data)
        if suffix == ".bz2":
            return bz2.decompress(data)
        if suffix == ".xz":
            return lzma.decompress(data)
        if suffix == ".zip":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [info for info in archive.infolist() if not info.is_dir()]
                if len(members) != 1:
                    raise ValueError(
                        f"Cannot read {what}: a ZIP archive must hold one file, this one holds "
                        f"{len(members)}."
                    )
                return archive.read(members[0])
        if suffix == ".zst":
            try:
                import zstandard
            except ImportError:
                raise ImportError(
                    f"Reading {what} needs the zstandard package (pip install zstandard)."
                ) from None
            with zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data)) as reader:
                return reader.read()
    except (OSError, EOFError, lzma.LZMAError, zipfile.BadZipFile) as exc:
        raise ValueError(f"Cannot read {what} as {suffix[1:]}-compressed data: {exc}") from None
    return data


def _decode(data, what):
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[: exc.start].decode(encoding, errors="replace")
        line = len(_LINE_BREAK.findall(before)) + 1
        raise ValueError(
            f"Cannot read {what}: line {line} holds {data[exc.start:exc.end]!r}, which is not "
            f"{'UTF-16' if encoding == 'utf-16' else 'UTF-8'} text. Open the file in its encoding "
            "and pass the file object, e.g. open(path, encoding='cp1252')."
        ) from None


def _split_records(text, sep, comment):
    """The CSV text's rows as ``(first line number, text)``, and its comment lines.

    A row is a line, or several where a quoted cell holds line breaks. Blank
    lines, and rows whose first cell starts with ``comment`` (quoted or not,
    after blanks), are left out; nothing else is changed, so a ``#`` inside
    a row stays where it is.
    """
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    records, comments = [], []
    start, parts, skip, inside = 0, [], False, False
    for number, line in enumerate(lines, 1):
        if not inside:
            head = line.lstrip()
            if not head:
                continue
            if comment is not None and head.startswith(comment) and not _starts_with_excel_error(head, sep):
                comments.append(line)  # its quotes, if any, are words of a note
                continue
            start, parts = number, []
            skip = comment is not None and head.startswith('"') and head[1:].lstrip().startswith(comment)
        parts.append(line)
        inside = _inside_quotes(line, sep, inside)
        if not inside or number == len(lines):  # a quote never closed at the end: pandas says where
            if skip:
                comments.append("\n".join(parts))
            else:
                records.append((start, "\n".join(parts)))
    return records, comments


def _is_excel_error(value):
    """Whether ``value`` is an Excel error value such as ``#N/A`` or ``#DIV/0!`` (blanks aside)."""
    return isinstance(value, str) and value.strip().upper() in _EXCEL_ERRORS


def _starts_with_excel_error(line, sep):
    """Whether the first cell of a CSV ``line`` is an Excel error value (a data row, not a comment)."""
    return _is_excel_error(line.split(sep, 1)[0].strip().strip('"'))


def _inside_quotes(line, sep, inside):
    """Whether a quoted cell is still open at the end of ``line`` (pandas' rules, quote ``"``)."""
    if '"' not in line:
        return inside
    field_start = not inside
    i, n = 0, len(line)
    while i < n:
        char = line[i]
        if inside:
            if char == '"':
                if i + 1 < n and line[i + 1] == '"':
                    i += 1  # a doubled quote stands for one
                else:
                    inside = field_start = False
        elif char == '"' and field_start:
            inside = True  # a quote opens a cell only at its start
        else:
            field_start = char == sep
        i += 1
    return inside


def _parse_failure(message, records, what, comment):
    """pandas' parser error, told by the file's line numbers."""
    message = re.sub(r"^Error tokenizing data\. C error: ", "", message).strip()

    def line_of(record):  # pandas counts rows (0-based) or lines (1-based) among ours
        return records[record][0] if 0 <= record < len(records) else None

    header = records[0][1].split("\n")[0]
    shown = header if len(header) <= 60 else header[:57] + "..."
    match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if match and line_of(int(match.group(2)) - 1) is not None:
        expected, line, saw = int(match.group(1)), line_of(int(match.group(2)) - 1), int(match.group(3))
        notes = f"start each with {comment!r}"
        if comment is None:
            notes = "start each with '#' and pass comment='#'"
        return (
            f"Cannot read {what}: line {line} has {saw} cells where the column names (line "
            f"{records[0][0]}: {shown!r}) have {expected}. If the lines above the column names are "
            f"notes, {notes}, or read the file with pandas.read_csv and pass the DataFrame."
        )
    match = re.search(r"inside string starting at row (\d+)", message)
    if match and line_of(int(match.group(1))) is not None:
        return (
            f"Cannot read {what}: the quoted cell that opens on line {line_of(int(match.group(1)))} "
            "is never closed (a '\"' is missing)."
        )
    return f"Cannot read {what} as a table (pandas: {message})."


def _read_excel(source, sheet_name, comment, what):
    """Read a sheet, leaving out comment rows and the blank rows above the column names."""
    import pandas as pd

    if isinstance(source, (str, os.PathLike)):

        def opened():
            return source
    else:
        data = source.read()  # read twice below, from the same bytes

        def opened():
            return io.BytesIO(data)

    # Only an empty cell is missing: "N/A", "NULL" and Excel's "#N/A" stay text, so that the cell is named.
    text_kept = {"keep_default_na": False, "na_values": [""]}
    raw = pd.read_excel(opened(), sheet_name=sheet_name, header=None, **text_kept)  # row r: the sheet's row r + 1
    first = [None] * len(raw) if raw.shape[1] == 0 else raw.iloc[:, 0].tolist()
    is_comment = [
        comment is not None and isinstance(value, str) and value.lstrip().startswith(comment)
        and not _is_excel_error(value)
        for value in first
    ]
    skip, comments, header = [], [], None
    for r in range(len(raw)):
        if is_comment[r]:
            cells = [None if _is_empty(value) else value for value in raw.iloc[r].tolist()]
            while cells and cells[-1] is None:
                cells.pop()
            comments.append(",".join("" if value is None else str(value) for value in cells))
            skip.append(r)
        elif header is None:
            if all(_is_empty(value) for value in raw.iloc[r].tolist()):
                skip.append(r)  # blank, above the column names
            else:
                header = r
    frame = pd.read_excel(opened(), sheet_name=sheet_name, skiprows=skip or None, **text_kept)
    if header is None:
        return frame, None, comments, None
    skipped = set(skip)
    rows = [r + 1 for r in range(header + 1, len(raw)) if r not in skipped]
    rows = rows if len(rows) == len(frame) else None
    if rows is not None:
        _mark_unread_cells(frame, rows, opened, sheet_name)
    return frame, rows, comments, f"row {header + 1} of the sheet"


class _UnreadCell:
    """An Excel cell that pandas reads as empty but is not: a formula with no stored value, or an error value."""

    def __init__(self, kind, text):
        self.kind, self.text = kind, text  # kind: "formula" or "error"

    def __repr__(self):
        return f"<{self.kind} {self.text!r}>"

    def message(self):
        """What the cell holds and what to do, for an error that names the cell before it."""
        if self.kind == "formula":
            return (
                f"holds the formula {self.text!r} but no stored value: the file was written by a program "
                "that does not compute formulas. Open it in Excel (or LibreOffice) and save it, so that "
                "the values are stored, or write the values instead of formulas."
            )
        return (
            f"holds the Excel error {self.text!r} (its formula failed), which is not a number; every "
            "point needs numbers. Fix the formula, or delete the point."
        )


def _mark_unread_cells(frame, rows, opened, sheet_name):
    """Put an :class:`_UnreadCell` in each empty cell of ``frame`` whose sheet cell is a formula or an error.

    pandas reads the value Excel stored with a formula, and an error value
    (``#N/A``, ``#DIV/0!``) as empty; a file written by a program that does
    not compute formulas (openpyxl, many exporters) stores no value, and
    the cell reads as empty too. Left so, such a cell would end its curve
    silently. Only xlsx/xlsm files (read with openpyxl) can tell; others
    are left as they are.
    """
    if not frame.isna().to_numpy().any():
        return
    try:
        import openpyxl

        book = openpyxl.load_workbook(opened(), read_only=True, data_only=False)
    except (ImportError, OSError, ValueError, KeyError, zipfile.BadZipFile):
        return  # not an openpyxl workbook (xls, ods): nothing to tell
    kinds = {"f": "formula", "e": "error"}
    try:
        sheet = book.worksheets[sheet_name] if isinstance(sheet_name, int) else book[sheet_name]
        unread = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in kinds and isinstance(cell.value, str):
                    unread[(cell.row, cell.column - 1)] = _UnreadCell(kinds[cell.data_type], cell.value)
    finally:
        book.close()
    if not unread:
        return
    empty = frame.isna().to_numpy()
    for i, sheet_row in enumerate(rows):
        for position in np.flatnonzero(empty[i]):
            cell = unread.get((sheet_row, int(position)))
            if cell is not None:
                column = frame.columns[position]
                if frame[column].dtype != object:
                    frame[column] = frame[column].astype(object)
                frame.iloc[i, position] = cell


def _is_empty(value):
    import pandas as pd

    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


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


_UNIT = r"\s*(?:[(\[]([^)\]]*)[)\]])?"  # "(mm)" or "[kN]"; group: the unit


def _axis_columns(frame, prefix, axis, names_at=None, comment=None):
    """The columns of one axis: {number: position} of the numbered, [position] of the unnumbered.

    Also the unit (text in brackets, or None) of each column, by position.
    """
    stem = rf"^\s*{re.escape(prefix.strip())}"
    numbered = re.compile(stem + r"\s*[_\- ]?\s*(\d+)" + _UNIT + r"\s*$", re.IGNORECASE)
    plain = re.compile(stem + _UNIT + r"\s*$", re.IGNORECASE)
    # pandas renames a repeated column name "Dis1" to "Dis1.1" (and "Dis" to "Dis.1")
    renamed = re.compile(stem + r"\s*[_\- ]?\s*(\d+)" + _UNIT + r"\.\d+\s*$", re.IGNORECASE)
    renamed_plain = re.compile(r"^(.*)\.\d+\s*$")
    labels = [str(label) for label in frame.columns]
    found, unnumbered, units = {}, [], {}
    for position, text in enumerate(labels):
        match = numbered.match(text)
        if match is not None:
            number = int(match.group(1))
            if number in found:
                raise ValueError(
                    f"Columns {labels[found[number]]!r} and {text!r} are both {axis} "
                    f"column {number}; each number may appear once."
                )
            found[number] = position
            units[position] = (match.group(2) or "").strip() or None
            continue
        match = plain.match(text)
        if match is not None:
            unnumbered.append(position)
            units[position] = (match.group(1) or "").strip() or None
            continue
        base = renamed_plain.match(text)
        if renamed.match(text):
            which, rule = "of the same number", "each number may appear once"
        elif base and plain.match(base.group(1)) and base.group(1) in labels:
            which, rule = f"without a number, like {base.group(1)!r}", "a table of one curve has one"
        else:
            continue  # another column
        raise ValueError(
            f"Column {text!r} looks like a second {axis} column {which} (pandas renames "
            f"repeated column names this way); {rule}."
        )
    if not found and not unnumbered:
        shown = labels[:8] + (["..."] if len(labels) > 8 else [])
        notes = ""
        if names_at is not None:  # a note taken for the column names?
            notes = (
                f" If the lines above the column names are notes, start each with {comment!r}."
                if comment is not None
                else " If the lines above the column names are notes, start each with '#' and pass "
                "comment='#'."
            )
        raise ValueError(
            f"No {axis} column named {prefix}<number> (e.g. {prefix + '1'!r}) in the table; "
            f"its columns are {shown}{f' (the names on {names_at})' if names_at else ''}. Pass "
            f"{axis}= the prefix of the {axis} column names (a table of one curve may leave the "
            f"number out: {prefix!r}, {prefix + ' (unit)'!r}).{notes}"
        )
    return found, unnumbered, units


def _numeric_column(series, describe, comment=None):
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
        if isinstance(value, _UnreadCell):
            raise ValueError(f"{describe(j)} {value.message()}")
        hint = _not_a_number_hint(value, comment)
        raise ValueError(f"{describe(j)} holds {value!r}, which is not a number.{hint}")
    return numeric.to_numpy(dtype=np.float64, na_value=np.nan)


def _not_a_number_hint(value, comment):
    """What to add to the error for a cell holding ``value``, which is not a number (may be empty)."""
    if not isinstance(value, str):
        return ""
    if value.strip().upper() in _MISSING_MARKERS:
        return (
            " It marks a missing value (an Excel error such as '#N/A': a failed formula); every point "
            "needs numbers. Delete the point, or leave its cells empty where they end a shorter curve."
        )
    hint = _comma_hint(value)
    if not hint and comment is not None and comment in value:
        hint = (
            f" Only a whole row can be a comment (its first cell starting with {comment!r}); "
            "nothing after a value is cut off."
        )
    return hint


def _comma_hint(value):
    """What to say about a cell such as ``"12,5"`` or ``"1,234"`` (empty if it has no comma in a number)."""
    text = value.strip()
    if re.fullmatch(r"[-+]?\d{1,3}(,\d{3}){2,}", text):
        return (
            " The commas look like thousands separators: read the file with pandas.read_csv(..., "
            "thousands=',') and pass the DataFrame."
        )
    if re.fullmatch(r"[-+]?\d{1,3},\d{3}", text):
        return (
            f" Is the comma a decimal comma ({text.replace(',', '.')}) or a thousands separator "
            f"({text.replace(',', '')})? The file cannot say which. For decimal commas read it with "
            "pandas.read_csv(..., sep=';', decimal=','), for thousands separators with "
            "pandas.read_csv(..., thousands=','), and pass the DataFrame."
        )
    if re.fullmatch(r"[-+]?\d+,\d+", text):
        return (
            " For decimal commas, read the file with pandas.read_csv(..., sep=';', "
            "decimal=',') and pass the DataFrame."
        )
    return ""


class _Table:
    """The x and y columns of a table, readable as either layout."""

    def __init__(self, frame, x, y, rows, comment, names_at=None):
        self.frame = frame
        self.rows = rows  # the file's row (1-based line or sheet row) of each row; None for a frame
        self.comment = comment
        self.x_prefix, self.y_prefix = x, y
        xs, x_plain, x_units = _axis_columns(frame, x, "x", names_at, comment)
        ys, y_plain, y_units = _axis_columns(frame, y, "y", names_at, comment)
        self.units = {**x_units, **y_units}  # by column position
        plain = x_plain + y_plain
        if plain and (xs or ys):
            numbered = [self.label(p) for p in sorted([*xs.values(), *ys.values()])]
            shown = numbered[:4] + (["..."] if len(numbered) > 4 else [])
            raise ValueError(
                f"The table mixes columns without a number, {[self.label(p) for p in plain]}, with "
                f"numbered ones, {shown}. Number every {x} and {y} column ({x}1, {y}1, {x}2, …), "
                f"or, for a table of one curve, leave the number out of its one {x} and one {y} column."
            )
        for these, axis in ((x_plain, "x"), (y_plain, "y")):
            if len(these) > 1:
                raise ValueError(
                    f"Columns {[self.label(p) for p in these]} are all {axis} columns without a "
                    f"number; a table without numbers holds one curve, in one {x} and one {y} "
                    f"column. Number them ({x}1, {y}1, {x}2, …) for several curves."
                )
        self.unnumbered = bool(plain)
        if self.unnumbered:
            xs, ys = {1: x_plain[0]}, {1: y_plain[0]}
        for these, those, axis, other_prefix in ((xs, ys, "x", y), (ys, xs, "y", x)):
            lonely = sorted(set(these) - set(those))
            if lonely:
                label = self.label(these[lonely[0]])
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

    def label(self, position):
        return str(self.frame.columns[position])

    def cell(self, row, position):
        """Where a cell is: row label, column name, and spreadsheet cell for files."""
        text = f"row {self.row_labels[row]}, column {self.label(position)!r}"
        if self.rows is not None:
            text += f" (cell {_column_letters(position)}{self.rows[row]})"
        return text

    def _block(self, positions):
        columns = []
        for position in positions:
            series = self.frame.iloc[:, position]
            columns.append(
                _numeric_column(
                    series, lambda j, p=position: f"The cell at {self.cell(j, p)}", self.comment
                )
            )
        return np.column_stack(columns)

    def interleaved(self):
        order = sorted(
            [(p, "x", k) for p, k in zip(self.x_positions, self.numbers, strict=True)]
            + [(p, "y", k) for p, k in zip(self.y_positions, self.numbers, strict=True)]
        )
        pairs = zip(order[0::2], order[1::2], strict=True)
        return all(a[1] == "x" and b[1] == "y" and a[2] == b[2] for a, b in pairs)

    def _common_unit(self, positions, axis):
        """The one unit the columns give (None if none); two units are an error."""
        given = {}
        for position in positions:
            if self.units[position] is not None:
                given.setdefault(self.units[position], self.label(position))
        if len(given) > 1:
            (first, a), (second, b) = list(given.items())[:2]
            raise ValueError(
                f"The {axis} columns give different units, {first!r} ({a!r}) and {second!r} "
                f"({b!r}); read as one curve per row, the points of a curve must share one unit."
            )
        return next(iter(given), None)

    def read(self, layout):
        """Curves, names and units for one layout; ValueError for the first bad curve."""
        if layout == "rows":
            xv, yv = self.xv, self.yv
            units = (self._common_unit(self.x_positions, "x"), self._common_unit(self.y_positions, "y"))

            def curve_name(i):
                return f"row {self.row_labels[i]}"

            def curve_units(i):
                return units

            def where(i, j, axis):
                positions = self.x_positions if axis == "x" else self.y_positions
                return self.cell(i, positions[j])
        else:
            xv, yv = self.xv.T, self.yv.T

            def curve_name(i):
                return f"{self.label(self.x_positions[i])}/{self.label(self.y_positions[i])}"

            def curve_units(i):
                return self.units[self.x_positions[i]], self.units[self.y_positions[i]]

            def where(i, j, axis):
                positions = self.x_positions if axis == "x" else self.y_positions
                return self.cell(j, positions[i])

        def fail(i, message):
            if layout == "rows":
                curve = f"row {self.row_labels[i]}"
            else:
                curve = (
                    f"columns {self.label(self.x_positions[i])!r} and "
                    f"{self.label(self.y_positions[i])!r}"
                )
            raise ValueError(f"Curve in {curve}: {message}")

        curves, kept = _curves_from_block(xv, yv, where, fail)
        return curves, [curve_name(i) for i in kept], [curve_units(i) for i in kept]


def _curves_from_block(xv, yv, where, fail):
    """Split an (n_curves, n_points) block into curves (and the indices kept); validate as we go."""
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
    return curves, kept
