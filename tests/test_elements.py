"""Tests for the bundled element table."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from skmat import element_table
from skmat._elements import ElementTable

LANTHANIDES = "La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu".split()
ACTINIDES = "Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr".split()


@pytest.fixture(scope="module")
def table():
    return element_table()


def row(table, symbol):
    return table.z_of_symbol[symbol] - 1


def test_cached_instance(table):
    assert element_table() is table
    assert isinstance(table, ElementTable)


def test_103_elements_ordered_by_z(table):
    assert len(table) == 103
    assert table.z.tolist() == list(range(1, 104))
    for name in ("symbol", "z", "period", "group", "block", "mendeleev_number", "f_index"):
        assert len(getattr(table, name)) == 103, name


@pytest.mark.parametrize(
    "z, symbol",
    [(1, "H"), (2, "He"), (3, "Li"), (6, "C"), (14, "Si"), (25, "Mn"), (26, "Fe"),
     (27, "Co"), (57, "La"), (71, "Lu"), (72, "Hf"), (79, "Au"), (84, "Po"),
     (89, "Ac"), (92, "U"), (103, "Lr")],
)
def test_symbols(table, z, symbol):
    assert table.symbol[z - 1] == symbol
    assert table.z_of_symbol[symbol] == z


def test_symbols_are_unique_well_formed_strings(table):
    symbols = [str(s) for s in table.symbol]
    assert len(set(symbols)) == 103
    for s in symbols:
        assert re.fullmatch(r"[A-Z][a-z]?", s), s
    assert table.z_of_symbol == {s: z for z, s in enumerate(symbols, start=1)}
    assert all(type(z) is int for z in table.z_of_symbol.values())


@pytest.mark.parametrize(
    "symbol, period, group",
    [("H", 1, 1), ("He", 1, 18), ("Li", 2, 1), ("O", 2, 16), ("Fe", 4, 8), ("Co", 4, 9),
     ("Au", 6, 11), ("Hg", 6, 12), ("Po", 6, 16), ("Rn", 6, 18), ("Fr", 7, 1), ("Ra", 7, 2)],
)
def test_period_and_group(table, symbol, period, group):
    i = row(table, symbol)
    assert (int(table.period[i]), int(table.group[i])) == (period, group)


def test_periods_and_groups_in_range(table):
    assert set(table.period.tolist()) == set(range(1, 8))
    assert set(table.group.tolist()) == set(range(1, 19))


@pytest.mark.parametrize("series, period", [(LANTHANIDES, 6), (ACTINIDES, 7)])
def test_f_block(table, series, period):
    for f_index, symbol in enumerate(series):
        i = row(table, symbol)
        assert table.block[i] == "f", symbol
        assert int(table.f_index[i]) == f_index, symbol
        assert int(table.period[i]) == period, symbol
        assert int(table.group[i]) == 3, symbol  # Magpie's convention, kept as group


def test_only_la_lu_and_ac_lr_are_f_block(table):
    f_symbols = {str(s) for s, b in zip(table.symbol, table.block) if b == "f"}
    assert f_symbols == set(LANTHANIDES) | set(ACTINIDES)
    not_f = table.block != "f"
    assert (table.f_index[not_f] == -1).all()


@pytest.mark.parametrize(
    "symbol, block",
    [("H", "s"), ("He", "s"), ("Na", "s"), ("B", "p"), ("Bi", "p"), ("Sc", "d"),
     ("Fe", "d"), ("Hf", "d"), ("Au", "d")],
)
def test_blocks(table, symbol, block):
    assert table.block[row(table, symbol)] == block


def test_mendeleev_numbers_unique(table):
    numbers = table.mendeleev_number.tolist()
    assert len(set(numbers)) == 103
    assert sorted(numbers) == list(range(1, 104))


def test_mendeleev_numbers_of_a_few_elements(table):
    # Pettifor's scale: alkali metals lowest, then ... halogens, H and He high.
    mn = {s: int(table.mendeleev_number[row(table, s)]) for s in ("Li", "Na", "Fe", "O", "F", "He")}
    assert mn["Li"] == 1
    assert mn["Na"] < mn["Fe"] < mn["O"] < mn["F"] < mn["He"]
    assert mn["He"] == 98


def test_to_frame(table):
    frame = table.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert frame.shape == (103, 12)
    assert list(frame.columns) == [
        "Z", "period", "group", "block", "mendeleev_number", "f_index",
        "electronegativity", "covalent_radius", "n_valence", "first_ionization_energy", "melting_point",
        "atomic_weight",
    ]
    assert frame.index.name == "symbol"
    assert frame.index.is_unique
    assert frame.loc["Fe", "Z"] == 26
    assert frame.loc["Fe", "period"] == 4 and frame.loc["Fe", "group"] == 8
    assert frame.loc["Ce", "f_index"] == 1 and frame.loc["Ce", "block"] == "f"
    np.testing.assert_array_equal(frame["Z"].to_numpy(), table.z)


def test_to_frame_is_a_copy(table):
    frame = table.to_frame()
    frame.loc["Fe", "period"] = 99
    frame["Z"] = 0
    assert int(table.period[25]) == 4
    assert table.z[0] == 1
    assert element_table().to_frame().loc["Fe", "period"] == 4


def test_bundled_element_csv_matches_its_listed_checksum():
    # element_table() reads elements.csv directly; it is listed in SHA256SUMS
    # all the same, so a rebuilt table must update the digest.
    data_dir = resources.files("skmat._data")
    sums = dict(
        reversed(line.split("  ", 1))
        for line in data_dir.joinpath("SHA256SUMS").read_text().splitlines()
        if line.strip()
    )
    actual = hashlib.sha256(data_dir.joinpath("elements.csv").read_bytes()).hexdigest()
    assert sums["elements.csv"] == actual
