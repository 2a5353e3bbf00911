"""Test-wide settings."""

import importlib.util
import sys
from importlib import resources
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


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


def load_benchmark(name):
    """A benchmark script as a fresh module, importable the way ``python benchmarks/<name>.py`` runs it.

    The scripts import their shared helpers (``_common``) and each other by
    name, so ``benchmarks/`` goes on ``sys.path``.
    """
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
