"""A blank quantity keeps its month as a row with a null value and a stated reason.

It never vanishes and is never read as zero: growth says "no value this month" on that row,
the next comparisons that would lean on it have no base, and the year-to-date stops there.
"""

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from reanalysis import load_customs, load_statements
from reanalysis.errors import BadValueError, DuplicateRowError
from reanalysis.growth import growth, rolling

TIDY = "period,commodity,flow,partner,value,unit\n"
BLANK = "quantity blank in source"


def d(month: int, year: int = 2025) -> dt.date:
    return dt.date(year, month, 1)


@pytest.fixture
def blank_february(write):
    rows = "2024-02,ore,export,World,4,t\n2025-01,ore,export,World,5,t\n"
    rows += "2025-02,ore,export,World,,t\n2025-03,ore,export,World,6,t\n"
    return write("t.csv", TIDY + rows)


def test_a_blank_tidy_quantity_keeps_its_month_with_the_reason(blank_february):
    got = load_customs(blank_february).select(
        "period", "value_t", "ytd_t", "value_half_unit_t", "missing_reason"
    )
    expected = pl.DataFrame(
        {
            "period": [d(2, 2024), d(1), d(2), d(3)],
            "value_t": [4.0, 5.0, None, 6.0],
            "ytd_t": [None, 5.0, None, None],  # the cumulative stops at the blank month
            "value_half_unit_t": [0.0, 0.0, None, 0.0],
            "missing_reason": [None, None, BLANK, None],
        }
    )
    assert_frame_equal(got, expected)


def test_growth_never_reads_a_blank_as_zero(blank_february):
    got = growth(load_customs(blank_february)).select(
        "period", "mom_pct", "mom_note", "yoy_pct", "yoy_note"
    )
    expected = pl.DataFrame(
        {
            "period": [d(2, 2024), d(1), d(2), d(3)],
            "mom_pct": [None, None, None, None],
            "mom_note": [
                "base month missing",
                "base month missing",
                "no value this month",
                "base month missing",
            ],  # fmt: skip
            "yoy_pct": [None, None, None, None],
            "yoy_note": [
                "base month missing",
                "base month missing",
                "no value this month",
                "base month missing",
            ],  # fmt: skip
        },
        schema_overrides={"mom_pct": pl.Float64, "yoy_pct": pl.Float64},
    )
    assert_frame_equal(got.with_columns(pl.col("mom_note", "yoy_note").cast(pl.String)), expected)


def test_a_rolling_window_over_a_blank_month_has_no_sum(blank_february):
    got = rolling(load_customs(blank_february), months=2)
    assert got.height == 0  # Jan+Feb and Feb+Mar both hold the blank month


def test_a_blank_comtrade_weight_keeps_its_row(write):
    header = "freqCode,period,flowCode,cmdCode,partnerDesc,netWgt,primaryValue\n"
    rows = "M,202501,X,850511,Japan,7000,280000\nM,202502,X,850511,Japan,,90000\n"
    got = load_customs(write("c.csv", header + rows)).select(
        "period", "value_t", "value_usd", "missing_reason"
    )
    expected = pl.DataFrame(
        {
            "period": [d(1), d(2)],
            "value_t": [7.0, None],
            "value_usd": [280000.0, 90000.0],
            "missing_reason": [None, BLANK],
        }  # fmt: skip
    )
    assert_frame_equal(got, expected)


def test_an_all_blank_file_gives_its_months_without_values(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,,t\n2025-02,ore,export,World,,kg\n")
    got = growth(load_customs(path)).select("period", "value_t", "missing_reason", "mom_note")
    assert got.rows() == [(d(1), None, BLANK, "no value this month"),
                          (d(2), None, BLANK, "no value this month")]  # fmt: skip


def test_a_blank_beside_a_figure_for_the_same_month_is_a_conflict(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,,t\n2025-01,ore,export,World,5,t\n")
    with pytest.raises(DuplicateRowError, match=r"line 3.*found 5.0.*line 2 \(blank\)"):
        load_customs(path)


def test_repeated_blanks_collapse(write):
    path = write("t.csv", TIDY + "2025-01,ore,export,World,,t\n2025-01,ore,export,World,,t\n")
    assert load_customs(path).select("value_t", "missing_reason").rows() == [(None, BLANK)]


STATEMENTS = (
    "period,flow,commodity,value_t,ytd_t,mom_pct_reported,yoy_pct_reported,source_url,quote\n"
)


def test_a_statement_with_only_a_percentage_says_so_and_makes_no_month(write):
    rows = "2025-01,export,ore,5,,,,https://example.org/a,q\n"
    rows += "2025-02,export,ore,,,-3.5,,https://example.org/b,q\n"
    path = write("s.csv", STATEMENTS + rows)
    statements = load_statements(path).select("line", "value_t", "missing_reason")
    assert statements.rows() == [(2, 5.0, None), (3, None, "only a percentage stated")]
    canonical = load_customs(path)
    assert canonical.select("period", "value_t", "missing_reason").rows() == [(d(1), 5.0, None)]


def test_a_statement_row_that_states_nothing_is_refused(write):
    rows = "2025-01,export,ore,5,,,,https://example.org/a,q\n"
    rows += "2025-02,export,ore,,,,,https://example.org/b,q\n"
    with pytest.raises(BadValueError, match=r"line 3, column 'value_t'.*states nothing"):
        load_customs(write("s.csv", STATEMENTS + rows))


def test_the_shipped_series_have_no_missing_reason(shipped):
    assert shipped["missing_reason"].null_count() == shipped.height
