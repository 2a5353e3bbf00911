"""Progress of long fits: the per-epoch table appears after a delay, verbose=0 silences it."""

from __future__ import annotations

import io
import re
import sys

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
    assert names["print_log"].color == "auto"  # colour codes on a terminal only


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


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_output_that_is_not_a_terminal_gets_no_colour_codes(capsys):
    """Captured output, like a notebook, a pipe or a log file, is not a terminal: plain text."""
    PTRCNNRegressor(max_epochs=3, module__n_filters=2, module__hidden_units=4, random_state=0,
                    callbacks__print_log=PrintLog()).fit(X, Y)
    assert "\x1b[" in capsys.readouterr().out  # what skorch's own table prints here
    tiny(callbacks__print_log=ProgressLog(delay=0)).fit(X, Y)
    out = capsys.readouterr().out
    assert "train_loss" in out and "\x1b[" not in out
    assert len({len(line) for line in out.splitlines()}) == 1  # the columns still line up


def test_a_terminal_keeps_the_colours(monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    tiny(callbacks__print_log=ProgressLog(delay=0)).fit(X, Y)
    monkeypatch.undo()
    lines = terminal.getvalue().splitlines()
    assert "\x1b[" in lines[2]  # epoch 1's loss is the best so far
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in lines]
    assert len({len(line) for line in plain}) == 1  # the columns line up without the codes too


def test_a_stream_method_as_sink_follows_that_stream():
    terminal, text, rows = FakeTerminal(), io.StringIO(), []
    for sink in (terminal.write, text.write, rows.append):
        tiny(callbacks__print_log=ProgressLog(delay=0, sink=sink)).fit(X, Y)
    assert "\x1b[" in terminal.getvalue()
    assert "\x1b[" not in text.getvalue() and "train_loss" in text.getvalue()
    assert rows and not any("\x1b[" in row for row in rows)


def test_color_true_or_false_decides_instead_of_the_stream():
    rows, terminal = [], FakeTerminal()
    tiny(callbacks__print_log=ProgressLog(delay=0, color=True, sink=rows.append)).fit(X, Y)
    tiny(callbacks__print_log=ProgressLog(delay=0, color=False, sink=terminal.write)).fit(X, Y)
    assert any("\x1b[" in row for row in rows)
    assert "\x1b[" not in terminal.getvalue() and "train_loss" in terminal.getvalue()


def test_color_must_be_auto_true_or_false():
    with pytest.raises(ValueError, match="color must be 'auto', True or False"):
        tiny(callbacks__print_log=ProgressLog(color="yes")).fit(X, Y)
