"""reanalysis: customs export series and export-control events as Polars frames.

Layers, lowest first: ``formats``/``readers`` (files -> statements) -> ``reconcile``
(statements -> canonical series) -> ``loaders``/``events`` -> ``growth``, ``frontloading`` -> ``charts``.
"""

from reanalysis.errors import InputError
from reanalysis.loaders import load_customs, load_statements, source_conflicts

__all__ = ["InputError", "load_customs", "load_statements", "source_conflicts"]
