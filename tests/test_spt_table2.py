"""benchmarks/spt_table2.py runs end to end on a tiny budget."""

import pandas as pd
import pytest
from conftest import load_benchmark


@pytest.fixture(scope="module")
def table2():
    return load_benchmark("spt_table2")


def test_table_and_learning_curve_smoke(table2, tmp_path):
    pytest.importorskip("matplotlib")
    args = ["--quick", "--n-samples", "90", "--n-test", "20", "--epochs", "1", "--out", str(tmp_path)]
    table2.main(args)
    lines = (tmp_path / "spt_table2.csv").read_text().splitlines()
    assert lines[0].startswith("# python ") and " cores, torch " in lines[0]  # the command and the machine
    table = pd.read_csv(tmp_path / "spt_table2.csv", comment="#")
    assert list(table.columns) == table2.COLUMNS
    assert set(table.model) == {"GAF-Seq2Seq", "1D LSTM", "GRU Seq2Seq", "Transformer Seq2Seq", "ANN", "KRR"}
    assert (table.r2_min <= table.r2_median).all() and (table.mae_median <= table.mae_max).all()
    assert (tmp_path / "spt_table2_fig5.png").stat().st_size > 10_000
    table2.main(args + ["--learning-curve"])
    curve = pd.read_csv(tmp_path / "spt_learning_curve.csv", comment="#")
    assert set(curve.model) == {"GAF-Seq2Seq", table.sort_values("mae_median").query("model != 'GAF-Seq2Seq'").model.iloc[0]}
