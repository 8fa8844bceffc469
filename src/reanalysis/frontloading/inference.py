"""Excess, payback and band of one baseline on a labelled series, and its placebos."""

import datetime as dt

import numpy as np
import polars as pl

from reanalysis.frontloading.baselines import FITTERS, OK
from reanalysis.frontloading.windows import Dates, windows

Z = 1.96

SUMMARY_SCHEMA = pl.Schema(
    {
        "method": pl.String, "status": pl.String, "excess_t": pl.Float64,
        "payback_t": pl.Float64, "net_t": pl.Float64, "payback_ratio": pl.Float64,
        "band_low_t": pl.Float64, "band_high_t": pl.Float64, "estimation_start": pl.Date,
        "estimation_end": pl.Date, "anticipation_months": pl.Int32, "post_months": pl.Int32,
        "placebo_n": pl.Int32, "placebo_share": pl.Float64,
    }
)  # fmt: skip
TABLE_SCHEMA = pl.Schema(
    {
        "method": pl.String, "period": pl.Date, "months": pl.Int8, "window": pl.String,
        "straddles": pl.Boolean, "actual_t": pl.Float64, "baseline_t": pl.Float64,
        "gap_t": pl.Float64,
    }
)  # fmt: skip


def _one(obs: pl.DataFrame, method: str) -> tuple[dict, pl.DataFrame | None]:
    est = obs.filter(pl.col("window") == "estimation", pl.col("value_t").is_not_null())
    row = dict.fromkeys(SUMMARY_SCHEMA.names())
    row.update(method=method)
    if est.height == 0:
        row["status"] = "no estimation month before the anticipation window"
        return row, None
    baseline, sd, status, used = FITTERS[method](obs, est)
    row["status"] = status
    if status != OK:
        return row, None
    row.update(estimation_start=used[0], estimation_end=used[1])
    table = obs.with_columns(baseline_t=baseline.alias("baseline_t")).with_columns(
        gap_t=pl.col("value_t") - pl.col("baseline_t")
    )
    ant = table.filter(pl.col("window") == "anticipation", pl.col("value_t").is_not_null())
    post = table.filter(pl.col("window") == "post", pl.col("value_t").is_not_null())
    row.update(anticipation_months=ant.height, post_months=post.height)
    if ant.height:
        row["excess_t"] = ant["gap_t"].sum()
        if sd is not None:
            se = float(np.sqrt(((ant["baseline_t"] * sd) ** 2).sum()))
            row.update(band_low_t=row["excess_t"] - Z * se, band_high_t=row["excess_t"] + Z * se)
    if post.height:
        row["payback_t"] = post["gap_t"].sum()
    if row["excess_t"] is not None or row["payback_t"] is not None:
        row["net_t"] = (row["excess_t"] or 0.0) + (row["payback_t"] or 0.0)
    if row["excess_t"] is not None and row["payback_t"] is not None and row["excess_t"] > 0:
        row["payback_ratio"] = -row["payback_t"] / row["excess_t"]
    return row, table


def _placebos(obs, dates: Dates, post_months: int, method: str, years: int) -> pl.DataFrame:
    """Excess of ``method`` on the same calendar window ``k`` years earlier, k = 1..years."""
    found = []
    for k in range(1, years + 1):

        def back(d: dt.date | None, k: int = k) -> dt.date | None:
            return None if d is None else d.replace(year=d.year - k, day=min(d.day, 28))

        shifted = Dates(back(dates.start), back(dates.end), back(dates.effective))
        if shifted.start <= obs["period"].min():
            break
        history = obs.filter(
            pl.col("period") < pl.lit(back(dates.end)).dt.offset_by(f"{post_months + 1}mo")
        )
        row, _ = _one(windows(history, shifted, post_months), method)
        if row["status"] == OK and row["excess_t"] is not None:
            found.append({"years_back": k, "excess_t": row["excess_t"]})
    return pl.DataFrame(found, schema={"years_back": pl.Int32, "excess_t": pl.Float64})
