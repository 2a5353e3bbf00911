"""Behaviour of the composition-image encoders."""

from __future__ import annotations

import copy
import math
import re
import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline, make_pipeline

from skmat import (
    MendeleevLineEncoder,
    PeriodicTableEncoder,
    RandomTableEncoder,
    element_table,
    parse_formula,
)
from skmat._formula import FormulaError
from skmat.encoders import periodic_table_layout

TABLE = element_table()
FORMULAS = ["Co2MnSi", "Fe2TiAl", "Ta(MnB2)2", "Cu2 Mn Al", "Li0.5Ni0.5O"]

# The paper's 5 x 16 table, as written in docs/ptr-notes.md (None = blank).
_ = None
PAPER_ROWS = [
    ["Li", "Be", _, _, _, _, _, _, _, _, _, _, "B", "C", "N", "O"],
    ["Na", "Mg", _, _, _, _, _, _, _, _, _, _, "Al", "Si", "P", "S"],
    ["K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se"],
    ["Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te"],
    ["Cs", "Ba", _, "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", _],
]
PAPER_ELEMENTS = {s for r in PAPER_ROWS for s in r if s is not None}
LANTHANIDES = "La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu".split()
ACTINIDES = "Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr".split()

ENCODER_CLASSES = [PeriodicTableEncoder, RandomTableEncoder, MendeleevLineEncoder]


def make(cls, **params):
    if cls is not PeriodicTableEncoder:
        params.setdefault("random_state", 0)
    return cls(**params)


def grid(encoder):
    """The fitted layout as a grid of symbols, None for a blank cell."""
    names = encoder.get_feature_names_out()
    h, w = encoder.layout_.shape
    return [[None if n.startswith("blank_") else n for n in names[r * w:(r + 1) * w]] for r in range(h)]


def cell(encoder, symbol):
    index = int(encoder.layout_.cell_of_z[TABLE.z_of_symbol[symbol]])
    return divmod(index, encoder.layout_.shape[1])


# --------------------------------------------------------------------------
# The paper layout
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paper():
    return PeriodicTableEncoder().fit(["Co2MnSi"])


def test_paper_layout_matches_ptr_notes(paper):
    assert paper.layout_.shape == (5, 16)
    assert paper.image_shape_ == (1, 5, 16)
    assert grid(paper) == PAPER_ROWS


def test_paper_layout_details(paper):
    g = grid(paper)
    assert g[0][:2] == ["Li", "Be"] and g[0][12:] == ["B", "C", "N", "O"]
    assert g[4][2] is None, "no La in group 3 of period 6"
    assert g[4][15] is None, "Po is left out"
    assert int(paper.layout_.element_cells.sum()) == 58
    assert set(paper.layout_.elements) == PAPER_ELEMENTS
    assert paper.layout_.elements[:3] == ["Li", "Be", "B"]  # cell order
    for absent in ("H", "He", "F", "Ne", "Cl", "Po", "La", "Ce", "Lu", "U", "Fr"):
        assert paper.layout_.cell_of_z[TABLE.z_of_symbol[absent]] == -1, absent


def test_paper_values_for_co2mnsi_scale_20():
    # The paper's image: absent_value=-1 (the default is 0 since file format 3).
    image = PeriodicTableEncoder(scale=20, absent_value=-1).fit_transform(["Co2MnSi"])
    assert image.shape == (1, 1, 5, 16) and image.dtype == np.float32
    img = image[0, 0]
    assert img[2, 8] == 40.0  # Co, X site
    assert img[2, 6] == 20.0  # Mn
    assert img[1, 13] == 20.0  # Si
    assert img[2, 7] == -20.0  # Fe absent
    assert img[0, 0] == -20.0  # Li absent
    assert img[4, 14] == -20.0  # Bi absent
    assert img[0, 5] == 0.0 and img[4, 2] == 0.0 and img[4, 15] == 0.0  # blanks
    values, counts = np.unique(img, return_counts=True)
    assert dict(zip(values.tolist(), counts.tolist())) == {-20.0: 55, 0.0: 22, 20.0: 2, 40.0: 1}


def test_default_values_for_co2mnsi_scale_20():
    img = PeriodicTableEncoder(scale=20).fit_transform(["Co2MnSi"])[0, 0]
    assert img[2, 8] == 40.0 and img[2, 6] == 20.0 and img[1, 13] == 20.0  # Co, Mn, Si
    assert img[2, 7] == 0.0 and img[0, 0] == 0.0 and img[4, 14] == 0.0  # Fe, Li, Bi absent
    values, counts = np.unique(img, return_counts=True)
    assert dict(zip(values.tolist(), counts.tolist())) == {0.0: 55 + 22, 20.0: 2, 40.0: 1}


def test_docstring_example_values():
    images = PeriodicTableEncoder(scale=20).fit_transform(["Co2MnSi", "Fe2TiAl"])
    np.testing.assert_array_equal(images[0, 0, 2, 6:9], [20.0, 0.0, 40.0])
    np.testing.assert_array_equal(images[1, 0, 2, 6:9], [0.0, 40.0, 0.0])
    assert images[1, 0, 2, 3] == 20.0 and images[1, 0, 1, 12] == 20.0  # Ti, Al
    paper = PeriodicTableEncoder(scale=20, absent_value=-1).fit_transform(["Co2MnSi", "Fe2TiAl"])
    np.testing.assert_array_equal(paper[0, 0, 2, 6:9], [20.0, -20.0, 40.0])
    np.testing.assert_array_equal(paper[1, 0, 2, 6:9], [-20.0, 40.0, -20.0])
    assert sorted(set(paper[0].ravel().tolist())) == [-20.0, 0.0, 20.0, 40.0]
    assert sorted(set(images[0].ravel().tolist())) == [0.0, 20.0, 40.0]


def test_absent_blank_values_and_scale():
    enc = PeriodicTableEncoder(absent_value=-0.1, blank_value=0.5, scale=2.0)
    img = enc.fit_transform(["Co2MnSi"])[0, 0]
    assert img[2, 8] == pytest.approx(4.0)
    assert img[2, 7] == pytest.approx(-0.2)
    assert img[0, 5] == pytest.approx(1.0)


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
@pytest.mark.parametrize("layout", ["paper", "full"])
def test_default_absent_cells_are_0_and_absent_value_minus_1_gives_the_papers_image(cls, layout):
    # Since file format 3 absent elements are 0 by default; absent_value=-1 is the paper's image.
    widen = {} if layout == "paper" else {WIDENING[cls][0]: WIDENING[cls][1]}
    assert make(cls).get_params()["absent_value"] == 0.0
    formulas = ["Co2MnSi", "Fe2TiAl", "Li0.5Ni0.5O"]
    default = make(cls, output="flat", scale=20, **widen).fit(formulas)
    paper = make(cls, output="flat", scale=20, absent_value=-1, **widen).fit(formulas)
    assert default.layout_.cell_names() == paper.layout_.cell_names()  # same seed, same cells
    new, old = default.transform(formulas), paper.transform(formulas)
    names = list(default.get_feature_names_out())
    element_cells = default.layout_.element_cells
    for i, formula in enumerate(formulas):
        amounts = parse_formula(formula)
        present = np.zeros(len(names), dtype=bool)
        present[[names.index(symbol) for symbol in amounts]] = True
        absent = element_cells & ~present
        assert absent.sum() == len(default.layout_.elements) - len(amounts) > 0
        assert (new[i, absent] == 0.0).all()
        assert (old[i, absent] == -20.0).all()  # the paper's -1, times the scale
        for symbol, amount in amounts.items():  # present and blank cells do not depend on absent_value
            assert new[i, names.index(symbol)] == old[i, names.index(symbol)] == pytest.approx(20 * amount)
        assert (new[i, ~element_cells] == 0.0).all() and (old[i, ~element_cells] == 0.0).all()
    # The images differ exactly in the cells of absent elements.
    np.testing.assert_array_equal(new != old, element_cells & (new == 0.0))


# --------------------------------------------------------------------------
# The full layout
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full():
    return PeriodicTableEncoder(layout="full").fit(["Fe"])


def test_full_layout_every_element_has_a_distinct_cell(full):
    assert full.layout_.shape == (9, 18)
    assert full.image_shape_ == (1, 9, 18)
    cells = full.layout_.cell_of_z[1:104]
    assert (cells >= 0).all()
    assert len(np.unique(cells)) == 103
    assert (cells < 9 * 18).all()
    assert int(full.layout_.element_cells.sum()) == 103


def test_full_layout_f_block_rows(full):
    for col, symbol in enumerate(LANTHANIDES, start=2):
        assert cell(full, symbol) == (7, col), symbol
    for col, symbol in enumerate(ACTINIDES, start=2):
        assert cell(full, symbol) == (8, col), symbol
    assert cell(full, "Ce") != cell(full, "Pr")


def test_full_layout_main_table(full):
    assert cell(full, "H") == (0, 0)
    assert cell(full, "He") == (0, 17)
    assert cell(full, "Fe") == (3, 7)
    assert cell(full, "Au") == (5, 10)
    assert cell(full, "Po") == (5, 15)
    assert cell(full, "Hf") == (5, 3)
    assert cell(full, "Fr") == (6, 0)
    # Same place as in the paper layout, one row lower.
    paper_encoder = PeriodicTableEncoder().fit(["Fe"])
    for symbol in PAPER_ELEMENTS:
        r, c = cell(paper_encoder, symbol)
        assert cell(full, symbol) == (r + 1, c), symbol


def test_full_layout_ce_and_pr_get_different_values():
    img = PeriodicTableEncoder(layout="full").fit_transform(["Ce2Pr"])[0, 0]
    assert img[7, 3] == 2.0 and img[7, 4] == 1.0
    assert (img == 2.0).sum() == 1 and (img == 1.0).sum() == 1


def test_full_layout_accepts_every_element():
    formulas = [str(s) + "2" for s in TABLE.symbol]
    out = PeriodicTableEncoder(layout="full", output="flat").fit_transform(formulas)
    assert out.shape == (103, 162)
    assert ((out == 2.0).sum(axis=1) == 1).all()
    assert len({int(np.argmax(row)) for row in out}) == 103


# --------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
@pytest.mark.parametrize("scale", [1.0, 3.0])
def test_fraction_mode_sums_to_one_over_present_cells(cls, scale):
    formulas = ["Co2MnSi", "Fe2O3", "Ta(MnB2)2", "Cu", "Fe0.2Ni0.8", "FeOFe"]
    enc = make(cls, amounts="fraction", scale=scale, output="flat").fit(formulas)
    out = enc.transform(formulas)
    for i, formula in enumerate(formulas):
        amounts = parse_formula(formula)
        total = sum(amounts.values())
        cells = [int(enc.layout_.cell_of_z[TABLE.z_of_symbol[s]]) for s in amounts]
        assert out[i, cells].sum() == pytest.approx(scale, rel=1e-6)
        for s, c in zip(amounts, cells):
            assert out[i, c] == pytest.approx(scale * amounts[s] / total, rel=1e-6)


def test_count_mode_uses_parsed_amounts():
    enc = PeriodicTableEncoder(output="flat").fit(["x"])
    out = enc.transform(["Ta(MnB2)2", "Fe0.5Ni0.5", "FeOFe"])
    names = list(enc.get_feature_names_out())
    assert out[0, names.index("Ta")] == 1.0
    assert out[0, names.index("Mn")] == 2.0
    assert out[0, names.index("B")] == 4.0
    assert out[1, names.index("Fe")] == 0.5 and out[1, names.index("Ni")] == 0.5
    assert out[2, names.index("Fe")] == 2.0 and out[2, names.index("O")] == 1.0


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
@pytest.mark.parametrize("params, absent", [({}, 0.0), ({"absent_value": -1}, -1.0)], ids=["default", "paper"])
def test_values_other_than_present_are_absent_or_blank(cls, params, absent):
    enc = make(cls, output="flat", **params).fit(FORMULAS)
    out = enc.transform(FORMULAS)
    element_cells = enc.layout_.element_cells
    for i, formula in enumerate(FORMULAS):
        present = [int(enc.layout_.cell_of_z[TABLE.z_of_symbol[s]]) for s in parse_formula(formula)]
        rest = np.ones(out.shape[1], dtype=bool)
        rest[present] = False
        assert (out[i, present] > 0).all()
        assert (out[i, rest & element_cells] == absent).all()
        assert (out[i, rest & ~element_cells] == 0.0).all()


# --------------------------------------------------------------------------
# Elements outside the layout
# --------------------------------------------------------------------------


# The parameter value that, per the error, holds every element of the table.
WIDENING = {
    PeriodicTableEncoder: ("layout", "full"),
    RandomTableEncoder: ("layout", "full"),
    MendeleevLineEncoder: ("elements", "all"),
}


@pytest.mark.parametrize(
    "cls, params, formula, elements",
    [
        (PeriodicTableEncoder, {}, "La2O3", "La"),
        (PeriodicTableEncoder, {}, "H2O", "H"),
        (PeriodicTableEncoder, {}, "PoFe", "Po"),
        (PeriodicTableEncoder, {}, "HCl", "H, Cl"),
        (RandomTableEncoder, {}, "CeNi5", "Ce"),
        (MendeleevLineEncoder, {}, "UO2", "U"),
        (MendeleevLineEncoder, {"elements": ["Fe", "O"]}, "Fe2O3Ni", "Ni"),
        (MendeleevLineEncoder, {"elements": ["Fe", "O"]}, "NaCl", "Na, Cl"),
    ],
)
def test_element_outside_layout_raises(cls, params, formula, elements):
    enc = make(cls, **params).fit(["Fe"])
    # Rows 0-2 fit every layout tested (Fe and O only); the bad row is 3.
    column = ["Fe2O3", "FeO", "Fe3O4", formula, "H2O", "La"]
    with pytest.raises(ValueError) as excinfo:
        enc.transform(column)
    message = str(excinfo.value)
    name, value = WIDENING[cls]
    noun = "element" if "," not in elements else "elements"
    assert message.startswith(f"Formula {formula!r} at row 3 has {noun} {elements} outside the ")
    assert "(3 of 6 rows have elements outside it)" in message
    # The widening parameter comes first, handle_unknown second, with what it does.
    fix = f'use {cls.__name__}({name}="{value}")'
    assert fix in message
    assert message.index(fix) < message.index('handle_unknown="ignore" drops')
    assert f"(here {elements})" in message


PAPER_MISFITS = [("H2O", "H"), ("NaCl", "Cl"), ("Nd2Fe14B", "Nd")]


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
@pytest.mark.parametrize("formula, element", PAPER_MISFITS)
def test_paper_default_error_points_to_the_widening_parameter(cls, formula, element):
    name, value = WIDENING[cls]
    enc = make(cls).fit(["Fe"])
    pattern = (
        rf"^Formula '{formula}' at row 1 has element {element} outside the 58 elements of "
        rf'{cls.__name__}\({name}="paper"\) \(1 of 2 rows has elements outside it\)\. '
        rf'To encode it, use {cls.__name__}\({name}="{value}"\), which .*'
        r'Otherwise handle_unknown="ignore" drops the elements outside the layout '
        rf"\(here {element}\) from each formula"
    )
    with pytest.raises(ValueError, match=pattern):
        enc.transform(["Co2MnSi", formula])


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
@pytest.mark.parametrize("formula, element", PAPER_MISFITS)
def test_parameter_named_by_the_error_encodes_the_formula(cls, formula, element):
    with pytest.raises(ValueError) as excinfo:
        make(cls, output="flat").fit_transform([formula])
    # Take the fix from the message itself, not from the test's own table.
    found = re.search(rf'use {cls.__name__}\((\w+)="(\w+)"\)', str(excinfo.value))
    assert found, str(excinfo.value)
    enc = make(cls, output="flat", **{found.group(1): found.group(2)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = enc.fit_transform([formula, "Co2MnSi"])
    names = list(enc.get_feature_names_out())
    for symbol, amount in parse_formula(formula).items():
        assert out[0, names.index(symbol)] == amount, symbol
    n_present = len(parse_formula(formula))
    assert (out[0][enc.layout_.element_cells] == 0.0).sum() == len(enc.layout_.elements) - n_present


def test_custom_element_list_error_suggests_all_or_adding_symbols():
    enc = MendeleevLineEncoder(elements=["Fe", "O"]).fit(["Fe"])
    with pytest.raises(
        ValueError,
        match=r'MendeleevLineEncoder\(elements=<list of 2 symbols>\).*'
              r'use MendeleevLineEncoder\(elements="all"\).*add the missing symbols',
    ):
        enc.transform(["NiO"])


def _one_warning(enc, X):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = enc.transform(X)
    assert [w.category for w in caught] == [UserWarning], [str(w.message) for w in caught]
    return out, str(caught[0].message)


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
def test_handle_unknown_ignore_warns_once_per_call(cls):
    name, value = WIDENING[cls]
    enc = make(cls, handle_unknown="ignore", output="flat").fit(["Fe"])
    X = ["HCl", "Co2MnSi", "La2O3", "H2"]
    out, message = _one_warning(enc, X)
    assert out.shape[0] == 4  # every row comes back
    assert message == (
        f'{cls.__name__}({name}="paper", handle_unknown="ignore") dropped elements outside '
        "its 58 elements from 3 of 4 formulas: 'HCl' (row 0: H, Cl), 'La2O3' (row 2: La), "
        "'H2' (row 3: H). Dropped: H (2 rows), Cl (1 row), La (1 row). 2 rows have no "
        "element left and came out empty (every element cell absent): 'HCl' (row 0), "
        f"'H2' (row 3). The rows are kept; to encode these elements use "
        f'{cls.__name__}({name}="{value}"), which ' + message.split(", which ", 1)[1]
    )
    element_cells = enc.layout_.element_cells
    assert (out[[0, 3]][:, element_cells] == 0.0).all()  # empty rows, as the warning says
    assert (out[2][element_cells] == 1.0).sum() == 0 and (out[2] == 3.0).sum() == 1  # O3 kept
    with pytest.warns(UserWarning, match=r"from 1 of 1 formulas: 'HCl' \(row 0: H, Cl\)"):
        enc.fit_transform(["HCl"])


def test_handle_unknown_ignore_warning_names_first_few_and_counts_the_rest():
    enc = PeriodicTableEncoder(handle_unknown="ignore").fit(["Fe"])
    X = ["Fe"] + [f"H{i}Fe" for i in range(1, 9)] + ["Cl", "Xe2"]
    out, message = _one_warning(enc, X)
    assert out.shape == (11, 1, 5, 16)
    assert "from 10 of 11 formulas: 'H1Fe' (row 1: H), 'H2Fe' (row 2: H), " in message
    assert "'H5Fe' (row 5: H) and 5 more. " in message and "H6Fe" not in message
    assert "Dropped: H (8 rows), Cl (1 row), Xe (1 row). " in message
    assert "2 rows have no element left and came out empty (every element cell absent): " \
           "'Cl' (row 9), 'Xe2' (row 10). " in message


def test_handle_unknown_ignore_warning_without_empty_rows():
    enc = MendeleevLineEncoder(handle_unknown="ignore").fit(["Fe"])
    _, message = _one_warning(enc, ["Nd2Fe14B", "Fe"])
    assert "from 1 of 2 formulas: 'Nd2Fe14B' (row 0: Nd). Dropped: Nd (1 row). " in message
    assert "No row came out empty." in message


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
def test_handle_unknown_ignore_is_silent_when_nothing_is_dropped(cls):
    enc = make(cls, handle_unknown="ignore").fit(FORMULAS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(enc.transform(FORMULAS), make(cls).fit_transform(FORMULAS))


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
def test_handle_unknown_ignore_leaves_element_out(cls):
    enc = make(cls, handle_unknown="ignore", output="flat").fit(["Fe"])
    with pytest.warns(UserWarning, match="dropped elements outside"):
        with_la = enc.transform(["La2O3", "LaCoSi", "HHe"])
    without = enc.transform(["O3", "CoSi", "Co"])
    np.testing.assert_array_equal(with_la[:2], without[:2])
    # A compound with no element in the layout: every element cell absent.
    assert (with_la[2][enc.layout_.element_cells] == 0.0).all()
    paper = make(cls, handle_unknown="ignore", output="flat", absent_value=-1).fit(["Fe"])
    with pytest.warns(UserWarning, match="came out empty"):
        empty = paper.transform(["HHe"])
    assert (empty[0][paper.layout_.element_cells] == -1.0).all()


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
def test_handle_unknown_ignore_does_not_mutate_input(cls):
    formulas = ["HCl", "Co2MnSi", "Nd2Fe14B"]
    for X in (list(formulas), np.array(formulas, dtype=object),
              pd.Series(formulas, index=[7, 8, 9]), pd.DataFrame({"formula": formulas})):
        before = copy.deepcopy(X)
        enc = make(cls, handle_unknown="ignore").fit(X)
        with pytest.warns(UserWarning):
            out = enc.transform(X)
        assert out.shape[0] == 3
        if isinstance(X, (pd.Series, pd.DataFrame)):
            assert X.equals(before) and X.index.equals(before.index)
        elif isinstance(X, np.ndarray):
            np.testing.assert_array_equal(X, before)
        else:
            assert X == before


def test_handle_unknown_ignore_fraction_is_of_the_whole_compound():
    enc = PeriodicTableEncoder(handle_unknown="ignore", amounts="fraction", output="flat")
    with pytest.warns(UserWarning, match=r"'La2O3' \(row 0: La\)"):
        out = enc.fit_transform(["La2O3"])
    names = list(enc.get_feature_names_out())
    assert out[0, names.index("O")] == pytest.approx(0.6)


def test_bad_formula_in_transform_names_row():
    enc = PeriodicTableEncoder().fit(["Fe"])
    with pytest.raises(ValueError, match=r"'Fe2O3!' at row 2\b"):
        enc.transform(["NaCl", "Co2MnSi", "Fe2O3!"])
    with pytest.raises(ValueError, match=r"at row 1\b"):
        enc.transform(pd.Series(["NaCl", None], index=[10, 20]))


# --------------------------------------------------------------------------
# Input kinds
# --------------------------------------------------------------------------

INPUT_KINDS = {
    "list": lambda f: list(f),
    "tuple": lambda f: tuple(f),
    "object-array": lambda f: np.array(f, dtype=object),
    "str-array": lambda f: np.array(f),
    "column-array": lambda f: np.array(f, dtype=object).reshape(-1, 1),
    "list-of-lists": lambda f: [[x] for x in f],
    "series": lambda f: pd.Series(f, name="formula"),
    "series-odd-index": lambda f: pd.Series(f, index=range(100, 100 + len(f))),
    "string-series": lambda f: pd.Series(f, dtype="string"),
    "frame": lambda f: pd.DataFrame({"formula": f}),
}


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
@pytest.mark.parametrize("kind", list(INPUT_KINDS))
def test_input_kinds_give_identical_output(cls, kind):
    reference = make(cls).fit(FORMULAS).transform(FORMULAS)
    X = INPUT_KINDS[kind](FORMULAS)
    enc = make(cls).fit(X)
    np.testing.assert_array_equal(enc.transform(X), reference)
    np.testing.assert_array_equal(make(cls).fit_transform(X), reference)


BAD_INPUTS = {
    "two-column-frame": pd.DataFrame({"formula": ["Fe", "O"], "other": [1, 2]}),
    "empty-frame": pd.DataFrame({"formula": []}),
    "no-column-frame": pd.DataFrame(index=[0, 1]),
    "bare-string": "Co2MnSi",
    "numpy-string-scalar": np.str_("Co2MnSi"),
    "two-column-array": np.array([["Fe", "O"], ["Co", "Mn"]], dtype=object),
    "3d-array": np.array([[["Fe"]]], dtype=object),
    "0d-array": np.array("Fe", dtype=object),
    "empty-list": [],
    "empty-column-array": np.empty((0, 1), dtype=object),
    "empty-series": pd.Series([], dtype=object),
}


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_kinds_raise(cls, kind):
    X = BAD_INPUTS[kind]
    with pytest.raises(ValueError):
        make(cls).fit(X)
    fitted = make(cls).fit(["Fe"])
    with pytest.raises(ValueError):
        fitted.transform(X)


def test_bare_string_message_suggests_a_list():
    with pytest.raises(ValueError, match=r"wrap it in a list"):
        PeriodicTableEncoder().fit("Co2MnSi")
    with pytest.raises(ValueError, match=r"select the formula column"):
        PeriodicTableEncoder().fit(pd.DataFrame({"a": ["Fe"], "b": ["O"]}))


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
def test_input_not_mutated(cls):
    inputs = [
        list(FORMULAS),
        np.array(FORMULAS, dtype=object),
        np.array(FORMULAS, dtype=object).reshape(-1, 1),
        pd.Series(FORMULAS, name="formula"),
        pd.DataFrame({"formula": FORMULAS}),
    ]
    for X in inputs:
        before = copy.deepcopy(X)
        enc = make(cls, amounts="fraction").fit(X)
        enc.transform(X)
        enc.fit_transform(X)
        if isinstance(X, (pd.Series, pd.DataFrame)):
            assert X.equals(before)
            assert X.index.equals(before.index)
        elif isinstance(X, np.ndarray):
            assert X.shape == before.shape and X.dtype == before.dtype
            np.testing.assert_array_equal(X, before)
        else:
            assert X == before


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
def test_output_is_not_a_view_of_shared_state(cls):
    enc = make(cls).fit(FORMULAS)
    first = enc.transform(FORMULAS)
    first[:] = 123.0
    second = enc.transform(FORMULAS)
    assert not (second == 123.0).any()


# --------------------------------------------------------------------------
# Output shapes, dtype, feature names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cls, params, shape",
    [
        (PeriodicTableEncoder, {}, (5, 16)),
        (PeriodicTableEncoder, {"layout": "full"}, (9, 18)),
        (RandomTableEncoder, {}, (5, 16)),
        (RandomTableEncoder, {"layout": "full"}, (9, 18)),
        (MendeleevLineEncoder, {}, (1, 58)),
        (MendeleevLineEncoder, {"elements": "all"}, (1, 103)),
        (MendeleevLineEncoder, {"elements": ["Fe", "Co", "Ni"]}, (1, 3)),
        (MendeleevLineEncoder, {"order": "random"}, (1, 58)),
    ],
)
def test_shapes_dtype_and_feature_names(cls, params, shape):
    formulas = ["Fe2Co", "NiFe", "Co"]
    h, w = shape
    image_enc = make(cls, **params).fit(formulas)
    image = image_enc.transform(formulas)
    assert image.shape == (3, 1, h, w)
    assert image.dtype == np.float32
    assert image_enc.image_shape_ == (1, h, w)
    assert image.flags.c_contiguous

    flat_enc = make(cls, output="flat", **params).fit(formulas)
    flat = flat_enc.transform(formulas)
    assert flat.shape == (3, h * w)
    assert flat.dtype == np.float32
    np.testing.assert_array_equal(flat, image.reshape(3, -1))

    names = flat_enc.get_feature_names_out()
    assert isinstance(names, np.ndarray) and names.dtype == object
    assert len(names) == flat.shape[1]
    assert len(set(names)) == len(names)
    assert {"Fe", "Co", "Ni"} <= set(names)
    np.testing.assert_array_equal(names, image_enc.get_feature_names_out())
    # Each named column carries its element's value.
    for i, formula in enumerate(formulas):
        for symbol, amount in parse_formula(formula).items():
            assert flat[i, list(names).index(symbol)] == amount
    # Feature names hold exactly the layout's elements, the rest are blanks.
    element_names = [n for n in names if not n.startswith("blank_")]
    assert sorted(element_names) == sorted(flat_enc.layout_.elements)


def test_feature_names_blank_format(paper):
    names = paper.get_feature_names_out()
    assert names[2] == "blank_r0_c2"
    assert names[4 * 16 + 15] == "blank_r4_c15"
    assert names[0] == "Li" and names[2 * 16 + 7] == "Fe"


def test_float32_is_exact_for_paper_values():
    out = PeriodicTableEncoder(scale=20, absent_value=-1, output="flat").fit_transform(["Co2MnSi"])
    assert set(np.unique(out).tolist()) == {-20.0, 0.0, 20.0, 40.0}
    out = PeriodicTableEncoder(scale=20, output="flat").fit_transform(["Co2MnSi"])
    assert set(np.unique(out).tolist()) == {0.0, 20.0, 40.0}


# --------------------------------------------------------------------------
# RandomTableEncoder
# --------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["paper", "full"])
def test_random_table_deterministic_per_seed(layout):
    a = RandomTableEncoder(layout=layout, random_state=7).fit(FORMULAS)
    b = RandomTableEncoder(layout=layout, random_state=7).fit(["Fe"])
    np.testing.assert_array_equal(a.layout_.cell_of_z, b.layout_.cell_of_z)
    np.testing.assert_array_equal(a.transform(FORMULAS), b.transform(FORMULAS))
    # Refitting the same instance gives the same table.
    before = a.layout_.cell_of_z.copy()
    a.fit(FORMULAS)
    np.testing.assert_array_equal(a.layout_.cell_of_z, before)


@pytest.mark.parametrize("layout", ["paper", "full"])
def test_random_table_differs_between_seeds(layout):
    a = RandomTableEncoder(layout=layout, random_state=0).fit(["Fe"])
    b = RandomTableEncoder(layout=layout, random_state=1).fit(["Fe"])
    assert not np.array_equal(a.layout_.cell_of_z, b.layout_.cell_of_z)
    assert not np.array_equal(a.transform(FORMULAS), b.transform(FORMULAS))


@pytest.mark.parametrize("layout", ["paper", "full"])
@pytest.mark.parametrize("seed", [0, 1, 42])
def test_random_table_is_a_permutation_of_element_cells(layout, seed):
    ref = periodic_table_layout(layout)
    enc = RandomTableEncoder(layout=layout, random_state=seed).fit(["Fe"])
    assert enc.layout_.shape == ref.shape
    np.testing.assert_array_equal(enc.layout_.element_cells, ref.element_cells)
    # Same elements, same set of cells, each cell used once.
    np.testing.assert_array_equal(enc.layout_.cell_of_z >= 0, ref.cell_of_z >= 0)
    shuffled = enc.layout_.cell_of_z[enc.layout_.cell_of_z >= 0]
    original = ref.cell_of_z[ref.cell_of_z >= 0]
    assert sorted(shuffled.tolist()) == sorted(original.tolist())
    assert len(set(shuffled.tolist())) == len(shuffled)
    assert set(enc.layout_.elements) == set(ref.elements)
    assert not np.array_equal(enc.layout_.cell_of_z, ref.cell_of_z)
    # Blank names are unchanged too.
    ref_names = PeriodicTableEncoder(layout=layout).fit(["Fe"]).get_feature_names_out()
    names = enc.get_feature_names_out()
    blank = np.array([n.startswith("blank_") for n in ref_names])
    np.testing.assert_array_equal(names[blank], ref_names[blank])


def test_random_table_has_same_values_as_paper_table_per_row():
    ptr = PeriodicTableEncoder(output="flat").fit_transform(FORMULAS)
    rnd = RandomTableEncoder(random_state=3, output="flat").fit_transform(FORMULAS)
    assert not np.array_equal(ptr, rnd)
    np.testing.assert_array_equal(np.sort(ptr, axis=1), np.sort(rnd, axis=1))
    # Blank cells keep their place.
    blank = ~periodic_table_layout("paper").element_cells
    np.testing.assert_array_equal(ptr[:, blank], rnd[:, blank])


def test_random_table_docstring_example():
    encoder = RandomTableEncoder(random_state=0).fit(["Co2MnSi"])
    assert encoder.transform(["Co2MnSi"]).shape == (1, 1, 5, 16)
    assert encoder.layout_.elements[:3] != ["Li", "Be", "B"]


def test_random_table_with_random_state_instance():
    rng = np.random.RandomState(0)
    enc = RandomTableEncoder(random_state=rng).fit(["Fe"])
    ref = periodic_table_layout("paper")
    assert sorted(enc.layout_.cell_of_z[enc.layout_.cell_of_z >= 0].tolist()) == sorted(
        ref.cell_of_z[ref.cell_of_z >= 0].tolist()
    )


# --------------------------------------------------------------------------
# MendeleevLineEncoder
# --------------------------------------------------------------------------


def _mendeleev(symbol):
    return int(TABLE.mendeleev_number[TABLE.z_of_symbol[symbol] - 1])


@pytest.mark.parametrize("elements, n", [("paper", 58), ("all", 103), (["Fe", "O", "Na", "Cl"], 4)])
def test_mendeleev_order_is_descending(elements, n):
    enc = MendeleevLineEncoder(elements=elements, output="flat").fit(["Fe"])
    names = list(enc.get_feature_names_out())
    assert len(names) == n
    numbers = [_mendeleev(s) for s in names]
    assert numbers == sorted(numbers, reverse=True)
    assert len(set(numbers)) == n
    if elements == "paper":
        assert set(names) == PAPER_ELEMENTS
        assert names[:4] == ["Te", "Se", "S", "O"]
    elif elements == "all":
        assert set(names) == {str(s) for s in TABLE.symbol}
    else:
        assert set(names) == set(elements)


def test_mendeleev_line_values():
    enc = MendeleevLineEncoder(elements=["Fe", "O", "Na"], output="flat", scale=10)
    out = enc.fit_transform(["Fe2O3", "NaO"])
    names = list(enc.get_feature_names_out())
    assert names == ["O", "Fe", "Na"]  # descending Mendeleev number
    np.testing.assert_array_equal(out, [[30.0, 20.0, 0.0], [10.0, 0.0, 10.0]])
    paper = MendeleevLineEncoder(elements=["Fe", "O", "Na"], output="flat", scale=10, absent_value=-1)
    np.testing.assert_array_equal(paper.fit_transform(["Fe2O3", "NaO"]), [[30.0, 20.0, -10.0], [10.0, -10.0, 10.0]])


def test_mendeleev_random_order_deterministic_per_seed():
    a = MendeleevLineEncoder(order="random", random_state=5, output="flat").fit(["Fe"])
    b = MendeleevLineEncoder(order="random", random_state=5, output="flat").fit(["Co"])
    c = MendeleevLineEncoder(order="random", random_state=6, output="flat").fit(["Fe"])
    m = MendeleevLineEncoder(output="flat").fit(["Fe"])
    names_a = list(a.get_feature_names_out())
    assert names_a == list(b.get_feature_names_out())
    assert names_a != list(c.get_feature_names_out())
    assert names_a != list(m.get_feature_names_out())
    assert sorted(names_a) == sorted(m.get_feature_names_out())
    np.testing.assert_array_equal(a.transform(FORMULAS), b.transform(FORMULAS))
    # Same values per row, just reordered.
    np.testing.assert_array_equal(
        np.sort(a.transform(FORMULAS), axis=1), np.sort(m.transform(FORMULAS), axis=1)
    )


def test_mendeleev_line_has_no_blank_cells():
    enc = MendeleevLineEncoder(blank_value=99.0).fit(["Fe"])
    assert enc.layout_.element_cells.all()
    assert not (enc.transform(FORMULAS) == 99.0).any()


def test_mendeleev_paper_line_holds_paper_table_elements():
    line = MendeleevLineEncoder(output="flat").fit(["Fe"])
    table_ = PeriodicTableEncoder(output="flat").fit(["Fe"])
    lt, tt = line.transform(FORMULAS), table_.transform(FORMULAS)
    line_names, table_names = list(line.get_feature_names_out()), list(table_.get_feature_names_out())
    for symbol in PAPER_ELEMENTS:
        np.testing.assert_array_equal(lt[:, line_names.index(symbol)], tt[:, table_names.index(symbol)])


# --------------------------------------------------------------------------
# Parameter validation (at fit, not in __init__)
# --------------------------------------------------------------------------

INVALID_PARAMS = [
    (PeriodicTableEncoder, {"amounts": "bogus"}),
    (PeriodicTableEncoder, {"amounts": None}),
    (PeriodicTableEncoder, {"scale": float("nan")}),
    (PeriodicTableEncoder, {"scale": math.inf}),
    (PeriodicTableEncoder, {"scale": "20"}),
    (PeriodicTableEncoder, {"scale": None}),
    (PeriodicTableEncoder, {"absent_value": -math.inf}),
    (PeriodicTableEncoder, {"blank_value": float("nan")}),
    (PeriodicTableEncoder, {"absent_value": "x"}),
    (PeriodicTableEncoder, {"layout": "x"}),
    (PeriodicTableEncoder, {"layout": None}),
    (PeriodicTableEncoder, {"output": "x"}),
    (PeriodicTableEncoder, {"handle_unknown": "warn"}),
    (RandomTableEncoder, {"layout": "x"}),
    (RandomTableEncoder, {"amounts": "bogus"}),
    (RandomTableEncoder, {"scale": float("nan")}),
    (RandomTableEncoder, {"random_state": "seed"}),
    (MendeleevLineEncoder, {"order": "x"}),
    (MendeleevLineEncoder, {"order": None}),
    (MendeleevLineEncoder, {"amounts": "bogus"}),
    (MendeleevLineEncoder, {"scale": float("nan")}),
    (MendeleevLineEncoder, {"elements": "x"}),
    (MendeleevLineEncoder, {"elements": ["Fe", "Xx"]}),
    (MendeleevLineEncoder, {"elements": ["Fe", "Fe"]}),
    (MendeleevLineEncoder, {"elements": []}),
]


@pytest.mark.parametrize(
    "cls, params", INVALID_PARAMS, ids=[f"{c.__name__}-{p}" for c, p in INVALID_PARAMS]
)
def test_invalid_params_raise_at_fit(cls, params):
    enc = cls(**params)  # constructing never validates
    assert enc.get_params()[next(iter(params))] is params[next(iter(params))]
    with pytest.raises(ValueError):
        enc.fit(["Co2MnSi"])
    assert not hasattr(enc, "layout_")


@pytest.mark.parametrize(
    "params",
    [{"scale": 20}, {"scale": np.float32(0.5)}, {"absent_value": -0.1}, {"blank_value": 1},
     {"scale": np.int64(2)}],
)
def test_numeric_param_types_accepted(params):
    out = PeriodicTableEncoder(**params).fit_transform(["Co2MnSi"])
    assert out.dtype == np.float32


def test_invalid_param_set_after_fit_raises_at_refit():
    enc = PeriodicTableEncoder().fit(["Fe"])
    enc.set_params(amounts="bogus")
    with pytest.raises(ValueError, match="amounts"):
        enc.fit(["Fe"])


# --------------------------------------------------------------------------
# Use inside scikit-learn composites
# --------------------------------------------------------------------------


@pytest.fixture
def frame():
    return pd.DataFrame({"formula": FORMULAS, "temperature": [300.0, 400.0, 500.0, 600.0, 700.0]})


@pytest.mark.parametrize("cls", ENCODER_CLASSES)
@pytest.mark.parametrize("columns", ["formula", ["formula"]], ids=["by-name-1d", "by-list-2d"])
def test_column_transformer(cls, columns, frame):
    ct = ColumnTransformer(
        [("enc", make(cls, output="flat"), columns)], remainder="passthrough"
    )
    out = ct.fit_transform(frame)
    direct = make(cls, output="flat").fit_transform(FORMULAS)
    assert out.shape == (5, direct.shape[1] + 1)
    np.testing.assert_array_equal(out[:, :-1], direct)
    np.testing.assert_array_equal(out[:, -1], frame["temperature"].to_numpy())
    names = ct.get_feature_names_out()
    assert len(names) == out.shape[1]
    assert "enc__Fe" in names and names[-1] == "remainder__temperature"
    # transform on new rows
    np.testing.assert_array_equal(ct.transform(frame.iloc[::-1])[:, :-1], direct[::-1])


def test_column_transformer_by_list_records_feature_name(frame):
    enc = PeriodicTableEncoder(output="flat").fit(frame[["formula"]])
    np.testing.assert_array_equal(enc.feature_names_in_, ["formula"])
    assert enc.n_features_in_ == 1
    enc.fit(FORMULAS)
    assert not hasattr(enc, "feature_names_in_")
    assert enc.n_features_in_ == 1


def test_pipeline_and_grid_search():
    formulas = ["Co2MnSi", "Fe2TiAl", "Cu2MnAl", "Ni2MnGa", "Co2FeSi", "Fe2VAl", "Co2TiSn", "Ni2TiAl"]
    y = np.arange(len(formulas), dtype=float)
    pipe = Pipeline([("enc", PeriodicTableEncoder(output="flat")), ("ridge", Ridge())])
    search = GridSearchCV(
        pipe, {"enc__scale": [1.0, 20.0], "enc__amounts": ["count", "fraction"]}, cv=2
    )
    search.fit(formulas, y)
    assert search.predict(["Co2MnSi"]).shape == (1,)
    assert search.best_estimator_.named_steps["enc"].scale in (1.0, 20.0)


# PeriodicTableEncoder(elements=...): fewer accepted elements, same image


def test_element_subset_keeps_the_image_and_cells_of_the_layout():
    subset = PeriodicTableEncoder(layout="full", amounts="fraction", elements=["Na", "Cl", "Fe", "O"])
    every = PeriodicTableEncoder(layout="full", amounts="fraction")
    formulas = ["NaCl", "Fe2O3"]
    assert np.array_equal(subset.fit_transform(formulas), every.fit_transform(formulas))
    assert subset.accepts_z_.sum() == 4 and every.accepts_z_.sum() == 103


def test_element_outside_the_subset_is_an_error_naming_it_and_the_way_out():
    encoder = PeriodicTableEncoder(layout="full", elements=["Na", "Cl", "O"]).fit(["NaCl"])
    with pytest.raises(ValueError) as info:
        encoder.transform(["NaCl", "Ne2O"])
    message = str(info.value)
    assert message.startswith(
        "Formula 'Ne2O' at row 1 has element Ne outside the 3 elements of "
        'PeriodicTableEncoder(layout="full", elements=<list of 3 symbols>)'
    )
    assert 'PeriodicTableEncoder(layout="full", elements=None)' in message


def test_element_subset_with_handle_unknown_ignore_warns_and_keeps_the_row():
    encoder = PeriodicTableEncoder(layout="full", elements=["Na", "Cl", "O"], handle_unknown="ignore")
    with pytest.warns(UserWarning, match="Ne"):
        images = encoder.fit_transform(["NaCl", "Ne2O"])
    assert images.shape == (2, 1, 9, 18)
    assert np.count_nonzero(images[1] > 0) == 1  # O only


@pytest.mark.parametrize(
    "elements, match",
    [
        ([], "non-empty list"),
        (["Na", "Xx"], "'Xx', which is not an element symbol"),
        (["H", "Cl"], r"elements has H, Cl, outside the 58 elements of PeriodicTableEncoder\(layout=\"paper\"\)"),
    ],
)
def test_bad_element_subset_is_an_error_at_fit(elements, match):
    with pytest.raises(ValueError, match=match):
        PeriodicTableEncoder(elements=elements).fit(["Co2MnSi"])


@pytest.mark.parametrize("encoder_cls", [PeriodicTableEncoder, RandomTableEncoder])
def test_amount_times_scale_beyond_float32_is_an_error_not_inf(encoder_cls):
    big = "Fe3" + "0" * 38  # 3e38: inside float32, but not times 20
    with pytest.raises(FormulaError, match=r"'Fe30+' at row 1 .*scale=20"):
        encoder_cls(amounts="count", scale=20.0).fit_transform(["Fe2O3", big])
    with pytest.raises(ValueError, match="absent_value=-1.0 .*scale=1e\\+300"):
        encoder_cls(absent_value=-1.0, scale=1e300).fit_transform(["Fe2O3"])
    # With the default absent value 0 the empty cells fit; the amounts times the scale do not.
    with pytest.raises(FormulaError, match=r"'Fe2O3' at row 0 has an amount of 2, .*scale=1e\+300"):
        encoder_cls(scale=1e300).fit_transform(["Fe2O3"])
    assert np.isfinite(encoder_cls(amounts="count").fit_transform(["Fe2O3", big])).all()


# --------------------------------------------------------------------------
# set_output and scikit-learn's global transform_output
# --------------------------------------------------------------------------

_ALL_ENCODERS = [
    lambda **kw: PeriodicTableEncoder(layout="full", **kw),
    lambda **kw: RandomTableEncoder(layout="full", random_state=0, **kw),
    lambda **kw: MendeleevLineEncoder(elements="all", **kw),
]


@pytest.mark.parametrize("make", _ALL_ENCODERS)
def test_flat_output_follows_set_output_in_transform_and_fit_transform(make):
    X = pd.Series(["Fe2O3", "NaCl"], index=[100, 101])
    encoder = make(output="flat").set_output(transform="pandas")
    for out in (encoder.fit_transform(X), encoder.transform(X)):
        assert isinstance(out, pd.DataFrame)
        assert list(out.columns) == list(encoder.get_feature_names_out())
        assert list(out.index) == [100, 101]
        np.testing.assert_array_equal(out.to_numpy(), make(output="flat").fit_transform(X))
    assert isinstance(encoder.set_output(transform="default").transform(X), np.ndarray)
    with sklearn.config_context(transform_output="pandas"):
        assert isinstance(make(output="flat").fit(X).transform(list(X)), pd.DataFrame)


@pytest.mark.parametrize("make", _ALL_ENCODERS)
def test_images_stay_arrays_under_the_global_pandas_config(make):
    with sklearn.config_context(transform_output="pandas"):
        encoder = make()
        for out in (encoder.fit_transform(["Fe2O3", "NaCl"]), encoder.transform(["Fe2O3"])):
            assert isinstance(out, np.ndarray) and out.ndim == 4
        # Asked for explicitly, a frame of images is a clear error.
        with pytest.raises(ValueError, match=r'output="image"\) makes images of shape \(1, 1, .*Use output="flat"'):
            make().set_output(transform="pandas").fit_transform(["Fe2O3"])
    with pytest.raises(ValueError, match="transform must be one of 'default', 'pandas', 'polars'"):
        make().set_output(transform="frame")


def test_the_main_pipeline_fits_under_the_global_pandas_config():
    from skmat import PTRCNNRegressor

    X, y = ["Co2MnSi", "Fe2VAl", "Ni2MnGa", "Cu2MnAl"], [-0.4, -0.3, -0.2, -0.1]
    with sklearn.config_context(transform_output="pandas"):
        model = make_pipeline(
            PeriodicTableEncoder(),
            PTRCNNRegressor(max_epochs=1, module__n_filters=4, module__hidden_units=8, random_state=0, verbose=0),
        ).fit(X, y)
        assert model.predict(X).shape == (4,)


@pytest.mark.parametrize("make", _ALL_ENCODERS)
def test_get_feature_names_out_checks_input_features(make):
    encoder = make().fit(pd.DataFrame({"formula": ["Fe2O3"]}))
    names = encoder.get_feature_names_out()
    np.testing.assert_array_equal(encoder.get_feature_names_out(["formula"]), names)
    for wrong in (["a", "b"], ["other"]):
        with pytest.raises(ValueError, match="input_features is not equal to feature_names_in_"):
            encoder.get_feature_names_out(wrong)
    unnamed = make().fit(["Fe2O3"])
    np.testing.assert_array_equal(unnamed.get_feature_names_out(["anything"]), names)
    with pytest.raises(ValueError, match="input_features should have length equal to number of features"):
        unnamed.get_feature_names_out(["a", "b"])


@pytest.mark.parametrize(
    "elements, match",
    [
        ([["Fe"]], r"non-empty 1-D sequence of element symbols, but entry 0 of elements is \['Fe'\]"),
        (["Fe", ("Si",)], r"non-empty 1-D sequence of element symbols, but entry 1 of elements is \('Si',\)"),
        (["Fe", 26], r"entry 1 of elements is 26, not a str"),
        (np.array([["Fe", "Si"]]), r"non-empty 1-D sequence of element symbols, got an array of shape \(1, 2\)"),
        ([], r"non-empty 1-D sequence of element symbols, got an empty list"),
        (np.array([], dtype=str), r"non-empty 1-D sequence of element symbols, got an empty ndarray"),
    ],
)
def test_mendeleev_line_names_malformed_elements(elements, match):
    with pytest.raises(ValueError, match=match):
        MendeleevLineEncoder(elements=elements).fit(["Fe2Si"])


def test_mendeleev_line_accepts_element_arrays_and_tuples():
    as_list = MendeleevLineEncoder(elements=["Fe", "Si"], output="flat").fit_transform(["Fe2Si"])
    for elements in (("Fe", "Si"), np.array(["Fe", "Si"])):
        np.testing.assert_array_equal(
            MendeleevLineEncoder(elements=elements, output="flat").fit_transform(["Fe2Si"]), as_list
        )
