"""One-line findings that open each report, computed from the same frames as its tables.

Every figure in a headline is formatted as in the tables (tonnes to one decimal with thousands
separators, percentages to one decimal with their sign); a figure resting on a derived,
disputed or estimated input carries its note in brackets, and a figure that cannot be
computed says why instead of disappearing.
"""

import datetime as dt

import polars as pl

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def _month(period: dt.date, months: int = 1) -> str:
    if months == 2:
        return f"January-February {period.year}"
    return f"{MONTHS[period.month - 1]} {period.year}"


def _pct(value: float | None, note: str | None, base: str) -> str:
    if value is None:
        return f"no comparison with {base} ({note or 'not computable'})"
    return f"{value:+.1f}% on {base}" + (f" ({note})" if note else "")


def growth_headline(frame: pl.DataFrame, period: dt.date | str | None = None) -> str:
    """The month's tonnage, its change on the previous month and on a year earlier, and the
    year to date, from a :func:`growth` frame; ``period`` (a date or "YYYY-MM") defaults to
    the latest month with a value.

    >>> f = pl.DataFrame({"period": [dt.date(2025, 4, 1)], "months": [1], "value_t": [4784.8],
    ...     "mom_pct": [-15.557], "mom_note": [None], "yoy_pct": [4.79], "yoy_note": [None],
    ...     "ytd_t": [18962.0], "ytd_yoy_pct": [5.06], "ytd_yoy_note": [None]})
    >>> growth_headline(f)
    'April 2025: 4,784.8 t, -15.6% on March, +4.8% on April 2024; January-April 18,962 t, +5.1%'
    """
    rows = frame.filter(pl.col("value_t").is_not_null())
    if period is not None:
        if isinstance(period, str):  # "2025-04" or "2025-04-01"
            period = dt.date.fromisoformat(period[:7] + "-01")
        rows = rows.filter(pl.col("period") == period)
    if rows.height == 0:
        return f"No tonnage {'for ' + str(period) if period else 'in this series'}."
    row = rows.sort("period").row(-1, named=True)
    p, months = row["period"], row["months"]

    def note(column: str) -> str | None:
        value = row.get(column)
        return None if value is None else str(value)

    month = _month(p, months)
    text = f"{month}: {row['value_t']:,.1f} t" + (" (two months)" if months == 2 else "")
    if months == 1:
        previous = MONTHS[p.month - 2] if p.month > 1 else f"December {p.year - 1}"
        text += ", " + _pct(row["mom_pct"], note("mom_note"), previous)
    earlier = _month(p.replace(year=p.year - 1), months)
    text += ", " + _pct(row["yoy_pct"], note("yoy_note"), earlier)
    if row["ytd_t"] is not None:
        last = p.month + months - 1
        span = "January" if last == 1 else f"January-{MONTHS[last - 1]}"
        text += f"; {span} {row['ytd_t']:,.0f} t"
        ytd = row["ytd_yoy_pct"]
        text += (f", {ytd:+.1f}%" if ytd is not None else ", no comparison with a year earlier") + (
            f" ({note('ytd_yoy_note')})" if note("ytd_yoy_note") else ""
        )
    return text


def series_headline(series: pl.DataFrame, events: pl.DataFrame) -> str:
    """The latest month of a canonical series, the span shown and the licence events in it.

    >>> s = pl.DataFrame({"period": [dt.date(2025, 1, 1), dt.date(2025, 3, 1)], "months": [2, 1],
    ...                   "value_t": [8511.0, 5666.3], "has_conflict": [False, True]})
    >>> e = pl.DataFrame({"date": [dt.date(2025, 4, 4), dt.date(2024, 1, 1)]})
    >>> series_headline(s, e)
    'March 2025: 5,666.3 t; January-February 2025 to March 2025: 2 published figures, 1 on which sources disagreed, 0 licence events'
    """
    rows = series.filter(pl.col("value_t").is_not_null()).sort("period")
    if rows.height == 0:
        return "No tonnage in this series."
    first, last = rows.row(0, named=True), rows.row(-1, named=True)
    end = last["period"] + dt.timedelta(days=31 * last["months"])
    n_events = events.filter(pl.col("date").is_between(first["period"], end, closed="left")).height
    conflicts = int(rows["has_conflict"].sum())
    return (
        f"{_month(last['period'], last['months'])}: {last['value_t']:,.1f} t; "
        f"{_month(first['period'], first['months'])} to {_month(last['period'], last['months'])}: "
        f"{rows.height} published figures, {conflicts} on which sources disagreed, "
        f"{n_events} licence event{'' if n_events == 1 else 's'}"
    )


def reported_headline(reported: pl.DataFrame) -> str:
    """How many published percentages the data supports (from :func:`check_reported`).

    >>> r = pl.DataFrame({"verdict": ["agrees", "agrees", "differs", "not computable"]})
    >>> reported_headline(r)
    'Of 4 published percentages, 2 agree with the data within the rounding, 1 differs and 1 cannot be computed'
    """
    counts = dict(reported.group_by("verdict").len().iter_rows())
    agree, differ = counts.get("agrees", 0), counts.get("differs", 0)
    other = reported.height - agree - differ
    return (
        f"Of {reported.height} published percentages, {agree} agree{'s' if agree == 1 else ''} "
        f"with the data within the rounding, {differ} differ{'s' if differ == 1 else ''} and "
        f"{other} cannot be computed"
    )


def _spread(values: pl.Series) -> str:
    lo, hi = values.min(), values.max()
    return f"{lo:+,.0f} t" if round(lo) == round(hi) else f"{lo:+,.0f} t to {hi:+,.0f} t"


def front_loading_headline(summary: pl.DataFrame, measure: str) -> str:
    """Against the baselines that ran (``result.summary`` of ``front_loading``): the range of
    the anticipation window's excess, how many 95% bands exclude zero, and the range over
    the post window; a window that does not exist says so.

    >>> s = pl.DataFrame({"method": ["a", "b", "c"], "status": ["ok", "ok", "too few months"],
    ...                   "excess_t": [120.4, -30.0, None], "band_low_t": [10.0, -90.0, None],
    ...                   "band_high_t": [230.0, 30.0, None], "payback_t": [None, None, None],
    ...                   "anticipation_months": [2, 2, 2], "post_months": [0, 0, 0]})
    >>> front_loading_headline(s, "No. 57 [2025]")
    'No. 57 [2025]: anticipation window (2 months) -30 t to +120 t against the baselines, 95% bands excluding zero: 1 of 2; no post window (2 of 3 baselines ran)'
    """
    ran = summary.filter(pl.col("excess_t").is_not_null() | pl.col("payback_t").is_not_null())
    if ran.height == 0:
        return f"{measure}: no baseline could estimate anything ({summary.height} tried)"
    parts = []
    excess = ran.filter(pl.col("excess_t").is_not_null())
    if excess.height:
        months = excess["anticipation_months"].max()
        text = (f"anticipation window ({months} month{'s' if months != 1 else ''}) "
                f"{_spread(excess['excess_t'])} against the baselines")  # fmt: skip
        banded = excess.filter(pl.col("band_low_t").is_not_null())
        if banded.height:
            clear = banded.filter((pl.col("band_low_t") > 0) | (pl.col("band_high_t") < 0)).height
            text += f", 95% bands excluding zero: {clear} of {banded.height}"
        parts.append(text)
    elif (summary["anticipation_months"] == 0).all():
        parts.append("no anticipation window")
    else:
        parts.append("anticipation window not estimated")
    post = ran.filter(pl.col("payback_t").is_not_null())
    if post.height:
        months = post["post_months"].max()
        parts.append(f"post window ({months} month{'s' if months != 1 else ''}) "
                     f"{_spread(post['payback_t'])} against the baselines")  # fmt: skip
    elif (summary["post_months"] == 0).all():
        parts.append("no post window")
    else:
        parts.append("post window not estimated")
    return f"{measure}: {'; '.join(parts)} ({ran.height} of {summary.height} baselines ran)"


def weights_headline(frame: pl.DataFrame) -> str:
    """How many months of each series rest on a weight the source estimated, and how many have
    no tonnage and why (a canonical frame, see :func:`reanalysis.growth.weight_caveats`).

    >>> f = pl.DataFrame({"reporter": ["China"] * 3, "commodity": ["250410"] * 3,
    ...     "flow": ["export"] * 3, "partner": ["World"] * 3, "value_t": [1.0, 2.0, None],
    ...     "weight_estimated": [True, False, False],
    ...     "missing_reason": [None, None, "weight not reported (0 kg beside a positive value)"]})
    >>> weights_headline(f)
    'Weights: 1 of 3 months estimated by the source (figures leaning on them say "estimated weight"); 1 month without tonnage: weight not reported (0 kg beside a positive value)'
    """
    from reanalysis.growth import weight_caveats

    counts = weight_caveats(frame).select(pl.col("months", "estimated_months").sum()).row(0)
    months, estimated = counts
    if estimated:
        text = (f'Weights: {estimated} of {months} months estimated by the source (figures '
                f'leaning on them say "estimated weight")')  # fmt: skip
    else:
        text = f"Weights: none of {months} months estimated by the source"
    reasons = frame.filter(pl.col("value_t").is_null()).group_by("missing_reason").len()
    for reason, n in reasons.sort("len", "missing_reason", descending=[True, False]).iter_rows():
        text += f"; {n} month{'' if n == 1 else 's'} without tonnage: {reason or 'no monthly figure stated'}"
    return text
