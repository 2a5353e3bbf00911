"""Files saved by the release before the restructuring load and predict to the bit.

``tests/data/format_v2`` holds one small fitted pipeline per estimator and
encoder, written by commit 7432b53 with its ``make_files.py``, beside the
predictions the saving process made. Private modules have moved since; the
files name classes by public name, so they must still load unchanged.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skmat import PTRCNNRegressor, load_pipeline, load_pretrained
from skmat.models._persistence import FORMAT_VERSION, write_payload

HERE = Path(__file__).parent / "data" / "format_v2"
FORMULAS = json.loads((HERE / "formulas.json").read_text())
INPUTS = {
    "spt_inverse": np.load(HERE / "spt_inverse_inputs.npy"),
    "curve_resampler": np.load(HERE / "resampler_inputs.npy"),
}
SAVED = sorted(path.stem for path in HERE.glob("*.skmat"))


def inputs(name):
    if name in INPUTS:
        return INPUTS[name]
    return np.load(HERE / "spt_inputs.npy") if name.startswith("spt_") else FORMULAS


def test_there_is_a_file_per_estimator():
    assert len(SAVED) == 11


@pytest.mark.parametrize("name", SAVED)
def test_saved_pipeline_predicts_what_it_predicted_when_saved(name):
    pipeline = load_pipeline(HERE / f"{name}.skmat")
    X = inputs(name)
    got = pipeline.predict_proba(X) if hasattr(pipeline, "predict_proba") else pipeline.predict(X)
    # To float rounding: another CPU's kernels sum in another order (up to 2e-7 relative on an AMD EPYC for
    # files saved on an Intel CPU); a file read wrongly is off by far more.
    np.testing.assert_allclose(got, np.load(HERE / f"{name}_pred.npy"), rtol=1e-6, atol=1e-7)


def test_shipped_network_predicts_what_the_previous_release_predicted():
    got = load_pretrained("oqmd").predict(FORMULAS[:8])
    # Saved from a 2-thread process; the suite runs torch on one thread, and
    # float32 sums in another order differ in the last bits (~2e-6 here).
    np.testing.assert_allclose(got, np.load(HERE / "oqmd_pred.npy"), rtol=1e-5, atol=1e-6)


# Since file format 3 the periodic-table network defaults to leaky ReLU and Kaiming initialisation
# (benchmarks/ptr_collapse_study.py). Files of format 2 that leave those parameters out were built with
# ReLU and torch's initialisation; loading restores those, which the bit-identical predictions above pin.

PTR_FILES = ["ptr_regressor", "ptr_fine_tuned", "ptr_classifier", "mendeleev_line", "random_table"]


@pytest.mark.parametrize("name", PTR_FILES)
def test_old_networks_keep_the_defaults_they_were_built_with(name):
    network = load_pipeline(HERE / f"{name}.skmat")[-1]
    assert network.get_params()["module__activation"] == "relu"
    assert network.get_params()["module__init"] == "default"
    assert {type(layer).__name__ for layer in network.module_.features} <= {"Conv2d", "ReLU"}
    # A refit of the loaded estimator (clone) builds the same kind of network, not today's default.
    assert clone(network).get_params()["module__activation"] == "relu"


def test_a_network_fine_tuned_from_an_old_file_is_built_like_it():
    old = load_pipeline(HERE / "ptr_regressor.skmat")
    X = np.asarray(FORMULAS)
    y = old.predict(X) + 0.1
    tuned = PTRCNNRegressor.from_regressor(old[-1], max_epochs=1, random_state=0, verbose=0)
    tuned.fit(old[0].transform(X), y)
    assert isinstance(tuned.module_.features[1], torch.nn.ReLU)


def test_new_files_name_the_defaults_they_were_built_with(tmp_path):
    X = np.asarray(FORMULAS)
    encoder = load_pipeline(HERE / "ptr_regressor.skmat")[0]
    network = PTRCNNRegressor(max_epochs=1, module__n_filters=4, module__hidden_units=8, random_state=0, verbose=0)
    network.fit(encoder.transform(X), np.arange(float(len(X))))
    assert isinstance(network.module_.features[1], torch.nn.LeakyReLU)
    network.save(tmp_path / "new.skmat")
    payload = torch.load(tmp_path / "new.skmat", weights_only=True)
    assert payload["format_version"] == FORMAT_VERSION >= 3
    loaded = PTRCNNRegressor.load(tmp_path / "new.skmat")
    assert isinstance(loaded.module_.features[1], torch.nn.LeakyReLU)
    assert "module__activation" not in loaded.get_params(deep=False) or (
        loaded.get_params()["module__activation"] == "leaky_relu"
    )
    np.testing.assert_array_equal(loaded.predict(encoder.transform(X)), network.predict(encoder.transform(X)))


def test_load_parameters_win_over_restored_defaults():
    # Asking for another activation than the file was built with cannot load its weights silently wrong:
    # the architecture is the same, so it loads, and the caller's choice is what is used.
    network = PTRCNNRegressor.load(_network_file("ptr_regressor"), module__activation="gelu")
    assert network.get_params()["module__activation"] == "gelu"


def test_an_old_record_of_a_pretrained_network_is_the_relu_network():
    from skmat.models import PretrainedPTRCNN

    old_record = {"in_shape": (1, 5, 16), "n_outputs": 1, "n_filters": 4, "hidden_units": 8}
    pretrained = PretrainedPTRCNN(old_record, {})
    assert pretrained.hparams["activation"] == "relu" and pretrained.hparams["init"] == "default"
    assert PretrainedPTRCNN({**old_record, "activation": "gelu"}, {}).hparams["activation"] == "gelu"


def _network_file(name):
    """The network step of a saved format-2 pipeline, written on its own as a format-2 model file."""
    import io

    pipeline_payload = torch.load(HERE / f"{name}.skmat", weights_only=True)
    step = next(step for step in pipeline_payload["steps"] if step["kind"] == "network")
    buffer = io.BytesIO()
    write_payload(step["payload"], buffer)
    buffer.seek(0)
    return buffer
