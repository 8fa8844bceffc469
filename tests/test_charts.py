"""Charts: one test per rule of what a chart may show, on the chart specifications and the data
each layer draws (the pictures and their interaction are checked in the browser test)."""

import datetime as dt

import altair as alt
import polars as pl
import pytest

from reanalysis.charts import (
    VEGA_MIMETYPE,
    event_rules,
    event_study_chart,
    front_loading_chart,
    growth_bars,
    growth_chart,
    month_runs,
    monthly_chart,
    render,
    reported_chart,
    ytd_chart,
)
from reanalysis.events import licence_measures, load_licence_events, relevant_to
from reanalysis.frontloading import event_study, front_loading
from reanalysis.growth import check_reported, growth
from reanalysis.series import select_series

D = dt.date
U = "https://example.org/"


def frame(rows):
    """period, months, value_t, is_derived, ytd_t; no conflicts; a source per row."""
    f = pl.DataFrame(rows, schema={"period": pl.Date, "months": pl.Int8, "value_t": pl.Float64,
                                   "is_derived": pl.Boolean, "ytd_t": pl.Float64}, orient="row")  # fmt: skip
    return f.with_columns(
        has_conflict=pl.lit(False),
        ytd_is_derived=pl.lit(False),
        source_url=pl.format(U + "{}", pl.col("period").dt.strftime("%Y-%m")),
    )


SERIES = frame([(D(2025, 1, 1), 2, 200.0, False, 200.0), (D(2025, 3, 1), 1, 90.0, False, 290.0),
                (D(2025, 4, 1), 1, 80.0, True, 370.0), (D(2025, 6, 1), 1, 70.0, False, None)])  # fmt: skip


@pytest.fixture(scope="module")
def rare_earths(shipped):
    return growth(select_series(shipped, commodity="rare earths"))


@pytest.fixture(scope="module")
def events():
    return relevant_to(load_licence_events(), "rare earths")


@pytest.fixture(scope="module")
def every_chart(rare_earths, events):
    """Each chart function on the shipped rare-earth series."""
    measures = licence_measures(events)
    result = front_loading(rare_earths, announced=D(2025, 4, 4), effective=D(2025, 4, 4))
    study = event_study(rare_earths, measures.select("measure", date="announced").drop_nulls())
    return {
        "monthly": monthly_chart(rare_earths, title="t", events=events),
        "growth": growth_chart(rare_earths, title="t", events=events),
        "ytd": ytd_chart(rare_earths, title="t"),
        "reported": reported_chart(check_reported(), title="t"),
        "front_loading": front_loading_chart(result.table, title="t", sources=rare_earths),
        "event_study": event_study_chart(study, title="t", sources=rare_earths),
    }


def layers(chart, inherited=None) -> list:
    """Every single-view chart inside ``chart`` (layers flattened), each with its data (a
    layer without its own data draws its parent's: Altair moves shared data up)."""
    own = chart.data if isinstance(chart.data, pl.DataFrame) else inherited
    if isinstance(chart, alt.LayerChart):
        return [leaf for layer in chart.layer for leaf in layers(layer, own)]
    return [chart.copy(deep=False).properties(data=own) if own is not None else chart]


def encoding(layer) -> dict:
    return layer.to_dict(validate=False).get("encoding", {})


def mark(layer) -> str:
    return layer.mark if isinstance(layer.mark, str) else layer.mark.type


def data(layer) -> pl.DataFrame:
    return layer.data if isinstance(layer.data, pl.DataFrame) else pl.DataFrame()


# 1. month on month and year on year side by side, never stacked


def test_growth_bars_are_side_by_side_in_their_month_and_never_stacked(rare_earths):
    chart = growth_chart(rare_earths, title="t")
    bars = next(layer for layer in layers(chart) if mark(layer) == "bar")
    assert encoding(bars)["y"]["stack"] is None and encoding(bars)["y2"] == {"datum": 0}
    june = data(bars).filter(pl.col("period") == D(2025, 6, 1))
    assert june.select("change", pl.col("pct").round(1), "start", "end").rows() == [
        ("month on month", 32.0, D(2025, 6, 2), D(2025, 6, 15)),
        ("year on year", 60.3, D(2025, 6, 16), D(2025, 6, 28)),
    ]


def test_no_two_growth_bars_overlap(rare_earths):
    bars = growth_bars(rare_earths).sort("start")
    assert (bars["start"].shift(-1) > bars["end"]).drop_nulls().all()


# 2. a combined January-February release is never one month's value


def test_combined_months_are_a_labelled_two_month_span_off_the_monthly_axis():
    chart = monthly_chart(SERIES, title="t")
    on_axis = [data(layer) for layer in layers(chart) if "y" in encoding(layer)]
    assert on_axis and all((d["months"] == 1).all() for d in on_axis if "months" in d.columns)
    span = data(layers(chart)[0])
    assert span.select("start", "end", "label", "value_t").rows() == [
        (D(2025, 1, 1), D(2025, 3, 1), "Jan-Feb 2025 together: 200 t", 200.0)
    ]
    tooltip = [t["field"] for t in encoding(layers(chart)[0])["tooltip"]]
    assert tooltip == ["label", "value_t", "note", "source_url"]


def test_a_combined_growth_figure_spans_both_months():
    f = SERIES.with_columns(mom_pct=None, mom_note=None, yoy_pct=pl.lit(-3.0), yoy_note=None)
    bars = growth_bars(f.head(1))
    assert bars.select("month", "start", "end").rows() == [
        ("January-February 2025 (combined)", D(2025, 1, 16), D(2025, 2, 27))
    ]


def test_front_loading_chart_leaves_combined_months_off(every_chart):
    lines = data(layers(every_chart["front_loading"])[1])
    assert lines.height and not lines.filter(pl.col("period").dt.month() == 1).height


def test_front_loading_chart_context_starts_before_the_event_not_an_excluded_month(every_chart):
    # No. 18 [2025] on rare earths excludes 2023-12..2024-02 (No. 57 [2023]) from estimation;
    # the 12 months of context still end at the event (2025-04), so start at 2024-04
    lines = data(layers(every_chart["front_loading"])[1])
    assert lines["period"].min() == D(2024, 4, 1)


# 3. no line across a missing month, anywhere


def test_month_runs_number_each_run_of_consecutive_months():
    f = pl.DataFrame({"s": ["a", "a", "a", "b", "b"],
                      "period": [D(2024, 12, 1), D(2025, 1, 1), D(2025, 3, 1), D(2025, 1, 1),
                                 D(2025, 2, 1)]})  # fmt: skip
    assert month_runs(f, by=["s"])["run"].to_list() == [0, 0, 1, 0, 0]
    assert month_runs(f.filter(pl.col("s") == "a"))["run"].to_list() == [0, 0, 1]


@pytest.mark.parametrize("name", ["monthly", "front_loading", "event_study"])
def test_no_line_crosses_a_missing_month(every_chart, name):
    lines = [layer for layer in layers(every_chart[name]) if mark(layer) == "line"]
    assert lines
    for layer in lines:
        d = data(layer)
        keys = [k for k in ("series", "measure") if k in d.columns]
        index = pl.col("period").dt.year() * 12 + pl.col("period").dt.month()
        steps = d.sort([*keys, "run", "period"]).select(index.diff().over([*keys, "run"]))
        assert encoding(layer)["detail"]["field"] == "run"
        assert steps.to_series().drop_nulls().unique().to_list() in ([1], [])
        ordered = d.sort([*keys, "period"])
        step = ordered.select(index.diff().over(keys) if keys else index.diff()).to_series()
        previous = pl.col("run").shift()
        new_run = ordered.select(pl.col("run") != (previous.over(keys) if keys else previous))
        new_run = new_run.to_series()
        assert (step > 1).eq(new_run).drop_nulls().all()  # a run starts exactly at each gap


def test_the_monthly_line_breaks_where_the_shipped_series_misses_a_month(every_chart):
    line = data(layers(every_chart["monthly"])[-2])
    before, after = (line.filter(pl.col("period") == D(y, m, 1))["run"][0]
                     for y, m in ((2024, 11, 1)[:2], (2025, 3, 1)[:2]))  # fmt: skip
    assert before != after  # December 2024 is missing, then January-February is combined


def test_ytd_lines_stop_at_a_missing_month():
    f = frame([(D(2025, 1, 1), 1, 1.0, False, 1.0), (D(2025, 2, 1), 1, 1.0, False, 2.0),
               (D(2025, 4, 1), 1, 1.0, False, 4.0)])  # fmt: skip
    got = data(layers(ytd_chart(f, title="t"))[0])
    assert got.select("month", "run").rows() == [(1, "2025|0"), (2, "2025|0"), (4, "2025|1")]


# 4. licence events labelled with kind and measure


def test_event_labels_name_kind_and_measure_once_per_month():
    rules = event_rules(load_licence_events(), D(2025, 4, 1), D(2025, 4, 30))
    marks, text = rules.layer
    assert data(marks)["label"].to_list() == [
        "announcement No. 18 [2025]",
        "effective No. 18 [2025]",
    ]
    assert data(text).select("date", "label").rows() == [
        (D(2025, 4, 4), "announcement No. 18 [2025]; effective No. 18 [2025]")
    ]
    assert encoding(text)["text"]["field"] == "short"


def test_a_long_event_label_is_cut_on_the_chart_and_whole_in_the_tooltip(events):
    text = event_rules(events, D(2025, 10, 1), D(2025, 10, 31)).layer[1]
    label, short = data(text).select("label", "short").row(0)
    assert label.startswith("announcement Nos. 55, 56, 57, 58, 61, 62 [2025]; effective No. 62")
    assert short == label[:44] + "…" and len(short) == 45
    assert "label" in [t["field"] for t in encoding(text)["tooltip"]]


def test_event_rules_cover_the_charted_period_only():
    rules = event_rules(load_licence_events(), D(2025, 4, 1), D(2025, 4, 30))
    assert data(rules.layer[0])["date"].unique().to_list() == [D(2025, 4, 4)]


# 5. axes with units; a tooltip with value, note and source on every mark


UNITS = ("tonnes", "%", "month", "t,")


@pytest.mark.parametrize("name", ["monthly", "growth", "ytd", "reported", "front_loading",
                                  "event_study"])  # fmt: skip
def test_every_axis_has_a_unit_and_every_mark_a_tooltip(every_chart, name):
    titled = 0
    for layer in layers(every_chart[name]):
        enc = encoding(layer)
        assert "tooltip" in enc, (name, layer.mark)
        for channel in ("x", "y"):
            if "title" in enc.get(channel, {}):
                assert any(u in enc[channel]["title"] for u in UNITS), enc[channel]["title"]
                titled += 1
    assert titled >= 2


@pytest.mark.parametrize("name", ["monthly", "growth", "ytd", "reported", "front_loading",
                                  "event_study"])  # fmt: skip
def test_the_data_marks_tooltip_value_note_and_source(every_chart, name):
    data_layers = [layer for layer in layers(every_chart[name])
                   if "source_url" in data(layer).columns and data(layer).height]  # fmt: skip
    assert data_layers
    for layer in data_layers:
        fields = {t["field"] for t in encoding(layer)["tooltip"]}
        assert {"note", "source_url"} <= fields
        assert fields & {"value_t", "pct", "ytd_t", "reported_pct", "deviation_pct", "label"}


def test_sources_name_the_actual_months_only(every_chart, rare_earths):
    lines = data(layers(every_chart["front_loading"])[1])
    actual = lines.filter(pl.col("series") == "actual", pl.col("period") == D(2025, 6, 1))
    expected = rare_earths.filter(pl.col("period") == D(2025, 6, 1))["source_url"].cast(pl.String)
    assert actual["source_url"].to_list() == expected.to_list()
    assert (
        lines.filter(pl.col("series") != "actual")["source_url"].null_count()
        == lines.filter(pl.col("series") != "actual").height
    )


# 6. zoom, whole months, legends


@pytest.mark.parametrize("name", ["monthly", "growth", "front_loading"])
def test_time_charts_zoom_and_pan_their_time_axis(every_chart, name):
    spec = every_chart[name].to_dict()
    assert spec["params"] == [{"name": "zoom", "select": {"type": "interval", "encodings": ["x"]},
                               "bind": "scales", "views": ["data"]}]  # fmt: skip


def test_event_study_axis_shows_whole_months_only(every_chart):
    x = encoding(layers(every_chart["event_study"])[0])["x"]
    assert x["axis"]["values"] == list(range(-6, 7)) and x["axis"]["format"] == "d"
    assert x["scale"]["domain"] == [-6, 6]


def test_no_legend_label_is_cut_off(every_chart):
    for name, chart in every_chart.items():
        for layer in layers(chart):
            colour = encoding(layer).get("color", {})
            if "field" in colour and colour.get("legend") is not None:
                assert colour["legend"]["labelLimit"] == 0, name


# the renderer: interactive in JupyterLab, static SVG everywhere


def test_the_renderer_gives_vega5_and_the_same_chart_as_svg():
    chart = monthly_chart(SERIES, title="t")
    bundle = render(chart.to_dict())
    assert bundle[VEGA_MIMETYPE]["$schema"] == "https://vega.github.io/schema/vega/v5.json"
    assert (
        bundle["image/svg+xml"].startswith("<svg") and "tonnes per month" in bundle["image/svg+xml"]
    )
    assert render(chart.to_dict()) == bundle  # deterministic, for nbval


def test_reported_chart_draws_computable_figures_only():
    data_ = pl.DataFrame({"reported_pct": [1.0, 2.0], "computed_pct": [1.0, None],
                          "verdict": ["agrees", "not computable"], "reason": [None, "x"],
                          "source_url": [U, U]})  # fmt: skip
    chart = reported_chart(data_, title="t")
    assert data(chart.layer[1])["reported_pct"].to_list() == [1.0]


def test_front_loading_chart_without_sources_or_windows_still_draws_every_month():
    table = pl.DataFrame({"method": ["pre_mean"] * 2, "period": [D(2025, 1, 1), D(2025, 2, 1)],
                          "months": [1, 1], "window": ["estimation"] * 2,
                          "actual_t": [10.0, 12.0], "baseline_t": [11.0, 11.0]})  # fmt: skip
    lines = data(layers(front_loading_chart(table, title="t"))[1])
    assert lines.select("period", "series", "run", "note", "source_url").rows() == [
        (D(2025, 1, 1), "actual", 0, "", None), (D(2025, 2, 1), "actual", 0, "", None),
        (D(2025, 1, 1), "baseline: pre_mean", 0,
         "modelled: what the baseline expects without the control", None),
        (D(2025, 2, 1), "baseline: pre_mean", 0,
         "modelled: what the baseline expects without the control", None),
    ]  # fmt: skip
