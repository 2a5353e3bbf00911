"""Rewrite the shipped pretrained files in the current skmat file format, keeping their weights.

Reads each ``skmat/_weights/<name>.skmat`` with :func:`skmat.load_pipeline`,
writes it back with :func:`skmat.save_pipeline` (public class names and a
content checksum since format version 2), checks that the rewritten file
predicts bit for bit what the old one did on every formula of the bundled
OQMD test split, and updates the file's ``sha256`` and ``size_bytes`` in
``manifest.json``. Nothing else in the manifest changes: the network is the
same one.

Run::

    python tools/resave_pretrained.py            # every shipped network
    python tools/resave_pretrained.py --name oqmd
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python tools/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import io
import warnings

import numpy as np

from tools.pretrain import DEFAULT_OUT as WEIGHTS
from tools.pretrain import ROOT, editing_manifest, sha256


def resave(name, manifest):
    from skmat import load_pipeline, parse_formula, save_pipeline
    from skmat.datasets import load_oqmd

    path = WEIGHTS / manifest[name]["file"]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*format version 1.*")  # that is why it is rewritten
        old = load_pipeline(path)
    buffer = io.BytesIO()
    save_pipeline(old, buffer)
    new = load_pipeline(io.BytesIO(buffer.getvalue()))
    formulas = load_oqmd("formation_enthalpy", split="test").data.tolist()
    elements = set(manifest[name]["elements"])
    usable = [f for f in formulas if set(parse_formula(f)) <= elements]
    if not np.array_equal(new.predict(usable), old.predict(usable)):
        raise SystemExit(f"{name}: the rewritten file predicts differently; nothing written.")
    path.write_bytes(buffer.getvalue())
    manifest[name]["sha256"] = sha256(path)
    manifest[name]["size_bytes"] = path.stat().st_size
    print(f"{name}: rewrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes), same predictions "
          f"on {len(usable)} test formulas")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", action="append", help="network to rewrite (default: all in the manifest)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    with editing_manifest(WEIGHTS) as manifest:
        for name in args.name or sorted(manifest):
            resave(name, manifest)


if __name__ == "__main__":
    main()
