"""Tests for the strict formula parser: ``parse_formula`` and ``parse_formulas``."""

from __future__ import annotations

import math
import re
import string
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skmat import element_table, parse_formula, parse_formulas
from skmat._formula import FormulaError

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


_ALLOWED = set(string.ascii_letters + string.digits + ".()[]")
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
