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
    printed = capsys.readouterr().out
    assert printed.count("[") >= 5  # five predicted (ΔHf, a) rows
