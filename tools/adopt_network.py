"""Ship networks that ``tools/pretrain.py --out-dir DIR`` trained outside the package.

A candidate network is trained into a folder of its own (``--out-dir``), so
that it is scored (``benchmarks/oqmd_average_combinations.py --candidates``)
before it costs the package its megabytes. This script moves the chosen ones
in: it copies each file into ``skmat/_weights`` and its entry, as the
training tool wrote it (training record, scores, SHA-256), into
``skmat/_weights/manifest.json``. A file that does not match the SHA-256 its
entry records is refused, and so is a name the package already ships with
other content.

Run::

    python tools/adopt_network.py --from runs/ oqmd-line-l1 oqmd-gelu2-l1
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python tools/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import shutil
from pathlib import Path

from benchmarks._common import trained_network
from tools.pretrain import DEFAULT_OUT, editing_manifest, read_manifest


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="+", help="networks of the --from folder's manifest")
    parser.add_argument("--from", dest="source", type=Path, required=True, metavar="DIR",
                        help="the --out-dir the networks were trained into")
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT, help="default: skmat/_weights")
    return parser.parse_args(argv)


def checked_entry(name, source, shipped):
    """The manifest entry of ``name`` in ``source``, its file checked; ``None`` if ``shipped`` already has it."""
    found = trained_network(source, name)
    if found is None:
        raise SystemExit(f"{name!r} is not a network trained into {source} (no entry with a file in its manifest).")
    entry = found[0]
    present = shipped.get(name)
    if present is not None:
        if present.get("sha256") != entry["sha256"]:
            raise SystemExit(f"The package already ships another network named {name!r}; train under a new name.")
        return None
    return entry


def main(argv=None):
    args = parse_args(argv)
    shipped = read_manifest(args.out_dir)
    entries = {name: checked_entry(name, args.source, shipped) for name in args.names}  # all checked first
    for name, entry in entries.items():
        if entry is None:
            print(f"{name}: already shipped")
            continue
        shutil.copyfile(args.source / entry["file"], args.out_dir / entry["file"])
        with editing_manifest(args.out_dir) as manifest:
            manifest[name] = entry
        print(f"{name}: shipped {args.out_dir / entry['file']} and its entry")


if __name__ == "__main__":
    main()
