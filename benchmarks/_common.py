"""What the benchmark scripts share: the machine line, the command line, resumable result CSVs, Magpie features.

Every results CSV starts with a ``#`` line naming the command that made it
(one per command that wrote rows), then the column names, then one row per
finished fit, so a run that stops can be continued by running the same
command again. Only the ``#`` lines above the column names are comments: a
value may start with ``#``, hold commas, quotes or line breaks. The scripts
import this module by name: running ``python benchmarks/<script>.py`` puts
``benchmarks/`` on the path.
"""

from __future__ import annotations

import csv
import io
import os
import platform
import shlex
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd


def machine_description(device="cpu"):
    """``"x86_64 2 cores, torch 2.13.0+cpu"``, plus the GPU's name when ``device`` is CUDA."""
    import torch

    text = f"{platform.machine()} {os.cpu_count()} cores, torch {torch.__version__}"
    if str(device).startswith("cuda") and torch.cuda.is_available():
        text += f", {torch.cuda.get_device_name(0)}"
    return text


def command_line(argv=None):
    """The command as a user would type it from the repository root: ``python benchmarks/<script>.py <args>``.

    The script's path is written from the repository root wherever it was
    started from (``cd benchmarks && python quick_ptr.py`` is written as
    ``python benchmarks/quick_ptr.py``), so the results' ``# made by:``
    lines always name a command that runs from a clean clone.
    """
    args = list(argv) if argv is not None else sys.argv[1:]
    script = Path(sys.argv[0]).resolve()
    root = Path(__file__).resolve().parents[1]
    shown = script.relative_to(root).as_posix() if script.is_relative_to(root) else Path(sys.argv[0]).as_posix()
    return "python " + shlex.join([shown, *args])


def read_results(path, columns, *, dtype=None):
    """The rows already in a results CSV, with the columns in the order of ``columns``.

    Parameters
    ----------
    path : pathlib.Path
        The results CSV; it need not exist.
    columns : list of str
        The columns the caller writes. The file's column-name line may
        list the same names in another order.
    dtype : type or dict, optional
        Passed to :func:`pandas.read_csv`. By default pandas infers each
        column's type (numbers become numbers; an empty field stays ``""``);
        ``str`` reads every value back as the exact text that was written.

    Returns
    -------
    pandas.DataFrame
        One row per complete row of the file; empty, with ``columns``, if
        the file does not exist or has no rows yet.

    Raises
    ------
    ValueError
        If the file's column names are not the names in ``columns``, or a
        row has more or fewer fields than the column names, is not valid
        CSV or holds a NUL character (which pandas' reader cuts short); the
        message names the file (and the row's line).

    Notes
    -----
    Only the ``#`` lines before the column-name line are comments: a row
    whose value starts with ``#`` is a row. A torn last row (see
    :func:`split_torn_line`: a run killed while writing it) is not read, so
    its fit counts as not done.
    """
    if not path.exists():
        return pd.DataFrame(columns=columns)
    header, rows = _table(_parse(_read_text(path)), path)
    if header is None:
        return pd.DataFrame(columns=columns)
    _column_order(header, columns, path)
    # Every field quoted, so pandas sees exactly the fields checked above (no blank or comment lines).
    text = "".join(_csv_line(fields, quote_all=True) for fields in [header, *rows])
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False, float_precision="round_trip", dtype=dtype)
    return frame[list(columns)]


def split_torn_line(text):
    """Split a results file's text into its complete part and a torn last row.

    Parameters
    ----------
    text : str
        The whole file, read without newline translation.

    Returns
    -------
    complete : str
        ``text`` up to the end of its last complete line or row.
    torn : str
        The rest: ``""`` if there is none.

    Notes
    -----
    A run killed while writing a row leaves a prefix of that row at the
    end of the file. The last row is torn when it cannot be a complete
    row: a quoted field is still open (an odd number of ``"``), or it has
    no newline at its end and a field count other than the column names'.
    A last row without its newline but with the right field count is
    kept as complete (a file saved by an editor that adds no final
    newline); a kill that cut that row inside its last field cannot be
    told from it. A last ``#`` line or column-name line without its
    newline is torn too (it holds no results; :func:`append_row` writes
    it again).
    """
    parsed = _parse(text)
    return text[: parsed.end], text[parsed.end:]


def header_lines(text, header_line):
    """The ``#`` lines at the top of a results file, with ``header_line`` added once.

    Parameters
    ----------
    text : str
        A results file's text, or only its ``#`` lines.
    header_line : str
        The ``# made by: ...`` line of the command writing now.

    Returns
    -------
    list of str
        The ``#`` lines before the column-name line (one per command that
        wrote rows), without line endings, then ``header_line`` if it is
        not one of them. Values in the rows that start with ``#`` are not
        ``#`` lines.
    """
    old = _comment_lines(_lines(text))
    return old if header_line in old else [*old, header_line]


def append_row(path, row, columns, header_line):
    """Append one result row to a results CSV, creating the file if needed.

    Parameters
    ----------
    path : pathlib.Path
        The results CSV.
    row : dict or sequence
        The values, by column name (missing names are written empty) or in
        the order of ``columns``. ``NaN`` and ``None`` are written as empty
        fields.
    columns : list of str
        The column names, as :func:`read_results` is given them.
    header_line : str
        The ``# made by: ...`` line naming the command that writes the row.

    Raises
    ------
    ValueError
        If the file's column names are not the names in ``columns`` (the
        message names the file and both column-name lines), if a row
        already in the file is malformed (see :func:`read_results`), if a
        value holds a NUL character, or if ``header_line`` is not one ``#``
        line. The file is then left as it was.

    Notes
    -----
    A new file gets ``header_line``, the column names and the row. An
    existing file whose column names are the same names in another order
    gets the row in the file's order, so every row lines up with the
    column names. An existing file written by another command gets
    ``header_line`` below its other ``#`` lines (:func:`header_lines`), so
    every command that wrote rows stays named. Otherwise the file is only
    appended to, the row in one ``write``, so a run killed mid-write loses
    at most its own row: a torn last row (:func:`split_torn_line`) is
    dropped before the next row is written, and its fit runs again; a
    complete last row without its newline gets one. The rare rewrites of
    the whole file (new file, new command, torn row) go to a temporary
    file that then replaces the old one, so a kill never leaves half a file.
    Fields holding ``,``, ``"``, a line break or a leading ``#`` are quoted.
    """
    if not header_line.startswith("#") or any(end in header_line for end in "\r\n"):
        raise ValueError(f"header_line must be one line starting with '#', got {header_line!r}")
    text = _read_text(path) if path.exists() else ""
    parsed = _parse(text)
    header, _ = _table(parsed, path)
    order = list(columns) if header is None else _column_order(header, columns, path)
    values = dict(zip(columns, _formatted(row, columns)))
    if any("\0" in value for value in values.values()):
        raise ValueError(f"a value of this row holds a NUL character, which pandas cannot read back: {row!r}")
    line = ("" if header is not None else _csv_line(order)) + _csv_line([values[name] for name in order])
    complete, torn = text[: parsed.end], text[parsed.end:]
    if torn:
        print(f"dropping a torn last row of {path} (a run killed while writing it): {torn!r}", flush=True)
    elif complete and not complete.endswith(_ENDS):
        print(f"the last row of {path} has no newline at its end; it is complete and kept", flush=True)
    newline = "\n" if complete and not complete.endswith(_ENDS) else ""
    comments = header_lines(complete, header_line)
    if torn or comments != parsed.comments:
        head = "".join(comment + "\n" for comment in comments)
        _replace_text(path, head + complete[parsed.body_start:] + newline + line)
    else:
        with open(path, "a", newline="", encoding="utf-8") as handle:
            handle.write(newline + line)


_ENDS = ("\n", "\r")


class _Record(NamedTuple):
    """One CSV record of a results file: its first line's number (from 1), its text and where that starts."""

    line: int
    raw: str
    start: int


class _Parsed(NamedTuple):
    """A results file's ``#`` lines, where its column-name line starts, its complete records and where they end."""

    comments: list
    body_start: int
    records: list
    end: int


def _read_text(path):
    """A file's text as written: no newline translation, so a ``\\r`` inside a value stays."""
    with open(path, newline="", encoding="utf-8") as handle:
        return handle.read()


def _replace_text(path, text):
    """Write ``text`` to ``path`` through a temporary file, so the old file stays whole until the new one is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _lines(text):
    """The lines of ``text`` with their endings, split only where CSV splits them (``\\n``, ``\\r\\n``, ``\\r``)."""
    return io.StringIO(text, newline="").readlines()


def _comment_lines(lines):
    """The leading ``#`` lines of ``lines``, without their endings."""
    comments = []
    for line in lines:
        if not line.startswith("#"):
            break
        comments.append(line.rstrip("\r\n"))
    return comments


def _fields(raw):
    """The fields of one CSV record; :class:`csv.Error` if it is badly quoted."""
    return next(csv.reader(io.StringIO(raw, newline=""), strict=True), [])


def _parse(text):
    """Find a results file's ``#`` lines, column-name line and rows, and where a torn last row starts."""
    lines = _lines(text)
    comments = _comment_lines(lines)
    body_start = sum(len(line) for line in lines[: len(comments)])
    if len(comments) == len(lines):  # no column names yet: only a torn last ``#`` line can be dropped
        if lines and not lines[-1].endswith(_ENDS):
            comments, body_start = comments[:-1], body_start - len(lines[-1])
        return _Parsed(comments, body_start, [], body_start)
    records, raw, start, first = [], "", body_start, 0
    for number, line in enumerate(lines[len(comments):], start=len(comments) + 1):
        first = first if raw else number
        raw += line
        if raw.count('"') % 2 == 0:  # no quoted field left open: the record is whole
            if raw.strip("\r\n"):  # blank lines are not rows
                records.append(_Record(first, raw, start))
            start, raw = start + len(raw), ""
    end = start  # what follows, ``raw``, has an open quoted field: torn
    if records and not records[-1].raw.endswith(_ENDS) and _cannot_be_whole(records):
        end = records.pop().start
    return _Parsed(comments, body_start, records, end)


def _cannot_be_whole(records):
    """Whether the last record, which has no newline at its end, is a torn column-name line or row."""
    if len(records) == 1:
        return True
    try:
        return len(_fields(records[-1].raw)) != len(_fields(records[0].raw))
    except csv.Error:  # badly quoted, not cut short: left for _table to report
        return False


def _table(parsed, path):
    """The column names and the rows' fields of a parsed results file; ``(None, [])`` if it has no column names.

    A badly quoted record or a row whose field count is not the column
    names' is a :class:`ValueError` naming ``path`` and the line.
    """
    if not parsed.records:
        return None, []
    table = []
    for record in parsed.records:
        try:
            fields = _fields(record.raw)
        except csv.Error as error:
            raise ValueError(f"{path}, line {record.line}: not a CSV row ({error}): {record.raw!r}") from None
        if any("\0" in field for field in fields):
            raise ValueError(f"{path}, line {record.line}: a NUL character, which pandas cannot read: {record.raw!r}")
        if table and len(fields) != len(table[0]):
            raise ValueError(
                f"{path}, line {record.line}: {len(fields)} fields, but the column names "
                f"(line {parsed.records[0].line}) have {len(table[0])}: {record.raw!r}"
            )
        table.append(fields)
    return table[0], table[1:]


def _column_order(header, columns, path):
    """The file's column order, if its column names are ``columns`` in any order; else a ValueError naming both."""
    if sorted(header) != sorted(map(str, columns)):
        raise ValueError(
            f"{path} has the columns {_csv_line(header)[:-1]!r}, not {_csv_line(list(columns))[:-1]!r}: "
            "write these rows to another file (--out), or move the old file away"
        )
    return header


def _formatted(row, columns):
    """The values of ``row`` as pandas writes them in a CSV (NaN and None empty), in the order of ``columns``."""
    text = pd.DataFrame([row], columns=columns).to_csv(
        index=False, header=False, quoting=csv.QUOTE_ALL, lineterminator="\n"
    )
    return _fields(text)


def _csv_line(fields, quote_all=False):
    """One CSV line; a field is quoted if it holds ``,``, ``"`` or a line break, starts with ``#`` or is a lone ``""``.

    Python's csv writer (and so pandas) leaves a ``\\r`` unquoted when lines end with ``\\n``: quoting is done here.
    """
    fields = [str(field) for field in fields]

    def quoted(field):
        needed = quote_all or field.startswith("#") or any(c in field for c in ',"\r\n') or fields == [""]
        return '"' + field.replace('"', '""') + '"' if needed else field

    return ",".join(map(quoted, fields)) + "\n"


def magpie_features(formulas, cache=None):
    """Matminer's 132 Magpie statistics for each formula (Ward et al., npj Comput. Mater. 2, 16028, 2016).

    With a ``cache`` path the features are stored there with the formulas
    they belong to, and read back only for the same formulas.
    """
    formulas = np.asarray(formulas, dtype=str)
    if cache is not None and cache.exists():
        with np.load(cache) as saved:
            if np.array_equal(saved["formulas"], formulas):
                return saved["features"]
    from matminer.featurizers.composition import ElementProperty
    from pymatgen.core import Composition

    featurizer = ElementProperty.from_preset("magpie")
    featurizer.set_n_jobs(1)
    features = np.asarray(
        featurizer.featurize_many([Composition(f) for f in formulas], pbar=False), dtype=float
    )
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, features=features, formulas=formulas)
    return features
