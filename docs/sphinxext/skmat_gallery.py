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


def drop_cdn_assets(app, docname, source):
    """Keep sphinx-gallery's timing pages offline: drop their ``.. raw:: html`` block.

    sphinx-gallery writes ``sg_execution_times.rst`` with a raw-HTML block that
    loads jQuery, Bootstrap and DataTables from CDNs to make the timing table
    sortable; without network those requests fail (and they leak page views).
    The table itself is a plain ``list-table`` below the block and stays, in
    the order sphinx-gallery wrote it. Connected to ``source-read`` in conf.py.
    """
    if docname.rsplit("/", 1)[-1] != "sg_execution_times":
        return
    kept, raw_indent = [], None
    for line in source[0].splitlines(keepends=True):
        text = line.lstrip(" ")
        indent = len(line) - len(text)
        if raw_indent is not None:
            if not text.strip() or indent > raw_indent:
                continue  # inside the raw block
            raw_indent = None
        if text.startswith(".. raw:: html"):
            raw_indent = indent
            continue
        kept.append(line)
    source[0] = "".join(kept)
