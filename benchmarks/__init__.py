"""The benchmark scripts: one per study, sharing :mod:`benchmarks._common`.

A package so that the scripts import the shared helpers and each other by
one name (``from benchmarks._common import ...``), whether a script is run
as ``python benchmarks/<script>.py`` (see :mod:`benchmarks._bootstrap`),
imported by the tests, or imported by a Dask worker.
"""
