"""Every row of every committed results CSV traces to a command named in the file's ``#`` lines.

A results CSV starts with ``#`` lines; each names a command that wrote rows
(``# made by: python benchmarks/<script>.py <args> (...) | ...``, or the
older ``# python benchmarks/<script>.py <args> | ...``). The command is the
text from ``python benchmarks/`` (or ``python tools/``) up to the first `` (`` or `` |``.

A data row is *covered* when one of its file's commands would write it:

* ``ptr_learning_curves.py``: the row's config is in ``--configs``, its
  size in ``--sizes``, its seed, test size and number of epochs are the
  command's (epochs from the script's own rule), the options written in
  ``notes`` (dropout, weight decay, encoding) are the command's, and the
  command's ``--out`` is this file or a file that a ``join_results.py``
  command of this file joined into it;
* ``ptr_other_learners.py``: learner in ``--learners``, size in ``--sizes``,
  ``--out`` this file;
* ``oqmd_full.py``: measured rows by task in ``--tasks``, model in
  ``--variants`` and epochs equal to ``--max-epochs``; the published
  (``reported``) rows are written by every run; ``--out`` this file;
* ``quick_ptr.py``: the row's model is one of ``--models`` and
  ``--out``/``--tag`` name this file;
* ``ptr_pretraining_study.py``: variant in ``--variants`` with its
  epochs, ``--n-train`` and ``--n-val`` the command's;
* ``matbench.py``: task, model and fold in the command's lists, a network's
  epochs the script's rule for the command's ``--samples`` and
  ``--min-epochs``; its ``--out`` this file or, for the ensemble's
  calibration rows, the ``_uncertainty.csv`` beside it;
* ``ptr_collapse_study.py``: dataset, variant and fold in the command's
  lists, epochs the script's rule for the command's options;
* ``spt_fem.py``: the file's part is in ``--parts``, the row's model in
  ``--models`` (with the `` + rig augmentation`` suffix exactly when
  ``--rig-augment``), its k in ``--ks`` and repeat below ``--repeats``
  (multi-fidelity), its epochs and simulated-set size the command's
  (sim-only), and ``--out`` the file's folder;
* ``scaling_out.py``: workload in ``--workloads``, engine in
  ``--engines``, repeat below ``--repeats``, ``--out`` this file;
* ``spt_ensemble.py``: model, members, simulated-set size and epochs the
  command's, fold below ``--folds``, ``--out`` this file;
* ``tools/train_small_punch.py``: name, model, members, simulated-set size
  and epochs the command's, ``--results`` this file;
* any other script rewrites its file whole, so the file must name exactly
  one command, and that command covers every row.

Every command must parse with its script's own argparse (its
``parse_args(argv)``, so the script exists and every flag exists), and every
command must cover at least one row, so a wrong reconstruction of a lost
command is caught too.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pandas as pd
import pytest
from conftest import BENCHMARKS
from conftest import load_benchmark as load

ROOT = Path(__file__).resolve().parents[1]
RESULTS = BENCHMARKS / "results"
CSVS = sorted(RESULTS.glob("*.csv"))
COMMAND = re.compile(r"python ((?:benchmarks|tools)/\S+\.py)(.*?)(?= \(| \||$)")


def commands(text):
    """``(script path, argument list)`` for every ``#`` line of a results CSV's ``text`` that names a command."""
    found = []
    for line in text.splitlines():
        if not line.startswith("#"):
            continue
        match = COMMAND.search(line)
        if match:
            found.append((match.group(1), shlex.split(match.group(2))))
    return found


def parsed(module, argv):
    """The command's options as its script's own argparse reads them (``SystemExit`` on an unknown flag)."""
    return module.parse_args(argv)


def resolved(path):
    """A path as the documented commands mean it: relative paths from the repository root."""
    path = Path(path)
    return (path if path.is_absolute() else ROOT / path).resolve()


def read_rows(path):
    return pd.read_csv(path, comment="#", keep_default_na=False)


def learning_curve_row(module, args, row, targets):
    if resolved(args.out) not in targets or row.config not in args.configs:
        return False
    epochs = 0 if row.config == "krr-line" else module.epochs_for(int(row.n_train), args)
    return (
        int(row.n_train) in args.sizes
        and int(row.n_test) == args.n_test
        and int(row.seed) == args.seed
        and int(row.epochs) == epochs
        and module.options_in(row.notes) == module.options_note(row.config, args)
    )


def other_learners_row(module, args, row, targets):
    return resolved(args.out) in targets and row.config in args.learners and int(row.n_train) in args.sizes


def oqmd_full_row(module, args, row, targets):
    if resolved(args.out) not in targets:
        return False
    if row.source != "measured":
        return row.source.startswith("reported") and row.model in module.REPORTED[row.task]
    return row.task in args.tasks and row.model in args.variants and int(float(row.epochs)) == args.max_epochs


def quick_row(module, args, row, targets):
    path = resolved(args.out) / f"{args.tag}.csv"
    return path in targets and row.model in [module.MODELS[key][0] for key in args.models]


def spt_fem_row(module, args, row, targets):
    fields = row._fields
    suffix = " + rig augmentation"
    model = row.model.removesuffix(suffix)
    augmented = row.model.endswith(suffix) == args.rig_augment
    if "strategy" in fields:
        part, name = "multi-fidelity", "spt_fem_multifidelity.csv"
        ok = int(row.k) in args.ks and int(row.repeat) < args.repeats and model in args.models and augmented
    elif "perturbation" in fields:
        part, name = "rig", "spt_fem_rig.csv"
        ok = model in args.models and augmented
    else:
        part, name = "sim-only", "spt_fem_sim_only.csv"
        ok = (row.model in args.models and int(row.epochs) == args.epochs
              and int(row.n_sim) == args.n_sim - args.n_sim_test)
    return ok and part in args.parts and resolved(args.out) / name in targets


def pretraining_study_row(module, args, row, targets):
    return (
        resolved(args.out) in targets
        and row.variant in args.variants
        and int(row.n_train) == args.n_train
        and int(row.n_val) == args.n_val
        and int(row.epochs) == module.VARIANTS[row.variant][-1]
    )


def matbench_row(module, args, row, targets):
    out = resolved(args.out)
    uncertainty = out.with_name(out.stem + "_uncertainty.csv")  # the ensemble's calibration rows
    model, network = module.parse_label(row.model)
    ok = bool({out, uncertainty} & targets) and row.task in args.tasks and model in args.models
    ok = ok and int(row.fold) in args.folds and module.row_label(model, args.pretrained) == row.model
    if model in module.NETWORKS and hasattr(row, "epochs"):
        ok = ok and int(row.epochs) == module.n_epochs(int(row.n_train), args)
    return ok


def collapse_study_row(module, args, row, targets):
    return (resolved(args.out) in targets and row.dataset in args.datasets and row.variant in args.variants
            and int(row.fold) in args.folds and int(row.epochs) == module.n_epochs(int(row.n_train), args))


def spt_ensemble_row(module, args, row, targets):
    return (resolved(args.out) in targets and row.model == args.model and int(row.members) == args.members
            and int(row.n_sim) == args.n_sim and int(row.epochs) == args.epochs and int(row.fold) < args.folds)


def train_small_punch_row(module, args, row, targets):
    return (resolved(args.results) in targets and row.name == args.name and row.model == args.model
            and int(row.members) == args.members and int(row.n_sim) == args.n_sim and int(row.epochs) == args.epochs)


def train_corrected_inverse_row(module, args, row, targets):
    return resolved(args.results) in targets and row.name == args.name and row.model == module.MODEL


def scaling_out_row(module, args, row, targets):
    return (resolved(args.out) in targets and row.workload in args.workloads and row.engine in args.engines
            and int(row.repeat) < args.repeats)


MATCHERS = {
    "scaling_out": scaling_out_row,
    "spt_ensemble": spt_ensemble_row,
    "train_small_punch": train_small_punch_row,
    "train_corrected_inverse": train_corrected_inverse_row,
    "ptr_pretraining_study": pretraining_study_row,
    "matbench": matbench_row,
    "ptr_collapse_study": collapse_study_row,
    "spt_fem": spt_fem_row,
    "ptr_learning_curves": learning_curve_row,
    "ptr_other_learners": other_learners_row,
    "oqmd_full": oqmd_full_row,
    "quick_ptr": quick_row,
}


def parsed_commands(path):
    """``(script name, module, options)`` for every command named in a results CSV."""
    found = []
    for script, argv in commands(path.read_text()):
        assert (ROOT / script).is_file(), f"{path.name} names {script}, which does not exist"
        name = Path(script).stem
        module = load(name, package=Path(script).parent.name)
        found.append((name, module, parsed(module, argv)))
    return found


def output_files(path, found):
    """This CSV and every file that a ``join_results.py`` command named in it joined into it."""
    targets = {path.resolve()}
    for name, _, args in found:
        if name == "join_results":
            assert resolved(args.out) == path.resolve(), f"{path.name}: a join writes {args.out}"
            targets |= {resolved(part) for part in args.parts}
    return targets


@pytest.mark.parametrize("path", CSVS, ids=[path.name for path in CSVS])
def test_every_row_traces_to_a_named_command(path):
    found = parsed_commands(path)
    assert found, f"{path.name} names no command in its '#' lines"
    rows = list(read_rows(path).itertuples(index=False))
    assert rows, f"{path.name} has no rows"
    targets = output_files(path, found)
    writers = [(name, module, args) for name, module, args in found if name != "join_results"]
    if any(name not in MATCHERS for name, _, _ in writers):
        # A script without a matcher rewrites its file whole: one command made every row.
        assert len(writers) == 1, f"{path.name}: {len(writers)} commands, but no rule says which wrote which row"
        return
    covered = {index: [] for index in range(len(rows))}
    for number, (name, module, args) in enumerate(writers):
        for index, row in enumerate(rows):
            if MATCHERS[name](module, args, row, targets):
                covered[index].append(number)
    lost = [rows[index] for index, numbers in covered.items() if not numbers]
    assert not lost, f"{path.name}: rows no named command writes: {lost}"
    idle = [number for number in range(len(writers)) if not any(number in n for n in covered.values())]
    assert not idle, f"{path.name}: commands that write none of its rows: {[writers[n][2] for n in idle]}"


@pytest.mark.parametrize("path", CSVS, ids=[path.name for path in CSVS])
def test_lines_added_afterwards_say_so(path):
    """A ``#`` line that the script did not write at run time says where it came from (a commit)."""
    for line in path.read_text().splitlines():
        if "by hand" in line or "afterwards" in line or "restored" in line:
            assert re.search(r"commits? [0-9a-f]{7}", line), line


def test_command_parsing():
    text = (
        "# made by: python benchmarks/ptr_learning_curves.py --sizes 1000 5000 (and resumed runs) | machine\n"
        "# python benchmarks/ptr_transfer.py | x86_64\n"
        "# made by: python benchmarks/oqmd_full.py --max-epochs 5\n"
        "# OQMD X2YZ, no command here\n"
        "config,n_train\n"
    )
    assert commands(text) == [
        ("benchmarks/ptr_learning_curves.py", ["--sizes", "1000", "5000"]),
        ("benchmarks/ptr_transfer.py", []),
        ("benchmarks/oqmd_full.py", ["--max-epochs", "5"]),
    ]


def test_an_unknown_flag_or_a_missing_row_is_caught(tmp_path):
    module = load("ptr_learning_curves")
    with pytest.raises(SystemExit):
        parsed(module, ["--sizez", "1000"])
    row = next(read_rows(RESULTS / "ptr_learning_curves.csv").itertuples(index=False))
    targets = {(RESULTS / "ptr_learning_curves.csv").resolve()}
    assert learning_curve_row(module, module.parse_args(["--sizes", str(row.n_train)]), row, targets)
    assert not learning_curve_row(module, module.parse_args(["--sizes", "123"]), row, targets)
    assert not learning_curve_row(module, module.parse_args(["--seed", "1"]), row, targets)
    elsewhere = module.parse_args(["--out", str(tmp_path / "other.csv")])
    assert not learning_curve_row(module, elsewhere, row, targets)


SCRIPTS = sorted(path.stem for path in BENCHMARKS.glob("*.py") if not path.stem.startswith("_"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_every_script_parses_its_arguments_without_running(name):
    """Each script has ``parse_args(argv)`` beside ``main(argv)``: its command is read without running it."""
    module = load(name)
    assert callable(module.main)
    with pytest.raises(SystemExit):
        parsed(module, ["--no-such-flag"])


def test_options_are_read_as_the_script_reads_them():
    args = parsed(load("spt_table2"), ["--quick", "--learning-curve"])
    assert args.quick and args.learning_curve
