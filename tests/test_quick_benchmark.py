"""The README's main job (benchmarks/quick_ptr.py) runs end to end on a tiny budget."""

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import BENCHMARKS, load_benchmark

ROWS = ["PTR-CNN", "KRR / Mendeleev line", "RF / Magpie"]


def test_quick_benchmark_smoke(tmp_path, capsys, monkeypatch):
    """With the default ``--out``: results/ in the current directory, each file's path printed."""
    pytest.importorskip("matplotlib")
    pytest.importorskip("matminer")
    module = load_benchmark("quick_ptr")
    reference = {path: path.stat().st_mtime_ns for path in module.REFERENCE.glob("quick_ptr*")}
    monkeypatch.chdir(tmp_path)
    module.main(["--n-train", "240", "--n-test", "60", "--max-epochs", "1"])
    out = capsys.readouterr().out
    for name in ROWS:
        assert name in out
    results = tmp_path / "results"
    for name in ("quick_ptr.md", "quick_ptr.csv", "quick_ptr_parity.png"):
        assert f"wrote {results / name}" in out
    assert {path: path.stat().st_mtime_ns for path in module.REFERENCE.glob("quick_ptr*")} == reference
    table = (results / "quick_ptr.md").read_text()
    assert "Command:" in table and "dHf_MAE_meV_per_atom" in table
    assert (results / "quick_ptr_parity.png").stat().st_size > 10_000
    csv = results / "quick_ptr.csv"
    assert csv.read_text().startswith("# made by: python ")
    rows = pd.read_csv(csv, comment="#")
    assert list(rows["model"]) == ROWS
    # Three different models: no row repeats another's scores.
    assert rows[["dHf_MAE_meV_per_atom", "a_MAPE_percent"]].drop_duplicates().shape[0] == len(ROWS)


def test_the_default_models_are_the_three_rows():
    module = load_benchmark("quick_ptr")
    args = module.parse_args([])
    assert [module.MODELS[key][0] for key in args.models] == ROWS


@pytest.mark.parametrize(("optimizer", "values"), [("adamw", {-1.0, 0.0, 1.0, 2.0}), ("paper", {-20.0, 0.0, 20.0, 40.0})])
def test_the_models_keep_the_papers_image(optimizer, values, tmp_path):
    """The committed reference was made with absent elements -1, the encoders' default before file format 3."""
    import numpy as np

    module = load_benchmark("quick_ptr")
    args = module.parse_args(["--optimizer", optimizer, "--out", str(tmp_path)])
    encoder = module.cnn(args, 240).steps[0][1]
    assert encoder.absent_value == -1.0
    assert set(np.unique(encoder.fit_transform(["Co2MnSi"])).tolist()) == values
    line = module.kernel_ridge_line(args, 240).estimator.steps[0][1]
    assert line.absent_value == -1.0 and -1.0 in line.fit_transform(["Co2MnSi"])


@pytest.mark.parametrize("where", ["root", "benchmarks", "elsewhere"])
def test_the_default_out_is_never_the_committed_reference(where, tmp_path, monkeypatch):
    """The README's main job must not modify tracked files: benchmarks/results/ is written only on request."""
    module = load_benchmark("quick_ptr")
    root = BENCHMARKS.parent
    cwd = {"root": root, "benchmarks": BENCHMARKS, "elsewhere": tmp_path}[where]
    monkeypatch.chdir(cwd)
    out = module.parse_args([]).out
    assert out.is_absolute()
    assert out.resolve() != module.REFERENCE.resolve() and not out.resolve().is_relative_to(module.REFERENCE.resolve())
    assert out == (tmp_path / "results" if where == "elsewhere" else root / "results")
    assert module.parse_args(["--out", "benchmarks/results"]).out == Path("benchmarks/results")


def test_the_default_out_is_git_ignored():
    root = BENCHMARKS.parent
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    module = load_benchmark("quick_ptr")
    ignored = subprocess.run([git, "check-ignore", "-q", str(module.default_out(root) / "quick_ptr.csv")], cwd=root)
    assert ignored.returncode == 0, "results/ is not in .gitignore"
    tracked = subprocess.run([git, "check-ignore", "-q", "benchmarks/results/quick_ptr.csv"], cwd=root)
    assert tracked.returncode == 1, "the committed reference folder must stay tracked"
