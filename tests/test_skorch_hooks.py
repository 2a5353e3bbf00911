"""The skorch API skmat relies on, pinned so that an incompatible skorch fails here first.

skmat subclasses :class:`skorch.NeuralNet` and uses these of its hooks and
attributes. All are public or documented for subclassing except
``_default_callbacks`` (a property skorch's own subclasses override) and
``PrintLog``'s ``table``/``_sink``/``first_iteration_`` (used by
:class:`skmat.models.ProgressLog`). skmat passes no private argument to skorch.
"""

from __future__ import annotations

import inspect
from importlib.metadata import version

import skorch
from packaging.version import Version
from skorch import NeuralNet
from skorch.callbacks import PrintLog

from skmat.models import _network_base

try:  # tomllib is in the standard library from Python 3.11
    import tomllib
except ImportError:  # pragma: no cover
    tomllib = None


def test_installed_skorch_satisfies_the_declared_minimum():
    import pathlib

    pyproject = pathlib.Path(__file__).resolve().parents[1] / "pyproject.toml"
    dependencies = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    (requirement,) = [dep for dep in dependencies if dep.startswith("skorch")]
    minimum = requirement.split(">=")[1].split(",")[0]
    assert Version(version("skorch")) >= Version(minimum)


def test_net_hooks_used_by_skmat_exist():
    for name in ("initialize", "initialize_module", "initialized_instance", "get_params_for", "notify",
                 "fit_loop", "forward_iter", "check_is_fitted"):
        assert callable(getattr(NeuralNet, name)), name
    assert isinstance(inspect.getattr_static(NeuralNet, "_default_callbacks"), property)
    assert "epochs" in inspect.signature(NeuralNet.fit_loop).parameters
    assert list(inspect.signature(NeuralNet.notify).parameters)[:2] == ["self", "method_name"]


def test_default_callbacks_are_name_callback_pairs_with_a_print_log():
    net = NeuralNet(module=None, criterion=None)
    pairs = net._default_callbacks
    assert all(isinstance(name, str) for name, _ in pairs)
    assert "print_log" in dict(pairs)
    names = [name for name, _ in _network_base.default_callbacks(pairs)]
    assert names[-2:] == ["lr_schedule", "finite_loss"] and "print_log" in names


def test_print_log_internals_used_by_progress_log():
    log = PrintLog().initialize()
    assert log.first_iteration_ is True
    row = {"epoch": 1, "train_loss": 0.5, "dur": 0.1}
    assert len(log.table(row).splitlines()) == 3  # header, rule, row
    assert list(inspect.signature(PrintLog._sink).parameters) == ["self", "text", "verbose"]


def test_skorch_exposes_a_version():
    assert skorch.__version__
