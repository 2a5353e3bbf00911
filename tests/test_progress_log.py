"""Progress of long fits: the per-epoch table appears after a delay, verbose=0 silences it."""

from __future__ import annotations

import numpy as np
import pytest
from skorch.callbacks import PrintLog

from skmat import PTRCNNClassifier, PTRCNNRegressor, SPTSeq2SeqRegressor
from skmat.models import ProgressLog

X = np.random.default_rng(0).random((32, 8))
Y = X.sum(axis=1)


def tiny(**params):
    return PTRCNNRegressor(max_epochs=3, module__n_filters=2, module__hidden_units=4, random_state=0, **params)


@pytest.mark.parametrize("cls", [PTRCNNRegressor, PTRCNNClassifier, SPTSeq2SeqRegressor])
def test_default_prints_a_progress_table(cls):
    net = cls()
    assert net.verbose == 1
    names = dict(net._default_callbacks)
    assert isinstance(names["print_log"], ProgressLog)
    assert names["print_log"].delay == 10.0


def test_short_fit_stays_quiet(capsys):
    tiny().fit(X, Y)
    assert capsys.readouterr().out == ""


def test_fit_past_the_delay_prints_every_epoch(capsys):
    tiny(callbacks__print_log=ProgressLog(delay=0)).fit(X, Y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert "train_loss" in lines[0]
    assert [line.split()[0] for line in lines[2:]] == ["1", "2", "3"]


def test_rows_before_the_delay_are_printed_when_it_passes(capsys, monkeypatch):
    clock = iter([0.0, 1.0, 20.0, 21.0])  # train begins, epoch 1 quiet, epoch 2 past the delay, epoch 3
    monkeypatch.setattr("skmat.models._callbacks.time.monotonic", lambda: next(clock))
    tiny().fit(X, Y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines[2:]] == ["1", "2", "3"]


def test_verbose_zero_silences(capsys):
    tiny(verbose=0, callbacks__print_log=ProgressLog(delay=0)).fit(X, Y)
    assert capsys.readouterr().out == ""


def test_progress_log_is_a_print_log():
    assert issubclass(ProgressLog, PrintLog)
