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

In HTML the "Made by" lines are folded into one ``<details>`` block per table
(a ``provenance`` node): its one-line summary names the script(s), and opening
it shows every command line with its machine. A CSV appended to by several
commands thus costs one line under each table, not one line per command.
Other builders show the lines as plain paragraphs. Header cells break after
underscores (``val_MAE_<wbr>formation_<wbr>enthalpy``), so that a table of
long CSV column names fits a narrow column instead of being cut.
"""

from __future__ import annotations

import re
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
        return render_table(self, rows, notes, path, summary=provenance_summary_text("Made by", comments))


class provenance(nodes.General, nodes.Element):
    """The "Made by" lines under one table: ``<details>`` in HTML, its first child the ``<summary>``."""


class provenance_summary(nodes.General, nodes.TextElement):
    """The one line shown while a ``provenance`` block is closed."""


def provenance_summary_text(label, commands, machines=True):
    """``Made by ``python benchmarks/x.py``: 6 commands, with their machines`` (reStructuredText)."""
    found = [match[1] for match in (re.search(r"python3?\s+(\S+\.py)", command) for command in commands) if match]
    scripts = list(dict.fromkeys(found))  # each line's own (first) command, in order
    named = ", ".join(f"``python {script}``" for script in scripts) or "these commands"
    runs = len(found)
    if runs == len(commands) == 1:
        return f"{label} {named}: the command" + (" and its machine" if machines else "")
    what = f"{runs} command{'s' * (runs != 1)}"
    if len(commands) > runs:
        notes = len(commands) - runs
        what += f" and {notes} note{'s' * (notes != 1)}"
    return f"{label} {named}: {what}" + (", with their machines" if machines else "")


def render_table(directive, rows, notes, path, summary=None):
    """Parse ``rows`` (the first one the header) as a list-table, ``notes`` below it as paragraphs.

    With a ``summary`` (one line of reStructuredText), the notes are wrapped in a
    ``provenance`` node that HTML shows as a closed ``<details>`` block.
    """
    lines = [".. list-table::", "   :header-rows: 1", "   :class: skmat-results-table", ""]
    for row in rows:
        for index, value in enumerate(row):
            lines.append(("   * - " if index == 0 else "     - ") + (str(value) or " "))
    for note in notes:
        lines += ["", note]
    container = nodes.container()
    directive.state.nested_parse(StringList(lines, source=str(path)), directive.content_offset, container)
    table, *paragraphs = container.children
    if summary is None or not paragraphs:
        return container.children
    parsed = nodes.container()
    directive.state.nested_parse(StringList([summary], source=str(path)), directive.content_offset, parsed)
    block = provenance(classes=["skmat-provenance"])
    block += provenance_summary("", "", *parsed[0].children)
    block.extend(paragraphs)
    return [table, block]


def _visit_provenance_html(self, node):
    self.body.append(self.starttag(node, "details"))


def _depart_provenance_html(self, node):
    self.body.append("</details>\n")


def _visit_summary_html(self, node):
    self.body.append(self.starttag(node, "summary", suffix=""))


def _depart_summary_html(self, node):
    self.body.append("</summary>\n")


def _skip(self, node):
    raise nodes.SkipNode


def _pass(self, node):
    pass


_HEADER = re.compile(r"<table[^>]*\bskmat-results-table\b.*?</thead>", re.S)


def break_header_underscores(app, pagename, templatename, context, doctree):
    """Let the header cells of results tables wrap after ``_`` (``<wbr>``), HTML only."""
    body = context.get("body") or ""
    if "skmat-results-table" in body:
        context["body"] = _HEADER.sub(
            lambda table: re.sub(r">([^<]+)<", lambda text: ">" + text[1].replace("_", "_<wbr>") + "<", table[0]), body)


def setup(app):
    app.add_directive("results-table", ResultsTable)
    plain = (_pass, _pass)
    app.add_node(provenance, html=(_visit_provenance_html, _depart_provenance_html),
                 latex=plain, text=plain, man=plain, texinfo=plain)
    app.add_node(provenance_summary, html=(_visit_summary_html, _depart_summary_html),
                 latex=(_skip, None), text=(_skip, None), man=(_skip, None), texinfo=(_skip, None))
    app.connect("html-page-context", break_header_underscores)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
