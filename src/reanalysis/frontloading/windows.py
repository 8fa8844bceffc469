"""Dates of a control and the window each month falls in (see :mod:`reanalysis.frontloading`)."""

import datetime as dt
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class Dates:
    """The calendar of one control: anticipation [start, end), effective (None if suspended)."""

    start: dt.date
    end: dt.date
    effective: dt.date | None


def _date(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def windows(frame: pl.DataFrame, dates: Dates, post_months: int) -> pl.DataFrame:
    """``frame`` with ``window`` and ``straddles`` (see module docstring)."""
    start = pl.col("period")
    stop = pl.col("period").dt.offset_by(pl.format("{}mo", pl.col("months")))

    def days(lo: dt.date | pl.Expr, hi: dt.date | pl.Expr) -> pl.Expr:
        a = pl.max_horizontal(start, pl.lit(lo) if isinstance(lo, dt.date) else lo)
        b = pl.min_horizontal(stop, pl.lit(hi) if isinstance(hi, dt.date) else hi)
        return pl.max_horizontal((b - a).dt.total_days(), pl.lit(0))

    far = dt.date(9999, 1, 1)
    shares = {
        "estimation": days(dt.date(1, 1, 1), dates.start),
        "anticipation": days(dates.start, dates.end),
        "post": days(dates.effective, far) if dates.effective else pl.lit(0),
        "after_suspension": pl.lit(0) if dates.effective else days(dates.end, far),
    }
    order = list(shares)  # later windows win ties
    out = frame.with_columns(**{f"_d_{k}": v for k, v in shares.items()})
    label = pl.lit(None, pl.String)
    for name in order:  # keep the largest share, ties to the later window
        best = pl.max_horizontal(*(pl.col(f"_d_{k}") for k in order))
        label = pl.when(pl.col(f"_d_{name}") == best).then(pl.lit(name)).otherwise(label)
    out = out.with_columns(
        # only months wholly before the anticipation start are estimation months
        window=pl.when(pl.col("_d_estimation") == (stop - start).dt.total_days())
        .then(pl.lit("estimation"))
        .otherwise(pl.when(label == "estimation").then(pl.lit("anticipation")).otherwise(label)),
        straddles=pl.sum_horizontal(*(pl.col(f"_d_{k}") > 0 for k in order)) > 1,
    ).drop(pl.selectors.starts_with("_d_"))  # fmt: skip
    first_post = out.filter(pl.col("window") == "post")["period"].min()
    if first_post is not None:
        limit = pl.lit(first_post).dt.offset_by(f"{post_months}mo")
        out = out.with_columns(
            window=pl.when((pl.col("window") == "post") & (pl.col("period") >= limit))
            .then(pl.lit("later"))
            .otherwise("window")
        )
    return out
