"""read_curve_table: both layouts, CSV and Excel, and errors that name the cell."""

from __future__ import annotations

import gzip
import io
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
