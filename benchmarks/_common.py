"""What the benchmark scripts share: machine lines, the command line, scores, result CSVs, fan-out, Magpie and ionic features.

* **Machine lines**: :func:`machine_description` (the short line of every
  results CSV and row) and :func:`processor_description` (the detailed one
  of the speed benchmarks).
* **Runs**: :func:`command_line` (the command as typed from the
  repository root), :func:`use_all_cores`, :func:`utc_now`, :func:`pyplot`,
  :func:`save_figure`.
* **Scores**: :func:`heusler_scores` (formation-enthalpy MAE and
  lattice-parameter MAPE of the OQMD X2YZ benchmarks).
* **Result files**: :func:`append_row` and :func:`read_results` for the
  resumable CSVs, :func:`write_table` for the tables a script rewrites
  whole, :func:`speed_report` for the speed benchmarks' markdown.
* **Fan-out**: :class:`Fit` and :func:`run_fits` run a benchmark's
  independent fits here or as Dask futures (``--dask``).
* **Composition features**: :func:`magpie_features` and
  :func:`ionic_features` (matminer's, cached by :func:`cached_features`).

Every results CSV starts with a ``#`` line naming the command that made it
(one per command that wrote rows), then the column names, then one row per
finished fit, so a run that stops can be continued by running the same
command again. Only the ``#`` lines above the column names are comments: a
value may start with ``#``, hold commas, quotes or line breaks.

The scripts import this module as ``benchmarks._common``; run as
``python benchmarks/<script>.py``, a script first imports
:mod:`benchmarks._bootstrap`, which makes the repository importable.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import importlib
import io
import os
import platform
import shlex
import sys
import tempfile
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: The committed results; a script writes here by default, or only on request (``quick_ptr.py``).
RESULTS = HERE / "results"
#: Fitted models and features kept between runs (git-ignored).
CACHE = HERE / "cache"
#: The paper's network as releases before file format 3 built it by default (ReLU, torch's initialisation).
#: Scripts whose rows were made with those defaults pass it, so their commands still make those rows.
PAPER_NETWORK = {"module__activation": "relu", "module__init": "default"}
#: The paper's image as releases before file format 3 encoded it by default (-1 in the cells of absent elements).
#: Scripts whose rows were made with that default pass it to their encoders, so their commands still make those rows.
PAPER_IMAGE = {"absent_value": -1.0}

# ---------------------------------------------------------------- machine lines

#: Import names of the distributions whose versions the machine lines give.
_IMPORT_NAMES = {"scikit-learn": "sklearn"}


def package_version(name):
    """The installed version of distribution ``name`` (its module's ``__version__`` if imported; nothing is imported)."""
    module = sys.modules.get(_IMPORT_NAMES.get(name, name))
    version = getattr(module, "__version__", None)
    return str(version) if version is not None else metadata.version(name)


def machine_description(device="cpu", packages=("torch",), *, python=False, load_average=False, show_device=False):
    """The machine line of the results: ``"x86_64 2 cores, torch 2.13.0+cpu"``.

    Parameters
    ----------
    device : str
        The device the script trains on; a CUDA device adds the GPU's name.
    packages : sequence of str
        Distributions whose versions follow (after Python's).
    python : bool
        Add ``Python 3.11.7`` before the packages.
    load_average : bool
        Add ``(load average 1.86 at start)`` after the cores.
    show_device : bool
        End with ``, <device>``.
    """
    text = f"{platform.machine()} {os.cpu_count()} cores"
    if load_average and hasattr(os, "getloadavg"):
        text += f" (load average {os.getloadavg()[0]:.2f} at start)"
    parts = [text]
    if python:
        parts.append(f"Python {platform.python_version()}")
    parts += [f"{name} {package_version(name)}" for name in packages]
    if str(device).startswith("cuda"):
        import torch

        if torch.cuda.is_available():
            parts.append(torch.cuda.get_device_name(0))
    if show_device:
        parts.append(str(device))
    return ", ".join(parts)


def processor_description(packages, *, load_average=False):
    """The detailed machine line of the speed benchmarks: CPU model, usable cores, OS, Python and ``packages``.

    A package that is not installed is left out.
    """
    processor = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
        processor = f"{model} ({processor})"
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = ""
    if load_average:
        with contextlib.suppress(OSError, AttributeError):
            load = f", load average {os.getloadavg()[0]:.2f}"
    versions = []
    for name in packages:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{name} {package_version(name)}")
    return "; ".join([
        processor, f"os.cpu_count()={os.cpu_count()} ({usable} usable{load})",
        f"{platform.system()} {platform.release()}", f"Python {platform.python_version()}", *versions,
    ])


# ---------------------------------------------------------------- runs


def command_line(argv=None):
    """The command as a user would type it from the repository root: ``python benchmarks/<script>.py <args>``.

    The script's path is written from the repository root wherever it was
    started from (``cd benchmarks && python quick_ptr.py`` is written as
    ``python benchmarks/quick_ptr.py``), so the results' ``# made by:``
    lines always name a command that runs from a clean clone.
    """
    args = list(argv) if argv is not None else sys.argv[1:]
    script = Path(sys.argv[0]).resolve()
    shown = script.relative_to(ROOT).as_posix() if script.is_relative_to(ROOT) else Path(sys.argv[0]).as_posix()
    return "python " + shlex.join([shown, *args])


def trained_network(folder, name):
    """``(entry, path)`` of the network ``name`` that ``tools/pretrain.py --out-dir folder`` trained, or ``None``.

    ``None`` when ``folder/manifest.json`` has no entry with a file for ``name``. Raises ``SystemExit`` when the
    entry names something other than a plain file name in ``folder``, or when the file does not match the SHA-256
    the entry records, so that no tool reads a file other than the one that was trained and scored.
    """
    import json

    manifest = folder / "manifest.json"
    entry = json.loads(manifest.read_text()).get(name) if manifest.exists() else None
    if entry is None or "file" not in entry or "sha256" not in entry:
        return None
    if Path(entry["file"]).name != entry["file"]:
        raise SystemExit(f"The entry of {name!r} names the file {entry['file']!r}, which is not a plain file name.")
    path = folder / entry["file"]
    if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
        raise SystemExit(f"{path} does not match the SHA-256 its manifest entry records.")
    return entry, path


def use_all_cores():
    """Let torch use every core (its default may be fewer); returns the number of threads."""
    import torch

    threads = max(1, os.cpu_count() or 1)
    torch.set_num_threads(threads)
    return threads


def utc_now():
    """``"2026-11-29 18:12"``: when a row was finished, in the ``finished_utc`` columns."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")


def pyplot():
    """``matplotlib.pyplot`` on the Agg backend (files only, no display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_figure(fig, path, dpi=110):
    """Lay out ``fig``, write it to ``path`` and close it."""
    fig.tight_layout()
    fig.savefig(path, dpi=dpi)
    pyplot().close(fig)


# ---------------------------------------------------------------- scores


def heusler_scores(y_true, y_pred):
    """Formation-enthalpy MAE in meV/atom (column 0, eV/atom) and lattice-parameter MAPE in % (column 1)."""
    mae = 1000 * np.mean(np.abs(y_pred[:, 0] - y_true[:, 0]))
    mape = 100 * np.mean(np.abs(y_pred[:, 1] - y_true[:, 1]) / np.abs(y_true[:, 1]))
    return float(mae), float(mape)


# ---------------------------------------------------------------- result files


def write_table(path, table, header, **to_csv):
    """Write a results CSV whole: the ``#`` line(s) ``header``, then ``table`` (``DataFrame.to_csv(**to_csv)``).

    For the scripts that rewrite their file on every run; the resumable
    ones use :func:`append_row`.
    """
    lines = [header] if isinstance(header, str) else list(header)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        handle.write("".join(line + "\n" for line in lines))
        table.to_csv(handle, index=False, **to_csv)


def speed_report(path, command, machine, table, notes, verdict, *, passed, seconds):
    """Print a speed benchmark's report, write it to ``path`` as markdown; 0 if ``passed``, else 1 (the exit status)."""
    print(f"Command: {command}")
    print(f"Machine: {machine}")
    print()
    print(table)
    print()
    print(notes)
    print(f"{verdict} (benchmark took {seconds:.1f} s)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Command: `{command}` — machine: {machine}\n\n{table}\n\n{notes}\n\n{verdict}\n", encoding="utf-8")
    print(f"Wrote {path}")
    if passed:
        return 0
    print(verdict, file=sys.stderr)
    return 1


def read_results(path, columns, *, dtype=None):
    """The rows already in a results CSV, with the columns in the order of ``columns``.

    Parameters
    ----------
    path : pathlib.Path
        The results CSV; it need not exist.
    columns : list of str
        The columns the caller writes. The file's column-name line may
        list the same names in another order.
    dtype : type or dict, optional
        Passed to :func:`pandas.read_csv`. By default pandas infers each
        column's type (numbers become numbers; an empty field stays ``""``);
        ``str`` reads every value back as the exact text that was written.

    Returns
    -------
    pandas.DataFrame
        One row per complete row of the file; empty, with ``columns``, if
        the file does not exist or has no rows yet.

    Raises
    ------
    ValueError
        If the file's column names are not the names in ``columns``, or a
        row has more or fewer fields than the column names, is not valid
        CSV or holds a NUL character (which pandas' reader cuts short); the
        message names the file (and the row's line).

    Notes
    -----
    Only the ``#`` lines before the column-name line are comments: a row
    whose value starts with ``#`` is a row. A torn last row (see
    :func:`split_torn_line`: a run killed while writing it) is not read, so
    its fit counts as not done.
    """
    if not path.exists():
        return pd.DataFrame(columns=columns)
    header, rows = _table(_parse(_read_text(path)), path)
    if header is None:
        return pd.DataFrame(columns=columns)
    _column_order(header, columns, path)
    # Every field quoted, so pandas sees exactly the fields checked above (no blank or comment lines).
    text = "".join(_csv_line(fields, quote_all=True) for fields in [header, *rows])
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False, float_precision="round_trip", dtype=dtype)
    return frame[list(columns)]


def split_torn_line(text):
    """Split a results file's text into its complete part and a torn last row.

    Parameters
    ----------
    text : str
        The whole file, read without newline translation.

    Returns
    -------
    complete : str
        ``text`` up to the end of its last complete line or row.
    torn : str
        The rest: ``""`` if there is none.

    Notes
    -----
    A run killed while writing a row leaves a prefix of that row at the
    end of the file. The last row is torn when it cannot be a complete
    row: a quoted field is still open (an odd number of ``"``), or it has
    no newline at its end and a field count other than the column names'.
    A last row without its newline but with the right field count is
    kept as complete (a file saved by an editor that adds no final
    newline); a kill that cut that row inside its last field cannot be
    told from it. A last ``#`` line or column-name line without its
    newline is torn too (it holds no results; :func:`append_row` writes
    it again).
    """
    parsed = _parse(text)
    return text[: parsed.end], text[parsed.end:]


def header_lines(text, header_line):
    """The ``#`` lines at the top of a results file, with ``header_line`` added once.

    Parameters
    ----------
    text : str
        A results file's text, or only its ``#`` lines.
    header_line : str
        The ``# made by: ...`` line of the command writing now.

    Returns
    -------
    list of str
        The ``#`` lines before the column-name line (one per command that
        wrote rows), without line endings, then ``header_line`` if it is
        not one of them. Values in the rows that start with ``#`` are not
        ``#`` lines.
    """
    old = _comment_lines(_lines(text))
    return old if header_line in old else [*old, header_line]


def append_row(path, row, columns, header_line):
    """Append one result row to a results CSV, creating the file if needed.

    Parameters
    ----------
    path : pathlib.Path
        The results CSV.
    row : dict or sequence
        The values, by column name (missing names are written empty) or in
        the order of ``columns``. ``NaN`` and ``None`` are written as empty
        fields.
    columns : list of str
        The column names, as :func:`read_results` is given them.
    header_line : str
        The ``# made by: ...`` line naming the command that writes the row.

    Raises
    ------
    ValueError
        If the file's column names are not the names in ``columns`` (the
        message names the file and both column-name lines), if a row
        already in the file is malformed (see :func:`read_results`), if a
        value holds a NUL character, or if ``header_line`` is not one ``#``
        line. The file is then left as it was.

    Notes
    -----
    A new file gets ``header_line``, the column names and the row. An
    existing file whose column names are the same names in another order
    gets the row in the file's order, so every row lines up with the
    column names. An existing file written by another command gets
    ``header_line`` below its other ``#`` lines (:func:`header_lines`), so
    every command that wrote rows stays named. Otherwise the file is only
    appended to, the row in one ``write``, so a run killed mid-write loses
    at most its own row: a torn last row (:func:`split_torn_line`) is
    dropped before the next row is written, and its fit runs again; a
    complete last row without its newline gets one. The rare rewrites of
    the whole file (new file, new command, torn row) go to a temporary
    file that then replaces the old one, so a kill never leaves half a file.
    Fields holding ``,``, ``"``, a line break or a leading ``#`` are quoted.
    """
    if not header_line.startswith("#") or any(end in header_line for end in "\r\n"):
        raise ValueError(f"header_line must be one line starting with '#', got {header_line!r}")
    text = _read_text(path) if path.exists() else ""
    parsed = _parse(text)
    header, _ = _table(parsed, path)
    order = list(columns) if header is None else _column_order(header, columns, path)
    values = dict(zip(columns, _formatted(row, columns)))
    if any("\0" in value for value in values.values()):
        raise ValueError(f"a value of this row holds a NUL character, which pandas cannot read back: {row!r}")
    line = ("" if header is not None else _csv_line(order)) + _csv_line([values[name] for name in order])
    complete, torn = text[: parsed.end], text[parsed.end:]
    if torn:
        print(f"dropping a torn last row of {path} (a run killed while writing it): {torn!r}", flush=True)
    elif complete and not complete.endswith(_ENDS):
        print(f"the last row of {path} has no newline at its end; it is complete and kept", flush=True)
    newline = "\n" if complete and not complete.endswith(_ENDS) else ""
    comments = header_lines(complete, header_line)
    if torn or comments != parsed.comments:
        head = "".join(comment + "\n" for comment in comments)
        _replace_text(path, head + complete[parsed.body_start:] + newline + line)
    else:
        with open(path, "a", newline="", encoding="utf-8") as handle:
            handle.write(newline + line)


_ENDS = ("\n", "\r")


class _Record(NamedTuple):
    """One CSV record of a results file: its first line's number (from 1), its text and where that starts."""

    line: int
    raw: str
    start: int


class _Parsed(NamedTuple):
    """A results file's ``#`` lines, where its column-name line starts, its complete records and where they end."""

    comments: list
    body_start: int
    records: list
    end: int


def _read_text(path):
    """A file's text as written: no newline translation, so a ``\\r`` inside a value stays."""
    with open(path, newline="", encoding="utf-8") as handle:
        return handle.read()


def _replace_text(path, text):
    """Write ``text`` to ``path`` through a temporary file, so the old file stays whole until the new one is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    with open(temporary, "w", newline="", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _lines(text):
    """The lines of ``text`` with their endings, split only where CSV splits them (``\\n``, ``\\r\\n``, ``\\r``)."""
    return io.StringIO(text, newline="").readlines()


def _comment_lines(lines):
    """The leading ``#`` lines of ``lines``, without their endings."""
    comments = []
    for line in lines:
        if not line.startswith("#"):
            break
        comments.append(line.rstrip("\r\n"))
    return comments


def _fields(raw):
    """The fields of one CSV record; :class:`csv.Error` if it is badly quoted."""
    return next(csv.reader(io.StringIO(raw, newline=""), strict=True), [])


def _parse(text):
    """Find a results file's ``#`` lines, column-name line and rows, and where a torn last row starts."""
    lines = _lines(text)
    comments = _comment_lines(lines)
    body_start = sum(len(line) for line in lines[: len(comments)])
    if len(comments) == len(lines):  # no column names yet: only a torn last ``#`` line can be dropped
        if lines and not lines[-1].endswith(_ENDS):
            comments, body_start = comments[:-1], body_start - len(lines[-1])
        return _Parsed(comments, body_start, [], body_start)
    records, raw, start, first = [], "", body_start, 0
    for number, line in enumerate(lines[len(comments):], start=len(comments) + 1):
        first = first if raw else number
        raw += line
        if raw.count('"') % 2 == 0:  # no quoted field left open: the record is whole
            if raw.strip("\r\n"):  # blank lines are not rows
                records.append(_Record(first, raw, start))
            start, raw = start + len(raw), ""
    end = start  # what follows, ``raw``, has an open quoted field: torn
    if records and not records[-1].raw.endswith(_ENDS) and _cannot_be_whole(records):
        end = records.pop().start
    return _Parsed(comments, body_start, records, end)


def _cannot_be_whole(records):
    """Whether the last record, which has no newline at its end, is a torn column-name line or row."""
    if len(records) == 1:
        return True
    try:
        return len(_fields(records[-1].raw)) != len(_fields(records[0].raw))
    except csv.Error:  # badly quoted, not cut short: left for _table to report
        return False


def _table(parsed, path):
    """The column names and the rows' fields of a parsed results file; ``(None, [])`` if it has no column names.

    A badly quoted record or a row whose field count is not the column
    names' is a :class:`ValueError` naming ``path`` and the line.
    """
    if not parsed.records:
        return None, []
    table = []
    for record in parsed.records:
        try:
            fields = _fields(record.raw)
        except csv.Error as error:
            raise ValueError(f"{path}, line {record.line}: not a CSV row ({error}): {record.raw!r}") from None
        if any("\0" in field for field in fields):
            raise ValueError(f"{path}, line {record.line}: a NUL character, which pandas cannot read: {record.raw!r}")
        if table and len(fields) != len(table[0]):
            raise ValueError(
                f"{path}, line {record.line}: {len(fields)} fields, but the column names "
                f"(line {parsed.records[0].line}) have {len(table[0])}: {record.raw!r}"
            )
        table.append(fields)
    return table[0], table[1:]


def _column_order(header, columns, path):
    """The file's column order, if its column names are ``columns`` in any order; else a ValueError naming both."""
    if sorted(header) != sorted(map(str, columns)):
        raise ValueError(
            f"{path} has the columns {_csv_line(header)[:-1]!r}, not {_csv_line(list(columns))[:-1]!r}: "
            "write these rows to another file (--out), or move the old file away"
        )
    return header


def _formatted(row, columns):
    """The values of ``row`` as pandas writes them in a CSV (NaN and None empty), in the order of ``columns``."""
    text = pd.DataFrame([row], columns=columns).to_csv(
        index=False, header=False, quoting=csv.QUOTE_ALL, lineterminator="\n"
    )
    return _fields(text)


def _csv_line(fields, quote_all=False):
    """One CSV line; a field is quoted if it holds ``,``, ``"`` or a line break, starts with ``#`` or is a lone ``""``.

    Python's csv writer (and so pandas) leaves a ``\\r`` unquoted when lines end with ``\\n``: quoting is done here.
    """
    fields = [str(field) for field in fields]

    def quoted(field):
        needed = quote_all or field.startswith("#") or any(c in field for c in ',"\r\n') or fields == [""]
        return '"' + field.replace('"', '""') + '"' if needed else field

    return ",".join(map(quoted, fields)) + "\n"


# ---------------------------------------------------------------- fan-out
#
# A benchmark script lists its fits as :class:`Fit` items (a function of the
# script and its arguments) and hands each result to a callback in this
# process as soon as it is measured, which appends the row. So rows are
# written by one process only, in the order fits finish, and a resumed run
# skips what its CSV already has, whichever way the rows were made.
#
# ``--dask local`` starts a ``distributed.LocalCluster`` of ``--dask-workers``
# single-threaded worker processes; ``--dask tcp://host:8786`` connects to a
# running scheduler, whose workers need skmat installed (the ``benchmarks``
# package is uploaded to them). A fit whose worker dies is retried by Dask (up
# to its ``distributed.scheduler.allowed-failures``); one that still fails is
# reported with its error, its row is not written, and the run ends with a
# non-zero exit after the other fits finished, so the same command retries it.


@dataclass
class Fit:
    """One independent fit: ``function(*args)``, named by ``label`` in messages.

    ``function`` is a module-level function of a benchmark script; a Dask
    worker imports the script as ``benchmarks.<script>`` and calls it there.
    """

    label: str
    function: Callable
    args: tuple = ()
    row: dict = field(default_factory=dict)  # what the caller writes with the result (stays here)

    @property
    def module(self):
        """``benchmarks.<script>``, also for a function of the script that runs as ``__main__``."""
        return f"benchmarks.{Path(self.function.__globals__['__file__']).stem}"

    def run(self):
        return self.function(*self.args)


def call(module, function, *args):
    """Import a benchmark module by name (on a worker: from the uploaded package) and call one of its functions."""
    return getattr(importlib.import_module(module), function)(*args)


def positive_count(what):
    """``argparse`` type: an int of at least 1, the error naming the value and ``what`` it counts."""
    import argparse

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value < 1:
            raise argparse.ArgumentTypeError(f"must be a positive number of {what}, got {text!r}")
        return value

    return parse


def add_dask_options(parser):
    """``--dask ADDRESS|local`` and ``--dask-workers N`` on a script's argument parser."""
    parser.add_argument(
        "--dask", metavar="ADDRESS", default=None,
        help="run the fits as Dask futures: 'local' starts a LocalCluster, otherwise a scheduler address "
             "(tcp://host:8786); each row is written as its fit finishes",
    )
    parser.add_argument(
        "--dask-workers", type=positive_count("workers"), default=None,
        help="worker processes of --dask local (one thread each; default: one per core)",
    )


#: Dask settings for workers that train networks. Dask's nanny starts workers with
#: MALLOC_TRIM_THRESHOLD_=65536, which also fixes glibc's mmap threshold, so every tensor
#: above 128 kB is mapped and unmapped afresh: here the workers then spent most of their time
#: in the kernel and a PTR fit took 1.5x as long. Without it (the thread limits kept) and
#: without the statistical profiler, a fit on a worker runs as fast as on loky
#: (``benchmarks/scaling_out.py``, engines ``dask-*`` against ``dask-*-tuned``).
WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
    "distributed.worker.profile.enabled": False,
}

#: The client of the running :func:`dask_session`, shared by every ``run_fits`` inside it.
_SESSION = {}


@contextlib.contextmanager
def dask_session(address, n_workers=None):
    """Keep one Dask client (and LocalCluster) for every ``run_fits`` of a script run; no-op without ``address``."""
    if address is None or _SESSION:
        yield
        return
    with dask_client(address, n_workers) as client:
        _SESSION["client"] = client
        try:
            yield
        finally:
            _SESSION.clear()


@contextlib.contextmanager
def dask_client(address, n_workers=None):
    """A ``distributed.Client``: the session's, on a new LocalCluster for ``"local"``, else connected to ``address``."""
    if _SESSION:
        yield _SESSION["client"]
        return
    try:
        from distributed import Client
    except ImportError:
        raise SystemExit('--dask needs Dask: pip install "skmat[distributed]"') from None
    if address == "local":
        with local_cluster(n_workers or os.cpu_count() or 1) as client:
            yield client
    else:
        with Client(address) as client:
            yield client


@contextlib.contextmanager
def local_cluster(n_workers, config=WORKER_CONFIG):
    """A client of a new LocalCluster: ``n_workers`` single-threaded processes started under Dask ``config``."""
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set(config), \
            LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield client


def upload_benchmarks(client):
    """Send the ``benchmarks`` package, zipped, to every worker (and to later ones), which puts it on its path.

    A worker plugin only: a LocalCluster's scheduler lives in this process,
    and importing the upload there would reload this very package. The
    zip's name holds a digest of its content, so a worker that kept an
    older upload does not read the new one through a stale zip index.
    """
    from distributed.diagnostics.plugin import UploadFile

    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for path in sorted(HERE.glob("*.py")):
            archive.writestr(zipfile.ZipInfo(f"benchmarks/{path.name}"), path.read_bytes())  # fixed date
    digest = hashlib.sha256(data.getvalue()).hexdigest()[:12]
    with tempfile.TemporaryDirectory() as folder:
        zipped = Path(folder) / f"benchmarks-{digest}.zip"
        zipped.write_bytes(data.getvalue())
        client.register_plugin(UploadFile(str(zipped)), name="upload-benchmarks")


def run_fits(fits, on_result, *, dask=None, n_workers=None):
    """Run every fit; call ``on_result(fit, result)`` here as each one finishes.

    Without ``dask`` the fits run one after another in this process. With
    it they are submitted together and their results handled in the order
    they finish. A fit that raises (or whose workers keep dying) is
    reported and skipped; after the others have finished a
    ``SystemExit`` lists them.
    """
    fits = list(fits)
    if not fits:
        return
    if dask is None:
        for fit in fits:
            on_result(fit, fit.run())
        return
    from distributed import as_completed

    failed = []
    with dask_client(dask, n_workers) as client:
        upload_benchmarks(client)
        futures = {
            client.submit(call, fit.module, fit.function.__name__, *fit.args, pure=False, key=f"{fit.label}-{index}"): fit
            for index, fit in enumerate(fits)
        }
        print(f"submitted {len(futures)} fits to {client.scheduler.address} "
              f"({len(client.scheduler_info()['workers'])} workers)", flush=True)
        for future in as_completed(futures):
            fit = futures[future]
            try:
                result = future.result()
            except BaseException as error:  # KilledWorker, CancelledError, or the fit's own exception
                if isinstance(error, KeyboardInterrupt):
                    raise
                failed.append(fit.label)
                print(f"!! {fit.label} failed, no row written: {type(error).__name__}: {error}", flush=True)
                traceback.print_exception(error, limit=-3)
                continue
            on_result(fit, result)
    if failed:
        raise SystemExit(f"{len(failed)} fits failed and have no row: {failed}; run the same command to retry them")


# ---------------------------------------------------------------- features


def scratch_architecture(network):
    """A fitted skmat network's architecture as ``module__*`` parameters, less the sizes read from the data.

    Training a network of these parameters from random weights is the
    ``ptr-scratch`` models' "same network, no pretraining".
    """
    return {f"module__{key}": value for key, value in network.module_.hparams.items()
            if key not in ("in_shape", "n_outputs")}


def cached_features(formulas, cache, compute):
    """``compute(formulas)`` as a float array, kept in ``cache`` (a ``.npz`` path, or None) with its formulas.

    A cache is read back only for the same formulas in the same order.
    """
    formulas = np.asarray(formulas, dtype=str)
    if cache is not None and cache.exists():
        with np.load(cache) as saved:
            if np.array_equal(saved["formulas"], formulas):
                return saved["features"]
    features = np.asarray(compute(formulas), dtype=float)
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, features=features, formulas=formulas)
    return features


def _matminer_features(featurizer, formulas):
    from pymatgen.core import Composition

    featurizer.set_n_jobs(1)
    return featurizer.featurize_many([Composition(f) for f in formulas], pbar=False)


def magpie_features(formulas, cache=None):
    """Matminer's 132 Magpie statistics for each formula (Ward et al., npj Comput. Mater. 2, 16028, 2016).

    With a ``cache`` path the features are stored there with the formulas
    they belong to, and read back only for the same formulas.
    """
    from matminer.featurizers.composition import ElementProperty

    return cached_features(formulas, cache, functools.partial(_matminer_features, ElementProperty.from_preset("magpie")))


def ionic_features(formulas, cache=None):
    """Matminer's three ionic-character features for each formula (Ward et al. 2016), cached like Magpie's.

    The columns are "compound possible" (1 when the common oxidation states
    of the elements can add up to a neutral compound, from pymatgen's
    oxidation-state guesses with one state per element), and the largest and
    the fraction-weighted mean ionic character of the element pairs
    (``1 - exp(-(chi_a - chi_b)**2 / 4)``). A metal is rarely charge balanced,
    so the first column carries what Magpie's element statistics do not.
    """
    from matminer.featurizers.composition import IonProperty

    return cached_features(formulas, cache, functools.partial(_matminer_features, IonProperty(fast=True)))
