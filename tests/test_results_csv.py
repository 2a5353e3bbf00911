"""The benchmarks' resumable results CSVs (``benchmarks/_common.py``) lose nothing and misplace nothing."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import load_benchmark
from hypothesis import given, settings
from hypothesis import strategies as st

common = load_benchmark("_common")

MADE_BY = "# made by: python benchmarks/x.py --seed 1 | machine per row"
OTHER = "# made by: python benchmarks/x.py --seed 2 | machine per row"
COLUMN_SETS = [["config", "n_train", "notes"], ["notes"], ["config", "a, b", 'say "hi"', "#hash"]]

tricky = st.sampled_from(["", "#", "# made by: x", "#1,2", '"', '""', ",", "\n", "\r", "\r\n", "a\n#b", " ", "nan",
                          "NaN", "None", "0", "1e5", "é ü 中文 🧪", "\u2028", "\x7f"])
characters = st.one_of(st.sampled_from(',"#\n\r '), st.characters(codec="utf-8", exclude_characters="\0"))
text = st.one_of(tricky, st.text(alphabet=characters, max_size=12))
value = st.one_of(text, st.none(), st.just(float("nan")))


def written(value):
    """What a value reads back as with ``dtype=str``: NaN and None are empty fields."""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else value


def raw(path):
    return path.read_bytes().decode("utf-8")


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_any_text_round_trips_whatever_the_column_order_and_commands(data):
    columns = data.draw(st.sampled_from(COLUMN_SETS))
    rows = data.draw(st.lists(st.fixed_dictionaries({name: value for name in columns}), min_size=1, max_size=6))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.csv"
        commands = []
        for row in rows:
            order = data.draw(st.permutations(columns))  # the same columns, in any order, row by row
            commands.append(data.draw(st.sampled_from([MADE_BY, OTHER])))
            common.append_row(path, row, order, commands[-1])
        read = common.read_results(path, columns, dtype=str)
        assert read.columns.tolist() == columns
        assert read.values.tolist() == [[written(row[name]) for name in columns] for row in rows]
        # the ``#`` lines are the commands, at the top, once each; no value is taken for one
        assert common.header_lines(raw(path), "# unused") == [*dict.fromkeys(commands), "# unused"]


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(-(2**63), 2**63 - 1), st.floats(allow_nan=False, allow_infinity=False)),
        min_size=1, max_size=5,
    )
)
def test_numbers_read_back_exactly_as_numbers(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "results.csv"
        for n, x in rows:
            common.append_row(path, {"n": n, "x": x}, ["n", "x"], MADE_BY)
        read = common.read_results(path, ["n", "x"])
        assert read["n"].dtype == "int64" and read["x"].dtype == "float64"
        assert read["n"].tolist() == [n for n, _ in rows]
        assert read["x"].tolist() == [x for _, x in rows]


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_row_cut_anywhere_costs_at_most_that_row(data):
    columns = data.draw(st.sampled_from(COLUMN_SETS))
    rows = data.draw(st.lists(st.fixed_dictionaries({name: value for name in columns}), min_size=3, max_size=3))
    expected = [[written(row[name]) for name in columns] for row in rows]
    with tempfile.TemporaryDirectory() as folder:
        path, scratch = Path(folder) / "results.csv", Path(folder) / "scratch.csv"
        common.append_row(path, rows[0], columns, MADE_BY)
        before = raw(path)
        common.append_row(scratch, rows[0], columns, MADE_BY)
        common.append_row(scratch, rows[1], columns, MADE_BY)
        line = raw(scratch)[len(before):]  # rows[1] as written, which a kill cuts short
        cut = data.draw(st.integers(0, len(line) - 1))
        path.write_bytes((before + line[:cut]).encode("utf-8"))
        read = common.read_results(path, columns, dtype=str).values.tolist()
        assert read[:1] == expected[:1] and len(read) <= 2
        if cut == len(line) - 1:  # only the newline is missing: the row is whole and kept
            assert read == expected[:2]
        common.append_row(path, rows[2], columns, MADE_BY)
        after = common.read_results(path, columns, dtype=str).values.tolist()
        assert after == [*read, expected[2]]
        assert raw(path).startswith(before)


def test_a_header_with_the_same_columns_in_another_order_gets_rows_in_its_order(tmp_path):
    path = tmp_path / "results.csv"
    common.append_row(path, {"config": "ptr", "n_train": 100, "notes": "a"}, ["config", "n_train", "notes"], MADE_BY)
    common.append_row(path, {"config": "line", "n_train": 200, "notes": "b"}, ["notes", "config", "n_train"], MADE_BY)
    common.append_row(path, ["c", "knn", 300], ["notes", "config", "n_train"], MADE_BY)  # a sequence, by position
    assert raw(path).splitlines()[1:] == ["config,n_train,notes", "ptr,100,a", "line,200,b", "knn,300,c"]
    read = common.read_results(path, ["n_train", "notes", "config"])
    assert read.columns.tolist() == ["n_train", "notes", "config"]
    assert read["n_train"].tolist() == [100, 200, 300] and read["config"].tolist() == ["ptr", "line", "knn"]


def test_other_columns_are_a_value_error_naming_both_headers_and_the_file(tmp_path):
    path = tmp_path / "results.csv"
    common.append_row(path, {"config": "ptr", "n_train": 100}, ["config", "n_train"], MADE_BY)
    before = raw(path)
    for columns in (["config", "n_train", "notes"], ["config"], ["config", "n_test"]):
        with pytest.raises(ValueError, match="results.csv") as error:
            common.append_row(path, dict.fromkeys(columns, 1), columns, MADE_BY)
        assert "'config,n_train'" in str(error.value) and repr(",".join(columns)) in str(error.value)
        with pytest.raises(ValueError, match=r"results\.csv has the columns 'config,n_train'"):
            common.read_results(path, columns)
    assert raw(path) == before


@pytest.mark.parametrize("bad", ["ptr", "ptr,100,x,y"])
def test_a_row_with_another_field_count_is_a_value_error_naming_the_file_and_line(tmp_path, bad):
    path = tmp_path / "results.csv"
    path.write_text(f"{MADE_BY}\nconfig,n_train,notes\nline,50,\n{bad}\nknn,100,\n")
    with pytest.raises(ValueError, match=r"results\.csv, line 4: \d fields, but the column names \(line 2\) have 3"):
        common.read_results(path, ["config", "n_train", "notes"])
    with pytest.raises(ValueError, match=r"results\.csv, line 4"):
        common.append_row(path, {"config": "ptr"}, ["config", "n_train", "notes"], OTHER)
    assert raw(path) == f"{MADE_BY}\nconfig,n_train,notes\nline,50,\n{bad}\nknn,100,\n"


def test_a_badly_quoted_row_is_a_value_error_naming_the_file_and_line(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(f'{MADE_BY}\nconfig,notes\n"ptr"x,y\nline,\n')
    with pytest.raises(ValueError, match=r"results\.csv, line 3: not a CSV row"):
        common.read_results(path, ["config", "notes"])


def test_values_starting_with_a_hash_are_rows_not_comments(tmp_path):
    path = tmp_path / "results.csv"
    columns = ["config", "notes"]
    common.append_row(path, {"config": "#1 ptr", "notes": "first line\n# second line"}, columns, MADE_BY)
    common.append_row(path, {"config": "line", "notes": "#"}, columns, MADE_BY)
    common.append_row(path, {"config": "knn", "notes": ""}, columns, OTHER)  # rewrites the # lines
    lines = raw(path).split("\n")
    assert lines[:3] == [MADE_BY, OTHER, "config,notes"]
    assert lines[3] == '"#1 ptr","first line'  # quoted, so readers that skip # lines keep it too
    read = common.read_results(path, columns, dtype=str)
    assert read.values.tolist() == [["#1 ptr", "first line\n# second line"], ["line", "#"], ["knn", ""]]
    assert common.header_lines(raw(path), "# new") == [MADE_BY, OTHER, "# new"]


def test_hand_written_hash_values_are_read_too(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text(f'{MADE_BY}\nconfig,notes\n#3,"a\n#b"\nline,#\n')
    assert common.read_results(path, ["config", "notes"]).values.tolist() == [["#3", "a\n#b"], ["line", "#"]]


def test_a_complete_last_row_without_its_newline_is_kept_and_gets_one(tmp_path, capsys):
    path = tmp_path / "results.csv"
    text = f'{MADE_BY}\nconfig,n_train,notes\nline,50,"a, b"\nptr,100,x'
    path.write_text(text)
    assert common.split_torn_line(text) == (text, "")
    assert common.read_results(path, ["config", "n_train", "notes"])["n_train"].tolist() == [50, 100]
    common.append_row(path, {"config": "knn", "n_train": 150}, ["config", "n_train", "notes"], MADE_BY)
    assert raw(path) == text + "\nknn,150,\n"
    assert "has no newline at its end; it is complete and kept" in capsys.readouterr().out
    path.write_text(f'{MADE_BY}\nconfig,notes\nptr,"a\nb"')  # ends with a closing quote
    assert common.read_results(path, ["config", "notes"]).values.tolist() == [["ptr", "a\nb"]]


@pytest.mark.parametrize(
    "torn",
    [
        "ptr,1",  # too few fields, no newline
        'ptr,100,"dropout 0.3,',  # an open quoted field
        'ptr,100,"first line\n',  # an open quoted field, cut after a line break inside it
        'ptr,100,"a ""quoted',  # an open quoted field after an escaped quote
    ],
)
def test_a_truly_torn_last_row_is_dropped_and_its_fit_runs_again(tmp_path, capsys, torn):
    path = tmp_path / "results.csv"
    whole = f"{MADE_BY}\nconfig,n_train,notes\nline,50,\n"
    path.write_text(whole + torn)
    assert common.split_torn_line(raw(path)) == (whole, torn)
    assert common.read_results(path, ["config", "n_train", "notes"])["config"].tolist() == ["line"]
    common.append_row(path, {"config": "ptr", "n_train": 100, "notes": "x"}, ["config", "n_train", "notes"], MADE_BY)
    assert raw(path) == whole + "ptr,100,x\n"
    assert "dropping a torn last row" in capsys.readouterr().out


@pytest.mark.parametrize("torn", ["# made by: python bench", f"{MADE_BY}\nconfig,n_tr", f"{MADE_BY}\nconfig,n_train"])
def test_a_torn_first_write_holds_no_rows_and_is_written_again(tmp_path, torn):
    path = tmp_path / "results.csv"
    path.write_text(torn)
    assert common.read_results(path, ["config", "n_train"]).empty
    common.append_row(path, {"config": "ptr", "n_train": 100}, ["config", "n_train"], MADE_BY)
    assert raw(path) == f"{MADE_BY}\nconfig,n_train\nptr,100\n"


def test_a_single_column_keeps_its_empty_values(tmp_path):
    path = tmp_path / "results.csv"
    for notes in ["", None, "x", float("nan")]:
        common.append_row(path, {"notes": notes}, ["notes"], MADE_BY)
    assert raw(path) == f'{MADE_BY}\nnotes\n""\n""\nx\n""\n'
    assert common.read_results(path, ["notes"])["notes"].tolist() == ["", "", "x", ""]


def test_a_missing_or_empty_file_reads_as_no_rows(tmp_path):
    path = tmp_path / "results.csv"
    assert common.read_results(path, ["config", "seed"]).columns.tolist() == ["config", "seed"]
    path.write_text(f"{MADE_BY}\n")
    assert common.read_results(path, ["config", "seed"]).empty
    path.write_text(f"{MADE_BY}\nseed,config\n")
    assert common.read_results(path, ["config", "seed"]).columns.tolist() == ["config", "seed"]


def test_a_header_line_must_be_one_comment_line(tmp_path):
    path = tmp_path / "results.csv"
    with pytest.raises(ValueError, match="header_line"):
        common.append_row(path, {"a": 1}, ["a"], "made by: x")
    with pytest.raises(ValueError, match="header_line"):
        common.append_row(path, {"a": 1}, ["a"], "# made by: x\n# y")
    assert not path.exists()


def test_a_first_column_named_with_a_hash_is_quoted_not_taken_for_a_comment(tmp_path):
    path = tmp_path / "results.csv"
    common.append_row(path, {"#a": 1, "b": "#x"}, ["#a", "b"], MADE_BY)
    assert raw(path) == f'{MADE_BY}\n"#a",b\n1,"#x"\n'
    assert common.read_results(path, ["#a", "b"]).values.tolist() == [[1, "#x"]]


def test_rows_read_back_with_the_types_pandas_infers(tmp_path):
    path = tmp_path / "results.csv"
    columns = ["config", "n_train", "mae", "roc_auc"]
    common.append_row(path, {"config": "ptr", "n_train": 100, "mae": 0.1, "roc_auc": float("nan")}, columns, MADE_BY)
    common.append_row(path, {"config": "knn", "n_train": 200, "mae": 1e-300, "roc_auc": 0.5}, columns, MADE_BY)
    read = common.read_results(path, columns)
    expected = pd.DataFrame({"config": ["ptr", "knn"], "n_train": [100, 200], "mae": [0.1, 1e-300],
                             "roc_auc": ["", "0.5"]})  # an empty field keeps its column text, as before
    pd.testing.assert_frame_equal(read, expected)


def test_a_nul_character_is_a_value_error_not_a_value_cut_short(tmp_path):
    path = tmp_path / "results.csv"
    common.append_row(path, {"config": "ptr", "notes": "x"}, ["config", "notes"], MADE_BY)
    with pytest.raises(ValueError, match="NUL character"):
        common.append_row(path, {"config": "ptr", "notes": "a\0b"}, ["config", "notes"], MADE_BY)
    assert raw(path) == f"{MADE_BY}\nconfig,notes\nptr,x\n"
    path.write_text(f"{MADE_BY}\nconfig,notes\nptr,x\nline,a\0b\n")
    with pytest.raises(ValueError, match=r"results\.csv, line 4: a NUL character"):
        common.read_results(path, ["config", "notes"])
