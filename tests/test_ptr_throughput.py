"""A tiny run of benchmarks/ptr_throughput.py: the rows, columns, ratios and a failed torch.compile."""

import pandas as pd
import pytest
from conftest import load_benchmark

TINY = ["--rows", "300", "--batch-sizes", "128", "--repeats", "1", "--threads", "1"]


def read(path):
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# made by: python ") and lines[1].startswith("# machine: ")
    return pd.read_csv(path, comment=None, skiprows=2, keep_default_na=True)


def test_a_tiny_run_writes_every_variant_and_precision(tmp_path, capsys):
    module = load_benchmark("ptr_throughput")
    variants = ["skmat", "raw-torch", "raw-torch-sliced", "raw-torch+channels_last"]
    out = tmp_path / "t.csv"
    assert module.main([*TINY, "--variants", *variants, "--out", str(out)]) == 0
    table = read(out)
    assert list(table.columns) == module.COLUMNS
    assert len(table) == len(variants) * 2
    assert sorted(set(table.variant)) == sorted(variants)
    assert set(table.precision) == {"fp32", "bf16"}
    assert (table.rows == 300).all() and (table.batch_size == 128).all() and (table.threads == 1).all()
    assert (table.samples_per_s > 0).all() and table.error.isna().all()
    assert table.samples_per_s.to_numpy() == pytest.approx(300 / table.seconds.to_numpy(), rel=2e-3)  # 4 digits
    assert table.samples_per_cpu_s.to_numpy() == pytest.approx(table.samples_per_s.to_numpy(), rel=2e-3)  # 1 thread
    assert (table[table.variant == "raw-torch"].vs_raw_torch == 1).all()
    assert (table[table.precision == "fp32"].vs_fp32 == 1).all()
    skmat = table[table.variant == "skmat"]
    assert (skmat.loop_s <= skmat.seconds).all()  # skorch's epoch is part of the fit
    assert "raw-torch+channels_last" in capsys.readouterr().out


def test_a_failing_compile_is_recorded_and_the_run_goes_on(tmp_path, monkeypatch):
    import torch

    def no_compiler(*args, **kwargs):
        raise RuntimeError("no C++ compiler here")

    monkeypatch.setattr(torch, "compile", no_compiler)
    module = load_benchmark("ptr_throughput")
    out = tmp_path / "t.csv"
    argv = [*TINY, "--precisions", "fp32", "--variants", "raw-torch", "raw-torch+compile", "--out", str(out)]
    assert module.main(argv) == 0
    table = read(out).set_index("variant")
    assert "no C++ compiler here" in table.loc["raw-torch+compile", "error"]
    assert pd.isna(table.loc["raw-torch+compile", "samples_per_s"])
    assert table.loc["raw-torch", "samples_per_s"] > 0


def test_the_default_threads_are_all_cores_then_one():
    module = load_benchmark("ptr_throughput")
    args = module.parse_args([])
    assert args.threads[-1] == 1 and args.threads[0] >= 1 and len(set(args.threads)) == len(args.threads)
    assert args.out == module.DEFAULT_OUT and args.variants == list(module.VARIANTS)
