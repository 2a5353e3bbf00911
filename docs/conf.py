"""Sphinx configuration for the skmat documentation.

Build (offline) from the repository root with::

    sphinx-build -W -b html docs docs/_build/html
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: the gallery draws to files
os.environ.setdefault("MPLBACKEND", "Agg")

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# Prefer the checkout over any installed copy (an editable install points here anyway).
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(DOCS / "sphinxext"))

import skmat  # noqa: E402

# -- Project information -----------------------------------------------------

project = "skmat"
author = "skmat developers"
copyright = "skmat developers"
version = release = skmat.__version__

# -- General configuration ---------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "mathml_math",  # math as MathML at build time: no MathJax from a CDN
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "results_table",
    "pretrained_table",
]
# No sphinx.ext.intersphinx: the docs must build without network access. They
# must also be read without it: no page loads a script or a stylesheet from
# another host (tests/test_docs_build.py checks the built HTML). Hence math as
# MathML instead of sphinx.ext.mathjax's CDN script, and the timing pages of
# sphinx-gallery without their jQuery/DataTables block (setup() below).
html_math_renderer = "mathml"
# Sphinx loads sphinx.ext.mathjax whatever `extensions` says; with no path, a
# build switched back to it fails instead of pointing pages at a CDN.
mathjax_path = ""

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb", "auto_examples/*.py"]
root_doc = "index"
default_role = "literal"

# autodoc / autosummary
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections already give the types
autodoc_inherit_docstrings = False  # no torch/skorch docstrings on skmat overrides


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Document only the members a class gets from skmat itself.

    The class pages use ``:inherited-members:`` so that methods defined once on
    a skmat base class (``fit``/``transform`` of the encoders) appear on every
    subclass; members inherited from scikit-learn, skorch or torch are left to
    those projects' documentation.
    """
    if what != "class" or skip:
        return None
    target = getattr(obj, "fget", None) or getattr(obj, "__func__", None) or obj
    module = getattr(inspect.unwrap(target), "__module__", None) if callable(target) else None
    if module is not None and not module.startswith("skmat"):
        return True
    return None


# numpydoc
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

# sphinx-gallery
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r".*\.py$",  # execute every example, not only plot_*
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    # Reset matplotlib as usual, and run torch single-threaded (see
    # sphinxext/skmat_gallery.py for the measured reason).
    "reset_modules": ("matplotlib", "skmat_gallery.reset_torch_threads"),
    # Mini-galleries on the API pages ("Examples using skmat.X").
    "doc_module": ("skmat",),
    "backreferences_dir": "generated/backreferences",
}

# -- HTML output -------------------------------------------------------------

try:
    import pydata_sphinx_theme  # noqa: F401
except ImportError:
    html_theme = "alabaster"
    html_theme_options = {"description": "scikit-learn estimators for materials science"}
else:
    html_theme = "pydata_sphinx_theme"
    html_theme_options = {
        "navbar_align": "left",
        "show_toc_level": 2,
        "navigation_with_keys": False,
        "use_edit_page_button": False,
        "icon_links": [],
    }
    # The theme's own left sidebar lists only the pages *below* the current
    # top-level page, which is nothing on single pages such as results or
    # pretrained; this one lists every page, the current one highlighted.
    # install and data keep the full width for their wide commands.
    html_sidebars = {"**": ["sidebar-collapse", "sidebar-site-nav"], "install": [], "data": []}

html_title = f"skmat {release}"
# skmat.css: wide tables and code scroll visibly inside the column, the column
# widens on wide screens, and the "Made by" blocks under the tables fold.
html_static_path = ["_static"]
html_css_files = ["skmat.css"]
html_show_sourcelink = False
html_copy_source = False  # no "show source" link, so no _sources/ copies (search reads the pages)

# -- Extension hooks ----------------------------------------------------------


def setup(app):
    from skmat_gallery import drop_cdn_assets

    app.connect("autodoc-skip-member", _skip_foreign_members)
    app.connect("source-read", drop_cdn_assets)
