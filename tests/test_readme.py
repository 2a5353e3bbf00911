"""The README's Pipeline example runs as written."""

import itertools
import re
import types
from pathlib import Path

from skmat.models import _callbacks

README = Path(__file__).resolve().parents[1] / "README.md"
NETWORKS = r"\b(PTRCNNRegressor|PTRCNNClassifier|SPTSeq2SeqRegressor|Accelerated\w+)\("


def test_readme_example_runs(capsys, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README has no python example"
    code = blocks[0]
    assert len(code.strip().splitlines()) <= 12
    # As on a slow machine: a minute passes between any two looks at ProgressLog's clock, so
    # every fit is past its 10 s delay. The example must print what it says all the same.
    slow_clock = types.SimpleNamespace(monotonic=itertools.count(0.0, 60.0).__next__)
    monkeypatch.setattr(_callbacks, "time", slow_clock)
    exec(compile(code, str(README), "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    # Each print(...) line ends in a comment that starts with what it prints,
    # e.g. "print(model.predict(X[:2]).shape)  # (2, 35) true stress points".
    promised = [line.split("#", 1)[1].strip() for line in code.splitlines()
                if line.lstrip().startswith("print(") and "#" in line]
    assert promised, "the README example prints nothing it documents"
    assert len(printed) == len(promised), printed
    for out, comment in zip(printed, promised):
        assert comment.startswith(out.strip()), f"README says {comment!r}, the example printed {out!r}"


def test_readme_pretrained_example_prints_what_it_says(capsys):
    blocks = [b for b in re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S) if "load_pretrained" in b]
    assert len(blocks) == 1
    exec(compile(blocks[0], str(README), "exec"), {})
    printed = capsys.readouterr().out.strip()
    line = next(line for line in blocks[0].splitlines() if line.startswith("print("))
    assert line.split("#", 1)[1].strip().startswith(printed)


def test_readme_examples_that_fit_a_network_pass_verbose_0():
    """Users copy the examples and expect the printed output: no progress table, whatever the speed."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    fitting = [b for b in blocks if ".fit(" in b and re.search(NETWORKS, b)]
    assert fitting
    for block in fitting:
        for match in re.finditer(NETWORKS, block):
            depth, end = 1, match.end()
            while depth:  # to the closing parenthesis of the constructor call
                depth += {"(": 1, ")": -1}.get(block[end], 0)
                end += 1
            call = block[match.start():end]
            assert "verbose=0" in call, f"README: {call} prints a progress table on slow machines"
