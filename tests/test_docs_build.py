"""The built HTML docs work offline, fold their "Made by" lines, and navigate; the install page matches the README.

The build test needs the ``docs`` extra (Sphinx, sphinx-gallery, the theme) and
is skipped without it; ``.ci/run`` installs it before the slow set, so CI builds the docs.
It builds a copy of ``docs/`` with the gallery not executed
(``-D plot_gallery=0``), so it takes about a minute rather than the full build's
few minutes and leaves ``docs/`` (``auto_examples/``, ``generated/``) untouched.
"""

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _venv_commands(text):
    return {line.strip() for line in text.splitlines() if line.strip().startswith("python3 -m venv .venv &&")}


def test_install_page_gives_the_readme_commands():
    """Every from-scratch command of the README (benchmark, tests, docs) is on the install page, as written."""
    readme = _venv_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    install = _venv_commands((ROOT / "docs" / "install.rst").read_text(encoding="utf-8"))
    assert any("[docs]" in command for command in readme)
    assert readme <= install, sorted(readme - install)


class _Page(HTMLParser):
    """What the checks need from one built page (provenance lines: "Made by:" and "Trained by")."""

    def __init__(self):
        super().__init__()
        self.remote = []  # <script src> / <link href> on another host
        self.stack = []  # open <details class="skmat-provenance"> and <nav class="bd-docs-nav"> depth
        self.made_by = {"inside": 0, "outside": 0}
        self.details, self.summaries = 0, 0
        self.nav_links, self.in_nav = [], 0
        self.contents_box = False
        self._in_p, self._p_text, self._p_in_details = False, "", False
        self.math, self.tables = 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        url = attrs.get("src") if tag == "script" else attrs.get("href") if tag == "link" else None
        if url and re.match(r"(https?:)?//", url):
            self.remote.append(f"<{tag} {url}>")
        if tag == "details" and "skmat-provenance" in classes:
            self.details += 1
            self.stack.append("details")
        elif tag == "details":
            self.stack.append("other")
        if tag == "summary" and self.stack and self.stack[-1] == "details":
            self.summaries += 1
        if tag == "nav" and "bd-docs-nav" in classes:
            self.in_nav += 1
        if tag == "a" and self.in_nav:
            self.nav_links.append(attrs.get("href"))
        if "contents" in classes and tag in ("nav", "div", "aside"):
            self.contents_box = True
        if tag == "p":
            self._in_p, self._p_text, self._p_in_details = True, "", "details" in self.stack
        if tag == "math":
            self.math += 1
        if tag == "table" and "skmat-results-table" in classes:
            self.tables += 1

    def handle_endtag(self, tag):
        if tag == "details" and self.stack:
            self.stack.pop()
        if tag == "nav" and self.in_nav:
            self.in_nav -= 1
        if tag == "p" and self._in_p:
            self._in_p = False
            if self._p_text.startswith(("Made by:", "Trained by")):
                self.made_by["inside" if self._p_in_details else "outside"] += 1

    def handle_data(self, data):
        if self._in_p:
            self._p_text += data


def _parse(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def html(tmp_path_factory):
    """The docs built from a copy of ``docs/`` (the gallery not run), with ``-W``."""
    for module in ("sphinx", "sphinx_gallery", "numpydoc", "pydata_sphinx_theme"):
        pytest.importorskip(module)
    tmp = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "docs", tmp / "docs",
                    ignore=shutil.ignore_patterns("_build", "auto_examples", "generated", "sg_execution_times.rst"))
    shutil.copytree(ROOT / "examples", tmp / "examples")
    for name in ("benchmarks", "skmat"):  # results-table CSVs and figures, the pretrained manifest
        (tmp / name).symlink_to(ROOT / name, target_is_directory=True)
    out = tmp / "html"
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "-D", "plot_gallery=0",
         str(tmp / "docs"), str(out)],
        capture_output=True, text=True, cwd=tmp,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    return out


@pytest.mark.slow
def test_no_page_loads_anything_from_another_host(html):
    remote = {str(page.relative_to(html)): found for page in html.rglob("*.html") if (found := _parse(page).remote)}
    assert not remote
    # the gallery's timing pages are built and offline too
    assert (html / "auto_examples" / "sg_execution_times.html").exists()
    assert "cdn." not in (html / "sg_execution_times.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_math_is_mathml(html):
    text = (html / "data.html").read_text(encoding="utf-8")
    assert _parse(html / "data.html").math >= 4
    assert "\\(" not in text and "mathjax" not in text.lower()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["results", "pretrained"])
def test_made_by_lines_fold_under_each_table(html, name):
    page = _parse(html / f"{name}.html")
    assert page.tables > 0
    assert page.made_by["outside"] == 0
    assert page.made_by["inside"] >= page.details > 0
    assert page.summaries == page.details
    assert page.details <= page.tables  # at most one block per table


@pytest.mark.slow
@pytest.mark.parametrize("name", ["results", "pretrained"])
def test_headings_are_not_links_and_the_sidebar_lists_the_pages(html, name):
    page = _parse(html / f"{name}.html")
    text = (html / f"{name}.html").read_text(encoding="utf-8")
    assert not page.contents_box and "toc-backref" not in text
    others = {"install.html", "api.html", "results.html", "pretrained.html"} - {f"{name}.html"}
    assert others <= {link.split("#")[0] for link in page.nav_links if link}
