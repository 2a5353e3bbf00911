"""Build the data files skmat ships in ``skmat/_data/`` from their sources.

Run from the repository root with the ``build`` extra installed::

    python tools/build_bundled_data.py --shared ../shared

It writes, byte-for-byte reproducibly (gzip with a fixed mtime):

* ``elements.csv``: symbol, Z, period, group, block, Mendeleev number and
  f-series index for Z = 1 … 103, from matminer's Magpie tables
  (``Number``, ``MendeleevNumber``, ``Row``, ``Column``, ``IsFBlock``) and
  pymatgen's element symbols.
* ``oqmd_heusler.csv.gz``: every X2YZ composition (three elements with atomic
  fractions 1/2, 1/4, 1/4) of CrabNet's OQMD formation-enthalpy and
  volume-per-atom benchmark sets, with its CrabNet split.
* ``mp_heusler_stability.csv.gz``: every X2YZ composition of CrabNet's
  Materials Project energy-above-hull set.
* ``oqmd_formation_enthalpy.csv.gz`` and ``oqmd_volume_per_atom.csv.gz``:
  CrabNet's two full OQMD benchmark sets (341,700 compositions each), rows in
  CrabNet's order with their split. The two tasks share their formulas but
  not their splits, so each keeps its own file.
* ``SHA256SUMS``: checksums verified by :mod:`skmat.datasets` on load.

Sources and licences are listed in ``skmat/datasets/_heusler.py`` and ``docs/data.rst``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "skmat" / "_data"
SPLITS = ("train", "val", "test")


def read_magpie(name):
    from matminer.utils.data_files import __file__ as data_init

    path = Path(data_init).parent / "magpie_elementdata" / f"{name}.table"
    return [line.strip() for line in path.read_text().splitlines()]


def build_elements():
    from pymatgen.core.periodic_table import Element

    number = read_magpie("Number")
    mendeleev = read_magpie("MendeleevNumber")
    row = read_magpie("Row")
    column = read_magpie("Column")
    is_f = read_magpie("IsFBlock")
    records = []
    for i in range(len(number)):
        if mendeleev[i] in ("Missing", ""):
            break  # Magpie has no Mendeleev number past Lr (Z = 103)
        z = int(float(number[i]))
        period, group = int(float(row[i])), int(float(column[i]))
        f_block = float(is_f[i]) == 1.0
        if f_block:
            block = "f"
            f_index = z - (57 if period == 6 else 89)
        else:
            block = "s" if group <= 2 or z == 2 else ("d" if group <= 12 else "p")
            f_index = -1
        records.append(
            {
                "symbol": Element.from_Z(z).symbol,
                "Z": z,
                "period": period,
                "group": group,
                "block": block,
                "mendeleev_number": int(float(mendeleev[i])),
                "f_index": f_index,
            }
        )
    frame = pd.DataFrame.from_records(records)
    assert frame["Z"].tolist() == list(range(1, len(frame) + 1))
    assert frame["mendeleev_number"].is_unique
    assert sorted(frame.loc[frame.block == "f", "f_index"].tolist()) == sorted(list(range(15)) * 2)
    return frame


def write_csv_gz(frame, path):
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.10g")
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(buffer.getvalue().encode())


def read_split_set(shared, task):
    frames = []
    for split in SPLITS:
        frame = pd.read_csv(
            shared / "data" / "crabnet-benchmark" / task / f"{split}.csv.gz",
            keep_default_na=False,  # the formula "NaN" (sodium nitride) is not missing
            dtype={"formula": str, "target": float},
        )
        frame["split"] = split
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def heusler_sites(formulas):
    """X, Y, Z symbols of the X2YZ formulas, or None for other formulas."""
    from skmat._formula import parse_formula

    sites = []
    for formula in formulas:
        amounts = parse_formula(formula)
        if len(amounts) != 3:
            sites.append(None)
            continue
        total = sum(amounts.values())
        fractions = {el: value / total for el, value in amounts.items()}
        x = [el for el, f in fractions.items() if abs(f - 0.5) < 1e-9]
        yz = [el for el, f in fractions.items() if abs(f - 0.25) < 1e-9]
        sites.append((x[0], yz[0], yz[1]) if len(x) == 1 and len(yz) == 2 else None)
    return sites


def build_oqmd(shared):
    enthalpy = read_split_set(shared, "OQMD_Formation_Enthalpy")
    volume = read_split_set(shared, "OQMD_Volume_per_atom")
    assert enthalpy["formula"].is_unique and volume["formula"].is_unique
    merged = enthalpy.rename(columns={"target": "formation_enthalpy"}).merge(
        volume.rename(columns={"target": "volume_per_atom"}).drop(columns="split"),
        on="formula",
        how="inner",
        validate="one_to_one",
    )
    assert len(merged) == len(enthalpy) == len(volume)
    sites = heusler_sites(merged["formula"])
    keep = np.array([s is not None for s in sites])
    frame = merged.loc[keep].reset_index(drop=True)
    frame[["X", "Y", "Z"]] = pd.DataFrame([s for s in sites if s is not None])
    return frame[["formula", "X", "Y", "Z", "formation_enthalpy", "volume_per_atom", "split"]]


OQMD_TASKS = {
    "formation_enthalpy": "OQMD_Formation_Enthalpy",
    "volume_per_atom": "OQMD_Volume_per_atom",
}


def build_oqmd_task(shared, task):
    frame = read_split_set(shared, OQMD_TASKS[task])
    assert frame["formula"].is_unique
    return frame[["formula", "target", "split"]]


def build_mp(shared):
    hull = read_split_set(shared, "mp_e_hull").rename(columns={"target": "e_above_hull"})
    sites = heusler_sites(hull["formula"])
    keep = np.array([s is not None for s in sites])
    frame = hull.loc[keep].reset_index(drop=True)
    frame[["X", "Y", "Z"]] = pd.DataFrame([s for s in sites if s is not None])
    return frame[["formula", "X", "Y", "Z", "e_above_hull", "split"]]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)

    elements = build_elements()
    elements.to_csv(OUT / "elements.csv", index=False, lineterminator="\n")
    # The formula parser reads the element table just written.
    sys.path.insert(0, str(ROOT))

    oqmd = build_oqmd(args.shared)
    write_csv_gz(oqmd, OUT / "oqmd_heusler.csv.gz")
    mp = build_mp(args.shared)
    write_csv_gz(mp, OUT / "mp_heusler_stability.csv.gz")
    print(f"elements: {len(elements)}, OQMD X2YZ: {len(oqmd)}, MP X2YZ: {len(mp)}")
    names = ["elements.csv", "oqmd_heusler.csv.gz", "mp_heusler_stability.csv.gz"]
    for task in OQMD_TASKS:
        full = build_oqmd_task(args.shared, task)
        write_csv_gz(full, OUT / f"oqmd_{task}.csv.gz")
        names.append(f"oqmd_{task}.csv.gz")
        print(f"OQMD {task}: {len(full)}")

    with open(OUT / "SHA256SUMS", "w", newline="\n") as sums:
        for name in names:
            digest = hashlib.sha256((OUT / name).read_bytes()).hexdigest()
            sums.write(f"{digest}  {name}\n")
    print(f"wrote {', '.join(names)} and SHA256SUMS to {OUT}")


if __name__ == "__main__":
    main()
