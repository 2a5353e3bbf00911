"""Build the data files skmat ships in ``skmat/_data/`` from their sources.

Run from the repository root with the ``build`` extra installed::

    python tools/build_bundled_data.py --shared ../shared

It writes, byte-for-byte reproducibly (gzip with a fixed mtime):

* ``elements.csv``: symbol, Z, period, group, block, Mendeleev number and
  f-series index for Z = 1 … 103, from matminer's Magpie tables
  (``Number``, ``MendeleevNumber``, ``Row``, ``Column``, ``IsFBlock``) and
  pymatgen's element symbols; then six element properties copied unchanged
  from Magpie's tables of the same name (``ELEMENT_PROPERTIES``: Pauling
  electronegativity, covalent radius, valence electrons, first ionization
  energy, melting temperature, atomic weight). Where Magpie has no value
  (``Missing``, ``None``: e.g. the electronegativity of He, Ne, Ar, Rn, Lr)
  the field is left empty, never filled in.
* ``oqmd_heusler.csv.gz``: every X2YZ composition (three elements with atomic
  fractions 1/2, 1/4, 1/4) of CrabNet's OQMD formation-enthalpy and
  volume-per-atom benchmark sets, with its CrabNet split.
* ``mp_heusler_stability.csv.gz``: every X2YZ composition of CrabNet's
  Materials Project energy-above-hull set.
* ``oqmd_formation_enthalpy.csv.gz`` and ``oqmd_volume_per_atom.csv.gz``:
  CrabNet's two full OQMD benchmark sets (341,700 compositions each), rows in
  CrabNet's order with their split. The two tasks share their formulas but
  not their splits, so each keeps its own file.
* ``spt_fem.csv.gz``: the 40 published finite-element small punch runs of
  ``data/spt-fem/`` (Yang et al. 2025, repository ``Nneeiill/MFDNN``), one
  row per run: its parameters, the force at the 181 displacements
  (``force_<mm>``), and the 35 points of its true stress–strain curve
  (``strain_p<k>``, ``stress_p<k>``). Values are copied unchanged: the
  source has at most 15 significant digits, which ``%.15g`` writes back
  exactly.
* ``matbench_<task>.csv.gz`` (``--wheels DIR`` only): the four composition
  tasks of Matbench v0.1 (``expt_gap``, ``steels``, ``expt_is_metal``,
  ``glass``), columns ``formula,target,fold``: formulas and targets copied
  unchanged from ``crabnet/data/matbench/*.csv`` of the ``crabnet`` 2.0.8
  wheel (MIT licence), in its row order, and ``fold``, the official Matbench
  test fold (0-4) of each row. The folds are checked here, against the
  ``matbench`` 0.6 wheel's ``matbench/matbench_v0.1_validation.json``: for
  every task and fold, its test IDs ``mb-<task>-NNNN`` minus one, and its
  train IDs, must equal the test and train indices of
  ``KFold(5, shuffle=True, random_state=18012019)`` (regression) or
  ``StratifiedKFold`` with the same arguments (classification) over the CSV's
  rows; so the CrabNet row order is Matbench's. Get the two wheels with::

      pip download --no-deps --python-version 3.10 --only-binary=:all: crabnet==2.0.8 -d /tmp/wheels
      pip download --no-deps matbench==0.6 -d /tmp/wheels

  and run ``python tools/build_bundled_data.py --wheels /tmp/wheels`` (add
  ``--matbench-only`` to leave the other files as they are).
  ``--elements-only`` rebuilds ``elements.csv`` alone (it needs only matminer
  and pymatgen) and rewrites its line of ``SHA256SUMS``. Their SHA-256
  is checked against ``MATBENCH_WHEELS``. Without ``--wheels`` the Matbench
  files already in ``skmat/_data`` are kept.
* ``oqmd_band_gap.csv.gz`` (``--wheels DIR`` only): CrabNet's OQMD band-gap
  benchmark set (``crabnet/data/benchmark_data/OQMD_Bandgap/`` of the same
  ``crabnet`` 2.0.8 wheel: 341,608 compositions, DFT band gap in eV), rows
  in CrabNet's order with their split, formulas and targets unchanged.
  ``--matbench-only`` rebuilds it too: it rebuilds every file made from the
  wheels.
* ``SHA256SUMS``: checksums verified by :mod:`skmat.datasets` on load.

Sources and licences are listed in ``skmat/datasets/_heusler.py``,
``skmat/datasets/_small_punch_fem.py`` and ``docs/data.rst``.
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python tools/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import gzip
import hashlib
import io
import json
import re
import zipfile
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


# Element properties bundled with the layout columns: our column name -> Magpie
# table (matminer/utils/data_files/magpie_elementdata/<table>.table), its
# unit, and whether every element up to Lr must have a value.
ELEMENT_PROPERTIES = {
    "electronegativity": ("Electronegativity", "Pauling", False),
    "covalent_radius": ("CovalentRadius", "pm", False),
    "n_valence": ("NValence", "electrons", True),
    "first_ionization_energy": ("FirstIonizationEnergy", "eV", False),
    "melting_point": ("MeltingT", "K", False),
    "atomic_weight": ("AtomicWeight", "u", True),
}
# How Magpie's tables spell a missing value.
MAGPIE_MISSING = re.compile(r'^(Missing(\["\w+"\])?|None|NA|)$')


def magpie_values(name, n):
    """The first ``n`` values of a Magpie table as floats, NaN where Magpie has none."""
    values = []
    for z, token in enumerate(read_magpie(name)[:n], start=1):
        try:
            values.append(float(token))
        except ValueError:
            assert MAGPIE_MISSING.match(token), f"{name}.table, Z = {z}: unexpected entry {token!r}"
            values.append(float("nan"))
    return np.array(values)


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
    for column, (table, _, complete) in ELEMENT_PROPERTIES.items():
        values = magpie_values(table, len(frame))
        assert np.all(values[~np.isnan(values)] > 0), column  # the encoders' channels rely on it
        if complete:
            assert not np.isnan(values).any(), column
            values = values.astype(np.int64) if np.all(values == np.round(values)) else values
        frame[column] = values
    assert frame["Z"].tolist() == list(range(1, len(frame) + 1))
    assert frame["mendeleev_number"].is_unique
    assert sorted(frame.loc[frame.block == "f", "f_index"].tolist()) == sorted(list(range(15)) * 2)
    return frame


def write_elements():
    elements = build_elements()
    elements.to_csv(OUT / "elements.csv", index=False, lineterminator="\n")  # NaN: an empty field
    return elements


def write_csv_gz(frame, path, float_format="%.10g"):
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format=float_format)
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


SPT_FEM_RUN_COLUMNS = [
    "run", "source_id", "thickness_mm", "strength_coefficient_mpa", "hardening_exponent",
    "yield_stress_mpa", "elastic_modulus_mpa",
]
SPT_FEM_DISPLACEMENT = np.round(np.arange(181) * 0.025, 3)  # mm
SPT_FEM_POINTS = 35


def build_spt_fem(shared):
    """One wide table of the 40 finite-element small punch runs, checked on the way."""
    folder = shared / "data" / "spt-fem"
    runs = pd.read_csv(folder / "runs.csv")
    force = pd.read_csv(folder / "force_N.csv.gz")
    strain = pd.read_csv(folder / "true_strain.csv.gz")
    stress = pd.read_csv(folder / "true_stress_MPa.csv.gz")
    assert runs.columns.tolist() == SPT_FEM_RUN_COLUMNS
    assert runs["run"].tolist() == list(range(40)) and runs["source_id"].is_unique
    for table in (force, strain, stress):
        assert table["run"].tolist() == runs["run"].tolist()
    displacement = np.array([float(name) for name in force.columns[1:]])
    np.testing.assert_array_equal(displacement, SPT_FEM_DISPLACEMENT)
    points = [f"p{k}" for k in range(SPT_FEM_POINTS)]
    assert strain.columns[1:].tolist() == points and stress.columns[1:].tolist() == points
    eps, sigma = strain[points].to_numpy(), stress[points].to_numpy()
    assert np.all(np.diff(eps, axis=1) > 0) and np.all(eps[:, 0] == 0) and np.all(sigma[:, 0] == 0)
    # Above yield the stress follows sigma = K max(eps_p, 0.01)^n (rounded to 6 digits).
    K = runs[["strength_coefficient_mpa"]].to_numpy()
    n = runs[["hardening_exponent"]].to_numpy()
    plastic = eps[:, 1:] - sigma[:, 1:] / runs[["elastic_modulus_mpa"]].to_numpy()
    law = K * np.maximum(plastic, 0.01) ** n
    assert np.abs(sigma[:, 1:] / law - 1).max() < 1e-5
    frame = pd.concat(
        [
            runs,
            force.drop(columns="run").rename(columns=lambda name: f"force_{name}"),
            strain.drop(columns="run").rename(columns=lambda name: f"strain_{name}"),
            stress.drop(columns="run").rename(columns=lambda name: f"stress_{name}"),
        ],
        axis=1,
    )
    assert frame.notna().all().all() and frame.shape == (40, 7 + 181 + 2 * SPT_FEM_POINTS)
    return frame


MATBENCH_WHEELS = {
    "crabnet-2.0.8-py3-none-any.whl": "4901565abaa5b4cd1a7841b9de647a3906df21676b226a7abf972d113f92054a",
    "matbench-0.6-py3-none-any.whl": "90b131032c3c2afe37c57b8891efefca05efe2d14296ae1f22445f7ddfb14c01",
}
# task: (CrabNet file name, task type, number of rows)
MATBENCH_TASKS = {
    "expt_gap": ("expt_gap", "regression", 4604),
    "steels": ("steels_yield", "regression", 312),
    "expt_is_metal": ("expt_is_metal", "classification", 4921),
    "glass": ("glass", "classification", 5680),
}
MATBENCH_SEED = 18012019


def open_wheel(wheels, name):
    path = wheels / name
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == MATBENCH_WHEELS[name], f"{path}: SHA-256 {digest} is not the expected one"
    return zipfile.ZipFile(path)


def matbench_official_folds(wheels):
    """{task: [(train, test), ...]} from ``matbench_v0.1_validation.json``, as sorted 0-based indices."""
    with open_wheel(wheels, "matbench-0.6-py3-none-any.whl") as wheel:
        validation = json.loads(wheel.read("matbench/matbench_v0.1_validation.json"))
    meta = validation["metadata"]
    assert meta == {"n_splits": 5, "random_state": MATBENCH_SEED, "shuffle": True}, meta
    folds = {}
    for task in MATBENCH_TASKS:
        splits = validation["splits"][f"matbench_{task}"]
        folds[task] = []
        for k in range(5):
            fold = splits[f"fold_{k}"]
            pair = []
            for part in ("train", "test"):
                prefix = f"mb-{task.replace('_', '-')}-"
                assert all(i.startswith(prefix) for i in fold[part])
                pair.append(np.sort([int(i[len(prefix):]) - 1 for i in fold[part]]))
            folds[task].append(tuple(pair))
    return folds


def build_matbench(wheels):
    """{task: frame with formula, target, fold}, folds checked against the official ones."""
    from sklearn.model_selection import KFold, StratifiedKFold

    official = matbench_official_folds(wheels)
    frames = {}
    with open_wheel(wheels, "crabnet-2.0.8-py3-none-any.whl") as wheel:
        for task, (name, task_type, n_rows) in MATBENCH_TASKS.items():
            raw = wheel.read(f"crabnet/data/matbench/{name}.csv")
            frame = pd.read_csv(
                io.BytesIO(raw), keep_default_na=False, na_values=[], dtype={"formula": str, "target": float}
            )
            assert frame.columns.tolist() == ["formula", "target"] and len(frame) == n_rows, task
            assert frame["formula"].is_unique and frame["target"].notna().all(), task
            y = frame["target"].to_numpy()
            if task_type == "classification":
                assert set(np.unique(y)) == {0.0, 1.0}, task
                frame["target"] = y.astype(np.int64)
                cv = StratifiedKFold(5, shuffle=True, random_state=MATBENCH_SEED)
            else:
                cv = KFold(5, shuffle=True, random_state=MATBENCH_SEED)
            fold = np.full(n_rows, -1)
            for k, (train, test) in enumerate(cv.split(np.zeros((n_rows, 1)), y)):
                off_train, off_test = official[task][k]
                assert np.array_equal(np.sort(test), off_test), f"{task} fold {k}: test rows differ"
                assert np.array_equal(np.sort(train), off_train), f"{task} fold {k}: train rows differ"
                fold[test] = k
            assert (fold >= 0).all()
            frame["fold"] = fold
            frames[task] = frame
    return frames


#: OQMD sets read from the crabnet wheel (``crabnet/data/benchmark_data/<folder>/{train,val,test}.csv``).
OQMD_WHEEL_TASKS = {"band_gap": ("OQMD_Bandgap", 341_608)}


def build_oqmd_wheel_task(wheels, task):
    """One of CrabNet's OQMD sets that ``../shared`` lacks, from the wheel: formula, target, split."""
    folder, n_rows = OQMD_WHEEL_TASKS[task]
    frames = []
    with open_wheel(wheels, "crabnet-2.0.8-py3-none-any.whl") as wheel:
        for split in SPLITS:
            raw = wheel.read(f"crabnet/data/benchmark_data/{folder}/{split}.csv")
            # keep_default_na=False: the formula "NaN" (sodium nitride) is not missing
            # targets kept as their text (some carry 16 digits, 0.8009999999999999), so they are copied unchanged
            frame = pd.read_csv(io.BytesIO(raw), keep_default_na=False, na_values=[], dtype=str)
            assert frame.columns.tolist() == ["formula", "target"], (task, split)
            frame["split"] = split
            frames.append(frame)
    frame = pd.concat(frames, ignore_index=True)
    assert len(frame) == n_rows and frame["formula"].is_unique, task
    assert np.isfinite(frame["target"].astype(float)).all(), task
    return frame


def write_oqmd_wheel_tasks(wheels):
    names = []
    for task in OQMD_WHEEL_TASKS:
        frame = build_oqmd_wheel_task(wheels, task)
        name = f"oqmd_{task}.csv.gz"
        write_csv_gz(frame, OUT / name)
        back = pd.read_csv(OUT / name, keep_default_na=False, na_values=[], dtype=str)
        assert back.equals(frame), f"{name} does not read back as the wheel's text"
        names.append(name)
        print(f"OQMD {task}: {len(frame)} rows from the crabnet wheel")
    return names


def write_matbench(frames):
    names = []
    for task, frame in frames.items():
        name = f"matbench_{task}.csv.gz"
        write_csv_gz(frame, OUT / name, float_format="%.15g")
        back = pd.read_csv(OUT / name, keep_default_na=False, na_values=[])
        assert back["formula"].tolist() == frame["formula"].tolist()
        np.testing.assert_array_equal(
            back["target"].to_numpy(dtype=float), frame["target"].to_numpy(dtype=float)
        )
        names.append(name)
        print(f"Matbench {task}: {len(frame)} rows, folds checked against matbench_v0.1_validation.json")
    return names


def write_sums(names):
    with open(OUT / "SHA256SUMS", "w", newline="\n") as sums:
        for name in names:
            digest = hashlib.sha256((OUT / name).read_bytes()).hexdigest()
            sums.write(f"{digest}  {name}\n")
    print(f"wrote {', '.join(names)} and SHA256SUMS to {OUT}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--wheels", type=Path, help="folder with the crabnet 2.0.8 and matbench 0.6 wheels")
    parser.add_argument("--matbench-only", action="store_true",
                        help="rebuild only the files made from the wheels (Matbench, OQMD band gaps)")
    parser.add_argument("--elements-only", action="store_true",
                        help="rebuild only elements.csv (needs matminer and pymatgen, not --shared)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.elements_only:
        write_elements()
        write_sums([line.split("  ", 1)[1] for line in (OUT / "SHA256SUMS").read_text().splitlines()])
        return
    # the files made from the wheels (Matbench, OQMD band gaps)
    wheel_names = [f"matbench_{task}.csv.gz" for task in MATBENCH_TASKS]
    wheel_names += [f"oqmd_{task}.csv.gz" for task in OQMD_WHEEL_TASKS]
    if args.wheels is not None:
        wheel_names = write_matbench(build_matbench(args.wheels)) + write_oqmd_wheel_tasks(args.wheels)
    if args.matbench_only:
        if args.wheels is None:
            parser.error("--matbench-only needs --wheels")
        others = [line.split("  ", 1)[1] for line in (OUT / "SHA256SUMS").read_text().splitlines()]
        write_sums([name for name in others if name not in wheel_names] + wheel_names)
        return

    # The formula parser (imported from here on) reads the element table just written.
    elements = write_elements()

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
    spt_fem = build_spt_fem(args.shared)
    write_csv_gz(spt_fem, OUT / "spt_fem.csv.gz", float_format="%.15g")
    names.append("spt_fem.csv.gz")
    print(f"SPT finite-element runs: {len(spt_fem)}")
    names += [name for name in wheel_names if (OUT / name).exists()]
    write_sums(names)


if __name__ == "__main__":
    main()
