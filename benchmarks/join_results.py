"""Join results CSVs that separate runs wrote into one table, keeping every made-by line.

Some result tables are made by several runs of a benchmark, each writing to
its own file (``--out <table>.csv.<part>``), for example the three
regularisation settings of ``ptr_regularisation.csv``. This script writes
``--out`` with, in order:

* the ``#`` lines of every part (each names the command that made its rows),
* one ``# made by:`` line naming this command,
* the column names (which must be the same in every part),
* every part's data rows, copied byte for byte in the order given.

Run::

    python benchmarks/join_results.py benchmarks/results/ptr_regularisation.csv.d \\
        benchmarks/results/ptr_regularisation.csv.w benchmarks/results/ptr_regularisation.csv.dw \\
        --out benchmarks/results/ptr_regularisation.csv
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
from pathlib import Path

from benchmarks._common import command_line, header_lines


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="+", type=Path, help="results CSVs to join, in this order")
    parser.add_argument("--out", type=Path, required=True, help="the joined CSV (overwritten)")
    return parser.parse_args(argv)


def split_part(text):
    """The ``#`` lines, the column-name line and the data lines of one results CSV's ``text``."""
    comments = [line for line in text.splitlines() if line.startswith("#")]
    body = [line for line in text.splitlines() if line and not line.startswith("#")]
    if not body:
        raise ValueError("a part has no column-name line")
    return comments, body[0], body[1:]


def join_texts(texts, made_by_line):
    """The joined CSV text of several parts' ``texts``, with ``made_by_line`` after the parts' ``#`` lines."""
    comments, columns, rows = [], None, []
    for text in texts:
        part_comments, part_columns, part_rows = split_part(text)
        if columns is not None and part_columns != columns:
            raise ValueError(f"parts have different columns: {columns!r} and {part_columns!r}")
        columns = part_columns
        for line in part_comments:
            comments = header_lines("\n".join(comments), line)
        rows += part_rows
    comments = header_lines("\n".join(comments), made_by_line)
    return "\n".join([*comments, columns, *rows]) + "\n"


def main(argv=None):
    args = parse_args(argv)
    made_by_line = f"# made by: {command_line(argv)} | joins the rows of the files named above, in that order"
    text = join_texts([part.read_text() for part in args.parts], made_by_line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(f"wrote {args.out}: {len(text.splitlines())} lines from {len(args.parts)} files")


if __name__ == "__main__":
    main()
