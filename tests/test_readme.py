"""The README's Pipeline example runs as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    assert blocks, "README has no python example"
    code = blocks[0]
    assert len(code.strip().splitlines()) <= 12
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
