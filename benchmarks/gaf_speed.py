"""Speed of skmat's GramianAngularFieldEncoder against pyts's GramianAngularField.

On synthetic small-punch-test load curves (smooth rise to a peak load, then
softening; ``--n`` curves of ``--length`` points), for both methods
(summation and difference):

* ``pyts.image`` is imported as a user would (numba JIT on; the import itself
  is timed and reported, it is not part of the transform times), then
  ``GramianAngularField.transform`` is run once, untimed, so that its numba
  functions are compiled and the process has touched its memory;
* skmat's encoder is fitted (not timed) and run once, untimed;
* then each ``transform`` is timed, best of ``--repeats`` with
  ``time.perf_counter``, and its peak extra resident memory is read from the
  kernel (``VmHWM`` after resetting it through ``/proc/self/clear_refs``;
  "n/a" where that is not available);
* the two outputs are compared (largest absolute difference; it must be
  below 1e-5).

It prints a markdown table, with the command and the machine, and writes it
to ``--out``. The requirement checked: skmat is at least ``--min-ratio`` (5)
times faster than warm pyts for both methods; the script exits with status 1
and says so otherwise.

Usage::

    python benchmarks/gaf_speed.py
    python benchmarks/gaf_speed.py --n 5000 --length 181 --image-size 181 --repeats 3
"""

from __future__ import annotations

if __name__ == "__main__" and not __package__:  # run as a file: python benchmarks/<script>.py
    import _bootstrap  # noqa: F401  (puts the repository root on sys.path)

import argparse
import gc
import os
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from skmat.encoders import GramianAngularFieldEncoder

from benchmarks._common import RESULTS, command_line, processor_description, speed_report

DEFAULT_OUT = RESULTS / "gaf_speed.md"
TOLERANCE = 1e-5
SKMAT = "skmat GramianAngularFieldEncoder"
PYTS_FLOAT32 = "pyts, then `.astype(np.float32)[:, None]` (a network's input)"
FLOOR = "floor: `np.empty((n, 1, s, s), np.float32).fill(0.5)`, no math"
METHODS = ("summation", "difference")


@dataclass
class Result:
    method: str
    implementation: str
    n: int
    seconds: float  # best of the repeats
    peak_mib: float | None
    output: str

    @property
    def rate(self):
        return self.n / self.seconds


def load_curves(n, length, seed=0):
    """Synthetic SPT load–displacement curves, shape (n, length), in newtons.

    ``F = F_max * (x * exp(1 - x)) ** k`` with ``x = d / d_peak``: a smooth
    rise to the peak load ``F_max`` at the displacement ``d_peak``, then a
    slow drop (cracking / necking of the disc). Peak load, peak displacement
    and sharpness ``k`` vary from curve to curve, with a little measurement
    noise.
    """
    rng = np.random.default_rng(seed)
    displacement = np.linspace(0.0, 2.5, length)  # mm
    peak_load = rng.uniform(400.0, 6000.0, (n, 1))
    peak_at = rng.uniform(1.1, 2.0, (n, 1))
    sharpness = rng.uniform(0.8, 2.0, (n, 1))
    x = displacement / peak_at
    curve = peak_load * (x * np.exp(1.0 - x)) ** sharpness
    curve += rng.normal(0.0, 0.002, (n, length)) * peak_load
    return curve


# ---------------------------------------------------------------- measuring


def _status_kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(field)


class PeakMemory:
    """Peak resident memory above the start, in MiB, from the kernel's high-water mark.

    Counts every allocation (numpy's and numba's alike), unlike tracemalloc.
    ``mib`` is None where ``/proc/self/clear_refs`` cannot reset the mark.
    """

    def __enter__(self):
        self.mib = None
        try:
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
            self._start = _status_kib("VmRSS")
        except OSError:
            self._start = None
        return self

    def __exit__(self, *exc):
        if self._start is not None:
            self.mib = (_status_kib("VmHWM") - self._start) / 1024


def best_time(work, repeats):
    """Best wall time of ``work()`` over ``repeats`` runs, and the peak memory of the first."""
    best, peak = float("inf"), None
    for i in range(repeats):
        gc.collect()
        with PeakMemory() as memory:
            start = time.perf_counter()
            out = work()
            seconds = time.perf_counter() - start
        del out
        best = min(best, seconds)
        if i == 0:
            peak = memory.mib
    return best, peak


def max_abs_difference(ours, theirs, chunk=256):
    """Largest |ours - theirs| without a full-size float64 temporary."""
    ours = ours.reshape(theirs.shape)
    worst = 0.0
    for start in range(0, len(theirs), chunk):
        stop = start + chunk
        worst = max(worst, float(np.max(np.abs(ours[start:stop] - theirs[start:stop]))))
    return worst


# ---------------------------------------------------------------- report


def markdown_table(results, differences):
    pyts = {r.method: r for r in results if r.implementation.startswith("pyts ")}
    reference = pyts["summation"]
    lines = [
        "| method | implementation | curves | seconds (best) | curves/s | peak extra memory "
        "| output | speed-up over pyts | max abs diff vs pyts |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    for r in results:
        peak = "n/a" if r.peak_mib is None else f"{r.peak_mib:,.0f} MiB"
        ratio = pyts.get(r.method, reference).seconds / r.seconds
        speed_up = f"**{ratio:.1f}**" if r.implementation == SKMAT else f"{ratio:.1f}"
        diff = f"{differences[r.method]:.1e}" if r.implementation == SKMAT else "—"
        lines.append(
            f"| {r.method} | {r.implementation} | {r.n:,} | {r.seconds:.3f} | {r.rate:,.0f} "
            f"| {peak} | {r.output} | {speed_up} | {diff} |"
        )
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="curves (default: %(default)s)")
    parser.add_argument("--length", type=int, default=181, help="points per curve (default: %(default)s)")
    parser.add_argument("--image-size", type=int, default=181,
                        help="side of the images, <= --length (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs (default: %(default)s)")
    parser.add_argument("--min-ratio", type=float, default=5.0,
                        help="required speed-up of skmat over warm pyts (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the curves (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="markdown results file (default: benchmarks/results/gaf_speed.md)")
    args = parser.parse_args(argv)
    if min(args.n, args.length, args.repeats, args.image_size) < 1 or args.image_size > args.length:
        parser.error("--n, --length, --repeats must be positive and 1 <= --image-size <= --length.")
    return args


def main(argv=None):
    args = parse_args(argv)
    started = time.perf_counter()
    command = command_line(argv)
    X = load_curves(args.n, args.length, args.seed)
    s = args.image_size

    jit_note = " (NUMBA_DISABLE_JIT is set!)" if os.environ.get("NUMBA_DISABLE_JIT", "0") != "0" else ""
    start = time.perf_counter()
    from pyts.image import GramianAngularField  # noqa: PLC0415 - timed on purpose

    import_seconds = time.perf_counter() - start
    pyts_version = metadata.version("pyts")

    results, differences, warmups = [], {}, {}
    for method in METHODS:
        pyts_gaf = GramianAngularField(image_size=s, method=method)
        start = time.perf_counter()
        reference = pyts_gaf.transform(X)  # JIT warm-up, untimed
        warmups[method] = time.perf_counter() - start

        # Images alone, as pyts returns them (the default dict output adds the sequence).
        encoder = GramianAngularFieldEncoder(image_size=s, method=method, output="image").fit(X)
        ours = encoder.transform(X)  # warm-up, untimed
        differences[method] = max_abs_difference(ours, reference)
        del ours, reference

        seconds, peak = best_time(lambda: pyts_gaf.transform(X), args.repeats)
        results.append(Result(method, f"pyts {pyts_version} GramianAngularField", args.n, seconds, peak,
                              f"float64 ({args.n}, {s}, {s})"))
        seconds, peak = best_time(lambda: pyts_gaf.transform(X).astype(np.float32)[:, None],
                                  args.repeats)
        results.append(Result(method, PYTS_FLOAT32, args.n, seconds, peak,
                              f"float32 ({args.n}, 1, {s}, {s})"))
        seconds, peak = best_time(lambda: encoder.transform(X), args.repeats)
        results.append(Result(method, SKMAT, args.n, seconds, peak,
                              f"float32 ({args.n}, 1, {s}, {s})"))

    def write_only():
        out = np.empty((args.n, 1, s, s), dtype=np.float32)
        out.fill(0.5)
        return out

    seconds, peak = best_time(write_only, args.repeats)
    results.append(Result("—", FLOOR, args.n, seconds, peak, f"float32 ({args.n}, 1, {s}, {s})"))

    machine = processor_description(("numpy", "scikit-learn", "pyts", "numba", "skmat"), load_average=True)
    table = markdown_table(results, differences)
    pyts_by_method = {r.method: r for r in results if r.implementation.startswith("pyts ")}
    ratios = {r.method: pyts_by_method[r.method].seconds / r.seconds
              for r in results if r.implementation == SKMAT}
    problems = [f"{m}: {ratio:.1f}x < {args.min_ratio:g}x" for m, ratio in ratios.items()
                if ratio < args.min_ratio]
    problems += [f"{m}: max abs diff {d:.1e} > {TOLERANCE:g}" for m, d in differences.items()
                 if not d <= TOLERANCE]
    if problems:
        verdict = "FAIL: " + "; ".join(problems) + "."
    else:
        verdict = (
            f"PASS: skmat is at least {args.min_ratio:g}x faster than warm pyts for both methods "
            f"({', '.join(f'{m} {ratio:.1f}x' for m, ratio in ratios.items())}) and equal to it "
            f"within {TOLERANCE:g}."
        )
    notes = (
        f"Data: {args.n:,} synthetic SPT load curves x {args.length} points (seed {args.seed}), "
        f"images {s} x {s}. `import pyts.image` took {import_seconds:.1f} s{jit_note} (numba "
        "compiles at import; not in the times above); the first, untimed pyts transform of "
        "the full data took "
        + ", ".join(f"{m} {t:.2f} s" for m, t in warmups.items())
        + f". Times: best of {args.repeats} `transform` calls after that untimed warm-up call, "
        "time.perf_counter, one process; skmat's encoder fitted untimed on the same curves. Peak "
        "extra memory: rise of the process's peak resident memory (VmHWM, reset through "
        "/proc/self/clear_refs) during the first timed call, output included. Max abs diff: "
        "largest |skmat - pyts| over all images of the benchmark data. The floor row only "
        "allocates and fills an array of skmat's output shape: no implementation that returns "
        "a new float32 array can beat it on this machine; its speed-up is over pyts summation."
    )
    elapsed = time.perf_counter() - started
    return speed_report(args.out, command, machine, table, notes, verdict, passed=not problems,
                        seconds=elapsed)


if __name__ == "__main__":
    sys.exit(main())
