"""Docstrings point only at public names and state the defaults the code has.

numpydoc is not installed in the test environment, so this file reads the
few parts of the numpydoc format it checks itself: section headers
(a title over a line of dashes), the entries of "See Also", the ``name :
type`` lines of Parameters / Attributes / Returns / Raises, and Sphinx roles
(``:class:`~skmat.X```, ``:func:`x```, ``:meth:`title <skmat.X.y>```).

A reference resolves the way Sphinx resolves it on the page of the object
that holds it: a dotted ``skmat...`` name must be reachable attribute by
attribute from ``skmat`` through public names only, and a bare name must be
a member of the object's class, a member of the public module the object is
documented in (``skmat`` for the top-level names, ``skmat.models`` for the
others), or a builtin. Names of other projects (``sklearn.``, ``torch.`` …)
are their documentation's business and are not checked.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import re
import sys
import textwrap

import pytest

import skmat

PUBLIC_PACKAGES = ("skmat", "skmat.datasets", "skmat.encoders", "skmat.metrics", "skmat.models", "skmat.preprocessing")
EXTERNAL = {
    "accelerate", "collections", "dask", "dataclasses", "distributed", "io", "joblib", "matminer", "matplotlib",
    "np", "numpy", "os", "pandas", "pathlib", "pd", "pymatgen", "pyts", "scipy", "sklearn", "skorch", "torch",
    "typing",
}
ROLE = re.compile(r":(?:py:)?(?:class|func|meth|mod|obj|attr|data|exc|const):`([^`]+)`")
SECTION_UNDERLINE = re.compile(r"-{3,}")
TYPED_SECTIONS = ("Parameters", "Other Parameters", "Attributes", "Returns", "Yields", "Raises", "Warns")
DOTTED = re.compile(r"(?<![\w./-])skmat(?:\.[A-Za-z_]\w*)+")
IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
LITERAL = re.compile(r"``([^`]+)``")


# -- what is documented ---------------------------------------------------------


def _public_objects():
    """(public path, public module, object) for every public name, each object once, top level first."""
    seen = {}
    for package in PUBLIC_PACKAGES:
        module = importlib.import_module(package)
        seen.setdefault(id(module), (package, package, module))
        for name in module.__all__:
            obj = getattr(module, name)
            if not (inspect.ismodule(obj) or inspect.isclass(obj) or inspect.isroutine(obj)):
                continue  # data (DEFAULT_CONSTANTS, CURVE_INPUT_KEYS) carries its type's docstring
            seen.setdefault(id(obj), (f"{package}.{name}", package, obj))
    return list(seen.values())


def _own_members(cls):
    """Public methods and properties a skmat class gets from skmat itself (what its docs page shows)."""
    for name in sorted(dir(cls)):
        if name.startswith("_") and name != "__call__":
            continue
        raw = next((vars(klass)[name] for klass in cls.__mro__ if name in vars(klass)), None)
        target = getattr(raw, "fget", None) or getattr(raw, "__func__", None) or raw
        if not callable(target):
            continue
        if not (getattr(inspect.unwrap(target), "__module__", None) or "").startswith("skmat"):
            continue
        yield name, target


def documented():
    """(path, public module, class path or None, object) of every docstring the API reference shows."""
    items = []
    for path, module, obj in _public_objects():
        # On a class's page, Sphinx resolves bare names against the class too.
        items.append((path, module, path if inspect.isclass(obj) else None, obj))
        if inspect.isclass(obj) and obj.__module__.startswith("skmat"):
            items += [(f"{path}.{name}", module, path, member) for name, member in _own_members(obj)]
    return [item for item in items if (item[3].__doc__ or "").strip()]


DOCUMENTED = documented()
IDS = [item[0] for item in DOCUMENTED]


def _skmat_names():
    """Names of the classes and functions defined anywhere in skmat, private modules included."""
    names = set()
    for module_name, module in list(sys.modules.items()):
        if module_name.split(".")[0] != "skmat" or module is None:
            continue
        for name, value in vars(module).items():
            if (inspect.isclass(value) or inspect.isfunction(value)) and getattr(value, "__module__", None) == module_name:
                names.add(name)
    return {name for name in names if not name.startswith("_")}


# -- reading numpydoc -------------------------------------------------------------


def sections(doc):
    """{section title: its lines}; the summary and extended summary are under ""."""
    lines = inspect.cleandoc(doc).splitlines()
    out, current, i = {"": []}, "", 0
    while i < len(lines):
        line = lines[i]
        if (i + 1 < len(lines) and line.strip() and line == line.lstrip()
                and SECTION_UNDERLINE.fullmatch(lines[i + 1].strip())):
            current = line.strip()
            out[current] = []
            i += 2
            continue
        out[current].append(line)
        i += 1
    return out


def entries(lines):
    """The unindented lines of a section: one per entry (continuations are indented)."""
    return [line for line in lines if line.strip() and line == line.lstrip()]


def see_also_names(doc):
    names = []
    for line in entries(sections(doc).get("See Also", [])):
        head = line.split(" : ", 1)[0]
        for name in head.split(","):
            name = name.strip()
            match = ROLE.fullmatch(name)
            names.append(_role_target(match.group(1)) if match else name)
    return [name for name in names if name]


def _role_target(text):
    match = re.search(r"<([^>]+)>\s*$", text)
    target = match.group(1) if match else text
    return target.strip().lstrip("~!.").removesuffix("()")


def role_targets(doc):
    return [_role_target(text) for text in ROLE.findall(doc)]


def typed_entries(doc):
    """(section, name or None, type) of every typed entry."""
    out = []
    for title in TYPED_SECTIONS:
        for line in entries(sections(doc).get(title, [])):
            name, sep, kind = line.partition(" : ")
            if not sep:
                name, kind = None, line
            out.append((title, name and name.strip(), kind.strip()))
    return out


# -- resolving names --------------------------------------------------------------


def resolve_public(dotted):
    """Whether ``skmat.a.b`` is reachable from skmat through public attributes only."""
    parts = dotted.split(".")
    if parts[0] != "skmat" or any(p.startswith("_") for p in parts[1:]):
        return False
    obj = skmat
    for part in parts[1:]:
        try:
            obj = getattr(obj, part)
        except AttributeError:
            return False
    return True


def resolves(name, module, cls):
    """Whether a name written in a docstring of ``module`` (and class ``cls``) reaches a public object."""
    if name.split(".")[0] in EXTERNAL:
        return True
    if "." not in name and hasattr(builtins, name):
        return True
    candidates = [name, f"{module}.{name}"] + ([f"{cls}.{name}"] if cls else [])
    return any(resolve_public(candidate) for candidate in candidates)


SKMAT_NAMES = _skmat_names()


# -- (a) every reference reaches a public name -------------------------------------


@pytest.mark.parametrize(("path", "module", "cls", "obj"), DOCUMENTED, ids=IDS)
def test_roles_and_see_also_resolve_to_public_names(path, module, cls, obj):
    doc = obj.__doc__
    bad = [f"role {target!r}" for target in role_targets(doc) if not resolves(target, module, cls)]
    bad += [f"See Also {name!r}" for name in see_also_names(doc) if not resolves(name, module, cls)]
    assert not bad, f"{path} refers to names not reachable from {module}: {bad}"


@pytest.mark.parametrize(("path", "module", "cls", "obj"), DOCUMENTED, ids=IDS)
def test_types_name_public_classes(path, module, cls, obj):
    """``pretrained : PretrainedPTRCNN`` on ``skmat.PTRCNNRegressor`` is a name users cannot find there."""
    bad = []
    for section, name, kind in typed_entries(obj.__doc__):
        for token in IDENTIFIER.findall(kind.split("default=")[0]):
            if token.startswith("skmat."):
                ok = resolve_public(token)
            elif token[0].isupper() and token.split(".")[0] in SKMAT_NAMES:  # class names, not n_curves
                ok = resolves(token, module, cls)
            else:
                continue
            if not ok:
                bad.append(f"{section} {name or ''} : {kind}")
    assert not bad, f"{path} types name classes not reachable from {module}: {bad}"


def prose(doc):
    """The docstring without its Examples (whose imports doctest checks) and without roles."""
    parts = sections(doc)
    return ROLE.sub("", "\n".join(line for title, lines in parts.items() if title != "Examples" for line in lines))


CLASS_LIKE = re.compile(r"(?<![\w.])([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*|[A-Z]{2,}[A-Za-z0-9]*)(?!\w)")
CALL = re.compile(r"(?<![\w.])([a-z_]\w*)\(")


@pytest.mark.parametrize(("path", "module", "cls", "obj"), DOCUMENTED, ids=IDS)
def test_prose_mentions_public_names(path, module, cls, obj):
    """``skmat.x.y`` anywhere, and skmat's class names and calls in prose, resolve where they are written.

    ``PretrainedPTRCNN`` in a docstring of ``skmat.PTRCNNRegressor`` sends a
    reader to ``skmat.PretrainedPTRCNN``, which does not exist: write
    ``skmat.models.PretrainedPTRCNN``.
    """
    doc = obj.__doc__
    bad = [dotted for dotted in DOTTED.findall(doc) if not resolve_public(dotted)]
    text = prose(doc)
    names = set(CLASS_LIKE.findall(text)) | {name for literal in LITERAL.findall(text) for name in CALL.findall(literal)}
    bad += sorted(name for name in names if name in SKMAT_NAMES and not resolves(name, module, cls))
    assert not bad, f"{path} mentions names that are not reachable from {module} as written: {bad}"


def test_the_checks_catch_the_reported_mistakes():
    assert not resolves("PretrainedPTRCNN", "skmat", "skmat.PTRCNNRegressor")
    assert resolves("skmat.models.PretrainedPTRCNN", "skmat", "skmat.PTRCNNRegressor")
    assert not resolves("paper_training_params", "skmat", "skmat.PTRCNNRegressor")
    assert resolves("paper_training_params", "skmat.models", None)
    assert not resolve_public("skmat._formula.FormulaError")
    assert resolves("from_regressor", "skmat", "skmat.PTRCNNRegressor")
    assert see_also_names("x\n\nSee Also\n--------\na, b : c\n    d\n:func:`~skmat.e` : f\n") == ["a", "b", "skmat.e"]
    assert role_targets(":meth:`PTRCNNClassifier.from_regressor <skmat.models.PTRCNNClassifier.from_regressor>`") == [
        "skmat.models.PTRCNNClassifier.from_regressor"
    ]


# -- (b) stated defaults equal the signature ----------------------------------------


def _signature(obj):
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def _same(stated, actual):
    """Whether the text after ``default=`` states ``actual``."""
    try:
        value = ast.literal_eval(stated)
    except (ValueError, SyntaxError):
        # A name: a class or function default is stated by its (dotted) name.
        name = getattr(actual, "__qualname__", None) or getattr(actual, "__name__", None)
        if name is None:
            return None  # an object stated by name (DEFAULT_CONSTANTS): not comparable here
        return stated == name or stated.endswith(f".{name}") or stated == f"{actual.__module__}.{name}"
    if isinstance(value, (list, tuple)) and isinstance(actual, (list, tuple)):
        numbers = NUMBER.findall(stated)
        if len(value) != len(actual):
            return False
        if len(numbers) != len(value):
            numbers = [None] * len(value)
        return all(_same_value(v, a, text) for v, a, text in zip(value, actual, numbers))
    return _same_value(value, actual, stated)


NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _same_value(value, actual, text):
    """``value`` (as written, ``text``) states ``actual``; a float written with d decimals is rounded."""
    if isinstance(value, bool) or isinstance(actual, bool) or value is None or actual is None:
        return value is actual
    if isinstance(value, (int, float)) and isinstance(actual, (int, float)):
        if isinstance(value, float) != isinstance(actual, float):
            return False  # 64 for 1.0 (an int where the code has a float) is another parameter meaning
        if isinstance(actual, float) and text and "e" not in text.lower() and "." in text:
            return round(actual, len(text.split(".")[1])) == value
        return value == actual
    return value == actual and type(value) is type(actual)


DEFAULT = re.compile(r"default\s*=\s*(.+?)\s*$")


@pytest.mark.parametrize(("path", "module", "cls", "obj"), DOCUMENTED, ids=IDS)
def test_stated_defaults_equal_the_signature(path, module, cls, obj):
    signature = _signature(obj)
    if signature is None:
        return
    parameters = signature.parameters
    bad = []
    for section in ("Parameters", "Other Parameters"):
        for line in entries(sections(obj.__doc__).get(section, [])):
            name, sep, kind = line.partition(" : ")
            match = DEFAULT.search(kind)
            if not sep or not match:
                continue
            names = [n.strip() for n in name.split(",")]
            stated = [match.group(1)]
            if len(names) > 1:  # ``x, y : str, default="Dis", "Force"``: one default per name
                try:
                    stated = [repr(v) for v in ast.literal_eval(f"({match.group(1)},)")]
                except (ValueError, SyntaxError):
                    stated = [match.group(1)] * len(names)
                if len(stated) != len(names):
                    stated = [match.group(1)] * len(names)
            for one, text in zip(names, stated):
                if one not in parameters or parameters[one].default is inspect.Parameter.empty:
                    continue
                if _same(text, parameters[one].default) is False:
                    bad.append(f"{one}: docstring default={text}, signature {parameters[one].default!r}")
    assert not bad, f"{path}: {bad}"


def test_default_comparison():
    assert _same("1.0", 1.0) and not _same("1.0", 64) and not _same("64", 1.0)
    assert _same('"image"', "image") and not _same('"image"', "flat")
    assert _same("None", None) and _same("False", False) and not _same("False", 0)
    assert _same("(-1, 1)", (-1, 1)) and _same('("a", "b")', ("a", "b"))
    assert _same("torch.nn.MSELoss", __import__("torch").nn.MSELoss)
    assert _same("(135.2, 2609.0)", (135.20896359880618, 2608.98376668885))
    assert not _same("(135.2, 2609.4)", (135.20896359880618, 2608.98376668885))


# -- (c) examples said to use the defaults use the defaults --------------------------


def _code_after_defaults(doc):
    """Code blocks (after ``::``) and doctest lines introduced by a sentence about defaults."""
    text = inspect.cleandoc(doc)
    blocks = []
    for match in re.finditer(r"\bdefaults\b[^.]*?::\s*\n((?:\n|[ \t]+.*\n?)+)", text):
        blocks.append(textwrap.dedent(match.group(1)).strip())
    for match in re.finditer(r"\bdefaults\b[^.]*?:\s*\n\s*\n?((?:\s*(?:>>>|\.\.\.) .*\n?)+)", text):
        code = "\n".join(line.strip()[4:] for line in match.group(1).splitlines() if line.strip())
        blocks.append(code)
    return blocks


def _calls_against_defaults(code, module):
    """(call, parameter, given, default) for each argument of a skmat class call that is not its default."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute))):
            continue
        name = ast.unparse(node.func)
        target = next(
            (c for c in (name, f"{module}.{name}", f"skmat.{name}") if resolve_public(c)), None
        )
        if target is None:
            continue
        obj = skmat
        for part in target.split(".")[1:]:
            obj = getattr(obj, part)
        signature = _signature(obj)
        if signature is None:
            continue
        try:
            args = [ast.literal_eval(a) for a in node.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
        except ValueError:
            continue
        bound = signature.bind_partial(*args, **kwargs)
        for parameter, given in bound.arguments.items():
            default = signature.parameters[parameter].default
            if default is not inspect.Parameter.empty and not _same(repr(given), default):
                out.append((ast.unparse(node), parameter, given, default))
    return out


@pytest.mark.parametrize(("path", "module", "cls", "obj"), DOCUMENTED, ids=IDS)
def test_examples_said_to_use_defaults_use_them(path, module, cls, obj):
    bad = []
    for code in _code_after_defaults(obj.__doc__):
        bad += _calls_against_defaults(code, module)
    assert not bad, f"{path}: an example said to use the defaults does not: {bad}"


def test_defaults_example_check_sees_the_reported_case():
    doc = "Put an encoder in front, with its\n    defaults::\n\n        make_pipeline(GramianAngularFieldEncoder(64), SPTSeq2SeqRegressor())\n"
    assert _calls_against_defaults(_code_after_defaults(doc)[0], "skmat")
    fixed = doc.replace("GramianAngularFieldEncoder(64)", "GramianAngularFieldEncoder()")
    assert not _calls_against_defaults(_code_after_defaults(fixed)[0], "skmat")
    assert "defaults" in skmat.SPTSeq2SeqRegressor.__doc__ and _code_after_defaults(skmat.SPTSeq2SeqRegressor.__doc__)


# -- the package docstring -------------------------------------------------------------


def test_help_skmat_names_the_main_entry_points_in_plain_text():
    doc = skmat.__doc__
    for name in (
        "PTRCNNRegressor", "PTRCNNClassifier", "SPTSeq2SeqRegressor", "SPTInverseFitRegressor",
        "PeriodicTableEncoder", "RandomTableEncoder", "MendeleevLineEncoder", "GramianAngularFieldEncoder",
        "CurveResampler", "save_pipeline", "load_pipeline", "load_pretrained", "FormulaError",
        "NonFiniteLossError",
    ):
        assert re.search(rf"\b{name}\b", doc), name
    assert not ROLE.search(doc) and ":class:" not in doc and ":func:" not in doc and ":mod:" not in doc
    for dotted in DOTTED.findall(doc):
        assert resolve_public(dotted), dotted
    for word in re.findall(r"(?<![\w.])(?:[A-Z]\w*[A-Z]\w*|[a-z]+_[a-z_]+)(?![\w.])", doc):
        if word in SKMAT_NAMES:  # a bare name in help(skmat) is a top-level name
            assert resolve_public(f"skmat.{word}"), word


def test_package_docstring_has_no_markup_for_a_terminal():
    assert "``" not in skmat.__doc__ and ":class:" not in skmat.__doc__


# -- the exceptions users are told to catch --------------------------------------------


@pytest.mark.parametrize("name", ["FormulaError", "NonFiniteLossError"])
def test_exceptions_users_catch_are_public_documented_and_shown_by_their_public_name(name):
    import pickle
    import traceback
    from pathlib import Path

    error = getattr(skmat, name)
    assert name in skmat.__all__ and issubclass(error, Exception)
    assert error.__module__ == "skmat" and repr(error) == f"<class 'skmat.{name}'>"
    assert traceback.format_exception_only(error("boom"))[-1] == f"skmat.{name}: boom\n"
    assert type(pickle.loads(pickle.dumps(error("boom")))) is error  # joblib workers send errors by pickle
    assert "Examples" in sections(error.__doc__) or "See Also" in sections(error.__doc__)
    api = (Path(__file__).parents[1] / "docs" / "api.rst").read_text(encoding="utf-8")
    assert re.search(rf"^\.\. currentmodule:: skmat\n(?:(?!\.\. currentmodule::).)*^   {name}$", api, re.M | re.S), name


def test_formula_error_is_a_value_error_from_every_path():
    from skmat._formula import FormulaError
    from skmat.models import NonFiniteLossError

    assert skmat.FormulaError is FormulaError and issubclass(FormulaError, ValueError)
    assert skmat.NonFiniteLossError is NonFiniteLossError and issubclass(NonFiniteLossError, FloatingPointError)
    with pytest.raises(skmat.FormulaError):
        skmat.parse_formula("Xx2")
    with pytest.raises(skmat.FormulaError):
        skmat.PeriodicTableEncoder().fit_transform(["H2O"])


def test_every_top_level_name_is_in_the_api_reference():
    from pathlib import Path

    api = (Path(__file__).parents[1] / "docs" / "api.rst").read_text(encoding="utf-8")
    listed = set(re.findall(r"^   (\w+)$", api, re.M))
    missing = [name for name in skmat.__all__ if name not in listed and not inspect.ismodule(getattr(skmat, name))]
    assert not missing, f"docs/api.rst does not list {missing}"


def test_no_docstring_or_doc_page_names_a_private_module_path_for_an_error():
    """Tracebacks show ``skmat.FormulaError``; so must everything that quotes one."""
    from pathlib import Path

    root = Path(__file__).parents[1]
    files = [*root.glob("skmat/**/*.py"), *root.glob("docs/*.rst"), root / "README.md", *root.glob("examples/*.py")]
    quoted = [str(f.relative_to(root)) for f in files
              if re.search(r"skmat\.[\w.]*_\w+\.(?:FormulaError|NonFiniteLossError)", f.read_text(encoding="utf-8"))]
    assert not quoted, quoted


def test_the_doctests_that_train_networks_are_the_ones_marked_slow():
    """The root conftest.py marks a doctest ``slow`` by what it does (fits a skmat network); check the rule.

    Every network estimator's own example fits it and must be found; the
    examples that fit something else (the inverse fit, the encoders) or fit
    nothing (loading a pretrained network) stay in the default run.
    """
    import doctest
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("_root_conftest", Path(__file__).parents[1] / "conftest.py")
    root = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root)
    names = root.network_estimator_names()
    assert {"PTRCNNRegressor", "PTRCNNClassifier", "SPTSeq2SeqRegressor"} <= set(names), names

    def trains(obj):
        examples = doctest.DocTestParser().get_examples(inspect.getdoc(obj) or "")
        return root.trains_a_network("".join(example.source for example in examples), names)

    import skmat.models

    for name in names:
        assert trains(getattr(skmat.models, name)), f"{name}'s example is not recognised as training a network"
    for obj in (skmat.models.SPTInverseFitRegressor, skmat.MendeleevLineEncoder, skmat.load_pretrained):
        assert not trains(obj), obj
