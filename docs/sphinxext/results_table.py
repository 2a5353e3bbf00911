"""``results-table``: show a benchmark CSV from ``benchmarks/results`` as a table.

The CSVs start with a ``#`` line naming the command and machine that made
them (one line per command when several commands appended to one file); the
directive prints those lines under the table, so every number in the docs
says where it came from. Usage::

    .. results-table:: ../benchmarks/results/oqmd_full.csv
       :columns: task, model, test_MAE
       :pivot: config, n_train, dHf_MAE_meV_per_atom
       :query: source == "measured"

``:pivot: rows, columns, values`` reshapes a long table (rows in the order the
CSV first names them, columns sorted; ``rows`` may join several columns with
``+``, e.g. ``model+strategy``); ``:aggregate: median`` (or ``mean``, ``max``,
…) combines the rows that fall in one cell, e.g. repeats, instead of taking
the first, and ``:aggregate: mean±std`` writes ``mean ± standard deviation``
(e.g. over cross-validation folds); ``:query:`` is a :meth:`pandas.DataFrame.query` filter. A missing file gives a note, not an
error, so the docs build before a benchmark has been run.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList


def _cell(value):
    if isinstance(value, float):
        return "" if value != value else f"{value:.4g}"
    return str(value).replace("|", "/")


def _mean_and_std(values):
    """``"0.412 ± 0.021 (5)"``: the mean and sample standard deviation of a cell's rows, and their count."""
    values = values.dropna()
    if not len(values):
        return ""
    spread = f" ± {values.std():.2g}" if len(values) > 1 else ""
    return f"{values.mean():.4g}{spread} ({len(values)})"


class ResultsTable(Directive):
    required_arguments = 1
    option_spec = {
        "columns": directives.unchanged,
        "pivot": directives.unchanged,
        "query": directives.unchanged,
        "aggregate": directives.unchanged,
    }

    def run(self):
        import pandas as pd

        source = Path(self.state.document.current_source).parent
        path = (source / self.arguments[0]).resolve()
        if not path.exists():
            return [nodes.paragraph(text=f"(No results yet: {self.arguments[0]} has not been produced.)")]
        comments = [line[1:].strip() for line in path.read_text().splitlines() if line.startswith("#")]
        frame = pd.read_csv(path, comment="#", keep_default_na=False, na_values=[""])
        if "query" in self.options:
            frame = frame.query(self.options["query"])
        if "pivot" in self.options:
            index, columns, values = (part.strip() for part in self.options["pivot"].split(","))
            index = [part.strip() for part in index.split("+")]
            aggregate = self.options.get("aggregate", "first").strip()
            if aggregate == "mean±std":
                aggregate = _mean_and_std
            frame = frame.pivot_table(index=index, columns=columns, values=values, aggfunc=aggregate, sort=False)
            # rows stay in the order the CSV first names them; columns (sizes) are sorted,
            # since a resumed run appends sizes out of order
            frame = frame[sorted(frame.columns)].reset_index()
            frame.columns = [str(c) for c in frame.columns]
        if "columns" in self.options:
            frame = frame[[c.strip() for c in self.options["columns"].split(",")]]
        rows = [list(frame.columns), *([_cell(value) for value in row] for row in frame.itertuples(index=False))]
        # A file appended to by several commands carries one comment line per command.
        notes = ["*Made by:* ``" + comment.removeprefix("made by:").strip().replace("`", "'") + "``" for comment in comments]
        return render_table(self, rows, notes, path)


def render_table(directive, rows, notes, path):
    """Parse ``rows`` (the first one the header) as a list-table, each of ``notes`` a paragraph below it."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in rows:
        for index, value in enumerate(row):
            lines.append(("   * - " if index == 0 else "     - ") + (str(value) or " "))
    for note in notes:
        lines += ["", note]
    container = nodes.container()
    directive.state.nested_parse(StringList(lines, source=str(path)), directive.content_offset, container)
    return container.children


def setup(app):
    app.add_directive("results-table", ResultsTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
