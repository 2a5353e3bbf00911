"""The scripts behind the pretrained networks and the Matbench table: resumable, and honest about what they ran."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_benchmark

from skmat import load_pipeline

TOOL = Path(__file__).resolve().parents[1] / "tools" / "pretrain.py"


def run_tool(argv, monkeypatch):
    """``python tools/pretrain.py <argv>``: its ``main`` reads the arguments (and names the command) from ``sys.argv``."""
    monkeypatch.setattr(sys, "argv", [str(TOOL), *argv])
    load_benchmark("pretrain", package="tools").main()


@pytest.mark.slow
def test_pretraining_resumes_and_ships_a_checksummed_pipeline(tmp_path, monkeypatch):
    out, state = tmp_path / "weights", tmp_path / "state"
    common = ["--name", "tiny", "--epochs", "2", "--n-train", "400", "--n-filters", "4", "--hidden-units", "8",
              "--out-dir", str(out), "--state-dir", str(state)]
    run_tool([*common, "--hours", "0"], monkeypatch)  # stops after one epoch and ships it
    entry = json.loads((out / "manifest.json").read_text())["tiny"]
    assert entry["training"]["epochs_done"] == 1 and entry["training"]["epochs_planned"] == 2
    run_tool(common, monkeypatch)  # resumes from the state: one more epoch
    entry = json.loads((out / "manifest.json").read_text())["tiny"]
    training = entry["training"]
    assert [row["epoch"] for row in training["epochs"]] == [1, 2]
    assert len(training["commands"]) == 2 and all(c.startswith("python tools/pretrain.py") for c in training["commands"])
    assert training["optimizer_restarts_at_epoch"] == []  # the optimizer state was resumed too
    assert set(entry["test_MAE"]) == {"formation_enthalpy", "volume_per_atom"}
    import hashlib

    assert hashlib.sha256((out / "tiny.skmat").read_bytes()).hexdigest() == entry["sha256"]
    shipped = load_pipeline(out / "tiny.skmat")
    network = shipped[-1]
    # A user gets an ordinary regressor: a refit trains --epochs epochs with the default schedule.
    assert network.warm_start is False and network.max_epochs == 2
    assert [name for name, _ in network.callbacks_].count("lr_schedule") == 1
    assert type(network.get_params()["callbacks__lr_schedule"]).__name__ == "CosineDecay"
    assert shipped[0].elements == entry["elements"] and "Fe" in entry["elements"]
    assert shipped.predict(["NaCl"]).shape == (1, 2)
    # Resuming with another plan (a longer cosine) is refused rather than silently mixed.
    with pytest.raises(SystemExit, match=r"other settings \{'epochs': \(2, 3\)\}"):
        run_tool([*common[:2], "--epochs", "3", *common[4:]], monkeypatch)


def test_a_band_gap_network_trains_on_its_own_set_and_predicts_one_column(tmp_path, monkeypatch):
    out = tmp_path / "weights"
    run_tool(["--name", "gap", "--targets", "band_gap", "--epochs", "1", "--n-train", "300", "--n-filters", "4",
              "--hidden-units", "8", "--out-dir", str(out), "--state-dir", str(tmp_path / "state"), "--threads", "1"],
             monkeypatch)
    entry = json.loads((out / "manifest.json").read_text())["gap"]
    assert entry["targets"] == ["band_gap"] and entry["units"] == ["eV"]
    assert set(entry["test_MAE"]) == set(entry["val_MAE"]) == {"band_gap"}
    assert 0 < entry["test_MAE"]["band_gap"] < 2 and "band-gap set" in entry["description"]
    assert entry["training"]["settings"]["targets"] == ["band_gap"]
    shipped = load_pipeline(out / "gap.skmat")
    assert shipped.predict(["NaCl", "Fe2O3"]).shape == (2,)


def test_targets_other_than_the_pair_or_one_are_refused():
    tool = load_benchmark("pretrain", package="tools")
    with pytest.raises(SystemExit, match="or one target alone"):
        tool.training_data(["band_gap", "formation_enthalpy"])
    assert tool.parse_args([]).targets == list(tool.TASKS)  # the shipped networks' runs resume unchanged


def test_recipe_options_reach_the_encoder_and_the_network():
    tool = load_benchmark("pretrain", package="tools")
    default = tool.new_model(tool.parse_args([]), ["Fe", "O", "Na", "Cl"])
    # Without options, the recipe the first shipped network was trained with (so its command still resumes it).
    assert default[0].absent_value == -1.0 and default[0].channels is None
    params = default[-1].get_params()
    assert (params["module__activation"], params["module__init"], params["module__channels_last"]) == \
        ("relu", "default", False)
    args = tool.parse_args(["--absent-value", "0", "--activation", "leaky_relu", "--init", "kaiming",
                            "--channels", "amount", "electronegativity", "--channels-last"])
    recipe = tool.new_model(args, ["Fe", "O", "Na", "Cl"])
    assert recipe[0].absent_value == 0.0 and list(recipe[0].channels) == ["amount", "electronegativity"]
    params = recipe[-1].get_params()
    assert (params["module__activation"], params["module__init"], params["module__channels_last"]) == \
        ("leaky_relu", "kaiming", True)
    assert "element-property channels" in tool.description(args) and "leaky_relu" in tool.description(args)
    assert params["module__element_embedding"] == 0 and "learned" not in tool.description(args)
    args = tool.parse_args(["--absent-value", "0", "--element-embedding", "16"])
    assert tool.new_model(args, ["Fe", "O"])[-1].get_params()["module__element_embedding"] == 16
    assert "a learned 16-long vector per element" in tool.description(args)
    assert "element_embedding" in tool.ARCHITECTURE  # a second cycle must keep its parent's embedding
    assert type(default[0]).__name__ == "PeriodicTableEncoder" and "layout" in tool.ARCHITECTURE
    args = tool.parse_args(["--absent-value", "0", "--layout", "mendeleev-line", "--channels", "amount", "group"])
    line = tool.new_model(args, ["Fe", "O", "Na", "Cl"])
    assert type(line[0]).__name__ == "MendeleevLineEncoder" and list(line[0].elements) == ["Fe", "O", "Na", "Cl"]
    assert line[0].fit(["NaCl"]).transform(["FeO"]).shape == (1, 2, 1, 4)  # the training elements on one line
    assert tool.description(args).startswith("Multi-task Mendeleev-line CNN (one-line image of the elements")
    # random-line: the order is drawn from --seed, so two seeds give two networks that read different neighbours
    orders = []
    for seed in (3, 4):
        args = tool.parse_args(["--absent-value", "0", "--layout", "random-line", "--seed", str(seed)])
        encoder = tool.new_model(args, ["Fe", "O", "Na", "Cl", "Li", "Si", "Mg", "Al"])[0]
        assert (type(encoder).__name__, encoder.order, encoder.random_state) == ("MendeleevLineEncoder", "random", seed)
        orders.append(list(encoder.fit(["NaCl"]).get_feature_names_out()))
        assert "in a random order drawn from the first cycle's --seed" in tool.description(args) and "random-line CNN" in tool.description(args)
    assert sorted(orders[0]) == sorted(orders[1]) and orders[0] != orders[1]


def test_cosine_learning_rate():
    cosine_lr = load_benchmark("pretrain", package="tools").cosine_lr
    assert cosine_lr(1e-3, 0, 10) == pytest.approx(1e-3)
    assert cosine_lr(1e-3, 5, 10) == pytest.approx(5e-4)
    assert cosine_lr(1e-3, 10, 10) == pytest.approx(0.0)


def test_two_tools_editing_the_manifest_at_once_keep_both_entries(tmp_path):
    """Two runs that finish together both add their entry: the second waits for the first's write."""
    import threading

    pretrain = load_benchmark("pretrain", package="tools")
    if pretrain.fcntl is None:
        pytest.skip("no fcntl: manifest edits are not locked on this system")
    (tmp_path / "manifest.json").write_text('{"shipped": {"file": "shipped.skmat"}}\n')

    def second_run():
        with pretrain.editing_manifest(tmp_path) as manifest:
            manifest["second"] = {"file": "second.skmat"}

    with pretrain.editing_manifest(tmp_path) as manifest:  # the first run has read the manifest...
        other = threading.Thread(target=second_run)
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive()  # ...so the second waits for the lock instead of reading the same old file
        manifest["first"] = {"file": "first.skmat"}
    other.join()
    assert set(json.loads((tmp_path / "manifest.json").read_text())) == {"shipped", "first", "second"}
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []  # written in one step, nothing left


def test_the_combinations_script_scores_every_combination_on_both_targets(tmp_path, monkeypatch):
    module = load_benchmark("oqmd_average_combinations")
    out = tmp_path / "combinations.csv"
    monkeypatch.setattr(sys, "argv", [module.__file__, "--members", "oqmd", "oqmd-reg2-l1-c4", "--n-val", "300",
                                      "--n-test", "200", "--threads", "1", "--out", str(out)])
    module.main()
    text = out.read_text()
    assert text.startswith("# made by: python benchmarks/oqmd_average_combinations.py --members oqmd oqmd-reg2-l1-c4")
    table = pd.read_csv(out, comment="#")
    assert set(table["combination"]) == {"mean", "median", "weighted (validation)",
                                         "weighted by number of elements (validation)",
                                         "mean + boosted correction (validation)", "oqmd", "oqmd-reg2-l1-c4"}
    assert sorted(set(table["task"])) == ["formation_enthalpy", "volume_per_atom"]
    assert (table["n_val"] == 300).all() and (table["n_test"] == 200).all()
    for task, rows in table.groupby("task"):
        alone = rows.set_index("combination")["test_MAE"]
        assert alone["mean"] < alone["oqmd"]  # the mean of two beats the weaker network
        weights = [float(w) for w in rows.set_index("combination").loc["weighted (validation)", "weights"].split()]
        assert len(weights) == 2 and sum(weights) == pytest.approx(1.0, abs=2e-3)
    assert (table["n_held_out"] == 0).all()


def test_the_combinations_script_can_score_validation_formulas_it_did_not_fit_on(tmp_path, monkeypatch):
    from skmat import load_pretrained
    from skmat.datasets import load_oqmd_multitask

    module = load_benchmark("oqmd_average_combinations")
    out = tmp_path / "held.csv"
    monkeypatch.setattr(sys, "argv", [module.__file__, "--members", "oqmd", "oqmd-reg2-l1-c4", "--n-val", "300",
                                      "--n-test", "50", "--hold-out", "100", "--threads", "1", "--out", str(out),
                                      "--cache", str(tmp_path / "cache")])
    module.main()
    assert len(list((tmp_path / "cache").glob("*-300-50.npz"))) == 2  # one file of predictions per network
    first = out.read_text()
    monkeypatch.setattr(module, "load_member", lambda name, candidates: (None, None))  # the cache alone suffices
    module.main()
    assert out.read_text().splitlines()[1:] == first.splitlines()[1:]
    table = pd.read_csv(out, comment="#").set_index(["combination", "task"])
    assert (table["n_held_out"] == 100).all() and (table["n_val"] == 300).all()
    val = load_oqmd_multitask("val")
    alone = np.mean(np.abs(load_pretrained("oqmd").predict(val.data[:100]) - val.target[:100]), axis=0)
    np.testing.assert_allclose(table.loc[("oqmd", "formation_enthalpy"), "val_MAE"], alone[0], atol=5e-5)  # written to 4 decimals
    np.testing.assert_allclose(table.loc[("oqmd", "volume_per_atom"), "val_MAE"], alone[1], atol=5e-5)


def test_the_combinations_script_scores_a_network_trained_but_not_shipped(tmp_path, monkeypatch):
    import hashlib
    import shutil

    import skmat

    module = load_benchmark("oqmd_average_combinations")
    weights = Path(skmat.__file__).parent / "_weights"
    shutil.copy(weights / "oqmd-reg2-l1-c4.skmat", tmp_path / "new-net.skmat")
    entry = {"file": "new-net.skmat", "sha256": hashlib.sha256((tmp_path / "new-net.skmat").read_bytes()).hexdigest()}
    (tmp_path / "manifest.json").write_text(json.dumps({"new-net": entry}))
    out = tmp_path / "candidates.csv"
    argv = [module.__file__, "--members", "oqmd", "new-net", "--n-val", "200", "--n-test", "100", "--threads", "1",
            "--out", str(out)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit, match="'new-net' is not a shipped network; name its training folder"):
        module.main()
    monkeypatch.setattr(sys, "argv", [*argv, "--candidates", str(tmp_path)])
    module.main()
    assert f"not shipped, SHA-256: new-net ({entry['sha256']})" in out.read_text().splitlines()[0]
    table = pd.read_csv(out, comment="#").set_index(["combination", "task"])
    shipped = load_benchmark("oqmd_average_combinations")
    monkeypatch.setattr(sys, "argv", [*argv[:3], "oqmd-reg2-l1-c4", *argv[4:-1], str(tmp_path / "shipped.csv")])
    shipped.main()
    same = pd.read_csv(tmp_path / "shipped.csv", comment="#").set_index(["combination", "task"])
    np.testing.assert_allclose(table.loc["new-net", "test_MAE"], same.loc["oqmd-reg2-l1-c4", "test_MAE"])
    # A candidate whose file changed after training is refused, not scored.
    (tmp_path / "new-net.skmat").write_bytes((tmp_path / "new-net.skmat").read_bytes() + b"\0")
    monkeypatch.setattr(sys, "argv", [*argv, "--candidates", str(tmp_path)])
    with pytest.raises(SystemExit, match="does not match the SHA-256"):
        module.main()


@pytest.mark.slow
def test_matbench_benchmark_writes_one_row_per_fold_and_resumes(tmp_path, capsys):
    module = load_benchmark("matbench")
    out = tmp_path / "mb.csv"
    argv = ["--tasks", "steels", "--models", "rf-magpie", "ptr-finetuned-frozen", "--folds", "0",
            "--samples", "250", "--min-epochs", "1", "--out", str(out)]
    module.CACHE = tmp_path / "cache"
    module.main(argv)
    rows = pd.read_csv(out, comment="#")
    assert list(rows["model"]) == ["rf-magpie", "ptr-finetuned-frozen"]
    assert (rows["task"] == "steels").all() and (rows["fold"] == 0).all()
    assert (rows["n_train"] + rows["n_test"] == 312).all()
    assert np.isfinite(rows["mae"]).all() and (rows["mae"] > 0).all()
    assert out.read_text().startswith("# made by: python ")
    module.main(argv)  # resumed: nothing to do, nothing duplicated
    assert len(pd.read_csv(out, comment="#")) == 2
    assert "skip steels / rf-magpie / fold 0" in capsys.readouterr().out


@pytest.mark.slow
def test_matbench_classification_scores_probabilities_and_hard_labels(tmp_path):
    module = load_benchmark("matbench")
    out = tmp_path / "mb.csv"
    # From the pretrained network: a from-scratch network collapses to a constant on glass folds on some
    # CPUs (issue 22 studies why), and this test is about the scores written, not about training from scratch.
    module.main(["--tasks", "glass", "--models", "ptr-finetuned-frozen", "--folds", "1", "--samples", "20000",
                 "--min-epochs", "1", "--out", str(out)])
    row = pd.read_csv(out, comment="#").iloc[0]
    assert row["epochs"] == 5
    assert 0.6 < row["roc_auc"] <= 1 and 0.5 <= row["roc_auc_labels"] <= 1
    assert np.isnan(row["mae"])


def test_a_second_cycle_starts_from_a_shipped_network_and_records_it(tmp_path, monkeypatch):
    out = tmp_path / "weights"
    shape = ["--n-filters", "4", "--hidden-units", "8", "--n-train", "300", "--out-dir", str(out), "--threads", "1"]
    run_tool(["--name", "parent", "--epochs", "1", "--state-dir", str(tmp_path / "p"), *shape], monkeypatch)
    parent = load_pipeline(out / "parent.skmat")
    run_tool(["--name", "child", "--epochs", "1", "--lr", "0", "--init-from", "parent", "--dropout", "0.1",
              "--state-dir", str(tmp_path / "c"), *shape], monkeypatch)
    manifest = json.loads((out / "manifest.json").read_text())
    child, record = load_pipeline(out / "child.skmat"), manifest["child"]["training"]
    # At learning rate 0 an epoch changes nothing: the child is the parent's network, with its own dropout.
    np.testing.assert_allclose(child.predict(["NaCl", "Fe2O3"]), parent.predict(["NaCl", "Fe2O3"]), rtol=1e-5)
    assert child[-1].get_params()["module__dropout"] == 0.1
    assert record["initialised_from"]["name"] == "parent"
    assert record["initialised_from"]["sha256"] == manifest["parent"]["sha256"]
    assert "second cosine cycle from the weights of 'parent'" in manifest["child"]["description"]
    assert "initialised_from" not in manifest["parent"]["training"]
    # Another architecture cannot start from it, and a parent changed on disk is refused.
    with pytest.raises(SystemExit, match=r"other architecture settings \{'n_filters': \(4, 6\)\}"):
        run_tool(["--name", "wide", "--epochs", "1", "--init-from", "parent", "--state-dir", str(tmp_path / "w"),
                  *shape[:1], "6", *shape[2:]], monkeypatch)
    (out / "parent.skmat").write_bytes((out / "parent.skmat").read_bytes() + b"\0")
    with pytest.raises(SystemExit, match="does not match the SHA-256"):
        run_tool(["--name", "again", "--epochs", "1", "--init-from", "parent", "--state-dir", str(tmp_path / "a"),
                  *shape], monkeypatch)
    with pytest.raises(SystemExit, match="is not a network trained by this tool"):
        run_tool(["--name", "none", "--epochs", "1", "--init-from", "missing", "--state-dir", str(tmp_path / "n"),
                  *shape], monkeypatch)


@pytest.mark.slow  # two runs of the tool on the full OQMD sets' splits
def test_the_loss_option_trains_for_the_absolute_error_and_is_kept_for_users(tmp_path, monkeypatch):
    tool = load_benchmark("pretrain", package="tools")
    # Without the option, the loss the shipped networks were trained with (so their commands still resume them).
    assert tool.new_model(tool.parse_args([]), ["Fe", "O"])[-1].get_params()["criterion"].__name__ == "SmoothL1Loss"
    out = tmp_path / "weights"
    shape = ["--n-filters", "4", "--hidden-units", "8", "--n-train", "300", "--out-dir", str(out), "--threads", "1"]
    run_tool(["--name", "parent", "--epochs", "1", "--state-dir", str(tmp_path / "p"), *shape], monkeypatch)
    # A second cycle may change the loss (it is not an architecture setting); the record says so.
    run_tool(["--name", "child", "--epochs", "1", "--init-from", "parent", "--loss", "l1",
              "--state-dir", str(tmp_path / "c"), *shape], monkeypatch)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["child"]["training"]["settings"]["loss"] == "l1" and "l1 loss" in manifest["child"]["description"]
    assert "loss" not in manifest["parent"]["description"]
    child = load_pipeline(out / "child.skmat")[-1]
    assert child.get_params()["criterion"] is __import__("torch").nn.L1Loss  # a user's refit keeps it
    # Resuming a run with another loss is refused rather than silently mixed.
    with pytest.raises(SystemExit, match=r"other settings \{'loss': \('l1', 'smooth_l1'\)\}"):
        run_tool(["--name", "child", "--epochs", "1", "--init-from", "parent",
                  "--state-dir", str(tmp_path / "c"), *shape], monkeypatch)


def test_ship_average_fits_weights_on_validation_formulas_it_does_not_score(tmp_path, monkeypatch):
    """``tools/ship_average.py --weights absolute_error``: the entry's weights are what load_pretrained applies."""
    import functools
    import shutil

    import skmat
    import skmat.models._shipped as shipped

    tool = load_benchmark("ship_average", package="tools")
    shutil.copy(Path(skmat.__file__).parent / "_weights" / "manifest.json", tmp_path / "manifest.json")
    monkeypatch.setattr(tool, "N_VAL", 30)  # scores the first 30 validation formulas, fits on the next 50
    monkeypatch.setattr(tool, "evaluate", functools.partial(tool.evaluate, n_test=40))
    # Members given out of alphabetical order: the manifest is written with sorted keys, so weights must follow names.
    monkeypatch.setattr(sys, "argv", ["tools/ship_average.py", "--name", "pair", "--members", "oqmd-reg2-l1-c4", "oqmd",
                                      "--weights", "absolute_error", "--n-weight-fit", "50", "--out-dir",
                                      str(tmp_path)])
    import skmat.datasets

    reads = []
    read_split = skmat.datasets.load_oqmd_multitask
    monkeypatch.setattr(skmat.datasets, "load_oqmd_multitask", lambda split: reads.append(split) or read_split(split))
    tool.main()
    assert reads == ["val"]  # the weight fit and the val_MAE of the average and of each member share one read
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    entry = manifest["pair"]
    assert set(entry["weights"]) == {"formation_enthalpy", "volume_per_atom"}
    for weights in entry["weights"].values():
        assert set(weights) == {"oqmd", "oqmd-reg2-l1-c4"}
        assert min(weights.values()) >= 0 and sum(weights.values()) == pytest.approx(1.0)
    assert entry["training"]["weights_fitted_on"].startswith("50 formulas of CrabNet's OQMD validation split after "
                                                             "the first 30")
    assert entry["description"].startswith("The weighted mean prediction")
    monkeypatch.setattr(shipped, "_manifest", lambda: manifest)
    model = skmat.load_pretrained("pair")[-1]
    assert list(model.networks) == ["oqmd", "oqmd-reg2-l1-c4"]  # the manifest's (sorted) order, not the command's
    for j, task in enumerate(["formation_enthalpy", "volume_per_atom"]):
        for i, name in enumerate(model.networks):
            assert model.weights_[i, j] == pytest.approx(entry["weights"][task][name])
    formulas = ["Fe2O3", "NaCl"]
    alone = {name: skmat.load_pretrained(name).predict(formulas) for name in ("oqmd", "oqmd-reg2-l1-c4")}
    expected = sum(alone[name] * np.array([entry["weights"][t][name] for t in ("formation_enthalpy", "volume_per_atom")])
                   for name in alone)
    np.testing.assert_allclose(model.predict(formulas), expected, rtol=1e-6)
    for bad in ({"formation_enthalpy": [1.0]}, {t: [0.5, 0.5] for t in entry["weights"]},
                {t: {"oqmd": 1.0} for t in entry["weights"]}):  # too few, a list by position, a member missing
        manifest["pair"] = dict(entry, weights=bad)
        with pytest.raises(ValueError, match="weights that do not give one per member and target"):
            skmat.load_pretrained("pair")


def test_ship_average_can_fit_one_mix_per_number_of_elements(tmp_path, monkeypatch):
    """``--weights-by n_elements``: one table of weights per group, applied per formula by load_pretrained."""
    import functools
    import shutil

    import skmat
    import skmat.models._shipped as shipped
    from skmat.models._pretrained_average import element_groups

    tool = load_benchmark("ship_average", package="tools")
    shutil.copy(Path(skmat.__file__).parent / "_weights" / "manifest.json", tmp_path / "manifest.json")
    monkeypatch.setattr(tool, "N_VAL", 20)
    monkeypatch.setattr(tool, "evaluate", functools.partial(tool.evaluate, n_test=30))
    argv = ["tools/ship_average.py", "--name", "pair", "--members", "oqmd", "oqmd-reg2-l1-c4", "--n-weight-fit", "60",
            "--out-dir", str(tmp_path), "--weights-by", "n_elements"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit, match="--weights-by needs --weights absolute_error"):
        tool.main()
    monkeypatch.setattr(sys, "argv", [*argv, "--weights", "absolute_error", "--min-group-size", "10"])
    tool.main()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    entry = manifest["pair"]
    assert entry["weights_by"] == "n_elements" and list(entry["weights"]) == ["1", "2", "3", "4+"]
    assert re.search(r"formulas per group of 1, 2, 3 and 4\+ elements: 0, \d+, \d+, \d+ \(a group of fewer than "
                     r"10 has", entry["training"]["weights_fitted_on"])
    assert entry["weights"]["3"] != entry["weights"]["4+"]  # fitted apart
    monkeypatch.setattr(shipped, "_manifest", lambda: manifest)
    model = skmat.load_pretrained("pair")[-1]
    assert model.weights_by == "n_elements" and model.weights_.shape == (4, 2, 2)
    formulas = ["Fe", "NaCl", "Co2MnSi", "LiFePO4"]
    alone = {name: skmat.load_pretrained(name).predict(formulas) for name in ("oqmd", "oqmd-reg2-l1-c4")}
    tasks = ("formation_enthalpy", "volume_per_atom")
    groups = [entry["weights"][label] for label in np.array(["1", "2", "3", "4+"])[element_groups(formulas)]]
    expected = sum(alone[name] * np.array([[group[t][name] for t in tasks] for group in groups]) for name in alone)
    np.testing.assert_allclose(model.predict(formulas), expected, rtol=1e-6)
    for bad in ({k: v for k, v in entry["weights"].items() if k != "4+"},  # a group missing
                dict(entry["weights"], **{"4+": {t: {"oqmd": 1.0} for t in tasks}})):  # a member missing
        manifest["pair"] = dict(entry, weights=bad)
        with pytest.raises(ValueError, match="one table of weights for each group|one per member and target"):
            skmat.load_pretrained("pair")
    manifest["pair"] = dict(entry, weights_by="n_atoms")
    with pytest.raises(ValueError, match="has weights_by='n_atoms' without one table of weights for each group"):
        skmat.load_pretrained("pair")


def test_adopting_a_network_copies_its_file_and_entry_after_checking_them(tmp_path):
    import hashlib
    import shutil

    import skmat

    tool = load_benchmark("adopt_network", package="tools")
    weights = Path(skmat.__file__).parent / "_weights"
    runs, package = tmp_path / "runs", tmp_path / "package"
    runs.mkdir()
    package.mkdir()
    shutil.copy(weights / "oqmd-reg2-l1-c4.skmat", runs / "new-net.skmat")
    digest = hashlib.sha256((runs / "new-net.skmat").read_bytes()).hexdigest()
    entry = {"file": "new-net.skmat", "sha256": digest, "test_MAE": {"formation_enthalpy": 0.05}}
    (runs / "manifest.json").write_text(json.dumps({"new-net": entry, "odd": {**entry, "file": "../x.skmat"}}))
    (package / "manifest.json").write_text(json.dumps({"old": {"file": "old.skmat", "sha256": "0" * 64}}))
    tool.main(["new-net", "--from", str(runs), "--out-dir", str(package)])
    manifest = json.loads((package / "manifest.json").read_text())
    assert manifest["new-net"] == entry and "old" in manifest
    assert (package / "new-net.skmat").read_bytes() == (runs / "new-net.skmat").read_bytes()
    tool.main(["new-net", "--from", str(runs), "--out-dir", str(package)])  # the same again: nothing changes
    assert json.loads((package / "manifest.json").read_text()) == manifest
    for names, message in [(["nope"], "not a network trained into"), (["odd"], "not a plain file name"),
                           (["old"], "not a network trained into")]:
        with pytest.raises(SystemExit, match=message):
            tool.main([*names, "--from", str(runs), "--out-dir", str(package)])
    (runs / "manifest.json").write_text(json.dumps({"old": entry}))
    with pytest.raises(SystemExit, match="already ships another network named 'old'"):
        tool.main(["old", "--from", str(runs), "--out-dir", str(package)])
    (runs / "new-net.skmat").write_bytes(b"changed")
    (runs / "manifest.json").write_text(json.dumps({"other": entry}))
    with pytest.raises(SystemExit, match="does not match the SHA-256"):
        tool.main(["other", "--from", str(runs), "--out-dir", str(package)])
    assert json.loads((package / "manifest.json").read_text()) == manifest  # refusals leave the package as it was
