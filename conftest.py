"""Repository-wide pytest settings: what is collected and what is marked ``slow``.

Fixtures live in ``tests/conftest.py``. ``python -m pytest`` (the README's
command) runs everything not marked ``slow`` (``addopts`` in
``pyproject.toml``); ``python -m pytest -m slow`` runs the rest, and
``.ci/run`` runs both, in that order.

Tests are marked ``slow`` where they are written (``@pytest.mark.slow``; the
gallery scripts in ``tests/test_examples.py``). Doctests cannot carry a
decorator and are marked here, in ``pytest_collection_modifyitems``:

* **Doctests that train a network**, found by what they do rather than by a
  list of names, so that a docstring that moves or is renamed keeps its mark:
  a doctest is slow when its examples call ``fit``/``partial_fit`` and name
  a skmat network estimator, i.e. a class of ``skmat.models`` that subclasses
  skorch's ``NeuralNet`` (read from ``skmat.models.__all__`` at collection,
  so a new network class is covered without editing this file).
  ``tests/test_docstrings.py`` checks that the rule still finds the training
  examples of every network class and no other.
"""

import re

import pytest

# tests/data/*/make_files.py are the scripts that wrote the saved-file
# fixtures; they are not tests, and ``--doctest-modules`` would import two
# modules both named ``make_files``.
collect_ignore = ["tests/data"]

FIT_CALL = re.compile(r"\.(partial_)?fit\(")


def network_estimator_names():
    """Names of the public skmat estimators that train a torch network (subclasses of skorch's NeuralNet)."""
    import inspect

    from skorch import NeuralNet

    import skmat.models

    return sorted(
        name for name in skmat.models.__all__
        if inspect.isclass(obj := getattr(skmat.models, name)) and issubclass(obj, NeuralNet)
    )


def trains_a_network(source, names):
    """Whether doctest ``source`` (its examples' code, joined) fits one of the network estimators ``names``."""
    named = re.search(r"\b(" + "|".join(map(re.escape, names)) + r")\b", source)
    return bool(named and FIT_CALL.search(source))


@pytest.hookimpl(tryfirst=True)  # before the -m "not slow" deselection of the mark plugin
def pytest_collection_modifyitems(config, items):
    names = None
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            names = names if names is not None else network_estimator_names()
            if trains_a_network("".join(example.source for example in item.dtest.examples), names):
                item.add_marker(pytest.mark.slow)
