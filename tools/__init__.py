"""The scripts that build the bundled data and the shipped networks (``python tools/<script>.py``).

A package, like :mod:`benchmarks`, so that the scripts import each other by
one name (``from tools.pretrain import ...``) however they are started.
"""
