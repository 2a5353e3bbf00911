"""The README's main job (benchmarks/quick_ptr.py) runs end to end on a tiny budget."""

import pandas as pd
import pytest
from conftest import load_benchmark

ROWS = ["PTR-CNN", "KRR / Mendeleev line", "RF / Magpie"]


def test_quick_benchmark_smoke(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    pytest.importorskip("matminer")
    module = load_benchmark("quick_ptr")
    module.main(["--n-train", "240", "--n-test", "60", "--max-epochs", "1", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    for name in ROWS:
        assert name in out
    table = (tmp_path / "quick_ptr.md").read_text()
    assert "Command:" in table and "dHf_MAE_meV_per_atom" in table
    assert (tmp_path / "quick_ptr_parity.png").stat().st_size > 10_000
    csv = tmp_path / "quick_ptr.csv"
    assert csv.read_text().startswith("# made by: python ")
    rows = pd.read_csv(csv, comment="#")
    assert list(rows["model"]) == ROWS
    # Three different models: no row repeats another's scores.
    assert rows[["dHf_MAE_meV_per_atom", "a_MAPE_percent"]].drop_duplicates().shape[0] == len(ROWS)


def test_the_default_models_are_the_three_rows():
    module = load_benchmark("quick_ptr")
    args = module.parse_args([])
    assert [module.MODELS[key][0] for key in args.models] == ROWS
