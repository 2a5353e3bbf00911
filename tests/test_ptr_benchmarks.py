"""The full-scale PTR benchmark scripts run end to end on tiny budgets, and resume."""

from pathlib import Path

import pandas as pd
import pytest
from conftest import load_benchmark as load


def test_learning_curves_write_rows_and_resume(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    module = load("ptr_learning_curves")
    out = tmp_path / "curves.csv"
    tiny = ["--n-test", "100", "--sample-budget", "200", "--min-epochs", "1", "--max-epochs", "1",
            "--krr-tune-max", "100", "--out", str(out)]
    module.main(["--sizes", "100", "--configs", "ptr-mt-whiten", "ptr-st", "random-line-1", "krr-line", *tiny])
    first = pd.read_csv(out, comment="#")
    assert out.read_text().startswith("# made by: python")
    assert sorted(first["config"]) == ["krr-line", "ptr-mt-whiten", "ptr-st", "random-line-1"]
    assert (first["dHf_MAE_meV_per_atom"] > 0).all() and (first["a_MAPE_percent"] > 0).all()
    assert first.loc[first["config"] == "krr-line", "notes"].str.startswith("tuned by 3-fold CV").all()
    capsys.readouterr()

    # Same command plus a new size: only the new size runs; KRR reuses the tuned parameters.
    module.main(["--sizes", "100", "150", "--configs", "ptr-mt-whiten", "ptr-st", "random-line-1", "krr-line", *tiny])
    log = capsys.readouterr().out
    assert "n=100" not in log and "n=150" in log
    second = pd.read_csv(out, comment="#")
    assert len(second) == 8
    pd.testing.assert_frame_equal(second.iloc[:4], first)
    assert second.loc[(second["config"] == "krr-line") & (second["n_train"] == 150), "notes"].str.startswith(
        "hyperparameters tuned"
    ).all()
    assert (tmp_path / "curves.png").stat().st_size > 10_000
    capsys.readouterr()

    # A non-default option is a different fit: the PTR row runs again, the line (no table
    # image, so --encoding does not apply) does not, and the new command gets its own line.
    module.main(["--sizes", "100", "--configs", "ptr-mt-whiten", "random-line-1", "--encoding", "paper-x20", *tiny])
    log = capsys.readouterr().out
    assert "== ptr-mt-whiten n=100" in log and "random-line-1" not in log
    third = pd.read_csv(out, comment="#", keep_default_na=False)
    assert len(third) == 9 and third["notes"].iloc[-1] == "encoding paper-x20"
    made_by = [line for line in out.read_text().splitlines() if line.startswith("# made by:")]
    assert len(made_by) == 3 and "--encoding paper-x20" in made_by[-1]
    assert out.read_text().splitlines()[3].startswith("config,")
    module.main(["--sizes", "100", "--configs", "ptr-mt-whiten", "--encoding", "paper-x20", *tiny])
    assert "== ptr-mt-whiten" not in capsys.readouterr().out


def test_learning_curve_epochs_rule():
    module = load("ptr_learning_curves")
    args = module.parse_args([])
    assert module.epochs_for(1000, args) == 200  # capped
    assert module.epochs_for(10000, args) == 32  # fixed sample budget
    assert module.epochs_for(60000, args) == 20  # floor


def test_fixed_split_is_nested_and_disjoint():
    module = load("ptr_learning_curves")
    X, y, test, train = module.fixed_split(5000)
    assert len(test) == 5000 and len(set(test) & set(train)) == 0
    assert len(train) >= 60000 and len(X) == len(test) + len(train)
    _, _, test_again, train_again = module.fixed_split(5000)
    assert (test == test_again).all() and (train == train_again).all()


@pytest.mark.slow
def test_transfer_quick(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    module = load("ptr_transfer")
    module.main(["--quick", "--out", str(tmp_path)])
    summary = pd.read_csv(tmp_path / "ptr_transfer.csv", comment="#")
    assert set(summary["method"]) == {
        "pretrained ΔHf as score (no labels)", "scratch", "transfer", "transfer, frozen", "random forest"
    }
    assert summary["roc_auc"].between(0, 1).all()
    by_x = pd.read_csv(tmp_path / "ptr_stable_by_x.csv", comment="#")
    assert len(by_x) == 52 and "W" in set(by_x["X"])
    assert by_x["n_compounds"].sum() == 65815
    for name in ("ptr_transfer.png", "ptr_stability_fig3.png"):
        assert (tmp_path / name).stat().st_size > 10_000
    assert "W on the X site" in capsys.readouterr().out


def test_oqmd_full_smoke(tmp_path):
    module = load("oqmd_full")
    out = tmp_path / "oqmd.csv"
    module.main(["--tasks", "volume_per_atom", "--variants", "mlp-full-fraction", "--n-train", "500",
                 "--max-epochs", "1", "--out", str(out)])
    table = pd.read_csv(out, comment="#", keep_default_na=False)
    measured = table[table["source"] == "measured"]
    assert list(measured["model"]) == ["mlp-full-fraction"]
    assert float(measured["test_MAE"].iloc[0]) > 0
    assert set(table.loc[table["source"] != "measured", "model"]) == {"CrabNet", "Roost", "ElemNet", "random forest"}
    # resumable: a second run skips the finished row
    module.main(["--tasks", "volume_per_atom", "--variants", "mlp-full-fraction", "--n-train", "500",
                 "--max-epochs", "1", "--out", str(out)])
    assert len(pd.read_csv(out, comment="#", keep_default_na=False)) == len(table)
    # a longer run of the same variant is a new fit: it adds a row and its own "made by" line
    module.main(["--tasks", "volume_per_atom", "--variants", "mlp-full-fraction", "--n-train", "500",
                 "--max-epochs", "2", "--out", str(out)])
    longer = pd.read_csv(out, comment="#", keep_default_na=False)
    assert sorted(pd.to_numeric(longer.loc[longer["source"] == "measured", "epochs"]).astype(int)) == [1, 2]
    made_by = [line for line in out.read_text().splitlines() if line.startswith("# made by:")]
    assert len(made_by) == 2
    assert "--max-epochs 1 " in made_by[0] and "--max-epochs 2 " in made_by[1]


def test_error_analysis_helpers():
    import numpy as np

    module = load("ptr_error_analysis")
    errors = np.array([10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 10.0])
    assert module.concentration(errors, fractions=(0.1, 0.2)) == {0.1: 0.5, 0.2: 1.0}
    a = np.arange(10.0)
    assert module.worst_overlap(a, a, fraction=0.2) == 1.0
    assert module.worst_overlap(a, -a, fraction=0.2) == 0.0
    assert module.training_size(Path("cache/ptr-mt-whiten-60000.pkl")) == 60000
    with pytest.raises(ValueError, match="model.pkl"):
        module.training_size(Path("model.pkl"))


def test_error_analysis_on_a_saved_learning_curve_model(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    curves = load("ptr_learning_curves")
    curves.main(["--sizes", "100", "--configs", "ptr-mt-whiten", "--n-test", "100", "--min-epochs", "1",
                 "--max-epochs", "1", "--out", str(tmp_path / "curves.csv"), "--save-models", str(tmp_path)])
    module = load("ptr_error_analysis")
    out = tmp_path / "analysis.md"
    module.main([str(tmp_path / "ptr-mt-whiten-100.pkl"), "--n-test", "100", "--out", str(out)])
    text = out.read_text()
    assert "100 training compounds, 100 test compounds" in text
    assert "MAE of the best 83 %" in text and "By X-site element" in text
    # The test MAE in the report is the one the learning-curve script recorded for the same model.
    recorded = pd.read_csv(tmp_path / "curves.csv", comment="#")["dHf_MAE_meV_per_atom"].iloc[0]
    assert f"| test  | {recorded:.3g}".replace(" ", "") in text.replace(" ", "")


@pytest.mark.parametrize(
    ("encoding", "values"),
    [("default", {-1.0, 0.0, 1.0, 2.0}), ("paper-x20", {-20.0, 0.0, 20.0, 40.0}), ("authors-code", {-0.1, 0.0, 1.4, 2.8})],
)
def test_learning_curve_encodings_give_the_documented_cell_values(encoding, values):
    import numpy as np

    module = load("ptr_learning_curves")
    image = module.encoder_for("ptr-mt-whiten", encoding).fit_transform(np.array(["Co2Mn1Si1"]))
    np.testing.assert_allclose(np.unique(image), sorted(values), rtol=1e-6)


def _absent_values(pipeline):
    """The absent_value of every encoder step in ``pipeline`` (a GridSearchCV's estimator included)."""
    pipeline = getattr(pipeline, "estimator", pipeline)
    return {step.absent_value for _, step in pipeline.steps if hasattr(step, "absent_value")}


def test_scripts_that_reproduce_earlier_rows_keep_the_papers_absent_value(tmp_path):
    # The encoders' default absent_value is 0 since file format 3; these scripts made their committed rows
    # with -1, so they pass it and still build what they built.
    curves = load("ptr_learning_curves")
    args = curves.parse_args(["--out", str(tmp_path / "c.csv")])
    for config in curves.CNN_CONFIGS:
        assert curves.encoder_for(config).absent_value == -1.0, config
        assert _absent_values(curves.cnn_pipeline(config, 100, args)) == {-1.0}, config
    assert _absent_values(curves.krr_pipeline(100, args, tuned=None)[0]) == {-1.0}

    study = load("ptr_pretraining_study")
    for variant, (_, encoder, *_) in study.VARIANTS.items():
        expected = 0.0 if encoder.endswith("absent0") else -1.0
        assert _absent_values(study.pipeline(variant, 0)) == {expected}, variant

    full = load("oqmd_full")
    for variant in full.VARIANTS:
        assert _absent_values(full.pipeline(variant, full.parse_args([]))) == {-1.0}, variant

    transfer = load("ptr_transfer")
    args = transfer.parse_args(["--quick"])
    for kind in ("random forest", "scratch"):
        assert _absent_values(transfer.classifier(kind, None, 100, args, 0)[0]) == {-1.0}, kind


def test_other_learners_write_rows_and_resume(tmp_path, capsys):
    module = load("ptr_other_learners")
    out = tmp_path / "other.csv"
    args = ["--learners", "hgb-ptr", "--sizes", "200", "--n-test", "100", "--max-iter", "20", "--out", str(out)]
    module.main(args)
    first = pd.read_csv(out, comment="#")
    assert list(first["config"]) == ["hgb-ptr"] and (first["dHf_MAE_meV_per_atom"] > 0).all()
    assert out.read_text().startswith("# made by: python")
    capsys.readouterr()
    module.main(args)
    assert "==" not in capsys.readouterr().out
    assert len(pd.read_csv(out, comment="#")) == 1


def test_magpie_features_are_cached(tmp_path):
    import numpy as np

    pytest.importorskip("matminer")
    module = load("ptr_other_learners")
    cache = tmp_path / "magpie.npz"
    features = module.magpie_features(np.array(["Co2Mn1Si1", "Ni2Ti1Al1"]), cache)
    assert features.shape == (2, 132) and np.isfinite(features).all()
    with np.load(cache) as saved:
        np.testing.assert_array_equal(saved["features"], features)
    # A cache made for other formulas of the same count is not reused.
    other = module.magpie_features(np.array(["Co2Mn1Si1", "Fe2V1Al1"]), cache)
    np.testing.assert_array_equal(other[0], features[0])
    assert not np.array_equal(other[1], features[1])


def test_large_kernel_ridge_fits_run_on_one_blas_thread():
    from threadpoolctl import threadpool_info

    module = load("ptr_learning_curves")
    if not any(pool["user_api"] == "blas" for pool in threadpool_info()):
        pytest.skip("no BLAS library that threadpoolctl can see")
    with module.krr_blas_threads(module.KRR_SINGLE_THREAD_ABOVE + 1):
        assert {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"} == {1}
    before = {pool["filepath"]: pool["num_threads"] for pool in threadpool_info()}
    with module.krr_blas_threads(module.KRR_SINGLE_THREAD_ABOVE):
        assert {pool["filepath"]: pool["num_threads"] for pool in threadpool_info()} == before


def test_tuned_kernel_ridge_parameters_are_read_back_from_a_single_thread_row(tmp_path):
    pytest.importorskip("matplotlib")
    module = load("ptr_learning_curves")
    module.KRR_SINGLE_THREAD_ABOVE = 50  # so that the tuned 100-compound row runs on one BLAS thread
    out = tmp_path / "krr.csv"
    tiny = ["--configs", "krr-line", "--n-test", "100", "--krr-tune-max", "100", "--out", str(out)]
    module.main(["--sizes", "100", *tiny])
    module.main(["--sizes", "100", "150", *tiny])
    notes = list(pd.read_csv(out, comment="#")["notes"])
    assert notes[0].startswith("tuned by 3-fold CV: {") and notes[0].endswith("; one BLAS thread")
    assert notes[1] == "hyperparameters tuned at the largest tuned size; one BLAS thread"


def test_join_results_keeps_every_made_by_line_and_copies_rows_byte_for_byte(tmp_path, capsys):
    module = load("join_results")
    columns = "config,n_train,notes\n"
    first = tmp_path / "table.csv.a"
    second = tmp_path / "table.csv.b"
    first.write_text("# made by: python benchmarks/x.py --a | m\n" + columns + 'ptr,5000,"dropout 0.3, wd 0.01"\n')
    second.write_text("# made by: python benchmarks/x.py --b | m\n" + columns + "ptr,5000,0.10\nline,5000,\n")
    out = tmp_path / "table.csv"
    module.main([str(first), str(second), "--out", str(out)])
    lines = out.read_text().splitlines()
    assert lines[:2] == ["# made by: python benchmarks/x.py --a | m", "# made by: python benchmarks/x.py --b | m"]
    assert lines[2].startswith("# made by: python ") and f"{first} {second} --out {out}" in lines[2]
    assert lines[3:] == ["config,n_train,notes", 'ptr,5000,"dropout 0.3, wd 0.01"', "ptr,5000,0.10", "line,5000,"]


def test_join_results_refuses_parts_with_different_columns(tmp_path):
    module = load("join_results")
    with pytest.raises(ValueError, match="different columns"):
        module.join_texts(["# a\nx,y\n1,2\n", "# b\nx,z\n1,2\n"], "# made by: join")


def test_a_second_command_appending_rows_adds_its_own_made_by_line(tmp_path):
    common = load("_common")
    out = tmp_path / "rows.csv"
    for seed, line in [(1, "# made by: python benchmarks/x.py --seed 1"), (2, "# made by: python benchmarks/x.py --seed 2")]:
        common.append_row(out, {"config": "ptr", "seed": seed}, ["config", "seed"], line)
    common.append_row(out, {"config": "line", "seed": 2}, ["config", "seed"], line)
    assert out.read_text().splitlines() == [
        "# made by: python benchmarks/x.py --seed 1",
        "# made by: python benchmarks/x.py --seed 2",
        "config,seed",
        "ptr,1",
        "ptr,2",
        "line,2",
    ]


def test_command_line_names_the_script_from_the_repository_root(monkeypatch, tmp_path):
    from conftest import BENCHMARKS

    common = load("_common")
    monkeypatch.chdir(BENCHMARKS)
    monkeypatch.setattr("sys.argv", ["matbench.py", "--tasks", "steels", "a b"])
    assert common.command_line() == "python benchmarks/matbench.py --tasks steels 'a b'"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.argv", [str(BENCHMARKS / "matbench.py")])
    assert common.command_line(["--folds", "0"]) == "python benchmarks/matbench.py --folds 0"
