"""save(path) / load(path): one file, no pickle, identical predictions in a fresh process."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError

from skmat import GramianAngularFieldEncoder, PTRCNNClassifier, PTRCNNRegressor, SPTSeq2SeqRegressor
from skmat.models import CurveMLP
from skmat.models._plain_data import decode_value, encode_value
from skmat.models._persistence import write_payload

RNG = np.random.default_rng(0)
X_LINE = RNG.random((48, 16))
Y_TWO = np.column_stack([X_LINE.sum(axis=1), X_LINE[:, 0] * 3.0])


def curves(n=40, m=24, seed=1):
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, m)
    peak = rng.uniform(500, 3000, (n, 1))
    return peak * np.sin(np.pi * x) ** 2, rng.uniform(0.4, 0.6, n)


def fitted_models():
    loads, thickness = curves()
    encoded = GramianAngularFieldEncoder(8, n_conditions=1).fit_transform(np.column_stack([loads, thickness]))
    stress = loads[:, ::3] / 10.0
    small_s2s = dict(max_epochs=2, module__hidden_size=8, module__num_layers=1, module__num_heads=2,
                     module__conv1d_channels=2, verbose=0, random_state=0)
    regressor = PTRCNNRegressor(max_epochs=2, module__n_filters=4, module__hidden_units=8, verbose=0,
                                random_state=0).fit(X_LINE, Y_TWO)
    return {
        "ptr-regressor": (regressor, X_LINE),
        "ptr-classifier": (
            PTRCNNClassifier(max_epochs=2, module__n_filters=4, module__hidden_units=8, verbose=0,
                             random_state=0).fit(X_LINE, np.where(Y_TWO[:, 0] > 8, "high", "low")),
            X_LINE,
        ),
        "ptr-transfer": (
            PTRCNNClassifier.from_regressor(regressor, freeze_features=True, max_epochs=1, verbose=0,
                                            random_state=0).fit(X_LINE, Y_TWO[:, 0] > 8),
            X_LINE,
        ),
        "spt-gaf-conditions": (SPTSeq2SeqRegressor(**small_s2s).fit(encoded, stress), encoded),
        "spt-mlp-bare": (
            SPTSeq2SeqRegressor(module=CurveMLP, module__hidden_sizes=(8,), max_epochs=2, verbose=0,
                                random_state=0).fit(loads, stress),
            loads,
        ),
    }


MODELS = fitted_models()


def outputs(model, X):
    return model.predict_proba(X) if hasattr(model, "classes_") else model.predict(X)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_round_trip_predicts_identically(name, tmp_path):
    model, X = MODELS[name]
    path = tmp_path / "model.pt"
    model.save(path)
    loaded = type(model).load(path)
    np.testing.assert_array_equal(outputs(loaded, X), outputs(model, X))
    assert loaded.get_params(deep=False).keys() == model.get_params(deep=False).keys()
    if hasattr(model, "classes_"):
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.history[:, "train_loss"] == model.history[:, "train_loss"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_file_is_plain_data(name, tmp_path):
    model, _ = MODELS[name]
    path = tmp_path / "model.pt"
    model.save(path)
    payload = torch.load(path, weights_only=True)
    assert payload["format"] == "skmat-network"
    assert payload["estimator"].endswith(type(model).__name__)
    assert set(payload["state_dict"]) == set(model.module_.state_dict())
    assert {"n_features_in_"} <= set(payload["fitted"])


def test_fresh_process_predicts_identically(tmp_path):
    model, X = MODELS["spt-gaf-conditions"]
    path = tmp_path / "model.pt"
    model.save(path)
    np.save(tmp_path / "X_sequence.npy", X["sequence"])
    np.save(tmp_path / "X_image.npy", X["image"])
    np.save(tmp_path / "X_conditions.npy", X["conditions"])
    script = textwrap.dedent(
        f"""
        import numpy as np
        from skmat import SPTSeq2SeqRegressor
        X = {{key: np.load(r"{tmp_path}/X_" + key + ".npy") for key in ("sequence", "image", "conditions")}}
        np.save(r"{tmp_path}/pred.npy", SPTSeq2SeqRegressor.load(r"{path}").predict(X))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    np.testing.assert_array_equal(np.load(tmp_path / "pred.npy"), model.predict(X))


def test_file_objects_work():
    model, X = MODELS["ptr-regressor"]
    buffer = io.BytesIO()
    model.save(buffer)
    buffer.seek(0)
    np.testing.assert_array_equal(PTRCNNRegressor.load(buffer).predict(X), model.predict(X))


def test_loaded_model_keeps_scaling_and_frozen_layers(tmp_path):
    model, _ = MODELS["ptr-transfer"]
    model.save(tmp_path / "m.pt")
    loaded = PTRCNNClassifier.load(tmp_path / "m.pt")
    frozen = {name for name, p in loaded.module_.named_parameters() if not p.requires_grad}
    assert frozen and all(name.startswith("features.") for name in frozen)
    regressor, _ = MODELS["ptr-regressor"]
    regressor.save(tmp_path / "r.pt")
    again = PTRCNNRegressor.load(tmp_path / "r.pt")
    np.testing.assert_array_equal(again.target_offset_, regressor.target_offset_)
    assert again.input_shape_ == regressor.input_shape_


def test_load_overrides_parameters(tmp_path):
    model, X = MODELS["ptr-regressor"]
    model.save(tmp_path / "m.pt")
    loaded = PTRCNNRegressor.load(tmp_path / "m.pt", max_epochs=7, verbose=0)
    assert loaded.max_epochs == 7
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_unfitted_cannot_be_saved(tmp_path):
    with pytest.raises(NotFittedError):
        PTRCNNRegressor().save(tmp_path / "m.pt")


def test_corrupted_file_is_a_clear_error(tmp_path):
    model, _ = MODELS["ptr-regressor"]
    path = tmp_path / "m.pt"
    model.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="not a readable skmat model file"):
        PTRCNNRegressor.load(path)
    path.write_bytes(b"not a model at all")
    with pytest.raises(ValueError, match="not a readable skmat model file"):
        PTRCNNRegressor.load(path)


def test_foreign_file_is_a_clear_error(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save(MODELS["ptr-regressor"][0].module_.state_dict(), path)
    with pytest.raises(ValueError, match="not a skmat model file"):
        PTRCNNRegressor.load(path)


def test_other_class_is_a_clear_error(tmp_path):
    MODELS["spt-mlp-bare"][0].save(tmp_path / "m.pt")
    with pytest.raises(ValueError, match="holds a SPTSeq2SeqRegressor, not a PTRCNNRegressor"):
        PTRCNNRegressor.load(tmp_path / "m.pt")


def test_pickled_code_in_the_file_is_refused(tmp_path):
    """A file carrying a pickled object (not plain data) is rejected, not executed."""
    path = tmp_path / "evil.pt"
    torch.save({"format": "skmat-network", "payload": np.random.default_rng(0)}, path)
    with pytest.raises(ValueError, match="not a readable skmat model file"):
        PTRCNNRegressor.load(path)


def test_untrusted_class_must_be_passed_again(tmp_path):
    model, X = MODELS["ptr-regressor"]
    model.save(tmp_path / "m.pt")
    payload = torch.load(tmp_path / "m.pt", weights_only=True)
    payload["params"]["criterion"] = {"__class__": "os:system"}
    del payload["content_sha256"]
    write_payload(payload, tmp_path / "m.pt")  # edited and checksummed again, as an attacker would
    with pytest.raises(ValueError, match="criterion"):
        PTRCNNRegressor.load(tmp_path / "m.pt")
    loaded = PTRCNNRegressor.load(tmp_path / "m.pt", criterion=torch.nn.SmoothL1Loss)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_unstorable_parameter_names_itself(tmp_path):
    model = PTRCNNRegressor(max_epochs=1, module__n_filters=4, verbose=0, predict_nonlinearity=lambda out: out)
    model.fit(X_LINE, Y_TWO)
    with pytest.raises(TypeError, match="predict_nonlinearity"):
        model.save(tmp_path / "m.pt")


@pytest.mark.parametrize(
    "value",
    [None, 3, 2.5, "x", (1, (2, "a")), [1.0, None], {"a": (1, 2)}, np.arange(3), np.array(["a", "bc"]),
     np.array([True, False]), torch.float32, torch.nn.MSELoss],
)
def test_encode_decode_round_trip(value):
    back = decode_value(encode_value(value))
    if isinstance(value, np.ndarray):
        np.testing.assert_array_equal(back, value)
        assert back.dtype == value.dtype
    else:
        assert back == value


# ---------------------------------------------------------------- whole pipelines


def fitted_pipelines():
    from sklearn.compose import TransformedTargetRegressor
    from sklearn.kernel_ridge import KernelRidge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skmat import MendeleevLineEncoder, PeriodicTableEncoder

    formulas = ["Co2MnSi", "Fe2VAl", "Ni2MnGa", "Cu2MnAl", "Co2FeSi", "Fe2CrAl"] * 4
    y = np.linspace(-0.5, 0.1, len(formulas))
    loads, thickness = curves()
    small = dict(max_epochs=1, module__n_filters=4, module__hidden_units=8, verbose=0, random_state=0)
    return {
        "periodic-table": (make_pipeline(PeriodicTableEncoder(), PTRCNNRegressor(**small)).fit(formulas, y), formulas),
        "mendeleev-classifier": (
            make_pipeline(MendeleevLineEncoder(elements="all"), PTRCNNClassifier(**small)).fit(formulas, y > -0.2),
            formulas,
        ),
        "gaf-conditions": (
            make_pipeline(GramianAngularFieldEncoder(8, n_conditions=1),
                          SPTSeq2SeqRegressor(max_epochs=1, module__hidden_size=8, module__num_layers=1,
                                              module__num_heads=2, verbose=0, random_state=0)).fit(
                np.column_stack([loads, thickness]), loads[:, ::4]),
            np.column_stack([loads, thickness]),
        ),
        "krr-transformed-target": (
            make_pipeline(StandardScaler(), TransformedTargetRegressor(KernelRidge(alpha=1e-3),
                                                                       transformer=StandardScaler()))
            .fit(loads, loads[:, ::4]),
            loads,
        ),
        "scaler-mlp": (
            make_pipeline(StandardScaler(), SPTSeq2SeqRegressor(module=CurveMLP, max_epochs=1, verbose=0,
                                                                random_state=0)).fit(loads, loads[:, ::4]),
            loads,
        ),
    }


PIPELINES = fitted_pipelines()


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_round_trip(name, tmp_path):
    from skmat import load_pipeline, save_pipeline

    pipeline, X = PIPELINES[name]
    save_pipeline(pipeline, tmp_path / "p.pt")
    assert torch.load(tmp_path / "p.pt", weights_only=True)["format"] == "skmat-pipeline"
    loaded = load_pipeline(tmp_path / "p.pt")
    assert [n for n, _ in loaded.steps] == [n for n, _ in pipeline.steps]
    method = "predict_proba" if hasattr(pipeline, "classes_") else "predict"
    np.testing.assert_array_equal(getattr(loaded, method)(X), getattr(pipeline, method)(X))


def test_pipeline_in_a_fresh_process(tmp_path):
    from skmat import save_pipeline

    pipeline, X = PIPELINES["gaf-conditions"]
    save_pipeline(pipeline, tmp_path / "p.pt")
    np.save(tmp_path / "X.npy", X)
    script = (
        "import numpy as np; from skmat import load_pipeline; "
        f"np.save(r'{tmp_path}/pred.npy', load_pipeline(r'{tmp_path}/p.pt').predict(np.load(r'{tmp_path}/X.npy')))"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=300)
    np.testing.assert_array_equal(np.load(tmp_path / "pred.npy"), pipeline.predict(X))


def test_pipeline_errors(tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    from skmat import load_pipeline, save_pipeline

    model, _ = MODELS["ptr-regressor"]
    model.save(tmp_path / "net.pt")
    with pytest.raises(ValueError, match="not a skmat pipeline file"):
        load_pipeline(tmp_path / "net.pt")
    with pytest.raises(TypeError, match="takes a Pipeline"):
        save_pipeline(model, tmp_path / "p.pt")
    odd = make_pipeline(FunctionTransformer(lambda v: v), PTRCNNRegressor(max_epochs=1, verbose=0))
    odd.fit(X_LINE, Y_TWO)
    with pytest.raises(TypeError, match="functiontransformer"):
        save_pipeline(odd, tmp_path / "p.pt")
