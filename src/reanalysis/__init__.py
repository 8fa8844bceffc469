"""reanalysis: customs export series and export-control events as Polars frames.

The public API, flat (``import reanalysis as ra``):

>>> import polars as pl
>>> import reanalysis as ra
>>> g = ra.growth(ra.select_series(ra.load_customs(), commodity="rare earths", start="2025-04"))
>>> g.select("period", pl.col("yoy_pct").round(1)).head(1).rows()
[(datetime.date(2025, 4, 1), 4.8)]

Layers, lowest first: ``formats``/``readers`` (files -> statements) -> ``reconcile``
(statements -> canonical series) -> ``loaders``/``events`` -> ``growth``, ``series``,
``frontloading`` -> ``charts``.
"""

from reanalysis.errors import InputError
from reanalysis.events import load_licence_events
from reanalysis.fetch import fetch_comtrade
from reanalysis.frontloading import event_study, front_loading
from reanalysis.growth import check_reported, growth, rolling
from reanalysis.loaders import load_customs, load_statements, source_conflicts
from reanalysis.series import select_series

__all__ = [
    "InputError",
    "check_reported",
    "event_study",
    "fetch_comtrade",
    "front_loading",
    "growth",
    "load_customs",
    "load_licence_events",
    "load_statements",
    "rolling",
    "select_series",
    "source_conflicts",
]
