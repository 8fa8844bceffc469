"""Dates of a control and the window each month falls in (see :mod:`reanalysis.frontloading`)."""

import calendar
import datetime as dt
from dataclasses import dataclass

import polars as pl

STRADDLES = ("majority", "anticipation", "post", "split", "drop")
# windows whose months make up the event window (excess, payback and net)
EVENT = ("anticipation", "post", "split", "dropped")


@dataclass(frozen=True)
class Dates:
    """The calendar of one control: anticipation [start, end), effective (None if suspended)."""

    start: dt.date
    end: dt.date
    effective: dt.date | None


def _date(value: dt.date | str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def months_back(day: dt.date, k: int) -> dt.date:
    """``day`` moved ``k`` calendar months earlier (negative: later), clipped to the month's end.

    >>> months_back(dt.date(2024, 3, 31), 1), months_back(dt.date(2024, 1, 15), -13)
    (datetime.date(2024, 2, 29), datetime.date(2025, 2, 15))
    """
    year, month = divmod(day.year * 12 + day.month - 1 - k, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def shifted(dates: Dates, k: int) -> Dates:
    """The same calendar ``k`` months earlier (a placebo date)."""
    move = lambda d: None if d is None else months_back(d, k)  # noqa: E731
    return Dates(move(dates.start), move(dates.end), move(dates.effective))


def windows(
    frame: pl.DataFrame,
    dates: Dates,
    post_months: int,
    straddle: str = "majority",
    excluded: list[tuple[dt.date, dt.date]] = (),
) -> pl.DataFrame:
    """``frame`` with ``window``, ``straddles``, ``anticipation_share`` and ``post_share``.

    ``excluded`` holds date ranges [from, to): estimation months overlapping one are labelled
    ``excluded``. ``anticipation_share`` is the part of a month's gap counted as excess (1 in
    the anticipation window, 0 in the post window, the share of days for ``split``; the rest is
    payback: ``post_share``, 0 for the days after a suspension), null outside the event window
    and for a ``dropped`` month.
    """
    if straddle not in STRADDLES:
        raise ValueError(f"straddle {straddle!r}: expected one of {', '.join(STRADDLES)}")
    start = pl.col("period")
    stop = pl.col("period").dt.offset_by(pl.format("{}mo", pl.col("months")))

    def days(lo: dt.date, hi: dt.date) -> pl.Expr:
        a = pl.max_horizontal(start, pl.lit(lo))
        b = pl.min_horizontal(stop, pl.lit(hi))
        return pl.max_horizontal((b - a).dt.total_days(), pl.lit(0))

    far = dt.date(9999, 1, 1)
    after = "post" if dates.effective else "after_suspension"
    shares = {
        "estimation": days(dt.date(1, 1, 1), dates.start),
        "anticipation": days(dates.start, dates.end),
        "post": days(dates.effective, far) if dates.effective else pl.lit(0),
        "after_suspension": pl.lit(0) if dates.effective else days(dates.end, far),
    }
    order = list(shares)  # later windows win ties
    out = frame.with_columns(**{f"_d_{k}": v for k, v in shares.items()})
    label = pl.lit(None, pl.String)
    best = pl.max_horizontal(*(pl.col(f"_d_{k}") for k in order))
    for name in order:  # keep the largest share, ties to the later window
        label = pl.when(pl.col(f"_d_{name}") == best).then(pl.lit(name)).otherwise(label)
    whole = pl.col("_d_estimation") == (stop - start).dt.total_days()
    # only months wholly before the anticipation start are estimation months
    majority = pl.when(whole).then(pl.lit("estimation"))
    majority = majority.otherwise(
        pl.when(label == "estimation").then(pl.lit("anticipation")).otherwise(label)
    )
    boundary = (pl.col("_d_anticipation") > 0) & (pl.col(f"_d_{after}") > 0)
    chosen = {
        "majority": majority,
        "anticipation": pl.lit("anticipation"),
        "post": pl.lit(after),
        "split": pl.lit("split"),
        "drop": pl.lit("dropped"),
    }[straddle]
    window = pl.when(boundary).then(chosen).otherwise(majority)
    if dates.effective is not None:  # post: the post_months months from the effective month
        limit = pl.lit(dates.effective.replace(day=1)).dt.offset_by(f"{post_months}mo")
        window = (
            pl.when((window == "post") & (start >= limit)).then(pl.lit("later")).otherwise(window)
        )
    if excluded:
        hit = pl.any_horizontal(
            *((start < pl.lit(hi)) & (stop > pl.lit(lo)) for lo, hi in excluded)
        )
        window = pl.when((window == "estimation") & hit).then(pl.lit("excluded")).otherwise(window)
    split = pl.col("_d_anticipation") / (pl.col("_d_anticipation") + pl.col(f"_d_{after}"))
    return out.with_columns(
        window=window,
        straddles=pl.sum_horizontal(*(pl.col(f"_d_{k}") > 0 for k in order)) > 1,
    ).with_columns(
        anticipation_share=pl.when(pl.col("window") == "anticipation").then(1.0)
        .when(pl.col("window") == "post").then(0.0)
        .when(pl.col("window") == "split").then(split)
        .otherwise(None),
    ).with_columns(
        # a suspended control's split month: the days after the suspension are in no window
        post_share=pl.when(pl.col("window") == "split").then(
            1 - pl.col("anticipation_share") if dates.effective else 0.0
        ).otherwise(1 - pl.col("anticipation_share")),
    ).drop(pl.selectors.starts_with("_d_"))  # fmt: skip
