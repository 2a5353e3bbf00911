"""What the benchmark scripts share: the machine line, the command line, resumable result CSVs, Magpie features.

Every results CSV starts with a ``#`` line naming the command that made it
and has one row per finished fit, so a run that stops can be continued by
running the same command again. The scripts import this module by name:
running ``python benchmarks/<script>.py`` puts ``benchmarks/`` on the path.
"""

from __future__ import annotations

import os
import platform
import shlex
import sys
from pathlib import Path

import numpy as np
import pandas as pd


def machine_description(device="cpu"):
    """``"x86_64 2 cores, torch 2.13.0+cpu"``, plus the GPU's name when ``device`` is CUDA."""
    import torch

    text = f"{platform.machine()} {os.cpu_count()} cores, torch {torch.__version__}"
    if str(device).startswith("cuda") and torch.cuda.is_available():
        text += f", {torch.cuda.get_device_name(0)}"
    return text


def command_line(argv=None):
    """The command as a user would type it from the repository root: ``python benchmarks/<script>.py <args>``.

    The script's path is written from the repository root wherever it was
    started from (``cd benchmarks && python quick_ptr.py`` is written as
    ``python benchmarks/quick_ptr.py``), so the results' ``# made by:``
    lines always name a command that runs from a clean clone.
    """
    args = list(argv) if argv is not None else sys.argv[1:]
    script = Path(sys.argv[0]).resolve()
    root = Path(__file__).resolve().parents[1]
    shown = script.relative_to(root).as_posix() if script.is_relative_to(root) else Path(sys.argv[0]).as_posix()
    return "python " + shlex.join([shown, *args])


def read_results(path, columns):
    """The rows already in a results CSV (comment lines skipped); empty with ``columns`` if none.

    A torn last line (no newline at its end: a run killed while writing
    it) is not a row: its fit counts as not done.
    """
    import io

    if not path.exists():
        return pd.DataFrame(columns=columns)
    text, _ = split_torn_line(path.read_text())
    if not any(line and not line.startswith("#") for line in text.splitlines()):
        return pd.DataFrame(columns=columns)
    return pd.read_csv(io.StringIO(text), comment="#", keep_default_na=False)


def split_torn_line(text):
    """``(complete lines, torn last line)`` of a results file's text; the torn part is ``""`` if there is none.

    A last line without a newline at its end was being written when its run
    was killed: it is not a row.
    """
    complete = text[: text.rfind("\n") + 1]
    return complete, text[len(complete):]


def header_lines(text, header_line):
    """The ``#`` lines of a results file's ``text`` (one per command that wrote rows), with ``header_line`` added once."""
    old = [line for line in text.splitlines() if line.startswith("#")]
    return old if header_line in old else [*old, header_line]


def append_row(path, row, columns, header_line):
    """Append one result row.

    A new file first gets ``header_line`` and the column names. An existing
    file written by another command gets ``header_line`` added below its
    other ``#`` lines (:func:`header_lines`), so every command that wrote
    rows stays named. Otherwise the file is only appended to, the row in
    one ``write``, so a run killed mid-write loses at most its own row: a
    torn last line (no newline at its end) is dropped before the next row
    is appended, and its fit runs again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    text, torn = split_torn_line(path.read_text() if path.exists() else "")
    if torn:
        print(f"dropping a torn last line of {path} (a run killed while writing it): {torn!r}", flush=True)
        path.write_text(text)
    if not text:
        path.write_text(header_line + "\n")
    elif header_line not in text.splitlines():
        body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))
        path.write_text("\n".join(header_lines(text, header_line)) + "\n" + body)
    has_columns = any(not line.startswith("#") for line in text.splitlines())
    line = pd.DataFrame([row], columns=columns).to_csv(index=False, header=not has_columns)
    with open(path, "a") as handle:
        handle.write(line)


def magpie_features(formulas, cache=None):
    """Matminer's 132 Magpie statistics for each formula (Ward et al., npj Comput. Mater. 2, 16028, 2016).

    With a ``cache`` path the features are stored there with the formulas
    they belong to, and read back only for the same formulas.
    """
    formulas = np.asarray(formulas, dtype=str)
    if cache is not None and cache.exists():
        with np.load(cache) as saved:
            if np.array_equal(saved["formulas"], formulas):
                return saved["features"]
    from matminer.featurizers.composition import ElementProperty
    from pymatgen.core import Composition

    featurizer = ElementProperty.from_preset("magpie")
    featurizer.set_n_jobs(1)
    features = np.asarray(
        featurizer.featurize_many([Composition(f) for f in formulas], pbar=False), dtype=float
    )
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, features=features, formulas=formulas)
    return features
