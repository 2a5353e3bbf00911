"""Imports inside skmat run downward only: the layers of ``docs/developers.rst``.

Every ``import`` and ``from ... import`` in the package's source, at module
level or inside a function (a lazy import is still a dependency), is read
with :mod:`ast` (docstring examples are not code and are not read). A module
may import from the layers below it and from its own package or module;
the entries of one layer do not import each other. A new module must be placed in a layer here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "skmat"

# Lowest first. A key names a module or a package (all modules under it).
LAYERS = [
    # shared foundations, torch-free and data-set-free
    {"skmat._version", "skmat._errors", "skmat._validation", "skmat._curve_checks", "skmat._data",
     "skmat._weights"},
    {"skmat._bundled"},  # the bundled files, read after their checksum
    {"skmat._elements"},  # the element table (from a bundled file)
    {"skmat._formula", "skmat._layouts"},  # formulas and periodic-table layouts over the elements
    # the torch-free small punch core (mechanics, simulator, rig, calibration, solver, curve input)
    {"skmat._small_punch"},
    # what users compose; none of these imports another of them
    {"skmat.encoders", "skmat.metrics", "skmat.preprocessing", "skmat.datasets"},
    # the estimators on torch/skorch (and the torch-free inverse fit), and the shipped networks
    {"skmat.models"},
]
TOP = "skmat"  # skmat/__init__.py: the lazy top level, may name anything


def unit_of(module):
    """The layer entry (module or package) that ``module`` belongs to."""
    for layer in LAYERS:
        for unit in layer:
            if module == unit or module.startswith(unit + "."):
                return unit
    return None


def layer_of(unit):
    return next(i for i, layer in enumerate(LAYERS) if unit in layer)


def module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path):
    """Absolute names of the skmat modules that ``path`` imports, with line numbers."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # "from . import x" / "from .pkg import sub": the names may be modules
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names]
    return [(target, line) for target, line in found if target == "skmat" or target.startswith("skmat.")]


SOURCES = sorted(ROOT.rglob("*.py"))


def test_every_module_has_a_layer():
    missing = [module_name(path) for path in SOURCES if module_name(path) != TOP and unit_of(module_name(path)) is None]
    assert missing == [], f"place these modules in a layer of tests/test_architecture.py: {missing}"


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: module_name(path))
def test_imports_run_downward(path):
    name = module_name(path)
    if name == TOP:
        return
    unit = unit_of(name)
    upward = []
    for target, line in imported_modules(path):
        if target == "skmat":
            upward.append(f"line {line}: imports the top level skmat (import what you need from its layer)")
            continue
        other = unit_of(target)
        if other is None:  # a name, not a module ("from .x import func" yields "pkg.x.func")
            other = unit_of(target.rpartition(".")[0])
        if other is None or other == unit:
            continue
        if layer_of(other) >= layer_of(unit):
            upward.append(f"line {line}: {target} (layer {layer_of(other)}; {name} is in layer {layer_of(unit)})")
    assert upward == [], f"{name} imports upward or sideways:\n" + "\n".join(upward)


def test_the_check_catches_an_upward_import(tmp_path, monkeypatch):
    """The test itself: a metric importing a model is reported."""
    fake = ROOT / "metrics" / "_curves.py"
    source = fake.read_text() + "\n\ndef _late():\n    from ..models import PTRCNNRegressor\n"
    copy = tmp_path / "skmat" / "metrics" / "_curves.py"
    copy.parent.mkdir(parents=True)
    copy.write_text(source)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path / "skmat")
    targets = [target for target, _ in imported_modules(copy)]
    assert "skmat.models" in targets
    with pytest.raises(AssertionError, match="imports upward or sideways"):
        test_imports_run_downward(copy)


PUBLIC_PACKAGES = ("skmat.encoders", "skmat.metrics", "skmat.preprocessing", "skmat.datasets", "skmat.models")


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: module_name(path))
def test_other_packages_private_modules_are_not_imported(path):
    """Outside a public package only its public names are used: its private modules may move."""
    name = module_name(path)
    reaching = []
    for target, line in imported_modules(path):
        for package in PUBLIC_PACKAGES:
            inside = name == package or name.startswith(package + ".")
            if not inside and target.startswith(package + "._"):
                reaching.append(f"line {line}: {target}")
    assert reaching == [], f"{name} reaches into another package's private modules:\n" + "\n".join(reaching)
