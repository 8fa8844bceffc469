"""One-line findings that open each report, computed from the same frames as its tables.

Every figure in a headline is formatted as in the tables (tonnes to one decimal with thousands
separators, percentages to one decimal with their sign); a figure resting on a derived,
disputed or estimated input carries its note in brackets, and a figure that cannot be
computed says why instead of disappearing.
"""

import datetime as dt
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from reanalysis.frontloading import FrontLoading

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def _month(period: dt.date, months: int) -> str:
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
    after = last["period"].month + last["months"]  # the month after the span (13: next January)
    end = dt.date(last["period"].year + (after - 1) // 12, (after - 1) % 12 + 1, 1)
    n_events = events.filter(pl.col("date").is_between(first["period"], end, closed="left")).height
    conflicts = int(rows["has_conflict"].sum())
    return (
        f"{_month(last['period'], last['months'])}: {last['value_t']:,.1f} t; "
        f"{_month(first['period'], first['months'])} to {_month(last['period'], last['months'])}: "
        f"{rows.height} published figure{'' if rows.height == 1 else 's'}, {conflicts} on which "
        "sources disagreed, "
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
        f"Of {reported.height} published percentage{'' if reported.height == 1 else 's'}, "
        f"{agree} agree{'s' if agree == 1 else ''} "
        f"with the data within the rounding, {differ} differ{'s' if differ == 1 else ''} and "
        f"{other} cannot be computed"
    )


def _spread(values: pl.Series) -> str:
    lo, hi = values.min(), values.max()
    return f"{lo:+,.0f} t" if round(lo) == round(hi) else f"{lo:+,.0f} t to {hi:+,.0f} t"


def front_loading_headline(result: "FrontLoading", measure: str) -> str:
    """The finding of a :func:`reanalysis.frontloading.front_loading` result, net first: the
    range of ``net_t`` (excess plus payback over the event window) against the baselines that
    ran, the span of their bands at the result's ``level`` and how many exclude zero; the
    library's verdict, worded as :func:`reanalysis.frontloading.verdict` words it; then the
    excess and payback ranges, a window that does not exist saying so.

    >>> from reanalysis import load_customs, select_series
    >>> from reanalysis.frontloading import front_loading
    >>> series = select_series(load_customs(), commodity="rare earths")
    >>> result = front_loading(series, announced="2025-04-04", effective="2025-04-04")
    >>> front_loading_headline(result, "No. 18 [2025]")[:112]
    'No. 18 [2025]: net +1,629 t to +4,360 t against the baselines over the event window, 95% bands spanning -1,816 t'
    """
    from reanalysis.frontloading.reading import percent, verdict

    summary = result.summary
    sums = pl.col("excess_t", "payback_t", "net_t")
    ran = summary.filter(pl.any_horizontal(sums.is_not_null()))
    if ran.height == 0:
        return f"{measure}: no baseline could estimate anything ({summary.height} tried)"
    net = ran.filter(pl.col("net_t").is_not_null())
    if net.height:
        head = f"net {_spread(net['net_t'])} against the baselines over the event window"
        banded = net.filter(pl.col("net_low_t").is_not_null())
        if banded.height:
            level = percent(summary["level"][0])
            clear = banded.filter((pl.col("net_low_t") > 0) | (pl.col("net_high_t") < 0)).height
            span = pl.Series([banded["net_low_t"].min(), banded["net_high_t"].max()])
            head += f", {level} bands spanning {_spread(span)} (excluding zero: {clear} of {banded.height})"
        else:
            notes = net["band_note"].drop_nulls()
            head += f", no band: {notes[0]}" if notes.len() else ", no band"
    else:
        head = "net not estimated"
    found, reason = verdict(result)
    rest = "; ".join(
        _window_part(ran, summary, figure, window, months)
        for figure, window, months in (("excess", "anticipation", "anticipation_months"),
                                       ("payback", "post", "post_months"))
    )  # fmt: skip
    return (f"{measure}: {head}. Verdict: {found}: {reason}. {rest[0].upper()}{rest[1:]} "
            f"({ran.height} of {summary.height} baselines ran).")  # fmt: skip


def _window_part(ran: pl.DataFrame, summary: pl.DataFrame, figure: str, window: str,
                 months: str) -> str:  # fmt: skip
    """``excess``/``payback`` over its window with the spread across the baselines that gave
    one, or why there is none."""
    given = ran.filter(pl.col(f"{figure}_t").is_not_null())
    if given.height:
        n = given[months].max()
        return (f"{figure} over the {window} window ({n} month{'s' if n != 1 else ''}) "
                f"{_spread(given[f'{figure}_t'])}")  # fmt: skip
    if (summary[months] == 0).all():
        return f"no {window} window"
    return f"{window} window not estimated"


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
