"""Altair charts that render offline, identically in JupyterLab, HTML reports and nbval.

Importing this module enables Altair's ``svg`` renderer (vl-convert, no JavaScript, no CDN):
the chart is a static SVG in the notebook output, byte-identical across runs. See README,
"Charts", for why this renderer and not the mimetype or html ones.
"""

import datetime as dt

import altair as alt
import polars as pl

alt.renderers.enable("svg")

OBSERVATION_COLOURS = {
    "stated": "#1f77b4",
    "derived from cumulatives": "#ff7f0e",
    "January-February combined": "#7f7f7f",
}
EVENT_COLOURS = {
    "announcement": "#d62728", "effective": "#9467bd", "effective_scheduled": "#c5b0d5",
    "approval": "#2ca02c", "approval_tightening": "#8c564b", "suspension": "#17becf",
    "general_licence": "#bcbd22", "agreement": "#e377c2",
}  # fmt: skip


def _observation(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        observation=pl.when(pl.col("months") == 2)
        .then(pl.lit("January-February combined"))
        .when("is_derived")
        .then(pl.lit("derived from cumulatives"))
        .otherwise(pl.lit("stated"))
    )


def event_rules(events: pl.DataFrame, start: dt.date, end: dt.date) -> alt.Chart:
    """Vertical rules for licence events between ``start`` and ``end``, coloured by kind."""
    shown = events.filter(pl.col("date").is_between(start, end)).select(
        "date", pl.col("kind").cast(pl.String), "announcement", "summary"
    )
    kinds = [k for k in EVENT_COLOURS if k in shown["kind"].to_list()]
    return (
        alt.Chart(shown)
        .mark_rule(strokeDash=[4, 3], strokeWidth=1.5)
        .encode(
            x="date:T",
            color=alt.Color(
                "kind:N",
                title="licence event",
                scale=alt.Scale(domain=kinds, range=[EVENT_COLOURS[k] for k in kinds]),
            ),
            tooltip=["date:T", "kind:N", "announcement:N", "summary:N"],
        )
    )


def monthly_chart(
    frame: pl.DataFrame,
    *,
    value: str = "value_t",
    title: str,
    y_title: str = "tonnes",
    events: pl.DataFrame | None = None,
) -> alt.LayerChart:
    """Monthly values of one series as points on a line, with licence events as rules.

    ``frame`` has ``period``, ``months``, ``is_derived`` and ``value``. Stated, derived and
    combined January-February observations are told apart by colour; the combined ones are
    off the line (they are two months, never halved).
    """
    data = _observation(frame).filter(pl.col(value).is_not_null())
    x = alt.X("period:T", title="month")
    y = alt.Y(f"{value}:Q", title=y_title)
    # one line per run of consecutive single months: a missing month breaks the line
    months = data.filter(pl.col("months") == 1).sort("period")
    index = pl.col("period").dt.year() * 12 + pl.col("period").dt.month()
    runs = months.with_columns(run=index - pl.int_range(pl.len()))
    line = alt.Chart(runs).mark_line(color="#9ecae1").encode(x, y, detail="run:N")
    obs = list(OBSERVATION_COLOURS)
    points = alt.Chart(data).mark_point(filled=True, size=45, opacity=1).encode(
        x, y,
        color=alt.Color("observation:N", title="observation", scale=alt.Scale(
            domain=obs, range=[OBSERVATION_COLOURS[o] for o in obs])),
        tooltip=["period:T", "months:Q", alt.Tooltip(f"{value}:Q", format=",.1f"), "observation:N"],
    )  # fmt: skip
    layers = [line, points]
    if events is not None and data.height:
        layers.append(event_rules(events, data["period"].min(), data["period"].max()))
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent")
        .properties(title=title, width=640, height=260)
    )


def growth_chart(frame: pl.DataFrame, *, title: str, events: pl.DataFrame | None = None):
    """Month-on-month and year-on-year change (percent) of one series from :func:`growth`."""
    long = frame.unpivot(
        index=["period"], on=["mom_pct", "yoy_pct"], variable_name="change", value_name="pct"
    ).with_columns(
        change=pl.col("change").replace_strict(
            {"mom_pct": "month on month", "yoy_pct": "year on year"}
        )
    )
    bars = (
        alt.Chart(long.filter(pl.col("pct").is_not_null()))
        .mark_bar(size=6)
        .encode(
            x=alt.X("period:T", title="month"),
            y=alt.Y("pct:Q", title="change, %"),
            color=alt.Color(
                "change:N", title="change", scale=alt.Scale(range=["#1f77b4", "#ff7f0e"])
            ),  # fmt: skip
            xOffset="change:N",
            tooltip=["period:T", "change:N", alt.Tooltip("pct:Q", format="+.1f")],
        )
    )
    layers = [bars, alt.Chart().mark_rule(color="black").encode(y=alt.datum(0))]
    if events is not None and frame.height:
        layers.append(event_rules(events, frame["period"].min(), frame["period"].max()))
    return (
        alt.layer(*layers, data=long)
        .resolve_scale(color="independent")
        .properties(title=title, width=640, height=220)
    )


def ytd_chart(frame: pl.DataFrame, *, title: str, years: int = 3) -> alt.Chart:
    """January-to-month cumulative tonnage by month of year, one line per recent year."""
    data = (
        frame.filter(pl.col("ytd_t").is_not_null())
        .with_columns(
            year=pl.col("period").dt.year().cast(pl.String),
            month=(pl.col("period").dt.month() + pl.col("months") - 1).cast(pl.Int8),
        )
        .filter(pl.col("period").dt.year() > pl.col("period").dt.year().max() - years)
    )
    return (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(filled=True, opacity=1))
        .encode(
            x=alt.X("month:O", title="cumulative to month"),
            y=alt.Y("ytd_t:Q", title="tonnes, January to month"),
            color=alt.Color("year:N", title="year"),
            tooltip=["year:N", "month:O", alt.Tooltip("ytd_t:Q", format=",.1f")],
        )
        .properties(title=title, width=640, height=240)
    )


def reported_chart(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    """Reported against computed percentages (from :func:`check_reported`), by verdict."""
    data = frame.filter(pl.col("computed_pct").is_not_null())
    lo = min(data["reported_pct"].min(), data["computed_pct"].min())
    hi = max(data["reported_pct"].max(), data["computed_pct"].max())
    diagonal = (
        alt.Chart(pl.DataFrame({"x": [lo, hi]})).mark_line(color="#bbbbbb").encode(x="x:Q", y="x:Q")
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=50, opacity=1)
        .encode(
            x=alt.X("computed_pct:Q", title="computed from the data, %"),
            y=alt.Y("reported_pct:Q", title="reported by the source, %"),
            color=alt.Color("verdict:N", scale=alt.Scale(
                domain=["agrees", "differs"], range=["#2ca02c", "#d62728"])),
            tooltip=["commodity:N", "partner:N", "period:T", "comparison:N", "reported_pct:Q",
                     alt.Tooltip("computed_pct:Q", format="+.2f"), "source_url:N"],
        )
    )  # fmt: skip
    return alt.layer(diagonal, points).properties(title=title, width=420, height=420)


WINDOW_COLOURS = {"anticipation": "#fdd0a2", "post": "#c6dbef", "after_suspension": "#e0e0e0"}


def front_loading_chart(
    table: pl.DataFrame, *, title: str, context_months: int = 12
) -> alt.LayerChart:
    """Actual tonnage against each baseline (``result.table`` of ``front_loading``), with the
    anticipation and post windows shaded; ``context_months`` of estimation months before.
    Combined January-February observations are left off (they are two months)."""
    shown = table.filter(pl.col("window") != "estimation")
    if shown.height == 0:
        shown = table
    first = shown["period"].min()
    data = table.filter(
        pl.col("period") >= pl.lit(first).dt.offset_by(f"-{context_months}mo"),
        pl.col("window") != "later",
        pl.col("months") == 1,  # a January-February total is not a month on this axis
    )
    actual = (
        data.unique("period")
        .sort("period")
        .select("period", "window", value_t="actual_t", series=pl.lit("actual"))
    )
    lines = pl.concat([
        actual.drop("window"),
        data.select("period", value_t="baseline_t", series=pl.lit("baseline: ") + pl.col("method")),
    ])  # fmt: skip
    spans = (
        actual.filter(pl.col("window").is_in(list(WINDOW_COLOURS)))
        .group_by("window")
        .agg(start=pl.col("period").min(), end=pl.col("period").max().dt.offset_by("1mo"))
    )
    windows = [w for w in WINDOW_COLOURS if w in spans["window"].to_list()]
    shade = alt.Chart(spans).mark_rect(opacity=0.5).encode(
        x="start:T", x2="end:T",
        color=alt.Color("window:N", title="window", scale=alt.Scale(
            domain=windows, range=[WINDOW_COLOURS[w] for w in windows])),
    )  # fmt: skip
    lines_chart = (
        alt.Chart(lines)
        .mark_line(point=alt.OverlayMarkDef(filled=True, opacity=1))
        .encode(
            x=alt.X("period:T", title="month"),
            y=alt.Y("value_t:Q", title="tonnes"),
            color=alt.Color("series:N", title="series"),
            strokeDash=alt.condition(
                alt.datum.series == "actual", alt.value([1, 0]), alt.value([5, 3])
            ),
            tooltip=["period:T", "series:N", alt.Tooltip("value_t:Q", format=",.1f")],
        )
    )
    return (
        alt.layer(shade, lines_chart)
        .resolve_scale(color="independent")
        .properties(title=title, width=640, height=260)
    )


def event_study_chart(study: pl.DataFrame, *, title: str) -> alt.Chart:
    """Deviation from the pre-event mean, months -k..+k around each event (``event_study``)."""
    data = study.filter(pl.col("deviation_pct").is_not_null())
    base = alt.Chart(data).encode(
        x=alt.X("offset:Q", title="months from the event month"),
        y=alt.Y("deviation_pct:Q", title="against the pre-event mean, %"),
        color=alt.Color("measure:N", title="measure"),
        tooltip=["measure:N", "event_date:T", "offset:Q", "period:T",
                 alt.Tooltip("value_t:Q", format=",.1f"), alt.Tooltip("deviation_pct:Q", format="+.1f")],
    )  # fmt: skip
    zero = alt.Chart().mark_rule(color="black").encode(x=alt.datum(0))
    return alt.layer(
        base.mark_line(point=alt.OverlayMarkDef(filled=True, opacity=1)), zero, data=data
    ).properties(title=title, width=640, height=260)
