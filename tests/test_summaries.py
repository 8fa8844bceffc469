"""Headlines: the finding each report opens with, from the same frames as its tables."""

import datetime as dt

import polars as pl
import pytest

from reanalysis.events import load_licence_events, relevant_to
from reanalysis.frontloading import SUMMARY_SCHEMA, FrontLoading
from reanalysis.growth import growth
from reanalysis.series import select_series
from reanalysis.summaries import (
    front_loading_headline,
    growth_headline,
    reported_headline,
    series_headline,
    weights_headline,
)

D = dt.date


@pytest.fixture(scope="module")
def rare_earths(shipped):
    return growth(select_series(shipped, commodity="rare earths"))


def test_the_growth_headline_of_april_2025(rare_earths):
    assert growth_headline(rare_earths, "2025-04") == (
        "April 2025: 4,784.8 t, -15.6% on March (conflicted input), +4.8% on April 2024; "
        "January-April 18,962 t, +5.1% (cumulative not stated)"
    )


def test_a_combined_release_is_two_months_compared_with_the_same_two(rare_earths):
    assert growth_headline(rare_earths, D(2025, 1, 1)) == (
        "January-February 2025: 8,511.0 t (two months), -3.0% on January-February 2024; "
        "January-February 8,511 t, -3.0%"
    )


def test_a_missing_comparison_says_why_instead_of_disappearing(rare_earths):
    assert growth_headline(rare_earths, "2025-03").startswith(
        "March 2025: 5,666.3 t, no comparison with February (base is January-February combined)"
    )


def test_the_latest_month_by_default_and_a_month_without_data(rare_earths):
    assert growth_headline(rare_earths).startswith("December 2025: 4,392.1 t, -20.1% on November")
    assert growth_headline(rare_earths, "2030-01") == "No tonnage for 2030-01-01."
    assert growth_headline(rare_earths.head(0)) == "No tonnage in this series."


def test_january_compares_with_december_of_the_year_before():
    f = pl.DataFrame({"period": [D(2024, 1, 1)], "months": [1], "value_t": [10.0],
                      "mom_pct": [5.0], "mom_note": [None], "yoy_pct": [None],
                      "yoy_note": ["base month missing"], "ytd_t": [None], "ytd_yoy_pct": [None],
                      "ytd_yoy_note": [None]})  # fmt: skip
    assert growth_headline(f) == (
        "January 2024: 10.0 t, +5.0% on December 2023, "
        "no comparison with January 2023 (base month missing)"
    )
    g = f.with_columns(ytd_t=pl.lit(10.0), ytd_yoy_note=pl.lit("base month missing"))
    assert growth_headline(g).endswith(
        "; January 10 t, no comparison with a year earlier (base month missing)"
    )


def test_series_headline_counts_figures_conflicts_and_events(shipped):
    series = select_series(shipped, commodity="rare earths", start="2025-01", end="2025-06")
    events = relevant_to(load_licence_events(), "rare earths")
    assert series_headline(series, events) == (
        "June 2025: 7,742.2 t; January-February 2025 to June 2025: 5 published figures, "
        "1 on which sources disagreed, 8 licence events"
    )
    assert series_headline(series.head(0), events) == "No tonnage in this series."


def test_reported_headline_counts_each_verdict():
    one = pl.DataFrame({"verdict": ["agrees", "differs"]})
    assert reported_headline(one) == (
        "Of 2 published percentages, 1 agrees with the data within the rounding, 1 differs and "
        "0 cannot be computed"
    )


def headline_of(rows: list[dict], level: float = 0.95) -> str:
    """The headline of a result whose summary has these rows (other columns null) and whose
    excess does not move with the straddle choice."""
    summary = pl.DataFrame(
        [{"status": "ok", "anticipation_months": 0, "post_months": 3, "level": level} | r
         for r in rows], schema=SUMMARY_SCHEMA)  # fmt: skip
    result = FrontLoading(
        summary=summary, table=pl.DataFrame(), placebos=pl.DataFrame(),
        sensitivity=summary.select("method", "excess_t").with_columns(straddle=pl.lit("majority")),
        excluded=pl.DataFrame(), straddle="majority", controls=False, post_window=True,
    )  # fmt: skip
    return front_loading_headline(result, "m")


def test_front_loading_headline_leads_with_the_net_and_its_band_at_the_level():
    rows = [{"method": "seasonal_naive", "payback_t": 2151.47, "net_t": 2151.47,
             "net_low_t": -1592.2, "net_high_t": 5895.4},
            {"method": "pre_mean", "payback_t": 4360.0, "net_t": 4360.0, "net_low_t": 1030.4,
             "net_high_t": 7690.0}]  # fmt: skip
    assert headline_of(rows, level=0.9) == (
        "m: net +2,151 t to +4,360 t against the baselines over the event window, 90% bands "
        "spanning -1,592 t to +7,690 t (excluding zero: 1 of 2). Verdict: inconclusive: no "
        "baseline gives an excess (no anticipation month it can measure). No anticipation "
        "window; payback over the post window (3 months) +2,151 t to +4,360 t (2 of 2 baselines "
        "ran)."
    )


def test_front_loading_headline_keeps_the_verdict_no_stronger_than_the_library():
    # every excess band clears zero, so the library says "consistent"; the net's bands do not
    rows = [{"method": "pre_mean", "excess_t": 120.4, "excess_low_t": 10.0, "excess_high_t": 230.0,
             "payback_t": -30.0, "net_t": 90.4, "net_low_t": -50.0, "net_high_t": 200.0},
            {"method": "regression", "excess_t": 80.0, "excess_low_t": 5.0, "excess_high_t": 150.0,
             "payback_t": -20.0, "net_t": 60.0, "net_low_t": -10.0, "net_high_t": 130.0}]  # fmt: skip
    rows = [r | {"anticipation_months": 2} for r in rows]
    assert headline_of(rows, level=0.975) == (
        "m: net +60 t to +90 t against the baselines over the event window, 97.5% bands spanning "
        "-50 t to +200 t (excluding zero: 0 of 2). Verdict: consistent with front-loading: 2 "
        "baselines agree in sign, every 97.5% band excludes zero and no straddle choice changes "
        "the sign. Excess over the anticipation window (2 months) +80 t to +120 t; payback over "
        "the post window (3 months) -30 t to -20 t (2 of 2 baselines ran)."
    )


def test_front_loading_headline_says_when_a_window_or_band_is_missing():
    tried = {"method": "regression", "status": "too few months"}
    assert headline_of([{"method": "pre_mean"}, tried]) == (
        "m: no baseline could estimate anything (2 tried)"
    )
    note = "2 estimation observation(s): too few for a band (needs 3)"
    suspended = {"method": "pre_mean", "excess_t": 50.0, "net_t": 50.0, "band_note": note,
                 "anticipation_months": 1, "post_months": 0}  # fmt: skip
    assert headline_of([suspended, tried | {"post_months": 0}]) == (
        f"m: net +50 t against the baselines over the event window, no band: {note}. Verdict: "
        "inconclusive: only the pre mean baseline gives an excess. Excess over the anticipation "
        "window (1 month) +50 t; no post window (1 of 2 baselines ran)."
    )
    assert headline_of([suspended | {"band_note": None, "post_months": 3}, tried]).startswith(
        "m: net +50 t against the baselines over the event window, no band. Verdict"
    )
    no_net = {"method": "pre_mean", "excess_t": 50.0, "anticipation_months": 1}
    assert headline_of([no_net, tried]) == (
        "m: net not estimated. Verdict: inconclusive: only the pre mean baseline gives an "
        "excess. Excess over the anticipation window (1 month) +50 t; post window not estimated "
        "(1 of 2 baselines ran)."
    )
    no_excess = {"method": "pre_mean", "payback_t": -20.0, "anticipation_months": 1,
                 "post_months": 1}  # fmt: skip
    assert headline_of([no_excess, tried]).endswith(
        "Anticipation window not estimated; payback over the post window (1 month) -20 t (1 of 2 "
        "baselines ran)."
    )


def _growth_row(period: dt.date, months: int = 1, **values: object) -> pl.DataFrame:
    row = {"period": period, "months": months, "value_t": 10.0, "mom_pct": 5.0, "mom_note": None,
           "yoy_pct": 2.0, "yoy_note": None, "ytd_t": None, "ytd_yoy_pct": None,
           "ytd_yoy_note": None} | values  # fmt: skip
    return pl.DataFrame([row], schema_overrides={"mom_note": pl.String, "yoy_note": pl.String,
                        "ytd_yoy_note": pl.String, "ytd_t": pl.Float64, "mom_pct": pl.Float64,
                        "yoy_pct": pl.Float64, "ytd_yoy_pct": pl.Float64})  # fmt: skip


def test_february_compares_with_january_and_a_comparison_without_a_note_says_so():
    f = _growth_row(D(2025, 2, 1), mom_pct=None)
    assert growth_headline(f, "2025-02-01") == (
        "February 2025: 10.0 t, no comparison with January (not computable), +2.0% on February 2024"
    )
    assert growth_headline(f, "2025-02") == growth_headline(f, D(2025, 2, 1))


def test_the_series_headline_counts_the_events_inside_its_months_only():
    series = pl.DataFrame(
        {"period": [D(2025, 1, 1), D(2025, 3, 1), D(2025, 4, 1)], "months": [2, 1, 1],
         "value_t": [8511.0, 5666.3, 4784.8], "has_conflict": [False, False, False]}
    )  # fmt: skip

    def events(*days: dt.date) -> pl.DataFrame:
        return pl.DataFrame({"date": list(days)}, schema={"date": pl.Date})

    # April has 30 days: an event on 1 May is after the series, one on 1 January is in it
    inside = events(D(2025, 1, 1), D(2025, 4, 30), D(2024, 12, 31), D(2025, 5, 1), D(2025, 5, 2))
    assert series_headline(series, inside) == (
        "April 2025: 4,784.8 t; January-February 2025 to April 2025: 3 published figures, "
        "0 on which sources disagreed, 2 licence events"
    )
    # a series ending in a combined January-February ends with February (28 days in 2025)
    jf = series.head(1)
    assert series_headline(jf, events(D(2025, 2, 28), D(2025, 3, 1))) == (
        "January-February 2025: 8,511.0 t; January-February 2025 to January-February 2025: "
        "1 published figure, 0 on which sources disagreed, 1 licence event"
    )
    november = series.with_columns(period=pl.lit(D(2024, 11, 1)), months=pl.lit(1)).head(1)
    assert series_headline(november, events(D(2024, 11, 30), D(2024, 12, 1))).endswith(
        "1 licence event"
    )
    december = series.with_columns(period=pl.lit(D(2024, 12, 1)), months=pl.lit(1)).head(1)
    assert series_headline(december, events(D(2024, 12, 31), D(2025, 1, 1))).endswith(
        "1 licence event"
    )


@pytest.mark.parametrize(
    ("verdicts", "counts"),
    [
        (["differs"], "Of 1 published percentage, 0 agree with the data within the rounding, 1 differs and 0"),
        (["agrees", "agrees", "differs", "differs"], "Of 4 published percentages, 2 agree with the data within the rounding, 2 differ and 0"),
        (["agrees", "not computable"], "Of 2 published percentages, 1 agrees with the data within the rounding, 0 differ and 1"),
    ],
)  # fmt: skip
def test_reported_headline_counts_verdicts_that_are_absent_as_zero(verdicts, counts):
    assert reported_headline(pl.DataFrame({"verdict": verdicts})) == f"{counts} cannot be computed"


def test_front_loading_headline_counts_bands_that_exclude_zero_strictly():
    def band(low: float, high: float) -> dict:
        return {"method": "pre_mean", "payback_t": 1.0, "net_t": 1.0, "net_low_t": low,
                "net_high_t": high}  # fmt: skip

    # touching zero does not exclude it; half a tonne on either side does
    for low, high, clear in ((0.0, 2.0, 0), (0.5, 2.0, 1), (-2.0, 0.0, 0), (-2.0, -0.5, 1)):
        assert f"(excluding zero: {clear} of 1)" in headline_of([band(low, high)])


def test_front_loading_headline_counts_a_baseline_that_gives_only_a_net():
    assert headline_of([{"method": "pre_mean", "net_t": 50.0}]).startswith(
        "m: net +50 t against the baselines over the event window, no band. Verdict"
    )


def test_weights_headline_lists_reasons_by_count_then_by_name():
    reasons = ["b reason", "a reason", "c reason", "c reason", None]
    f = pl.DataFrame({"reporter": "China", "commodity": "250410", "flow": "export",
                      "partner": "World", "value_t": [None] * 5 + [3.0],
                      "weight_estimated": [False] * 6, "missing_reason": reasons + [None]})  # fmt: skip
    assert weights_headline(f) == (
        "Weights: none of 6 months estimated by the source; 2 months without tonnage: c reason; "
        "1 month without tonnage: no monthly figure stated; 1 month without tonnage: a reason; "
        "1 month without tonnage: b reason"
    )


def test_the_series_headline_counts_events_from_its_first_day_to_its_last_month_inclusive():
    def series(*rows: tuple) -> pl.DataFrame:
        return pl.DataFrame(list(rows), schema=["period", "months", "value_t", "has_conflict"],
                            orient="row")  # fmt: skip

    def events(*days: dt.date) -> pl.DataFrame:
        return pl.DataFrame({"date": list(days)}, schema={"date": pl.Date})

    to_january = series((D(2024, 12, 1), 1, 4392.1, False), (D(2025, 1, 1), 1, 3000.0, True))
    # 30 November is before the series and 1 February after it; 1 December is its first day
    assert series_headline(to_january, events(D(2024, 11, 30), D(2024, 12, 1), D(2025, 2, 1))) == (
        "January 2025: 3,000.0 t; December 2024 to January 2025: 2 published figures, "
        "1 on which sources disagreed, 1 licence event"
    )
    assert series_headline(to_january, events(D(2024, 12, 1), D(2025, 1, 31))) == (
        "January 2025: 3,000.0 t; December 2024 to January 2025: 2 published figures, "
        "1 on which sources disagreed, 2 licence events"
    )
    # a series ending in a combined January-February ends on 28 February
    to_february = series((D(2024, 12, 1), 1, 4392.1, False), (D(2025, 1, 1), 2, 8511.0, False))
    assert series_headline(to_february, events(D(2025, 2, 28))) == (
        "January-February 2025: 8,511.0 t; December 2024 to January-February 2025: "
        "2 published figures, 0 on which sources disagreed, 1 licence event"
    )
