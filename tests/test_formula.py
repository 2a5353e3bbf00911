"""Tests for the strict formula parser: ``parse_formula`` and ``parse_formulas``."""

from __future__ import annotations

import math
import re
import string
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skmat import element_table, parse_formula, parse_formulas
from skmat._formula import FormulaError, _quoted

SYMBOLS = [str(s) for s in element_table().symbol]
Z_OF = element_table().z_of_symbol

# No example database: keep the working tree clean, and every run identical.
PROPERTY = settings(max_examples=150, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


def as_lists(result):
    rows, z, amounts = result
    return rows.tolist(), z.tolist(), amounts.tolist()


# --------------------------------------------------------------------------
# Accepted formulas
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula, expected",
    [
        # OQMD style: explicit counts, no groups.
        ("Ta2Te1Zr1", {"Ta": 2, "Te": 1, "Zr": 1}),
        ("Co2Mn1Si1", {"Co": 2, "Mn": 1, "Si": 1}),
        # Implicit counts.
        ("Co2MnSi", {"Co": 2, "Mn": 1, "Si": 1}),
        ("NaCl", {"Na": 1, "Cl": 1}),
        ("H", {"H": 1}),
        # Materials Project style groups.
        ("Ta(MnB2)2", {"Ta": 1, "Mn": 2, "B": 4}),
        ("Sr(Ag2Sb)2", {"Sr": 1, "Ag": 4, "Sb": 2}),
        ("Ca(OH)2", {"Ca": 1, "O": 2, "H": 2}),
        ("(Fe)", {"Fe": 1}),
        # Nested groups, [] groups, mixed brackets.
        ("((Fe)2)3", {"Fe": 6}),
        ("K4[Fe(CN)6]", {"K": 4, "Fe": 1, "C": 6, "N": 6}),
        ("[Fe(CN)6]2", {"Fe": 2, "C": 12, "N": 12}),
        ("Mg3[(PO4)2]", {"Mg": 3, "P": 2, "O": 8}),
        ("[Co(NH3)6]Cl3", {"Co": 1, "N": 6, "H": 18, "Cl": 3}),
        # Fractional amounts.
        ("Fe0.5Ni0.5", {"Fe": 0.5, "Ni": 0.5}),
        ("Fe.5Ni.5", {"Fe": 0.5, "Ni": 0.5}),
        ("Fe5.", {"Fe": 5.0}),
        ("Li0.333Co0.667O2", {"Li": 0.333, "Co": 0.667, "O": 2}),
        ("(Fe.5Ni.5)2O", {"Fe": 1.0, "Ni": 1.0, "O": 1}),
        ("Fe(Ni)0.5", {"Fe": 1, "Ni": 0.5}),
        # Whitespace between tokens and around the formula.
        ("Fe2 O3", {"Fe": 2, "O": 3}),
        ("  Fe2O3  ", {"Fe": 2, "O": 3}),
        ("Fe2\tO3\n", {"Fe": 2, "O": 3}),
        ("Ta ( Mn B2 ) 2", {"Ta": 1, "Mn": 2, "B": 4}),
        # Repeated elements are summed, in every style.
        ("FeOFe", {"Fe": 2, "O": 1}),
        ("Fe2OFe3", {"Fe": 5, "O": 1}),
        ("Fe O Fe", {"Fe": 2, "O": 1}),
        ("Fe(OFe)2", {"Fe": 3, "O": 2}),
        ("CH3COOH", {"C": 2, "H": 4, "O": 2}),
        # Case decides: "CO" is carbon monoxide, "Co" is cobalt.
        ("CO", {"C": 1, "O": 1}),
        ("Co", {"Co": 1}),
        # The formula "NaN" is sodium nitride, not a missing value.
        ("NaN", {"Na": 1, "N": 1}),
        # Heaviest element in the table.
        ("Lr2No", {"Lr": 2, "No": 1}),
    ],
)
def test_parse_formula_accepts(formula, expected):
    result = parse_formula(formula)
    assert result == pytest.approx(expected)
    assert list(result) == list(expected), "elements in order of first appearance"
    assert all(type(k) is str and type(v) is float for k, v in result.items())


def test_parse_formula_docstring_examples_exact():
    assert parse_formula("Ta(MnB2)2") == {"Ta": 1.0, "Mn": 2.0, "B": 4.0}
    assert parse_formula("Co2Mn1Si1") == {"Co": 2.0, "Mn": 1.0, "Si": 1.0}


@pytest.mark.parametrize(
    "flat, careful",
    [
        ("Fe0.1O0.9", "Fe0.1 O0.9"),
        ("Fe0.1Fe0.1", "Fe0.1 Fe0.1"),
        ("Fe2O3", "Fe2 O3"),
        ("Fe0.1O", "(Fe0.1)O"),
        ("Li0.333Co0.667O2", " Li0.333 Co0.667 O2"),
    ],
)
def test_grouped_scanner_gives_the_same_floats_as_flat_path(flat, careful):
    # The scanner must not accumulate rounding error ("Fe0.1 O" once gave
    # Fe = 0.09999999999999998 where "Fe0.1O" gave 0.1).
    assert parse_formula(flat) == parse_formula(careful)
    assert as_lists(parse_formulas([flat])) == as_lists(parse_formulas([careful]))


def test_parse_formulas_docstring_example():
    rows, z, amounts = parse_formulas(["Co2MnSi", "NaCl"])
    assert rows.tolist() == [0, 0, 0, 1, 1]
    assert z.tolist() == [27, 25, 14, 11, 17]
    assert amounts.tolist() == [2.0, 1.0, 1.0, 1.0, 1.0]
    assert rows.dtype == np.int64 and z.dtype == np.int64 and amounts.dtype == np.float64


def test_parse_formulas_empty_input_gives_empty_arrays():
    rows, z, amounts = parse_formulas([])
    assert rows.shape == z.shape == amounts.shape == (0,)
    assert rows.dtype == np.int64 and z.dtype == np.int64 and amounts.dtype == np.float64


@pytest.mark.parametrize(
    "column",
    [
        ["Co2MnSi", "Fe2 O3", "Ta(MnB2)2", "FeOFe", "NaCl"],
        ("Co2MnSi", "Fe2 O3", "Ta(MnB2)2", "FeOFe", "NaCl"),
        np.array(["Co2MnSi", "Fe2 O3", "Ta(MnB2)2", "FeOFe", "NaCl"]),  # numpy str_ items
        np.array(["Co2MnSi", "Fe2 O3", "Ta(MnB2)2", "FeOFe", "NaCl"], dtype=object),
        pd.Series(["Co2MnSi", "Fe2 O3", "Ta(MnB2)2", "FeOFe", "NaCl"], index=[9, 8, 7, 6, 5]),
        (f for f in ["Co2MnSi", "Fe2 O3", "Ta(MnB2)2", "FeOFe", "NaCl"]),
    ],
    ids=["list", "tuple", "str-array", "object-array", "series", "generator"],
)
def test_parse_formulas_matches_parse_formula_for_every_container(column):
    rows, z, amounts = parse_formulas(column)
    formulas = ["Co2MnSi", "Fe2 O3", "Ta(MnB2)2", "FeOFe", "NaCl"]
    expected_rows, expected_z, expected_amounts = [], [], []
    for i, formula in enumerate(formulas):
        for symbol, amount in parse_formula(formula).items():
            expected_rows.append(i)
            expected_z.append(Z_OF[symbol])
            expected_amounts.append(amount)
    assert rows.tolist() == expected_rows  # positional rows, not a Series' index
    assert z.tolist() == expected_z
    assert amounts.tolist() == expected_amounts


def test_parse_formulas_sums_repeats_on_the_fast_path_input():
    # "FeOFe" is flat but repeats Fe: one entry per element, summed.
    rows, z, amounts = parse_formulas(["FeOFe", "Fe2OFe3"])
    assert rows.tolist() == [0, 0, 1, 1]
    assert z.tolist() == [26, 8, 26, 8]
    assert amounts.tolist() == [2.0, 1.0, 5.0, 1.0]


@pytest.mark.parametrize(
    "fast, careful",
    [
        ("Fe2O3", "Fe2 O3"),
        ("Co2MnSi", "Co2 Mn Si"),
        ("Fe0.5Ni0.5", " Fe0.5 Ni0.5 "),
        ("FeOFe", "Fe O Fe"),
        ("Ta1Mn2B4", "Ta(MnB2)2"),
        ("Fe.5", "(Fe.5)"),
    ],
)
def test_fast_and_careful_paths_agree(fast, careful):
    fast_result = as_lists(parse_formulas([fast]))
    careful_result = as_lists(parse_formulas([careful]))
    assert fast_result[0] == careful_result[0]
    assert fast_result[1] == careful_result[1]
    assert fast_result[2] == pytest.approx(careful_result[2], rel=1e-12)
    # And in a mixed column the rows stay aligned.
    rows, z, amounts = parse_formulas([fast, careful, fast])
    assert rows.tolist() == [0] * len(fast_result[0]) + [1] * len(fast_result[0]) + [2] * len(
        fast_result[0]
    )
    assert z.tolist() == fast_result[1] * 3


# --------------------------------------------------------------------------
# Rejected formulas
# --------------------------------------------------------------------------

BAD_FORMULAS = [
    pytest.param("Xx", id="unknown-symbol"),
    pytest.param("Fe2Xx", id="unknown-symbol-late"),
    pytest.param("Fe2(Xx)2", id="unknown-symbol-in-group"),
    pytest.param("fe2o3", id="lowercase"),
    pytest.param("Fe2o3", id="lowercase-token"),
    pytest.param("FEO", id="capital-E-is-no-element"),
    pytest.param("", id="empty"),
    pytest.param("   ", id="whitespace-only"),
    pytest.param("\t\n", id="whitespace-only-tabs"),
    pytest.param(None, id="None"),
    pytest.param(float("nan"), id="float-nan"),
    pytest.param(np.nan, id="np-nan"),
    pytest.param(5, id="int"),
    pytest.param(2.5, id="float"),
    pytest.param(b"Fe2O3", id="bytes"),
    pytest.param(["Fe2O3"], id="list"),
    pytest.param("Fe-1O", id="negative-amount"),
    pytest.param("Fe0O", id="zero-amount"),
    pytest.param("Fe0.0O", id="zero-decimal-amount"),
    pytest.param("Fe.0", id="zero-leading-dot-amount"),
    pytest.param("FeFe0", id="zero-amount-hidden-by-repeat"),
    pytest.param("Fe0Fe", id="zero-amount-before-repeat"),
    pytest.param("Fe Fe0", id="zero-amount-spaced"),
    pytest.param("(Fe)0", id="zero-group-amount"),
    pytest.param("Fe2O3!", id="stray-bang"),
    pytest.param("Fe_2", id="stray-underscore"),
    pytest.param("Fe2,O3", id="stray-comma"),
    pytest.param("Fe2..3", id="double-dot"),
    pytest.param("Fe2.5.3", id="two-decimal-points"),
    pytest.param("Fe1e3", id="exponent"),
    pytest.param("Fe+2", id="plus-sign"),
    pytest.param("Fe\u00b2O\u00b3", id="superscript-digits"),
    pytest.param("Fe\u0662", id="arabic-indic-digit"),
    pytest.param("Fe\uff12", id="fullwidth-digit"),
    pytest.param("\uff26e2", id="fullwidth-letter"),
    pytest.param("Fe2{O3}", id="curly-braces"),
    pytest.param("Fe2(O3", id="unclosed-paren"),
    pytest.param("Fe2O3)", id="unopened-paren"),
    pytest.param("(Fe2O3]", id="mismatched-brackets"),
    pytest.param("[Fe2O3)", id="mismatched-brackets-2"),
    pytest.param(")Fe(", id="reversed-parens"),
    pytest.param("((Fe)", id="nested-unclosed"),
    pytest.param("Fe()", id="empty-group"),
    pytest.param("()", id="only-empty-group"),
    pytest.param("2Fe", id="amount-first"),
    pytest.param(" 2Fe", id="amount-first-spaced"),
    pytest.param("(2Fe)", id="amount-first-in-group"),
    pytest.param("Fe2 3", id="amount-after-amount"),
    pytest.param("Fe(2)", id="amount-alone-in-group"),
    pytest.param("Fe" + "9" * 400, id="overflowing-amount"),
    pytest.param("(Fe)" + "9" * 400, id="overflowing-group-amount"),
]


def _formula_text(formula):
    """What the error message must contain to name the formula."""
    return repr(formula) if isinstance(formula, str) else str(formula)


@pytest.mark.parametrize("formula", BAD_FORMULAS)
def test_parse_formula_rejects(formula):
    with pytest.raises(ValueError) as excinfo:
        parse_formula(formula)
    assert isinstance(excinfo.value, FormulaError)
    message = str(excinfo.value)
    text = _formula_text(formula)
    assert text[:60] in message, message
    assert "row" not in message, "no row for a single formula"


@pytest.mark.parametrize("formula", BAD_FORMULAS)
def test_parse_formulas_names_formula_and_row(formula):
    column = ["Co2MnSi", "Fe2 O3", "Ta(MnB2)2", formula, "NaCl", "Xx"]
    with pytest.raises(ValueError) as excinfo:
        parse_formulas(column)
    message = str(excinfo.value)
    assert _formula_text(formula)[:60] in message, message
    assert re.search(r"\bat row 3\b", message), message


@pytest.mark.parametrize(
    "formula",
    ["Xx", "fe2o3", "", None, float("nan"), 7, "Fe-1O", "Fe0O", "Fe2O3!", "Fe(", "2Fe"],
)
def test_parse_formulas_row_index_in_object_array_and_series(formula):
    values = ["NaCl"] * 5
    values[3] = formula
    for column in (np.array(values, dtype=object), pd.Series(values, index=list("abcde"))):
        with pytest.raises(ValueError, match=r"at row 3\b"):
            parse_formulas(column)


def test_first_bad_row_is_reported():
    with pytest.raises(ValueError, match=r"'Xx' at row 1\b"):
        parse_formulas(["NaCl", "Xx", "Yy"])


@pytest.mark.parametrize(
    "formula, fragment",
    [
        ("Xx2", "Unknown element symbol 'Xx'"),
        ("Fe2O3!", "Unexpected character '!'"),
        ("Fe2(O3", "Unclosed '('"),
        ("Fe2O3)", "Unbalanced ')'"),
        ("Fe()", "Empty group"),
        ("2Fe", "does not follow an element or group"),
        ("Fe0O", "on-positive"),
        ("FeFe0", "on-positive"),
        ("", "Empty formula"),
        (None, "Missing formula"),
        (3, "must be a string"),
    ],
)
def test_error_messages_say_what_is_wrong(formula, fragment):
    with pytest.raises(ValueError, match=re.escape(fragment)):
        parse_formula(formula)


def test_careful_path_row_index_for_unknown_symbol_on_fast_path():
    # "Xx" matches the flat pattern; the fast path must hand over to the
    # careful one, which must still report row 2.
    with pytest.raises(ValueError, match=r"Unknown element symbol 'Xx' in formula 'Fe2Xx' at row 2"):
        parse_formulas(["Fe", "O", "Fe2Xx"])


# --------------------------------------------------------------------------
# Property-based tests
# --------------------------------------------------------------------------

_integer_amounts = st.integers(min_value=1, max_value=999).map(lambda n: (str(n), float(n)))
_decimal_amounts = st.decimals(
    min_value=Decimal("0.001"), max_value=Decimal("999"), places=3, allow_nan=False,
    allow_infinity=False,
).map(lambda d: (format(d, "f"), float(d)))
amounts = st.one_of(_integer_amounts, _decimal_amounts)

compositions = st.dictionaries(
    st.sampled_from(SYMBOLS), amounts, min_size=1, max_size=6
)


def _render_token(symbol, text, value, style):
    if style == "implicit" and value == 1.0:
        return symbol
    if style == "leading-dot" and text.startswith("0."):
        return symbol + text[1:]
    return symbol + text


def render(composition, style):
    """Render a {symbol: (text, value)} composition as a formula string."""
    tokens = [_render_token(s, t, v, style) for s, (t, v) in composition.items()]
    separator = " " if style == "spaced" else ""
    return separator.join(tokens)


STYLES = ["explicit", "implicit", "leading-dot", "spaced"]


@PROPERTY
@given(composition=compositions, style=st.sampled_from(STYLES))
def test_round_trip(composition, style):
    formula = render(composition, style)
    result = parse_formula(formula)
    expected = {s: v for s, (_, v) in composition.items()}
    assert list(result) == list(expected)
    assert result == pytest.approx(expected, rel=1e-12)
    # The column parser agrees, in the same order.
    rows, z, values = parse_formulas([formula])
    assert rows.tolist() == [0] * len(expected)
    assert z.tolist() == [Z_OF[s] for s in expected]
    assert values.tolist() == pytest.approx(list(expected.values()), rel=1e-12)


@PROPERTY
@given(
    composition=compositions,
    style=st.sampled_from(STYLES),
    brackets=st.sampled_from(["()", "[]"]),
    multiplier=st.one_of(st.just(("", 1.0)), amounts),
    prefix=st.sampled_from(["", "Fe", "Fe2 "]),
)
def test_round_trip_in_a_group(composition, style, brackets, multiplier, prefix):
    text, factor = multiplier
    formula = f"{prefix}{brackets[0]}{render(composition, style)}{brackets[1]}{text}"
    expected = {}
    if prefix:
        expected["Fe"] = 2.0 if "2" in prefix else 1.0
    for symbol, (_, value) in composition.items():
        expected[symbol] = expected.get(symbol, 0.0) + value * factor
    result = parse_formula(formula)
    assert list(result) == list(expected)
    assert result == pytest.approx(expected, rel=1e-9)


@PROPERTY
@given(
    parts=st.lists(st.tuples(st.sampled_from(SYMBOLS[:20]), amounts), min_size=1, max_size=8),
    spaced=st.booleans(),
)
def test_repeated_elements_are_summed(parts, spaced):
    formula = (" " if spaced else "").join(s + t for s, (t, _) in parts)
    expected = {}
    for symbol, (_, value) in parts:
        expected[symbol] = expected.get(symbol, 0.0) + value
    result = parse_formula(formula)
    assert list(result) == list(expected)
    assert result == pytest.approx(expected, rel=1e-12)
    rows, z, values = parse_formulas([formula, formula])
    assert rows.tolist() == [0] * len(expected) + [1] * len(expected)
    assert values.tolist() == pytest.approx(list(expected.values()) * 2, rel=1e-12)


@PROPERTY
@given(column=st.lists(st.tuples(compositions, st.sampled_from(STYLES)), min_size=1, max_size=8))
def test_parse_formulas_is_parse_formula_row_by_row(column):
    formulas = [render(c, style) for c, style in column]
    rows, z, values = parse_formulas(formulas)
    expected_rows, expected_z, expected_values = [], [], []
    for i, formula in enumerate(formulas):
        for symbol, value in parse_formula(formula).items():
            expected_rows.append(i)
            expected_z.append(Z_OF[symbol])
            expected_values.append(value)
    assert rows.tolist() == expected_rows
    assert z.tolist() == expected_z
    assert values.tolist() == pytest.approx(expected_values, rel=1e-12)


# The adduct separators are syntax too: "Fe2*O3" is the valid adduct Fe2 + O3.
_ALLOWED = set(string.ascii_letters + string.digits + ".()[]" + "\u00b7*\u2022\u22c5")
forbidden_characters = st.characters(codec="utf-8").filter(
    lambda c: c not in _ALLOWED and not c.isspace()
)


@PROPERTY
@given(
    composition=compositions,
    style=st.sampled_from(STYLES),
    character=forbidden_characters,
    data=st.data(),
)
def test_forbidden_character_anywhere_is_rejected(composition, style, character, data):
    formula = render(composition, style)
    position = data.draw(st.integers(min_value=0, max_value=len(formula)), label="position")
    bad = formula[:position] + character + formula[position:]
    with pytest.raises(ValueError) as excinfo:
        parse_formula(bad)
    assert repr(bad) in str(excinfo.value)
    with pytest.raises(ValueError, match=r"at row 1\b"):
        parse_formulas([formula, bad, formula])


@PROPERTY
@given(composition=compositions, data=st.data())
def test_lowercase_initial_token_is_rejected(composition, data):
    # Explicit amounts on every token: with implicit ones, lowercasing "O"
    # after "C" would give the valid (different) formula "Co".
    items = list(composition.items())
    index = data.draw(st.integers(min_value=0, max_value=len(items) - 1), label="token")
    tokens = [symbol + text for symbol, (text, _) in items]
    tokens[index] = tokens[index][0].lower() + tokens[index][1:]
    bad = "".join(tokens)
    with pytest.raises(ValueError) as excinfo:
        parse_formula(bad)
    assert repr(bad) in str(excinfo.value)
    with pytest.raises(ValueError, match=r"at row 2\b"):
        parse_formulas(["NaCl", "Co2MnSi", bad])


@PROPERTY
@given(composition=compositions, style=st.sampled_from(STYLES))
def test_amounts_are_positive_and_finite(composition, style):
    for value in parse_formula(render(composition, style)).values():
        assert value > 0 and math.isfinite(value)


# --------------------------------------------------------------------------
# Hydrates and adducts
# --------------------------------------------------------------------------

SEPARATORS = ["\u00b7", "*", "\u2022", "\u22c5"]
SEPARATOR_IDS = ["middle-dot", "asterisk", "bullet", "dot-operator"]

ADDUCTS = [
    ("CuSO4{}5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
    ("CaSO4{}0.5H2O", {"Ca": 1, "S": 1, "O": 4.5, "H": 1}),
    ("CaSO4{}.5H2O", {"Ca": 1, "S": 1, "O": 4.5, "H": 1}),
    ("Na2CO3{}H2O", {"Na": 2, "C": 1, "O": 4, "H": 2}),
    ("3CaO{}Al2O3", {"Ca": 3, "O": 6, "Al": 2}),
    ("Al2O3{}2SiO2{}2H2O", {"Al": 2, "O": 9, "Si": 2, "H": 4}),
    ("KCl{}MgCl2{}6H2O", {"K": 1, "Cl": 3, "Mg": 1, "H": 12, "O": 6}),
    ("[Cu(H2O)4]SO4{}H2O", {"Cu": 1, "H": 10, "O": 9, "S": 1}),
    ("Al2(SO4)3{}18H2O", {"Al": 2, "S": 3, "O": 30, "H": 36}),
    ("CuSO4 {} 5 H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
    ("Na0.35CoO2{}1.3H2O", {"Na": 0.35, "Co": 1, "O": 3.3, "H": 2.6}),
]


@pytest.mark.parametrize("separator", SEPARATORS, ids=SEPARATOR_IDS)
@pytest.mark.parametrize("template, expected", ADDUCTS)
def test_adduct_with_each_separator(template, expected, separator):
    formula = template.replace("{}", separator)
    result = parse_formula(formula)
    assert result == pytest.approx(expected, rel=1e-12)
    assert list(result) == list(expected), "elements in order of first appearance"
    # The column parser agrees, between formulas that take the fast path.
    rows, z, values = parse_formulas(["Co2MnSi", formula, "NaCl"])
    assert rows.tolist() == [0, 0, 0] + [1] * len(expected) + [2, 2]
    assert z.tolist()[3:-2] == [Z_OF[s] for s in expected]
    assert values.tolist()[3:-2] == list(result.values())


def test_hydrate_amounts_are_exact():
    assert parse_formula("CuSO4\u00b75H2O") == {"Cu": 1.0, "S": 1.0, "O": 9.0, "H": 10.0}
    assert parse_formula("CaSO4*0.5H2O") == {"Ca": 1.0, "S": 1.0, "O": 4.5, "H": 1.0}
    assert parse_formula("Na2CO3\u2022H2O") == {"Na": 2.0, "C": 1.0, "O": 4.0, "H": 2.0}


@pytest.mark.parametrize(
    "dotted, explicit",
    [
        ("CuSO4.5H2O", "CuSO4\u00b75H2O"),
        ("CaSO4.0.5H2O", "CaSO4\u00b70.5H2O"),
        ("Na2CO3.H2O", "Na2CO3\u00b7H2O"),
        ("NaCl.2H2O", "NaCl\u00b72H2O"),
        ("Fe(OH)3.H2O", "Fe(OH)3\u00b7H2O"),
        ("Fe(OH)2.5H2O", "Fe(OH)2\u00b75H2O"),
        ("MgSO4.7H2O", "MgSO4\u00b77H2O"),
        ("Na2SO4.10H2O", "Na2SO4\u00b710H2O"),
        ("Al2(SO4)3.18H2O", "Al2(SO4)3\u00b718H2O"),
        ("CuSO4.4NH3", "CuSO4\u00b74NH3"),
        ("MgCl2.6NH3", "MgCl2\u00b76NH3"),  # no repeated element: flat, but no fast path
        ("Na2CO3.1.5H2O2", "Na2CO3\u00b71.5H2O2"),
        ("Na0.35CoO2.1.3H2O", "Na0.35CoO2\u00b71.3H2O"),
        ("3CaO.Al2O3", "3CaO\u00b7Al2O3"),
        ("CaCO3.MgCO3", "CaCO3\u00b7MgCO3"),
        ("CuSO4.5H2O.NH3", "CuSO4\u00b75H2O\u00b7NH3"),
        ("CuSO4. 5H2O", "CuSO4\u00b75H2O"),
        ("Fe2. O3", "Fe2O3"),
    ],
)
def test_conventional_dot_is_an_adduct_separator(dotted, explicit):
    assert parse_formula(dotted) == parse_formula(explicit)
    assert as_lists(parse_formulas(["Fe2O3", dotted])) == as_lists(
        parse_formulas(["Fe2O3", explicit])
    )


def test_copper_sulfate_pentahydrate_is_no_longer_read_as_a_decimal():
    # The decimal reading gave O 5.5 and H 2 (and pymatgen still does).
    assert parse_formula("CuSO4.5H2O") == {"Cu": 1.0, "S": 1.0, "O": 9.0, "H": 10.0}


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("Fe0.5Ni0.5", {"Fe": 0.5, "Ni": 0.5}),
        ("Bi2Te2.7Se0.3", {"Bi": 2, "Te": 2.7, "Se": 0.3}),
        ("Cu1.5Se", {"Cu": 1.5, "Se": 1}),  # a one-element unit
        ("Li0.5Ni0.5O", {"Li": 0.5, "Ni": 0.5, "O": 1}),  # a zero count ends no unit
        ("Ba0.5Sr0.5TiO3", {"Ba": 0.5, "Sr": 0.5, "Ti": 1, "O": 3}),
        ("Fe2O3.5", {"Fe": 2, "O": 3.5}),  # nothing after the would-be multiplier
        ("Fe1.5Co2Ni3", {"Fe": 1.5, "Co": 2, "Ni": 3}),  # no element shared
        ("Fe1.25Ni", {"Fe": 1.25, "Ni": 1}),  # three digits make no multiplier
        ("Fe1.500Ni2Fe3", {"Fe": 4.5, "Ni": 2}),
        ("Fe2.05NiFe", {"Fe": 3.05, "Ni": 1}),  # a leading zero makes no multiplier
        ("Fe0.5H2O", {"Fe": 0.5, "H": 2, "O": 1}),
        ("Fe1.125H2O", {"Fe": 1.125, "H": 2, "O": 1}),
        ("(Fe2.5Ni)2O", {"Fe": 5, "Ni": 2, "O": 1}),  # inside a group
        ("Al2O3.2 SiO2", {"Al": 2, "O": 5.2, "Si": 1}),  # spelled as a decimal
        ("Fe5.", {"Fe": 5}),
        ("Fe.5Ni.5", {"Fe": 0.5, "Ni": 0.5}),
        ("Fe1.5 Ni2O", {"Fe": 1.5, "Ni": 2, "O": 1}),
        # From the Matbench sets: units of integer counts, no element shared.
        ("Ba1.88Ta15O32", {"Ba": 1.88, "Ta": 15, "O": 32}),
        ("Zr1.86Cu1S4", {"Zr": 1.86, "Cu": 1, "S": 4}),
        ("La5Cu6.33S7O4", {"La": 5, "Cu": 6.33, "S": 7, "O": 4}),
        ("Cd1Hg6.5As4Cl6", {"Cd": 1, "Hg": 6.5, "As": 4, "Cl": 6}),
        ("Cs6.4Na1.6Ga8Ge38", {"Cs": 6.4, "Na": 1.6, "Ga": 8, "Ge": 38}),
    ],
)
def test_decimals_stay_decimals(formula, expected):
    result = parse_formula(formula)
    assert result == pytest.approx(expected, rel=1e-12)
    assert list(result) == list(expected)
    rows, z, values = parse_formulas(["NaCl", formula])
    assert z.tolist()[2:] == [Z_OF[s] for s in expected]
    assert values.tolist()[2:] == list(result.values())


def _decimal_reading(formula):
    """Every '.' a decimal point: the reading of the parser before adducts."""
    amounts = {}
    for symbol, amount in re.findall(r"([A-Z][a-z]?)([0-9.]*)", formula):
        amounts[symbol] = amounts.get(symbol, 0.0) + (float(amount) if amount else 1.0)
    return amounts


@pytest.mark.parametrize(
    "name",
    ["matbench_expt_gap", "matbench_expt_is_metal", "matbench_glass", "matbench_steels"],
)
def test_no_bundled_formula_changes_meaning(name):
    # The bundled sets with a '.' in their formulas (OQMD and Materials
    # Project have none). Every one is a flat decimal formula and must keep
    # its decimal reading: none is an adduct, none is ambiguous.
    import skmat

    path = Path(skmat.__file__).parent / "_data" / f"{name}.csv.gz"
    formulas = pd.read_csv(path, keep_default_na=False)["formula"].tolist()
    dotted = [f for f in formulas if "." in f]
    assert dotted
    assert not [f for f in formulas if set(f) & set(SEPARATORS)]
    for formula in dotted:
        assert re.fullmatch(r"(?:[A-Z][a-z]?[0-9.]*)+", formula), formula
        assert parse_formula(formula) == _decimal_reading(formula), formula
    rows, z, values = parse_formulas(formulas)
    expected = [v for f in formulas for v in parse_formula(f).values()]
    assert values.tolist() == expected


@pytest.mark.parametrize(
    "formula, adduct, decimal, decimal_meaning",
    [
        ("Al2O3.2SiO2", "Al2O3\u00b72SiO2", "Al2O3.2 SiO2", "Al2O3.2 SiO2"),
        ("KCl.2MgCl2", "KCl\u00b72MgCl2", "KCl.2 MgCl2", "KCl.2 MgCl2"),
        ("Fe2O3.3FeO", "Fe2O3\u00b73FeO", "Fe2O3.3 FeO", "Fe2O3.3 FeO"),
        # The second '.' is a hydrate's either way.
        ("Al2O3.2SiO2.2H2O", "Al2O3\u00b72SiO2.2H2O", "Al2O3.2 SiO2.2H2O",
         "Al2O3.2 SiO2\u00b72H2O"),
    ],
)
def test_ambiguous_dot_is_an_error_showing_both_spellings(formula, adduct, decimal,
                                                          decimal_meaning):
    with pytest.raises(FormulaError) as excinfo:
        parse_formula(formula)
    message = str(excinfo.value)
    assert message.startswith("Ambiguous '.'"), message
    assert repr(formula) in message and "row" not in message
    assert repr(adduct) in message and repr(decimal) in message
    # Both suggested spellings parse, to the two different readings.
    as_adduct, as_decimal = parse_formula(adduct), parse_formula(decimal)
    assert as_adduct != as_decimal
    assert as_decimal == parse_formula(decimal_meaning)
    with pytest.raises(ValueError, match=rf"{re.escape(repr(formula))} at row 2\b"):
        parse_formulas(["NaCl", "CuSO4.5H2O", formula, "Fe"])


def test_ambiguous_decimal_multiplier_shows_both_readings():
    with pytest.raises(FormulaError) as excinfo:
        parse_formula("Fe2.5.3Ni2O")
    message = str(excinfo.value)
    assert "Ambiguous '.'" in message and "'Fe2.5.3Ni2O'" in message
    for spelling in ("Fe2\u00b75.3Ni2O", "Fe2.5\u00b73Ni2O"):
        assert repr(spelling) in message
        parse_formula(spelling)
    with pytest.raises(ValueError, match=r"'Fe2\.5\.3Ni2O' at row 1\b"):
        parse_formulas(["NaCl", "Fe2.5.3Ni2O"])


BAD_ADDUCTS = [
    pytest.param("(CuSO4\u00b75H2O)2", id="separator-in-group"),
    pytest.param("Fe(O*H)2", id="asterisk-in-group"),
    pytest.param("(Fe2.O)", id="unit-dot-in-group"),
    pytest.param("CuSO4\u00b7", id="trailing-separator"),
    pytest.param("\u00b7H2O", id="leading-separator"),
    pytest.param("CuSO4\u00b7\u00b7H2O", id="double-separator"),
    pytest.param("CuSO4\u00b75", id="multiplier-without-unit"),
    pytest.param("CuSO4\u00b70H2O", id="zero-multiplier"),
    pytest.param("CuSO4\u00b75Xx", id="unknown-symbol-in-unit"),
    pytest.param("CuSO4\u00b75h2o", id="lowercase-unit"),
    pytest.param("CuSO4\u00b7-5H2O", id="negative-multiplier"),
    pytest.param("CuSO4.H2O.", id="conventional-dot-then-trailing-dot"),
    pytest.param(".H2O", id="dot-first"),
    pytest.param("CuSO4.0.0H2O", id="zero-decimal-multiplier"),
    pytest.param("Al2O3.2SiO2", id="ambiguous"),
]


@pytest.mark.parametrize("formula", BAD_ADDUCTS)
def test_bad_adducts_are_rejected(formula):
    with pytest.raises(FormulaError) as excinfo:
        parse_formula(formula)
    assert repr(formula) in str(excinfo.value)
    with pytest.raises(ValueError, match=rf"{re.escape(_quoted(formula))} at row 1\b"):
        parse_formulas(["CuSO4.5H2O", formula, "NaCl"])


@PROPERTY
@given(
    units=st.lists(
        st.tuples(compositions, st.sampled_from(STYLES), st.one_of(st.just(("", 1.0)), amounts)),
        min_size=2,
        max_size=4,
    ),
    separator=st.sampled_from(SEPARATORS),
    spaced=st.booleans(),
)
def test_adduct_is_the_sum_of_its_units(units, separator, spaced):
    joint = f" {separator} " if spaced else separator
    formula = joint.join(text + render(c, style) for c, style, (text, _) in units)
    expected = {}
    for composition, _, (_, factor) in units:
        for symbol, (_, value) in composition.items():
            expected[symbol] = expected.get(symbol, 0.0) + value * factor
    result = parse_formula(formula)
    assert list(result) == list(expected)
    assert result == pytest.approx(expected, rel=1e-9)
    rows, z, values = parse_formulas(["NaCl", formula])
    assert values.tolist()[2:] == list(result.values())


# --------------------------------------------------------------------------
# Amounts beyond float32
# --------------------------------------------------------------------------

F32_MAX = float(np.finfo(np.float32).max)
F32_TINY = float(np.finfo(np.float32).tiny)

BEYOND_FLOAT32 = [
    pytest.param("Fe" + "9" * 40, id="40-digit-count"),
    pytest.param("Fe1" + "0" * 39, id="1e39"),
    pytest.param("Fe2O4" + "0" * 38, id="count-after-other-element"),
    pytest.param("Fe 1" + "0" * 39, id="spaced-40-digit-count"),
    pytest.param("Fe" + "9" * 40 + ".5", id="decimal-40-digit-count"),
    pytest.param("(Fe" + "9" * 20 + ")" + "9" * 20, id="group-product"),
    pytest.param("Fe2[(O1" + "0" * 13 + ")1" + "0" * 13 + "]1" + "0" * 13,
                 id="nested-product"),
    pytest.param("CuSO4\u00b72" + "0" * 38 + "H2O", id="adduct-multiplier-product"),
    pytest.param("CuSO4.5H2O*" + "9" * 39 + "H2O", id="adduct-multiplier-on-hydrate"),
    pytest.param("1" + "0" * 39 + "Fe\u00b7O", id="first-unit-multiplier"),
    pytest.param("Fe2" + "0" * 38 + "OFe2" + "0" * 38, id="sum-of-repeats"),
    pytest.param("Fe" + "9" * 400, id="non-finite-count"),
    pytest.param("(Fe" + "9" * 300 + ")" + "9" * 300, id="non-finite-product"),
    pytest.param("Fe0." + "0" * 40 + "1", id="below-float32-tiny"),
    pytest.param("(Fe0." + "0" * 20 + "1)0." + "0" * 20 + "1", id="product-below-float32-tiny"),
]


@pytest.mark.parametrize("formula", BEYOND_FLOAT32)
def test_amounts_beyond_float32_are_errors(formula):
    with pytest.raises(FormulaError) as excinfo:
        parse_formula(formula)
    message = str(excinfo.value)
    # A formula beyond 100 characters is shown cut, with its length.
    assert _quoted(formula) in message and "float32" in message, message
    assert "row" not in message
    where = rf"float32.* in formula {re.escape(_quoted(formula))} at row 2\b"
    with pytest.raises(ValueError, match=where):
        parse_formulas(["NaCl", "Fe2O3", formula, "Co2MnSi"])


def test_float32_range_limits_are_accepted():
    largest = str(int(F32_MAX))  # 340282346638528859811704183484516925440
    assert parse_formula("Fe" + largest) == {"Fe": F32_MAX}
    assert parse_formula("(Fe" + largest[:20] + ")1" + "0" * (len(largest) - 20)) == pytest.approx(
        {"Fe": F32_MAX}
    )
    assert parse_formulas(["Fe" + largest])[2].tolist() == [F32_MAX]
    smallest = format(Decimal(F32_TINY), "f")
    assert parse_formula("Fe" + smallest) == {"Fe": F32_TINY}
    assert parse_formulas(["Fe" + smallest])[2].tolist() == [F32_TINY]
    with pytest.raises(FormulaError, match="float32"):
        parse_formula("Fe" + largest + "0")
    with pytest.raises(FormulaError, match="float32"):
        parse_formulas(["Fe" + largest + "0"])


def _encoders():
    from skmat import MendeleevLineEncoder, PeriodicTableEncoder, RandomTableEncoder

    return [
        PeriodicTableEncoder(),
        PeriodicTableEncoder(layout="full"),
        RandomTableEncoder(random_state=0),
        MendeleevLineEncoder(elements="all"),
    ]


@pytest.mark.parametrize("encoder", _encoders(), ids=lambda e: repr(e))
@pytest.mark.parametrize("amounts_mode", ["count", "fraction"])
@pytest.mark.parametrize(
    "formula",
    [
        "Fe" + "9" * 40,
        "(Fe" + "9" * 20 + ")" + "9" * 20,
        "FeO\u00b7" + "1" + "0" * 39 + "O",
        "Fe" + "9" * 400,
    ],
    ids=["40-digit-count", "group-product", "adduct-product", "non-finite"],
)
def test_encoders_raise_for_amounts_beyond_float32(encoder, amounts_mode, formula):
    from sklearn.base import clone

    encoder = clone(encoder).set_params(amounts=amounts_mode).fit(["FeO"])
    with pytest.raises(ValueError, match=rf"{re.escape(_quoted(formula))} at row 1\b"):
        encoder.transform(["FeO", formula, "Co2MnSi"])
    # Without it, every cell is finite.
    assert np.isfinite(encoder.transform(["FeO", "Fe" + str(int(F32_MAX)), "Co2MnSi"])).all()


def test_encoders_encode_hydrates_as_their_total_composition():
    from skmat import PeriodicTableEncoder

    encoder = PeriodicTableEncoder(layout="full").fit(["CuSO4"])
    images = encoder.transform(["CuSO4.5H2O", "CuSO4\u00b75H2O", "CuSO4*5H2O", "CuS1O9H10"])
    for image in images[1:]:
        np.testing.assert_array_equal(image, images[0])


# --------------------------------------------------------------------------
# Rows named by their index label; long formulas
# --------------------------------------------------------------------------


def test_errors_name_the_index_label_of_a_series_or_frame_row():
    from skmat import PeriodicTableEncoder

    series = pd.Series(["Fe2O3", "NaCl", "Xx"], index=[100, 101, 102])
    with pytest.raises(FormulaError, match=r"'Xx' at row 2 \(index 102\)\."):
        parse_formulas(series)
    encoder = PeriodicTableEncoder(layout="full")
    for X in (series, series.to_frame("formula"), series.set_axis(["a", "b", "c"])):
        label = "'c'" if X.index[0] == "a" else "102"
        with pytest.raises(FormulaError, match=rf"'Xx' at row 2 \(index {label}\)\."):
            encoder.fit(X).transform(X)
    # Elements outside the layout, too.
    with pytest.raises(FormulaError, match=r"Formula 'NaCl' at row 1 \(index 101\) has element Cl"):
        PeriodicTableEncoder().fit(["Fe"]).transform(series[:2])
    # The default index (and a list) is the position alone.
    encoder.fit(["Fe"])
    with pytest.raises(FormulaError, match=r"at row 2\.$"):
        encoder.transform(series.reset_index(drop=True))
    with pytest.raises(FormulaError, match=r"at row 2\.$"):
        encoder.transform(list(series))


class _CountingPattern:
    """A compiled pattern that adds up how many characters its ``findall`` calls read."""

    def __init__(self, pattern):
        self.pattern, self.read = pattern, 0

    def findall(self, string, pos=0, endpos=None):
        self.read += (len(string) if endpos is None else min(endpos, len(string))) - pos
        return self.pattern.findall(string, pos, len(string) if endpos is None else endpos)

    def __getattr__(self, name):
        return getattr(self.pattern, name)


@pytest.mark.parametrize(
    "unit",
    # Not "Fe2.0.5Xx" repeated: a failing unit after each "2.0.5" is re-read up to the formula's end, so
    # that error case still reads quadratically many characters (in C regexes: 0.5 s at 160,000 characters).
    ["Fe2.5", "Fe2.5Ni", "Cu1.5Se", "(H2O)\u00b7", "CuSO4.5H2O.", "Fe2. "],
)
def test_long_formulas_parse_in_linear_work(unit, monkeypatch):
    """The characters the parser reads grow linearly with the formula's length (no wall time measured).

    Before, each '.' re-parsed and re-scanned the rest of the formula: a
    40,000-character formula took 18.7 s. Counted here: the characters
    that unit parses and symbol scans read.
    """
    import skmat._formula as formula_module

    def characters_read(n_chars):
        read = {"units": 0}
        parse_body = formula_module._parse_body

        def counting_parse_body(formula, row, z_of, start, end):
            read["units"] += (len(formula) if end is None else end) - start
            return parse_body(formula, row, z_of, start, end)

        symbols = _CountingPattern(formula_module._SYMBOL)
        with monkeypatch.context() as patch:
            patch.setattr(formula_module, "_parse_body", counting_parse_body)
            patch.setattr(formula_module, "_SYMBOL", symbols)
            try:
                parse_formula(unit * (n_chars // len(unit)) + "O")
            except FormulaError:
                pass
        return read["units"] + symbols.read

    small, large = characters_read(2_000), characters_read(16_000)
    # Linear work reads 8 times as much for 8 times the length; quadratic, 64 times.
    assert large <= 10 * max(small, 1), (small, large)


def test_error_messages_cut_long_formulas():
    formula = "Fe2.5" * 20_000 + "Xx"
    with pytest.raises(FormulaError) as excinfo:
        parse_formulas(["NaCl", formula])
    message = str(excinfo.value)
    assert len(message) < 400, message
    assert f"'{formula[:100]}'… (100,002 characters) at row 1" in message
    assert _quoted("Fe2O3") == "'Fe2O3'"
