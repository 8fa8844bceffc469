"""Event study: the response of one series around each announcement."""

import polars as pl


def event_study(frame: pl.DataFrame, events: pl.DataFrame, *, months: int = 6) -> pl.DataFrame:
    """Response of one series around each event: months ``-months..+months`` from the event month.

    ``events`` has ``measure`` and ``date``; measures sharing a date are one event. For each,
    ``deviation_pct`` is the month's tonnage
    against the mean of the single months ``-months..-1`` (null where either is missing;
    combined January-February observations are not single months and stay out).

    April 2025 (4,784.8 t) against March, the only single month of the three before:

    >>> import datetime as dt
    >>> from reanalysis import load_customs, select_series
    >>> series = select_series(load_customs(), commodity="rare earths")
    >>> events = pl.DataFrame({"measure": ["No. 18 [2025]"], "date": [dt.date(2025, 4, 4)]})
    >>> study = event_study(series, events, months=3)
    >>> study.filter(pl.col("offset") == 0).select("period", "pre_mean_t",
    ...                                            pl.col("deviation_pct").round(1)).row(0)
    (datetime.date(2025, 4, 1), 5666.3, -15.6)
    """
    if months < 1:
        raise ValueError(
            f"months={months}: the event study needs at least one month before each event"
        )
    single = frame.filter(pl.col("months") == 1, pl.col("value_t").is_not_null()).select(
        "period", "value_t"
    )
    offsets = pl.DataFrame(
        {"offset": list(range(-months, months + 1))}, schema={"offset": pl.Int32}
    )
    dated = events.group_by("date").agg(measure=pl.col("measure").sort().str.join(", "))
    grid = (
        dated.select("measure", event_date="date")
        .join(offsets, how="cross")
        .with_columns(
            period=pl.col("event_date").dt.truncate("1mo").dt.offset_by(pl.format("{}mo", "offset"))
        )
        .join(single, on="period", how="left")
    )
    pre = (
        grid.filter(pl.col("offset") < 0)
        .group_by("measure", "event_date")
        .agg(pre_mean_t=pl.col("value_t").mean())
    )
    return (
        grid.join(pre, on=["measure", "event_date"], how="left")
        .with_columns(
            deviation_pct=pl.when(pl.col("pre_mean_t") > 0).then(
                (pl.col("value_t") / pl.col("pre_mean_t") - 1) * 100
            )
        )
        .sort("event_date", "measure", "offset")
    )
