"""select_series: one series, and a window on it that never changes a figure."""

import datetime as dt
import doctest

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import reanalysis as ra
from reanalysis import paths
from reanalysis.growth import BASE_MISSING, GROWTH_COLUMNS
from reanalysis.series import month_bound, select_series
from test_growth import canonical

D = dt.date


def test_a_window_takes_its_base_months_from_outside():
    frame = canonical([(D(2024, 3, 1), 50.0), (D(2024, 4, 1), 80.0), (D(2025, 3, 1), 100.0),
                       (D(2025, 4, 1), 120.0), (D(2025, 5, 1), 90.0)])  # fmt: skip
    window = select_series(frame, commodity="ore", start="2025-04", end="2025-04")
    assert window.select("period", "value_t", *GROWTH_COLUMNS).rows() == [
        (D(2025, 4, 1), 120.0, (120 / 100 - 1) * 100, None, (120 / 80 - 1) * 100, None,
         (220 / 130 - 1) * 100, None)]  # fmt: skip
    cut_first = ra.growth(frame.filter(pl.col("period") >= D(2025, 4, 1)))  # the old way
    assert cut_first.select("mom_pct", "yoy_note").row(0) == (None, BASE_MISSING)


def test_without_a_window_the_series_comes_as_it_is():
    frame = canonical([(D(2025, 3, 1), 100.0)]).vstack(canonical([(D(2025, 3, 1), 7.0)],
                                                                   partner="Japan"))  # fmt: skip
    assert_frame_equal(select_series(frame, commodity="ore", partner="Japan"), frame.tail(1))
    only_start = select_series(frame, commodity="ore", start="2025-03")
    assert only_start.select("partner", "value_t").rows() == [("World", 100.0)]
    only_end = select_series(frame, commodity="ore", end="2025-02")
    assert only_end.height == 0 and set(GROWTH_COLUMNS) <= set(only_end.columns)


def test_an_unknown_series_names_the_ones_on_offer():
    frame = canonical([(D(2025, 3, 1), 100.0)])
    with pytest.raises(
        KeyError, match="no series ore / export / Japan; available: ore / export / World"
    ):
        select_series(frame, commodity="ore", partner="Japan")


def test_growth_keeps_the_figures_a_frame_already_carries():
    frame = canonical([(D(2024, 4, 1), 80.0), (D(2025, 4, 1), 120.0)])
    window = select_series(frame, commodity="ore", start="2025-04")
    assert_frame_equal(ra.growth(window), window)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2025-01", D(2025, 1, 1)), ("1999-12", D(1999, 12, 1)), (D(2025, 4, 30), D(2025, 4, 1))],
)
def test_month_bounds(value, expected):
    assert month_bound(value, "start") == expected


@pytest.mark.parametrize("value", ["2025-1", "2025-13", "2025-01-15", "Jan 2025", 202501])
def test_a_bound_that_is_not_a_month_is_refused_naming_the_parameter(value):
    with pytest.raises(
        ValueError, match=rf"end: expected a month written YYYY-MM .*found {value!r}"
    ):
        month_bound(value, "end")


def test_select_series_names_the_bound_that_is_not_a_month():
    frame = canonical([(D(2025, 3, 1), 100.0)])
    with pytest.raises(ValueError, match=r"^start: expected a month written YYYY-MM \(e\.g\. "
                       r"2025-01\), found '2025-3'$"):  # fmt: skip
        select_series(frame, commodity="ore", start="2025-3", end="2025-04")
    with pytest.raises(ValueError, match=r"^end: expected a month written YYYY-MM \(e\.g\. "
                       r"2025-01\), found 'April'$"):  # fmt: skip
        select_series(frame, commodity="ore", start="2025-03", end="April")


SHIPPED = ra.load_customs()
SERIES = SHIPPED.select("commodity", "flow", "partner").unique().sort(pl.all()).rows()
MONTHS = pl.date_range(D(2017, 1, 1), D(2026, 1, 1), "1mo", eager=True).to_list()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(SERIES), st.sampled_from(MONTHS), st.sampled_from(MONTHS))
def test_a_window_never_changes_a_figure(series, first, last):
    commodity, flow, partner = series
    whole = ra.growth(SHIPPED).filter(pl.col("commodity") == commodity, pl.col("flow") == flow,
                                      pl.col("partner") == partner)  # fmt: skip
    window = select_series(SHIPPED, commodity=commodity, flow=flow, partner=partner,
                           start=first.strftime("%Y-%m"), end=last)  # fmt: skip
    shown = whole.filter(pl.col("period").is_between(first, last))
    assert_frame_equal(window, shown)
    # An independent look-up: a single month's year-on-year against the same month a year
    # earlier, wherever that base lies (inside or outside the window).
    values = {(p, m): v for p, m, v in whole.select("period", "months", "value_t").rows()}
    for period, months, value, yoy in window.select("period", "months", "value_t",
                                                    "yoy_pct").rows():  # fmt: skip
        base = values.get((period.replace(year=period.year - 1), 1))
        if months == 1 and value is not None and base:
            assert yoy == pytest.approx((value / base - 1) * 100, rel=1e-12)


def test_the_readme_examples_run_and_print_what_they_say():
    result = doctest.testfile(str(paths.ROOT / "README.md"), module_relative=False,
                              optionflags=doctest.NORMALIZE_WHITESPACE)  # fmt: skip
    assert result.attempted >= 3 and result.failed == 0
