"""read_curve_table: both layouts, CSV and Excel, and errors that name the cell."""

from __future__ import annotations

import gzip
import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skmat.datasets import read_curve_table
from skmat.preprocessing import CurveResampler

# Three load-displacement curves of 4, 3 and 2 points.
CURVES = [
    (np.array([0.0, 0.025, 0.05, 0.075]), np.array([0.0, 142.0, 378.0, 477.0])),
    (np.array([0.0, 0.03, 0.06]), np.array([0.0, 120.0, 300.0])),
    (np.array([0.01, 0.04]), np.array([5.0, 200.0])),
]


def rows_frame(curves=CURVES, x="Dis", y="Force"):
    """One curve per row: Dis1..DisN then Force1..ForceN, ragged rows end in NaN."""
    n = max(len(cx) for cx, _ in curves)
    data = {}
    for prefix, which in ((x, 0), (y, 1)):
        for k in range(n):
            data[f"{prefix}{k + 1}"] = [c[which][k] if k < len(c[which]) else np.nan for c in curves]
    return pd.DataFrame(data)


def columns_frame(curves=CURVES, x="Dis", y="Force"):
    """One curve per column pair: Dis1, Force1, Dis2, Force2, ...; ragged columns end in NaN."""
    n = max(len(cx) for cx, _ in curves)
    data = {}
    for k, (cx, cy) in enumerate(curves):
        data[f"{x}{k + 1}"] = np.concatenate([cx, np.full(n - len(cx), np.nan)])
        data[f"{y}{k + 1}"] = np.concatenate([cy, np.full(n - len(cy), np.nan)])
    return pd.DataFrame(data)


def assert_curves_equal(got, expected):
    assert len(got) == len(expected)
    for (gx, gy), (ex, ey) in zip(got, expected, strict=True):
        assert gx.dtype == np.float64 and gy.dtype == np.float64
        np.testing.assert_array_equal(gx, ex)
        np.testing.assert_array_equal(gy, ey)


@pytest.fixture
def rows_csv(tmp_path):
    path = tmp_path / "spt_rows.csv"
    rows_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def columns_csv(tmp_path):
    path = tmp_path / "spt_columns.csv"
    columns_frame().to_csv(path, index=False)
    return path


@pytest.fixture
def excel_path(tmp_path):
    pytest.importorskip("openpyxl")
    path = tmp_path / "spt.xlsx"
    with pd.ExcelWriter(path) as writer:
        rows_frame().to_excel(writer, sheet_name="load-displacement", index=False)
        columns_frame(x="STRAIN", y="STRESS").to_excel(writer, sheet_name="stress-strain", index=False)
    return path


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------


def test_rows_layout_csv(rows_csv):
    data = read_curve_table(rows_csv)
    assert data.layout == "rows"
    assert data.names == ["row 0", "row 1", "row 2"]
    assert_curves_equal(data.curves, CURVES)
    assert isinstance(data.frame, pd.DataFrame) and data.frame.shape == (3, 8)


def test_columns_layout_csv(columns_csv):
    data = read_curve_table(str(columns_csv))
    assert data.layout == "columns"
    assert data.names == ["Dis1/Force1", "Dis2/Force2", "Dis3/Force3"]
    assert_curves_equal(data.curves, CURVES)


@pytest.mark.parametrize("layout", ["rows", "columns"])
def test_explicit_layout(rows_csv, columns_csv, layout):
    path = rows_csv if layout == "rows" else columns_csv
    data = read_curve_table(path, layout=layout)
    assert data.layout == layout
    assert_curves_equal(data.curves, CURVES)


def test_excel_both_sheets(excel_path):
    data = read_curve_table(excel_path, sheet_name="load-displacement")
    assert data.layout == "rows"
    assert_curves_equal(data.curves, CURVES)
    first = read_curve_table(excel_path)  # sheet 0 by default
    assert_curves_equal(first.curves, CURVES)
    stress = read_curve_table(excel_path, x="strain", y="stress", sheet_name=1)
    assert stress.layout == "columns"
    assert stress.names == ["STRAIN1/STRESS1", "STRAIN2/STRESS2", "STRAIN3/STRESS3"]
    assert_curves_equal(stress.curves, CURVES)


def test_excel_buffer_is_sniffed(excel_path):
    buffer = io.BytesIO(excel_path.read_bytes())  # no name, no suffix
    data = read_curve_table(buffer, sheet_name="load-displacement")
    assert_curves_equal(data.curves, CURVES)


def test_excel_errors_name_the_spreadsheet_cell(tmp_path):
    pytest.importorskip("openpyxl")
    frame = rows_frame()
    frame.loc[1, "Force2"] = np.nan  # x present, y missing: cell F3 in Excel
    path = tmp_path / "bad.xlsx"
    frame.to_excel(path, index=False)
    message = (
        r"Curve in row 1: the y cell at row 1, column 'Force2' \(cell F3\) is "
        r"empty but its x at row 1, column 'Dis2' \(cell B3\) holds 0.03"
    )
    with pytest.raises(ValueError, match=message):
        read_curve_table(path, layout="rows")


def test_csv_buffers_and_file_objects(rows_csv):
    text = rows_csv.read_text()
    assert_curves_equal(read_curve_table(io.StringIO(text)).curves, CURVES)
    assert_curves_equal(read_curve_table(io.BytesIO(text.encode())).curves, CURVES)
    with open(rows_csv) as handle:  # has a name with a suffix
        assert_curves_equal(read_curve_table(handle).curves, CURVES)


def test_tab_separated_and_compressed_files(tmp_path):
    tsv = tmp_path / "curves.tsv"
    rows_frame().to_csv(tsv, sep="\t", index=False)
    assert_curves_equal(read_curve_table(tsv).curves, CURVES)
    gz = tmp_path / "curves.csv.gz"
    with gzip.open(gz, "wt") as handle:
        rows_frame().to_csv(handle, index=False)
    assert_curves_equal(read_curve_table(gz).curves, CURVES)


def test_dataframe_input_uses_index_labels_and_is_not_changed():
    frame = rows_frame()
    frame.index = ["S1", "S2", "S3"]
    frame["thickness"] = [1.0, 2.0, 3.0]  # other columns are ignored
    before = frame.copy(deep=True)
    data = read_curve_table(frame)
    assert data.names == ["row S1", "row S2", "row S3"]
    assert data.frame is frame
    pd.testing.assert_frame_equal(frame, before)
    for x, y in data.curves:  # own, writable arrays
        assert x.flags.writeable and y.flags.writeable
        assert not np.shares_memory(x, frame.to_numpy()) and not np.shares_memory(y, frame.to_numpy())
    data.curves[0][1][0] = -1.0
    pd.testing.assert_frame_equal(frame, before)


def test_frame_with_read_only_values():
    # pandas 3 copy-on-write hands out read-only arrays; simulate them here.
    values = columns_frame().to_numpy()
    values.flags.writeable = False
    frame = pd.DataFrame(values, columns=columns_frame().columns, copy=False)
    assert_curves_equal(read_curve_table(frame).curves, CURVES)


@pytest.mark.parametrize(
    "x_name, y_name",
    [("dis{}", "force{}"), ("DIS_{}", "FORCE_{}"), ("Dis {} (mm)", "Force {} [N]"), ("Dis-{}", "Force{}")],
)
def test_column_name_variants(x_name, y_name):
    frame = rows_frame()
    frame.columns = [x_name.format(k) for k in range(1, 5)] + [y_name.format(k) for k in range(1, 5)]
    assert_curves_equal(read_curve_table(frame).curves, CURVES)


def test_points_and_curves_follow_the_numbers_not_the_column_order():
    frame = rows_frame()
    shuffled = frame[["Force4", "Dis2", "Dis1", "Force1", "Dis4", "Force3", "Dis3", "Force2"]]
    assert_curves_equal(read_curve_table(shuffled, layout="rows").curves, CURVES)
    columns = columns_frame()
    swapped = columns[["Dis3", "Force3", "Dis1", "Force1", "Dis2", "Force2"]]
    data = read_curve_table(swapped, layout="columns")
    assert data.names == ["Dis1/Force1", "Dis2/Force2", "Dis3/Force3"]
    assert_curves_equal(data.curves, CURVES)


def test_ten_and_more_points_sort_numerically():
    x = np.arange(12) * 0.025
    frame = rows_frame([(x, x * 100)])
    frame = frame[sorted(frame.columns)]  # Dis1, Dis10, Dis11, Dis12, Dis2, ...
    (curve,) = read_curve_table(frame, layout="rows").curves
    np.testing.assert_array_equal(curve[0], x)


def test_empty_rows_and_column_pairs_are_left_out():
    frame = rows_frame()
    empty = pd.DataFrame([[np.nan] * frame.shape[1]], columns=frame.columns)
    padded = pd.concat([frame.iloc[:1], empty, frame.iloc[1:], empty], ignore_index=True)
    data = read_curve_table(padded, layout="rows")
    assert data.names == ["row 0", "row 2", "row 3"]
    assert_curves_equal(data.curves, CURVES)
    columns = columns_frame()
    columns["Dis9"] = np.nan
    columns["Force9"] = np.nan
    data = read_curve_table(columns, layout="columns")
    assert data.names == ["Dis1/Force1", "Dis2/Force2", "Dis3/Force3"]


def test_blank_strings_are_empty_cells():
    frame = rows_frame().astype(object)
    frame.loc[2, ["Dis3", "Force3"]] = "  "
    frame.loc[2, ["Dis4", "Force4"]] = ""
    assert_curves_equal(read_curve_table(frame, layout="rows").curves, CURVES)


def test_numbers_as_text_are_read():
    frame = rows_frame().astype(object)
    frame.loc[0, "Force2"] = "142"
    frame.loc[0, "Dis2"] = "2.5e-2"
    assert_curves_equal(read_curve_table(frame, layout="rows").curves, CURVES)


def test_nullable_dtypes():
    frame = rows_frame().astype("Float64")  # NaN becomes pd.NA
    assert_curves_equal(read_curve_table(frame, layout="rows").curves, CURVES)


def test_output_feeds_the_resampler(rows_csv):
    data = read_curve_table(rows_csv)
    out = CurveResampler(n_points=4).fit_transform(data.curves)
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out[0, 0], np.interp(0.01, *CURVES[0]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(st.tuples(st.floats(0.001, 10.0), st.floats(-1e6, 1e6)), min_size=2, max_size=8),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from(["rows", "columns"]),
)
def test_round_trip_through_csv(points, layout):
    curves = [
        (np.cumsum([step for step, _ in curve]), np.array([force for _, force in curve])) for curve in points
    ]
    frame = rows_frame(curves) if layout == "rows" else columns_frame(curves)
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, float_format="%.17g")
    buffer.seek(0)
    data = read_curve_table(buffer, layout=layout)
    assert data.layout == layout
    assert_curves_equal(data.curves, curves)


# --------------------------------------------------------------------------
# Layout detection
# --------------------------------------------------------------------------


def test_auto_when_all_curves_share_the_displacement_grid():
    # The SPT simulations: every curve on the same displacement grid. Read
    # one per column pair, the Dis columns would not increase: only "rows" fits,
    # even with columns that alternate Dis1, Force1, Dis2, Force2, ...
    x = np.linspace(0, 4.5, 6)
    curves = [(x, x * k) for k in (1.0, 2.0, 3.0)]
    frame = rows_frame(curves)
    alternating = frame[[f"{p}{k}" for k in range(1, 7) for p in ("Dis", "Force")]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = read_curve_table(alternating)
    assert data.layout == "rows"
    assert_curves_equal(data.curves, curves)


def test_auto_with_a_single_row_reads_rows():
    frame = rows_frame(CURVES[:1])[["Dis1", "Force1", "Dis2", "Force2", "Dis3", "Force3", "Dis4", "Force4"]]
    data = read_curve_table(frame)
    assert data.layout == "rows"
    assert_curves_equal(data.curves, CURVES[:1])


def test_auto_warns_when_both_readings_are_valid():
    # x increases along rows and down columns: either reading is valid.
    ambiguous = pd.DataFrame(
        {"Dis1": [0.0, 0.5], "Dis2": [1.0, 1.5], "Force1": [0.0, 1.0], "Force2": [2.0, 3.0]}
    )
    both = "both one per row and one per column pair"
    with pytest.warns(UserWarning, match=f"{both}; read as one curve per row because"):
        data = read_curve_table(ambiguous)
    assert data.layout == "rows"
    alternating = ambiguous[["Dis1", "Force1", "Dis2", "Force2"]]
    with pytest.warns(UserWarning, match="per column pair because its Dis/Force columns alternate"):
        data = read_curve_table(alternating)
    assert data.layout == "columns"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_curve_table(alternating, layout="rows").layout == "rows"


def test_auto_with_no_valid_reading_reports_the_preferred_one():
    frame = columns_frame()
    frame.loc[1, "Dis2"] = 0.5  # curve 2 goes 0, 0.5, 0.06: x decreases
    with pytest.raises(ValueError) as info:
        read_curve_table(frame)
    message = str(info.value)
    assert message.startswith(
        "Curve in columns 'Dis2' and 'Force2': x must be strictly increasing, but 0.06 at "
        "row 2, column 'Dis2' does not exceed 0.5 at row 1, column 'Dis2'."
    )
    assert "layout='auto' found no valid reading" in message
    assert "pass layout='rows' if each row holds a curve" in message


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


def _rows_with(**cells):
    frame = rows_frame().astype(object)
    for key, value in cells.items():
        column, row = key.rsplit("_", 1)
        frame.loc[int(row), column] = value
    return frame


ROW_ERRORS = [
    ("NaN in the middle", {"Dis2_0": np.nan, "Force2_0": np.nan},
     r"Curve in row 0: the cells at row 0, column 'Dis2' and row 0, column 'Force2' are empty but the curve "
     r"goes on at row 0, column 'Dis3'; empty cells may only end a shorter curve"),
    ("x without y", {"Force3_1": np.nan},
     r"Curve in row 1: the y cell at row 1, column 'Force3' is empty but its x at "
     r"row 1, column 'Dis3' holds 0.06"),
    ("y without x", {"Dis1_2": np.nan},
     r"Curve in row 2: the x cell at row 2, column 'Dis1' is empty but its y at "
     r"row 2, column 'Force1' holds 5"),
    ("text", {"Force3_0": "abc"}, r"The cell at row 0, column 'Force3' holds 'abc', which is not a number\.$"),
    ("decimal comma", {"Force3_0": "12,5"},
     r"The cell at row 0, column 'Force3' holds '12,5', which is not a number. For decimal commas"),
    ("infinite y", {"Force2_1": np.inf},
     r"Curve in row 1: the y cell at row 1, column 'Force2' is infinite \(inf\)"),
    ("infinite x", {"Dis4_0": -np.inf},
     r"Curve in row 0: the x cell at row 0, column 'Dis4' is infinite \(-inf\)"),
    ("x decreases", {"Dis3_0": 0.02},
     r"Curve in row 0: x must be strictly increasing, but 0.02 at row 0, column 'Dis3' "
     r"does not exceed 0.025 at row 0, column 'Dis2'"),
    ("x repeats", {"Dis2_2": 0.01},
     r"Curve in row 2: x must be strictly increasing, but 0.01 at row 2, column 'Dis2' does not exceed 0.01"),
    ("one point", {"Dis2_2": np.nan, "Force2_2": np.nan},
     r"Curve in row 2: it has only one point, at row 2, column 'Dis1'; at least 2 are needed"),
]


@pytest.mark.parametrize("label, cells, message", ROW_ERRORS, ids=[e[0] for e in ROW_ERRORS])
def test_rows_layout_errors_name_row_and_column(label, cells, message):
    with pytest.raises(ValueError, match=message):
        read_curve_table(_rows_with(**cells), layout="rows")


def test_columns_layout_errors_name_the_column_pair_and_row():
    frame = columns_frame()
    frame.loc[2, "Dis1"] = np.nan
    frame.loc[2, "Force1"] = np.nan  # a hole in curve 1, which goes on at row 3
    message = (
        r"Curve in columns 'Dis1' and 'Force1': the cells at row 2, column 'Dis1' "
        r"and row 2, column 'Force1' are empty but the curve goes on at row 3"
    )
    with pytest.raises(ValueError, match=message):
        read_curve_table(frame, layout="columns")


def test_errors_in_files_give_the_spreadsheet_cell(tmp_path):
    path = tmp_path / "bad.csv"
    _rows_with(Force3_0="n/a?").to_csv(path, index=False)
    message = r"row 0, column 'Force3' \(cell G2\) holds 'n/a\?', which is not a number"
    with pytest.raises(ValueError, match=message):
        read_curve_table(path)
    frame = columns_frame()
    frame.loc[1, "Force2"] = np.nan
    frame.to_csv(path, index=False)
    message = (
        r"the y cell at row 1, column 'Force2' \(cell D3\) is empty but its x at "
        r"row 1, column 'Dis2' \(cell C3\) holds 0.03"
    )
    with pytest.raises(ValueError, match=message):
        read_curve_table(path, layout="columns")


def test_cell_references_past_column_z():
    from skmat.datasets._curve_tables import _column_letters

    assert [_column_letters(p) for p in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"
    ]


TABLE_ERRORS = [
    ("no x columns", pd.DataFrame({"u1": [0.0, 1.0], "Force1": [0.0, 1.0]}),
     r"No x column named Dis<number> \(e.g. 'Dis1'\) in the table; "
     r"its columns are \['u1', 'Force1'\]. Pass x="),
    ("no y columns", pd.DataFrame({"Dis1": [0.0, 1.0], "F1": [0.0, 1.0]}),
     r"No y column named Force<number>"),
    ("unpaired x", pd.DataFrame({"Dis1": [0.0, 1.0], "Dis2": [0.0, 1.0], "Force1": [0.0, 1.0]}),
     r"Column 'Dis2' has no matching Force2 column"),
    ("unpaired y", pd.DataFrame({"Dis1": [0.0, 1.0], "Force1": [0.0, 1.0], "Force7": [0.0, 1.0]}),
     r"Column 'Force7' has no matching Dis7 column"),
    ("same number twice", pd.DataFrame([[0.0, 1.0, 2.0]], columns=["Dis1", "dis_1", "Force1"]),
     r"Columns 'Dis1' and 'dis_1' are both x column 1"),
    ("pandas renamed duplicate", pd.DataFrame([[0.0, 1.0, 2.0]], columns=["Dis1", "Dis1.1", "Force1"]),
     r"Column 'Dis1.1' looks like a second x column of the same number"),
    ("no rows", pd.DataFrame({"Dis1": [], "Force1": []}), "The table has no rows of data"),
    ("all empty", pd.DataFrame({"Dis1": [np.nan], "Force1": [np.nan]}), "hold no values"),
    ("dates", pd.DataFrame({"Dis1": pd.to_datetime(["2024-01-01"]), "Force1": [1.0]}),
     r"The cell at row 0, column 'Dis1' holds dates or times"),
    ("booleans", pd.DataFrame({"Dis1": [True], "Force1": [1.0]}), "holds True/False values"),
]


@pytest.mark.parametrize("label, frame, message", TABLE_ERRORS, ids=[e[0] for e in TABLE_ERRORS])
def test_table_errors(label, frame, message):
    with pytest.raises(ValueError, match=message):
        read_curve_table(frame)


BAD_ARGUMENTS = [
    ({"layout": "wide"}, r"layout must be one of \('auto', 'rows', 'columns'\), got 'wide'"),
    ({"comment": ""}, "comment must be None or a non-empty string"),
    ({"comment": " #"}, r"comment must be None or a non-empty string without blanks at its ends or quotes, got ' #'"),
    ({"comment": '"'}, "comment must be None or a non-empty string"),
    ({"comment": 3}, "comment must be None or a non-empty string"),
    ({"x": ""}, "x must be a non-empty column-name prefix"),
    ({"y": 3}, "y must be a non-empty column-name prefix, got 3"),
    ({"x": "dis", "y": "DIS"}, "x and y must be different prefixes"),
    ({"sheet_name": None}, "sheet_name must name one sheet"),
    ({"sheet_name": [0, 1]}, "sheet_name must name one sheet"),
]


@pytest.mark.parametrize("kwargs, message", BAD_ARGUMENTS)
def test_bad_arguments(rows_csv, kwargs, message):
    with pytest.raises(ValueError, match=message):
        read_curve_table(rows_csv, **kwargs)


def test_unknown_suffix_and_source(tmp_path):
    path = tmp_path / "curves.dat"
    path.write_text("Dis1,Force1\n0,0\n1,1\n")
    with pytest.raises(ValueError, match=r"Cannot tell the format of '.*curves.dat' from its suffix"):
        read_curve_table(path)
    with pytest.raises(ValueError, match="Expected a path, a file-like object or a DataFrame, got dict"):
        read_curve_table({"Dis1": [0, 1], "Force1": [0, 1]})



# --------------------------------------------------------------------------
# One curve in unnumbered columns (a rig's export of one test)
# --------------------------------------------------------------------------

RIG_CURVE = CURVES[0]


def rig_text(x_name="Dis (mm)", y_name="Force (kN)", header=(), between=()):
    """A single test as a rig exports it: unnumbered columns, optional note lines."""
    lines = [*header, f"{x_name},{y_name}"]
    for k, (u, force) in enumerate(zip(*RIG_CURVE, strict=True)):
        lines.append(f"{float(u)!r},{float(force)!r}")
        if k == 1:
            lines.extend(between)
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "x_name, y_name, units",
    [("Dis", "Force", (None, None)), ("dis (mm)", "force (N)", ("mm", "N")),
     ("DIS [mm]", "FORCE [kN]", ("mm", "kN")), (" Dis(mm) ", "Force ( kN )", ("mm", "kN"))],
)
def test_unnumbered_columns_are_one_curve(x_name, y_name, units):
    data = read_curve_table(io.StringIO(rig_text(x_name, y_name)))
    assert data.layout == "columns"
    assert data.names == [f"{x_name}/{y_name}"]
    assert data.units == [units]
    assert_curves_equal(data.curves, [RIG_CURVE])


def test_unnumbered_columns_from_a_path_a_byte_buffer_and_a_frame(tmp_path):
    path = tmp_path / "S-17.csv"
    path.write_text(rig_text())
    for source in (path, str(path), io.BytesIO(path.read_bytes())):
        data = read_curve_table(source)
        assert data.names == ["Dis (mm)/Force (kN)"] and data.units == [("mm", "kN")]
        assert_curves_equal(data.curves, [RIG_CURVE])
    frame = pd.DataFrame({"time (s)": [0.0, 1.0, 2.0, 3.0], "Force (kN)": RIG_CURVE[1], "Dis (mm)": RIG_CURVE[0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = read_curve_table(frame)  # y before x, other columns ignored
    assert data.layout == "columns" and data.names == ["Dis (mm)/Force (kN)"]
    assert_curves_equal(data.curves, [RIG_CURVE])
    assert data.comments == []


def test_unnumbered_columns_errors_name_the_cell(tmp_path):
    path = tmp_path / "S-17.csv"
    path.write_text(rig_text().replace("0.05,", "0.01,"))
    message = (
        r"Curve in columns 'Dis \(mm\)' and 'Force \(kN\)': x must be strictly increasing, but 0.01 at "
        r"row 2, column 'Dis \(mm\)' \(cell A4\) does not exceed 0.025"
    )
    with pytest.raises(ValueError, match=message):
        read_curve_table(path)


def test_unnumbered_columns_cannot_be_read_as_rows():
    with pytest.raises(ValueError, match=r"Columns 'Dis \(mm\)' and 'Force \(kN\)' have no number: they hold one "
                                         r"curve down the rows, which layout='rows' cannot read"):
        read_curve_table(io.StringIO(rig_text()), layout="rows")
    data = read_curve_table(io.StringIO(rig_text()), layout="columns")
    assert_curves_equal(data.curves, [RIG_CURVE])


UNNUMBERED_ERRORS = [
    ("unnumbered x, numbered y", ["Dis", "Force1"],
     r"The table mixes columns without a number, \['Dis'\], with numbered ones, \['Force1'\]. Number every Dis "
     r"and Force column"),
    ("numbered pair and an unnumbered y", ["Dis1", "Force1", "Force (kN)"],
     r"mixes columns without a number, \['Force \(kN\)'\], with numbered ones, \['Dis1', 'Force1'\]"),
    ("two unnumbered x", ["Dis", "DIS [mm]", "Force"],
     r"Columns \['Dis', 'DIS \[mm\]'\] are all x columns without a number; a table without numbers holds one "
     r"curve"),
    ("two unnumbered y", ["Dis", "Force (N)", "force (kN)"], r"Columns \['Force \(N\)', 'force \(kN\)'\] are all y"),
    ("repeated name, renamed by pandas", ["Dis", "Dis.1", "Force"],
     r"Column 'Dis.1' looks like a second x column without a number, like 'Dis' \(pandas renames"),
    ("repeated numbered name with a unit", ["Dis1 (mm)", "Dis1 (mm).1", "Force1"],
     r"Column 'Dis1 \(mm\).1' looks like a second x column of the same number"),
    ("unnumbered x without y", ["Dis (mm)", "F (kN)"],
     r"No y column named Force<number> \(e.g. 'Force1'\) in the table; its columns are \['Dis \(mm\)', 'F \(kN\)'\]. "
     r"Pass y= the prefix of the y column names \(a table of one curve may leave the number out: 'Force', "),
]


@pytest.mark.parametrize("label, columns, message", UNNUMBERED_ERRORS, ids=[e[0] for e in UNNUMBERED_ERRORS])
def test_unnumbered_column_errors(label, columns, message):
    frame = pd.DataFrame([[0.0] * len(columns), [1.0] * len(columns)], columns=columns)
    with pytest.raises(ValueError, match=message):
        read_curve_table(frame)


def test_a_longer_name_is_not_an_unnumbered_column():
    frame = pd.DataFrame({"Displacement (mm)": [0.0, 1.0], "Force (kN)": [0.0, 1.0]})
    with pytest.raises(ValueError, match=r"No x column named Dis<number>"):
        read_curve_table(frame)
    data = read_curve_table(frame, x="displacement")
    assert data.names == ["Displacement (mm)/Force (kN)"] and data.units == [("mm", "kN")]


# --------------------------------------------------------------------------
# Header lines and comments
# --------------------------------------------------------------------------

HEADER = (
    "# rig: SPT-2 small punch rig, flat punch 5.5 mm",
    "# specimen: S-17, thickness 1.00 mm",
    "# machine stiffness: 50 kN/mm",
)


def test_header_lines_are_skipped_and_returned(tmp_path):
    path = tmp_path / "S-17.csv"
    path.write_text(rig_text(header=HEADER))
    data = read_curve_table(path)
    assert data.comments == list(HEADER)
    assert data.names == ["Dis (mm)/Force (kN)"] and data.units == [("mm", "kN")]
    assert_curves_equal(data.curves, [RIG_CURVE])
    assert list(data.frame.columns) == ["Dis (mm)", "Force (kN)"] and len(data.frame) == 4


def test_comment_and_blank_lines_among_the_rows_are_skipped_and_errors_count_file_lines(tmp_path):
    # lines: 1-3 header, 4 blank, 5 names, 6-7 rows 0-1, 8 comment, 9 blank, 10-11 rows 2-3
    text = rig_text(header=(*HEADER, ""), between=("  # the load cell was re-zeroed here", ""))
    data = read_curve_table(io.StringIO(text))
    assert data.comments == [*HEADER, "  # the load cell was re-zeroed here"]
    assert_curves_equal(data.curves, [RIG_CURVE])
    path = tmp_path / "bad.csv"
    path.write_text(text.replace("477.0", "abc"))
    message = r"The cell at row 3, column 'Force \(kN\)' \(cell B11\) holds 'abc', which is not a number\.$"
    with pytest.raises(ValueError, match=message):
        read_curve_table(path)


def test_header_lines_with_numbered_columns_and_rows_layout(tmp_path):
    path = tmp_path / "series.csv"
    with open(path, "w") as handle:
        handle.write("\n".join(HEADER) + "\n")
        rows_frame().to_csv(handle, index=False)
    data = read_curve_table(path)
    assert data.layout == "rows" and data.comments == list(HEADER)
    assert_curves_equal(data.curves, CURVES)


def test_a_hash_after_a_value_is_not_a_comment(tmp_path):
    # pandas' comment="#" would silently read "1.2#3" as 1.2
    path = tmp_path / "S-17.csv"
    path.write_text(rig_text(header=HEADER).replace("142.0", "142.0#3"))
    message = (
        r"The cell at row 1, column 'Force \(kN\)' \(cell B6\) holds '142.0#3', which is not a number. "
        r"Only a whole row can be a comment"
    )
    with pytest.raises(ValueError, match=message):
        read_curve_table(path)
    path.write_text(rig_text(header=HEADER).replace("142.0", "142.0 # peak?"))
    with pytest.raises(ValueError, match=r"holds '142.0 # peak\?', which is not a number"):
        read_curve_table(path)


def test_a_hash_inside_other_cells_is_kept():
    text = (
        "# series 2024-11-05\n"
        'Dis (mm),Force (kN),note\n'
        '0.0,0.0,"specimen #17, seated"\n'
        "0.5,1.5,#18 # not a comment\n"
        '1.0,2.5,""\n'
    )
    data = read_curve_table(io.StringIO(text))
    assert data.comments == ["# series 2024-11-05"]
    assert data.frame["note"].tolist()[:2] == ["specimen #17, seated", "#18 # not a comment"]
    assert_curves_equal(data.curves, [(np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.5, 2.5]))])


def test_a_quoted_first_cell_that_starts_with_the_comment_is_a_comment():
    # Excel writes a note with a comma in quotes when it saves a sheet as CSV.
    text = '"# specimen: S-17, thickness 1.00 mm",,\n' + rig_text()
    data = read_curve_table(io.StringIO(text))
    assert data.comments == ['"# specimen: S-17, thickness 1.00 mm",,']
    assert_curves_equal(data.curves, [RIG_CURVE])


def test_a_line_inside_a_quoted_cell_is_not_a_comment_and_lines_are_still_counted():
    text = (
        "Dis,Force,note\n"
        '0.0,0.0,"two lines:\n'
        '# this one is still the note"\n'
        "0.5,1.0,\n"
        "1.0,x,\n"
    )
    with pytest.raises(ValueError, match=r"row 2, column 'Force' \(cell B5\) holds 'x'"):
        read_curve_table(io.BytesIO(text.encode()))
    data = read_curve_table(io.StringIO(text.replace("1.0,x,", "1.0,2.0,")))
    assert data.comments == []
    assert data.frame["note"][0] == "two lines:\n# this one is still the note"


def test_comment_none_reads_labels_that_start_with_the_comment_string():
    labelled = rows_frame()
    labelled.insert(0, "specimen", ["#1", "S-2", "#3"])
    text = labelled.to_csv(index=False)
    data = read_curve_table(io.StringIO(text), layout="rows")  # rows whose first cell starts with "#" are notes
    assert [c.split(",")[0] for c in data.comments] == ["#1", "#3"]
    assert_curves_equal(data.curves, CURVES[1:2])
    data = read_curve_table(io.StringIO(text), layout="rows", comment=None)
    assert data.comments == []
    assert_curves_equal(data.curves, CURVES)


@pytest.mark.parametrize("comment", ["%", "//"])
def test_other_comment_strings(comment):
    text = rig_text(header=(f"{comment} rig: SPT-2", f"  {comment}specimen S-17"), between=(f"{comment} re-zeroed",))
    data = read_curve_table(io.StringIO(text), comment=comment)
    assert data.comments == [f"{comment} rig: SPT-2", f"  {comment}specimen S-17", f"{comment} re-zeroed"]
    assert_curves_equal(data.curves, [RIG_CURVE])


def test_comment_is_ignored_for_a_frame():
    frame = pd.DataFrame({"note": ["# a", "# b"], "Dis": [0.0, 1.0], "Force": [0.0, 2.0]})
    data = read_curve_table(frame)
    assert data.comments == [] and len(data.curves[0][0]) == 2


# --------------------------------------------------------------------------
# Files that cannot be read as a table
# --------------------------------------------------------------------------


def test_header_lines_without_the_comment_string_name_the_file_and_line(tmp_path):
    # two notes, one with a comma, then the table: pandas alone says
    # "ParserError: Expected 1 fields in line 3, saw 2"
    path = tmp_path / "S-17.csv"
    path.write_text(rig_text(header=("rig: SPT-2", "machine stiffness: 50 kN/mm", "specimen: S-17, thickness 1.00 mm")))
    message = (
        r"Cannot read the file '.*S-17\.csv': line 3 has 2 cells where the column names \(line 1: 'rig: SPT-2'\) "
        r"have 1\. If the lines above the column names are notes, start each with '#', or read the file with "
        r"pandas\.read_csv and pass the DataFrame\."
    )
    with pytest.raises(ValueError, match=message):
        read_curve_table(path)
    path.write_text(rig_text(header=HEADER))
    with pytest.raises(ValueError, match=r"its columns are \['# rig: SPT-2 small punch rig', ' flat punch 5.5 mm'\] "
                                         r"\(the names on line 1 of the file .* start each with '#' and pass comment='#'"):
        read_curve_table(path, comment=None)


def test_a_row_with_too_many_cells_names_its_line():
    text = rig_text(header=HEADER).replace("0.05,378.0", "0.05,378.0,1")
    with pytest.raises(ValueError, match=r"Cannot read the CSV data: line 7 has 3 cells where the column names "
                                         r"\(line 4: 'Dis \(mm\),Force \(kN\)'\) have 2"):
        read_curve_table(io.StringIO(text))
    # In the first row, pandas would take the extra cell for an index column and shift the others.
    text = rig_text(header=HEADER).replace("0.0,0.0", "0.0,0.0,1")
    with pytest.raises(ValueError, match=r"line 5 has 3 cells where the column names \(line 4: .*\) have 2"):
        read_curve_table(io.StringIO(text))


def test_an_unclosed_quote_names_its_line(tmp_path):
    path = tmp_path / "S-17.tsv"
    path.write_text("# rig: SPT-2\nDis\tForce\n0.0\t0.0\n0.5\t\"1.0\n1.0\t2.0\n")
    with pytest.raises(ValueError, match=r"Cannot read the file '.*S-17\.tsv': the quoted cell that opens on line 4 "
                                         r"is never closed"):
        read_curve_table(path)


def test_text_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "S-17.csv"
    path.write_bytes("# Prüfung 17\nDis (mm),Force (kN)\n0,0\n1,2\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"Cannot read the file '.*S-17\.csv': line 1 holds b'\\xfc', which is not "
                                         r"UTF-8 text\. Open the file in its encoding"):
        read_curve_table(path)
    with open(path, encoding="latin-1") as handle:  # as the message says
        assert read_curve_table(handle).comments == ["# Prüfung 17"]
    path.write_bytes("# Prüfung 17\nDis (mm),Force (µN)\n0,0\n1,2\n".encode("utf-16"))  # with a byte-order mark
    data = read_curve_table(path)
    assert data.comments == ["# Prüfung 17"] and data.units == [("mm", "µN")]


@pytest.mark.parametrize(
    "text, message",
    [("", r"Cannot read the CSV data: it holds no table\.$"),
     ("\n  \n", r"Cannot read the CSV data: it holds no table\.$"),
     ("# rig: SPT-2\n# no test\n", r"it holds no table, only 2 comment line\(s\) \(starting with '#'\)")],
)
def test_files_without_a_table(text, message):
    with pytest.raises(ValueError, match=message):
        read_curve_table(io.StringIO(text))


def test_a_note_read_as_the_column_names_is_pointed_at(tmp_path):
    path = tmp_path / "S-17.csv"
    path.write_text("rig SPT-2\n" + rig_text())  # pandas would take the first column for the index
    with pytest.raises(ValueError, match=r"line 2 has 2 cells where the column names \(line 1: 'rig SPT-2'\) have 1"):
        read_curve_table(path)
    path.write_text("rig,SPT-2\n" + rig_text())
    message = (
        r"No x column named Dis<number> \(e.g. 'Dis1'\) in the table; its columns are \['rig', 'SPT-2'\] \(the names "
        r"on line 1 of the file '.*S-17\.csv'\)\. .* If the lines above the column names are notes, start each "
        r"with '#'\."
    )
    with pytest.raises(ValueError, match=message):
        read_curve_table(path)


def test_compressed_files_and_buffers_with_header_lines(tmp_path):
    text = rig_text(header=HEADER)
    path = tmp_path / "S-17.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    for source in (path, io.BytesIO(path.read_bytes())):  # a buffer without a name: gzip told by its bytes
        data = read_curve_table(source)
        assert data.comments == list(HEADER)
        assert_curves_equal(data.curves, [RIG_CURVE])
    path.write_bytes(b"Dis,Force\n0,0\n1,1\n")
    with pytest.raises(ValueError, match=r"Cannot read the file '.*S-17\.csv\.gz' as gz-compressed data"):
        read_curve_table(path)


# --------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------


def test_units_per_curve_in_the_columns_layout():
    frame = columns_frame()
    frame.columns = ["Dis1 (mm)", "Force1 (kN)", "Dis2 (mm)", "Force2 [N]", "Dis3", "Force3"]
    data = read_curve_table(frame)
    assert data.layout == "columns"
    assert data.units == [("mm", "kN"), ("mm", "N"), (None, None)]
    assert_curves_equal(data.curves, CURVES)  # the numbers of the table: units are never converted
    kept = frame.copy()
    kept[["Dis2 (mm)", "Force2 [N]"]] = np.nan
    assert read_curve_table(kept).units == [("mm", "kN"), (None, None)]  # follows the curves kept


def test_units_in_the_rows_layout_are_those_all_columns_give():
    frame = rows_frame()
    frame.columns = [f"Dis{k} (mm)" for k in range(1, 5)] + ["Force1 (kN)"] + [f"Force{k}" for k in range(2, 5)]
    data = read_curve_table(frame)
    assert data.layout == "rows" and data.units == [("mm", "kN")] * 3
    frame = frame.rename(columns={"Dis3 (mm)": "Dis3 (µm)"})
    with pytest.raises(ValueError, match=r"The x columns give different units, 'mm' \('Dis1 \(mm\)'\) and 'µm' "
                                         r"\('Dis3 \(µm\)'\); read as one curve per row, the points of a curve must"):
        read_curve_table(frame, layout="rows")


def test_units_that_differ_between_column_pairs_tell_the_layout():
    frame = pd.DataFrame({"Dis1 (mm)": [0.0, 0.5], "Force1 (kN)": [0.0, 1.0], "Dis2 (mm)": [1.0, 1.5],
                          "Force2 (N)": [2.0, 3.0]})
    frame = frame[["Dis1 (mm)", "Dis2 (mm)", "Force1 (kN)", "Force2 (N)"]]  # not alternating: rows preferred
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = read_curve_table(frame)
    assert data.layout == "columns" and data.units == [("mm", "kN"), ("mm", "N")]


# --------------------------------------------------------------------------
# Excel: comment rows
# --------------------------------------------------------------------------


@pytest.fixture
def rig_workbook(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [
        ["# rig: SPT-2"],
        ["# specimen", "S-17", 1.0],  # a note over several cells
        [None],  # blank above the column names
        ["Dis (mm)", "Force (kN)"],
        *[[u, f] for u, f in zip(*RIG_CURVE[:2], strict=True)][:2],
        ["  # re-zeroed"],
        *[[u, f] for u, f in zip(*RIG_CURVE[:2], strict=True)][2:],
    ]:
        sheet.append(row)
    path = tmp_path / "S-17.xlsx"
    book.save(path)
    return path


def test_excel_comment_rows(rig_workbook):
    for source in (rig_workbook, io.BytesIO(rig_workbook.read_bytes())):
        data = read_curve_table(source)
        assert data.comments == ["# rig: SPT-2", "# specimen,S-17,1.0", "  # re-zeroed"]
        assert data.names == ["Dis (mm)/Force (kN)"] and data.units == [("mm", "kN")]
        assert_curves_equal(data.curves, [RIG_CURVE])


def test_excel_errors_after_comment_rows_give_the_sheet_cell(rig_workbook):
    import openpyxl

    book = openpyxl.load_workbook(rig_workbook)
    book.active["B9"] = "abc"  # the last point, below the comment row 7
    book.save(rig_workbook)
    with pytest.raises(ValueError, match=r"row 3, column 'Force \(kN\)' \(cell B9\) holds 'abc'"):
        read_curve_table(rig_workbook)
    with pytest.raises(ValueError, match=r"its columns are \['# rig: SPT-2', 'Unnamed: 1', 'Unnamed: 2'\] \(the names "
                                         r"on row 1 of the sheet\)"):
        read_curve_table(rig_workbook, comment=None)


# --------------------------------------------------------------------------
# Missing-value text, Excel errors and formulas: an error naming the cell, never a dropped point
# --------------------------------------------------------------------------

MISSING_TEXT = ["N/A", "NULL", "NaN", "#N/A", "#VALUE!", "#DIV/0!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


@pytest.mark.parametrize("text", MISSING_TEXT)
def test_missing_value_text_in_a_last_csv_row_is_an_error_naming_the_cell(text):
    table = f"Dis,Force\n0,0\n0.5,100\n1,200\n{text},{text}\n"
    with pytest.raises(ValueError, match=rf"column 'Dis' \(cell A5\) holds '{re.escape(text)}', which is not a "
                                         r"number. It marks a missing value"):
        read_curve_table(io.StringIO(table))


@pytest.mark.parametrize("text", ["#N/A", "#DIV/0!", "N/A"])
def test_excel_error_row_mid_curve_is_data_not_a_comment(text):
    table = f"Dis,Force\n0,0\n0.5,100\n{text},150\n1,200\n"
    with pytest.raises(ValueError, match=rf"column 'Dis' \(cell A4\) holds '{re.escape(text)}'"):
        read_curve_table(io.StringIO(table))


def test_missing_value_text_in_a_rows_layout_row_is_an_error_naming_the_cell():
    table = "Dis1,Dis2,Dis3,Force1,Force2,Force3\n0,0.5,1,0,100,200\n0,0.5,NULL,0,100,200\n"
    with pytest.raises(ValueError, match=r"row 1, column 'Dis3' \(cell C3\) holds 'NULL'"):
        read_curve_table(io.StringIO(table), layout="rows")
    table = "Dis1,Dis2,Force1,Force2\n0,0.5,0,100\n#N/A,0.5,0,100\n"
    with pytest.raises(ValueError, match=r"row 1, column 'Dis1' \(cell A3\) holds '#N/A'"):
        read_curve_table(io.StringIO(table), layout="rows")


def test_a_comment_row_still_is_one_and_empty_trailing_cells_still_end_a_curve():
    table = "# note\nDis,Force\n0,0\n# #N/A was here\n0.5,100\n1,\n"
    with pytest.raises(ValueError, match="the y cell"):  # an x without its y: still the same error
        read_curve_table(io.StringIO(table))
    data = read_curve_table(io.StringIO("# note\nDis,Force\n0,0\n# #N/A was here\n0.5,100\n,\n"))
    assert data.comments == ["# note", "# #N/A was here"]
    assert_curves_equal(data.curves, [(np.array([0.0, 0.5]), np.array([0.0, 100.0]))])


def _sheet(rows):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("rows, cell", [
    ([["Dis", "Force"], [0, 0], [0.5, 100], ["=A3+0.5", 200]], "A4"),  # the last point
    ([["Dis", "Force"], [0, 0], [0.5, 100], ["=A3+0.5", 200], [1.5, 300]], "A4"),  # mid-curve
])
def test_excel_formula_without_stored_value_is_named(rows, cell):
    with pytest.raises(ValueError, match=rf"\(cell {cell}\) holds the formula '=A3\+0.5' but no stored value.*"
                                         "Open it in Excel"):
        read_curve_table(_sheet(rows))


def test_excel_error_and_na_text_cells_are_named():
    rows = [["Dis", "Force"], [0, 0], ["#N/A", 100], [1, 200]]
    with pytest.raises(ValueError, match=r"\(cell A3\) holds the Excel error '#N/A'"):
        read_curve_table(_sheet(rows))
    rows = [["Dis", "Force"], [0, 0], [0.5, 100], [1, 200], ["N/A", "N/A"]]
    with pytest.raises(ValueError, match=r"\(cell A5\) holds 'N/A'"):
        read_curve_table(_sheet(rows))


def test_excel_formula_in_an_ignored_column_is_left_alone():
    rows = [["Dis", "Force", "Note"], [0, 0, "=1/0"], [0.5, 100, None], [1, 200, None]]
    assert len(read_curve_table(_sheet(rows)).curves[0][0]) == 3


@pytest.mark.parametrize("text, says", [
    ("1,234", r"Is the comma a decimal comma \(1.234\) or a thousands separator \(1234\)\?"),
    ("1,234,567", r"The commas look like thousands separators: read the file with pandas.read_csv\(..., thousands=','\)"),
    ("12,5", r"For decimal commas"),
])
def test_comma_hint_does_not_guess_between_decimal_comma_and_thousands(text, says):
    with pytest.raises(ValueError, match=rf"holds '{text}', which is not a number. {says}"):
        read_curve_table(io.StringIO(f'Dis,Force\n0,0\n0.5,"{text}"\n'))
