"""Helpers for the sphinx-gallery build of the skmat docs."""

from __future__ import annotations


def reset_torch_threads(gallery_conf, fname):
    """Run every gallery example with one torch thread.

    The gallery's networks are small (5 x 16 images, a few thousand samples),
    so torch's intra-op parallelism costs more in synchronisation than it
    gains. On a 2-core machine the quickstart example ran in about 6 s with one
    thread against 22 s with two, and 75 s with two when other processes
    were busy on the same cores. One thread keeps the docs build fast and
    its timing predictable.
    """
    import torch

    torch.set_num_threads(1)
