"""The docs' ``results-table`` directive renders a benchmark CSV and every line saying who made it."""

import importlib.util
from pathlib import Path

import pytest

docutils_core = pytest.importorskip("docutils.core")
from docutils.parsers.rst import directives  # noqa: E402

EXTENSION = Path(__file__).resolve().parents[1] / "docs" / "sphinxext" / "results_table.py"


@pytest.fixture(scope="module", autouse=True)
def registered():
    spec = importlib.util.spec_from_file_location("results_table", EXTENSION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    directives.register_directive("results-table", module.ResultsTable)


def render(tmp_path, body):
    """The plain text of ``body`` parsed as a page in ``tmp_path``."""
    page = tmp_path / "page.rst"
    page.write_text(body)
    return docutils_core.publish_doctree(body, source_path=str(page)).astext()


CSV = """# made by: python bench.py --seed 1 | machine A
# made by: python bench.py --seed 2 | machine B
config,n_train,mae
ptr,1000,106.7
ptr,5000,59.14
line,1000,114.0
"""


def test_every_made_by_line_is_shown_and_pivot_reshapes(tmp_path):
    (tmp_path / "r.csv").write_text(CSV)
    text = render(tmp_path, ".. results-table:: r.csv\n   :pivot: config, n_train, mae\n")
    assert "python bench.py --seed 1 | machine A" in text
    assert "python bench.py --seed 2 | machine B" in text
    assert "59.14" in text and "114" in text
    # the pivot has one row per config and one column per size
    assert text.index("1000") < text.index("5000") < text.index("ptr")


def test_pivot_columns_are_sorted_even_when_rows_were_appended_out_of_order(tmp_path):
    (tmp_path / "r.csv").write_text(CSV + "ptr,3000,70.5\nline,3000,80.25\n")
    text = render(tmp_path, ".. results-table:: r.csv\n   :pivot: config, n_train, mae\n")
    assert text.index("1000") < text.index("3000") < text.index("5000")
    # rows keep the CSV's order, and each value stays in its own column
    assert text.index("ptr") < text.index("line")
    assert text.index("106.7") < text.index("70.5") < text.index("59.14")


def test_columns_and_query(tmp_path):
    (tmp_path / "r.csv").write_text(CSV)
    text = render(tmp_path, ".. results-table:: r.csv\n   :columns: config, mae\n   :query: config == 'line'\n")
    assert "114" in text and "106.7" not in text and "n_train" not in text


def test_missing_file_is_a_note_not_an_error(tmp_path):
    text = render(tmp_path, ".. results-table:: nothing.csv\n")
    assert "No results yet: nothing.csv has not been produced." in text


def test_pivot_aggregates_repeats_over_joined_row_columns(tmp_path):
    (tmp_path / "mf.csv").write_text(
        "# made by: python benchmarks/spt_fem.py --parts multi-fidelity | machine\n"
        "model,strategy,k,repeat,err\n"
        "ANN,fine-tune,5,0,3.0\nANN,fine-tune,5,1,5.0\nANN,fine-tune,5,2,4.5\n"
        "ANN,fe-only,5,0,9.0\nANN,fine-tune,10,0,2.0\n"
    )
    text = render(tmp_path, ".. results-table:: mf.csv\n   :pivot: model+strategy, k, err\n   :aggregate: median\n")
    cells = text.split()
    assert {"4.5", "9", "2", "strategy", "fe-only", "10"} <= set(cells)  # 4.5: the median of 3, 5, 4.5
    assert "3" not in cells  # a repeat's own value is not shown


def test_mean_and_std_over_folds(tmp_path):
    (tmp_path / "mb.csv").write_text(
        "# made by: python benchmarks/matbench.py | machine\n"
        "task,model,fold,mae\n"
        "steels,rf,0,100\nsteels,rf,1,110\nsteels,rf,2,120\nsteels,ptr,0,90\nglass,rf,0,\n"
    )
    text = render(tmp_path, ".. results-table:: mb.csv\n   :pivot: model, task, mae\n   :aggregate: mean±std\n")
    assert "110 ± 10 (3)" in text  # sample standard deviation of 100, 110, 120
    assert "90 (1)" in text and "± nan" not in text


def test_pretrained_table_reads_the_manifest(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(EXTENSION.parent))
    spec = importlib.util.spec_from_file_location("pretrained_table", EXTENSION.with_name("pretrained_table.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    directives.register_directive("pretrained-table", module.PretrainedTable)
    epochs = [{"machine": "x86_64 2 cores"}, {"machine": "x86_64 2 cores"}]
    manifest = {"oqmd": {
        "test_MAE": {"formation_enthalpy": 0.06123, "volume_per_atom": 0.5012},
        "training": {"epochs_done": 2, "epochs_planned": 3, "wall_hours": 0.5, "cpu_hours": 1.0,
                     "epochs": epochs, "commands": ["python tools/pretrain.py --epochs 3"]},
    }, "oqmd-gap": {  # a single-target network: its own column, the others blank
        "test_MAE": {"band_gap": 0.04321},
        "training": {"epochs_done": 3, "epochs_planned": 3, "wall_hours": 0.7, "cpu_hours": 0.7,
                     "epochs": epochs, "commands": ["python tools/pretrain.py --targets band_gap"]},
    }}
    (tmp_path / "manifest.json").write_text(__import__("json").dumps(manifest))
    text = render(tmp_path, ".. pretrained-table:: manifest.json\n")
    assert "0.0612" in text and "0.5012" in text and "2 of 3" in text and "x86_64 2 cores" in text
    assert "python tools/pretrain.py --epochs 3" in text
    assert "0.0432" in text and "python tools/pretrain.py --targets band_gap" in text
    assert "ElemNet (reported, Wang et al. 2021)" in text and "0.049" in text and "0.442" in text
    assert "No pretrained networks yet" in render(tmp_path, ".. pretrained-table:: missing.json\n")


def test_made_by_lines_are_one_provenance_block_with_a_summary(tmp_path):
    """HTML folds a table's "Made by" lines into one <details>; its summary names the script and the count."""
    (tmp_path / "r.csv").write_text(CSV + "# note, added afterwards by hand: rows 3-4 re-run\n")
    page = tmp_path / "page.rst"
    page.write_text(".. results-table:: r.csv\n")
    doctree = docutils_core.publish_doctree(page.read_text(), source_path=str(page))
    blocks = [node for node in doctree.findall() if type(node).__name__ == "provenance"]
    assert len(blocks) == 1
    summary, *lines = blocks[0].children
    assert type(summary).__name__ == "provenance_summary"
    assert summary.astext() == "Made by python bench.py: 2 commands and 1 note, with their machines"
    assert [line.astext().split(" | ")[0] for line in lines] == [
        "Made by: python bench.py --seed 1", "Made by: python bench.py --seed 2",
        "Made by: note, added afterwards by hand: rows 3-4 re-run"]
    # the table itself stays outside the block
    assert not list(blocks[0].findall(lambda node: node.tagname == "table"))
