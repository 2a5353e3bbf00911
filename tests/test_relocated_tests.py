"""The tests that cover sklearn checks which cannot run, named in one place.

``test_common_encoders.py`` and ``test_curve_resampler.py`` list, in
``SKIPPED_CHECKS``, the sklearn common checks that cannot run on string or
curve input, each with the test that guards the same property instead
("see test_fit_returns_self", "test_encoders.py::test_bad_input_kinds_raise",
"tested in test_formula.py"). This test fails when a named test or test file
is renamed or deleted, so the table cannot point at nothing.
"""

import importlib
import re
from pathlib import Path


TESTS = Path(__file__).parent
MODULES_WITH_SKIPPED_CHECKS = ["test_common_encoders", "test_curve_resampler"]

# "test_x.py::test_y", "test_x.py" or a bare "test_y" of the same module.
REFERENCE = re.compile(r"(test_\w+\.py)(?:::(test_\w+))?|\b(test_\w+)\b")


def _test_functions(module_name):
    module = importlib.import_module(module_name)
    return {name for name, value in vars(module).items() if name.startswith("test_") and callable(value)}


def test_every_named_replacement_test_exists():
    missing, n_references = [], 0
    for module_name in MODULES_WITH_SKIPPED_CHECKS:
        skipped = importlib.import_module(module_name).SKIPPED_CHECKS
        for check, reason in skipped.items():
            for file_name, function, own_function in REFERENCE.findall(reason):
                n_references += 1
                where = f"{module_name}.SKIPPED_CHECKS[{check!r}]"
                if file_name and not (TESTS / file_name).is_file():
                    missing.append(f"{where}: no file {file_name}")
                elif file_name and function and function not in _test_functions(file_name[:-3]):
                    missing.append(f"{where}: no {file_name}::{function}")
                elif own_function and own_function not in _test_functions(module_name):
                    missing.append(f"{where}: no {module_name}.py::{own_function}")
    assert n_references > 40, "the reference pattern no longer matches the tables"
    assert not missing, "\n".join(missing)
