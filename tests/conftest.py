"""Test-wide settings."""

import pytest


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
