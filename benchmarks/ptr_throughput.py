"""Training throughput of the periodic-table CNN: skmat's fit against raw torch loops, channels_last and torch.compile.

What is timed is one epoch of training (forward, loss, backward, AdamW
step over every row once) of the shipped ``oqmd`` network's architecture
(``skmat.load_pretrained("oqmd")[-1].module_.hparams``: 1 x 9 x 18 images,
two targets) on the images of real OQMD formulas
(:func:`skmat.datasets.load_oqmd`, the first ``--rows`` formulas of the
formation-enthalpy training split, encoded by
``PeriodicTableEncoder(layout="full", amounts="fraction", absent_value=-1)``,
the shipped network's encoder; targets: the
formation enthalpy and a random second column, whitened as skmat does).
The variants (``--variants``):

* ``skmat``: ``PTRCNNRegressor(<shipped architecture>, max_epochs=1,
  batch_size=B, verbose=0, train_split=None, n_threads=T).fit(X, y)``, the
  library path (input checks, target scaling, skorch's loop and callbacks,
  the collapse check); each repeat is a whole new ``fit``;
* ``raw-torch``: the same :class:`~skmat.models.PTRCNN`, ``AdamW(lr=1e-3)``
  (torch's defaults, as skorch builds it), ``SmoothL1Loss``, and the plain
  loop ``for xb, yb in DataLoader(TensorDataset(X, y), B, shuffle=True):
  opt.zero_grad(); loss.backward(); opt.step()``;
* ``raw-torch-sliced``: the same loop over slices of the tensors indexed by
  a fresh ``randperm`` each epoch (no per-sample collation);
* ``raw-torch+channels_last``: ``raw-torch`` with the module and each batch
  in ``torch.channels_last``;
* ``raw-torch+compile``: ``raw-torch`` with ``torch.compile(module)``; its
  first (warm-up) epoch holds the compilation, reported as ``compile_s``
  (first epoch minus the best steady one; inductor keeps compiled kernels
  on disk, so a repeated run reads a few seconds where the first one on a
  machine read 20-30 s). A compilation that fails is recorded with its
  error in the row, and the run goes on;
* ``raw-torch+channels_last+compile``: both (do they add up?).

Each is measured in float32 and in bfloat16 mixed precision (``--precisions``;
``bf16`` is the module's own ``mixed_precision=True``: ``torch.autocast`` in
training steps, what the shipped network was trained with), for each batch
size (``--batch-sizes``) and thread count (``--threads``: torch intra-op and
BLAS threads; default all cores, then 1).

For each (threads, batch size, precision) every variant is built and
trained one untimed warm-up epoch, then the variants are timed round-robin,
one epoch each per round, ``--repeats`` rounds, and the best epoch of each
is kept: a load that changes during the run hits every variant alike, and
the ratios (``vs_raw_torch``: samples/s over ``raw-torch``'s in the same
group; ``vs_fp32``: over the same variant in float32) compare variants
measured side by side. ``samples_per_cpu_s`` is samples/s divided by the
threads (issue 22 counts updates per CPU-second); ``cpu_s`` is the
process CPU time of the best epoch as the kernel counts it (threads that
spin waiting count too); ``loop_s`` is, for ``skmat``, skorch's own epoch
time (``history_[-1, "dur"]``: the batch loop and its callbacks, without
``fit``'s checks, scaling, set-up and collapse check), for the others the
epoch's wall time.

It writes the table to ``--out`` (``benchmarks/results/ptr_throughput.csv``,
rewritten whole, with the command and the machine in its ``#`` lines) and
prints it.

Usage::

    python benchmarks/ptr_throughput.py                       # the full measurement (~30 min, 2 idle cores)
    python benchmarks/ptr_throughput.py --rows 2000 --batch-sizes 256 --repeats 1 --threads 1 \\
        --variants skmat raw-torch --out /tmp/t.csv            # a smoke run (seconds)
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import contextlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._common import PAPER_IMAGE, RESULTS, command_line, machine_description, processor_description
from benchmarks._common import write_table

DEFAULT_OUT = RESULTS / "ptr_throughput.csv"
VARIANTS = (
    "skmat", "raw-torch", "raw-torch-sliced", "raw-torch+channels_last", "raw-torch+compile",
    "raw-torch+channels_last+compile",
)
PRECISIONS = ("fp32", "bf16")
BASELINE = "raw-torch"
COLUMNS = [
    "variant", "precision", "batch_size", "threads", "rows", "repeats", "seconds", "samples_per_s",
    "samples_per_cpu_s", "updates_per_cpu_s", "cpu_s", "loop_s", "vs_raw_torch", "vs_fp32", "first_epoch_s",
    "compile_s", "error",
]
#: The shipped network's architecture if ``load_pretrained("oqmd")`` cannot be read (its hparams as of this script).
FALLBACK_ARCHITECTURE = {
    "n_filters": 48, "kernel_sizes": (3, 5, 3), "paddings": (1, 1, 0), "hidden_units": 192, "n_hidden_layers": 2,
    "dropout": 0.0, "activation": "relu", "norm": None, "init": "default",
}


# ---------------------------------------------------------------- data and architecture


def shipped_architecture():
    """The shipped ``oqmd`` network's module arguments, less the data's (shape, outputs) and the precision."""
    try:
        from skmat import load_pretrained

        hparams = dict(load_pretrained("oqmd")[-1].module_.hparams)
    except Exception as error:  # noqa: BLE001 - a missing or unreadable shipped file: say so, go on
        print(f"load_pretrained('oqmd') failed ({type(error).__name__}: {error}); "
              f"using the architecture written in this script", flush=True)
        hparams = dict(FALLBACK_ARCHITECTURE)
    for key in ("in_shape", "n_outputs", "mixed_precision"):
        hparams.pop(key, None)
    return hparams


def load_data(rows, seed=0):
    """``(X, y)``: float32 images ``(rows, 1, 9, 18)`` of real OQMD formulas and two whitened float32 targets."""
    from skmat import PeriodicTableEncoder
    from skmat.datasets import load_oqmd

    train = load_oqmd("formation_enthalpy", "train")
    formulas, enthalpy = train.data[:rows], train.target[:rows]
    X = PeriodicTableEncoder(layout="full", amounts="fraction", **PAPER_IMAGE).fit_transform(formulas).astype(np.float32)
    rng = np.random.default_rng(seed)
    y = np.column_stack([enthalpy, rng.normal(size=len(enthalpy))])
    y = ((y - y.mean(axis=0)) / y.std(axis=0)).astype(np.float32)
    return X, y


@contextlib.contextmanager
def thread_budget(threads):
    """torch intra-op threads and BLAS/OpenMP pools at ``threads`` for the block; restored after."""
    import torch
    from threadpoolctl import threadpool_limits

    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        with threadpool_limits(threads):
            yield
    finally:
        torch.set_num_threads(previous)


# ---------------------------------------------------------------- variants


@dataclass
class Runner:
    """One variant, set up: ``epoch()`` trains one epoch (returns skorch's epoch time or None); ``error`` if failed."""

    variant: str
    epoch: object = None
    error: str = ""
    first_epoch_s: float = float("nan")
    times: list = field(default_factory=list)  # (wall seconds, CPU seconds, loop seconds) of each timed epoch


def _skmat_epoch(X, y, architecture, batch_size, threads, precision, seed):
    from skmat import PTRCNNRegressor

    network = PTRCNNRegressor(
        **{f"module__{key}": value for key, value in architecture.items()},
        module__mixed_precision=precision == "bf16",
        max_epochs=1, batch_size=batch_size, verbose=0, train_split=None, n_threads=threads, random_state=seed,
    )

    def epoch():
        network.fit(X, y)
        return network.history_[-1, "dur"]  # skorch's EpochTimer: the batch loop alone, without fit's set-up

    return epoch


def _raw_epoch(variant, X, y, architecture, batch_size, precision, seed):
    import torch

    from skmat.models import PTRCNN

    torch.manual_seed(seed)
    module = PTRCNN(in_shape=X.shape[1:], n_outputs=y.shape[1], mixed_precision=precision == "bf16", **architecture)
    optimizer = torch.optim.AdamW(module.parameters(), lr=1e-3)
    criterion = torch.nn.SmoothL1Loss()
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
    generator = torch.Generator().manual_seed(seed)
    channels_last = "+channels_last" in variant
    if channels_last:
        module = module.to(memory_format=torch.channels_last)
    forward = torch.compile(module) if "+compile" in variant else module
    module.train()

    def step(xb, yb):
        optimizer.zero_grad()
        loss = criterion(forward(xb), yb)
        loss.backward()
        optimizer.step()

    if variant == "raw-torch-sliced":
        def epoch():
            order = torch.randperm(len(X_t), generator=generator)
            X_shuffled, y_shuffled = X_t[order], y_t[order]
            for start in range(0, len(X_t), batch_size):
                step(X_shuffled[start:start + batch_size], y_shuffled[start:start + batch_size])
        return epoch

    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(X_t, y_t), batch_size=batch_size, shuffle=True, generator=generator
    )

    def epoch():
        for xb, yb in loader:
            if channels_last:
                xb = xb.contiguous(memory_format=torch.channels_last)
            step(xb, yb)

    return epoch


def build(variant, X, y, architecture, batch_size, threads, precision, seed):
    """A :class:`Runner` for ``variant``, after its untimed warm-up epoch (compilation included)."""
    runner = Runner(variant)
    try:
        if variant == "skmat":
            runner.epoch = _skmat_epoch(X, y, architecture, batch_size, threads, precision, seed)
        else:
            if "+compile" in variant:
                import torch._dynamo

                torch._dynamo.reset()  # a fresh compilation for this module, threads and precision
            runner.epoch = _raw_epoch(variant, X, y, architecture, batch_size, precision, seed)
        start = time.perf_counter()
        runner.epoch()
        runner.first_epoch_s = time.perf_counter() - start
    except Exception as error:  # noqa: BLE001 - e.g. torch.compile without a working compiler: record, go on
        text = " ".join(f"{type(error).__name__}: {error}".split())
        runner.epoch, runner.error = None, text[:300]
        print(f"!! {variant} ({precision}, batch {batch_size}, {threads} threads) failed: {text[:300]}", flush=True)
    return runner


def timed(runner):
    """Time one epoch of ``runner``: wall and process CPU seconds, and the loop's own (skmat: skorch's epoch)."""
    wall, cpu = time.perf_counter(), time.process_time()
    loop = runner.epoch()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    runner.times.append((wall, cpu, wall if loop is None else loop))


# ---------------------------------------------------------------- measuring


def measure_group(X, y, architecture, variants, batch_size, threads, precision, repeats, seed):
    """The rows of one (threads, batch size, precision): every variant warmed up, then timed round-robin."""
    with thread_budget(threads):
        runners = [build(variant, X, y, architecture, batch_size, threads, precision, seed) for variant in variants]
        for _ in range(repeats):
            for runner in runners:
                if runner.epoch is not None:
                    timed(runner)
    rows = []
    n, updates = len(X), -(-len(X) // batch_size)
    for runner in runners:
        row = dict(variant=runner.variant, precision=precision, batch_size=batch_size, threads=threads, rows=n,
                   repeats=repeats, error=runner.error)
        if runner.times:
            seconds, cpu, loop = min(runner.times)
            row.update(
                seconds=seconds, cpu_s=cpu, loop_s=loop, samples_per_s=n / seconds,
                samples_per_cpu_s=n / seconds / threads,
                updates_per_cpu_s=updates / seconds / threads, first_epoch_s=runner.first_epoch_s,
            )
            if "+compile" in runner.variant:
                row["compile_s"] = runner.first_epoch_s - seconds
        rows.append(row)
    return rows


def add_ratios(table):
    """``vs_raw_torch`` (over raw-torch's samples/s of the same group) and ``vs_fp32`` (over the same variant's)."""
    group = ["precision", "batch_size", "threads"]
    base = table[table.variant == BASELINE].set_index(group)["samples_per_s"]
    keys = pd.MultiIndex.from_frame(table[group])
    table["vs_raw_torch"] = table["samples_per_s"].to_numpy() / base.reindex(keys).to_numpy()
    fp32 = table[table.precision == "fp32"].set_index(["variant", "batch_size", "threads"])["samples_per_s"]
    keys = pd.MultiIndex.from_frame(table[["variant", "batch_size", "threads"]])
    table["vs_fp32"] = table["samples_per_s"].to_numpy() / fp32.reindex(keys).to_numpy()
    return table


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000,
                        help="training rows: the first N formulas of OQMD's formation-enthalpy training split "
                             "(default: %(default)s)")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[64, 256], help="(default: 64 256)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed epochs of each variant, after one warm-up epoch; the best counts (default: 3)")
    parser.add_argument("--threads", type=int, nargs="+", default=None,
                        help="torch/BLAS thread counts (default: all cores, then 1)")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS),
                        help="(default: all)")
    parser.add_argument("--precisions", nargs="+", choices=PRECISIONS, default=list(PRECISIONS),
                        help="fp32, bf16 (mixed-precision autocast) (default: both)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="results CSV, rewritten whole (default: benchmarks/results/ptr_throughput.csv)")
    args = parser.parse_args(argv)
    if args.threads is None:
        args.threads = list(dict.fromkeys([os.cpu_count() or 1, 1]))
    if min(args.rows, args.repeats, *args.batch_sizes, *args.threads) < 1:
        parser.error("--rows, --repeats, --batch-sizes and --threads must be positive.")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    machine = machine_description(packages=("torch", "skorch"), python=True, load_average=True)
    header = [f"# made by: {command_line(argv)} | {machine}",
              f"# machine: {processor_description(('torch', 'skorch'), load_average=True)}"]
    architecture = shipped_architecture()
    X, y = load_data(args.rows, args.seed)
    print(f"{len(X):,} rows of {X.shape[1:]} images, {y.shape[1]} targets; architecture {architecture}", flush=True)
    rows = []
    for threads in args.threads:
        for batch_size in args.batch_sizes:
            for precision in args.precisions:
                rows += measure_group(X, y, architecture, args.variants, batch_size, threads, precision,
                                      args.repeats, args.seed)
                print(f"done: {threads} threads, batch {batch_size}, {precision}", flush=True)
    table = add_ratios(pd.DataFrame(rows, columns=COLUMNS))
    write_table(args.out, table, header, float_format="%.4g")
    shown = table.drop(columns=["rows", "repeats"]).copy()
    shown["error"] = shown["error"].fillna("").str.slice(0, 60)
    print("\n".join(header))
    print(shown.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(f"wrote {args.out} (benchmark took {time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
