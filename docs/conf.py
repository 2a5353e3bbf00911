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
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "results_table",
    "pretrained_table",
]
# No sphinx.ext.intersphinx: the docs must build without network access.

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
    html_sidebars = {"install": [], "data": []}

html_title = f"skmat {release}"
html_static_path: list[str] = []
html_show_sourcelink = False

# -- Extension hooks ----------------------------------------------------------


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
