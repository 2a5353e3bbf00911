"""PTRCNN's activation, norm and init options, and the collapse study that compares them."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from skmat import PTRCNNRegressor
from skmat.models import PTRCNN, PTRCNNClassifier

#: The parameter names of the paper's network: every file saved so far names these.
DEFAULT_KEYS = [
    "features.0.weight", "features.0.bias", "features.2.weight", "features.2.bias",
    "features.4.weight", "features.4.bias", "predictor.1.weight", "predictor.1.bias",
    "predictor.4.weight", "predictor.4.bias", "predictor.7.weight", "predictor.7.bias",
]
SMALL = dict(n_filters=4, hidden_units=8)


def images(n=60, seed=0):
    """Periodic-table-like images: mostly -1 (absent), a few fractions."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, 1, 9, 18)).astype(np.float32)
    X[X < 0.85] = -1.0
    return X, X.reshape(n, -1).clip(0).sum(1)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "gelu", "silu"])
@pytest.mark.parametrize("norm", [None, "batch", "layer"])
@pytest.mark.parametrize("init", ["default", "kaiming"])
def test_every_option_builds_and_runs(activation, norm, init):
    net = PTRCNN(in_shape=(1, 9, 18), n_outputs=2, activation=activation, norm=norm, init=init, **SMALL)
    assert net.feature_shape == (4, 5, 14)
    assert net(torch.rand(3, 1, 9, 18)).shape == (3, 2)
    net.eval()
    assert net(torch.rand(1, 1, 9, 18)).shape == (1, 2)
    assert net.hparams["activation"] == activation and net.hparams["norm"] == norm and net.hparams["init"] == init
    assert type(PTRCNN(**net.hparams).features[-1]) is type(net.features[-1])  # hparams rebuild it


def test_line_images_and_flat_features_work_with_norms():
    for norm in ("batch", "layer"):
        net = PTRCNN(in_shape=(1, 1, 20), norm=norm, **SMALL)
        assert net(torch.rand(5, 1, 1, 20)).shape == (5, 1)
        mlp = PTRCNN(in_shape=(1, 1, 20), kernel_sizes=(), paddings=(), norm=norm, **SMALL)
        assert mlp(torch.rand(5, 1, 1, 20)).shape == (5, 1)


def test_layers_of_each_option():
    def kinds(net):
        return [type(m).__name__ for m in [*net.features, *net.predictor]]

    assert kinds(PTRCNN(**SMALL)) == ["Conv2d", "LeakyReLU"] * 3 + ["Dropout", "Linear", "LeakyReLU"] * 2 \
        + ["Dropout", "Linear"]
    paper = kinds(PTRCNN(activation="relu", **SMALL))
    assert paper == ["Conv2d", "ReLU"] * 3 + ["Dropout", "Linear", "ReLU"] * 2 + ["Dropout", "Linear"]
    batch = kinds(PTRCNN(norm="batch", activation="gelu", **SMALL))
    assert batch == ["Conv2d", "BatchNorm2d", "GELU"] * 3 + ["Dropout", "Linear", "BatchNorm1d", "GELU"] * 2 \
        + ["Dropout", "Linear"]
    layer = kinds(PTRCNN(norm="layer", activation="leaky_relu", **SMALL))
    assert layer == ["Conv2d", "GroupNorm", "LeakyReLU"] * 3 + ["Dropout", "Linear", "LayerNorm", "LeakyReLU"] * 2 \
        + ["Dropout", "Linear"]
    assert all(m.num_groups == 1 for m in PTRCNN(norm="layer", **SMALL).features if isinstance(m, nn.GroupNorm))
    assert kinds(PTRCNN(activation="silu", **SMALL)).count("SiLU") == 5


def test_default_network_keeps_its_parameter_names_and_seeded_weights():
    assert list(PTRCNN(in_shape=(1, 9, 18)).state_dict()) == DEFAULT_KEYS
    # Options that add no layer keep the names, so a network trained with them fits the same files.
    assert list(PTRCNN(activation="relu", init="default").state_dict()) == DEFAULT_KEYS
    assert list(PTRCNN(activation="gelu", init="kaiming").state_dict()) == DEFAULT_KEYS
    torch.manual_seed(0)
    plain = PTRCNN(in_shape=(1, 9, 18)).state_dict()
    torch.manual_seed(0)
    explicit = PTRCNN(in_shape=(1, 9, 18), activation="leaky_relu", norm=None, init="kaiming").state_dict()
    assert all(torch.equal(plain[key], explicit[key]) for key in DEFAULT_KEYS)
    torch.manual_seed(0)
    paper = PTRCNN(in_shape=(1, 9, 18), activation="relu", init="default").state_dict()
    assert not torch.equal(paper["features.0.weight"], plain["features.0.weight"])
    assert list(PTRCNN(norm="batch").state_dict()) != DEFAULT_KEYS


def test_the_changed_defaults_are_the_ones_the_class_declares():
    # Loading restores changed_defaults for older files, so the table must name exactly what changed.
    import inspect

    defaults = {name: p.default for name, p in inspect.signature(PTRCNN).parameters.items()}
    for since, old in PTRCNN.changed_defaults.items():
        assert since >= 3
        assert all(defaults[name] != value for name, value in old.items())
    assert PTRCNN.changed_defaults[3] == {"activation": "relu", "init": "default"}


def test_kaiming_init():
    torch.manual_seed(0)
    net = PTRCNN(in_shape=(1, 9, 18), init="kaiming")
    conv = net.features[2]  # 96 x 96 x 5 x 5: fan-in 2400
    assert conv.weight.std().item() == pytest.approx(np.sqrt(2 / 2400), rel=0.05)
    output = net.predictor[-1]  # linear gain
    assert output.weight.std().item() == pytest.approx(np.sqrt(1 / 192), rel=0.1)
    assert all(not m.bias.any() for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear)))
    leaky = PTRCNN(in_shape=(1, 9, 18), init="kaiming", activation="leaky_relu").features[2]
    assert leaky.weight.std().item() == pytest.approx(np.sqrt(2 / (1 + 0.01**2) / 2400), rel=0.05)


@pytest.mark.parametrize("estimator", [PTRCNNRegressor, PTRCNNClassifier])
def test_seeded_default_fit_is_identical_with_the_options_spelled_out(estimator):
    X, y = images()
    y = y if estimator is PTRCNNRegressor else y > np.median(y)
    common = dict(max_epochs=2, batch_size=16, random_state=0, verbose=0, n_threads=1,
                  module__n_filters=4, module__hidden_units=8, module__mixed_precision=True)
    plain = estimator(**common).fit(X, y)
    explicit = estimator(module__activation="leaky_relu", module__norm=None, module__init="kaiming", **common).fit(X, y)
    assert np.array_equal(plain.predict(X), explicit.predict(X))
    state, other = plain.module_.state_dict(), explicit.module_.state_dict()
    assert list(state) == DEFAULT_KEYS and all(torch.equal(state[k], other[k]) for k in DEFAULT_KEYS)


def test_estimators_route_the_options_to_the_module():
    X, y = images()
    model = PTRCNNRegressor(max_epochs=1, random_state=0, verbose=0, n_threads=1, module__n_filters=4,
                            module__activation="gelu", module__norm="batch", module__init="kaiming").fit(X, y)
    assert model.module_.hparams["norm"] == "batch"
    assert isinstance(model.module_.features[1], nn.BatchNorm2d)
    assert np.isfinite(model.predict(X)).all()


@pytest.mark.parametrize(
    ("option", "value"),
    [("activation", "tanh"), ("activation", None), ("norm", "group"), ("norm", "none"), ("init", "xavier")],
)
def test_unknown_option_names_itself(option, value):
    with pytest.raises(ValueError, match=f"{option}={value!r}, which is not one of"):
        PTRCNN(**{option: value})
    X, y = images(30)
    with pytest.raises(ValueError, match=f"{option}={value!r}"):
        PTRCNNRegressor(max_epochs=1, verbose=0, **{f"module__{option}": value}).fit(X, y)


# -- the study script ------------------------------------------------------------


@pytest.fixture
def study(monkeypatch):
    import benchmarks.ptr_collapse_study as module

    monkeypatch.setattr(module, "use_all_cores", lambda: 1)  # keep the test session's one torch thread
    return module


def test_collapse_measures(study):
    assert study.collapse_measures(np.full(10, 3.0), np.arange(10.0), False)[0]
    collapsed, spread, distinct = study.collapse_measures(np.arange(10.0), np.arange(10.0), False)
    assert not collapsed and spread == pytest.approx(1.0) and distinct == 1.0
    assert study.collapse_measures(np.full(8, 0.3), None, True)[:2] == (True, 0.0)


def test_study_smoke_run_writes_rows_and_resumes(study, tmp_path, capsys):
    out = tmp_path / "collapse.csv"
    argv = ["--datasets", "matbench_steels", "--variants", "baseline", "gelu", "--folds", "0",
            "--max-epochs", "1", "--max-train", "48", "--out", str(out)]
    study.main(argv)
    rows = study.read_results(out, study.COLUMNS)
    assert list(rows["variant"]) == ["baseline", "gelu"]
    assert set(rows["dataset"]) == {"matbench_steels"} and set(rows["fold"]) == {0}
    assert set(rows["epochs"]) == {1} and set(rows["n_train"]) == {48} and set(rows["metric"]) == {"mae"}
    assert set(rows["collapsed"]) <= {0, 1} and (rows["score"] > 0).all()
    assert rows["command"].iloc[0].startswith("python ") and "--max-epochs 1" in rows["command"].iloc[0]
    assert out.read_text().startswith("# made by: ")
    printed = capsys.readouterr().out
    assert "would take about" in printed and "baseline" in printed

    study.main(argv)  # resumed: nothing left to fit
    again = study.read_results(out, study.COLUMNS)
    assert len(again) == 2
    printed = capsys.readouterr().out
    assert printed.count("skip matbench_steels") == 2 and "would take about" not in printed


def test_study_verdict_names_a_variant_better_on_both(study):
    import pandas as pd

    rows = pd.DataFrame(
        [
            ("oqmd_subset", "baseline", 0, 0, "mae", 0.20),
            ("oqmd_subset", "gelu", 0, 0, "mae", 0.18),
            ("oqmd_subset", "kaiming", 0, 0, "mae", 0.25),
            ("matbench_glass", "baseline", 0, 1, "roc_auc", 0.50),
            ("matbench_glass", "gelu", 0, 0, "roc_auc", 0.85),
            ("matbench_glass", "kaiming", 0, 0, "roc_auc", 0.86),
        ],
        columns=["dataset", "variant", "fold", "collapsed", "metric", "score"],
    )
    table, text = study.summary(rows, list(study.DATASETS), ["baseline", "gelu", "kaiming"], [0])
    assert table.loc["baseline", "matbench_glass"] == "0.5000 (1/1 collapsed)"
    assert text.splitlines()[0].endswith("gelu; best: gelu")
    assert "kaiming: OQMD gain -25.0%" in text


def test_channels_last_is_the_same_network_in_another_memory_layout():
    torch.manual_seed(0)
    plain = PTRCNN(in_shape=(1, 9, 18), n_outputs=2, **SMALL)
    torch.manual_seed(0)
    fast = PTRCNN(in_shape=(1, 9, 18), n_outputs=2, channels_last=True, **SMALL)
    assert list(fast.state_dict()) == list(plain.state_dict())
    assert all(torch.equal(fast.state_dict()[k], plain.state_dict()[k]) for k in plain.state_dict())
    assert fast.features[0].weight.is_contiguous(memory_format=torch.channels_last)
    X = torch.rand(7, 1, 9, 18)
    torch.testing.assert_close(fast.eval()(X), plain.eval()(X), rtol=1e-5, atol=1e-6)
    assert PTRCNN(**fast.hparams).hparams["channels_last"] is True


def test_channels_last_trains_saves_and_loads(tmp_path):
    X, y = images()
    model = PTRCNNRegressor(max_epochs=2, batch_size=16, random_state=0, verbose=0, n_threads=1,
                            module__n_filters=4, module__hidden_units=8, module__mixed_precision=True,
                            module__channels_last=True).fit(X, y)
    again = PTRCNNRegressor(**model.get_params()).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), again.predict(X))  # seeded: identical run to run
    model.save(tmp_path / "fast.skmat")
    loaded = PTRCNNRegressor.load(tmp_path / "fast.skmat")
    assert loaded.module_.hparams["channels_last"]
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


# -- the learned element embedding --------------------------------------------------


def test_element_embedding_adds_amount_scaled_learned_channels():
    torch.manual_seed(0)
    net = PTRCNN(in_shape=(2, 9, 18), n_outputs=1, element_embedding=3, **SMALL)
    layer = net.features[0]
    assert type(layer).__name__ == "ElementEmbedding" and layer.weight.shape == (3, 9, 18)
    assert net.features[1].in_channels == 5  # two input channels and three learned ones
    X = torch.zeros(2, 2, 9, 18)
    X[0, 0, 3, 4], X[0, 1, 3, 4] = 0.25, 7.0  # one element present: amount 0.25, a property channel 7
    out = layer(X)
    torch.testing.assert_close(out[:, :2], X)  # the image itself passes unchanged
    torch.testing.assert_close(out[0, 2:, 3, 4], 0.25 * layer.weight[:, 3, 4])  # amount x the cell's vector
    assert torch.count_nonzero(out[0, 2:]) == 3 and torch.count_nonzero(out[1, 2:]) == 0  # absent cells: 0
    assert net(X).shape == (2, 1)


def test_without_an_element_embedding_the_network_is_the_one_files_name():
    torch.manual_seed(0)
    plain = PTRCNN(in_shape=(1, 9, 18), **SMALL)
    torch.manual_seed(0)
    spelled = PTRCNN(in_shape=(1, 9, 18), element_embedding=0, **SMALL)
    assert list(spelled.state_dict()) == list(plain.state_dict()) == DEFAULT_KEYS
    assert all(torch.equal(spelled.state_dict()[k], plain.state_dict()[k]) for k in plain.state_dict())


def test_element_embedding_is_learned_saved_and_frozen_with_the_features(tmp_path):
    X, y = images()
    X = X.clip(0)  # absent elements 0, as the embedding expects
    params = dict(max_epochs=3, batch_size=16, random_state=0, verbose=0, n_threads=1,
                  module__n_filters=4, module__hidden_units=8, module__element_embedding=2)
    model = PTRCNNRegressor(**params).fit(X, y)
    again = PTRCNNRegressor(**params).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), again.predict(X))  # seeded: identical run to run
    torch.manual_seed(0)
    start = PTRCNN(in_shape=(1, 9, 18), element_embedding=2, n_filters=4, hidden_units=8).features[0].weight
    learned = model.module_.features[0].weight.detach()
    assert learned.shape == start.shape and not torch.equal(learned, start.detach())
    model.save(tmp_path / "embedded.skmat")
    loaded = PTRCNNRegressor.load(tmp_path / "embedded.skmat")
    assert loaded.module_.hparams["element_embedding"] == 2
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    before = {name: value.clone() for name, value in model.module_.state_dict().items()}
    model.set_params(freeze_features=True).partial_fit(X, y + 1.0)
    after = model.module_.state_dict()
    assert torch.equal(after["features.0.weight"], before["features.0.weight"])  # frozen with the convolutions
    assert not torch.equal(after["predictor.1.weight"], before["predictor.1.weight"])


@pytest.mark.parametrize("value", [-1, 2.5, "4", None, True])
def test_a_bad_element_embedding_names_itself(value):
    with pytest.raises(ValueError, match=f"element_embedding={value!r}; it must be an integer >= 0"):
        PTRCNN(element_embedding=value)
