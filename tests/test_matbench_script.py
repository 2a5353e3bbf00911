"""benchmarks/matbench.py's model names and wrappers, and matbench_ranks.py's leaderboard ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks import matbench, matbench_ranks


def test_wrapped_names_split_and_apply_to_one_task_type():
    assert matbench.split_name("ptr-features+magpie+hgb-hurdle") == ("ptr-features+magpie+hgb", "-hurdle")
    assert matbench.split_name("rf-magpie-tuned") == ("rf-magpie", "-tuned")
    assert matbench.split_name("ptr-finetuned") == ("ptr-finetuned", "")
    assert matbench.applies("hgb-magpie-hurdle", classification=False)
    assert not matbench.applies("hgb-magpie-hurdle", classification=True)
    assert matbench.applies("rf-magpie-tuned", classification=True)
    assert not matbench.applies("rf-magpie-tuned", classification=False)
    assert all(matbench.split_name(name)[0] in matbench.MODELS for name in matbench.WRAPPED_MODELS)


def test_rows_of_another_network_are_labelled_with_it():
    assert matbench.row_label("ptr-finetuned", "oqmd") == "ptr-finetuned"
    assert matbench.row_label("ptr-finetuned", "oqmd-channels") == "ptr-finetuned[oqmd-channels]"
    assert matbench.row_label("rf-magpie", "oqmd-channels") == "rf-magpie"  # reads no network
    label = matbench.row_label("ptr-features+magpie+hgb-tuned", "oqmd-channels")
    assert matbench.parse_label(label) == ("ptr-features+magpie+hgb-tuned", "oqmd-channels")
    assert matbench.parse_label("rf-magpie") == ("rf-magpie", "oqmd")


def test_tuned_and_hurdle_models_fit_and_score_on_magpie_like_features():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 6))
    labels = X[:, 0] + 0.3 * rng.normal(size=120) > 0.8  # imbalanced, as glass
    tuned = matbench.wrapped_model("hgb-magpie-tuned", True, n_jobs=1).set_params(estimator__max_iter=20)
    tuned.fit(X, labels)
    scores = matbench.scores(tuned, "hgb-magpie-tuned", True, X, labels)
    assert 0.5 < scores["roc_auc_labels"] <= 1 and 0.5 < scores["roc_auc"] <= 1
    assert 0 < tuned.best_threshold_ < 1
    gap = np.where(X[:, 1] > 0, 1.0 + X[:, 2] ** 2, 0.0)
    hurdle = matbench.wrapped_model("hgb-magpie-hurdle", False, n_jobs=1)
    hurdle.set_params(classifier__max_iter=20, regressor__max_iter=20).fit(X, gap)
    assert hurdle.zero_fraction_ == pytest.approx(np.mean(gap == 0))
    assert matbench.scores(hurdle, "hgb-magpie-hurdle", False, X, gap)["mae"] < np.mean(np.abs(gap - gap.mean()))


def test_the_vote_averages_the_forest_on_magpie_and_the_booster_on_learned_features():
    rng = np.random.default_rng(1)
    formulas = rng.choice(["Fe2O3", "NaCl", "CuZr", "Al2O3", "MgO", "TiO2", "ZrCu2", "LiF"], size=80)
    magpie = rng.normal(size=(80, 4))
    frame = matbench.with_magpie(formulas, magpie)
    labels = magpie[:, 0] + 0.3 * rng.normal(size=80) > 0
    vote = matbench.wrapped_model("ptr-vote-tuned", True, n_jobs=1)
    vote.set_params(**{"estimator__rf-magpie__randomforestclassifier__n_estimators": 20,
                       "estimator__ptr-features+magpie+hgb__histgradientboostingclassifier__max_iter": 20})
    vote.fit(frame, labels)
    fitted = vote.estimator_
    forest, booster = fitted.named_estimators_["rf-magpie"], fitted.named_estimators_["ptr-features+magpie+hgb"]
    assert forest[-1].n_features_in_ == 4  # the forest reads the Magpie columns only
    assert booster[-1].n_features_in_ == 4 + 192  # the booster adds the network's 192 learned features
    mean = (forest.predict_proba(frame) + booster.predict_proba(frame)) / 2
    np.testing.assert_allclose(fitted.predict_proba(frame), mean)
    assert list(vote.predict(frame)) == list(mean[:, 1] >= vote.best_threshold_)
    assert matbench.row_label("ptr-vote-tuned", "oqmd-reg") == "ptr-vote-tuned[oqmd-reg]"


@pytest.mark.parametrize(
    "task, score, expected",
    [
        ("expt_gap", 0.20, (1, "", "Darwin 0.2865")),
        ("expt_gap", 0.34, (4, "MODNet 0.3327", "CrabNet 0.3463")),
        ("expt_gap", 2.0, (9, "Dummy 1.1435", "")),
        ("glass", 0.90, (2, "MODNet 0.9603", "AMMExpress 0.8607")),
        ("glass", 0.8587, (3, "AMMExpress 0.8607", "RF-SCM/Magpie 0.8587")),  # a tie ranks above the entry
        ("steels", 91.2, (5, "RF-Regex 90.6", "AMMExpress 97.5")),
    ],
)
def test_rank_among_the_leaderboard(task, score, expected):
    assert matbench_ranks.rank(task, score) == expected


def test_ranks_need_all_five_folds_and_use_the_label_metric():
    rows = [{"task": "glass", "model": "m", "fold": k, "mae": np.nan, "roc_auc": 0.99, "roc_auc_labels": 0.87}
            for k in range(5)]
    rows += [{"task": "steels", "model": "m", "fold": k, "mae": 100.0, "roc_auc": np.nan, "roc_auc_labels": np.nan}
             for k in range(4)]
    table = matbench_ranks.ranks(pd.DataFrame(rows))
    assert list(table["task"]) == ["glass"]
    assert table.iloc[0]["score"] == 0.87 and table.iloc[0]["rank"] == 2 and table.iloc[0]["entries"] == 6


def test_the_ionic_vote_gives_both_members_the_ionic_columns():
    rng = np.random.default_rng(2)
    formulas = rng.choice(["Fe2O3", "NaCl", "CuZr", "Al2O3", "MgO", "TiO2", "ZrCu2", "LiF"], size=60)
    magpie, ionic = rng.normal(size=(60, 4)), rng.normal(size=(60, 3))
    frame = matbench.with_magpie(formulas, magpie, ionic)
    assert list(frame.columns[-4:]) == ["magpie_3", "ion_0", "ion_1", "ion_2"]
    np.testing.assert_array_equal(frame[["ion_0", "ion_1", "ion_2"]].to_numpy(), ionic)
    labels = ionic[:, 0] + 0.3 * rng.normal(size=60) > 0
    vote = matbench.vote_model("ptr-vote+ion", True, n_jobs=1)
    vote.set_params(**{"rf-magpie+ion__randomforestclassifier__n_estimators": 10,
                       "ptr-features+magpie+ion+hgb__histgradientboostingclassifier__max_iter": 10})
    vote.fit(frame, labels)
    forest, booster = vote.named_estimators_["rf-magpie+ion"], vote.named_estimators_["ptr-features+magpie+ion+hgb"]
    assert forest[-1].n_features_in_ == 4 + 3
    assert booster[-1].n_features_in_ == 192 + 4 + 3
    # The control without the network reads the same Magpie and ionic columns as one array.
    control = matbench.magpie_model("hgb-magpie+ion", True, n_jobs=1).set_params(max_iter=10)
    assert control.fit(np.hstack([magpie, ionic]), labels).n_features_in_ == 7
    assert matbench.reads_ionic("ptr-vote+ion-tuned") and not matbench.reads_ionic("ptr-vote-tuned")
    assert matbench.row_label("hgb-magpie+ion-tuned", "oqmd-gap") == "hgb-magpie+ion-tuned"
    with pytest.raises(ValueError, match="'ptr-vote\\+magpie'"):
        matbench.vote_model("ptr-vote+magpie", True)


def test_ionic_features_say_whether_the_charge_can_balance(tmp_path):
    pytest.importorskip("matminer")
    cache = tmp_path / "ionic.npz"
    features = matbench._common.ionic_features(np.array(["NaCl", "Fe2O3", "CuZr", "NaCl2"]), cache)
    assert features.shape == (4, 3) and np.isfinite(features).all()
    assert list(features[:, 0]) == [1, 1, 0, 0]  # compound possible
    assert features[0, 1] > features[2, 1] > 0  # Na-Cl is more ionic than Cu-Zr
    again = matbench._common.ionic_features(np.array(["NaCl", "Fe2O3", "CuZr", "NaCl2"]), cache)
    np.testing.assert_array_equal(again, features)


@pytest.mark.parametrize("classification", [True, False])
def test_the_stack_learns_weights_for_the_vote_members_and_the_network(classification):
    from argparse import Namespace

    rng = np.random.default_rng(3)
    formulas = rng.choice(["Fe2O3", "NaCl", "CuZr", "Al2O3", "MgO", "TiO2", "ZrCu2", "LiF"], size=50)
    frame = matbench.with_magpie(formulas, rng.normal(size=(50, 4)), rng.normal(size=(50, 3)))
    y = frame["magpie_0"].to_numpy() > 0 if classification else 100 * frame["magpie_0"].to_numpy()
    args = Namespace(pretrained="oqmd", seed=0, threads=1, dask=False)
    stack = matbench.stack_model("ptr-stack+ion", classification, epochs=2, args=args)
    small = {"rf-magpie+ion__randomforest": {"n_estimators": 10},
             "ptr-features+magpie+ion+hgb__histgradientboosting": {"max_iter": 10}}
    for step, params in small.items():
        stack.set_params(**{f"{step}{'classifier' if classification else 'regressor'}__{key}": value
                            for key, value in params.items()})
    stack.fit(frame, y)
    assert [name for name, _ in stack.estimators] == ["rf-magpie+ion", "ptr-features+magpie+ion+hgb",
                                                      "ptr-scratch-combined"]
    weights = stack.final_estimator_.coef_
    assert np.size(weights) == 3  # one weight per member (for a binary task, its P(class 1))
    if classification:
        assert stack.final_estimator_.class_weight == "balanced"
        assert set(stack.predict(frame)) <= {False, True}
        assert stack.predict_proba(frame).shape == (50, 2)
    else:
        assert stack.predict(frame).shape == (50,)
    network = stack.named_estimators_["ptr-scratch-combined"]
    np.testing.assert_array_equal(network[0].transform(frame), formulas)  # the network reads the formulas only
    assert matbench.row_label("ptr-stack+ion", "oqmd-gap") == "ptr-stack+ion[oqmd-gap]"
