"""skmat's networks through Hugging Face Accelerate (skorch's AccelerateMixin), on the CPU; CUDA where present."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch

from skmat import PTRCNNRegressor, SPTSeq2SeqRegressor, load_pipeline
from skmat.models import (
    AcceleratedPTRCNNClassifier,
    AcceleratedPTRCNNRegressor,
    AcceleratedSPTSeq2SeqRegressor,
    PTRCNNClassifier,
)

accelerate = pytest.importorskip("accelerate", reason='Accelerate needs pip install "skmat[distributed]"')

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
NEEDS_CUDA = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU; this machine has none")
TINY_PTR = dict(module__n_filters=4, module__hidden_units=8, max_epochs=3, random_state=0, verbose=0)
TINY_SPT = dict(module__num_layers=1, module__hidden_size=8, module__num_heads=2, module__conv1d_channels=2,
                max_epochs=3, random_state=0, verbose=0)


@pytest.fixture
def accelerator():
    """A fresh Accelerator factory: Accelerate keeps one process-wide state, reset around each test."""
    from accelerate.state import AcceleratorState, GradientState

    def make(**options):
        AcceleratorState._reset_state(reset_partial_state=True)
        GradientState._reset_state()
        return accelerate.Accelerator(**options)

    yield make
    AcceleratorState._reset_state(reset_partial_state=True)
    GradientState._reset_state()


@pytest.fixture(scope="module")
def images():
    rng = np.random.default_rng(0)
    X = rng.random((64, 5, 16), dtype=np.float32)
    return X, np.column_stack([X.sum((1, 2)), X[:, 0].mean(1)])


@pytest.fixture(scope="module")
def curves():
    rng = np.random.default_rng(0)
    X = rng.random((32, 30))
    return X, np.cumsum(X, axis=1)[:, ::3]


def test_on_the_cpu_it_trains_exactly_as_the_plain_regressor(accelerator, images):
    X, y = images
    plain = PTRCNNRegressor(**TINY_PTR).fit(X, y)
    accelerated = AcceleratedPTRCNNRegressor(**TINY_PTR, accelerator=accelerator(cpu=True)).fit(X, y)
    np.testing.assert_array_equal(accelerated.predict(X), plain.predict(X))
    assert accelerated.history[:, "train_loss"] == plain.history[:, "train_loss"]


def test_the_classifier_and_the_seq2seq_train_exactly_as_the_plain_ones(accelerator, images, curves):
    X, y = images
    labels = y[:, 0] > np.median(y[:, 0])
    plain = PTRCNNClassifier(**TINY_PTR).fit(X, labels)
    accelerated = AcceleratedPTRCNNClassifier(**TINY_PTR, accelerator=accelerator(cpu=True)).fit(X, labels)
    np.testing.assert_array_equal(accelerated.predict_proba(X), plain.predict_proba(X))
    Xc, yc = curves
    plain = SPTSeq2SeqRegressor(**TINY_SPT).fit(Xc, yc)
    accelerated = AcceleratedSPTSeq2SeqRegressor(**TINY_SPT, accelerator=accelerator(cpu=True)).fit(Xc, yc)
    np.testing.assert_array_equal(accelerated.predict(Xc), plain.predict(Xc))


def test_bf16_mixed_precision_on_the_cpu_learns_as_float32_does(accelerator, images):
    X, y = images
    params = {**TINY_PTR, "max_epochs": 30, "lr": 1e-2}
    full = PTRCNNRegressor(**params).fit(X, y).history[:, "train_loss"]
    net = AcceleratedPTRCNNRegressor(**params, accelerator=accelerator(cpu=True, mixed_precision="bf16")).fit(X, y)
    assert net.accelerator.mixed_precision == "bf16"
    losses = net.history[:, "train_loss"]
    assert losses[-1] < 0.9 * losses[0]
    assert abs(losses[-1] - full[-1]) < 0.15 * full[-1]
    assert losses != full  # it did train in another precision
    assert net.predict(X).dtype == np.float64


def test_a_saved_accelerated_model_is_read_by_the_plain_class(accelerator, images, tmp_path):
    X, y = images
    net = AcceleratedPTRCNNRegressor(**TINY_PTR, accelerator=accelerator(cpu=True)).fit(X, y)
    path = net.save(tmp_path / "net.pt")
    plain = PTRCNNRegressor.load(path)
    assert type(plain) is PTRCNNRegressor and str(plain.device) == "cpu"
    np.testing.assert_array_equal(plain.predict(X), net.predict(X))
    stored = torch.load(path, weights_only=True)
    assert "accelerator" not in stored["params"] and stored["estimator"] == "skmat.PTRCNNRegressor"


def test_frozen_features_stay_frozen(accelerator, images):
    X, y = images
    source = PTRCNNRegressor(**TINY_PTR).fit(X, y)
    tuned = AcceleratedPTRCNNRegressor.from_regressor(source, freeze_features=True, **TINY_PTR,
                                                      accelerator=accelerator(cpu=True)).fit(X, y[:, 0])
    for name, value in tuned.module_.state_dict().items():
        if name.startswith("features."):
            np.testing.assert_array_equal(value.numpy(), source.module_.state_dict()[name].numpy(), err_msg=name)
    assert tuned.frozen_parameters_ and all(n.startswith("features.") for n in tuned.frozen_parameters_)


def test_accelerate_tool_trains_the_oqmd_network_and_writes_a_plain_pipeline(tmp_path):
    out = tmp_path / "oqmd.skmat"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "accelerate_oqmd.py"), "--cpu", "--mixed-precision", "bf16",
         "--n-train", "600", "--n-test", "200", "--epochs", "1", "--batch-size", "128", "--out", str(out)],
        capture_output=True, text=True, timeout=600, check=True,
    )
    assert "wrote" in done.stdout and "(PTRCNNRegressor)" in done.stdout and "test MAE" in done.stdout
    pipeline = load_pipeline(out)
    assert type(pipeline[-1]) is PTRCNNRegressor
    assert pipeline.predict(["Fe2O3", "NaCl"]).shape == (2, 2)


def test_two_processes_train_one_network_with_ddp(tmp_path):
    """``torchrun`` (what ``accelerate launch`` runs) with two CPU processes: gloo DDP, one merged history."""
    out = tmp_path / "ddp.skmat"
    done = subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
         str(ROOT / "tools" / "accelerate_oqmd.py"), "--cpu", "--n-train", "600", "--n-test", "100", "--epochs", "2",
         "--batch-size", "64", "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "2 process(es)" in done.stdout and done.stdout.count("wrote") == 1  # the main process writes
    pipeline = load_pipeline(out)
    assert len(pipeline[-1].history) == 2 and type(pipeline[-1]) is PTRCNNRegressor


@NEEDS_CUDA
def test_a_network_fitted_on_cuda_predicts_on_the_cpu_after_load(images, tmp_path):
    X, y = images
    net = PTRCNNRegressor(**TINY_PTR, device="cuda").fit(X, y)
    path = net.save(tmp_path / "gpu.pt")
    cpu = PTRCNNRegressor.load(path, device="cpu")
    np.testing.assert_allclose(cpu.predict(X), net.predict(X), rtol=1e-4, atol=1e-5)


@NEEDS_CUDA
def test_accelerated_bf16_training_on_cuda(accelerator, images):
    X, y = images
    net = AcceleratedPTRCNNRegressor(**{**TINY_PTR, "max_epochs": 20},
                                     accelerator=accelerator(mixed_precision="bf16")).fit(X, y)
    assert next(net.module_.parameters()).device.type == "cuda"
    assert net.history[-1, "train_loss"] < net.history[0, "train_loss"]


@NEEDS_CUDA
def test_seq2seq_on_cuda(curves):
    X, y = curves
    net = SPTSeq2SeqRegressor(**TINY_SPT, device="cuda").fit(X, y)
    assert net.predict(X).shape == y.shape
