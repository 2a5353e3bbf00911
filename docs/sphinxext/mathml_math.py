"""Render ``:math:`` and ``.. math::`` as MathML at build time, so no page loads MathJax.

Sphinx's default math renderer, ``sphinx.ext.mathjax``, adds a ``<script>``
that fetches MathJax from a CDN when the page is viewed, so the equations of
``data.rst`` did not show without network. Browsers render MathML Core
themselves (Chromium 109+, Firefox, Safari 14+), and docutils ships the LaTeX
to MathML converter its own HTML writer uses (``math_output = "MathML"``), so
this renderer adds no dependency and no script. LaTeX the converter does not
know is a build warning naming the page and line (an error under ``-W``), and
is then shown as code. Select it in ``conf.py`` with
``html_math_renderer = "mathml"``.
"""

from __future__ import annotations

from docutils import nodes
from docutils.utils.math import MathError
from docutils.utils.math.latex2mathml import tex2mathml
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)


def _mathml(self, node, latex, as_block):
    try:
        return tex2mathml(latex, as_block=as_block)
    except MathError as error:
        logger.warning("cannot convert math to MathML (%s): %s", error, latex, location=node)
        return f"<code>{self.encode(latex)}</code>"


def visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_mathml(self, node, node.astext(), as_block=False))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_math_block(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node["number"]:
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    # Several equations separated by blank lines: one MathML block each.
    for part in (p for p in node.astext().split("\n\n") if p.strip()):
        self.body.append(_mathml(self, node, part, as_block=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
