"""Test-wide settings."""

import importlib.util
import sys
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
if str(ROOT) not in sys.path:  # the packages benchmarks/ and tools/, as their scripts import each other
    sys.path.insert(0, str(ROOT))


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread():
    """Run the tests' tiny networks on one torch thread.

    On shared, busy cores torch's intra-op threads spin against each other
    (20-50x slower here); networks of a few hundred weights gain nothing
    from them.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def still_one_torch_thread():
    """Back to one torch thread before every test.

    A benchmark script a test runs may let torch use every core
    (``benchmarks._common.use_all_cores``); every later test would then spin
    its threads against a busy machine's other work (a full suite under
    ``under-load`` crawled through the common estimator checks that way).
    """
    import torch

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)


class CorruptingFiles:
    """Stand-in for ``importlib.resources`` that flips a byte of one file."""

    def __init__(self, name):
        self.name = name

    def files(self, package):
        real = resources.files(package)
        corrupt = self.name

        class Root:
            def joinpath(self, name):
                path = real.joinpath(name)
                if name != corrupt:
                    return path

                class Corrupted:
                    def read_bytes(self):
                        data = bytearray(path.read_bytes())
                        data[len(data) // 2] ^= 0xFF
                        return bytes(data)

                return Corrupted()

        return Root()


def load_benchmark(name, package="benchmarks"):
    """A fresh ``benchmarks.<name>`` (or ``tools.<name>``) module: its constants as written, whatever a test changed.

    It replaces the module in ``sys.modules``, so that its dataclasses and
    its functions, pickled for a Dask worker, resolve to it.
    """
    full_name = f"{package}.{name}"
    importlib.import_module(package)
    spec = importlib.util.spec_from_file_location(full_name, ROOT / package / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[full_name] = module
    spec.loader.exec_module(module)
    return module
