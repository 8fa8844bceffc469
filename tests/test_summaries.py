"""Headlines: the finding each report opens with, from the same frames as its tables."""

import datetime as dt

import polars as pl
import pytest

from reanalysis.events import load_licence_events, relevant_to
from reanalysis.growth import growth
from reanalysis.series import select_series
from reanalysis.summaries import (
    front_loading_headline,
    growth_headline,
    reported_headline,
    series_headline,
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


def test_front_loading_headline_names_each_window_or_its_absence():
    floats = {c: pl.Float64 for c in ("excess_t", "payback_t", "band_low_t", "band_high_t")}
    s = pl.DataFrame({"method": ["a", "b"], "status": ["ok", "too few"], "excess_t": [None, None],
                      "payback_t": [None, None], "band_low_t": [None, None],
                      "band_high_t": [None, None], "anticipation_months": [0, 0],
                      "post_months": [3, 3]}, schema_overrides=floats)  # fmt: skip
    assert front_loading_headline(s, "m") == "m: no baseline could estimate anything (2 tried)"
    post = s.with_columns(payback_t=pl.Series([2151.47, None]))
    assert front_loading_headline(post, "No. 18 [2025]") == (
        "No. 18 [2025]: no anticipation window; post window (3 months) +2,151 t against the "
        "baselines (1 of 2 baselines ran)"
    )
    one = s.with_columns(excess_t=pl.Series([50.0, None]), anticipation_months=1)
    assert front_loading_headline(one, "m") == (
        "m: anticipation window (1 month) +50 t against the baselines; post window not estimated "
        "(1 of 2 baselines ran)"
    )
    assert front_loading_headline(post.with_columns(anticipation_months=1), "m").startswith(
        "m: anticipation window not estimated; post window (3 months)"
    )
    assert front_loading_headline(one.with_columns(post_months=0), "m").endswith(
        "; no post window (1 of 2 baselines ran)"
    )
