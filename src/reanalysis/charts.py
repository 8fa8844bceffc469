"""Altair charts that cannot be misread, interactive offline in JupyterLab and the HTML reports.

Rules every chart here keeps (each has a test in ``tests/test_charts.py``):

- month-on-month and year-on-year are two bars side by side in each month, never stacked;
- a combined January-February release is a labelled two-month span, never a monthly value;
- a line never crosses a missing month (each run of consecutive months is its own line);
- licence events are rules labelled with their kind and measure, not only coloured;
- axes carry units; every mark has a tooltip with the value, its note and its source address;
- the time axis zooms and pans (mouse wheel, drag); legends are never cut off.

Importing this module enables the ``reanalysis`` Altair renderer (:func:`render`): each chart
output carries the chart compiled to Vega 5 (``application/vnd.vega.v5+json``, which
JupyterLab 4.6 renders interactively) and a static SVG of the same chart (``image/svg+xml``,
for viewers without JavaScript and for nbval). See README, "Charts".
"""

import datetime as dt
import re

import altair as alt
import polars as pl
import vl_convert as vlc

VEGA_MIMETYPE = "application/vnd.vega.v5+json"
# The Vega-Lite compiler whose output is a Vega 5 spec (JupyterLab 4.6 ships Vega 5.33).
VEGALITE_FOR_VEGA5 = "5.21"
MONTH = "%B %Y"

OBSERVATION_COLOURS = {"stated": "#1f77b4", "derived from cumulatives": "#ff7f0e"}
COMBINED_COLOUR = "#7f7f7f"
CHANGE_COLOURS = {"month on month": "#1f77b4", "year on year": "#ff7f0e"}
EVENT_COLOURS = {
    "announcement": "#d62728", "effective": "#9467bd", "effective_scheduled": "#c5b0d5",
    "approval": "#2ca02c", "approval_tightening": "#8c564b", "suspension": "#17becf",
    "general_licence": "#bcbd22", "agreement": "#e377c2",
}  # fmt: skip
# Event labels run down from the top of a 260 px chart at 9 px: cut here, in full in the tooltip
# (Vega's own text limit measures the text and costs 0.3 s a chart in vl-convert).
LABEL_CHARS = 45
WINDOW_COLOURS = {"anticipation": "#fdd0a2", "post": "#c6dbef", "after_suspension": "#e0e0e0"}


def render(spec: dict, **_) -> dict:
    """Altair renderer: the chart as Vega 5 (interactive in JupyterLab) plus a static SVG.

    >>> bundle = render(alt.Chart(pl.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").to_dict())
    >>> sorted(bundle)
    ['application/vnd.vega.v5+json', 'image/svg+xml', 'text/plain']
    """
    vega = vlc.vegalite_to_vega(spec, vl_version=VEGALITE_FOR_VEGA5)
    svg = vlc.vega_to_svg(vega)
    # vl-convert numbers clip paths across the process: number them within the picture
    clips = {c: f"clip{i}" for i, c in enumerate(dict.fromkeys(re.findall(r'id="(clip\d+)"', svg)))}
    svg = re.sub(r"\b(clip\d+)\b", lambda m: clips.get(m.group(1), m.group(1)), svg)
    return {VEGA_MIMETYPE: vega, "image/svg+xml": svg,
            "text/plain": "<chart: interactive in JupyterLab, static SVG elsewhere>"}  # fmt: skip


alt.renderers.register("reanalysis", render)
alt.renderers.enable("reanalysis")


def _zoom() -> alt.Parameter:
    """Wheel zooms and drag pans the time axis. The parameter and the view carrying it are
    named, so that the output is the same in every run (Altair would number them)."""
    return alt.selection_interval(name="zoom", bind="scales", encodings=["x"])


def _legend(**kwargs) -> alt.Legend:
    return alt.Legend(labelLimit=0, titleLimit=0, **kwargs)


def month_runs(frame: pl.DataFrame, by: list[str] | None = None) -> pl.DataFrame:
    """``frame`` sorted, with ``run``: one number per run of consecutive months (per ``by``).

    A line drawn with ``detail="run"`` stops at a missing month instead of crossing it.

    >>> f = pl.DataFrame({"period": [dt.date(2025, m, 1) for m in (1, 2, 4)]})
    >>> month_runs(f)["run"].to_list()
    [0, 0, 1]
    """
    by = by or []
    index = pl.col("period").dt.year().cast(pl.Int32) * 12 + pl.col("period").dt.month()
    step = index.diff().over(by) if by else index.diff()
    run = (step.fill_null(1) != 1).cum_sum()
    return frame.sort([*by, "period"]).with_columns(
        run=(run.over(by) if by else run).cast(pl.Int32)
    )


def event_labels(events: pl.DataFrame, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Events between ``start`` and ``end`` with ``label``: kind and measure (``No. 18 [2025]``).

    >>> e = pl.DataFrame({"date": [dt.date(2025, 4, 4)], "kind": ["announcement"],
    ...                   "announcement": ["MOFCOM/GACC Announcement No. 18 [2025]"],
    ...                   "summary": ["s"], "source_url": ["https://x"]})
    >>> event_labels(e, dt.date(2025, 1, 1), dt.date(2025, 12, 1))["label"].to_list()
    ['announcement No. 18 [2025]']
    """
    number = pl.col("announcement").str.extract(r"No\.\s*(\d+)\s*\[\d{4}\]")
    year = pl.col("announcement").str.extract(r"No\.\s*\d+\s*\[(\d{4})\]")
    kind = pl.col("kind").cast(pl.String).str.replace_all("_", " ")
    return events.filter(pl.col("date").is_between(start, end)).select(
        "date",
        pl.col("kind").cast(pl.String),
        kind_label=kind,
        number=number.cast(pl.Int32),
        year=year,
        label=pl.when(number.is_not_null())
        .then(pl.format("{} No. {} [{}]", kind, number, year))
        .otherwise(kind),
        note=pl.col("summary").fill_null(""),
        source_url="source_url",
    )


def month_labels(labelled: pl.DataFrame) -> pl.DataFrame:
    """One label per month of events (from :func:`event_labels`), at its first event: each
    kind once, with its measures ("announcement Nos. 55, 57 [2025]; approval").

    >>> e = pl.DataFrame({"date": [dt.date(2025, 10, 9)] * 3 + [dt.date(2025, 10, 30)],
    ...                   "kind_label": ["announcement"] * 3 + ["approval"],
    ...                   "number": [57, 55, None, None], "year": ["2025", "2025", None, None],
    ...                   "note": ["a", "b", "c", "d"], "source_url": ["u1", "u2", "u3", "u4"]})
    >>> month_labels(e).select("date", "label").row(0)
    (datetime.date(2025, 10, 9), 'announcement Nos. 55, 57 [2025]; approval')
    """
    month = pl.col("date").dt.truncate("1mo")
    by_kind = (
        labelled.with_columns(month=month)
        .group_by("month", "kind_label", maintain_order=True)
        .agg(
            first=pl.col("date").min(),
            numbers=pl.col("number").drop_nulls().unique().sort().cast(pl.String).str.join(", "),
            n=pl.col("number").drop_nulls().n_unique(),
            year=pl.col("year").drop_nulls().first(),
        )
        .with_columns(
            label=pl.when(pl.col("n") == 0)
            .then("kind_label")
            .otherwise(
                pl.format(
                    "{} {} {} [{}]",
                    "kind_label",
                    pl.when(pl.col("n") == 1).then(pl.lit("No.")).otherwise(pl.lit("Nos.")),
                    "numbers",
                    "year",
                )  # fmt: skip
            )
        )
        .sort("month", "first")
    )
    texts = (
        labelled.with_columns(month=month)
        .group_by("month")
        .agg(note=pl.col("note").str.join(" | "), source_url=pl.col("source_url").str.join(" "))
    )
    return (
        by_kind.group_by("month", maintain_order=True)
        .agg(date=pl.col("first").min(), label=pl.col("label").str.join("; "))
        .join(texts, on="month")
        .with_columns(
            short=pl.when(pl.col("label").str.len_chars() > LABEL_CHARS)
            .then(pl.col("label").str.slice(0, LABEL_CHARS - 1) + "…")
            .otherwise("label")
        )
        .select("date", "label", "short", "note", "source_url")
    )


def event_rules(events: pl.DataFrame, start: dt.date, end: dt.date) -> alt.LayerChart:
    """Licence events between ``start`` and ``end``: dashed rules coloured by kind, and one
    label per month along the rule naming each kind with its measures (tooltip: all of it)."""
    shown = event_labels(events, start, end)
    kinds = [k for k in EVENT_COLOURS if k in shown["kind"].to_list()]
    rules = (
        alt.Chart(shown.drop("number", "year", "kind_label"))
        .mark_rule(strokeDash=[4, 3], strokeWidth=1.5)
        .encode(
            x="date:T",
            color=alt.Color("kind:N", title="licence event",
                            scale=alt.Scale(domain=kinds, range=[EVENT_COLOURS[k] for k in kinds]),
                            legend=_legend()),
            tooltip=[alt.Tooltip("date:T", title="date", format="%d %B %Y"),
                     alt.Tooltip("label:N", title="event"), alt.Tooltip("note:N", title="note"),
                     alt.Tooltip("source_url:N", title="source")],
        )
    )  # fmt: skip
    text = (
        alt.Chart(month_labels(shown))
        .mark_text(angle=270, align="right", baseline="bottom", dx=-4, dy=-2, fontSize=9,
                   color="#444444")
        .encode(x="date:T", y=alt.value(0), text="short:N",
                tooltip=[alt.Tooltip("date:T", title="from", format="%d %B %Y"),
                         alt.Tooltip("label:N", title="events"),
                         alt.Tooltip("note:N", title="note"),
                         alt.Tooltip("source_url:N", title="source")])
    )  # fmt: skip
    return alt.layer(rules, text)


def _note(*parts: pl.Expr) -> pl.Expr:
    """The non-null parts joined with '; ' ('' when none)."""
    return pl.concat_str(list(parts), separator="; ", ignore_nulls=True).fill_null("")


def _observation_notes(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        observation=pl.when("is_derived")
        .then(pl.lit("derived from cumulatives"))
        .otherwise(pl.lit("stated")),
        note=_note(
            pl.when(pl.col("months") == 2).then(pl.lit("January-February combined (two months)")),
            pl.when("is_derived").then(pl.lit("derived from cumulatives")),
            pl.when("has_conflict").then(pl.lit("sources disagreed")),
        ),
        source_url=pl.col("source_url").cast(pl.String),
    )


def combined_spans(frame: pl.DataFrame, value: str = "value_t") -> pl.DataFrame:
    """Combined January-February releases as two-month spans (``start``, ``end``, ``label``).

    >>> f = pl.DataFrame({"period": [dt.date(2025, 1, 1)], "months": [2], "value_t": [8511.0],
    ...                   "note": [""], "source_url": ["https://x"]})
    >>> combined_spans(f).select("start", "end", "label").row(0)
    (datetime.date(2025, 1, 1), datetime.date(2025, 3, 1), 'Jan-Feb 2025 together: 8,511 t')
    """
    total = pl.col(value).round(0).cast(pl.Int64)
    thousands = total.cast(pl.String).str.replace(r"(\d)(\d{3})$", "$1,$2")
    return frame.filter(pl.col("months") == 2, pl.col(value).is_not_null()).select(
        start="period",
        end=pl.col("period").dt.offset_by("2mo"),
        label=pl.format("Jan-Feb {} together: {} t", pl.col("period").dt.year(), thousands),
        value_t=pl.col(value),
        note="note",
        source_url="source_url",
    )


def _combined_layers(spans: pl.DataFrame) -> list[alt.Chart]:
    tooltip = [alt.Tooltip("label:N", title="January-February combined"),
               alt.Tooltip("value_t:Q", title="tonnes, two months", format=",.1f"),
               alt.Tooltip("note:N", title="note"), alt.Tooltip("source_url:N", title="source")]  # fmt: skip
    band = (
        alt.Chart(spans)
        .mark_rect(color=COMBINED_COLOUR, opacity=0.18)
        .encode(x="start:T", x2="end:T", tooltip=tooltip)
    )
    text = (
        alt.Chart(spans)
        .mark_text(align="left", baseline="bottom", dx=2, fontSize=9, color="#555555")
        .encode(x="start:T", y=alt.value(260), text="label:N", tooltip=tooltip)
    )
    return [band, text]


def monthly_chart(
    frame: pl.DataFrame,
    *,
    value: str = "value_t",
    title: str,
    y_title: str = "tonnes per month",
    events: pl.DataFrame | None = None,
) -> alt.LayerChart:
    """Monthly values of one series: points on a line broken at missing months, combined
    January-February releases as labelled two-month spans, licence events as labelled rules.

    ``frame`` has ``period``, ``months``, ``is_derived``, ``has_conflict``, ``source_url``
    and ``value``.
    """
    data = _observation_notes(frame.filter(pl.col(value).is_not_null()))
    months = month_runs(data.filter(pl.col("months") == 1))
    x = alt.X("period:T", title="month")
    y = alt.Y(f"{value}:Q", title=y_title, scale=alt.Scale(zero=True))
    tooltip = [alt.Tooltip("period:T", title="month", format=MONTH),
               alt.Tooltip(f"{value}:Q", title=y_title, format=",.1f"),
               alt.Tooltip("note:N", title="note"), alt.Tooltip("source_url:N", title="source")]  # fmt: skip
    line = (
        alt.Chart(months).mark_line(color="#9ecae1").encode(x, y, detail="run:N", tooltip=tooltip)
    )
    obs = list(OBSERVATION_COLOURS)
    points = (
        alt.Chart(months)
        .mark_point(filled=True, size=45, opacity=1)
        .encode(
            x, y,
            color=alt.Color("observation:N", title="observation", legend=_legend(),
                            scale=alt.Scale(domain=obs, range=[OBSERVATION_COLOURS[o] for o in obs])),
            tooltip=tooltip,
        )
        .add_params(_zoom())
        .properties(name="data")
    )  # fmt: skip
    layers = _combined_layers(combined_spans(data, value))
    if events is not None and data.height:  # under the points: hovering a point finds it
        end = data["period"].max() + dt.timedelta(days=31)
        layers.append(event_rules(events, data["period"].min(), end))
    layers += [line, points]
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent")
        .properties(title=title, width=640, height=260)
    )


def growth_bars(frame: pl.DataFrame) -> pl.DataFrame:
    """One bar per month and comparison from :func:`growth` output, side by side in the month:
    month on month in days 2-15, year on year in days 16-28 (``start``, ``end``). A combined
    January-February figure spans the two months' year-on-year halves, labelled as such.

    >>> f = pl.DataFrame({"period": [dt.date(2025, 6, 1)], "months": [1], "mom_pct": [32.0],
    ...                   "yoy_pct": [60.3], "mom_note": [None], "yoy_note": [None],
    ...                   "source_url": ["https://x"]})
    >>> growth_bars(f).select("change", "pct", "start", "end").rows()
    [('month on month', 32.0, datetime.date(2025, 6, 2), datetime.date(2025, 6, 15)), \
('year on year', 60.3, datetime.date(2025, 6, 16), datetime.date(2025, 6, 28))]
    """
    base = frame.select(
        "period", "months", source_url=pl.col("source_url").cast(pl.String),
        month=pl.when(pl.col("months") == 2)
        .then(pl.format("January-February {} (combined)", pl.col("period").dt.year()))
        .otherwise(pl.col("period").dt.strftime("%B %Y")),
    )  # fmt: skip
    last_day = (
        pl.col("period").dt.offset_by(pl.format("{}mo", pl.col("months"))).dt.offset_by("-1d")
    )
    parts = []
    for change, pct, note, first, last in (
        ("month on month", "mom_pct", "mom_note", 2, 15),
        ("year on year", "yoy_pct", "yoy_note", 16, 28),
    ):
        parts.append(
            base.with_columns(
                change=pl.lit(change),
                pct=frame[pct].cast(pl.Float64),
                note=frame[note].cast(pl.String).fill_null(""),
                start=pl.col("period").dt.offset_by(f"{first - 1}d"),
                end=pl.when(pl.col("months") == 2)
                .then(last_day.dt.offset_by("-1d"))
                .otherwise(pl.col("period").dt.offset_by(f"{last - 1}d")),
            )
        )
    return (
        pl.concat(parts)
        .filter(pl.col("pct").is_not_null())
        .sort("period", "change")
        .select("period", "months", "month", "change", "pct", "note", "source_url", "start", "end")
    )


def growth_chart(
    frame: pl.DataFrame, *, title: str, events: pl.DataFrame | None = None
) -> alt.LayerChart:
    """Month-on-month and year-on-year change (percent) from :func:`growth`, as two bars side
    by side in each month (never stacked), with licence events as labelled rules."""
    bars = growth_bars(frame)
    changes = list(CHANGE_COLOURS)
    chart = (
        alt.Chart(bars)
        .mark_bar()
        .encode(
            x=alt.X("start:T", title="month"),
            x2="end:T",
            y=alt.Y("pct:Q", title="change, %", stack=None),
            y2=alt.datum(0),
            color=alt.Color("change:N", title="change", legend=_legend(), scale=alt.Scale(
                domain=changes, range=[CHANGE_COLOURS[c] for c in changes])),
            tooltip=[alt.Tooltip("month:N", title="month"), alt.Tooltip("change:N", title="change"),
                     alt.Tooltip("pct:Q", title="change, %", format="+.1f"),
                     alt.Tooltip("note:N", title="note"), alt.Tooltip("source_url:N", title="source")],
        )
        .add_params(_zoom())
        .properties(name="data")
    )  # fmt: skip
    zero = (
        alt.Chart(pl.DataFrame({"zero": [0.0], "what": ["no change"]}))
        .mark_rule(color="black")
        .encode(y="zero:Q", tooltip=alt.Tooltip("what:N", title="line"))
    )
    layers = []
    if events is not None and frame.height:  # under the bars: hovering a bar finds it
        end = frame["period"].max() + dt.timedelta(days=31)
        layers.append(event_rules(events, frame["period"].min(), end))
    layers += [zero, chart]
    return (
        alt.layer(*layers)
        .resolve_scale(color="independent")
        .properties(title=title, width=640, height=240)
    )


def ytd_chart(frame: pl.DataFrame, *, title: str, years: int = 3) -> alt.LayerChart:
    """January-to-month cumulative tonnage by month of year, one line per recent year; a line
    stops where a month's cumulative is missing."""
    data = (
        frame.filter(pl.col("ytd_t").is_not_null())
        .with_columns(
            year=pl.col("period").dt.year().cast(pl.String),
            month=(pl.col("period").dt.month() + pl.col("months") - 1).cast(pl.Int8),
            note=_note(
                pl.when(pl.col("months") == 2).then(pl.lit("January-February combined")),
                pl.when("ytd_is_derived").then(pl.lit("derived")),
                pl.when("has_conflict").then(pl.lit("sources disagreed")),
            ),
            source_url=pl.col("source_url").cast(pl.String),
        )
        .filter(pl.col("period").dt.year() > pl.col("period").dt.year().max() - years)
        .sort("year", "month")
        .with_columns(
            run=pl.col("year")
            + "|"
            + (pl.col("month").diff().over("year").fill_null(1) != 1)
            .cum_sum()
            .over("year")
            .cast(pl.String)
        )  # fmt: skip
        .select("year", "month", "run", "ytd_t", "note", "source_url")
    )
    x = alt.X("month:O", title="January to month (month of year)")
    y = alt.Y("ytd_t:Q", title="tonnes, January to month")
    colour = alt.Color("year:N", title="year", legend=_legend())
    tooltip = [alt.Tooltip("year:N", title="year"), alt.Tooltip("month:O", title="to month"),
               alt.Tooltip("ytd_t:Q", title="tonnes, January to month", format=",.1f"),
               alt.Tooltip("note:N", title="note"), alt.Tooltip("source_url:N", title="source")]  # fmt: skip
    line = alt.Chart(data).mark_line().encode(x, y, colour, detail="run:N", tooltip=tooltip)
    points = (
        alt.Chart(data).mark_point(filled=True, opacity=1).encode(x, y, colour, tooltip=tooltip)
    )
    return alt.layer(line, points).properties(title=title, width=640, height=240)


def reported_chart(frame: pl.DataFrame, *, title: str) -> alt.LayerChart:
    """Reported against computed percentages (from :func:`check_reported`), by verdict."""
    data = frame.filter(pl.col("computed_pct").is_not_null()).with_columns(
        note=pl.col("reason").fill_null("")
    )
    lo = min(data["reported_pct"].min(), data["computed_pct"].min())
    hi = max(data["reported_pct"].max(), data["computed_pct"].max())
    diagonal = (
        alt.Chart(pl.DataFrame({"x": [lo, hi], "what": ["reported = computed"] * 2}))
        .mark_line(color="#bbbbbb")
        .encode(x="x:Q", y="x:Q", tooltip=alt.Tooltip("what:N", title="line"))
    )
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=50, opacity=1)
        .encode(
            x=alt.X("computed_pct:Q", title="computed from the data, %"),
            y=alt.Y("reported_pct:Q", title="reported by the source, %"),
            color=alt.Color("verdict:N", legend=_legend(), scale=alt.Scale(
                domain=["agrees", "differs"], range=["#2ca02c", "#d62728"])),
            tooltip=["commodity:N", "partner:N", alt.Tooltip("period:T", title="month", format=MONTH),
                     "comparison:N", alt.Tooltip("reported_pct:Q", title="reported, %", format="+.1f"),
                     alt.Tooltip("computed_pct:Q", title="computed, %", format="+.2f"),
                     alt.Tooltip("note:N", title="note"), alt.Tooltip("source_url:N", title="source")],
        )
    )  # fmt: skip
    return alt.layer(diagonal, points).properties(title=title, width=420, height=420)


def _sources(sources: pl.DataFrame | None) -> pl.DataFrame:
    schema = {"period": pl.Date, "source_url": pl.String, "note": pl.String}
    if sources is None:
        return pl.DataFrame(schema=schema)
    return _observation_notes(sources.filter(pl.col("months") == 1)).select(*schema)


def front_loading_chart(
    table: pl.DataFrame,
    *,
    title: str,
    context_months: int = 12,
    sources: pl.DataFrame | None = None,
) -> alt.LayerChart:
    """Actual tonnage against each baseline (``result.table`` of ``front_loading``), with the
    anticipation and post windows shaded; ``context_months`` of estimation months before.
    Combined January-February observations are left off (they are two months); lines stop at
    missing months. ``sources`` (the series) gives each month's note and source address."""
    shown = table.filter(~pl.col("window").is_in(["estimation", "excluded"]))
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
    ]).filter(pl.col("value_t").is_not_null())  # fmt: skip
    lines = month_runs(lines, by=["series"]).join(_sources(sources), on="period", how="left")
    lines = lines.with_columns(
        note=pl.when(pl.col("series") == "actual")
        .then(pl.col("note").fill_null(""))
        .otherwise(pl.lit("modelled: what the baseline expects without the control")),
        source_url=pl.when(pl.col("series") == "actual").then("source_url"),
    )
    spans = (
        actual.filter(pl.col("window").is_in(list(WINDOW_COLOURS)))
        .group_by("window")
        .agg(start=pl.col("period").min(), end=pl.col("period").max().dt.offset_by("1mo"))
        .sort("start")
    )
    windows = [w for w in WINDOW_COLOURS if w in spans["window"].to_list()]
    shade = alt.Chart(spans).mark_rect(opacity=0.5).encode(
        x="start:T", x2="end:T",
        color=alt.Color("window:N", title="window", legend=_legend(), scale=alt.Scale(
            domain=windows, range=[WINDOW_COLOURS[w] for w in windows])),
        tooltip=[alt.Tooltip("window:N", title="window"),
                 alt.Tooltip("start:T", title="from", format=MONTH),
                 alt.Tooltip("end:T", title="until (excluded)", format=MONTH)],
    )  # fmt: skip
    lines_chart = (
        alt.Chart(lines)
        .mark_line(point=alt.OverlayMarkDef(filled=True, opacity=1))
        .encode(
            x=alt.X("period:T", title="month"),
            y=alt.Y("value_t:Q", title="tonnes per month"),
            color=alt.Color("series:N", title="series", legend=_legend()),
            detail="run:N",
            strokeDash=alt.condition(
                alt.datum.series == "actual", alt.value([1, 0]), alt.value([5, 3])
            ),
            tooltip=[alt.Tooltip("period:T", title="month", format=MONTH), "series:N",
                     alt.Tooltip("value_t:Q", title="tonnes", format=",.1f"),
                     alt.Tooltip("note:N", title="note"), alt.Tooltip("source_url:N", title="source")],
        )
        .add_params(_zoom())
        .properties(name="data")
    )  # fmt: skip
    return (
        alt.layer(shade, lines_chart)
        .resolve_scale(color="independent")
        .properties(title=title, width=640, height=260)
    )


def event_study_chart(
    study: pl.DataFrame, *, title: str, sources: pl.DataFrame | None = None
) -> alt.LayerChart:
    """Deviation from the pre-event mean, months -k..+k around each event (``event_study``):
    whole months on the axis, a line per measure stopping at missing months. ``sources`` (the
    series) gives each month's note and source address."""
    data = month_runs(study.filter(pl.col("deviation_pct").is_not_null()), by=["measure"])
    data = data.join(_sources(sources), on="period", how="left").with_columns(
        note=pl.col("note").fill_null("")
    )
    lo, hi = (int(study["offset"].min() or 0), int(study["offset"].max() or 0))
    base = alt.Chart(data).encode(
        x=alt.X("offset:Q", title="months from the event month",
                scale=alt.Scale(domain=[lo, hi], nice=False),
                axis=alt.Axis(values=list(range(lo, hi + 1)), format="d", tickMinStep=1)),
        y=alt.Y("deviation_pct:Q", title="against the pre-event mean, %"),
        color=alt.Color("measure:N", title="measure", legend=_legend(orient="bottom", columns=1)),
        detail="run:N",
        tooltip=["measure:N", alt.Tooltip("event_date:T", title="announced", format="%d %B %Y"),
                 alt.Tooltip("offset:Q", title="months from the event"),
                 alt.Tooltip("period:T", title="month", format=MONTH),
                 alt.Tooltip("value_t:Q", title="tonnes", format=",.1f"),
                 alt.Tooltip("deviation_pct:Q", title="against the pre-event mean, %", format="+.1f"),
                 alt.Tooltip("note:N", title="note"), alt.Tooltip("source_url:N", title="source")],
    )  # fmt: skip
    zero = (
        alt.Chart(pl.DataFrame({"offset": [0], "what": ["the event month"]}))
        .mark_rule(color="black")
        .encode(x="offset:Q", tooltip=alt.Tooltip("what:N", title="line"))
    )
    return alt.layer(
        base.mark_line(point=alt.OverlayMarkDef(filled=True, opacity=1)), zero
    ).properties(title=title, width=640, height=260)


UNIT_VALUE_PANELS = {"value_t": "tonnes", "value_usd": "US dollars", "usd_per_t": "US dollars per tonne"}  # fmt: skip


def value_volume_chart(frame: pl.DataFrame, *, title: str) -> alt.Chart:
    """Volume, value and unit value of one series, one panel each on a shared time axis, from
    a :func:`reanalysis.growth.growth` frame of a file with trade values (``value_usd``,
    ``usd_per_t``). Lines break at missing months; a unit value withheld because the weight
    was estimated is a gap. Without trade values, a one-line chart says so.
    """
    if "usd_per_t" not in frame.columns:
        return (
            alt.Chart(pl.DataFrame({"text": ["No trade values in this data: volume only "
                                             "(unit values need a file with values, "
                                             "such as a UN Comtrade+ export)."]}))
            .mark_text(align="left", x=0, fontSize=13)
            .encode(text="text:N")
            .properties(title=title, width=640, height=30)
        )  # fmt: skip
    estimated = pl.col("weight_estimated") if "weight_estimated" in frame.columns else pl.lit(False)
    long = (
        frame.filter(pl.col("months") == 1)
        .with_columns(
            source_url=pl.col("source_url").cast(pl.String),
            estimated=estimated.fill_null(False),
        )
        .unpivot(index=["period", "source_url", "estimated"], on=list(UNIT_VALUE_PANELS),
                 variable_name="measure")
        .filter(pl.col("value").is_not_null())
        .with_columns(
            note=pl.when("estimated", pl.col("measure") == "value_t")
            .then(pl.lit("estimated weight"))
            .otherwise(pl.lit("")),
            measure=pl.col("measure").replace_strict(UNIT_VALUE_PANELS),
        )
        .drop("estimated")
    )  # fmt: skip
    panels = list(UNIT_VALUE_PANELS.values())
    return (
        alt.Chart(month_runs(long, by=["measure"]))
        .mark_line(point=True)
        .encode(
            alt.X("period:T", title="month"),
            alt.Y("value:Q", title=None, scale=alt.Scale(zero=True)),
            detail="run:N",
            tooltip=[alt.Tooltip("period:T", title="month", format=MONTH),
                     alt.Tooltip("measure:N"), alt.Tooltip("value:Q", format=",.1f"),
                     alt.Tooltip("note:N", title="note"), alt.Tooltip("source_url:N", title="source")],
        )
        .add_params(_zoom())
        .properties(width=640, height=140, name="data")
        .facet(row=alt.Row("measure:N", title=None, sort=panels,
                           header=alt.Header(labelAngle=0, labelAlign="left", labelLimit=0)))
        .resolve_scale(y="independent")
        .properties(title=title)
    )  # fmt: skip
