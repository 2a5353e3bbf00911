"""The resumable benchmarks on Dask (``--dask local``): same rows as a sequential run, resumable after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from conftest import BENCHMARKS, load_benchmark

pytest.importorskip("distributed", reason='--dask needs pip install "skmat[distributed]"')

DASK = ["--dask", "local", "--dask-workers", "2"]
TINY_CURVES = ["--n-test", "100", "--sample-budget", "200", "--min-epochs", "1", "--max-epochs", "1",
               "--krr-tune-max", "100"]
CURVE_KEYS = ["config", "n_train", "seed", "epochs"]


def _rows(path, keys):
    return pd.read_csv(path, comment="#", keep_default_na=False).sort_values(keys).reset_index(drop=True)


def _assert_same_rows(a, b, keys, metrics, rtol=1e-6):
    """Same fits, same scores; a worker's one torch thread against the main process's two can move the last digits."""
    pd.testing.assert_frame_equal(a[keys], b[keys])
    for column in metrics:
        np.testing.assert_allclose(pd.to_numeric(a[column]), pd.to_numeric(b[column]), rtol=rtol, err_msg=column)


def test_learning_curves_on_dask_write_the_sequential_rows(tmp_path, capsys):
    module = load_benchmark("ptr_learning_curves")
    # krr-line at 150 waits for the tuned fit at 100 (second wave)
    argv = ["--sizes", "100", "150", "--configs", "ptr-mt-whiten", "random-line-1", "krr-line", *TINY_CURVES]
    module.main([*argv, "--out", str(tmp_path / "seq.csv")])
    module.main([*argv, "--out", str(tmp_path / "dask.csv"), *DASK])
    assert "submitted 5 fits" in capsys.readouterr().out
    seq, dask = _rows(tmp_path / "seq.csv", CURVE_KEYS), _rows(tmp_path / "dask.csv", CURVE_KEYS)
    _assert_same_rows(seq, dask, CURVE_KEYS, ["dHf_MAE_meV_per_atom", "a_MAPE_percent"])
    assert dask["notes"].tolist() == seq["notes"].tolist()  # the 150 row reused the parameters tuned at 100
    assert "--dask local" in (tmp_path / "dask.csv").read_text().splitlines()[0]


@pytest.mark.slow
def test_matbench_on_dask_writes_the_sequential_rows(tmp_path):
    module = load_benchmark("matbench")
    module.CACHE = tmp_path / "cache"
    argv = ["--tasks", "steels", "--models", "rf-magpie", "ptr-finetuned-frozen", "--folds", "0", "1",
            "--samples", "250", "--min-epochs", "1"]
    module.main([*argv, "--out", str(tmp_path / "seq.csv")])
    module.main([*argv, "--out", str(tmp_path / "dask.csv"), *DASK])
    keys = ["task", "model", "fold"]
    _assert_same_rows(_rows(tmp_path / "seq.csv", keys), _rows(tmp_path / "dask.csv", keys), keys, ["mae"], rtol=1e-4)


@pytest.mark.slow
def test_small_punch_fe_benchmark_on_dask_writes_the_sequential_rows(tmp_path):
    module = load_benchmark("spt_fem")
    module.CACHE = tmp_path / "cache"
    argv = ["--parts", "sim-only", "multi-fidelity", "--n-sim", "80", "--n-sim-test", "20", "--epochs", "1",
            "--ks", "5", "--repeats", "2", "--models", "ANN", "KRR", "--fine-tune-epochs", "1",
            "--fe-only-epochs", "1"]
    module.main([*argv, "--out", str(tmp_path / "seq")])
    module.CACHE = tmp_path / "cache-dask"  # the sim-trained models are fitted again, on the workers
    module.main([*argv, "--out", str(tmp_path / "dask"), *DASK])
    assert len(list((tmp_path / "cache-dask").iterdir())) == 2  # ...and cached here
    keys = ["model", "strategy", "k", "repeat"]
    seq = _rows(tmp_path / "seq" / "spt_fem_multifidelity.csv", keys)
    dask = _rows(tmp_path / "dask" / "spt_fem_multifidelity.csv", keys)
    assert len(seq) == 2 * (3 + 2)  # two draws x (ANN: sim-only, fine-tune, fe-only; KRR: sim-only, fe-only)
    _assert_same_rows(seq, dask, keys, ["fe_mape_median"], rtol=1e-4)
    _assert_same_rows(_rows(tmp_path / "seq" / "spt_fem_sim_only.csv", ["model"]),
                      _rows(tmp_path / "dask" / "spt_fem_sim_only.csv", ["model"]), ["model"],
                      ["fe_mape_median", "sim_mape_median"], rtol=1e-4)


def test_a_run_killed_mid_way_resumes_without_duplicate_or_lost_rows(tmp_path):
    out = tmp_path / "curves.csv"
    sizes = ["100", "150", "200", "250"]
    configs = ["mendeleev-line", "random-line-1", "random-line-2"]
    command = [sys.executable, str(BENCHMARKS / "ptr_learning_curves.py"), "--sizes", *sizes,
               "--configs", *configs, *TINY_CURVES, "--max-epochs", "3", "--min-epochs", "3", "--out", str(out)]
    run = subprocess.Popen([*command, *DASK], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and run.poll() is None:
            if out.exists() and len(_data_lines(out)) >= 3:  # the column names and two rows
                break
            time.sleep(0.05)
    finally:
        os.killpg(run.pid, signal.SIGKILL)  # the script, its LocalCluster and the workers
        run.wait()
    before = _data_lines(out)
    assert 3 <= len(before) < 1 + len(sizes) * len(configs), "the run was not stopped mid-way"
    with open(out, "a") as handle:  # and as if the kill had torn the row being written
        handle.write("random-line-2,250,100,0,12")

    subprocess.run(command, check=True, capture_output=True, timeout=600)
    rows = _rows(out, CURVE_KEYS)
    assert len(rows) == len(sizes) * len(configs)
    assert not rows.duplicated(CURVE_KEYS).any()
    assert _data_lines(out)[: len(before)] == before  # what was written before the kill is kept as it was


def _data_lines(path):
    return [line for line in path.read_text().splitlines(keepends=True) if not line.startswith("#")]


def test_a_failing_fit_is_reported_and_the_others_are_written(capsys):
    from benchmarks._common import Fit, run_fits

    curves = load_benchmark("ptr_learning_curves")
    written = []
    with pytest.raises(SystemExit, match=r"1 fits failed and have no row: \['bad'\]"):
        run_fits([Fit("good", curves.encoder_for, ("mendeleev-line",)), Fit("bad", curves.encoder_for, ("nope",))],
                 lambda fit, result: written.append((fit.label, type(result).__name__)), dask="local", n_workers=2)
    assert written == [("good", "MendeleevLineEncoder")]
    assert "!! bad failed, no row written: ValueError: nope" in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["0", "-2", "two"])
def test_bad_thread_counts_are_refused_naming_the_value(bad, capsys):
    module = load_benchmark("matbench")
    with pytest.raises(SystemExit):
        module.parse_args(["--threads", bad])
    assert f"--threads: must be a positive number of threads, got '{bad}'" in capsys.readouterr().err
    assert module.parse_args(["--threads", "1"]).threads == 1


@pytest.mark.parametrize("bad", ["0", "-2", "two"])
def test_bad_worker_counts_are_refused_naming_the_value(bad, capsys):
    module = load_benchmark("matbench")
    with pytest.raises(SystemExit):
        module.parse_args(["--dask", "local", "--dask-workers", bad])
    assert f"--dask-workers: must be a positive number of workers, got '{bad}'" in capsys.readouterr().err
