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
    line = alt.Chart(data.filter(pl.col("months") == 1)).mark_line(color="#9ecae1").encode(x, y)
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
