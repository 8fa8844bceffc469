"""The entry point :func:`front_loading`, its result, and :func:`describe` for a notebook."""

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from reanalysis.frontloading.baselines import METHODS, OK
from reanalysis.frontloading.inference import SUMMARY_SCHEMA, TABLE_SCHEMA, _one, _placebos
from reanalysis.frontloading.windows import Dates, _date, windows


@dataclass
class FrontLoading:
    """Result of :func:`front_loading`: ``summary`` (one row per method), ``table`` (per month
    and method), ``placebos`` (per method and years shifted) and ``notes`` on the windows."""

    summary: pl.DataFrame
    table: pl.DataFrame
    placebos: pl.DataFrame
    notes: list[str] = field(default_factory=list)


def front_loading(
    frame: pl.DataFrame,
    *,
    announced: dt.date | str,
    effective: dt.date | str,
    rumour: dt.date | str | None = None,
    suspended: dt.date | str | None = None,
    baseline: str = "all",
    post_months: int = 3,
    placebo_years: int = 5,
) -> FrontLoading:
    """Excess before and payback after a control, for one series of the canonical frame.

    ``frame`` holds one series (one commodity, flow, partner) with ``period``, ``months``,
    ``value_t``. Dates are ``datetime.date`` or ISO strings. ``suspended``, when on or before
    ``effective``, ends the anticipation window there and leaves no post window. ``baseline`` is
    ``all`` or one of ``METHODS``.

    No. 18 [2025] took effect the day it was announced, so there is no anticipation window:

    >>> from reanalysis import load_customs, select_series
    >>> series = select_series(load_customs(), commodity="rare earths")
    >>> result = front_loading(series, announced="2025-04-04", effective="2025-04-04")
    >>> result.summary.select("method", "status", "anticipation_months", "post_months").rows()[0]
    ('seasonal_naive', 'ok', 0, 3)
    """
    keys = frame.select("commodity", "flow", "partner").unique()
    if keys.height != 1:
        raise ValueError(f"front_loading takes one series; got {keys.height}: {keys.rows()}")
    announced, effective = _date(announced), _date(effective)
    rumour, suspended = _date(rumour), _date(suspended)
    if effective < announced:
        raise ValueError(f"effective {effective} is before announced {announced}")
    methods = METHODS if baseline == "all" else (baseline,)
    if not set(methods) <= set(METHODS):
        raise ValueError(f"baseline {baseline!r}: expected 'all' or one of {', '.join(METHODS)}")
    start = rumour or announced
    is_suspended = suspended is not None and suspended <= effective
    dates = Dates(
        start, suspended if is_suspended else effective, None if is_suspended else effective
    )
    notes = []
    if dates.end <= dates.start:
        notes.append("announced and effective on the same day: no anticipation window unless a "
                     "rumour date is argued")  # fmt: skip
    if is_suspended:
        notes.append(
            f"suspended on {suspended} before taking effect on {effective}: no post window"
        )
    obs = frame.sort("period").select("reporter", "commodity", "flow", "partner", "period",
                                      "months", "value_t", "value_half_unit_t", "is_derived",
                                      "has_conflict", "ytd_t", "ytd_half_unit_t",
                                      "ytd_is_derived")  # fmt: skip
    labelled = windows(obs, dates, post_months)
    rows, tables, placebos = [], [], []
    for method in methods:
        row, table = _one(labelled, method)
        shifted = _placebos(obs, dates, post_months, method, placebo_years)
        placebos.append(shifted.with_columns(method=pl.lit(method)))
        if row["excess_t"] is not None and shifted.height:
            row["placebo_n"] = shifted.height
            row["placebo_share"] = float((shifted["excess_t"] >= row["excess_t"]).mean())
        rows.append(row)
        if table is not None:
            tables.append(table.select(
                method=pl.lit(method), period="period", months="months", window="window",
                straddles="straddles", actual_t="value_t", baseline_t="baseline_t", gap_t="gap_t",
            ))  # fmt: skip
    return FrontLoading(
        summary=pl.DataFrame(rows, schema=SUMMARY_SCHEMA),
        table=pl.concat(tables).cast(dict(TABLE_SCHEMA)) if tables else pl.DataFrame(schema=TABLE_SCHEMA),
        placebos=pl.concat(placebos, how="diagonal_relaxed").select("method", "years_back", "excess_t"),
        notes=notes,
    )  # fmt: skip


def rounded(summary: pl.DataFrame) -> pl.DataFrame:
    """``result.summary`` for display: tonnes to whole numbers, ratios to two decimals."""
    tonnes = ("excess_t", "payback_t", "net_t", "band_low_t", "band_high_t")
    return summary.with_columns(
        *(pl.col(c).round(0) for c in tonnes),
        pl.col("payback_ratio").round(2),
        pl.col("placebo_share").round(2),
    )


def describe(result: FrontLoading) -> list[str]:
    """What the result can and cannot tell, one sentence per finding (for a notebook's reading)."""
    lines = [note[0].upper() + note[1:] + "." for note in result.notes]
    ok = result.summary.filter(pl.col("status") == OK)
    for row in result.summary.iter_rows(named=True):
        name = row["method"].replace("_", " ")
        if row["status"] != OK:
            lines.append(f"The {name} baseline cannot run: {row['status']}.")
            continue
        parts = []
        if row["excess_t"] is not None:
            band = ("" if row["band_low_t"] is None else
                    f" (95% band {row['band_low_t']:+,.0f} to {row['band_high_t']:+,.0f} t)")  # fmt: skip
            parts.append(f"{row['excess_t']:+,.0f} t against baseline over "
                         f"{row['anticipation_months']} anticipation month(s){band}")  # fmt: skip
        if row["payback_t"] is not None:
            parts.append(f"{row['payback_t']:+,.0f} t over {row['post_months']} post month(s)")
        if parts:
            lines.append(f"With the {name} baseline: " + "; ".join(parts) + ".")
        if row["placebo_n"]:
            beaten = round(row["placebo_share"] * row["placebo_n"])
            lines.append(f"  In {beaten} of {row['placebo_n']} earlier years the same calendar window "
                         f"showed an excess at least as large ({name}).")  # fmt: skip
    banded = ok.filter(pl.col("band_low_t").is_not_null())
    if banded.height:
        if (banded["band_low_t"] > 0).all():
            lines.append("Every baseline with a band puts the anticipation months above what would "
                         "have been shipped otherwise: consistent with front-loading.")  # fmt: skip
        elif (banded["band_high_t"] < 0).all():
            lines.append("Every baseline with a band puts the anticipation months below baseline: "
                         "no sign of front-loading.")  # fmt: skip
        else:
            lines.append("At least one band includes zero: the data cannot tell the anticipation "
                         "months apart from ordinary month-to-month variation.")  # fmt: skip
    return lines
