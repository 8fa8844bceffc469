"""Charts: the data each layer draws (the pictures themselves are checked in the browser test)."""

import datetime as dt

import polars as pl

from reanalysis.charts import event_rules, monthly_chart, reported_chart, ytd_chart
from reanalysis.events import load_licence_events

D = dt.date


def frame(rows):
    return pl.DataFrame(rows, schema={"period": pl.Date, "months": pl.Int8, "value_t": pl.Float64,
                                      "is_derived": pl.Boolean, "ytd_t": pl.Float64},
                        orient="row")  # fmt: skip


def layer_data(chart, i):
    return pl.DataFrame(chart.layer[i].data)


def test_a_missing_month_breaks_the_line_and_combined_months_stay_off_it():
    data = frame([(D(2025, 1, 1), 2, 200.0, False, 200.0), (D(2025, 3, 1), 1, 90.0, False, 290.0),
                  (D(2025, 4, 1), 1, 80.0, True, 370.0), (D(2025, 6, 1), 1, 70.0, False, None)])  # fmt: skip
    chart = monthly_chart(data, title="t")
    line = layer_data(chart, 0)  # run = 12 * year + month - position: constant along a run
    assert line.select("period", "run").rows() == [(D(2025, 3, 1), 24303), (D(2025, 4, 1), 24303),
                                                   (D(2025, 6, 1), 24304)]  # fmt: skip
    points = layer_data(chart, 1)
    assert points["observation"].to_list() == [
        "January-February combined", "stated", "derived from cumulatives", "stated"]  # fmt: skip


def test_event_rules_cover_the_charted_period_only():
    rules = event_rules(load_licence_events(), D(2025, 4, 1), D(2025, 4, 30))
    assert pl.DataFrame(rules.data)["announcement"].to_list() == [
        "MOFCOM/GACC Announcement No. 18 [2025]"] * 2  # fmt: skip


def test_ytd_chart_keeps_recent_years_by_month_of_year():
    data = frame([(D(2023, 3, 1), 1, 1.0, False, 5.0), (D(2024, 1, 1), 2, 2.0, False, 2.0),
                  (D(2025, 3, 1), 1, 1.0, False, 9.0)])  # fmt: skip
    got = pl.DataFrame(ytd_chart(data, title="t", years=2).data)
    assert got.select("year", "month", "ytd_t").rows() == [("2024", 2, 2.0), ("2025", 3, 9.0)]


def test_reported_chart_draws_computable_figures_only():
    data = pl.DataFrame({"reported_pct": [1.0, 2.0], "computed_pct": [1.0, None],
                         "verdict": ["agrees", "not computable"]})  # fmt: skip
    chart = reported_chart(data, title="t")
    assert pl.DataFrame(chart.layer[1].data)["reported_pct"].to_list() == [1.0]
