"""One series of a canonical frame, and a window on it that never changes a figure.

A window cut before growth is computed would cut away the base months of its first year: the
April 2025 year-on-year needs April 2024. So :func:`select_series` with ``start`` or ``end``
computes :func:`reanalysis.growth.growth` on the whole series first and then keeps the months
of the window: every figure shown is the whole series' figure, its base months taken from
outside the window. :func:`~reanalysis.growth.growth` keeps figures a frame already carries.

>>> import reanalysis as ra
>>> april = select_series(ra.load_customs(), commodity="rare earths", start="2025-04", end="2025-04")
>>> april.select("period", "value_t", pl.col("mom_pct", "yoy_pct", "ytd_yoy_pct").round(1)).rows()
[(datetime.date(2025, 4, 1), 4784.8, -15.6, 4.8, 5.1)]
"""

import datetime as dt
import re

import polars as pl

from reanalysis.growth import growth

_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_bound(value: str | dt.date, name: str) -> dt.date:
    """The first day of the month ``value`` names (``"YYYY-MM"`` or a date).

    Raises ``ValueError`` naming the parameter when it is neither.

    >>> month_bound("2025-04", "start"), month_bound(dt.date(2025, 4, 17), "end")
    (datetime.date(2025, 4, 1), datetime.date(2025, 4, 1))
    """
    if isinstance(value, dt.date):
        return value.replace(day=1)
    found = _MONTH.fullmatch(value) if isinstance(value, str) else None
    if found is None or not 1 <= int(found[2]) <= 12:
        raise ValueError(f"{name}: expected a month written YYYY-MM (e.g. 2025-01), "
                         f"found {value!r}")  # fmt: skip
    return dt.date(int(found[1]), int(found[2]), 1)


def select_series(
    frame: pl.DataFrame,
    *,
    commodity: str,
    flow: str = "export",
    partner: str = "World",
    start: str | dt.date | None = None,
    end: str | dt.date | None = None,
) -> pl.DataFrame:
    """Rows of one series of a canonical frame, optionally within ``start``..``end``
    (``"YYYY-MM"``, both included; a combined January-February row counts by its ``period``).

    With a window, the rows come with the growth columns of
    :func:`reanalysis.growth.growth`, computed on the whole series before the window is cut.
    Raises ``KeyError`` naming the series on offer when none matches.

    >>> import reanalysis as ra
    >>> s = select_series(ra.load_customs(), commodity="rare earths", start="2025-01", end="2025-03")
    >>> s.select("period", "months", "value_t", pl.col("yoy_pct").round(1)).rows()
    [(datetime.date(2025, 1, 1), 2, 8511.0, -3.0), (datetime.date(2025, 3, 1), 1, 5666.3, 20.3)]
    """
    chosen = frame.filter(
        pl.col("commodity") == commodity, pl.col("flow") == flow, pl.col("partner") == partner
    )
    if chosen.height == 0:
        offered = frame.select("commodity", "flow", "partner").unique().sort(pl.all())
        listing = "; ".join(" / ".join(r) for r in offered.rows())
        raise KeyError(f"no series {commodity} / {flow} / {partner}; available: {listing}")
    if start is None and end is None:
        return chosen
    window = [pl.col("period") >= month_bound(start, "start")] if start is not None else []
    if end is not None:
        window.append(pl.col("period") <= month_bound(end, "end"))
    return growth(chosen).filter(*window)
