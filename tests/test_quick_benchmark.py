"""The README's main job (benchmarks/quick_ptr.py) runs end to end on a tiny budget."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "quick_ptr.py"


def test_quick_benchmark_smoke(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    spec = importlib.util.spec_from_file_location("quick_ptr", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["--n-train", "240", "--n-test", "60", "--max-epochs", "1", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    for name in ("PTR-CNN", "KRR / Mendeleev line", "KRR / flat table"):
        assert name in out
    table = (tmp_path / "quick_ptr.md").read_text()
    assert "Command:" in table and "dHf_MAE_meV_per_atom" in table
    assert (tmp_path / "quick_ptr_parity.png").stat().st_size > 10_000
    assert (tmp_path / "quick_ptr.csv").read_text().startswith("# ")
